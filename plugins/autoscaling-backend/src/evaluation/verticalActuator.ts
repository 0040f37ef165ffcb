/**
 * Writes the vertical plan (verticalActuation.ts) to one workload each tick: in place through
 * `pods/resize`, by a template update, or as a change request; under the policy's mode, the
 * kill switch and the circuit breaker; every write audited.
 */
import type {
  KillSwitchState,
  ScalingPolicy,
} from '@internal/plugin-autoscaling-common';
import type {
  ContainerVerticalState,
  PodObservation,
} from '@internal/plugin-autoscaling-engine';
import {
  containerRecommendations,
  rightSizingPolicyOf,
} from '../cost/verticalRecommendations';
import {
  ClusterClient,
  ContainerResourcesUpdate,
  ScaleConflictError,
} from '../kubernetes/types';
import type { DiscoveredWorkload } from '../workloads/WorkloadDiscovery';
import type { ClusterHealth } from './ClusterHealth';
import type { AuditSink } from './types';
import {
  describeChange,
  lowersMemoryLimit,
  planVertical,
  podsToResize,
  VERTICAL_AUTO_THRESHOLD,
  VERTICAL_CHANGE_REQUEST_EVERY_MS,
  VERTICAL_GUARDRAIL_INCREASE,
  withAction,
  type VerticalAction,
  type VerticalApplyState,
  type VerticalChange,
  type VerticalOutcome,
} from './verticalActuation';

export const ENGINE_ACTOR = 'autoscaling-engine';
const RESIZE_SUPPORT_CHECK_MS = 3600_000;

/** Files a change request for raises over the guardrail; returns its id. */
export type VerticalChangeRequester = (input: {
  entityRef: string;
  changes: VerticalChange[];
  reason: string;
}) => Promise<string>;

export interface VerticalActuatorOptions {
  client: ClusterClient;
  audit: AuditSink;
  health: ClusterHealth;
  /** Environments whose services are production (guardrails apply). */
  productionEnvironments: readonly string[];
  requestChange?: VerticalChangeRequester;
}

export interface VerticalStepInput {
  discovered: DiscoveredWorkload;
  policy: ScalingPolicy;
  pods: readonly PodObservation[];
  containers: Record<string, ContainerVerticalState>;
  prior?: VerticalApplyState;
  killSwitch: KillSwitchState;
  nowMs: number;
}

export interface VerticalStepResult {
  state: VerticalApplyState;
  /** The containers' state with the requests pods run with (in place: the applied ones). */
  containers: Record<string, ContainerVerticalState>;
  /** Whether a write was sent, and its error if it failed (for the circuit breaker). */
  wrote: boolean;
  error?: string;
}

export class VerticalActuator {
  private resizeSupport?: { supported: boolean; checkedMs: number };

  constructor(private readonly options: VerticalActuatorOptions) {}

  private async supportsResize(nowMs: number): Promise<boolean> {
    const { client } = this.options;
    if (!client.supportsPodResize || !client.resizePod) return false;
    if (
      this.resizeSupport &&
      nowMs - this.resizeSupport.checkedMs < RESIZE_SUPPORT_CHECK_MS
    ) {
      return this.resizeSupport.supported;
    }
    let supported = false;
    try {
      supported = await client.supportsPodResize();
    } catch {
      supported = false;
    }
    this.resizeSupport = { supported, checkedMs: nowMs };
    return supported;
  }

