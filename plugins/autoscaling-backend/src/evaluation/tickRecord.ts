/**
 * Recording: what one workload's tick leaves in the store (its decision when it is news, its
 * state and status, a chart point), from the plan and what writing did. Pure: the store writes
 * every workload's record of a tick in one transaction (`EngineStore.writeTick`).
 */
import {
  parseQuantity,
  type Condition,
  type Decision,
  type DecisionClamp,
  type DecisionOutcome,
  type KillSwitchState,
  type MetricStatus as MetricStatusDto,
  type Reason,
  type ScalingPolicy,
  type WorkloadState,
} from '@internal/plugin-autoscaling-common';
import {
  emptyHorizontalState,
  type ContainerVerticalState,
  type CostAccumulatorState,
  type HorizontalResult,
  type HorizontalState,
} from '@internal/plugin-autoscaling-engine';
import { rightSizingPolicyOf } from '../cost/verticalRecommendations';
import type { TickWorkloadWrite } from '../store/EngineStore';
import type { WorkloadEngineState } from '../store/WorkloadEngineState';
import type { Plan } from './plan';
import type { VerticalApplyState } from './verticalActuation';

export interface TickRecordInput {
  plan: Plan;
  outcome: DecisionOutcome;
  /** Whether a scale write was sent this tick (its decision row is then always kept). */
  wrote: boolean;
  error?: string;
  killSwitch: KillSwitchState;
  /** The workload's newest stored decision. */
  previous?: Decision;
  vertical: {
    containers: Record<string, ContainerVerticalState>;
    state: VerticalApplyState;
  };
  /** Prices the tick (`CostService.accumulate`), when costs are configured. */
  accumulateCost?: (
    cluster: string,
    prior: unknown,
    sample: {
      nowMs: number;
      replicas: number;
      cpuRequestCores: number;
      memoryRequestBytes: number;
      cpuUsageCores: number | null;
      memoryUsageBytes: number | null;
    },
  ) => CostAccumulatorState;
  /** Which process steps the workload's forecaster (`EngineStore.instanceId`). */
  forecastOwner: string;
  nowMs: number;
}

export function tickRecordOf(input: TickRecordInput): TickWorkloadWrite {
  const { plan, outcome, error, killSwitch, nowMs } = input;
  const { record } = plan.discovered;
  const { result } = plan;
  const mode = plan.policy.mode;
  const decided = result.decision;
  const from = decided.kind === 'scale' ? decided.from : decided.replicas;
  const to = decided.kind === 'scale' ? decided.to : decided.replicas;
  const reasons = reasonsOf(plan, outcome, killSwitch);
  const horizontal = horizontalStateOf(plan, outcome);

  const at = new Date(nowMs).toISOString();
  // A tick that sent a write always leaves its row, even when a 409 re-decision holds.
  const decision =
    input.wrote ||
    shouldRecord(decided.kind, outcome, reasons, input.previous, decided.clamp)
      ? {
          workloadId: record.id,
          at,
          kind: decided.kind,
          from,
          to,
          mode,
          outcome,
          reasons,
          ...(decided.clamp ? { clamp: decided.clamp } : {}),
          ...(error ? { error } : {}),
        }
      : undefined;

  const current = outcome === 'applied' ? to : plan.scale.replicas;
  // What the pods request: the template's, or what vertical Auto set in place.
  const podRequests = input.vertical.state.applied
    ? podRequestsOf(
        input.vertical.containers,
        plan.discovered.object.podRequests,
      )
    : plan.discovered.object.podRequests;
  const cost = input.accumulateCost?.(record.cluster, plan.prior.cost, {
    nowMs,
    replicas: current,
    cpuRequestCores: podRequests.cpu ?? 0,
    memoryRequestBytes: podRequests.memory ?? 0,
    cpuUsageCores: plan.demand,
    memoryUsageBytes: plan.memoryUsage,
  });
  const status: WorkloadState = {
    id: record.id,
    ref: {
      cluster: record.cluster,
      namespace: record.namespace,
      kind: record.kind,
      name: record.name,
    },
    entityRef: record.entityRef,
    tenant: record.tenant,
    environment: record.environment,
    tier: record.tier,
    mode,
    currentReplicas: current,
    readyReplicas: plan.pods.filter(p => p.phase === 'Running' && p.ready)
      .length,
    // In dry-run and forecast-only the engine keeps `desiredReplicas` at current;
    // show what it would have done.
    desiredReplicas: to,
    minReplicas: plan.policy.minReplicas,
    maxReplicas: plan.policy.maxReplicas,
    cpuUtilization: plan.cpuUtilization,
    hourlyCost: cost ? cost.hourly : null,
    lastEvaluatedAt: at,
    conditions: result.conditions as Condition[],
    metrics: result.metrics.map(toMetricStatus(plan.policy)),
    // The store puts the new decision here, with its id, when there is one.
    lastDecision: input.previous ?? null,
    predictiveFloor: plan.forecastState.lastPlan?.replicas ?? null,
    otherAutoscaler: plan.otherAutoscaler
      ? {
          kind: plan.otherAutoscaler.kind,
          namespace: plan.otherAutoscaler.namespace,
          name: plan.otherAutoscaler.name,
          minReplicas: plan.otherAutoscaler.minReplicas ?? null,
          maxReplicas: plan.otherAutoscaler.maxReplicas ?? null,
        }
      : null,
  };
  const state: WorkloadEngineState = {
    horizontal,
    vertical: plan.vertical,
    containers: input.vertical.containers,
    rightSizing: rightSizingPolicyOf(plan.policy),
    verticalApply: input.vertical.state,
    lastForecast: plan.forecast,
    podCpuRequest: podRequests.cpu,
    podMemoryRequest: podRequests.memory,
    ...(cost ? { cost } : {}),
    forecastOwner: input.forecastOwner,
  };
  return {
    record,
    state,
    status,
    ...(decision ? { decision } : {}),
    point: {
      at,
      replicas: current,
      readyReplicas: status.readyReplicas,
      desiredReplicas: result.desiredReplicas,
      demand: plan.demand,
      cpuUtilization: plan.cpuUtilization,
    },
  };
}

