/**
 * Rolling-origin backtest (time-series cross-validation) of several candidate models in one pass,
 * model choice by an asymmetric loss, and prediction bands from the residual quantiles per horizon.
 *
 * Each candidate sees the series one sample at a time; at every origin it forecasts each horizon
 * from what it has seen so far, and the forecast is scored when the target arrives. Candidates
 * are compared on the origins where all of them can forecast (the weekly naive needs a week).
 */
import { sortedQuantile } from './robust';
import {
  createModel,
  forecastModel,
  isMatureForecast,
  updateModel,
  type CandidateSpec,
  type ModelState,
} from './model';
import type { AnomalyFlag, SeasonalConfig } from './seasonal';

/** A regular series: `values[i]` at `timeMs[i]`, step `stepSeconds`. */
export interface DemandSeries {
  timeMs: ArrayLike<number>;
  values: ArrayLike<number>;
  stepSeconds: number;
}

/** Horizons at which residual quantiles are kept; others interpolate in log-horizon. */
export const BAND_HORIZONS_SECONDS = [
  60, 300, 900, 1800, 3600, 7200, 21600, 86400,
];
/** Quantile levels kept per horizon. */
export const BAND_LEVELS = [
  0.01, 0.025, 0.05, 0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9,
  0.95, 0.975, 0.99,
];

export interface BacktestOptions {
  /** Horizons scored for the choice of model. */
  selectionHorizonsSeconds: number[];
  /** Weight of an under-forecast relative to an over-forecast of the same size. */
  underForecastWeight: number;
  originEverySeconds: number;
  /** No origins in the first part of the series (the profile needs a day). */
  warmupSeconds: number;
  /** Residuals of the chosen model from targets in this last stretch make the bands. */
  bandWindowSeconds: number;
  /** A candidate is compared only if it can forecast this share of the origins. */
  minCoverage: number;
  /** Taken when no candidate can be compared yet (the first day of history). */
  fallbackCandidate: string;
  seasonal?: Partial<SeasonalConfig>;
}

export const DEFAULT_BACKTEST_OPTIONS: BacktestOptions = {
  selectionHorizonsSeconds: [300, 900, 3600, 86400],
  underForecastWeight: 3,
  originEverySeconds: 300,
  warmupSeconds: 86400,
  bandWindowSeconds: 7 * 86400,
  minCoverage: 0.3,
  fallbackCandidate: 'hw-weekly-deviation',
};

/** Residual quantiles, relative to the point forecast: upper = ŷ · (1 + q). */
export interface BandTable {
  horizonsSeconds: number[];
  levels: number[];
  /** `relative[k][j]`: quantile `levels[j]` of (y − ŷ)/ŷ at `horizonsSeconds[k]`. */
  relative: number[][];
  /** Residuals behind each row. */
  counts: number[];
}

export interface CandidateScore {
  name: string;
  /** Compared with the others (enough origins where it could forecast). */
  eligible: boolean;
  /** Mean over the selection horizons of the asymmetric loss / MASE scale; lower is better. */
  score: number;
  /** MASE per horizon (seconds → value) on the common origins. */
  mase: Record<string, number>;
  /** Share of (origin, horizon) pairs it could forecast. */
  coverage: number;
}

export interface BacktestResult {
  chosen: string;
  chosenIndex: number;
  scores: CandidateScore[];
  /** In-sample mean |y_t − y_{t−m}| with m = one day: the MASE denominator. */
  scale: number;
  scaleSeasonSeconds: number;
  origins: number;
  bands: BandTable;
  /** Final states of every candidate (after the whole series). */
  states: ModelState[];
  /** Anomalies the chosen model flagged while reading the series. */
  anomalies: AnomalyFlag[];
}

const DAY = 86400;

/** In-sample seasonal-naive MAE (m = one day, or one step if the series is shorter). */
export function naiveScale(
  series: DemandSeries,
  seasonSeconds = DAY,
): { scale: number; seasonSeconds: number } {
  const n = series.values.length;
  let lag = Math.round(seasonSeconds / series.stepSeconds);
  let used = seasonSeconds;
  if (lag >= n) {
    lag = 1;
    used = series.stepSeconds;
  }
  let sum = 0;
  let count = 0;
  for (let i = lag; i < n; i++) {
    sum += Math.abs(series.values[i] - series.values[i - lag]);
    count++;
  }
  const scale = count > 0 ? sum / count : 0;
  return { scale: scale > 0 ? scale : 1, seasonSeconds: used };
}

