/**
 * Replica proposals for one metric, following kubernetes/kubernetes
 * pkg/controller/podautoscaler/replica_calculator.go. Values are handled as integer
 * milli-units, as the controller does with `Quantity.MilliValue()`, so utilisation truncation
 * and averages round the same way.
 */
import { isWithinTolerance, type Tolerances } from './tolerances';
import type { PodObservation } from './types';

export type Proposal =
  | {
      ok: true;
      replicas: number;
      utilization?: number;
      averageValue?: number;
      value?: number;
    }
  | { ok: false; error: string };

/** Timing inputs of `groupPods` for CPU (the only resource with readiness special cases). */
export interface PodTiming {
  nowMs: number;
  sampleTimestampMs: number;
  sampleWindowMs: number;
  cpuInitializationPeriodMs: number;
  initialReadinessDelayMs: number;
}

const toMilli = (value: number) => Math.round(value * 1000);

interface PodGroups {
  readyPodCount: number;
  /** name → milli value, for ready pods only (ignored and unready removed). */
  metrics: Map<string, number>;
  unready: string[];
  missing: string[];
}

/**
 * `groupPods`: ignored (deleting or Failed), unready (Pending; for CPU also still initialising
 * or never ready), missing (no metric), ready (the rest).
 */
function groupPods(
  pods: readonly PodObservation[],
  values: Readonly<Record<string, number>>,
  isCpu: boolean,
  timing: PodTiming,
): PodGroups {
  const groups: PodGroups = {
    readyPodCount: 0,
    metrics: new Map(),
    unready: [],
    missing: [],
  };
  for (const pod of pods) {
    if (pod.deleting || pod.phase === 'Failed') continue;
    if (pod.phase === 'Pending') {
      groups.unready.push(pod.name);
      continue;
    }
    const value = values[pod.name];
    if (value === undefined) {
      groups.missing.push(pod.name);
      continue;
    }
    if (isCpu && isUnreadyForCpu(pod, timing)) {
      groups.unready.push(pod.name);
      continue;
    }
    groups.metrics.set(pod.name, toMilli(value));
    groups.readyPodCount++;
  }
  return groups;
}

function isUnreadyForCpu(pod: PodObservation, timing: PodTiming): boolean {
  if (pod.ready === undefined || pod.startTimeMs === undefined) return true;
  const transitionMs = pod.readyTransitionMs ?? pod.startTimeMs;
  if (pod.startTimeMs + timing.cpuInitializationPeriodMs > timing.nowMs) {
    // Still initialising: CPU spikes at start-up, so only a full window after readiness counts.
    return (
      !pod.ready ||
      timing.sampleTimestampMs < transitionMs + timing.sampleWindowMs
    );
  }
  // Never became ready since start: its sample says nothing about steady-state load.
  return (
    !pod.ready &&
    pod.startTimeMs + timing.initialReadinessDelayMs > transitionMs
  );
}

/** Milli request of one pod for the resource (container-scoped when `container` is given). */
function podRequestMilli(
  pod: PodObservation,
  resource: 'cpu' | 'memory',
  container: string | undefined,
): number | undefined {
  const request = container
    ? pod.containerRequests?.[container]?.[resource]
    : pod.requests?.[resource];
  return request === undefined ? undefined : toMilli(request);
}

/** `GetResourceUtilizationRatio`: a ratio of sums, utilisation truncated to an integer percent. */
function utilizationRatio(
  metrics: Map<string, number>,
  requests: Map<string, number>,
  targetUtilization: number,
): { ratio: number; utilization: number } | undefined {
  let metricsTotal = 0;
  let requestsTotal = 0;
  for (const [name, value] of metrics) {
    const request = requests.get(name);
    if (request === undefined) continue;
    metricsTotal += value;
    requestsTotal += request;
  }
  if (requestsTotal === 0) return undefined;
  const utilization = Math.trunc((metricsTotal * 100) / requestsTotal);
  return { ratio: utilization / targetUtilization, utilization };
}

