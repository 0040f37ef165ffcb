/**
 * Vertical scaling that acts (issue 16 item 3): the recommender's per-container requests,
 * within the policy, written to the cluster under `vertical.mode`.
 *
 * - `Off`: nothing is written (the recommendations are advice).
 * - `Initial`: requests are set on the pod template only when the workload rolls anyway (a
 *   rollout under way): the rollout's new pods get them, running pods are never touched.
 * - `Auto`: a container's request changes when the recommendation has at least `low`
 *   confidence (an hour of history) and moves the request by more than
 *   `VERTICAL_AUTO_THRESHOLD` (10%), at most once per `VERTICAL_MIN_INTERVAL_MS` (1 h) per
 *   workload. In place through `pods/resize` where the cluster serves it (Kubernetes 1.33+;
 *   pods the template later creates with the old requests are resized too), else by a rolling
 *   update of the template (the Deployment's maxSurge/maxUnavailable pace it). A memory limit
 *   that would shrink always goes through the template (in-place resize cannot lower it).
 *
 * Limits keep their ratio to the request (VPA's `RequestsAndLimits`). With a horizontal CPU
 * utilisation target, the CPU request is never set below the current per-pod usage divided by
 * that target, so the horizontal engine keeps its replica count with the new request instead
 * of scaling out because the request shrank (the two do not fight).
 *
 * On a production service a raise of more than `VERTICAL_GUARDRAIL_INCREASE` (+50%) of a
 * request is not applied: it becomes a change request proposing the raised value as the
 * service policy's `vertical.minAllowed` (at most one per container resource a day). Once
 * approved, the policy's floor asks for it, and a raise up to `minAllowed` is not a crossing.
 *
 * The policy's `mode` (dry-run, forecast-only, off), the kill switch and the cluster's circuit
 * breaker stop vertical writes as they stop horizontal ones; every write is audited.
 */
import {
  parseQuantity,
  type PolicyOverride,
  type ScalingPolicy,
  type VerticalActionRecord,
  type VerticalChangeRecord,
} from '@internal/plugin-autoscaling-common';
import type {
  ContainerVerticalState,
  PodObservation,
} from '@internal/plugin-autoscaling-engine';
import type { UnpricedRecommendation } from '../cost/verticalRecommendations';
import type { ContainerResourcesUpdate } from '../kubernetes/types';

export const VERTICAL_AUTO_THRESHOLD = 0.1;
export const VERTICAL_MIN_INTERVAL_MS = 3600_000;
export const VERTICAL_GUARDRAIL_INCREASE = 0.5;
export const VERTICAL_CHANGE_REQUEST_EVERY_MS = 24 * 3600_000;
/** Vertical actions kept per workload (newest first). */
export const VERTICAL_HISTORY = 10;

const MIB = 2 ** 20;

export type VerticalChange = VerticalChangeRecord;
export type VerticalOutcome = VerticalActionRecord['outcome'];
export type VerticalAction = VerticalActionRecord;

export interface VerticalApplyState {
  /** Per container, what the engine set (pods are kept at it in place). */
  applied?: Record<string, ContainerResourcesUpdate>;
  lastAppliedMs?: number;
  /** The last write that failed (not a conflict): the next try waits the interval too. */
  lastFailedMs?: number;
  /** Per `container/resource`, the last change request filed (at most one a day). */
  requested?: Record<string, { id: string; atMs: number; to: number }>;
  /** `Initial`: changes waiting for the workload's next rollout. */
  waiting?: VerticalChange[];
  /** Newest first, at most VERTICAL_HISTORY. */
  history: VerticalAction[];
}

export interface VerticalPlanInput {
  policy: ScalingPolicy;
  rows: readonly UnpricedRecommendation[];
  containers: Readonly<Record<string, ContainerVerticalState>>;
  /** Pods whose usage `containers[*].lastUsage` sums. */
  pods: number;
  nowMs: number;
  prior?: VerticalApplyState;
  production: boolean;
}