export function backtest(
  series: DemandSeries,
  candidates: readonly CandidateSpec[],
  options: Partial<BacktestOptions> = {},
): BacktestResult {
  const o = { ...DEFAULT_BACKTEST_OPTIONS, ...options };
  const n = series.values.length;
  const step = series.stepSeconds;
  const horizons = Array.from(
    new Set([...BAND_HORIZONS_SECONDS, ...o.selectionHorizonsSeconds]),
  ).sort((a, b) => a - b);
  const horizonSteps = horizons.map(h => Math.max(1, Math.round(h / step)));
  const originEvery = Math.max(1, Math.round(o.originEverySeconds / step));
  const warmup = Math.ceil(o.warmupSeconds / step);
  const k = candidates.length;
  const states = candidates.map(c => createModel(c, step, o.seasonal));
  const anomaliesByCandidate: AnomalyFlag[][] = candidates.map(() => []);

  // preds[c][h] is indexed by origin number; targets[h] likewise.
  const originIndices: number[] = [];
  for (let i = warmup; i < n; i += originEvery) originIndices.push(i);
  const origins = originIndices.length;
  const preds = candidates.map(() =>
    horizons.map(() => new Float64Array(origins).fill(NaN)),
  );
  // Whether each forecast came from the model's settled profile (bands prefer those).
  const mature = candidates.map(() =>
    horizons.map(() => new Uint8Array(origins)),
  );

  let nextOrigin = 0;
  for (let i = 0; i < n; i++) {
    // Forecasts at origin i use samples before i only.
    if (nextOrigin < origins && originIndices[nextOrigin] === i) {
      for (let h = 0; h < horizons.length; h++) {
        const target = i + horizonSteps[h] - 1;
        if (target >= n) continue;
        const targetMs = series.timeMs[target];
        for (let c = 0; c < k; c++) {
          preds[c][h][nextOrigin] = forecastModel(states[c], targetMs);
          mature[c][h][nextOrigin] = isMatureForecast(states[c], targetMs)
            ? 1
            : 0;
        }
      }
      nextOrigin++;
    }
    const t = series.timeMs[i];
    const y = series.values[i];
    for (let c = 0; c < k; c++) {
      const flag = updateModel(states[c], t, y);
      if (flag) anomaliesByCandidate[c].push(flag);
    }
  }

  const { scale, seasonSeconds } = naiveScale(series);
  const selection = new Set(o.selectionHorizonsSeconds);

  // Eligibility: enough forecasts over all (origin, horizon) pairs that have a target.
  const coverage = candidates.map((_, c) => {
    let possible = 0;
    let made = 0;
    for (let h = 0; h < horizons.length; h++) {
      for (let j = 0; j < origins; j++) {
        if (originIndices[j] + horizonSteps[h] - 1 >= n) continue;
        possible++;
        if (Number.isFinite(preds[c][h][j])) made++;
      }
    }
    return possible > 0 ? made / possible : 0;
  });
  const eligible = coverage.map(cv => cv >= o.minCoverage);

  const scores: CandidateScore[] = candidates.map((spec, c) => ({
    name: spec.name,
    eligible: eligible[c],
    score: Infinity,
    mase: {},
    coverage: coverage[c],
  }));
  // Compare where every eligible candidate forecasts, and, once there are three days of them, only
  // where every one forecasts from its settled profile: in the first week the weekly models
  // stand in with the daily profile, and scoring them there says nothing about their choice.
  const comparable = (h: number, j: number, settledOnly: boolean) => {
    if (originIndices[j] + horizonSteps[h] - 1 >= n) return false;
    for (let c = 0; c < k; c++) {
      if (!eligible[c]) continue;
      if (!Number.isFinite(preds[c][h][j])) return false;
      if (settledOnly && !mature[c][h][j]) return false;
    }
    return true;
  };
  const minSettled = Math.ceil((3 * 86400) / o.originEverySeconds);
  for (let h = 0; h < horizons.length; h++) {
    const sums = new Float64Array(k);
    const losses = new Float64Array(k);
    let settledPairs = 0;
    for (let j = 0; j < origins; j++)
      if (comparable(h, j, true)) settledPairs++;
    const settledOnly = settledPairs >= minSettled;
    let count = 0;
    for (let j = 0; j < origins; j++) {
      if (!comparable(h, j, settledOnly)) continue;
      const target = originIndices[j] + horizonSteps[h] - 1;
      const y = series.values[target];
      count++;
      for (let c = 0; c < k; c++) {
        if (!eligible[c]) continue;
        const e = y - preds[c][h][j];
        sums[c] += Math.abs(e);
        losses[c] += e > 0 ? o.underForecastWeight * e : -e;
      }
    }
    for (let c = 0; c < k; c++) {
      if (!eligible[c] || count === 0) continue;
      scores[c].mase[String(horizons[h])] = sums[c] / count / scale;
      if (selection.has(horizons[h])) {
        const asym = losses[c] / count / scale;
        scores[c].score =
          (scores[c].score === Infinity ? 0 : scores[c].score) + asym;
      }
    }
  }
  const usedHorizons = o.selectionHorizonsSeconds.filter(h =>
    scores.some(s => s.mase[String(h)] !== undefined),
  ).length;
  for (const s of scores)
    if (s.score !== Infinity && usedHorizons > 0) s.score /= usedHorizons;

  let chosenIndex = -1;
  for (let c = 0; c < k; c++) {
    if (!scores[c].eligible || !Number.isFinite(scores[c].score)) continue;
    if (chosenIndex < 0 || scores[c].score < scores[chosenIndex].score)
      chosenIndex = c;
  }
  if (chosenIndex < 0) {
    // Too little history to compare: the fallback, else the first seasonal candidate.
    chosenIndex = candidates.findIndex(c => c.name === o.fallbackCandidate);
    if (chosenIndex < 0) {
      chosenIndex = Math.max(
        0,
        candidates.findIndex(c => c.kind === 'seasonal'),
      );
    }
  }

  const bands = bandTable(
    series,
    preds[chosenIndex],
    mature[chosenIndex],
    horizons,
    horizonSteps,
    originIndices,
    o.bandWindowSeconds,
  );
  return {
    chosen: candidates[chosenIndex].name,
    chosenIndex,
    scores,
    scale,
    scaleSeasonSeconds: seasonSeconds,
    origins,
    bands,
    states,
    anomalies: anomaliesByCandidate[chosenIndex],
  };
}

