import type {
  ForecastPoint,
  Reason,
  ScalingPolicy,
} from '@internal/plugin-autoscaling-common';
import type { WorkloadRecord } from '../store/EngineStore';

/** Resolves the effective policy of a workload (governance supplies the real one). */
export interface PolicyProvider {
  effectivePolicy(record: WorkloadRecord): Promise<ScalingPolicy>;
}

export interface AuditEntry {
  actor: string;
  action: 'engine.actuate' | 'workload.scale' | 'workload.rollback' | 'engine.kill-switch';
  target: string;
  before: unknown;
  after: unknown;
  reason: string;
}

/** Where actuations, manual scales and kill-switch flips are recorded. */
export interface AuditSink {
  append(entry: AuditEntry): Promise<unknown>;
}

export interface DemandForecast {
  model: string;
  reasons: Reason[];
  points: ForecastPoint[];
  anomalies: Array<{ at: string; value: number; score: number }>;
}

/**
 * The seam to the forecaster: compact incremental state per workload, one observation
 * per tick, and a forecast over a horizon. Pure functions of their inputs.
 */
export interface DemandForecaster {
  observe(state: unknown, timeMs: number, value: number): unknown;
  forecast(state: unknown, nowMs: number, horizonSeconds: number): DemandForecast | undefined;
}
