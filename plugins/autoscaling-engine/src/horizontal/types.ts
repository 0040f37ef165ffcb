/**
 * Inputs and outputs of one horizontal decision. Plain data only, so the backend can store
 * and ship them as JSON.
 */
import type {
  ClampBy,
  DecisionClamp,
  ScalingPolicy,
} from '@internal/plugin-autoscaling-common';

export type { ClampBy, DecisionClamp };
import type { HorizontalState } from './state';

/** One pod of the workload, as the Kubernetes API reports it. */
export interface PodObservation {
  name: string;
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  /** Status of the pod's Ready condition; undefined when the condition is missing. */
  ready?: boolean;
  /** deletionTimestamp is set. */
  deleting?: boolean;
  startTimeMs?: number;
  /** lastTransitionTime of the Ready condition. */
  readyTransitionMs?: number;
  /** Sum of the containers' requests, in cores and bytes. */
  requests?: { cpu?: number; memory?: number };
  /** Per-container requests, needed by container-scoped resource metrics. */
  containerRequests?: Record<string, { cpu?: number; memory?: number }>;
  /**
   * Containers whose last termination was an OOM kill (`lastState.terminated.reason:
   * OOMKilled`), with when it ended and the memory the container had (request and limit, bytes).
   */
  oomKills?: Array<{
    container: string;
    atMs: number;
    memoryRequest?: number;
    memoryLimit?: number;
  }>;
}

export interface ObservedWorkload {
  /** scale.spec.replicas: what the workload is asked to run. */
  currentReplicas: number;
  /** scale.status.replicas: pods that exist; defaults to currentReplicas. */
  statusReplicas?: number;
  pods: readonly PodObservation[];
}

/**
 * A metric reading for one metric of the policy (keyed by `metricKey(spec)`):
 * per-pod values for Resource and Pods metrics (cores, bytes or the metric's unit),
 * one value (or several series, summed) for Object and External metrics, or the failure.
 */
export type MetricSample =
  | {
      type: 'pods';
      values: Readonly<Record<string, number>>;
      /** When the reading was taken; defaults to now. */
      timestampMs?: number;
      /** Averaging window of the reading; defaults to 30 s (metrics-server's resolution). */
      windowSeconds?: number;
    }
  | { type: 'value'; value: number | readonly number[] }
  | { type: 'error'; message: string };

/** A floor proposed by the forecaster (see README, "Predictive floor seam"). */
export interface PredictiveFloor {
  floorReplicas: number;
  /**
   * `plan` strategy: the forecast's replicas replace the reactive proposal instead of only
   * raising it (the reactive path stays in charge when metrics fail or demand leaves the band).
   */
  replaceReactive?: boolean;
  /** The forecast peak behind the floor, for the decision card. */
  peakDemand?: number;
  peakAtMs?: number;
  /** Why, for the decision's reasons (e.g. "peak forecast 930 rps in the next 5 min"). */
  message?: string;
  /** Why, formatted on demand (read when `message` is absent): the tick need not format it. */
  explain?: () => string;
  /**
   * Set when the forecast's replicas were capped before they got here (by maxReplicas or a
   * quota headroom): what capped them and what the forecast wanted (null when unknown).
   */
  capped?: { by: 'max' | 'quota'; wanted: number | null };
}

/** An outer cap on replicas for this tick, e.g. the tenant allocation or a quota headroom. */
export interface ReplicaLimit {
  maxReplicas: number;
  code: string;
  message: string;
  /** What the limit is, for the decision's clamp; by default from `code` (see `clampByOfCode`). */
  by?: ClampBy;
}

/** Controller-level settings of kube-controller-manager, with their upstream defaults. */
export interface ControllerSettings {
  /** --horizontal-pod-autoscaler-tolerance (0.1). */
  tolerance: number;
  /** --horizontal-pod-autoscaler-downscale-stabilization (300 s), also the legacy window. */
  downscaleStabilizationSeconds: number;
  /** --horizontal-pod-autoscaler-cpu-initialization-period (300 s). */
  cpuInitializationPeriodSeconds: number;
  /** --horizontal-pod-autoscaler-initial-readiness-delay (30 s). */
  initialReadinessDelaySeconds: number;
}

export const DEFAULT_CONTROLLER_SETTINGS: ControllerSettings = {
  tolerance: 0.1,
  downscaleStabilizationSeconds: 300,
  cpuInitializationPeriodSeconds: 300,
  initialReadinessDelaySeconds: 30,
};

export interface HorizontalInput {
  /** A resolved policy (see `resolvePolicy`). */
  policy: ScalingPolicy;
  workload: ObservedWorkload;
  samples: Readonly<Record<string, MetricSample>>;
  /** The state returned by the previous decision; absent on the first one. */
  state?: HorizontalState;
  /** Evaluation time, ms since the epoch. */
  nowMs: number;
  predictive?: PredictiveFloor;
  limit?: ReplicaLimit;
  controller?: Partial<ControllerSettings>;
}

/** A machine-readable code and a sentence for people. */
export interface Reason {
  code: ReasonCode;
  message: string;
}

export type ReasonCode =
  | 'MetricsProposal'
  | 'WithinTolerance'
  | 'MetricsFailed'
  | 'ScaleDownBlockedByFailedMetric'
  | 'FallbackActive'
  | 'ScalingDisabled'
  | 'AutoscalingOff'
  | 'DryRun'
  | 'CurrentAboveMax'
  | 'CurrentBelowMin'
  | 'ScaleUpStabilized'
  | 'ScaleDownStabilized'
  | 'ScaleUpLimit'
  | 'ScaleDownLimit'
  | 'ScaleUpDisabled'
  | 'ScaleDownDisabled'
  | 'TooManyReplicas'
  | 'TooFewReplicas'
  | 'ScheduleActive'
  | 'PredictiveFloor'
  | 'PredictivePlan'
  | 'CooldownActive'
  | 'LimitApplied';

/** `clamp` is set when a limit held the decision (max, min, rate, quota, budget…). */
export type Decision =
  | {
      kind: 'scale';
      from: number;
      to: number;
      reasons: Reason[];
      clamp?: DecisionClamp;
    }
  | { kind: 'hold'; replicas: number; reasons: Reason[]; clamp?: DecisionClamp }
  | {
      kind: 'blocked';
      replicas: number;
      reasons: Reason[];
      clamp?: DecisionClamp;
    };

export type ConditionType = 'AbleToScale' | 'ScalingActive' | 'ScalingLimited';

/** Same shape and reasons as `kubectl describe hpa` shows. */
export interface HpaCondition {
  type: ConditionType;
  status: 'True' | 'False';
  reason: string;
  message: string;
}

/** The current value of one metric next to its target, plus its proposal. */
export interface MetricStatus {
  name: string;
  type: 'Resource' | 'Pods' | 'Object' | 'External';
  current?: {
    averageUtilization?: number;
    averageValue?: number;
    value?: number;
  };
  /** Replicas this metric alone asks for. */
  proposal?: number;
  error?: string;
}

export interface HorizontalResult {
  decision: Decision;
  /** Replica count the workload should run after this tick (equals current unless scaling). */
  desiredReplicas: number;
  conditions: HpaCondition[];
  metrics: MetricStatus[];
  state: HorizontalState;
}
