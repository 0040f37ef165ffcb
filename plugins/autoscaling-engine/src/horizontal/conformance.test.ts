/**
 * Conformance with the Kubernetes HPA (autoscaling/v2). Each case names the upstream function
 * (kubernetes/kubernetes pkg/controller/podautoscaler/) whose behaviour it reproduces, and the
 * arithmetic behind the expected count.
 */
import type { ScalingPolicyInput } from '@internal/plugin-autoscaling-common';
import {
  FREE_BEHAVIOR,
  NOW,
  cpuMetric,
  pendingPods,
  perPod,
  policy,
  readyPods,
} from '../testing/builders';
import { decideHorizontal } from './decideHorizontal';
import { emptyHorizontalState, type HorizontalState } from './state';
import type {
  HorizontalInput,
  MetricSample,
  PodObservation,
  ReasonCode,
} from './types';

interface Case {
  name: string;
  upstream: string;
  input: () => HorizontalInput;
  want: {
    replicas: number;
    kind?: 'scale' | 'hold' | 'blocked';
    reason?: ReasonCode;
    condition?: [string, string, string?];
  };
}

const RC = 'replica_calculator.go';
const HZ = 'horizontal.go';

function cpuCase(args: {
  pods: PodObservation[];
  usage: number | number[];
  target?: number;
  current?: number;
  policy?: Partial<ScalingPolicyInput>;
  state?: Partial<HorizontalState>;
  resource?: 'cpu' | 'memory';
  /** No state at all: the workload's first evaluation (upstream: no recommendations entry). */
  firstEvaluation?: boolean;
}): () => HorizontalInput {
  return () => ({
    policy: policy({
      metrics: [
        {
          type: 'Resource',
          resource: args.resource ?? 'cpu',
          target: {
            type: 'Utilization',
            averageUtilization: args.target ?? 50,
          },
        },
      ],
      behavior: FREE_BEHAVIOR,
      ...args.policy,
    }),
    workload: {
      currentReplicas: args.current ?? args.pods.length,
      pods: args.pods,
    },
    samples: { [args.resource ?? 'cpu']: perPod(args.pods, args.usage) },
    state: args.firstEvaluation
      ? undefined
      : { ...emptyHorizontalState(), ...args.state },
    nowMs: NOW,
  });
}

const podsMetric = (averageValue: number) => ({
  type: 'Pods' as const,
  name: 'rps',
  query: {
    source: 'prometheus',
    query: 'sum(rate(http_requests_total[1m])) by (pod)',
  },
  target: { type: 'AverageValue' as const, averageValue },
});

function twoMetricCase(
  samples: (pods: PodObservation[]) => Record<string, MetricSample>,
): () => HorizontalInput {
  const pods = readyPods(4);
  return () => ({
    policy: policy({
      metrics: [cpuMetric(50), podsMetric(100)],
      behavior: FREE_BEHAVIOR,
    }),
    workload: { currentReplicas: 4, pods },
    samples: samples(pods),
    nowMs: NOW,
  });
}

function externalCase(args: {
  type: 'Object' | 'External';
  target:
    | { type: 'Value'; value: number }
    | { type: 'AverageValue'; averageValue: number };
  value: number | number[];
  current: number;
  pods?: PodObservation[];
  minReplicas?: number;
  behavior?: Partial<ScalingPolicyInput>['behavior'];
}): () => HorizontalInput {
  return () => ({
    policy: policy({
      minReplicas: args.minReplicas ?? 1,
      metrics: [
        {
          type: args.type,
          name: 'queue',
          query: { source: 'prometheus', query: 'sum(queue_depth)' },
          target: args.target,
        },
      ],
      behavior: args.behavior ?? FREE_BEHAVIOR,
    }),
    workload: {
      currentReplicas: args.current,
      pods: args.pods ?? readyPods(args.current),
    },
    samples: { queue: { type: 'value', value: args.value } },
    nowMs: NOW,
  });
}

const initialisingPod = (
  overrides: Partial<PodObservation>,
): PodObservation => ({
  name: 'young',
  phase: 'Running',
  ready: false,
  startTimeMs: NOW - 60_000,
  readyTransitionMs: NOW - 60_000,
  requests: { cpu: 1, memory: 2 ** 30 },
  ...overrides,
});

