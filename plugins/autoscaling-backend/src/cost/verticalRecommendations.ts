/**
 * Right-sizing per container within the policy: the recommender's targets bounded by
 * `minAllowed`/`maxAllowed` for the `controlledResources` only, priced like the cost card, and
 * the replicas the horizontal engine would set once the requests change (Resource utilisation
 * is usage over requests, so a lower request raises utilisation and the replica count).
 */
import type {
  Reason,
  ScalingPolicy,
  VerticalRecommendation,
  VerticalSettings,
} from '@internal/plugin-autoscaling-common';
import {
  recommendVertical,
  type VerticalState,
} from '@internal/plugin-autoscaling-engine';
import type { WorkloadEngineState } from '../store/WorkloadEngineState';

/** What right-sizing needs of the policy, stored with the engine state each tick. */
export interface RightSizingPolicy {
  vertical: Pick<
    VerticalSettings,
    'mode' | 'minAllowed' | 'maxAllowed' | 'controlledResources'
  >;
  minReplicas: number;
  maxReplicas: number;
  /** Resource metrics with a Utilization target, % of the (container's) request. */
  utilization: Array<{
    resource: 'cpu' | 'memory';
    container?: string;
    averageUtilization: number;
  }>;
}

export function rightSizingPolicyOf(policy: ScalingPolicy): RightSizingPolicy {
  const utilization: RightSizingPolicy['utilization'] = [];
  for (const metric of policy.metrics) {
    if (metric.type !== 'Resource' || metric.target.type !== 'Utilization')
      continue;
    utilization.push({
      resource: metric.resource,
      ...(metric.container ? { container: metric.container } : {}),
      averageUtilization: metric.target.averageUtilization,
    });
  }
  return {
    vertical: {
      mode: policy.vertical.mode,
      minAllowed: policy.vertical.minAllowed,
      maxAllowed: policy.vertical.maxAllowed,
      controlledResources: policy.vertical.controlledResources,
    },
    minReplicas: policy.minReplicas,
    maxReplicas: policy.maxReplicas,
    utilization,
  };
}

/** The parts of the engine state right-sizing reads. */
export type RightSizingState = Pick<
  WorkloadEngineState,
  | 'vertical'
  | 'containers'
  | 'rightSizing'
  | 'podCpuRequest'
  | 'podMemoryRequest'
>;

/** One row per container and controlled resource, without prices. */
export type UnpricedRecommendation = Omit<
  VerticalRecommendation,
  'monthlySavings'
>;

/**
 * The recommendations of every container, within the stored policy. A state from before
 * per-container observation falls back to the workload-wide recommender, named `fallbackName`,
 * against the pod's summed requests.
 */
export function containerRecommendations(
  state: RightSizingState,
  fallbackName: string,
): UnpricedRecommendation[] {
  const settings = state.rightSizing?.vertical;
  const sources: Array<{
    name: string;
    vertical: VerticalState;
    requests: { cpu?: number; memory?: number };
    limits: { cpu?: number; memory?: number };
    oomKills: number;
    cpuHistoryUntilMs?: number;
  }> = state.containers
    ? Object.entries(state.containers).map(([name, c]) => ({ name, ...c }))
    : [];
  if (sources.length === 0 && state.vertical) {
    sources.push({
      name: fallbackName,
      vertical: state.vertical,
      requests: { cpu: state.podCpuRequest, memory: state.podMemoryRequest },
      limits: {},
      oomKills: 0,
    });
  }
  return sources.flatMap(source => {
    const cpuRec = recommendVertical(source.vertical, settings);
    // CPU seeded from the past (seedContainersFromHistory): memory has only live samples, so
    // its bounds and confidence count from the end of the seeded past.
    const memoryRec =
      source.cpuHistoryUntilMs === undefined
        ? cpuRec
        : recommendVertical(
            liveHistoryOf(source.vertical, source.cpuHistoryUntilMs),
            settings,
          );
    return (['cpu', 'memory'] as const).flatMap(resource => {
      const rec = resource === 'cpu' ? cpuRec : memoryRec;
      const r = rec[resource];
      if (!r) return [];
      return [
        {
          container: source.name,
          resource,
          current: source.requests[resource] ?? null,
          currentLimit: source.limits[resource] ?? null,
          target: r.target,
          lowerBound: r.lowerBound,
          // Infinite with no history span: the target stands in (the level says `none`).
          upperBound: Number.isFinite(r.upperBound) ? r.upperBound : r.target,
          confidence: rec.confidence,
          confidenceDays: rec.confidenceDays,
          confidenceLevel: rec.confidenceLevel,
          oomKills: resource === 'memory' ? source.oomKills : 0,
        },
      ];
    });
  });
}

