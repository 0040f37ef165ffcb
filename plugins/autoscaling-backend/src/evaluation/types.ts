import type { ScalingPolicy } from '@internal/plugin-autoscaling-common';
import type { WorkloadRecord } from '../store/EngineStore';

/** Resolves the effective policy of a workload (governance supplies the real one). */
export interface PolicyProvider {
  effectivePolicy(record: WorkloadRecord): Promise<ScalingPolicy>;
  /**
   * The effective policies of many workloads at once (a tick asks for all of its cluster's),
   * in the order of `records`; a workload whose policy does not resolve gets its error.
   */
  effectivePolicies?(
    records: WorkloadRecord[],
  ): Promise<Array<ScalingPolicy | Error>>;
}

export interface AuditEntry {
  actor: string;
  action:
    | 'engine.actuate'
    | 'workload.scale'
    | 'workload.rollback'
    | 'engine.kill-switch';
  target: string;
  before: unknown;
  after: unknown;
  reason: string;
}

/** Where actuations, manual scales and kill-switch flips are recorded. */
export interface AuditSink {
  append(entry: AuditEntry): Promise<unknown>;
}
