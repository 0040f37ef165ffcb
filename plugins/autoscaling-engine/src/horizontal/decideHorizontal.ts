/**
 * One horizontal decision for one workload. The order follows the HPA's reconcile loop
 * (horizontal.go, `reconcileAutoscaler`), with this product's additions around it:
 *
 *   mode → scaling disabled → current outside bounds → metrics (or fallback) → predictive floor
 *   → stabilisation, rate limits and clamps (bounds include open schedule windows) → cooldown
 *   → outer limit (tenant allocation) → decision.
 *
 * Pure: time, state and observations come in; decision, conditions and next state go out.
 */
import {
  behaviorWithPreset,
  effectiveBehavior,
  tolerancesOf,
} from './behavior';
import { computeMetricsProposal } from './metricsProposal';
import {
  normalizeLegacy,
  normalizeWithBehavior,
  type Normalized,
} from './normalize';
import { replicaBoundsAt } from './schedules';
import {
  emptyHorizontalState,
  pruneEvents,
  withInitialRecommendation,
  withScaleEvent,
  type HorizontalState,
} from './state';
import {
  DEFAULT_CONTROLLER_SETTINGS,
  type ClampBy,
  type Decision,
  type DecisionClamp,
  type HorizontalInput,
  type HorizontalResult,
  type HpaCondition,
  type MetricStatus,
  type Reason,
} from './types';
import { LazyReason } from '../explain';

interface ClampStep {
  by: ClampBy;
  limit: number;
  wanted: number | null;
}

/** The clamps of the rate limits and bounds (`normalize`), by their ScalingLimited reason. */
const NORMALIZATION_CLAMPS: Record<string, ClampBy | undefined> = {
  TooManyReplicas: 'max',
  TooFewReplicas: 'min',
  ScaleUpLimit: 'rate',
};

const LIMIT_CLAMPS: Record<string, ClampBy | undefined> = {
  TenantQuotaLimited: 'quota',
  GlobalMaxLimited: 'global-max',
  ClusterCapacityLimited: 'cluster-capacity',
  BudgetEmergency: 'budget',
};

