/**
 * Compact storage of a workload's whole `PredictiveState` (issue 12: ≤ 16 kB per workload in the
 * backend's store). Plain JSON of the state is 40–100 kB, mostly the forecaster's arrays and the
 * one-day ring of 5-minute means; here both are 12-bit codes (see `packNumbers` in ./codec).
 *
 *   encodePredictiveState(state)  → '{"ps":1,...}'   a versioned JSON envelope
 *   decodePredictiveState(text)   → PredictiveState  (also reads a state stored as plain JSON)
 *
 * Envelope, version 1 (`ps: 1`):
 * - `f`: the forecaster as `encodeForecaster` writes it, embedded as an object (not a string, so
 *   its quotes are not escaped again), or null. Profiles and rings within ~1.2e-4 of their range,
 *   scalars exact, fit report 3 significant digits, band quantiles 5 decimals (see ./codec).
 *   The fit report's candidate scores (a dozen objects with the same keys, each with a MASE per
 *   horizon) are a table, `{ $table: 1, cols, h, rows }`, when that reads back identical (else
 *   they stay as they are).
 * - `ring`: [bucketStartMs, sum, count, means] with the 288 means packed: null ("no sample in
 *   that bucket") is the −1 mark, which a mean never is (demand is never negative); a mean comes
 *   back within 1/8188 of the ring's range, and is only read by the seasonal-naive comparison
 *   behind trust.
 *
 * Decoding and encoding again gives the same text: a state read and written every tick (the
 * backend) is only rounded anew where an array's range moved, so the rounding does not build up
 * tick by tick (see the test: a day of that plans like a state kept in memory).
 * - `pend`: pending forecasts as [first target, target deltas (exact), packed forecasts].
 * - `acc`, `peaks`, timestamps, `lastDemand`, `unavailable`: exact (plain JSON).
 * - `x`: any field of the state this codec does not know, as plain JSON (so a field added to
 *   `PredictiveState` is kept, only not compacted).
 *
 * Decoding a different envelope version, or text that is neither an envelope nor a plain
 * `PredictiveState`, throws a `PredictiveStateCodecError` saying which.
 */
import {
  decodeForecaster,
  encodeForecaster,
  packNumbers,
  unpackNumbers,
} from './codec';
import type { Forecaster } from './forecaster';
import type { PredictiveState } from './predictive';

/** The 16-bit array packing, for stores that compact their own arrays the same way. */
export { packNumbers, unpackNumbers } from './codec';
/** What `packNumbers` returns: `{ $u16 | $u12, lo, hi }`. */
export type PackedNumbers = ReturnType<typeof packNumbers>;

/** Version of the envelope this build writes and reads. */
export const PREDICTIVE_CODEC_VERSION = 1;
/** `encodeForecaster`'s text is this prefix and a JSON object. */
const FORECASTER_PREFIX = 'fc1:';
/** The one-day ring: 5-minute buckets. */
const RING_BUCKETS = 288;
/** A null mean in the packed ring (`packNumbers` keeps −1 exactly). */
const NO_MEAN = -1;

/** Fields of `PredictiveState` the envelope stores in its own way. */
const KNOWN_FIELDS = new Set([
  'version',
  'forecaster',
  'unavailable',
  'lastFitMs',
  'lastAttemptMs',
  'lastObservedMs',
  'lastDemand',
  'pending',
  'accuracy',
  'dayRing',
  'dailyPeaks',
]);

type Packed = PackedNumbers;

/** The JSON envelope (version 1). */
export interface PredictiveStateEnvelope {
  ps: 1;
  f: Record<string, unknown> | null;
  unavailable: string | null;
  fitMs: number | null;
  attemptMs: number | null;
  observedMs: number | null;
  lastDemand: number | null;
  /** [first target ms, deltas to the previous target, packed forecasts]; null when none. */
  pend: [number, number[], Packed] | null;
  /** [model, naive, weight, comparisons]. */
  acc: [number, number, number, number];
  ring: [number, number, number, Packed];
  peaks: Array<[number, number]>;
  x?: Record<string, unknown>;
}

