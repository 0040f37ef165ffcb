/**
 * From a metric proposal to the replica count to apply: stabilisation, rate limits and clamps
 * (horizontal.go, `normalizeDesiredReplicasWithBehaviors` and the legacy
 * `normalizeDesiredReplicas`). Pure: the recommendation history comes in and goes out.
 */
import type { EffectiveBehavior, EffectiveRules } from './behavior';
import { withRecommendation, type HorizontalState } from './state';
import type { HpaCondition } from './types';

export interface NormalizeArgs {
  currentReplicas: number;
  /** The unstabilised proposal. */
  desiredReplicas: number;
  minReplicas: number;
  maxReplicas: number;
  nowMs: number;
  state: HorizontalState;
}

export interface Normalized {
  replicas: number;
  /** Stabilised value before rate limits and clamps. */
  stabilized: number;
  ableToScale: HpaCondition;
  scalingLimited: HpaCondition;
  recommendations: HorizontalState['recommendations'];
}

const READY_FOR_NEW_SCALE: HpaCondition = {
  type: 'AbleToScale',
  status: 'True',
  reason: 'ReadyForNewScale',
  message: 'recommended size matches current size',
};

/** `scaleUpLimitFactor` and `scaleUpLimitMinimum` of the legacy path. */
const SCALE_UP_LIMIT_FACTOR = 2;
const SCALE_UP_LIMIT_MINIMUM = 4;

export function normalizeWithBehavior(
  args: NormalizeArgs,
  behavior: EffectiveBehavior,
): Normalized {
  const { currentReplicas, desiredReplicas, nowMs, state } = args;
  const upCutoff = nowMs - behavior.scaleUp.stabilizationWindowSeconds * 1000;
  const downCutoff =
    nowMs - behavior.scaleDown.stabilizationWindowSeconds * 1000;

  // stabilizeRecommendationWithBehaviors: lowest recent proposal bounds a rise, highest a fall.
  let upRecommendation = desiredReplicas;
  let downRecommendation = desiredReplicas;
  for (const [timeMs, replicas] of state.recommendations) {
    if (timeMs > upCutoff)
      upRecommendation = Math.min(replicas, upRecommendation);
    if (timeMs > downCutoff)
      downRecommendation = Math.max(replicas, downRecommendation);
  }
  let stabilized = currentReplicas;
  if (stabilized < upRecommendation) stabilized = upRecommendation;
  if (stabilized > downRecommendation) stabilized = downRecommendation;

  const recommendations = withRecommendation(
    state.recommendations,
    nowMs,
    desiredReplicas,
    Math.min(upCutoff, downCutoff),
  );

  const ableToScale = stabilizationCondition(
    stabilized,
    desiredReplicas,
    currentReplicas,
  );

  const limited = rateLimit({ ...args, desiredReplicas: stabilized }, behavior);
  return {
    replicas: limited.replicas,
    stabilized,
    ableToScale,
    scalingLimited: {
      type: 'ScalingLimited',
      status: limited.replicas === stabilized ? 'False' : 'True',
      reason: limited.reason,
      message: limited.message,
    },
    recommendations,
  };
}

function stabilizationCondition(
  stabilized: number,
  desiredReplicas: number,
  currentReplicas: number,
): HpaCondition {
  if (stabilized === desiredReplicas) return READY_FOR_NEW_SCALE;
  if (desiredReplicas >= currentReplicas) {
    return {
      type: 'AbleToScale',
      status: 'True',
      reason: 'ScaleUpStabilized',
      message:
        'recent recommendations were lower than current one, applying the lowest recent recommendation',
    };
  }
  return {
    type: 'AbleToScale',
    status: 'True',
    reason: 'ScaleDownStabilized',
    message:
      'recent recommendations were higher than current one, applying the highest recent recommendation',
  };
}

/** `convertDesiredReplicasWithBehaviorRate`. */
function rateLimit(
  args: NormalizeArgs,
  behavior: EffectiveBehavior,
): { replicas: number; reason: string; message: string } {
  const {
    currentReplicas,
    desiredReplicas,
    minReplicas,
    maxReplicas,
    state,
    nowMs,
  } = args;
  if (desiredReplicas > currentReplicas) {
    const limit = Math.max(
      currentReplicas,
      scaleUpLimit(currentReplicas, state, behavior.scaleUp, nowMs),
    );
    const rateBound = maxReplicas > limit;
    const maximumAllowed = rateBound ? limit : maxReplicas;
    if (desiredReplicas > maximumAllowed) {
      return rateBound
        ? {
            replicas: maximumAllowed,
            reason: 'ScaleUpLimit',
            message:
              'the desired replica count is increasing faster than the maximum scale rate',
          }
        : {
            replicas: maximumAllowed,
            reason: 'TooManyReplicas',
            message:
              'the desired replica count is more than the maximum replica count',
          };
    }
  } else if (desiredReplicas < currentReplicas) {
    const limit = Math.min(
      currentReplicas,
      scaleDownLimit(currentReplicas, state, behavior.scaleDown, nowMs),
    );
    const rateBound = minReplicas < limit;
    const minimumAllowed = rateBound ? limit : minReplicas;
    if (desiredReplicas < minimumAllowed) {
      return rateBound
        ? {
            replicas: minimumAllowed,
            reason: 'ScaleDownLimit',
            message:
              'the desired replica count is decreasing faster than the maximum scale rate',
          }
        : {
            replicas: minimumAllowed,
            reason: 'TooFewReplicas',
            message:
              'the desired replica count is less than the minimum replica count',
          };
    }
  }
  return {
    replicas: desiredReplicas,
    reason: 'DesiredWithinRange',
    message: 'the desired count is within the acceptable range',
  };
}

