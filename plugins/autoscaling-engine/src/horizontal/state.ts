/**
 * The compact per-workload memory the HPA keeps in its controller: unstabilised
 * recommendations and scale events, each as [timeMs, value] pairs, pruned to the windows that
 * can still read them so the state stays small whatever the uptime.
 */
export interface HorizontalState {
  version: 1;
  /** Unstabilised recommendations, oldest first. */
  recommendations: Array<[timeMs: number, replicas: number]>;
  /** Replicas added by each scale-up, oldest first. */
  scaleUpEvents: Array<[timeMs: number, added: number]>;
  /** Replicas removed by each scale-down, oldest first. */
  scaleDownEvents: Array<[timeMs: number, removed: number]>;
  /** Consecutive evaluations without a usable metric proposal (drives the fallback). */
  metricFailures: number;
  lastScaleMs?: number;
}

export function emptyHorizontalState(): HorizontalState {
  return {
    version: 1,
    recommendations: [],
    scaleUpEvents: [],
    scaleDownEvents: [],
    metricFailures: 0,
  };
}

/**
 * recordInitialRecommendation (horizontal.go): a workload evaluated for the first time, or whose
 * state was lost, starts its recommendation history at its current replicas, so the first tick
 * cannot drop below what a scale-down stabilisation window would have kept.
 */
export function withInitialRecommendation(
  state: HorizontalState,
  currentReplicas: number,
  nowMs: number,
): HorizontalState {
  return { ...state, recommendations: [[nowMs, currentReplicas]] };
}

/**
 * Appends a recommendation. An older entry with the same value can never matter again (the
 * newer one bounds min and max for longer), so it is dropped: the list holds at most one entry
 * per distinct replica count seen inside the window.
 */
export function withRecommendation(
  recommendations: HorizontalState['recommendations'],
  nowMs: number,
  replicas: number,
  keepAfterMs: number,
): HorizontalState['recommendations'] {
  const kept = recommendations.filter(
    ([timeMs, value]) => timeMs > keepAfterMs && value !== replicas,
  );
  kept.push([nowMs, replicas]);
  return kept;
}

/** Drops scale events older than the longest policy period (they no longer limit anything). */
export function pruneEvents(
  events: Array<[number, number]>,
  keepAfterMs: number,
): Array<[number, number]> {
  return events.filter(([timeMs]) => timeMs > keepAfterMs);
}

/** Records a scale from `from` to `to` at `nowMs` (what the HPA's storeScaleEvent does). */
export function withScaleEvent(
  state: HorizontalState,
  nowMs: number,
  from: number,
  to: number,
): HorizontalState {
  if (from === to) return state;
  const next = { ...state, lastScaleMs: nowMs };
  if (to > from)
    next.scaleUpEvents = [...state.scaleUpEvents, [nowMs, to - from]];
  else next.scaleDownEvents = [...state.scaleDownEvents, [nowMs, from - to]];
  return next;
}