export class PredictiveStateCodecError extends Error {
  constructor(message: string) {
    super(`Cannot decode predictive state: ${message}`);
    this.name = 'PredictiveStateCodecError';
  }
}

/** The state as the compact envelope object (what `encodePredictiveState` stringifies). */
export function toPredictiveEnvelope(
  state: PredictiveState,
): PredictiveStateEnvelope {
  if (state.version !== 1) {
    throw new Error(
      `Cannot encode predictive state of version ${String(state.version)}`,
    );
  }
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(state)) {
    if (!KNOWN_FIELDS.has(key)) extra[key] = value;
  }
  const pending = state.pending;
  const ring = state.dayRing;
  const envelope: PredictiveStateEnvelope = {
    ps: 1,
    f: state.forecaster ? forecasterObject(state.forecaster) : null,
    unavailable: state.unavailable,
    fitMs: state.lastFitMs,
    attemptMs: state.lastAttemptMs,
    observedMs: state.lastObservedMs,
    lastDemand: state.lastDemand,
    pend:
      pending.length === 0
        ? null
        : [
            pending[0][0],
            pending.slice(1).map(([t], i) => t - pending[i][0]),
            packNumbers(pending.map(([, v]) => v)),
          ],
    acc: [
      state.accuracy.model,
      state.accuracy.naive,
      state.accuracy.weight,
      state.accuracy.comparisons,
    ],
    ring: [
      ring.bucketStartMs,
      ring.sum,
      ring.count,
      packNumbers(
        ring.means.map(m => (m === null ? NO_MEAN : m)),
        12,
      ),
    ],
    peaks: state.dailyPeaks.map(([day, peak]) => [day, peak]),
  };
  if (Object.keys(extra).length > 0) envelope.x = extra;
  return envelope;
}

/** Inverse of `toPredictiveEnvelope`; throws a `PredictiveStateCodecError` on anything else. */
export function fromPredictiveEnvelope(envelope: unknown): PredictiveState {
  if (!isObject(envelope))
    throw new PredictiveStateCodecError('not a JSON object');
  if (!('ps' in envelope)) {
    throw new PredictiveStateCodecError('no envelope version (field "ps")');
  }
  if (envelope.ps !== PREDICTIVE_CODEC_VERSION) {
    throw new PredictiveStateCodecError(
      `envelope version ${JSON.stringify(
        envelope.ps,
      )} is not supported (this build reads version ${PREDICTIVE_CODEC_VERSION})`,
    );
  }
  const e = envelope as unknown as PredictiveStateEnvelope;
  try {
    const [bucketStartMs, sum, count, packedMeans] = e.ring;
    const means = unpackNumbers(packedMeans).map(m =>
      m === NO_MEAN ? null : m,
    );
    if (means.length !== RING_BUCKETS) {
      throw new Error(
        `day ring has ${means.length} buckets, expected ${RING_BUCKETS}`,
      );
    }
    const pending: Array<[number, number]> = [];
    if (e.pend) {
      const [first, deltas, packed] = e.pend;
      const values = unpackNumbers(packed);
      if (values.length !== deltas.length + 1)
        throw new Error('pending forecasts do not match their targets');
      let target = first;
      values.forEach((value, i) => {
        if (i > 0) target += deltas[i - 1];
        pending.push([target, value]);
      });
    }
    const [model, naive, weight, comparisons] = e.acc;
    const state: PredictiveState = {
      ...(e.x ?? {}),
      version: 1,
      forecaster: e.f === null ? null : forecasterOf(e.f),
      unavailable: e.unavailable,
      lastFitMs: e.fitMs,
      lastAttemptMs: e.attemptMs,
      lastObservedMs: e.observedMs,
      lastDemand: e.lastDemand,
      pending,
      accuracy: { model, naive, weight, comparisons },
      dayRing: { bucketStartMs, sum, count, means },
      dailyPeaks: e.peaks.map(([day, peak]) => [day, peak]),
    };
    return state;
  } catch (error) {
    if (error instanceof PredictiveStateCodecError) throw error;
    throw new PredictiveStateCodecError(
      `corrupt version-1 envelope (${(error as Error).message})`,
    );
  }
}