/** Residuals from settled forecasts needed before the bands ignore the first-week ones. */
const MIN_MATURE_RESIDUALS = 100;

function bandTable(
  series: DemandSeries,
  preds: Float64Array[],
  mature: Uint8Array[],
  horizons: number[],
  horizonSteps: number[],
  originIndices: number[],
  windowSeconds: number,
): BandTable {
  const n = series.values.length;
  const endMs = series.timeMs[n - 1];
  const relative: number[][] = [];
  const counts: number[] = [];
  const keptHorizons: number[] = [];
  for (let h = 0; h < horizons.length; h++) {
    if (!BAND_HORIZONS_SECONDS.includes(horizons[h])) continue;
    const all: number[] = [];
    const settled: number[] = [];
    for (let j = 0; j < originIndices.length; j++) {
      const target = originIndices[j] + horizonSteps[h] - 1;
      if (target >= n || series.timeMs[target] < endMs - windowSeconds * 1000)
        continue;
      const f = preds[h][j];
      if (!Number.isFinite(f)) continue;
      const r = relativeResidual(series.values[target], f);
      all.push(r);
      if (mature[h][j]) settled.push(r);
    }
    // First-week forecasts (daily stand-in for the weekly profile) err differently from the
    // settled model; once there are enough settled ones, only they calibrate the band.
    const useSettled = settled.length >= MIN_MATURE_RESIDUALS;
    const residuals = useSettled ? settled : all;
    if (residuals.length === 0) continue;
    const sorted = Float64Array.from(residuals).sort();
    // Residuals at horizon h are correlated over about h (a day-level shift moves a whole day of
    // 1-day-ahead errors together), so a few days of them are only a few independent draws:
    // widen around the median like a Student-t interval with that many degrees of freedom.
    const spanSeconds = useSettled
      ? settledSpan(
          series,
          originIndices,
          horizonSteps[h],
          mature[h],
          preds[h],
          endMs - windowSeconds * 1000,
        )
      : windowSeconds;
    const independent = spanSeconds / Math.max(horizons[h], 3600);
    const widen = smallSampleWidening(independent);
    const median = sortedQuantile(sorted, 0.5);
    keptHorizons.push(horizons[h]);
    counts.push(residuals.length);
    relative.push(
      BAND_LEVELS.map(
        q => median + (sortedQuantile(sorted, q) - median) * widen,
      ),
    );
  }
  return {
    horizonsSeconds: keptHorizons,
    levels: [...BAND_LEVELS],
    relative,
    counts,
  };
}