const CASES: Case[] = [
  // ---------------------------------------------------------------- replica calculator
  {
    name: 'scales up by ceil(utilisation ratio × ready pods): 90%/50% × 3 = 5.4 → 6',
    upstream: `${RC} GetResourceReplicas (TestReplicaCalcScaleUp)`,
    input: cpuCase({ pods: readyPods(3), usage: 0.9 }),
    want: { replicas: 6, kind: 'scale', reason: 'MetricsProposal' },
  },
  {
    name: 'scales down: 20%/50% × 5 = 2',
    upstream: `${RC} GetResourceReplicas (TestReplicaCalcScaleDown)`,
    input: cpuCase({ pods: readyPods(5), usage: 0.2 }),
    want: { replicas: 2, kind: 'scale' },
  },
  {
    name: 'keeps the count inside the default 0.1 tolerance: ratio 1.08',
    upstream: `${RC} Tolerances.isWithin (TestReplicaCalcToleranceCM)`,
    input: cpuCase({ pods: readyPods(4), usage: 0.54 }),
    want: { replicas: 4, kind: 'hold', reason: 'WithinTolerance' },
  },
  {
    name: 'the tolerance band is inclusive: ratio exactly 1.1 holds',
    upstream: `${RC} Tolerances.isWithin: (1-down) <= ratio <= (1+up)`,
    input: cpuCase({ pods: readyPods(4), usage: 0.55 }),
    want: { replicas: 4, kind: 'hold' },
  },
  {
    name: 'just outside the band scales: ratio 1.12 × 4 = 4.48 → 5',
    upstream: `${RC} GetResourceReplicas`,
    input: cpuCase({ pods: readyPods(4), usage: 0.56 }),
    want: { replicas: 5, kind: 'scale' },
  },
  {
    name: 'utilisation is truncated to an integer percent: 55.9% → 55% → within tolerance',
    upstream:
      'metrics/utilization.go GetResourceUtilizationRatio: int32((Σusage*100)/Σrequest)',
    input: cpuCase({ pods: readyPods(4), usage: 0.559 }),
    want: { replicas: 4, kind: 'hold' },
  },
  {
    name: 'utilisation is a ratio of sums, not a mean of per-pod ratios: (0.9+0.3)/(1+3) = 30%',
    upstream:
      'metrics/utilization.go GetResourceUtilizationRatio (sums usage and requests)',
    input: cpuCase({
      pods: [...readyPods(1, 1, 'a'), ...readyPods(1, 3, 'b')],
      usage: [0.9, 0.3],
      target: 30,
    }),
    want: { replicas: 2, kind: 'hold' },
  },
  {
    name: 'a per-direction scale-up tolerance of 0.01 scales at ratio 1.02: 10 → 11',
    upstream: `${RC} Tolerances{scaleUp} (KEP-4951 configurable tolerance, ${HZ} tolerancesForHpa)`,
    input: cpuCase({
      pods: readyPods(10),
      usage: 0.51,
      policy: {
        behavior: {
          ...FREE_BEHAVIOR,
          scaleUp: { ...FREE_BEHAVIOR.scaleUp, tolerance: 0.01 },
        },
      },
    }),
    want: { replicas: 11, kind: 'scale' },
  },
  {
    name: 'a scale-down tolerance of 0.05 scales at ratio 0.94: 20 → 19',
    upstream: `${RC} Tolerances{scaleDown} (KEP-4951)`,
    input: cpuCase({
      pods: readyPods(20),
      usage: 0.47,
      policy: {
        behavior: {
          ...FREE_BEHAVIOR,
          scaleDown: { ...FREE_BEHAVIOR.scaleDown, tolerance: 0.05 },
        },
      },
    }),
    want: { replicas: 19, kind: 'scale' },
  },
  {
    name: 'a scale-down tolerance of 0.2 holds at ratio 0.84',
    upstream: `${RC} Tolerances{scaleDown} (KEP-4951)`,
    input: cpuCase({
      pods: readyPods(10),
      usage: 0.42,
      policy: {
        behavior: {
          ...FREE_BEHAVIOR,
          scaleDown: { ...FREE_BEHAVIOR.scaleDown, tolerance: 0.2 },
        },
      },
    }),
    want: { replicas: 10, kind: 'hold' },
  },
  {
    name: 'on scale-down a pod without metrics counts as 100% of its request: 10% → 32% → 3',
    upstream: `${RC} GetResourceReplicas missing pods, fallbackUtilization max(100, target) (TestReplicaCalcMissingMetricsNoChangeLt)`,
    input: cpuCase({ pods: readyPods(4), usage: [0.1, 0.1, 0.1] }),
    want: { replicas: 3, kind: 'scale' },
  },
  {
    name: 'on scale-up a pod without metrics counts as 0: 90% → 67% → ceil(1.34 × 4) = 6',
    upstream: `${RC} GetResourceReplicas missing pods at 0 on scale-up (TestReplicaCalcMissingMetricsScaleUp)`,
    input: cpuCase({ pods: readyPods(4), usage: [0.9, 0.9, 0.9] }),
    want: { replicas: 6, kind: 'scale' },
  },
  {
    name: 'missing pods that flip the direction keep the current count',
    upstream: `${RC} GetResourceReplicas: return current when newUsageRatio flips direction`,
    input: cpuCase({ pods: readyPods(2), usage: [0.6] }),
    want: { replicas: 2, kind: 'hold' },
  },
  {
    name: 'unready pods count as 0 on scale-up: 90% over 3 ready + 2 pending → 54% → hold',
    upstream: `${RC} GetResourceReplicas scaleUpWithUnready (TestReplicaCalcScaleUpUnreadyLessScale)`,
    input: cpuCase({
      pods: [...readyPods(3), ...pendingPods(2)],
      usage: [0.9, 0.9, 0.9],
    }),
    want: { replicas: 5, kind: 'hold' },
  },
  {
    name: 'unready pods are ignored on scale-down: 10% over 3 ready → 1',
    upstream: `${RC} groupPods: Pending pods are unready (TestReplicaCalcScaleDownIgnoresUnreadyPods)`,
    input: cpuCase({
      pods: [...readyPods(3), ...pendingPods(2)],
      usage: [0.1, 0.1, 0.1],
    }),
    want: { replicas: 1, kind: 'scale' },
  },
  {
    name: 'deleting and failed pods are ignored: 90% over 3 → 6',
    upstream: `${RC} groupPods: deletionTimestamp or Failed → ignored (TestReplicaCalcScaleUpIgnoresFailedPods, ...DeletionPods)`,
    input: cpuCase({
      pods: [
        ...readyPods(3),
        { ...readyPods(1, 1, 'failed')[0], phase: 'Failed' },
        { ...readyPods(1, 1, 'deleting')[0], deleting: true },
      ],
      usage: [0.9, 0.9, 0.9, 5, 5],
      current: 3,
    }),
    want: { replicas: 6, kind: 'scale' },
  },
  {
    name: 'a CPU pod still initialising and not ready is unready: 4, not 6',
    upstream: `${RC} groupPods cpuInitializationPeriod: NotReady inside the period → unready`,
    input: cpuCase({
      pods: [...readyPods(2), initialisingPod({})],
      usage: [0.9, 0.9, 1.0],
    }),
    want: { replicas: 4, kind: 'scale' },
  },
  {
    name: 'a CPU pod whose sample predates readiness + one metric window is unready',
    upstream: `${RC} groupPods: metric.Timestamp before LastTransitionTime + metric.Window → unready`,
    input: cpuCase({
      pods: [
        ...readyPods(2),
        initialisingPod({
          ready: true,
          startTimeMs: NOW - 100_000,
          readyTransitionMs: NOW - 20_000,
        }),
      ],
      usage: [0.9, 0.9, 1.0],
    }),
    want: { replicas: 4, kind: 'scale' },
  },
  {
    name: 'memory does not get the CPU readiness rules: all three pods count → 6',
    upstream: `${RC} groupPods: the readiness special cases apply to v1.ResourceCPU only`,
    input: cpuCase({
      resource: 'memory',
      pods: [...readyPods(2), initialisingPod({})],
      usage: [0.9 * 2 ** 30, 0.9 * 2 ** 30, 2 ** 30],
    }),
    want: { replicas: 6, kind: 'scale' },
  },
  {
    name: 'a CPU pod that never became ready after the initialisation period is unready',
    upstream: `${RC} groupPods: NotReady and transition within delayOfInitialReadinessStatus of start`,
    input: cpuCase({
      pods: [
        ...readyPods(2),
        initialisingPod({
          startTimeMs: NOW - 600_000,
          readyTransitionMs: NOW - 590_000,
        }),
      ],
      usage: [0.9, 0.9, 0.9],
    }),
    want: { replicas: 4, kind: 'scale' },
  },
  {
    name: 'no metric at all: no scaling, ScalingActive=False FailedGetResourceMetric',
    upstream: `${HZ} computeReplicasForMetrics: all metrics invalid → error, no rescale`,
    input: () => ({
      ...cpuCase({ pods: readyPods(3), usage: 0.9 })(),
      samples: {},
    }),
    want: {
      replicas: 3,
      kind: 'blocked',
      reason: 'MetricsFailed',
      condition: ['ScalingActive', 'False', 'FailedGetResourceMetric'],
    },
  },
  {
    name: 'a pod without a CPU request makes the utilisation metric fail',
    upstream: `${RC} calculateRequests: "missing request for cpu"`,
    input: cpuCase({
      pods: [
        ...readyPods(2),
        { ...readyPods(1, 1, 'norequest')[0], requests: {} },
      ],
      usage: 0.9,
    }),
    want: { replicas: 3, kind: 'blocked', reason: 'MetricsFailed' },
  },
  {
    name: 'a Pods metric: average 150 over target 100 × 4 pods → 6',
    upstream: `${RC} GetMetricReplicas → calcPlainMetricReplicas (TestReplicaCalcScaleUpCM)`,
    input: () => {
      const pods = readyPods(4);
      return {
        policy: policy({ metrics: [podsMetric(100)], behavior: FREE_BEHAVIOR }),
        workload: { currentReplicas: 4, pods },
        samples: { rps: perPod(pods, 150) },
        nowMs: NOW,
      };
    },
    want: { replicas: 6, kind: 'scale' },
  },
  {
    name: 'a Pods metric counts a missing pod at the target on scale-down: 62.5/100 × 4 → 3',
    upstream: `${RC} calcPlainMetricReplicas: missing pods use targetUsage on scale-down`,
    input: () => {
      const pods = readyPods(4);
      return {
        policy: policy({ metrics: [podsMetric(100)], behavior: FREE_BEHAVIOR }),
        workload: { currentReplicas: 4, pods },
        samples: { rps: perPod(pods, [50, 50, 50]) },
        nowMs: NOW,
      };
    },
    want: { replicas: 3, kind: 'scale' },
  },
  {
    name: 'a Resource AverageValue target: 750m over 500m × 3 → 5',
    upstream: `${RC} GetRawResourceReplicas → calcPlainMetricReplicas`,
    input: () => {
      const pods = readyPods(3);
      return {
        policy: policy({
          metrics: [
            {
              type: 'Resource',
              resource: 'cpu',
              target: { type: 'AverageValue', averageValue: '500m' },
            },
          ],
          behavior: FREE_BEHAVIOR,
        }),
        workload: { currentReplicas: 3, pods },
        samples: { cpu: perPod(pods, 0.75) },
        nowMs: NOW,
      };
    },
    want: { replicas: 5, kind: 'scale' },
  },
  {
    name: 'an Object Value metric: ratio 3 × 2 ready pods → 6',
    upstream: `${RC} GetObjectMetricReplicas → getUsageRatioReplicaCount`,
    input: externalCase({
      type: 'Object',
      target: { type: 'Value', value: 100 },
      value: 300,
      current: 2,
    }),
    want: { replicas: 6, kind: 'scale' },
  },
  {
    name: 'an Object Value metric inside the tolerance holds',
    upstream: `${RC} getUsageRatioReplicaCount: tolerance check when current ≠ 0`,
    input: externalCase({
      type: 'Object',
      target: { type: 'Value', value: 100 },
      value: 105,
      current: 2,
    }),
    want: { replicas: 2, kind: 'hold' },
  },
  {
    name: 'an External AverageValue metric sums its series: ceil(350 / 50) = 7',
    upstream: `${RC} GetExternalPerPodMetricReplicas (usage = Σ series; ratio vs target × status replicas)`,
    input: externalCase({
      type: 'External',
      target: { type: 'AverageValue', averageValue: 50 },
      value: [200, 150],
      current: 4,
    }),
    want: { replicas: 7, kind: 'scale' },
  },
  {
    name: 'an External AverageValue metric inside the tolerance keeps the status replicas',
    upstream: `${RC} GetExternalPerPodMetricReplicas: replicaCount = statusReplicas when within tolerance`,
    input: externalCase({
      type: 'External',
      target: { type: 'AverageValue', averageValue: 50 },
      value: 210,
      current: 4,
    }),
    want: { replicas: 4, kind: 'hold' },
  },
  {
    name: 'scale from zero on an External Value metric: ceil(250/100) = 3',
    upstream: `${RC} getUsageRatioReplicaCount: currentReplicas == 0 → ceil(usageRatio) (HPAScaleToZero)`,
    input: externalCase({
      type: 'External',
      target: { type: 'Value', value: 100 },
      value: 250,
      current: 0,
      pods: [],
      minReplicas: 0,
      // API default rules: a Percent policy alone cannot grow from zero, the Pods one can.
      behavior: {},
    }),
    want: { replicas: 3, kind: 'scale' },
  },
  // ---------------------------------------------------------------- several metrics
  {
    name: 'the largest proposal over metrics wins: cpu 5, rps 7 → 7',
    upstream: `${HZ} computeReplicasForMetrics: replicas = max over metric proposals`,
    input: twoMetricCase(pods => ({
      cpu: perPod(pods, 0.6),
      rps: perPod(pods, 175),
    })),
    want: { replicas: 7, kind: 'scale' },
  },
  {
    name: 'a failing metric does not stop a scale-up proposed by the others',
    upstream: `${HZ} computeReplicasForMetrics: invalid metrics only block when replicas < spec`,
    input: twoMetricCase(pods => ({
      cpu: { type: 'error', message: 'metrics-server unavailable' },
      rps: perPod(pods, 175),
    })),
    want: {
      replicas: 7,
      kind: 'scale',
      condition: ['ScalingActive', 'True', 'ValidMetricFound'],
    },
  },
  {
    name: 'a failing metric blocks a scale-down proposed by the others',
    upstream: `${HZ} computeReplicasForMetrics: invalidMetricsCount > 0 && replicas < specReplicas → error`,
    input: twoMetricCase(pods => ({
      cpu: { type: 'error', message: 'metrics-server unavailable' },
      rps: perPod(pods, 20),
    })),
    want: {
      replicas: 4,
      kind: 'blocked',
      reason: 'ScaleDownBlockedByFailedMetric',
    },
  },
  {
    name: 'every metric failing: ScalingActive=False with the first failure',
    upstream: `${HZ} computeReplicasForMetrics: invalidMetricsCount >= len(metricSpecs)`,
    input: twoMetricCase(() => ({
      cpu: { type: 'error', message: 'down' },
      rps: { type: 'error', message: 'down' },
    })),
    want: {
      replicas: 4,
      kind: 'blocked',
      condition: ['ScalingActive', 'False', 'FailedGetResourceMetric'],
    },
  },
  // ---------------------------------------------------------------- reconcile
  {
    name: 'a target scaled to zero with minReplicas ≠ 0 disables autoscaling',
    upstream: `${HZ} reconcileAutoscaler: scale.Spec.Replicas == 0 && minReplicas != 0 → ScalingDisabled`,
    input: cpuCase({ pods: [], usage: 0, current: 0 }),
    want: {
      replicas: 0,
      kind: 'blocked',
      reason: 'ScalingDisabled',
      condition: ['ScalingActive', 'False', 'ScalingDisabled'],
    },
  },
  {
    name: 'current above maxReplicas goes to maxReplicas without reading metrics',
    upstream: `${HZ} reconcileAutoscaler: currentReplicas > MaxReplicas → desired = MaxReplicas`,
    input: cpuCase({
      pods: readyPods(8),
      usage: 0.9,
      policy: { maxReplicas: 5 },
    }),
    want: { replicas: 5, kind: 'scale', reason: 'CurrentAboveMax' },
  },
  {
    name: 'current below minReplicas goes to minReplicas',
    upstream: `${HZ} reconcileAutoscaler: currentReplicas < minReplicas → desired = minReplicas`,
    input: cpuCase({
      pods: readyPods(1),
      usage: 0.01,
      policy: { minReplicas: 3 },
    }),
    want: { replicas: 3, kind: 'scale', reason: 'CurrentBelowMin' },
  },
  // ---------------------------------------------------------------- without behavior
  {
    name: 'without behavior a scale-up is capped at max(2 × current, 4): 1 → 4',
    upstream: `${HZ} convertDesiredReplicasWithRules / calculateScaleUpLimit (scaleUpLimitMinimum 4)`,
    input: cpuCase({
      pods: readyPods(1),
      usage: 5,
      policy: { behavior: undefined },
    }),
    want: {
      replicas: 4,
      kind: 'scale',
      condition: ['ScalingLimited', 'True', 'ScaleUpLimit'],
    },
  },
  {
    name: 'without behavior a scale-up is capped at 2 × current: 5 → 10',
    upstream: `${HZ} calculateScaleUpLimit (scaleUpLimitFactor 2)`,
    input: cpuCase({
      pods: readyPods(5),
      usage: 2,
      policy: { behavior: undefined },
    }),
    want: { replicas: 10, kind: 'scale', reason: 'ScaleUpLimit' },
  },
  {
    name: 'without behavior maxReplicas below the rate limit reports TooManyReplicas',
    upstream: `${HZ} convertDesiredReplicasWithRules: hpaMaxReplicas <= scaleUpLimit → TooManyReplicas`,
    input: cpuCase({
      pods: readyPods(5),
      usage: 2,
      policy: { behavior: undefined, maxReplicas: 8 },
    }),
    want: {
      replicas: 8,
      kind: 'scale',
      condition: ['ScalingLimited', 'True', 'TooManyReplicas'],
    },
  },
  {
    name: 'without behavior the highest recommendation of the last 5 min holds a scale-down',
    upstream: `${HZ} stabilizeRecommendation (downscaleStabilisationWindow 5m)`,
    input: cpuCase({
      pods: readyPods(8),
      usage: 0.1,
      policy: { behavior: undefined },
      state: { recommendations: [[NOW - 100_000, 8]] },
    }),
    want: {
      replicas: 8,
      kind: 'hold',
      reason: 'ScaleDownStabilized',
      condition: ['AbleToScale', 'True', 'ScaleDownStabilized'],
    },
  },
  {
    name: 'without behavior recommendations older than the window are ignored',
    upstream: `${HZ} stabilizeRecommendation: rec.timestamp.Before(cutoff) → old sample`,
    input: cpuCase({
      pods: readyPods(8),
      usage: 0.1,
      policy: { behavior: undefined },
      state: { recommendations: [[NOW - 301_000, 8]] },
    }),
    want: { replicas: 2, kind: 'scale' },
  },
  {
    name: 'without behavior a proposal under minReplicas is raised to it (TooFewReplicas)',
    upstream: `${HZ} convertDesiredReplicasWithRules: desired < min → TooFewReplicas`,
    input: cpuCase({
      pods: readyPods(4),
      usage: 0.05,
      policy: { behavior: undefined, minReplicas: 2 },
    }),
    want: {
      replicas: 2,
      kind: 'scale',
      condition: ['ScalingLimited', 'True', 'TooFewReplicas'],
    },
  },
  // ---------------------------------------------------------------- with behavior
  {
    name: 'a scale-up window takes the lowest recommendation inside it: hold at 3',
    upstream: `${HZ} stabilizeRecommendationWithBehaviors: upRecommendation = min over scaleUp window`,
    input: cpuCase({
      pods: readyPods(3),
      usage: 0.9,
      policy: {
        behavior: {
          ...FREE_BEHAVIOR,
          scaleUp: { ...FREE_BEHAVIOR.scaleUp, stabilizationWindowSeconds: 60 },
        },
      },
      state: { recommendations: [[NOW - 30_000, 3]] },
    }),
    want: {
      replicas: 3,
      kind: 'hold',
      condition: ['AbleToScale', 'True', 'ScaleUpStabilized'],
    },
  },
  {
    name: 'a scale-up window never goes below current: lowest recent 5, current 3 → 5',
    upstream: `${HZ} stabilizeRecommendationWithBehaviors: rec = current; if rec < upRecommendation`,
    input: cpuCase({
      pods: readyPods(3),
      usage: 0.9,
      policy: {
        behavior: {
          ...FREE_BEHAVIOR,
          scaleUp: { ...FREE_BEHAVIOR.scaleUp, stabilizationWindowSeconds: 60 },
        },
      },
      state: { recommendations: [[NOW - 30_000, 5]] },
    }),
    want: { replicas: 5, kind: 'scale', reason: 'ScaleUpStabilized' },
  },
  {
    name: 'a scale-down window takes the highest recommendation inside it',
    upstream: `${HZ} stabilizeRecommendationWithBehaviors: downRecommendation = max over scaleDown window`,
    input: cpuCase({
      pods: readyPods(10),
      usage: 0.1,
      policy: {
        behavior: {
          ...FREE_BEHAVIOR,
          scaleDown: {
            ...FREE_BEHAVIOR.scaleDown,
            stabilizationWindowSeconds: 60,
          },
        },
      },
      state: { recommendations: [[NOW - 30_000, 10]] },
    }),
    want: { replicas: 10, kind: 'hold', reason: 'ScaleDownStabilized' },
  },
  {
    name: 'an unset scale-down window uses the controller flag (300 s)',
    upstream: `${HZ} maybeInitScaleDownStabilizationWindow (nil → downscaleStabilisationWindow)`,
    input: cpuCase({
      pods: readyPods(10),
      usage: 0.1,
      policy: { behavior: { scaleUp: FREE_BEHAVIOR.scaleUp } },
      state: { recommendations: [[NOW - 200_000, 10]] },
    }),
    want: { replicas: 10, kind: 'hold' },
  },
  {
    name: 'an empty behavior gets the API defaults: up by max(4 pods, 100%) per 15 s → 2 → 6',
    upstream: 'pkg/apis/autoscaling/v2/defaults.go GenerateHPAScaleUpRules',
    input: cpuCase({ pods: readyPods(2), usage: 5, policy: { behavior: {} } }),
    want: {
      replicas: 6,
      kind: 'scale',
      condition: ['ScalingLimited', 'True', 'ScaleUpLimit'],
    },
  },
  {
    name: 'a behavior with only scaleDown still gets the default scaleUp rules',
    upstream:
      'pkg/apis/autoscaling/v2/defaults.go SetDefaults_HorizontalPodAutoscalerBehavior',
    input: cpuCase({
      pods: readyPods(2),
      usage: 5,
      policy: { behavior: { scaleDown: { stabilizationWindowSeconds: 0 } } },
    }),
    want: { replicas: 6, kind: 'scale' },
  },
  {
    name: 'a Percent scale-up limit rounds up: 3 × 1.1 = 3.3 → 4',
    upstream: `${HZ} calculateScaleUpLimitWithScalingRules: math.Ceil(periodStart × (1 + value/100))`,
    input: cpuCase({
      pods: readyPods(3),
      usage: 0.9,
      policy: {
        behavior: {
          ...FREE_BEHAVIOR,
          scaleUp: {
            policies: [{ type: 'Percent', value: 10, periodSeconds: 15 }],
          },
        },
      },
    }),
    want: { replicas: 4, kind: 'scale', reason: 'ScaleUpLimit' },
  },
  {
    name: 'a Percent scale-down limit truncates: 15 × 0.9 = 13.5 → 13',
    upstream: `${HZ} calculateScaleDownLimitWithBehaviors: int32(periodStart × (1 − value/100))`,
    input: cpuCase({
      pods: readyPods(15),
      usage: 0.01,
      policy: {
        behavior: {
          ...FREE_BEHAVIOR,
          scaleDown: {
            stabilizationWindowSeconds: 0,
            policies: [{ type: 'Percent', value: 10, periodSeconds: 15 }],
          },
        },
      },
    }),
    want: {
      replicas: 13,
      kind: 'scale',
      condition: ['ScalingLimited', 'True', 'ScaleDownLimit'],
    },
  },
  {
    name: 'scale-ups inside the period use up its budget: 4 pods/60 s already added → hold',
    upstream: `${HZ} getReplicasChangePerPeriod: periodStart = current − added + removed`,
    input: cpuCase({
      pods: readyPods(8),
      usage: 0.9,
      policy: {
        behavior: {
          ...FREE_BEHAVIOR,
          scaleUp: {
            policies: [{ type: 'Pods', value: 4, periodSeconds: 60 }],
          },
        },
      },
      state: { scaleUpEvents: [[NOW - 30_000, 4]] },
    }),
    want: { replicas: 8, kind: 'hold', reason: 'ScaleUpLimit' },
  },
  {
    name: 'scale events older than the period no longer count: 8 → 12',
    upstream: `${HZ} getReplicasChangePerPeriod: only events after now − periodSeconds`,
    input: cpuCase({
      pods: readyPods(8),
      usage: 0.9,
      policy: {
        behavior: {
          ...FREE_BEHAVIOR,
          scaleUp: {
            policies: [{ type: 'Pods', value: 4, periodSeconds: 60 }],
          },
        },
      },
      state: { scaleUpEvents: [[NOW - 61_000, 4]] },
    }),
    want: { replicas: 12, kind: 'scale' },
  },
  {
    name: 'replicas removed inside the period count against the scale-down budget',
    upstream: `${HZ} calculateScaleDownLimitWithBehaviors with scaleDownEvents`,
    input: cpuCase({
      pods: readyPods(8),
      usage: 0.1,
      policy: {
        behavior: {
          ...FREE_BEHAVIOR,
          scaleDown: {
            stabilizationWindowSeconds: 0,
            policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }],
          },
        },
      },
      state: { scaleDownEvents: [[NOW - 30_000, 2]] },
    }),
    want: { replicas: 8, kind: 'hold', reason: 'ScaleDownLimit' },
  },
  {
    name: 'selectPolicy Max (default) going up takes the largest change: 10 → 20',
    upstream: `${HZ} calculateScaleUpLimitWithScalingRules: MaxChangePolicySelect → max`,
    input: cpuCase({
      pods: readyPods(10),
      usage: 2,
      policy: {
        behavior: {
          scaleUp: {
            policies: [
              { type: 'Pods', value: 4, periodSeconds: 15 },
              { type: 'Percent', value: 100, periodSeconds: 15 },
            ],
          },
        },
      },
    }),
    want: { replicas: 20, kind: 'scale' },
  },
  {
    name: 'selectPolicy Min going up takes the smallest change: 10 → 14',
    upstream: `${HZ} calculateScaleUpLimitWithScalingRules: MinChangePolicySelect → min`,
    input: cpuCase({
      pods: readyPods(10),
      usage: 2,
      policy: {
        behavior: {
          scaleUp: {
            selectPolicy: 'Min',
            policies: [
              { type: 'Pods', value: 4, periodSeconds: 15 },
              { type: 'Percent', value: 100, periodSeconds: 15 },
            ],
          },
        },
      },
    }),
    want: { replicas: 14, kind: 'scale' },
  },
  {
    name: 'selectPolicy Max going down takes the largest change: 10 → min(8, 5) = 5',
    upstream: `${HZ} calculateScaleDownLimitWithBehaviors: MaxChangePolicySelect → min of proposals`,
    input: cpuCase({
      pods: readyPods(10),
      usage: 0.05,
      policy: {
        behavior: {
          scaleDown: {
            stabilizationWindowSeconds: 0,
            policies: [
              { type: 'Pods', value: 2, periodSeconds: 15 },
              { type: 'Percent', value: 50, periodSeconds: 15 },
            ],
          },
        },
      },
    }),
    want: { replicas: 5, kind: 'scale' },
  },
  {
    name: 'selectPolicy Min going down takes the smallest change: 10 → max(8, 5) = 8',
    upstream: `${HZ} calculateScaleDownLimitWithBehaviors: MinChangePolicySelect → max of proposals`,
    input: cpuCase({
      pods: readyPods(10),
      usage: 0.05,
      policy: {
        behavior: {
          scaleDown: {
            stabilizationWindowSeconds: 0,
            selectPolicy: 'Min',
            policies: [
              { type: 'Pods', value: 2, periodSeconds: 15 },
              { type: 'Percent', value: 50, periodSeconds: 15 },
            ],
          },
        },
      },
    }),
    want: { replicas: 8, kind: 'scale' },
  },
  {
    name: 'selectPolicy Disabled on scaleUp keeps the current count',
    upstream: `${HZ} calculateScaleUpLimitWithScalingRules: DisabledPolicySelect → currentReplicas`,
    input: cpuCase({
      pods: readyPods(10),
      usage: 2,
      policy: {
        behavior: { ...FREE_BEHAVIOR, scaleUp: { selectPolicy: 'Disabled' } },
      },
    }),
    want: { replicas: 10, kind: 'hold', reason: 'ScaleUpLimit' },
  },
  {
    name: 'selectPolicy Disabled on scaleDown keeps the current count',
    upstream: `${HZ} calculateScaleDownLimitWithBehaviors: DisabledPolicySelect → currentReplicas`,
    input: cpuCase({
      pods: readyPods(10),
      usage: 0.05,
      policy: {
        behavior: {
          ...FREE_BEHAVIOR,
          scaleDown: {
            stabilizationWindowSeconds: 0,
            selectPolicy: 'Disabled',
          },
        },
      },
    }),
    want: { replicas: 10, kind: 'hold', reason: 'ScaleDownLimit' },
  },
  {
    name: 'with behavior maxReplicas clamps a fast scale-up (TooManyReplicas)',
    upstream: `${HZ} convertDesiredReplicasWithBehaviorRate: MaxReplicas <= scaleUpLimit → TooManyReplicas`,
    input: cpuCase({
      pods: readyPods(10),
      usage: 2,
      policy: { maxReplicas: 12 },
    }),
    want: {
      replicas: 12,
      kind: 'scale',
      condition: ['ScalingLimited', 'True', 'TooManyReplicas'],
    },
  },
  {
    name: 'with behavior minReplicas stops a scale-down (TooFewReplicas)',
    upstream: `${HZ} convertDesiredReplicasWithBehaviorRate: MinReplicas >= scaleDownLimit → TooFewReplicas`,
    input: cpuCase({
      pods: readyPods(5),
      usage: 0.01,
      policy: { minReplicas: 3 },
    }),
    want: { replicas: 3, kind: 'scale', reason: 'TooFewReplicas' },
  },
  {
    name: 'first evaluation (no history), legacy window: a scale-down is held at the current count',
    upstream: `${HZ} recordInitialRecommendation: recommendations start at currentReplicas, then stabilizeRecommendation keeps max over 5 min`,
    input: cpuCase({
      firstEvaluation: true,
      pods: readyPods(5),
      usage: 0.01,
      policy: { behavior: undefined },
    }),
    want: {
      replicas: 5,
      kind: 'hold',
      reason: 'ScaleDownStabilized',
      condition: ['AbleToScale', 'True', 'ScaleDownStabilized'],
    },
  },
  {
    name: 'first evaluation with a 300 s scale-down window: held at the current count',
    upstream: `${HZ} recordInitialRecommendation + stabilizeRecommendationWithBehaviors (downRecommendation = max)`,
    input: cpuCase({
      firstEvaluation: true,
      pods: readyPods(8),
      usage: 0.1,
      policy: {
        behavior: {
          ...FREE_BEHAVIOR,
          scaleDown: {
            ...FREE_BEHAVIOR.scaleDown,
            stabilizationWindowSeconds: 300,
          },
        },
      },
    }),
    want: { replicas: 8, kind: 'hold', reason: 'ScaleDownStabilized' },
  },
  {
    name: 'first evaluation without a scale-down window: the seed is outside the window, 5 → 1',
    upstream: `${HZ} recordInitialRecommendation; stabilizeRecommendationWithBehaviors reads only timestamps After(now - 0 s)`,
    input: cpuCase({
      firstEvaluation: true,
      pods: readyPods(5),
      usage: 0.01,
    }),
    want: { replicas: 1, kind: 'scale' },
  },
  {
    name: 'first evaluation does not hold a scale-up: 2 pods at 90% of 50% → 4',
    upstream: `${HZ} recordInitialRecommendation; scale-up window 0 s by default (min over an empty window)`,
    input: cpuCase({
      firstEvaluation: true,
      pods: readyPods(2),
      usage: 0.9,
      policy: { behavior: undefined },
    }),
    want: { replicas: 4, kind: 'scale' },
  },
  {
    name: 'state lost after a scale-up (backend restarted on an empty store): the first tick holds 12',
    upstream: `${HZ} recordInitialRecommendation (a restarted controller has an empty recommendations map)`,
    input: cpuCase({
      firstEvaluation: true,
      pods: readyPods(12),
      usage: 0.2,
      policy: { behavior: undefined },
    }),
    want: { replicas: 12, kind: 'hold', reason: 'ScaleDownStabilized' },
  },
  {
    name: 'an empty but present history is not seeded: 4 → 2 at once without behavior',
    upstream: `${HZ} recordInitialRecommendation only fills a nil entry (tests pass recommendations: []timestampedRecommendation{})`,
    input: cpuCase({
      pods: readyPods(4),
      usage: 0.05,
      policy: { behavior: undefined, minReplicas: 2 },
      state: { recommendations: [] },
    }),
    want: { replicas: 2, kind: 'scale' },
  },
  {
    name: 'no metrics in the policy means 80% average CPU: 90/80 × 4 = 4.5 → 5',
    upstream:
      'pkg/apis/autoscaling/v2/defaults.go SetDefaults_HorizontalPodAutoscaler (80% CPU)',
    input: () => {
      const pods = readyPods(4);
      return {
        policy: policy({ behavior: FREE_BEHAVIOR }),
        workload: { currentReplicas: 4, pods },
        samples: { cpu: perPod(pods, 0.9) },
        nowMs: NOW,
      };
    },
    want: { replicas: 5, kind: 'scale' },
  },
];

describe('HPA conformance', () => {
  it('has at least 40 cases, each citing upstream behaviour', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
    for (const c of CASES) expect(c.upstream).toMatch(/\.go|KEP/);
  });

  it.each(CASES.map(c => [c.name, c] as const))('%s', (_name, c) => {
    const result = decideHorizontal(c.input());
    expect({
      replicas: result.desiredReplicas,
      kind: result.decision.kind,
      reasons: result.decision.reasons.map(r => r.code),
      conditions: result.conditions,
    }).toMatchObject(expectedOf(c.want));
  });
});

/** The parts of a result a case pins down, as one matcher. */
function expectedOf(want: Case['want']): Record<string, unknown> {
  const expected: Record<string, unknown> = { replicas: want.replicas };
  if (want.kind) expected.kind = want.kind;
  if (want.reason) expected.reasons = expect.arrayContaining([want.reason]);
  if (want.condition) {
    const [type, status, reason] = want.condition;
    expected.conditions = expect.arrayContaining([
      expect.objectContaining(
        reason ? { type, status, reason } : { type, status },
      ),
    ]);
  }
  return expected;
}