/** A predictive state as a compact string for the store (see the module comment). */
export function encodePredictiveState(state: PredictiveState): string {
  return JSON.stringify(toPredictiveEnvelope(state));
}

/**
 * Inverse of `encodePredictiveState`. Also reads a `PredictiveState` stored as plain JSON (what
 * the store held before this codec). Throws a `PredictiveStateCodecError` on an unknown envelope
 * version, invalid JSON, or a corrupt envelope.
 */
export function decodePredictiveState(text: string): PredictiveState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new PredictiveStateCodecError(
      `not JSON (${(error as Error).message})`,
    );
  }
  if (isPlainPredictiveState(parsed)) return parsed;
  return fromPredictiveEnvelope(parsed);
}

/** Whether a parsed value is a `PredictiveState` stored as plain JSON (no envelope). */
export function isPlainPredictiveState(
  value: unknown,
): value is PredictiveState {
  return (
    isObject(value) &&
    !('ps' in value) &&
    value.version === 1 &&
    isObject(value.dayRing) &&
    Array.isArray((value.dayRing as { means?: unknown }).means)
  );
}

function forecasterObject(forecaster: Forecaster): Record<string, unknown> {
  const text = encodeForecaster(forecaster);
  if (!text.startsWith(FORECASTER_PREFIX)) {
    throw new Error(
      `encodeForecaster wrote an unexpected format (${text.slice(0, 8)}…)`,
    );
  }
  const compact = JSON.parse(text.slice(FORECASTER_PREFIX.length));
  if (isObject(compact.fit))
    compact.fit.scores = scoresTable(compact.fit.scores);
  return compact;
}

function forecasterOf(compact: Record<string, unknown>): Forecaster {
  const fit = compact.fit;
  const restored = isObject(fit)
    ? { ...compact, fit: { ...fit, scores: scoresOf(fit.scores) } }
    : compact;
  return decodeForecaster(FORECASTER_PREFIX + JSON.stringify(restored));
}

/** The candidate scores as a table (keys once, MASE horizons once), if it reads back the same. */
interface ScoresTable {
  $table: 1;
  cols: string[];
  /** MASE horizons; a row's `mase` cell is its values in this order when it has exactly these. */
  h: string[];
  rows: unknown[][];
}

function scoresTable(scores: unknown): unknown {
  if (!Array.isArray(scores) || scores.length < 2 || !scores.every(isObject))
    return scores;
  const cols = Object.keys(scores[0]);
  const h = Object.keys(
    scores.find(s => isObject(s.mase) && Object.keys(s.mase).length > 0)
      ?.mase ?? {},
  );
  const sameKeys = (o: Record<string, unknown>, keys: string[]) =>
    Object.keys(o).length === keys.length && keys.every(k => k in o);
  const table: ScoresTable = {
    $table: 1,
    cols,
    h,
    rows: scores.map(s =>
      cols.map(k => {
        const cell = s[k];
        return k === 'mase' &&
          isObject(cell) &&
          h.length > 0 &&
          sameKeys(cell, h)
          ? h.map(key => cell[key])
          : cell;
      }),
    ),
  };
  return deepEqual(scoresOf(table), scores) ? table : scores;
}

function scoresOf(value: unknown): unknown {
  if (!isObject(value) || value.$table !== 1) return value;
  const { cols, h, rows } = value as unknown as ScoresTable;
  return rows.map(row =>
    Object.fromEntries(
      cols.map((k, i) => {
        const cell = row[i];
        return [
          k,
          k === 'mase' && Array.isArray(cell)
            ? Object.fromEntries(h.map((key, j) => [key, cell[j]]))
            : cell,
        ];
      }),
    ),
  );
}

/** Structural equality of JSON values (key order ignored). */
function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((x, i) => deepEqual(x, b[i]))
    );
  }
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length &&
    keys.every(k => k in b && deepEqual(a[k], b[k]))
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
