/**
 * The text of a `workload_forecasts.state_json` row (issue 12: ≤ 16 kB per workload).
 *
 * Plain JSON of the live forecast state (`LiveForecastState`) is 40–100 kB, mostly the engine's
 * `PredictiveState` and up to 200 anomalies. The row (format 1, marked `"$row":1`) is that JSON
 * with three fields written compactly:
 * - `predictive`: the engine's envelope (`toPredictiveEnvelope`, what `encodePredictiveState`
 *   writes: packed forecaster and day ring) embedded as an object;
 * - `anomalies`: columns: times as the first time plus deltas in minutes (or seconds, or ms),
 *   values and scores as 16-bit codes (`packNumbers`) when they decode back exactly after the
 *   rounding they were stored with (5 significant digits, 2 decimals), else as plain numbers;
 * - `bandPending`: columns, times as deltas, bands as plain numbers.
 * Everything else is plain JSON. A row without `$row` is the plain JSON written before this
 * format: it is read as it is (and written compact on the next save), so nothing is lost.
 */
import {
  fromPredictiveEnvelope,
  isPlainPredictiveState,
  packNumbers,
  toPredictiveEnvelope,
  unpackNumbers,
  type PackedNumbers,
  type PredictiveState,
} from '@internal/plugin-autoscaling-engine';

export const FORECAST_ROW_VERSION = 1;

type Packed = PackedNumbers;
type Anomaly = { atMs: number; value: number; score: number };

interface AnomalyColumns {
  /** First time (ms), then deltas in `unit` ms. */
  t: number[];
  unit: number;
  v: Packed | number[];
  s: Packed | number[];
}

interface BandColumns {
  t: number[];
  unit: number;
  lo: number[];
  hi: number[];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isFiniteNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

/** The roundings `predictiveStep` stores anomalies with. */
const round5Significant = (x: number) => Number(x.toPrecision(5));
const round2Decimals = (x: number) => Math.round(x * 100) / 100;

/** The row text of a forecast state. */
export function encodeForecastRow(state: Record<string, unknown>): string {
  const row: Record<string, unknown> = { $row: FORECAST_ROW_VERSION, ...state };
  if (isPlainPredictiveState(state.predictive)) {
    row.predictive = toPredictiveEnvelope(state.predictive as PredictiveState);
  }
  if (isAnomalyList(state.anomalies) && state.anomalies.length > 0) {
    row.anomalies = anomalyColumns(state.anomalies);
  }
  if (isBandList(state.bandPending) && state.bandPending.length > 0) {
    row.bandPending = bandColumns(state.bandPending);
  }
  return JSON.stringify(row);
}

/**
 * The forecast state of a row (format 1, or the plain JSON written before it). Throws, naming
 * the workload, when the row is not JSON, of an unknown format, or corrupt.
 */
export function decodeForecastRow(
  text: string,
  workloadId: string,
): Record<string, unknown> {
  try {
    const row: unknown = JSON.parse(text);
    if (!isObject(row)) throw new Error('not a JSON object');
    if (!('$row' in row)) return row; // plain JSON, before the compact format
    if (row.$row !== FORECAST_ROW_VERSION) {
      throw new Error(
        `row format ${JSON.stringify(
          row.$row,
        )} is not supported (this build reads format ${FORECAST_ROW_VERSION})`,
      );
    }
    const { $row: _version, ...state } = row;
    if (isObject(state.predictive) && 'ps' in state.predictive) {
      state.predictive = fromPredictiveEnvelope(state.predictive);
    }
    if (isObject(state.anomalies))
      state.anomalies = anomaliesOf(
        state.anomalies as unknown as AnomalyColumns,
      );
    if (isObject(state.bandPending))
      state.bandPending = bandsOf(state.bandPending as unknown as BandColumns);
    return state;
  } catch (error) {
    throw new Error(
      `Unreadable forecast state of workload ${workloadId} in workload_forecasts: ${
        (error as Error).message
      }`,
    );
  }
}

// ------------------------------------------------------------------ columns

function isAnomalyList(value: unknown): value is Anomaly[] {
  return (
    Array.isArray(value) &&
    value.every(
      a =>
        isObject(a) &&
        Object.keys(a).length === 3 &&
        Number.isSafeInteger(a.atMs) &&
        isFiniteNumber(a.value) &&
        isFiniteNumber(a.score),
    )
  );
}

function isBandList(value: unknown): value is Array<[number, number, number]> {
  return (
    Array.isArray(value) &&
    value.every(
      b =>
        Array.isArray(b) &&
        b.length === 3 &&
        Number.isSafeInteger(b[0]) &&
        isFiniteNumber(b[1]) &&
        isFiniteNumber(b[2]),
    )
  );
}

/** Times as the first one plus deltas in the coarsest unit that keeps them exact. */
function timeColumn(times: number[]): { t: number[]; unit: number } {
  const deltas = times.slice(1).map((t, i) => t - times[i]);
  const unit = [60_000, 1000, 1].find(u => deltas.every(d => d % u === 0)) ?? 1;
  return { t: [times[0], ...deltas.map(d => d / unit)], unit };
}

function timesOf(column: { t: number[]; unit: number }): number[] {
  const times: number[] = [];
  column.t.forEach((x, i) =>
    times.push(i === 0 ? x : times[i - 1] + x * column.unit),
  );
  return times;
}

/** 16-bit codes when they give back exactly `values` after `round`, else the plain values. */
function packExact(
  values: number[],
  round: (x: number) => number,
): Packed | number[] {
  if (values.length < 8) return values;
  const packed = packNumbers(values);
  const back = unpackNumbers(packed).map(round);
  return back.every((x, i) => Object.is(x, values[i])) ? packed : values;
}

const unpackRounded = (
  column: Packed | number[],
  round: (x: number) => number,
) => (Array.isArray(column) ? column : unpackNumbers(column).map(round));

function anomalyColumns(anomalies: Anomaly[]): AnomalyColumns {
  return {
    ...timeColumn(anomalies.map(a => a.atMs)),
    v: packExact(
      anomalies.map(a => a.value),
      round5Significant,
    ),
    s: packExact(
      anomalies.map(a => a.score),
      round2Decimals,
    ),
  };
}

function anomaliesOf(columns: AnomalyColumns): Anomaly[] {
  const times = timesOf(columns);
  const values = unpackRounded(columns.v, round5Significant);
  const scores = unpackRounded(columns.s, round2Decimals);
  if (values.length !== times.length || scores.length !== times.length) {
    throw new Error('anomaly columns of different lengths');
  }
  return times.map((atMs, i) => ({ atMs, value: values[i], score: scores[i] }));
}

function bandColumns(bands: Array<[number, number, number]>): BandColumns {
  return {
    ...timeColumn(bands.map(b => b[0])),
    lo: bands.map(b => b[1]),
    hi: bands.map(b => b[2]),
  };
}

function bandsOf(columns: BandColumns): Array<[number, number, number]> {
  const times = timesOf(columns);
  if (
    columns.lo.length !== times.length ||
    columns.hi.length !== times.length
  ) {
    throw new Error('band columns of different lengths');
  }
  return times.map((t, i) => [t, columns.lo[i], columns.hi[i]]);
}
