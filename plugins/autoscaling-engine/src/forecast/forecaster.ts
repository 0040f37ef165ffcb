/**
 * The forecaster: a model chosen per series by rolling-origin backtest, its incremental state,
 * and calibrated bands. Plain JSON, so the backend can keep it per workload in its store.
 *
 *   fitForecaster(history)          → choose, fit and calibrate (or say why not: short history)
 *   updateForecaster(f, t, y)       → O(1) per new sample; returns an anomaly flag if any
 *   forecastAt(f, targets, levels)  → points with a band
 *   rollingOrigins / rollingForecasts → what `autoscaling forecast` and the benchmark run
 */
import {
  backtest,
  bandQuantile,
  DEFAULT_BACKTEST_OPTIONS,
  type BacktestOptions,
  type BandTable,
  type CandidateScore,
  type DemandSeries,
} from './backtest';
import {
  DEFAULT_CANDIDATES,
  forecastModel,
  updateModel,
  type CandidateSpec,
  type ModelState,
} from './model';
import type { AnomalyFlag, SeasonalConfig } from './seasonal';

export type ForecastReasonCode =
  | 'InsufficientHistory'
  | 'ModelSelected'
  | 'NoForecast';

export interface ForecastReason {
  code: ForecastReasonCode;
  message: string;
}

export interface ForecasterOptions {
  /** History needed before forecasting (AWS: 24 h; GCE: 3 days). Default one day. */
  minHistorySeconds: number;
  candidates: readonly CandidateSpec[];
  backtest: Partial<BacktestOptions>;
  seasonal: Partial<SeasonalConfig>;
}

export const DEFAULT_FORECASTER_OPTIONS: ForecasterOptions = {
  minHistorySeconds: 86400,
  candidates: DEFAULT_CANDIDATES,
  backtest: {},
  seasonal: {},
};

export interface FitReport {
  fittedAtMs: number;
  historySeconds: number;
  chosen: string;
  scores: CandidateScore[];
  /** MASE denominator: in-sample seasonal naive MAE with this season length. */
  scale: number;
  scaleSeasonSeconds: number;
  origins: number;
  selectionHorizonsSeconds: number[];
  underForecastWeight: number;
}

export interface Forecaster {
  version: 1;
  model: ModelState;
  bands: BandTable;
  fit: FitReport;
}

export type FitResult =
  | {
      ok: true;
      forecaster: Forecaster;
      anomalies: AnomalyFlag[];
      reasons: ForecastReason[];
    }
  | { ok: false; reasons: ForecastReason[] };

export interface ForecastPoint {
  timeMs: number;
  forecast: number;
  lower: number;
  upper: number;
}

const roundTo3 = (x: number) => Math.round(x * 1000) / 1000;

const formatHours = (seconds: number) =>
  seconds >= 86400
    ? `${Math.round((seconds / 86400) * 10) / 10} d`
    : `${Math.round((seconds / 3600) * 10) / 10} h`;

/** History span of a series in seconds (last − first + one step). */
export function historySeconds(series: DemandSeries): number {
  const n = series.values.length;
  return n === 0
    ? 0
    : (series.timeMs[n - 1] - series.timeMs[0]) / 1000 + series.stepSeconds;
}