export function decideHorizontal(input: HorizontalInput): HorizontalResult {
  const { policy, workload, nowMs } = input;
  const controller = { ...DEFAULT_CONTROLLER_SETTINGS, ...input.controller };
  const current = workload.currentReplicas;
  // No state: the workload's first evaluation (or its state was lost), as upstream's nil entry.
  const state =
    input.state ??
    withInitialRecommendation(emptyHorizontalState(), current, nowMs);
  const reasons: Reason[] = [];

  if (policy.mode === 'off') {
    return {
      decision: {
        kind: 'blocked',
        replicas: current,
        reasons: [
          {
            code: 'AutoscalingOff',
            message: 'autoscaling is off for this workload',
          },
        ],
      },
      desiredReplicas: current,
      conditions: [
        condition(
          'ScalingActive',
          'False',
          'ScalingDisabled',
          'autoscaling is off in the policy',
        ),
      ],
      metrics: [],
      state,
    };
  }
  if (current === 0 && policy.minReplicas !== 0) {
    const message =
      'scaling is disabled since the replica count of the target is zero';
    return {
      decision: {
        kind: 'blocked',
        replicas: 0,
        reasons: [{ code: 'ScalingDisabled', message }],
      },
      desiredReplicas: 0,
      conditions: [
        condition('ScalingActive', 'False', 'ScalingDisabled', message),
      ],
      metrics: [],
      state,
    };
  }

  const bounds = replicaBoundsAt(policy, nowMs);
  for (const window of bounds.active) {
    reasons.push({
      code: 'ScheduleActive',
      message: `schedule "${
        window.name
      }" is open: replicas within ${describeBounds(window)}`,
    });
  }
  const behavior = behaviorWithPreset(policy);
  const tolerances = tolerancesOf(behavior, controller.tolerance);
  const conditions: HpaCondition[] = [];
  let metrics: MetricStatus[] = [];
  let next: HorizontalState = { ...state };
  let desired: number;
  let blockedByMetrics = false;
  /** Every limit that held the decision, in the order applied. */
  const clamps: ClampStep[] = [];

  if (current > bounds.maxReplicas) {
    desired = bounds.maxReplicas;
    reasons.push({
      code: 'CurrentAboveMax',
      message: `${current} replicas is above the maximum of ${bounds.maxReplicas}`,
    });
  } else if (current < bounds.minReplicas) {
    desired = bounds.minReplicas;
    reasons.push({
      code: 'CurrentBelowMin',
      message: `${current} replicas is below the minimum of ${bounds.minReplicas}`,
    });
  } else {
    const proposal = computeMetricsProposal(
      policy.metrics,
      workload,
      input.samples,
      tolerances,
      {
        nowMs,
        cpuInitializationPeriodMs:
          controller.cpuInitializationPeriodSeconds * 1000,
        initialReadinessDelayMs: controller.initialReadinessDelaySeconds * 1000,
      },
    );
    metrics = proposal.statuses;
    let proposed: number | undefined;

    if (proposal.ok) {
      next.metricFailures = 0;
      proposed = proposal.replicas;
      conditions.push(
        condition(
          'ScalingActive',
          'True',
          'ValidMetricFound',
          `the HPA was able to successfully calculate a replica count from ${proposal.metricName}`,
        ),
      );
      reasons.push(
        proposed === current
          ? {
              code: 'WithinTolerance',
              message: `metrics ask for the current ${current} replicas`,
            }
          : {
              code: 'MetricsProposal',
              message: `${proposal.metricName} asks for ${proposed} replicas (now ${current})`,
            },
      );
    } else {
      next.metricFailures = state.metricFailures + 1;
      conditions.push(
        condition('ScalingActive', 'False', proposal.reason, proposal.message),
      );
      const fallback = policy.fallback;
      if (fallback && next.metricFailures >= fallback.failureThreshold) {
        proposed = fallback.replicas;
        reasons.push({
          code: 'FallbackActive',
          message: `metrics failed ${next.metricFailures} times in a row (threshold ${fallback.failureThreshold}): using the fallback of ${fallback.replicas} replicas`,
        });
      } else {
        blockedByMetrics = true;
        reasons.push(
          proposal.partialReplicas !== undefined
            ? {
                code: 'ScaleDownBlockedByFailedMetric',
                message: `working metrics ask for ${proposal.partialReplicas} replicas, but no scale-down while a metric fails (${proposal.message})`,
              }
            : { code: 'MetricsFailed', message: proposal.message },
        );
      }
    }

    const floor = predictiveFloor(input, reasons, proposal.ok);
    // A plan already holds capacity over its lead time: no extra scale-down window on top.
    const planWindow = floor?.replace ? 0 : undefined;
    if (floor !== undefined) {
      // A capped forecast that sets the proposal (or ties it) held the decision.
      const capped = input.predictive?.capped;
      if (
        capped &&
        (floor.replace || floor.replicas >= (proposed ?? current))
      ) {
        clamps.push({
          by: capped.by,
          limit: floor.replicas,
          wanted: capped.wanted,
        });
      }
      // A plan replaces a working reactive proposal; otherwise the forecast only raises it.
      if (floor.replace) proposed = floor.replicas;
      else if (floor.replicas > (proposed ?? current))
        proposed = floor.replicas;
    }

    if (proposed !== undefined) {
      const normalized = normalize(
        proposed,
        current,
        bounds,
        next,
        behavior,
        controller,
        nowMs,
        planWindow,
      );
      next.recommendations = normalized.recommendations;
      conditions.unshift(normalized.ableToScale);
      conditions.push(normalized.scalingLimited);
      pushNormalizationReasons(reasons, normalized, proposed);
      const by = NORMALIZATION_CLAMPS[normalized.scalingLimited.reason];
      if (by && normalized.replicas !== normalized.stabilized) {
        clamps.push({
          by,
          limit: normalized.replicas,
          wanted: normalized.stabilized,
        });
      }
      desired = normalized.replicas;
    } else {
      desired = current;
    }
  }

  if (
    desired < current &&
    policy.cooldownSeconds > 0 &&
    state.lastScaleMs !== undefined
  ) {
    const sinceSeconds = (nowMs - state.lastScaleMs) / 1000;
    if (sinceSeconds < policy.cooldownSeconds) {
      reasons.push({
        code: 'CooldownActive',
        message: `last scale ${Math.round(
          sinceSeconds,
        )} s ago; no scale-down within the ${
          policy.cooldownSeconds
        } s cooldown`,
      });
      desired = current;
    }
  }

  let limitedByOuterLimit = false;
  if (input.limit && desired > input.limit.maxReplicas) {
    // An outer limit never pushes a workload below its own minimum.
    const limited = Math.max(input.limit.maxReplicas, bounds.minReplicas);
    if (limited < desired) {
      reasons.push({ code: 'LimitApplied', message: input.limit.message });
      clamps.push({
        by: input.limit.by ?? clampByOfCode(input.limit.code),
        limit: limited,
        wanted: desired,
      });
      limitedByOuterLimit = limited <= current;
      desired = limited;
    }
  }

  desired = Math.min(Math.max(desired, policy.minReplicas), policy.maxReplicas);
  next = pruneState(
    next,
    behavior,
    controller.downscaleStabilizationSeconds,
    nowMs,
  );

  const decision = decisionOf(current, desired, reasons, {
    blocked:
      blockedByMetrics ||
      limitedByOuterLimit ||
      reasons.some(r => r.code === 'CooldownActive'),
  });
  const clamp = clampOf(clamps, desired);
  if (clamp) decision.clamp = clamp;
  // dry-run and forecast-only patch nothing: report the decision, spend no rate-limit budget.
  const actuates = policy.mode === 'auto';
  if (decision.kind === 'scale') {
    if (actuates) {
      next = withScaleEvent(next, nowMs, current, desired);
    } else {
      decision.reasons.push({
        code: 'DryRun',
        message: `${policy.mode}: would scale from ${current} to ${desired}; nothing is changed`,
      });
    }
  }
  return {
    decision,
    desiredReplicas: decision.kind === 'scale' && actuates ? desired : current,
    conditions: completeConditions(conditions),
    metrics,
    state: next,
  };
}