/** The recommender's state with its history span starting at `sinceMs` (live samples only). */
function liveHistoryOf(
  vertical: VerticalState,
  sinceMs: number,
): VerticalState {
  const first = vertical.firstSampleMs;
  if (first === undefined || first >= sinceMs) return vertical;
  return { ...vertical, firstSampleMs: sinceMs };
}

/**
 * The replicas the horizontal engine would ask for once the requests are the recommended ones:
 * for each Resource Utilization metric, ceil(usage / (new request × target)), the largest of
 * them, within min/max replicas. `usage` is the workload's total per resource (or per container
 * for container metrics).
 */
export function horizontalWithRecommendations(input: {
  policy: RightSizingPolicy;
  currentReplicas: number;
  rows: readonly UnpricedRecommendation[];
  /** Per container: total usage of all pods at the last tick, and the template's requests. */
  containers: Record<
    string,
    {
      usage?: { cpu: number; memory: number };
      requests: { cpu?: number; memory?: number };
    }
  >;
}): {
  minReplicas: number;
  maxReplicas: number;
  currentReplicas: number;
  replicas: number;
  reasons: Reason[];
} | null {
  const { policy, rows, containers } = input;
  const newRequest = (container: string, resource: 'cpu' | 'memory') =>
    rows.find(r => r.container === container && r.resource === resource)
      ?.target ?? containers[container]?.requests[resource];
  const reasons: Reason[] = [];
  let wanted: number | undefined;
  for (const metric of policy.utilization) {
    const names = metric.container
      ? [metric.container]
      : Object.keys(containers);
    let used = 0;
    let request = 0;
    let known = names.length > 0;
    for (const name of names) {
      const u = containers[name]?.usage?.[metric.resource];
      const r = newRequest(name, metric.resource);
      if (u === undefined || r === undefined || r <= 0) known = false;
      else {
        used += u;
        request += r;
      }
    }
    if (!known || request <= 0) continue;
    // Per pod request × target utilisation is what one replica serves.
    const replicas = Math.ceil(
      used / ((request * metric.averageUtilization) / 100) - 1e-9,
    );
    const scope = metric.container
      ? `container ${metric.container}`
      : 'the pod';
    reasons.push({
      code: 'RecommendedRequests',
      message: `${metric.resource} at ${metric.averageUtilization}% of ${scope}'s recommended request needs ${replicas} replica(s)`,
    });
    wanted = Math.max(wanted ?? 0, replicas);
  }
  if (wanted === undefined) return null;
  const replicas = Math.min(
    Math.max(wanted, policy.minReplicas),
    policy.maxReplicas,
  );
  if (replicas !== wanted) {
    reasons.push({
      code: replicas > wanted ? 'MinReplicasLimited' : 'MaxReplicasLimited',
      message: `within the policy's ${policy.minReplicas}–${policy.maxReplicas} replicas`,
    });
  }
  return {
    minReplicas: policy.minReplicas,
    maxReplicas: policy.maxReplicas,
    currentReplicas: input.currentReplicas,
    replicas,
    reasons,
  };
}