export interface VerticalPlan {
  /** Changes to write now. */
  changes: VerticalChange[];
  /** Raises over the guardrail: a change request each. */
  guarded: VerticalChange[];
  /** Per container with a change: the new requests and limits. */
  updates: ContainerResourcesUpdate[];
  /** Why nothing (or less) is written, in words. */
  notes: string[];
}

function quantityOf(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  return parseQuantity(String(value)) ?? undefined;
}

/** Whole millicores and whole MiB, rounded up. */
function rounded(resource: 'cpu' | 'memory', value: number): number {
  return resource === 'cpu'
    ? Math.ceil(value * 1000 - 1e-9) / 1000
    : Math.ceil(value / MIB - 1e-9) * MIB;
}

/** The CPU request that keeps the horizontal engine's utilisation target at today's replicas. */
function horizontalFloor(
  input: VerticalPlanInput,
  container: string,
): number | undefined {
  const usage = input.containers[container]?.lastUsage?.cpu;
  if (usage === undefined || input.pods <= 0) return undefined;
  let floor: number | undefined;
  for (const metric of input.policy.metrics) {
    if (metric.type !== 'Resource' || metric.resource !== 'cpu') continue;
    if (metric.target.type !== 'Utilization') continue;
    if (metric.container && metric.container !== container) continue;
    const perPod = usage / input.pods;
    const needed = perPod / (metric.target.averageUtilization / 100);
    floor = Math.max(floor ?? 0, needed);
  }
  return floor;
}

/** What `vertical.mode` Auto or Initial would write now (pure). */
export function planVertical(input: VerticalPlanInput): VerticalPlan {
  const { policy, nowMs, prior } = input;
  const plan: VerticalPlan = {
    changes: [],
    guarded: [],
    updates: [],
    notes: [],
  };
  const mode = policy.vertical.mode;
  if (mode === 'Off') return plan;
  if (
    prior?.lastAppliedMs !== undefined &&
    nowMs - prior.lastAppliedMs < VERTICAL_MIN_INTERVAL_MS
  ) {
    const next = new Date(
      prior.lastAppliedMs + VERTICAL_MIN_INTERVAL_MS,
    ).toISOString();
    plan.notes.push(`one vertical change an hour: the next from ${next}`);
    return plan;
  }
  // A refused write (RBAC, a webhook) is not retried every tick: it would only fail again and
  // count against the cluster's circuit breaker.
  if (
    prior?.lastFailedMs !== undefined &&
    nowMs - prior.lastFailedMs < VERTICAL_MIN_INTERVAL_MS
  ) {
    const next = new Date(
      prior.lastFailedMs + VERTICAL_MIN_INTERVAL_MS,
    ).toISOString();
    plan.notes.push(
      `the last vertical write failed: the next try from ${next}`,
    );
    return plan;
  }
  const minAllowed = policy.vertical.minAllowed as Record<string, unknown>;
  const maxAllowed = policy.vertical.maxAllowed as Record<string, unknown>;
  for (const row of input.rows) {
    if (row.confidenceLevel === 'none') {
      plan.notes.push(
        `${row.container} ${row.resource}: less than an hour of history`,
      );
      continue;
    }
    let to = row.target;
    if (row.resource === 'cpu') {
      const floor = horizontalFloor(input, row.container);
      if (floor !== undefined && floor > to) to = floor;
    }
    const max = quantityOf(maxAllowed[row.resource]);
    if (max !== undefined) to = Math.min(to, max);
    to = rounded(row.resource, to);
    const from = row.current;
    if (from !== null && Math.abs(to - from) <= VERTICAL_AUTO_THRESHOLD * from)
      continue;
    const change: VerticalChange = {
      container: row.container,
      resource: row.resource,
      from,
      to,
    };
    const floorAllowed = quantityOf(minAllowed[row.resource]);
    const crossing =
      input.production &&
      from !== null &&
      to > from * (1 + VERTICAL_GUARDRAIL_INCREASE) &&
      !(floorAllowed !== undefined && to <= floorAllowed);
    if (crossing) plan.guarded.push(change);
    else plan.changes.push(change);
  }
  const byContainer = new Map<string, VerticalChange[]>();
  for (const change of plan.changes) {
    byContainer.set(change.container, [
      ...(byContainer.get(change.container) ?? []),
      change,
    ]);
  }
  for (const [name, changes] of byContainer) {
    const container = input.containers[name];
    const requests: ContainerResourcesUpdate['requests'] = {
      cpu: container?.requests.cpu,
      memory: container?.requests.memory,
    };
    const limits: NonNullable<ContainerResourcesUpdate['limits']> = {};
    for (const change of changes) {
      requests[change.resource] = change.to;
      const limit = container?.limits[change.resource];
      if (limit !== undefined) {
        // Same limit-to-request ratio; never below the new request.
        const scaled = change.from ? (limit * change.to) / change.from : limit;
        limits[change.resource] = rounded(
          change.resource,
          Math.max(scaled, change.to),
        );
      }
    }
    plan.updates.push({
      name,
      requests,
      ...(Object.keys(limits).length > 0 ? { limits } : {}),
    });
  }
  return plan;
}

