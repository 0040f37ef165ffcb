import type { ScalingPolicy } from '@internal/plugin-autoscaling-common';
import type { WorkloadRecord } from '../store/EngineStore';

/** Resolves the effective policy of a workload (governance supplies the real one). */
export interface PolicyProvider {
  effectivePolicy(record: WorkloadRecord): Promise<ScalingPolicy>;
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