/** `GetResourceReplicas`: a Resource metric with a Utilization target. */
export function resourceUtilizationReplicas(args: {
  currentReplicas: number;
  targetUtilization: number;
  resource: 'cpu' | 'memory';
  container?: string;
  pods: readonly PodObservation[];
  values: Readonly<Record<string, number>>;
  tolerances: Tolerances;
  timing: PodTiming;
}): Proposal {
  const {
    currentReplicas,
    targetUtilization,
    resource,
    container,
    pods,
    tolerances,
  } = args;
  if (pods.length === 0) {
    return {
      ok: false,
      error: 'no pods returned by selector while calculating replica count',
    };
  }
  const groups = groupPods(pods, args.values, resource === 'cpu', args.timing);
  if (groups.metrics.size === 0) {
    return {
      ok: false,
      error:
        'did not receive metrics for targeted pods (pods might be unready)',
    };
  }
  const requests = new Map<string, number>();
  for (const pod of pods) {
    const request = podRequestMilli(pod, resource, container);
    if (request === undefined) {
      if (pod.deleting || pod.phase === 'Failed') continue;
      const where = container
        ? `container ${container} of pod ${pod.name}`
        : `pod ${pod.name}`;
      return {
        ok: false,
        error: `missing request for ${resource} in ${where}`,
      };
    }
    requests.set(pod.name, request);
  }
  const first = utilizationRatio(groups.metrics, requests, targetUtilization);
  if (!first)
    return { ok: false, error: 'no metrics returned matched known pods' };
  const { ratio: usageRatio, utilization } = first;

  const scaleUpWithUnready = groups.unready.length > 0 && usageRatio > 1;
  if (!scaleUpWithUnready && groups.missing.length === 0) {
    if (isWithinTolerance(tolerances, usageRatio)) {
      return { ok: true, replicas: currentReplicas, utilization };
    }
    return {
      ok: true,
      replicas: Math.ceil(usageRatio * groups.readyPodCount),
      utilization,
    };
  }

  // Dampening: assume missing pods sit at the target (down) or idle (up), unready pods idle.
  const metrics = new Map(groups.metrics);
  if (usageRatio < 1) {
    const fallbackPercent = Math.max(100, targetUtilization);
    for (const name of groups.missing) {
      metrics.set(
        name,
        Math.trunc(((requests.get(name) ?? 0) * fallbackPercent) / 100),
      );
    }
  } else if (usageRatio > 1) {
    for (const name of groups.missing) metrics.set(name, 0);
  }
  if (scaleUpWithUnready)
    for (const name of groups.unready) metrics.set(name, 0);

  const rerun = utilizationRatio(metrics, requests, targetUtilization);
  if (!rerun)
    return { ok: false, error: 'no metrics returned matched known pods' };
  return dampenedProposal(
    currentReplicas,
    usageRatio,
    rerun.ratio,
    metrics.size,
    tolerances,
    {
      utilization,
    },
  );
}

/** `calcPlainMetricReplicas`: Pods metrics and Resource AverageValue targets. */
export function plainMetricReplicas(args: {
  currentReplicas: number;
  targetAverageValue: number;
  /** Set for Resource AverageValue; CPU gets the readiness special cases. */
  resource?: 'cpu' | 'memory';
  pods: readonly PodObservation[];
  values: Readonly<Record<string, number>>;
  tolerances: Tolerances;
  timing: PodTiming;
}): Proposal {
  const { currentReplicas, pods, tolerances } = args;
  if (pods.length === 0) {
    return {
      ok: false,
      error: 'no pods returned by selector while calculating replica count',
    };
  }
  const targetMilli = toMilli(args.targetAverageValue);
  const groups = groupPods(
    pods,
    args.values,
    args.resource === 'cpu',
    args.timing,
  );
  if (groups.metrics.size === 0) {
    return {
      ok: false,
      error:
        'did not receive metrics for targeted pods (pods might be unready)',
    };
  }
  const usageRatioOf = (metrics: Map<string, number>) => {
    let total = 0;
    for (const value of metrics.values()) total += value;
    const averageMilli = Math.trunc(total / metrics.size);
    return { ratio: averageMilli / targetMilli, averageMilli };
  };
  const { ratio: usageRatio, averageMilli } = usageRatioOf(groups.metrics);
  const averageValue = averageMilli / 1000;

  const scaleUpWithUnready = groups.unready.length > 0 && usageRatio > 1;
  if (!scaleUpWithUnready && groups.missing.length === 0) {
    if (isWithinTolerance(tolerances, usageRatio)) {
      return { ok: true, replicas: currentReplicas, averageValue };
    }
    return {
      ok: true,
      replicas: Math.ceil(usageRatio * groups.readyPodCount),
      averageValue,
    };
  }

  const metrics = new Map(groups.metrics);
  if (usageRatio < 1)
    for (const name of groups.missing) metrics.set(name, targetMilli);
  else if (usageRatio > 1)
    for (const name of groups.missing) metrics.set(name, 0);
  if (scaleUpWithUnready)
    for (const name of groups.unready) metrics.set(name, 0);

  const rerun = usageRatioOf(metrics);
  return dampenedProposal(
    currentReplicas,
    usageRatio,
    rerun.ratio,
    metrics.size,
    tolerances,
    {
      averageValue,
    },
  );
}