function predictiveFloor(
  input: HorizontalInput,
  reasons: Reason[],
  metricsOk: boolean,
): { replicas: number; replace: boolean } | undefined {
  const predictive = input.predictive;
  if (!predictive || !input.policy.predictive.enabled) return undefined;
  const replicas = Math.max(0, Math.ceil(predictive.floorReplicas));
  const why = () => {
    const text = predictive.message ?? predictive.explain?.();
    return text ? `: ${text}` : '';
  };
  const replace = Boolean(predictive.replaceReactive) && metricsOk;
  // Formatted when read: the decision row is written only when its reason codes change.
  reasons.push(
    replace
      ? new LazyReason(
          'PredictivePlan',
          () => `the forecast plans ${replicas} replicas${why()}`,
        )
      : new LazyReason(
          'PredictiveFloor',
          () => `the forecast asks for at least ${replicas} replicas${why()}`,
        ),
  );
  return { replicas, replace };
}

function normalize(
  proposed: number,
  current: number,
  bounds: { minReplicas: number; maxReplicas: number },
  state: HorizontalState,
  behavior: ReturnType<typeof behaviorWithPreset>,
  controller: { downscaleStabilizationSeconds: number },
  nowMs: number,
  /** Overrides the scale-down stabilisation window (a forecast plan looks ahead on its own). */
  scaleDownWindowSeconds?: number,
): Normalized {
  const args = {
    currentReplicas: current,
    desiredReplicas: proposed,
    minReplicas: bounds.minReplicas,
    maxReplicas: bounds.maxReplicas,
    nowMs,
    state,
  };
  const downWindow =
    scaleDownWindowSeconds ?? controller.downscaleStabilizationSeconds;
  const effective = effectiveBehavior(behavior, downWindow);
  if (effective && scaleDownWindowSeconds !== undefined) {
    effective.scaleDown = {
      ...effective.scaleDown,
      stabilizationWindowSeconds: scaleDownWindowSeconds,
    };
  }
  return effective
    ? normalizeWithBehavior(args, effective)
    : normalizeLegacy(args, downWindow);
}

