/**
 * The forecasting models behind one interface, and the candidate set the backtest chooses from.
 */
import {
  createNaiveState,
  forecastNaive,
  updateNaive,
  type NaiveState,
} from './naive';
import {
  createHoltWintersState,
  forecastHoltWinters,
  updateHoltWinters,
  type HoltWintersParams,
  type HoltWintersState,
} from './holtWinters';
import {
  createSeasonalState,
  forecastSeasonal,
  matureAt,
  updateSeasonal,
  type AnomalyFlag,
  type SeasonalConfig,
  type SeasonalParams,
  type SeasonalState,
} from './seasonal';

export type ModelState = SeasonalState | NaiveState | HoltWintersState;

export type CandidateSpec =
  | { name: string; kind: 'naive'; periodSeconds: number }
  | { name: string; kind: 'seasonal'; params: SeasonalParams }
  | { name: string; kind: 'holt-winters'; params: HoltWintersParams };

const HOUR = 3600;
const DAY = 86400;
const WEEK = 7 * DAY;

const smooth = { dailyGamma: 0.3, weeklyGamma: 0.5 };
const noFast = {
  fastHalfLifeSeconds: 0,
  deviationDecaySeconds: 0,
  trendHalfLifeSeconds: 0,
  trendDampingSeconds: 0,
};

/**
 * The default candidates: the two seasonal naive baselines, and the seasonal model with a few
 * settings from "profile only" to "follows short-term deviations and ramps".
 */
export const DEFAULT_CANDIDATES: CandidateSpec[] = [
  { name: 'weekly-naive', kind: 'naive', periodSeconds: WEEK },
  { name: 'daily-naive', kind: 'naive', periodSeconds: DAY },
  {
    name: 'hw-weekly-steady',
    kind: 'seasonal',
    params: {
      seasonality: 'weekly',
      slowHalfLifeSeconds: 3 * HOUR,
      levelDecaySeconds: 6 * HOUR,
      ...noFast,
      ...smooth,
    },
  },
  {
    name: 'hw-weekly-level',
    kind: 'seasonal',
    params: {
      seasonality: 'weekly',
      slowHalfLifeSeconds: HOUR,
      levelDecaySeconds: 3 * HOUR,
      ...noFast,
      ...smooth,
    },
  },
  {
    name: 'hw-weekly-deviation',
    kind: 'seasonal',
    params: {
      seasonality: 'weekly',
      slowHalfLifeSeconds: HOUR,
      levelDecaySeconds: 3 * HOUR,
      fastHalfLifeSeconds: 300,
      deviationDecaySeconds: 1800,
      trendHalfLifeSeconds: 0,
      trendDampingSeconds: 0,
      ...smooth,
    },
  },
  {
    name: 'hw-weekly-trend',
    kind: 'seasonal',
    params: {
      seasonality: 'weekly',
      slowHalfLifeSeconds: HOUR,
      levelDecaySeconds: 3 * HOUR,
      fastHalfLifeSeconds: 90,
      deviationDecaySeconds: 1800,
      trendHalfLifeSeconds: 120,
      trendDampingSeconds: 300,
      ...smooth,
    },
  },
  {
    // Follows ramps (a flash crowd building up): fast deviation, and a trend extrapolated only
    // beyond four times its usual size, so noise does not raise the forecast.
    name: 'hw-weekly-ramp',
    kind: 'seasonal',
    params: {
      seasonality: 'weekly',
      slowHalfLifeSeconds: HOUR,
      levelDecaySeconds: 3 * HOUR,
      fastHalfLifeSeconds: 30,
      deviationDecaySeconds: 1800,
      trendHalfLifeSeconds: 30,
      trendDampingSeconds: 180,
      trendThreshold: 4,
      ...smooth,
    },
  },
];

/**
 * Daily seasonality only, for services without a weekly rhythm. Not in the defaults: with less
 * than a week of settled history the backtest cannot see that it fails on weekends, and the
 * weekly models learn a purely daily rhythm too.
 */
export const DAILY_CANDIDATE: CandidateSpec = {
  name: 'hw-daily-deviation',
  kind: 'seasonal',
  params: {
    seasonality: 'daily',
    slowHalfLifeSeconds: HOUR,
    levelDecaySeconds: 3 * HOUR,
    fastHalfLifeSeconds: 300,
    deviationDecaySeconds: 1800,
    trendHalfLifeSeconds: 0,
    trendDampingSeconds: 0,
    ...smooth,
  },
};

/**
 * Not in the defaults: on the benchmark traces it lost more than it won (day levels there wander
 * and come back). Add it for services whose baseline moves in steps.
 */
export const SHIFT_CANDIDATE: CandidateSpec = {
  // For lasting changes of level (a new baseline): the forecast returns to a two-day level.
  name: 'hw-weekly-shift',
  kind: 'seasonal',
  params: {
    seasonality: 'weekly',
    slowHalfLifeSeconds: HOUR,
    levelDecaySeconds: 3 * HOUR,
    longLevelHalfLifeSeconds: 2 * DAY,
    fastHalfLifeSeconds: 300,
    deviationDecaySeconds: 1800,
    trendHalfLifeSeconds: 0,
    trendDampingSeconds: 0,
    ...smooth,
  },
};

export function createModel(
  spec: CandidateSpec,
  stepSeconds: number,
  config: Partial<SeasonalConfig> = {},
): ModelState {
  if (spec.kind === 'naive')
    return createNaiveState(spec.periodSeconds, stepSeconds);
  if (spec.kind === 'holt-winters')
    return createHoltWintersState(spec.params, stepSeconds);
  return createSeasonalState(spec.params, config);
}

/** Feed one sample; returns the anomaly flag of a bucket it closed (seasonal models only). */
export function updateModel(
  state: ModelState,
  timeMs: number,
  value: number,
): AnomalyFlag | undefined {
  if (state.kind === 'seasonal') return updateSeasonal(state, timeMs, value);
  if (state.kind === 'holt-winters') updateHoltWinters(state, timeMs, value);
  else updateNaive(state, timeMs, value);
  return undefined;
}

/** Point forecast at a target time after the last sample; NaN when the model cannot say. */
export function forecastModel(state: ModelState, targetMs: number): number {
  if (state.kind === 'seasonal') return forecastSeasonal(state, targetMs);
  if (state.kind === 'holt-winters') return forecastHoltWinters(state, targetMs);
  return forecastNaive(state, targetMs);
}

/** Whether the model forecasts this target the way it will in steady state (see `matureAt`). */
export function isMatureForecast(state: ModelState, targetMs: number): boolean {
  if (state.kind === 'seasonal') return matureAt(state, targetMs);
  if (state.kind === 'holt-winters') return state.initialised;
  return true;
}

export function lastSampleMs(state: ModelState): number {
  return state.lastMs;
}
