/**
 * Seasonal naive baselines: ŷ(T+h) = y(T + h − m·⌈h/m⌉), with m one day or one week.
 *
 * The state is a ring of the last season of samples on a regular step (memory = one season,
 * constant work per sample); samples off the step grid are snapped to it, gaps stay unknown (−1).
 */

export interface NaiveState {
  kind: 'naive';
  version: 1;
  periodSeconds: number;
  stepSeconds: number;
  /** Values by grid index modulo the ring length; −1 = unknown. */
  ring: number[];
  /** Grid index of the last sample, −1 before the first. */
  lastIndex: number;
  lastMs: number;
  firstMs: number;
  samples: number;
}

export function createNaiveState(
  periodSeconds: number,
  stepSeconds: number,
): NaiveState {
  if (!(stepSeconds > 0) || !(periodSeconds >= stepSeconds)) {
    throw new RangeError('a seasonal naive model needs 0 < step ≤ period');
  }
  const size = Math.round(periodSeconds / stepSeconds);
  return {
    kind: 'naive',
    version: 1,
    periodSeconds,
    stepSeconds,
    ring: new Array<number>(size).fill(-1),
    lastIndex: -1,
    lastMs: -Infinity,
    firstMs: NaN,
    samples: 0,
  };
}

export function updateNaive(
  state: NaiveState,
  timeMs: number,
  value: number,
): void {
  if (!(timeMs > state.lastMs) || !Number.isFinite(value) || value < 0) return;
  const index = Math.round(timeMs / (state.stepSeconds * 1000));
  const size = state.ring.length;
  if (state.lastIndex >= 0) {
    // Clear slots skipped by a gap so stale values from a season ago are not reused.
    const gap = Math.min(index - state.lastIndex - 1, size);
    for (let k = 1; k <= gap; k++)
      state.ring[(state.lastIndex + k) % size] = -1;
  }
  state.ring[index % size] = value;
  state.lastIndex = index;
  if (state.samples === 0) state.firstMs = timeMs;
  state.lastMs = timeMs;
  state.samples++;
}

export function forecastNaive(state: NaiveState, targetMs: number): number {
  if (state.lastIndex < 0) return NaN;
  const stepMs = state.stepSeconds * 1000;
  const size = state.ring.length;
  const target = Math.round(targetMs / stepMs);
  const ahead = target - state.lastIndex;
  const seasons = Math.max(1, Math.ceil(ahead / size));
  const source = target - seasons * size;
  if (source > state.lastIndex || source <= state.lastIndex - size) return NaN;
  const value = state.ring[((source % size) + size) % size];
  return value >= 0 ? value : NaN;
}