/** Choose a model by backtest on `series` (all of it is the past), fit it, calibrate the bands. */
export function fitForecaster(
  series: DemandSeries,
  options: Partial<ForecasterOptions> = {},
): FitResult {
  const o = { ...DEFAULT_FORECASTER_OPTIONS, ...options };
  const span = historySeconds(series);
  const needed = Math.max(o.minHistorySeconds, 2 * series.stepSeconds);
  if (span < needed) {
    return {
      ok: false,
      reasons: [
        {
          code: 'InsufficientHistory',
          message: `${formatHours(
            span,
          )} of history, forecasting needs ${formatHours(
            needed,
          )}: reactive scaling only`,
        },
      ],
    };
  }
  const backtestOptions: Partial<BacktestOptions> = {
    ...o.backtest,
    seasonal: { ...o.seasonal, ...o.backtest.seasonal },
  };
  const result = backtest(series, o.candidates, backtestOptions);
  const full = { ...DEFAULT_BACKTEST_OPTIONS, ...backtestOptions };
  const chosen = result.scores[result.chosenIndex];
  const forecaster: Forecaster = {
    version: 1,
    model: result.states[result.chosenIndex],
    bands: result.bands,
    fit: {
      fittedAtMs: series.timeMs[series.values.length - 1],
      historySeconds: span,
      chosen: result.chosen,
      scores: result.scores,
      scale: result.scale,
      scaleSeasonSeconds: result.scaleSeasonSeconds,
      origins: result.origins,
      selectionHorizonsSeconds: full.selectionHorizonsSeconds,
      underForecastWeight: full.underForecastWeight,
    },
  };
  const runnerUp = result.scores
    .filter(
      s => s.eligible && s.name !== chosen.name && Number.isFinite(s.score),
    )
    .sort((a, b) => a.score - b.score)[0];
  return {
    ok: true,
    forecaster,
    anomalies: result.anomalies,
    reasons: [
      {
        code: 'ModelSelected',
        message: `${
          chosen.name
        } chosen by rolling-origin backtest over ${formatHours(
          span,
        )} (asymmetric loss ${roundTo3(chosen.score)}${
          runnerUp ? `, next ${runnerUp.name} ${roundTo3(runnerUp.score)}` : ''
        })`,
      },
    ],
  };
}

/** Feed one new sample (after the fitted history). Constant work. */
export function updateForecaster(
  forecaster: Forecaster,
  timeMs: number,
  value: number,
): AnomalyFlag | undefined {
  return updateModel(forecaster.model, timeMs, value);
}

/** Time of the last sample the forecaster has seen. */
export function lastObservedMs(forecaster: Forecaster): number {
  return forecaster.model.lastMs;
}

/**
 * Point forecasts with a central band covering `coverage` (default 0.8: the 10% and 90% residual
 * quantiles at each horizon). Targets the model cannot forecast come back with NaN.
 */
export function forecastAt(
  forecaster: Forecaster,
  targetsMs: readonly number[],
  coverage = 0.8,
): ForecastPoint[] {
  const lowLevel = (1 - coverage) / 2;
  const highLevel = 1 - lowLevel;
  const last = forecaster.model.lastMs;
  return targetsMs.map(timeMs => {
    const forecast = forecastModel(forecaster.model, timeMs);
    const h = Math.max(0, (timeMs - last) / 1000);
    const lowQ = bandQuantile(forecaster.bands, h, lowLevel);
    const highQ = bandQuantile(forecaster.bands, h, highLevel);
    return {
      timeMs,
      forecast,
      // No residuals yet (a fit on exactly the minimum history): no band rather than a fake one.
      lower: Number.isFinite(lowQ) ? Math.max(0, forecast * (1 + lowQ)) : NaN,
      upper: Number.isFinite(highQ) ? Math.max(0, forecast * (1 + highQ)) : NaN,
    };
  });
}

/** The forecast at one quantile of the band (0.5 = the point forecast's median correction). */
export function forecastQuantile(
  forecaster: Forecaster,
  targetMs: number,
  level: number,
): number {
  const forecast = forecastModel(forecaster.model, targetMs);
  const h = Math.max(0, (targetMs - forecaster.model.lastMs) / 1000);
  const q = bandQuantile(forecaster.bands, h, level);
  return Number.isFinite(q) ? Math.max(0, forecast * (1 + q)) : forecast;
}

// ---------------------------------------------------------------- rolling origins

export interface RollingOptions extends ForecasterOptions {
  /** Spacing of origins. */
  originEverySeconds: number;
  /** How often the model is chosen again and the bands recalibrated (AWS refreshes every 6 h). */
  refitEverySeconds: number;
}

export interface RollingEvent {
  /** Index of the origin in the series: forecasts use samples `[0, originIndex)` only. */
  originIndex: number;
  originMs: number;
  forecaster: Forecaster;
}

export interface RollingSummary {
  fits: FitReport[];
  anomalies: AnomalyFlag[];
  reasons: ForecastReason[];
  /** First origin with a forecast, if any. */
  firstOriginMs?: number;
}

/**
 * Walks the series; at each origin (every `originEverySeconds`) calls `onOrigin` with a forecaster
 * that has seen exactly the samples before the origin. Refits (backtest + choice + bands) use
 * only those samples too. Origins before the minimum history get no call.
 */