function settledSpan(
  series: DemandSeries,
  originIndices: number[],
  steps: number,
  mature: Uint8Array,
  preds: Float64Array,
  fromMs: number,
): number {
  let first = Infinity;
  let last = -Infinity;
  for (let j = 0; j < originIndices.length; j++) {
    const target = originIndices[j] + steps - 1;
    if (
      target >= series.values.length ||
      !mature[j] ||
      !Number.isFinite(preds[j])
    )
      continue;
    const t = series.timeMs[target];
    if (t < fromMs) continue;
    if (t < first) first = t;
    if (t > last) last = t;
  }
  return last >= first ? (last - first) / 1000 + series.stepSeconds : 0;
}

/** Student-t 90% quantiles by degrees of freedom, over the normal one (1.2816). */
const T90: Array<[number, number]> = [
  [1, 3.078],
  [2, 1.886],
  [3, 1.638],
  [4, 1.533],
  [5, 1.476],
  [6, 1.44],
  [8, 1.397],
  [10, 1.372],
  [20, 1.325],
  [30, 1.31],
  [1e9, 1.2816],
];

/** How much to widen empirical quantiles drawn from `independent` independent stretches. */
export function smallSampleWidening(independent: number): number {
  const df = Math.max(1, independent + 0.75);
  for (let k = 1; k < T90.length; k++) {
    if (df <= T90[k][0]) {
      const [d0, t0] = T90[k - 1];
      const [d1, t1] = T90[k];
      const w = (df - d0) / (d1 - d0);
      return (t0 + (t1 - t0) * w) / 1.2816;
    }
  }
  return 1;
}

/** (y − ŷ)/ŷ, with ŷ floored so that near-zero forecasts do not explode. */
export function relativeResidual(actual: number, forecast: number): number {
  return (actual - forecast) / Math.max(forecast, 1e-6);
}

/**
 * Relative residual quantile at a horizon and level: linear in log-horizon between the kept
 * horizons and in level between the kept levels; constant beyond the ends. NaN without data.
 */
export function bandQuantile(
  bands: BandTable,
  horizonSeconds: number,
  level: number,
): number {
  const hs = bands.horizonsSeconds;
  if (hs.length === 0) return NaN;
  const column = levelColumn(bands, level);
  if (horizonSeconds <= hs[0]) return column[0];
  if (horizonSeconds >= hs[hs.length - 1]) return column[hs.length - 1];
  let k = 0;
  while (hs[k + 1] < horizonSeconds) k++;
  const w =
    (Math.log(horizonSeconds) - Math.log(hs[k])) /
    (Math.log(hs[k + 1]) - Math.log(hs[k]));
  return column[k] * (1 - w) + column[k + 1] * w;
}

/**
 * The band's quantile at `level` for each kept horizon, remembered on the table under a symbol
 * (not serialised): a tick reads the same few levels of every workload's band many times, and
 * tables are never changed in place (a refit builds a new one).
 */
const LEVEL_COLUMNS = Symbol('levelColumns');
type CachedColumns = Array<{ level: number; column: Float64Array }>;
export function levelColumn(bands: BandTable, level: number): Float64Array {
  const holder = bands as BandTable & { [LEVEL_COLUMNS]?: CachedColumns };
  let columns = holder[LEVEL_COLUMNS];
  if (!columns) {
    columns = [];
    Object.defineProperty(holder, LEVEL_COLUMNS, {
      value: columns,
      enumerable: false,
    });
  }
  for (const cached of columns)
    if (cached.level === level) return cached.column;
  const column = Float64Array.from(bands.relative, row =>
    interpolate(bands.levels, row, level),
  );
  if (columns.length < 8) columns.push({ level, column });
  return column;
}

function interpolate(xs: number[], ys: number[], x: number): number {
  if (x <= xs[0]) return ys[0];
  if (x >= xs[xs.length - 1]) return ys[ys.length - 1];
  let k = 0;
  while (xs[k + 1] < x) k++;
  const w = (x - xs[k]) / (xs[k + 1] - xs[k]);
  return ys[k] * (1 - w) + ys[k + 1] * w;
}