/** `getReplicasChangePerPeriod`: replicas changed by events strictly inside the period. */
function changeInPeriod(
  events: Array<[number, number]>,
  periodSeconds: number,
  nowMs: number,
) {
  const cutoff = nowMs - periodSeconds * 1000;
  let change = 0;
  for (const [timeMs, replicas] of events)
    if (timeMs > cutoff) change += replicas;
  return change;
}

function periodStartReplicas(
  currentReplicas: number,
  state: HorizontalState,
  periodSeconds: number,
  nowMs: number,
) {
  return (
    currentReplicas -
    changeInPeriod(state.scaleUpEvents, periodSeconds, nowMs) +
    changeInPeriod(state.scaleDownEvents, periodSeconds, nowMs)
  );
}

/** `calculateScaleUpLimitWithScalingRules`. */
function scaleUpLimit(
  currentReplicas: number,
  state: HorizontalState,
  rules: EffectiveRules,
  nowMs: number,
): number {
  if (rules.selectPolicy === 'Disabled') return currentReplicas;
  const pick = rules.selectPolicy === 'Min' ? Math.min : Math.max;
  let result = rules.selectPolicy === 'Min' ? Infinity : -Infinity;
  for (const policy of rules.policies) {
    const start = periodStartReplicas(
      currentReplicas,
      state,
      policy.periodSeconds,
      nowMs,
    );
    // Rounded up so that a small percentage still lets a small workload grow.
    const proposed =
      policy.type === 'Pods'
        ? start + policy.value
        : Math.ceil(start * (1 + policy.value / 100));
    result = pick(result, proposed);
  }
  return result;
}

/** `calculateScaleDownLimitWithBehaviors`. */
function scaleDownLimit(
  currentReplicas: number,
  state: HorizontalState,
  rules: EffectiveRules,
  nowMs: number,
): number {
  if (rules.selectPolicy === 'Disabled') return currentReplicas;
  // For scaling down the smallest change is the largest count, hence the swapped picks.
  const pick = rules.selectPolicy === 'Min' ? Math.max : Math.min;
  let result = rules.selectPolicy === 'Min' ? -Infinity : Infinity;
  for (const policy of rules.policies) {
    const start = periodStartReplicas(
      currentReplicas,
      state,
      policy.periodSeconds,
      nowMs,
    );
    const proposed =
      policy.type === 'Pods'
        ? start - policy.value
        : Math.trunc(start * (1 - policy.value / 100));
    result = pick(result, proposed);
  }
  return result;
}

/**
 * The path without `behavior`: the highest proposal of the last downscale window, then
 * `convertDesiredReplicasWithRules` (at most max(2 × current, 4), within min..max).
 */
export function normalizeLegacy(
  args: NormalizeArgs,
  windowSeconds: number,
): Normalized {
  const {
    currentReplicas,
    desiredReplicas,
    minReplicas,
    maxReplicas,
    nowMs,
    state,
  } = args;
  const cutoff = nowMs - windowSeconds * 1000;
  let stabilized = desiredReplicas;
  for (const [timeMs, replicas] of state.recommendations) {
    if (timeMs >= cutoff && replicas > stabilized) stabilized = replicas;
  }
  const recommendations = withRecommendation(
    state.recommendations,
    nowMs,
    desiredReplicas,
    cutoff,
  );
  const ableToScale: HpaCondition =
    stabilized === desiredReplicas
      ? READY_FOR_NEW_SCALE
      : {
          type: 'AbleToScale',
          status: 'True',
          reason: 'ScaleDownStabilized',
          message:
            'recent recommendations were higher than current one, applying the highest recent recommendation',
        };

  const upLimit = Math.max(
    SCALE_UP_LIMIT_FACTOR * currentReplicas,
    SCALE_UP_LIMIT_MINIMUM,
  );
  const rateBound = maxReplicas > upLimit;
  const maximumAllowed = rateBound ? upLimit : maxReplicas;
  let replicas = stabilized;
  let reason = 'DesiredWithinRange';
  let message = 'the desired count is within the acceptable range';
  if (stabilized < minReplicas) {
    replicas = minReplicas;
    reason = 'TooFewReplicas';
    message =
      'the desired replica count is less than the minimum replica count';
  } else if (stabilized > maximumAllowed) {
    replicas = maximumAllowed;
    reason = rateBound ? 'ScaleUpLimit' : 'TooManyReplicas';
    message = rateBound
      ? 'the desired replica count is increasing faster than the maximum scale rate'
      : 'the desired replica count is more than the maximum replica count';
  }
  return {
    replicas,
    stabilized,
    ableToScale,
    scalingLimited: {
      type: 'ScalingLimited',
      status: replicas === stabilized ? 'False' : 'True',
      reason,
      message,
    },
    recommendations,
  };
}