export function rollingOrigins(
  series: DemandSeries,
  options: Partial<RollingOptions>,
  onOrigin: (event: RollingEvent) => void,
): RollingSummary {
  const o = {
    ...DEFAULT_FORECASTER_OPTIONS,
    originEverySeconds: 3600,
    refitEverySeconds: 86400,
    ...options,
  };
  const n = series.values.length;
  const every = Math.max(
    1,
    Math.round(o.originEverySeconds / series.stepSeconds),
  );
  const summary: RollingSummary = { fits: [], anomalies: [], reasons: [] };
  let forecaster: Forecaster | undefined;
  let fed = 0;
  let lastFitMs = -Infinity;
  let flaggedUntilMs = -Infinity;
  const keep = (flag: AnomalyFlag) => {
    if (flag.startMs >= flaggedUntilMs) {
      summary.anomalies.push(flag);
      flaggedUntilMs = flag.endMs;
    }
  };
  for (let i = every; i < n; i += every) {
    const originMs = series.timeMs[i];
    // A fit that could not backtest yet (no bands) is redone within 6 h.
    const interval =
      forecaster && forecaster.bands.horizonsSeconds.length > 0
        ? o.refitEverySeconds
        : Math.min(o.refitEverySeconds, 6 * 3600);
    if (!forecaster || originMs - lastFitMs >= interval * 1000) {
      const history: DemandSeries = {
        timeMs: subarray(series.timeMs, 0, i),
        values: subarray(series.values, 0, i),
        stepSeconds: series.stepSeconds,
      };
      const fit = fitForecaster(history, o);
      if (!fit.ok) {
        if (summary.reasons.length === 0) summary.reasons.push(...fit.reasons);
        continue;
      }
      forecaster = fit.forecaster;
      fed = i;
      lastFitMs = originMs;
      summary.fits.push(forecaster.fit);
      for (const flag of fit.anomalies) keep(flag);
    }
    for (; fed < i; fed++) {
      const flag = updateForecaster(
        forecaster,
        series.timeMs[fed],
        series.values[fed],
      );
      if (flag) keep(flag);
    }
    summary.firstOriginMs ??= originMs;
    onOrigin({ originIndex: i, originMs, forecaster });
  }
  if (summary.firstOriginMs === undefined && summary.reasons.length === 0) {
    const fit = fitForecaster(series, o);
    summary.reasons.push(
      ...(fit.ok
        ? [
            {
              code: 'NoForecast' as const,
              message: 'the trace ends before the first origin',
            },
          ]
        : fit.reasons),
    );
  }
  return summary;
}

export interface ForecastRow {
  originMs: number;
  timeMs: number;
  forecast: number;
  lower: number;
  upper: number;
}

/**
 * Rolling-origin forecasts as `autoscaling forecast` writes them: at each origin, the targets
 * `origin, origin + step, …` up to `horizonSeconds` after the last sample before the origin.
 */
export function rollingForecasts(
  series: DemandSeries,
  horizonSeconds: number,
  options: Partial<RollingOptions> = {},
): { rows: ForecastRow[]; summary: RollingSummary } {
  const rows: ForecastRow[] = [];
  const stepMs = series.stepSeconds * 1000;
  const count = Math.max(1, Math.round(horizonSeconds / series.stepSeconds));
  const summary = rollingOrigins(
    series,
    { originEverySeconds: horizonSeconds, ...options },
    ({ originMs, forecaster }) => {
      const targets = Array.from(
        { length: count },
        (_, k) => originMs + k * stepMs,
      );
      for (const point of forecastAt(forecaster, targets)) {
        if (!Number.isFinite(point.forecast)) continue;
        rows.push({ originMs, ...point });
      }
    },
  );
  return { rows, summary };
}

function subarray(
  values: ArrayLike<number>,
  start: number,
  end: number,
): ArrayLike<number> {
  const typed = values as Float64Array;
  if (typeof typed.subarray === 'function') return typed.subarray(start, end);
  return Array.prototype.slice.call(values, start, end) as number[];
}

export { decodeForecaster, encodeForecaster } from './codec';
