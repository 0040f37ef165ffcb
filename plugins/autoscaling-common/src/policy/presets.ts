/**
 * Named starting points for `behavior` and cooldown. A policy's explicit fields win over its
 * preset; the resolver records which fields came from a preset.
 */
import type { Behavior, PresetName } from './schema';

export interface PolicyPreset {
  description: string;
  behavior: Behavior;
  cooldownSeconds: number;
}

export const POLICY_PRESETS: Record<PresetName, PolicyPreset> = {
  aggressive: {
    description:
      'Reacts within one evaluation: doubles or adds 8 pods per 15 s, releases after 1 min of lower demand.',
    behavior: {
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        tolerance: 0.05,
        policies: [
          { type: 'Percent', value: 100, periodSeconds: 15 },
          { type: 'Pods', value: 8, periodSeconds: 15 },
        ],
      },
      scaleDown: {
        stabilizationWindowSeconds: 60,
        selectPolicy: 'Max',
        tolerance: 0.1,
        policies: [{ type: 'Percent', value: 50, periodSeconds: 15 }],
      },
    },
    cooldownSeconds: 0,
  },
  balanced: {
    description:
      'The Kubernetes HPA defaults: up by 100% or 4 pods per 15 s, down after a 5 min stabilisation window.',
    behavior: {
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        tolerance: 0.1,
        policies: [
          { type: 'Pods', value: 4, periodSeconds: 15 },
          { type: 'Percent', value: 100, periodSeconds: 15 },
        ],
      },
      scaleDown: {
        stabilizationWindowSeconds: 300,
        selectPolicy: 'Max',
        tolerance: 0.1,
        policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
      },
    },
    cooldownSeconds: 0,
  },
  conservative: {
    description:
      'Scales up after 1 min of sustained load by at most 50% or 2 pods a minute; scales down one pod every 2 min after 10 min.',
    behavior: {
      scaleUp: {
        stabilizationWindowSeconds: 60,
        selectPolicy: 'Max',
        tolerance: 0.1,
        policies: [
          { type: 'Percent', value: 50, periodSeconds: 60 },
          { type: 'Pods', value: 2, periodSeconds: 60 },
        ],
      },
      scaleDown: {
        stabilizationWindowSeconds: 600,
        selectPolicy: 'Min',
        tolerance: 0.15,
        policies: [{ type: 'Pods', value: 1, periodSeconds: 120 }],
      },
    },
    cooldownSeconds: 300,
  },
};
