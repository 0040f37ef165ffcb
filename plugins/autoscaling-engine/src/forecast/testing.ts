/**
 * Synthetic demand for forecast tests: a diurnal curve, quieter weekends, multiplicative noise
 * from a seeded generator, so every run sees the same series.
 */
import type { DemandSeries } from './backtest';

/** 2026-01-05 00:00 UTC, a Monday. */
export const MONDAY = Date.UTC(2026, 0, 5);

export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws (Box-Muller). */
export function gaussian(random: () => number): () => number {
  return () =>
    Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

export interface SyntheticOptions {
  days: number;
  stepSeconds?: number;
  noise?: number;
  seed?: number;
  weekendFactor?: number;
  /** Multiply demand by `factor` on `[fromMs, toMs)`. */
  incidents?: Array<{ fromMs: number; toMs: number; factor: number }>;
}

/** Expected demand (no noise) at a time. */
export function diurnal(timeMs: number, weekendFactor = 0.7): number {
  const day = Math.floor((timeMs - MONDAY) / 86400_000);
  const hour = ((timeMs - MONDAY) / 3600_000) % 24;
  const shape = 1000 + 600 * Math.max(0, Math.sin(((hour - 6) / 16) * Math.PI));
  return day % 7 >= 5 ? shape * weekendFactor : shape;
}

export function syntheticSeries(options: SyntheticOptions): DemandSeries {
  const step = options.stepSeconds ?? 300;
  const n = Math.round((options.days * 86400) / step);
  const normal = gaussian(seededRandom(options.seed ?? 1));
  const timeMs = new Float64Array(n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = MONDAY + i * step * 1000;
    let v =
      diurnal(t, options.weekendFactor) *
      (1 + (options.noise ?? 0.05) * normal());
    for (const incident of options.incidents ?? []) {
      if (t >= incident.fromMs && t < incident.toMs) v *= incident.factor;
    }
    timeMs[i] = t;
    values[i] = Math.max(0, v);
  }
  return { timeMs, values, stepSeconds: step };
}

export function slice(
  series: DemandSeries,
  start: number,
  end: number,
): DemandSeries {
  return {
    timeMs: (series.timeMs as Float64Array).subarray(start, end),
    values: (series.values as Float64Array).subarray(start, end),
    stepSeconds: series.stepSeconds,
  };
}