/**
 * What an outer limit is, from its reason code: the tenant allocation's codes and the budget
 * emergency's; any other outer limit counts as a quota.
 */
export function clampByOfCode(code: string): ClampBy {
  return LIMIT_CLAMPS[code] ?? 'quota';
}

/**
 * The decision's clamp: the last limit applied binds; what the engine wanted is what the first
 * one held back (the metrics' or the forecast's ask before any limit).
 */
function clampOf(
  steps: ClampStep[],
  desired: number,
): DecisionClamp | undefined {
  if (steps.length === 0) return undefined;
  const binding = steps[steps.length - 1];
  const also: ClampBy[] = [];
  for (const step of steps.slice(0, -1)) {
    if (step.by !== binding.by && !also.includes(step.by)) also.push(step.by);
  }
  return { by: binding.by, limit: desired, wanted: steps[0].wanted, also };
}

const NORMALIZATION_REASONS = new Set([
  'ScaleUpStabilized',
  'ScaleDownStabilized',
  'ScaleUpLimit',
  'ScaleDownLimit',
  'TooManyReplicas',
  'TooFewReplicas',
]);

function pushNormalizationReasons(
  reasons: Reason[],
  normalized: Normalized,
  proposed: number,
) {
  const { ableToScale, scalingLimited } = normalized;
  if (NORMALIZATION_REASONS.has(ableToScale.reason)) {
    reasons.push({
      code: ableToScale.reason as Reason['code'],
      message: `${ableToScale.message} (${proposed} → ${normalized.stabilized})`,
    });
  }
  if (NORMALIZATION_REASONS.has(scalingLimited.reason)) {
    reasons.push({
      code: scalingLimited.reason as Reason['code'],
      message: `${scalingLimited.message} (${normalized.stabilized} → ${normalized.replicas})`,
    });
  }
}

function decisionOf(
  current: number,
  desired: number,
  reasons: Reason[],
  flags: { blocked: boolean },
): Decision {
  if (desired !== current)
    return { kind: 'scale', from: current, to: desired, reasons };
  if (flags.blocked) return { kind: 'blocked', replicas: current, reasons };
  return { kind: 'hold', replicas: current, reasons };
}

function pruneState(
  state: HorizontalState,
  behavior: ReturnType<typeof behaviorWithPreset>,
  downscaleWindowSeconds: number,
  nowMs: number,
): HorizontalState {
  const effective = effectiveBehavior(behavior, downscaleWindowSeconds);
  const longestUp = Math.max(
    0,
    ...(effective?.scaleUp.policies.map(p => p.periodSeconds) ?? []),
  );
  const longestDown = Math.max(
    0,
    ...(effective?.scaleDown.policies.map(p => p.periodSeconds) ?? []),
  );
  return {
    ...state,
    scaleUpEvents: pruneEvents(state.scaleUpEvents, nowMs - longestUp * 1000),
    scaleDownEvents: pruneEvents(
      state.scaleDownEvents,
      nowMs - longestDown * 1000,
    ),
  };
}

function condition(
  type: HpaCondition['type'],
  status: HpaCondition['status'],
  reason: string,
  message: string,
): HpaCondition {
  return { type, status, reason, message };
}

/** Always report the three condition types, in the order kubectl shows them. */
function completeConditions(conditions: HpaCondition[]): HpaCondition[] {
  const byType = new Map(conditions.map(c => [c.type, c]));
  return [
    byType.get('AbleToScale') ??
      condition(
        'AbleToScale',
        'True',
        'SucceededGetScale',
        "the HPA controller was able to get the target's current scale",
      ),
    byType.get('ScalingActive') ??
      condition(
        'ScalingActive',
        'True',
        'ValidMetricFound',
        'replica bounds applied without a metric proposal',
      ),
    byType.get('ScalingLimited') ??
      condition(
        'ScalingLimited',
        'False',
        'DesiredWithinRange',
        'the desired count is within the acceptable range',
      ),
  ];
}

function describeBounds(window: {
  minReplicas?: number;
  maxReplicas?: number;
}): string {
  return `${window.minReplicas ?? 'min'}..${window.maxReplicas ?? 'max'}`;
}
