/**
 * Offline replay (backtest) of a policy on a load trace, with the cluster model of DESIGN.md:
 *
 * - each ready pod serves `capacityPerPod` rps at 100% CPU of a 1-core request;
 * - the engine sees CPU utilisation = demand averaged over the last 60 s / (ready × capacity);
 *   Pods metrics see that demand per ready pod, Object/External metrics the total demand;
 * - pods are ready `startupSeconds` after creation; scale-down is immediate;
 * - decisions run every `evaluationIntervalSeconds` of the policy and read only the past.
 *
 * The replay always acts (mode `auto`): it answers "what would this policy have done".
 */
import {
  metricKey,
  type ScalingPolicy,
} from '@internal/plugin-autoscaling-common';
import { decideHorizontal } from '../horizontal/decideHorizontal';
import type { HorizontalState } from '../horizontal/state';
import type {
  MetricSample,
  PodObservation,
  PredictiveFloor,
} from '../horizontal/types';
import { SimulatedCluster } from './simulatedCluster';
import type { Series } from './trace';

/** What a forecaster gets at each evaluation; `history` ends at `nowMs` (inclusive). */
export interface PredictiveContext {
  nowMs: number;
  /** Views of the resampled trace up to now; nothing later is reachable. */
  history: { timeMs: Float64Array; demand: Float64Array };
  stepSeconds: number;
  capacityPerPod: number;
  startupSeconds: number;
  policy: ScalingPolicy;
  /** Replicas the simulated workload has now. */
  currentReplicas: number;
}

/** The forecaster seam: a floor (replicas) for this evaluation, or undefined for none. */
export type PredictiveFloorProvider = (
  context: PredictiveContext,
) => PredictiveFloor | number | undefined;

export interface ReplayOptions {
  series: Series;
  policy: ScalingPolicy;
  capacityPerPod: number;
  startupSeconds: number;
  predictiveFloor?: PredictiveFloorProvider;
}

export interface ReplayRow {
  timeMs: number;
  demand: number;
  desiredReplicas: number;
  readyReplicas: number;
}

export interface ReplaySummary {
  steps: number;
  durationSeconds: number;
  /** Seconds in which demand exceeded ready × capacity. */
  overloadedSeconds: number;
  replicaHours: number;
  scaleUps: number;
  scaleDowns: number;
  minReplicas: number;
  maxReplicas: number;
  meanReplicas: number;
}

export interface ReplayResult {
  rows: ReplayRow[];
  summary: ReplaySummary;
}

const AVERAGING_WINDOW_MS = 60_000;

export function replay(options: ReplayOptions): ReplayResult {
  const { series, capacityPerPod, startupSeconds } = options;
  const policy: ScalingPolicy = { ...options.policy, mode: 'auto' };
  const intervalMs = policy.evaluationIntervalSeconds * 1000;
  const count = series.timeMs.length;
  const averages = trailingAverages(series);

  const cluster = new SimulatedCluster(startupSeconds * 1000);
  cluster.seed(
    initialReplicas(policy, series.demand[0] ?? 0, capacityPerPod),
    series.timeMs[0],
  );

  let state: HorizontalState | undefined;
  let nextEvaluationMs = series.timeMs[0];
  const rows: ReplayRow[] = new Array(count);
  const summary: ReplaySummary = {
    steps: count,
    durationSeconds: count * series.stepSeconds,
    overloadedSeconds: 0,
    replicaHours: 0,
    scaleUps: 0,
    scaleDowns: 0,
    minReplicas: Infinity,
    maxReplicas: 0,
    meanReplicas: 0,
  };

  for (let i = 0; i < count; i++) {
    const nowMs = series.timeMs[i];
    if (nowMs >= nextEvaluationMs) {
      nextEvaluationMs +=
        intervalMs *
        Math.max(1, Math.ceil((nowMs - nextEvaluationMs + 1) / intervalMs));
      const pods = observePods(cluster, nowMs);
      const readyNow = cluster.readyCount(nowMs);
      const result = decideHorizontal({
        policy,
        workload: { currentReplicas: cluster.replicas, pods },
        samples: samplesFor(
          policy,
          pods,
          averages[i],
          readyNow,
          capacityPerPod,
          nowMs,
        ),
        state,
        nowMs,
        predictive: floorAt(options, series, i, nowMs, cluster.replicas),
      });
      state = result.state;
      if (result.decision.kind === 'scale') {
        if (result.decision.to > result.decision.from) summary.scaleUps++;
        else summary.scaleDowns++;
        cluster.scaleTo(result.decision.to, nowMs);
      }
    }
    const desired = cluster.replicas;
    const ready = cluster.readyCount(nowMs);
    const demand = series.demand[i];
    rows[i] = {
      timeMs: nowMs,
      demand,
      desiredReplicas: desired,
      readyReplicas: ready,
    };
    if (demand > ready * capacityPerPod)
      summary.overloadedSeconds += series.stepSeconds;
    summary.replicaHours += (desired * series.stepSeconds) / 3600;
    summary.minReplicas = Math.min(summary.minReplicas, desired);
    summary.maxReplicas = Math.max(summary.maxReplicas, desired);
    summary.meanReplicas += desired / count;
  }
  if (count === 0) summary.minReplicas = 0;
  return { rows, summary };
}