/** The shared tail of both calculators once missing and unready pods have been filled in. */
function dampenedProposal(
  currentReplicas: number,
  usageRatio: number,
  newUsageRatio: number,
  podsConsidered: number,
  tolerances: Tolerances,
  current: { utilization?: number; averageValue?: number },
): Proposal {
  const flipped =
    (usageRatio < 1 && newUsageRatio > 1) ||
    (usageRatio > 1 && newUsageRatio < 1);
  if (isWithinTolerance(tolerances, newUsageRatio) || flipped) {
    return { ok: true, replicas: currentReplicas, ...current };
  }
  const newReplicas = Math.ceil(newUsageRatio * podsConsidered);
  if (
    (newUsageRatio < 1 && newReplicas > currentReplicas) ||
    (newUsageRatio > 1 && newReplicas < currentReplicas)
  ) {
    return { ok: true, replicas: currentReplicas, ...current };
  }
  return { ok: true, replicas: newReplicas, ...current };
}

/** Pods that are Running with the Ready condition true (`getReadyPodsCount`). */
function readyPodCount(pods: readonly PodObservation[]): number {
  let count = 0;
  for (const pod of pods)
    if (pod.phase === 'Running' && pod.ready === true) count++;
  return count;
}

/**
 * `GetObjectMetricReplicas` / `GetExternalMetricReplicas` (Value targets) through
 * `getUsageRatioReplicaCount`: ratio × ready pods, or ceil(ratio) when scaling from zero.
 */
export function valueMetricReplicas(args: {
  currentReplicas: number;
  value: number;
  targetValue: number;
  pods: readonly PodObservation[];
  tolerances: Tolerances;
}): Proposal {
  const { currentReplicas, tolerances, pods } = args;
  const usageRatio = toMilli(args.value) / toMilli(args.targetValue);
  if (currentReplicas === 0) {
    return { ok: true, replicas: Math.ceil(usageRatio), value: args.value };
  }
  if (isWithinTolerance(tolerances, usageRatio)) {
    return { ok: true, replicas: currentReplicas, value: args.value };
  }
  if (pods.length === 0) {
    return {
      ok: false,
      error: 'no pods returned by selector while calculating replica count',
    };
  }
  return {
    ok: true,
    replicas: Math.ceil(usageRatio * readyPodCount(pods)),
    value: args.value,
  };
}

/**
 * `GetObjectPerPodMetricReplicas` / `GetExternalPerPodMetricReplicas` (AverageValue targets):
 * ratio against target × status replicas; outside tolerance the answer is ceil(value / target).
 */
export function averageValueMetricReplicas(args: {
  statusReplicas: number;
  value: number;
  targetAverageValue: number;
  tolerances: Tolerances;
}): Proposal {
  const usage = toMilli(args.value);
  const target = toMilli(args.targetAverageValue);
  const usageRatio = usage / (target * args.statusReplicas);
  const replicas = isWithinTolerance(args.tolerances, usageRatio)
    ? args.statusReplicas
    : Math.ceil(usage / target);
  const averageValue =
    args.statusReplicas > 0
      ? Math.ceil(usage / args.statusReplicas) / 1000
      : undefined;
  return { ok: true, replicas, value: args.value, averageValue };
}
