/**
 * The forecast's cap, for the decision's structured clamp: the forecast caps its floor (by
 * maxReplicas or the quota headroom) before the decision sees it, and says so in the plan's
 * `cap`. This carries it onto the decision's input, so the stored decision has the clamp as data.
 */
import type { PredictiveFloor } from '@internal/plugin-autoscaling-engine';

interface PlanLike {
  status: string;
  cap?: { by: 'max' | 'quota'; wantedReplicas?: number };
}

/** `predictive` with `capped` set when the plan says its forecast was capped. */
export function withForecastCap(
  predictive: PredictiveFloor | undefined,
  plan: PlanLike,
): PredictiveFloor | undefined {
  if (!predictive || plan.status !== 'capped' || !plan.cap) return predictive;
  const wanted = plan.cap.wantedReplicas;
  return {
    ...predictive,
    capped: {
      by: plan.cap.by,
      wanted:
        wanted !== undefined && wanted > predictive.floorReplicas
          ? wanted
          : null,
    },
  };
}