  async step(input: VerticalStepInput): Promise<VerticalStepResult> {
    const { policy, nowMs } = input;
    const prior: VerticalApplyState = input.prior ?? { history: [] };
    const mode = policy.vertical.mode;
    // Pods run with what the engine set in place, not with the template's requests.
    const containers = withApplied(input.containers, prior.applied);
    const unchanged: VerticalStepResult = {
      state: prior,
      containers,
      wrote: false,
    };
    if (mode === 'Off') {
      return { ...unchanged, state: { ...prior, waiting: undefined } };
    }
    const { record, object } = input.discovered;
    const rows = containerRecommendations(
      { containers, rightSizing: rightSizingPolicyOf(policy) },
      object.containers[0]?.name ?? record.name,
    );
    const running = input.pods.filter(
      p => p.phase === 'Running' && !p.deleting,
    );
    const plan = planVertical({
      policy,
      rows,
      containers,
      pods: running.length,
      nowMs,
      prior,
      production:
        record.environment !== null &&
        record.environment !== undefined &&
        this.options.productionEnvironments.includes(record.environment),
    });

    let state = prior;
    if (plan.guarded.length > 0)
      state = await this.requestChanges(state, input, plan.guarded);

    const blocked = this.blockedOutcome(
      policy,
      input.killSwitch,
      record.cluster,
      nowMs,
    );
    const inPlace =
      mode === 'Auto' &&
      (await this.supportsResize(nowMs)) &&
      !lowersMemoryLimit(plan.updates, containers);

    // Pods the template created since with the old requests are brought to the applied ones.
    if (plan.changes.length === 0) {
      if (mode === 'Auto' && prior.applied && !blocked.outcome && inPlace) {
        const stale = podsToResize(running, prior.applied);
        if (stale.length > 0) {
          return this.resizeStale(
            state,
            input,
            stale,
            prior.applied,
            containers,
          );
        }
      }
      return {
        state: { ...state, waiting: undefined },
        containers,
        wrote: false,
      };
    }

    if (mode === 'Initial' && !object.rolling) {
      // Written when the workload next rolls; running pods keep theirs.
      return {
        state: { ...state, waiting: plan.changes },
        containers,
        wrote: false,
      };
    }

    let method: VerticalAction['method'] = inPlace
      ? 'in-place'
      : 'rolling-update';
    if (mode === 'Initial') method = 'template';
    const reason = reasonOf(plan.changes, method, policy);
    if (blocked.outcome) {
      const action: VerticalAction = {
        at: new Date(nowMs).toISOString(),
        mode,
        method,
        outcome: blocked.outcome,
        changes: plan.changes,
        reason: `${reason}; not applied: ${blocked.why}`,
        ...(blocked.error ? { error: blocked.error } : {}),
      };
      return {
        state: sameAsLast(state, action) ? state : withAction(state, action),
        containers,
        wrote: false,
      };
    }

    const at = new Date(nowMs).toISOString();
    const { client, audit } = this.options;
    if (method === 'rolling-update') {
      // A new rollout replaces every pod: it waits while a PodDisruptionBudget allows no
      // disruption (and when the budgets cannot be read), and is tried again next evaluation.
      const budgets = await client
        .disruptionBudgetsBlocking(record.namespace, object.podSelector)
        .catch((e: Error) => [
          `the PodDisruptionBudgets could not be read (${e.message ?? e})`,
        ]);
      if (budgets.length > 0) {
        const waiting: VerticalAction = {
          at,
          mode,
          method,
          outcome: 'disruption-budget',
          changes: plan.changes,
          reason: `${reason}; not applied: ${budgets.join('; ')}`,
          error: budgets.join('; '),
        };
        return {
          state: sameAsLast(state, waiting)
            ? state
            : withAction(state, waiting),
          containers,
          wrote: false,
        };
      }
    }
    let outcome: VerticalOutcome = 'applied';
    let error: string | undefined;
    let podsResized = 0;
    try {
      if (method === 'in-place') {
        for (const pod of running) {
          await client.resizePod!(record.namespace, pod.name, plan.updates);
          podsResized += 1;
        }
      } else {
        if (!client.patchTemplateResources)
          throw new Error('this cluster client cannot write pod templates');
        await client.patchTemplateResources(
          record,
          plan.updates,
          object.resourceVersion,
        );
      }
    } catch (e) {
      outcome = e instanceof ScaleConflictError ? 'conflict' : 'failed';
      error = String((e as Error).message ?? e);
    }
    // A partial in-place resize still changed pods: it counts as applied, the rest follow.
    if (outcome !== 'applied' && podsResized > 0) outcome = 'applied';
    const action: VerticalAction = {
      at,
      mode,
      method,
      outcome,
      changes: plan.changes,
      reason,
      ...(method === 'in-place' ? { pods: podsResized } : {}),
      ...(error ? { error } : {}),
    };
    let next = withAction(state, action);
    if (outcome === 'failed') next = { ...next, lastFailedMs: nowMs };
    if (outcome === 'applied') {
      next = {
        ...next,
        lastAppliedMs: nowMs,
        lastFailedMs: undefined,
        waiting: undefined,
        // In place, pods are kept at these; through the template, the template has them.
        applied:
          method === 'in-place'
            ? mergeApplied(prior.applied, plan.updates)
            : undefined,
      };
      await audit.append({
        actor: ENGINE_ACTOR,
        action: 'engine.actuate',
        target: record.entityRef,
        before: {
          workload: record.id,
          requests: Object.fromEntries(
            plan.changes.map(c => [`${c.container}.${c.resource}`, c.from]),
          ),
        },
        after: {
          workload: record.id,
          requests: Object.fromEntries(
            plan.changes.map(c => [`${c.container}.${c.resource}`, c.to]),
          ),
          method,
          ...(method === 'in-place' ? { pods: podsResized } : {}),
        },
        reason,
      });
    }
    const after =
      outcome === 'applied'
        ? withApplied(input.containers, next.applied)
        : containers;
    return {
      state: next,
      containers:
        method === 'in-place' && outcome === 'applied' ? after : containers,
      wrote: true,
      ...(outcome === 'applied' ? {} : { error }),
    };
  }