/** Whether a change lowers a container's memory limit (in-place resize cannot). */
export function lowersMemoryLimit(
  updates: readonly ContainerResourcesUpdate[],
  containers: Readonly<Record<string, ContainerVerticalState>>,
): boolean {
  return updates.some(u => {
    const before = containers[u.name]?.limits.memory;
    return (
      u.limits?.memory !== undefined &&
      before !== undefined &&
      u.limits.memory < before
    );
  });
}

/** Pods (running, not being deleted) whose containers differ from what the engine set. */
export function podsToResize(
  pods: readonly PodObservation[],
  applied: Readonly<Record<string, ContainerResourcesUpdate>>,
): PodObservation[] {
  const close = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined
      ? a === b
      : Math.abs(a - b) <= Math.max(1e-6, b * 1e-6);
  return pods.filter(pod => {
    if (pod.deleting || pod.phase !== 'Running') return false;
    return Object.values(applied).some(update => {
      const current = pod.containerRequests?.[update.name];
      if (!current) return false;
      return (
        !close(current.cpu, update.requests.cpu) ||
        !close(current.memory, update.requests.memory)
      );
    });
  });
}

/** A change in words: `checkout-api cpu 500m → 160m`. */
export function describeChange(change: VerticalChange): string {
  const format = (value: number | null) => {
    if (value === null) return 'none';
    return change.resource === 'cpu'
      ? `${Math.round(value * 1000)}m`
      : `${Math.round(value / MIB)}Mi`;
  };
  return `${change.container} ${change.resource} ${format(
    change.from,
  )} → ${format(change.to)}`;
}

/** The quantity a change request proposes as `minAllowed` (`160m`, `410Mi`). */
export function quantityText(
  resource: 'cpu' | 'memory',
  value: number,
): string {
  return resource === 'cpu'
    ? `${Math.ceil(value * 1000 - 1e-9)}m`
    : `${Math.ceil(value / MIB - 1e-9)}Mi`;
}

/**
 * The service override a vertical change request proposes: the raised requests as the
 * policy's `vertical.minAllowed` (the rest of the document as it is).
 */
export function proposeMinAllowed(
  current: PolicyOverride,
  changes: readonly VerticalChange[],
): PolicyOverride {
  const minAllowed: Record<string, string> = {
    ...((current.vertical?.minAllowed as Record<string, string> | undefined) ??
      {}),
  };
  for (const change of changes) {
    const proposed = quantityText(change.resource, change.to);
    const existing = quantityOf(minAllowed[change.resource]);
    if (existing === undefined || existing < change.to)
      minAllowed[change.resource] = proposed;
  }
  return { ...current, vertical: { ...(current.vertical ?? {}), minAllowed } };
}

export function withAction(
  state: VerticalApplyState,
  action: VerticalAction,
): VerticalApplyState {
  return {
    ...state,
    history: [action, ...state.history].slice(0, VERTICAL_HISTORY),
  };
}
