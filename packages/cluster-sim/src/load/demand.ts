/**
 * Demand models: pure functions of simulated time (epoch ms) returning requests per second.
 * No clocks, no I/O; randomness comes from (seed, time bucket), so a value at time t never
 * depends on which other times were asked for.
 */
import { normalAt } from '../util/rng';

export interface DemandModel {
  /** Requests per second at simulated time `tMs`. */
  at(tMs: number): number;
}

export interface FlashCrowd {
  /** Start, epoch ms. */
  startMs: number;
  durationSeconds: number;
  /** Demand multiplier at the plateau. */
  multiplier: number;
  /** Linear ramp up and down, seconds. */
  rampSeconds: number;
  /** Repeat period in seconds (0 = once). */
  everySeconds: number;
}

export interface SyntheticProfile {
  base: number;
  /** Relative amplitude of the daily cycle (0.5 → ±50% around base). */
  dailyAmplitude: number;
  /** Hour of the daily peak, in the profile's UTC offset. */
  peakHour: number;
  /** Seven multipliers, Monday..Sunday; interpolated between day centres. */
  weekly: number[];
  /** Relative standard deviation of the noise. */
  noise: number;
  /** Noise is sampled every `noiseIntervalSeconds` and linearly interpolated. */
  noiseIntervalSeconds: number;
  flashCrowds: FlashCrowd[];
  utcOffsetHours: number;
  seed: number;
}

const HOUR = 3600_000;
const DAY = 24 * HOUR;

export function constantDemand(rps: number): DemandModel {
  return { at: () => rps };
}

export function dailyFactor(p: SyntheticProfile, tMs: number): number {
  const hour = ((((tMs + p.utcOffsetHours * HOUR) % DAY) + DAY) % DAY) / HOUR;
  return (
    1 + p.dailyAmplitude * Math.cos((2 * Math.PI * (hour - p.peakHour)) / 24)
  );
}

export function weeklyFactor(p: SyntheticProfile, tMs: number): number {
  if (p.weekly.length !== 7) return 1;
  // 1970-01-01 was a Thursday (index 3 with Monday = 0).
  const local = tMs + p.utcOffsetHours * HOUR;
  const days = local / DAY - 0.5 + 3; // position relative to Monday's centre
  const i = Math.floor(days);
  const frac = days - i;
  const a = p.weekly[((i % 7) + 7) % 7];
  const b = p.weekly[(((i + 1) % 7) + 7) % 7];
  return a + (b - a) * frac;
}

export function noiseFactor(p: SyntheticProfile, tMs: number): number {
  if (p.noise <= 0) return 1;
  const step = Math.max(1, p.noiseIntervalSeconds) * 1000;
  const pos = tMs / step;
  const i = Math.floor(pos);
  const frac = pos - i;
  const n = normalAt(p.seed, i) * (1 - frac) + normalAt(p.seed, i + 1) * frac;
  return Math.max(0, 1 + p.noise * n);
}

export function flashFactor(crowds: FlashCrowd[], tMs: number): number {
  let f = 1;
  for (const c of crowds) {
    let offset = (tMs - c.startMs) / 1000;
    if (offset < 0) continue;
    if (c.everySeconds > 0) offset %= c.everySeconds;
    const ramp = Math.max(0, c.rampSeconds);
    const total = c.durationSeconds + 2 * ramp;
    if (offset >= total) continue;
    let level: number;
    if (offset < ramp) level = offset / ramp;
    else if (offset < ramp + c.durationSeconds) level = 1;
    else level = (total - offset) / ramp;
    f = Math.max(f, 1 + (c.multiplier - 1) * level);
  }
  return f;
}

export function syntheticDemand(p: SyntheticProfile): DemandModel {
  return {
    at: tMs =>
      Math.max(
        0,
        p.base *
          dailyFactor(p, tMs) *
          weeklyFactor(p, tMs) *
          noiseFactor(p, tMs) *
          flashFactor(p.flashCrowds, tMs),
      ),
  };
}

export interface TracePoint {
  tMs: number;
  value: number;
}

/**
 * Parses a trace CSV (header `timestamp,value`; timestamp ISO-8601 or epoch seconds).
 * Throws with the line number on bad input.
 */
export function parseTraceCsv(text: string): TracePoint[] {
  const lines = text.split(/\r?\n/);
  const points: TracePoint[] = [];
  let headerSeen = false;
  lines.forEach((raw, idx) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const [ts, val, ...rest] = line.split(',').map(s => s.trim());
    if (!headerSeen) {
      headerSeen = true;
      if (ts.toLowerCase() === 'timestamp') {
        if (val?.toLowerCase() !== 'value') {
          throw new Error(
            `trace line ${idx + 1}: header must be "timestamp,value"`,
          );
        }
        return;
      }
    }
    if (val === undefined || rest.length > 0) {
      throw new Error(`trace line ${idx + 1}: expected "timestamp,value"`);
    }
    const tMs = /^-?[0-9]+(\.[0-9]+)?$/.test(ts)
      ? Number(ts) * 1000
      : Date.parse(ts);
    const value = Number(val);
    if (!Number.isFinite(tMs))
      throw new Error(`trace line ${idx + 1}: bad timestamp "${ts}"`);
    if (!Number.isFinite(value) || value < 0) {
      throw new Error(`trace line ${idx + 1}: bad value "${val}"`);
    }
    points.push({ tMs, value });
  });
  if (points.length === 0) throw new Error('trace has no data rows');
  points.sort((a, b) => a.tMs - b.tMs);
  return points;
}

export interface TraceOptions {
  /** Simulated time that the first trace row maps to; undefined = use the trace's own times. */
  alignToMs?: number;
  /** Repeat the trace after its last row (default true). */
  loop: boolean;
  /** Multiplier applied to every value. */
  scale: number;
}

/** Linear interpolation over a trace, optionally re-based to start at `alignToMs` and looped. */
export function traceDemand(
  points: TracePoint[],
  opts: TraceOptions,
): DemandModel {
  const first = points[0].tMs;
  const last = points[points.length - 1].tMs;
  // A looped trace has period = span + one median step, so the last row flows into the first.
  const step =
    points.length > 1 ? (last - first) / (points.length - 1) : 60_000;
  const period = last - first + step;
  const shift = opts.alignToMs === undefined ? 0 : opts.alignToMs - first;
  const valueAt = (traceT: number): number => {
    if (traceT <= first) return points[0].value;
    // binary search for the last point <= traceT
    let lo = 0;
    let hi = points.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (points[mid].tMs <= traceT) lo = mid;
      else hi = mid - 1;
    }
    const a = points[lo];
    const b =
      points[lo + 1] ??
      (opts.loop ? { tMs: first + period, value: points[0].value } : a);
    if (b.tMs === a.tMs) return a.value;
    const frac = Math.min(1, (traceT - a.tMs) / (b.tMs - a.tMs));
    return a.value + (b.value - a.value) * frac;
  };
  return {
    at: tMs => {
      let traceT = tMs - shift;
      if (opts.loop)
        traceT = first + ((((traceT - first) % period) + period) % period);
      return Math.max(0, valueAt(traceT) * opts.scale);
    },
  };
}