  private blockedOutcome(
    policy: ScalingPolicy,
    killSwitch: KillSwitchState,
    cluster: string,
    nowMs: number,
  ): { outcome?: VerticalOutcome; why?: string; error?: string } {
    if (policy.mode === 'off')
      return { outcome: 'off', why: 'the policy mode is off' };
    if (policy.mode === 'dry-run')
      return { outcome: 'dry-run', why: 'the workload is in dry-run mode' };
    if (policy.mode === 'forecast-only') {
      return {
        outcome: 'forecast-only',
        why: 'the workload is in forecast-only mode',
      };
    }
    if (killSwitch.enabled) {
      return {
        outcome: 'kill-switch',
        why: `the global kill switch is on (${
          killSwitch.reason ?? 'no reason given'
        })`,
      };
    }
    if (!this.options.health.allowsWrites(nowMs)) {
      const error = `circuit open for cluster ${cluster}`;
      return { outcome: 'failed', why: error, error };
    }
    return {};
  }

  private async resizeStale(
    state: VerticalApplyState,
    input: VerticalStepInput,
    stale: PodObservation[],
    applied: Record<string, ContainerResourcesUpdate>,
    containers: Record<string, ContainerVerticalState>,
  ): Promise<VerticalStepResult> {
    const { record } = input.discovered;
    const updates = Object.values(applied);
    let resized = 0;
    let error: string | undefined;
    for (const pod of stale) {
      try {
        await this.options.client.resizePod!(
          record.namespace,
          pod.name,
          updates,
        );
        resized += 1;
      } catch (e) {
        error = String((e as Error).message ?? e);
      }
    }
    if (resized > 0) {
      await this.options.audit.append({
        actor: ENGINE_ACTOR,
        action: 'engine.actuate',
        target: record.entityRef,
        before: { workload: record.id, pods: stale.map(p => p.name) },
        after: {
          workload: record.id,
          method: 'in-place',
          pods: resized,
          requests: applied,
        },
        reason: `${resized} new pod(s) resized in place to the requests applied earlier`,
      });
    }
    return {
      state,
      containers,
      wrote: true,
      ...(resized === 0 && error ? { error } : {}),
    };
  }

