/**
 * The effective `behavior` of a policy: its preset under its explicit fields, then the
 * autoscaling/v2 API defaults for whatever is still unset (pkg/apis/autoscaling/v2/defaults.go,
 * `GenerateHPAScaleUpRules` / `GenerateHPAScaleDownRules`). Undefined means "no behavior": the
 * controller's legacy normalisation applies.
 */
import {
  POLICY_PRESETS,
  type Behavior,
  type ScalingPolicy,
  type ScalingRule,
  type ScalingRules,
} from '@internal/plugin-autoscaling-common';
import type { Tolerances } from './tolerances';

export interface EffectiveRules {
  stabilizationWindowSeconds: number;
  selectPolicy: 'Max' | 'Min' | 'Disabled';
  policies: ScalingRule[];
}

export interface EffectiveBehavior {
  scaleUp: EffectiveRules;
  scaleDown: EffectiveRules;
}

const DEFAULT_SCALE_UP_POLICIES: ScalingRule[] = [
  { type: 'Pods', value: 4, periodSeconds: 15 },
  { type: 'Percent', value: 100, periodSeconds: 15 },
];
const DEFAULT_SCALE_DOWN_POLICIES: ScalingRule[] = [
  { type: 'Percent', value: 100, periodSeconds: 15 },
];

/** The policy's behavior with its preset underneath (explicit fields win, per direction). */
export function behaviorWithPreset(
  policy: ScalingPolicy,
): Behavior | undefined {
  const preset = policy.preset
    ? POLICY_PRESETS[policy.preset].behavior
    : undefined;
  if (!preset) return policy.behavior;
  if (!policy.behavior) return preset;
  return {
    scaleUp: { ...preset.scaleUp, ...definedFields(policy.behavior.scaleUp) },
    scaleDown: {
      ...preset.scaleDown,
      ...definedFields(policy.behavior.scaleDown),
    },
  };
}

export function effectiveBehavior(
  behavior: Behavior | undefined,
  controllerDownscaleWindowSeconds: number,
): EffectiveBehavior | undefined {
  if (!behavior) return undefined;
  const up = behavior.scaleUp;
  const down = behavior.scaleDown;
  return {
    scaleUp: {
      stabilizationWindowSeconds: up?.stabilizationWindowSeconds ?? 0,
      selectPolicy: up?.selectPolicy ?? 'Max',
      policies: up?.policies ?? DEFAULT_SCALE_UP_POLICIES,
    },
    scaleDown: {
      // A nil scale-down window means the controller flag (maybeInitScaleDownStabilizationWindow).
      stabilizationWindowSeconds:
        down?.stabilizationWindowSeconds ?? controllerDownscaleWindowSeconds,
      selectPolicy: down?.selectPolicy ?? 'Max',
      policies: down?.policies ?? DEFAULT_SCALE_DOWN_POLICIES,
    },
  };
}

/** Per-direction tolerances, falling back to the controller-wide one (`tolerancesForHpa`). */
export function tolerancesOf(
  behavior: Behavior | undefined,
  defaultTolerance: number,
): Tolerances {
  return {
    scaleUp: behavior?.scaleUp?.tolerance ?? defaultTolerance,
    scaleDown: behavior?.scaleDown?.tolerance ?? defaultTolerance,
  };
}

function definedFields(rules: ScalingRules | undefined): Partial<ScalingRules> {
  if (!rules) return {};
  return Object.fromEntries(
    Object.entries(rules).filter(([, v]) => v !== undefined),
  );
}
