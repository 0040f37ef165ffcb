import type {
  Reason,
  ScalingPolicy,
} from '@internal/plugin-autoscaling-common';
import type {
  ContainerVerticalState,
  HorizontalResult,
  MetricSample,
  PodObservation,
  PredictiveFloor,
  PredictivePlan,
  ReplicaLimit,
  VerticalState,
} from '@internal/plugin-autoscaling-engine';
import type { OtherAutoscaler, ScaleState } from '../kubernetes/types';
import type { WorkloadEngineState } from '../store/WorkloadEngineState';
import type { DiscoveredWorkload } from '../workloads/WorkloadDiscovery';
import type { LiveForecastState } from './predictiveStep';

/** One workload observed and decided in a tick (before tenant limits, then with them). */
export interface Plan {
  discovered: DiscoveredWorkload;
  policy: ScalingPolicy;
  prior: WorkloadEngineState;
  scale: ScaleState;
  pods: PodObservation[];
  samples: Record<string, MetricSample>;
  demand: number | null;
  /** Memory in use by all pods, bytes; null without metrics. */
  memoryUsage: number | null;
  cpuUtilization: number | null;
  predictive?: PredictiveFloor;
  /** The workload's forecaster state after this tick (kept in memory, checkpointed). */
  forecastState: LiveForecastState;
  /** Whether the forecaster was refitted this tick (its row is then written). */
  refitted: boolean;
  predictivePlan: PredictivePlan;
  forecast: WorkloadEngineState['lastForecast'];
  vertical: VerticalState;
  containers: Record<string, ContainerVerticalState>;
  result: HorizontalResult;
  limit?: ReplicaLimit;
  allocationReasons: Reason[];
  /** Why the tenant's budget emergency caps (or, for enterprise, does not cap) this workload. */
  budgetReason?: Reason;
  /** An HPA or KEDA ScaledObject that also targets the workload: the engine writes nothing. */
  otherAutoscaler?: OtherAutoscaler;
}