  private async requestChanges(
    state: VerticalApplyState,
    input: VerticalStepInput,
    guarded: VerticalChange[],
  ): Promise<VerticalApplyState> {
    const { requestChange } = this.options;
    const { record } = input.discovered;
    const requested = { ...(state.requested ?? {}) };
    const due = guarded.filter(change => {
      const last = requested[`${change.container}/${change.resource}`];
      return (
        !last || input.nowMs - last.atMs >= VERTICAL_CHANGE_REQUEST_EVERY_MS
      );
    });
    if (due.length === 0 || !requestChange) return state;
    const reason = `vertical right-sizing wants ${due
      .map(describeChange)
      .join(', ')}: more than +${Math.round(
      VERTICAL_GUARDRAIL_INCREASE * 100,
    )}% of the requests of a production service needs an approval`;
    const at = new Date(input.nowMs).toISOString();
    let action: VerticalAction;
    try {
      const id = await requestChange({
        entityRef: record.entityRef,
        changes: due,
        reason,
      });
      const known = Object.values(requested).some(r => r.id === id);
      for (const change of due) {
        requested[`${change.container}/${change.resource}`] = {
          id,
          atMs: input.nowMs,
          to: change.to,
        };
      }
      // Still the request filed earlier (pending): nothing new to record.
      if (known) return { ...state, requested };
      action = {
        at,
        mode: input.policy.vertical.mode === 'Initial' ? 'Initial' : 'Auto',
        method: 'template',
        outcome: 'change-request',
        changes: due,
        changeRequestId: id,
        reason,
      };
    } catch (e) {
      action = {
        at,
        mode: input.policy.vertical.mode === 'Initial' ? 'Initial' : 'Auto',
        method: 'template',
        outcome: 'failed',
        changes: due,
        error: `filing the change request failed: ${(e as Error).message ?? e}`,
        reason,
      };
    }
    return withAction({ ...state, requested }, action);
  }
}

/** The containers' state with the requests and limits the engine set in place. */
function withApplied(
  containers: Record<string, ContainerVerticalState>,
  applied: Record<string, ContainerResourcesUpdate> | undefined,
): Record<string, ContainerVerticalState> {
  if (!applied) return containers;
  const out: Record<string, ContainerVerticalState> = {};
  for (const [name, c] of Object.entries(containers)) {
    const a = applied[name];
    out[name] = a
      ? {
          ...c,
          requests: { ...c.requests, ...definedOf(a.requests) },
          limits: { ...c.limits, ...definedOf(a.limits ?? {}) },
        }
      : c;
  }
  return out;
}

function definedOf(values: { cpu?: number; memory?: number }) {
  const out: { cpu?: number; memory?: number } = {};
  if (values.cpu !== undefined) out.cpu = values.cpu;
  if (values.memory !== undefined) out.memory = values.memory;
  return out;
}

function mergeApplied(
  prior: Record<string, ContainerResourcesUpdate> | undefined,
  updates: readonly ContainerResourcesUpdate[],
): Record<string, ContainerResourcesUpdate> {
  const out = { ...(prior ?? {}) };
  for (const u of updates) {
    const before = out[u.name];
    out[u.name] = {
      name: u.name,
      requests: { ...(before?.requests ?? {}), ...definedOf(u.requests) },
      limits: { ...(before?.limits ?? {}), ...definedOf(u.limits ?? {}) },
    };
  }
  return out;
}

function reasonOf(
  changes: readonly VerticalChange[],
  method: VerticalAction['method'],
  policy: ScalingPolicy,
): string {
  const how = {
    'in-place': 'in place (pods/resize, no restart)',
    'rolling-update': 'by a rolling update of the pod template',
    template: 'on the pod template of the rollout under way (Initial)',
  }[method];
  return `requests ${changes
    .map(describeChange)
    .join(', ')} ${how}: the recommendation moved by more than ${Math.round(
    VERTICAL_AUTO_THRESHOLD * 100,
  )}%, within the policy's bounds${
    Object.keys(policy.vertical.minAllowed).length +
      Object.keys(policy.vertical.maxAllowed).length >
    0
      ? ` (${boundsText(policy)})`
      : ''
  }`;
}

function boundsText(policy: ScalingPolicy): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(policy.vertical.minAllowed))
    parts.push(`min ${key} ${value}`);
  for (const [key, value] of Object.entries(policy.vertical.maxAllowed))
    parts.push(`max ${key} ${value}`);
  return parts.join(', ');
}

/** A blocked action the same as the newest one is not recorded again (one row per decision). */
function sameAsLast(
  state: VerticalApplyState,
  action: VerticalAction,
): boolean {
  const last = state.history[0];
  if (!last || last.outcome !== action.outcome || last.method !== action.method)
    return false;
  if (last.changes.length !== action.changes.length) return false;
  return last.changes.every((c, i) => {
    const d = action.changes[i];
    return (
      c.container === d.container &&
      c.resource === d.resource &&
      Math.abs(c.to - d.to) <= VERTICAL_AUTO_THRESHOLD * Math.max(c.to, d.to)
    );
  });
}