/** Replicas that serve the first demand at the CPU target, all ready when the replay starts. */
function initialReplicas(
  policy: ScalingPolicy,
  demand: number,
  capacityPerPod: number,
): number {
  const cpu = policy.metrics.find(
    m =>
      m.type === 'Resource' &&
      m.resource === 'cpu' &&
      m.target.type === 'Utilization',
  );
  const targetFraction =
    cpu?.type === 'Resource' && cpu.target.type === 'Utilization'
      ? cpu.target.averageUtilization / 100
      : 1;
  const needed = Math.ceil(demand / (capacityPerPod * targetFraction));
  return Math.min(Math.max(needed, policy.minReplicas, 1), policy.maxReplicas);
}

/** Demand averaged over the trailing 60 s at each step (prefix sums keep it linear). */
function trailingAverages(series: Series): Float64Array {
  const n = series.demand.length;
  const out = new Float64Array(n);
  const window = Math.max(
    1,
    Math.round(AVERAGING_WINDOW_MS / (series.stepSeconds * 1000)),
  );
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += series.demand[i];
    if (i >= window) sum -= series.demand[i - window];
    out[i] = sum / Math.min(i + 1, window);
  }
  return out;
}

function observePods(
  cluster: SimulatedCluster,
  nowMs: number,
): PodObservation[] {
  return cluster.list().map(pod => {
    const ready = pod.readyMs <= nowMs;
    return {
      name: pod.name,
      phase: ready ? 'Running' : 'Pending',
      ready,
      startTimeMs: pod.createdMs,
      readyTransitionMs: ready ? pod.readyMs : pod.createdMs,
      requests: { cpu: 1 },
    };
  });
}

function samplesFor(
  policy: ScalingPolicy,
  pods: PodObservation[],
  averageDemand: number,
  readyPods: number,
  capacityPerPod: number,
  nowMs: number,
): Record<string, MetricSample> {
  const samples: Record<string, MetricSample> = {};
  const perPod = (value: number): MetricSample => {
    const values: Record<string, number> = {};
    for (const pod of pods) if (pod.ready) values[pod.name] = value;
    return { type: 'pods', values, timestampMs: nowMs, windowSeconds: 60 };
  };
  for (const metric of policy.metrics) {
    const key = metricKey(metric);
    if (metric.type === 'Resource') {
      samples[key] =
        metric.resource === 'cpu' && readyPods > 0
          ? perPod(averageDemand / (readyPods * capacityPerPod))
          : {
              type: 'error',
              message: `the replay models CPU only, not ${metric.resource}`,
            };
    } else if (metric.type === 'Pods') {
      samples[key] =
        readyPods > 0
          ? perPod(averageDemand / readyPods)
          : { type: 'error', message: 'no ready pods' };
    } else {
      samples[key] = { type: 'value', value: averageDemand };
    }
  }
  return samples;
}

function floorAt(
  options: ReplayOptions,
  series: Series,
  index: number,
  nowMs: number,
  currentReplicas: number,
): PredictiveFloor | undefined {
  if (!options.predictiveFloor || !options.policy.predictive.enabled)
    return undefined;
  const floor = options.predictiveFloor({
    nowMs,
    history: {
      timeMs: series.timeMs.subarray(0, index + 1),
      demand: series.demand.subarray(0, index + 1),
    },
    stepSeconds: series.stepSeconds,
    capacityPerPod: options.capacityPerPod,
    startupSeconds: options.startupSeconds,
    policy: options.policy,
    currentReplicas,
  });
  if (floor === undefined) return undefined;
  return typeof floor === 'number' ? { floorReplicas: floor } : floor;
}