/** The decision's reasons plus the limits, the other autoscaler and why nothing was written. */
export function reasonsOf(
  plan: Plan,
  outcome: DecisionOutcome,
  killSwitch: KillSwitchState,
): Reason[] {
  const { record } = plan.discovered;
  const reasons: Reason[] = [...plan.result.decision.reasons];
  if (plan.limit && !reasons.some(r => r.code === plan.limit!.code)) {
    reasons.push({ code: plan.limit.code, message: plan.limit.message });
  }
  if (
    plan.budgetReason &&
    !reasons.some(r => r.message === plan.budgetReason!.message)
  ) {
    reasons.push(plan.budgetReason);
  }
  if (plan.otherAutoscaler) {
    const o = plan.otherAutoscaler;
    reasons.push({
      code: 'OtherAutoscaler',
      message: `${o.kind} ${o.namespace}/${o.name} also scales this ${record.kind}: the engine writes nothing while it exists (two controllers on one replica count oscillate). Import its spec as this service's policy, then delete it`,
    });
  }
  if (outcome === 'kill-switch') {
    reasons.push({
      code: 'KillSwitch',
      message: `not applied: the global kill switch is on (${
        killSwitch.reason ?? 'no reason given'
      })`,
    });
  } else if (outcome === 'dry-run' || outcome === 'forecast-only') {
    reasons.push({
      code: 'NotApplied',
      message: `not applied: the workload is in ${outcome} mode`,
    });
  }
  if (
    plan.predictivePlan.status === 'reported' &&
    plan.policy.predictive.enabled
  ) {
    // forecast-only: the floor is computed and recorded (ForecastOnly), never applied.
    for (const r of plan.predictivePlan.reasons) {
      if (!reasons.some(x => x.code === r.code))
        reasons.push({ code: r.code, message: r.message });
    }
  }
  return reasons;
}

/** Scale events only count when the write happened (they drive the rate limits). */
function horizontalStateOf(
  plan: Plan,
  outcome: DecisionOutcome,
): HorizontalState {
  if (outcome === 'applied') return plan.result.state;
  const prior = plan.prior.horizontal ?? emptyHorizontalState();
  return {
    ...plan.result.state,
    scaleUpEvents: prior.scaleUpEvents,
    scaleDownEvents: prior.scaleDownEvents,
    lastScaleMs: plan.prior.horizontal?.lastScaleMs,
  };
}

/** One pod's requests summed over its containers' (effective) requests. */
function podRequestsOf(
  containers: Record<string, ContainerVerticalState>,
  fallback: { cpu?: number; memory?: number },
): { cpu?: number; memory?: number } {
  const all = Object.values(containers);
  if (all.length === 0) return fallback;
  const sum = (resource: 'cpu' | 'memory') =>
    all.some(c => c.requests[resource] !== undefined)
      ? all.reduce((total, c) => total + (c.requests[resource] ?? 0), 0)
      : fallback[resource];
  return { cpu: sum('cpu'), memory: sum('memory') };
}

/** Keeps history meaningful: every scale and every change of what the engine says. */
export function shouldRecord(
  kind: string,
  outcome: DecisionOutcome,
  reasons: Reason[],
  previous: Decision | undefined,
  clamp?: DecisionClamp,
): boolean {
  if (kind === 'scale' || !previous) return true;
  if (previous.kind !== kind || previous.outcome !== outcome) return true;
  // A clamp that starts, ends or changes what binds it is news.
  if ((previous.clamp?.by ?? null) !== (clamp?.by ?? null)) return true;
  const codes = (rs: Reason[]) =>
    rs
      .map(r => r.code)
      .sort()
      .join(',');
  return codes(previous.reasons) !== codes(reasons);
}

function toMetricStatus(policy: ScalingPolicy) {
  return (metric: HorizontalResult['metrics'][number]): MetricStatusDto => {
    const current = metric.current;
    const value =
      current?.averageUtilization ??
      current?.averageValue ??
      current?.value ??
      null;
    return {
      name: metric.name,
      current: value,
      target: targetOf(policy, metric.name),
      unit: current?.averageUtilization !== undefined ? '%' : '',
    };
  };
}

function targetOf(policy: ScalingPolicy, name: string): number {
  for (const metric of policy.metrics) {
    const key =
      metric.type === 'Resource' ? metric.name ?? metric.resource : metric.name;
    if (key !== name) continue;
    const target = metric.target as {
      averageUtilization?: number;
      averageValue?: unknown;
      value?: unknown;
    };
    const raw =
      target.averageUtilization ?? target.averageValue ?? target.value;
    return typeof raw === 'number' ? raw : parseQuantity(String(raw)) ?? 0;
  }
  return 0;
}
