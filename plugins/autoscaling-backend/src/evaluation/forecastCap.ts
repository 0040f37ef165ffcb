/**
 * The forecast's cap, for the decision's structured clamp: the forecast caps its floor (by
 * maxReplicas or the quota headroom) before the decision sees it, and reports that through its
 * reason codes (`PredictiveFloorCapped`) with the numbers in its sentences. This reads them once,
 * where the decision is made, so the stored decision carries the clamp as data.
 */
import type { PredictiveFloor } from '@internal/plugin-autoscaling-engine';

interface PlanLike {
  status: string;
  reasons: ReadonlyArray<{ code: string; message: string }>;
}

/** "floor capped at 12 by maxReplicas 12 and quota 10": the last cap named binds. */
const CAPPED = /capped at \d+ by (.+?)(?: \(|$)/;
/** "… / 0.2 per pod = 24 replicas (mean-ramp-daily)": the forecast's uncapped count. */
const WANTED = /= (\d+) replicas/;

/** `predictive` with `capped` set when the plan says its forecast was capped. */
export function withForecastCap(
  predictive: PredictiveFloor | undefined,
  plan: PlanLike,
): PredictiveFloor | undefined {
  if (!predictive) return predictive;
  const cap = plan.reasons.find(r => r.code === 'PredictiveFloorCapped');
  if (plan.status !== 'capped' || !cap) return predictive;
  const caps = CAPPED.exec(cap.message)?.[1] ?? '';
  const by = /quota/.test(caps) ? 'quota' : 'max';
  const floor = plan.reasons.find(
    r => r.code === 'PredictiveFloor' && WANTED.test(r.message),
  );
  const wanted = floor ? Number(WANTED.exec(floor.message)![1]) : null;
  return {
    ...predictive,
    capped: {
      by,
      wanted:
        wanted !== null && wanted > predictive.floorReplicas ? wanted : null,
    },
  };
}
