/**
 * The simulation clock. Simulated time is what every object timestamp, the load model and the
 * metrics use. Two implementations:
 *  - accelerated: sim = start + factor × (wall elapsed) (+ any manual jumps),
 *  - manual: time moves only when `advance` is called (deterministic tests).
 */
export interface SimClock {
  /** Current simulated time, epoch milliseconds. */
  now(): number;
  /** Jumps simulated time forward by `ms` (both kinds support it). */
  advance(ms: number): void;
  /** Simulated seconds per wall second (1 for manual clocks: they do not run). */
  readonly factor: number;
  /** True when time moves with the wall clock. */
  readonly running: boolean;
}

export function createManualClock(
  startMs: number = Date.UTC(2025, 0, 6, 0, 0, 0),
): SimClock {
  let t = startMs;
  return {
    now: () => t,
    advance: ms => {
      if (!(ms >= 0))
        throw new Error(`cannot move the clock backwards (${ms} ms)`);
      t += ms;
    },
    factor: 1,
    running: false,
  };
}

export function createAcceleratedClock(options: {
  factor?: number;
  startMs?: number;
  wallNow?: () => number;
}): SimClock {
  const wallNow =
    options.wallNow ?? (() => performance.timeOrigin + performance.now());
  const factor = options.factor ?? 1;
  if (!(factor > 0))
    throw new Error(`clock factor must be > 0 (got ${factor})`);
  const wallStart = wallNow();
  const simStart = options.startMs ?? wallStart;
  let jumped = 0;
  return {
    now: () => simStart + jumped + factor * (wallNow() - wallStart),
    advance: ms => {
      if (!(ms >= 0))
        throw new Error(`cannot move the clock backwards (${ms} ms)`);
      jumped += ms;
    },
    factor,
    running: true,
  };
}
