/**
 * Additive Holt-Winters with one season (a day), on a regular step of `stepSeconds`:
 *
 *   ℓ_t = α (y_t − s_{t−m}) + (1 − α)(ℓ_{t−1} + φ b_{t−1})
 *   b_t = β (ℓ_t − ℓ_{t−1}) + (1 − β) φ b_{t−1}
 *   s_t = γ (y_t − ℓ_t) + (1 − γ) s_{t−m}
 *   ŷ_{t+h} = ℓ_t + (φ + … + φ^h) b_t + s_{t+h−m⌈h/m⌉} + d_t e^(−h·step/τ)
 *
 * (R's `HoltWinters` form.) d is an optional short-term deviation: an exponential average of the
 * one-step errors that fades with the horizon, an AR(1)-like correction on top of the level.
 *
 * Used twice: as the classic baseline of the benchmark (`fitHoltWinters`: α, β, γ by least
 * one-step squared error on a grid, as R and statsmodels fit them), and as forecaster candidates
 * whose smoothing is given as half-lives and chosen by the backtest at the horizons that matter.
 *
 * Samples are averaged per step slot (epoch-aligned), so finer samples (15 s replay steps) feed
 * the same recursion; the open slot enters forecasts as if it were closed. The first season
 * stores raw values (forecasts then are seasonal naive); at its end ℓ = its mean, s = y − ℓ.
 * State: the season (m numbers) and a few scalars, plain JSON; O(1) per sample.
 */

export interface HoltWintersParams {
  /** Season length (one day). */
  seasonSeconds: number;
  /** Smoothing as half-lives in seconds (step-independent); 0 level half-life = α 1. */
  levelHalfLifeSeconds: number;
  /** 0: no trend. */
  trendHalfLifeSeconds: number;
  /** Trend damping time constant (φ = e^(−step/τ)); 0 = undamped. */
  trendDampingSeconds: number;
  /** Weight of a new observation in its seasonal slot, per season. */
  seasonGamma: number;
  /** Half-life of the short-term deviation d; 0 disables it. */
  deviationHalfLifeSeconds: number;
  /** Time constant over which d fades in the forecast. */
  deviationDecaySeconds: number;
}

export interface HoltWintersState {
  kind: 'holt-winters';
  version: 1;
  params: HoltWintersParams;
  stepSeconds: number;
  /** Seasonal components by slot (raw values during the first season). */
  season: number[];
  /** Slots seen in the first season (1/0); emptied once initialised. */
  seen: number[];
  initialised: boolean;
  level: number;
  trend: number;
  deviation: number;
  /** Epoch-aligned index of the slot being accumulated, −1 before the first sample. */
  slot: number;
  slotSum: number;
  slotCount: number;
  /** Index of the first slot (the first season ends one season after it). */
  firstSlot: number;
  /** Last slot applied to level, trend and season. */
  lastClosed: number;
  firstMs: number;
  lastMs: number;
  samples: number;
}

/** Per-step coefficients of a parameter set at a step. */
interface Coefficients {
  step: number;
  alpha: number;
  beta: number;
  phi: number;
  gamma: number;
  lambda: number;
  /** How much the deviation fades over one step (0 without a decay). */
  stepDecay: number;
}

const fromHalfLife = (stepSize: number, halfLife: number) =>
  halfLife > 0 ? 1 - Math.pow(2, -stepSize / halfLife) : 1;

// Per-state parameters are fixed: compute the per-step coefficients once (Math.pow is the hot part
// of a forecast otherwise), kept on the parameters object under a symbol (not serialised). A
// WeakMap of 10,000 workloads' parameters was a cache miss of its own on every call.
const COEFFICIENTS = Symbol('coefficients');

function coefficients(p: HoltWintersParams, stepSize: number): Coefficients {
  const holder = p as HoltWintersParams & { [COEFFICIENTS]?: Coefficients };
  const hit = holder[COEFFICIENTS];
  if (hit !== undefined && hit.step === stepSize) return hit;
  const c = computeCoefficients(p, stepSize);
  Object.defineProperty(holder, COEFFICIENTS, {
    value: c,
    writable: true,
    configurable: true,
  });
  return c;
}

function computeCoefficients(
  p: HoltWintersParams,
  stepSize: number,
): Coefficients {
  return {
    step: stepSize,
    alpha: fromHalfLife(stepSize, p.levelHalfLifeSeconds),
    beta:
      p.trendHalfLifeSeconds > 0
        ? fromHalfLife(stepSize, p.trendHalfLifeSeconds)
        : 0,
    phi:
      p.trendDampingSeconds > 0
        ? Math.exp(-stepSize / p.trendDampingSeconds)
        : 1,
    gamma: p.seasonGamma,
    lambda:
      p.deviationHalfLifeSeconds > 0
        ? fromHalfLife(stepSize, p.deviationHalfLifeSeconds)
        : 0,
    stepDecay:
      p.deviationDecaySeconds > 0
        ? Math.exp(-stepSize / p.deviationDecaySeconds)
        : 0,
  };
}

export function createHoltWintersState(
  params: HoltWintersParams,
  stepSeconds: number,
): HoltWintersState {
  const m = Math.round(params.seasonSeconds / stepSeconds);
  if (
    !(stepSeconds > 0) ||
    m < 2 ||
    Math.abs(m * stepSeconds - params.seasonSeconds) > 1e-6
  ) {
    throw new RangeError('Holt-Winters needs a step that divides the season');
  }
  return {
    kind: 'holt-winters',
    version: 1,
    params: { ...params },
    stepSeconds,
    season: new Array<number>(m).fill(0),
    seen: new Array<number>(m).fill(0),
    initialised: false,
    level: 0,
    trend: 0,
    deviation: 0,
    slot: -1,
    slotSum: 0,
    slotCount: 0,
    firstSlot: -1,
    lastClosed: -1,
    firstMs: NaN,
    lastMs: -Infinity,
    samples: 0,
  };
}

const mod = (a: number, n: number) => ((a % n) + n) % n;

interface StepResult {
  level: number;
  trend: number;
  deviation: number;
  seasonal: number;
}
/** `step`'s result: one object, read by the caller before the next step (no garbage per call). */
const stepResult: StepResult = {
  level: 0,
  trend: 0,
  deviation: 0,
  seasonal: 0,
};

/**
 * The state's scalars after slot `index` closes with mean `x` (pure: the caller stores them).
 * The result is overwritten by the next call: read it first.
 */
function step(
  s: HoltWintersState,
  c: Coefficients,
  from: number,
  index: number,
  x: number,
): StepResult {
  let { level, trend, deviation } = s;
  // Slots skipped by a gap: the level follows its trend, the deviation fades.
  const skipped = Math.min(Math.max(index - from - 1, 0), s.season.length);
  for (let k = 0; k < skipped; k++) {
    level += c.phi * trend;
    trend *= c.phi;
  }
  if (skipped > 0 && s.params.deviationDecaySeconds > 0)
    deviation *= Math.exp(
      (-skipped * s.stepSeconds) / s.params.deviationDecaySeconds,
    );
  const old = s.season[mod(index, s.season.length)];
  const expected = level + c.phi * trend + old;
  const nextLevel =
    c.alpha * (x - old) + (1 - c.alpha) * (level + c.phi * trend);
  const nextTrend = c.beta * (nextLevel - level) + (1 - c.beta) * c.phi * trend;
  const seasonal = c.gamma * (x - nextLevel) + (1 - c.gamma) * old;
  // An exponential average of the one-step errors, fading between steps.
  const nextDeviation =
    c.lambda > 0
      ? c.lambda * (x - expected) + (1 - c.lambda) * deviation * c.stepDecay
      : 0;
  stepResult.level = nextLevel;
  stepResult.trend = nextTrend;
  stepResult.deviation = nextDeviation;
  stepResult.seasonal = seasonal;
  return stepResult;
}

function closeSlot(s: HoltWintersState) {
  const m = s.season.length;
  const x = s.slotSum / s.slotCount;
  const index = s.slot;
  if (!s.initialised) {
    if (index - s.firstSlot < m) {
      s.season[mod(index, m)] = x;
      s.seen[mod(index, m)] = 1;
      return;
    }
    initialise(s);
  }
  const c = coefficients(s.params, s.stepSeconds);
  const next = step(s, c, s.lastClosed, index, x);
  s.level = next.level;
  s.trend = next.trend;
  s.deviation = next.deviation;
  s.season[mod(index, m)] = next.seasonal;
  s.lastClosed = index;
}

/** End of the first season: level = its mean, seasonal components = deviations from it. */
function initialise(s: HoltWintersState) {
  const m = s.season.length;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < m; i++) {
    if (s.seen[i]) {
      sum += s.season[i];
      count++;
    }
  }
  const mean = count > 0 ? sum / count : 0;
  for (let i = 0; i < m; i++) s.season[i] = s.seen[i] ? s.season[i] - mean : 0;
  s.seen = [];
  s.level = mean;
  s.trend = 0;
  s.deviation = 0;
  s.initialised = true;
  s.lastClosed = s.firstSlot + m - 1;
}

/** Feed one sample (time strictly after the previous one; others are ignored). */
export function updateHoltWinters(
  s: HoltWintersState,
  timeMs: number,
  value: number,
): void {
  if (!(timeMs > s.lastMs) || !Number.isFinite(value) || value < 0) return;
  const index = Math.floor(timeMs / (s.stepSeconds * 1000));
  if (index !== s.slot) {
    if (s.slotCount > 0) closeSlot(s);
    s.slot = index;
    s.slotSum = 0;
    s.slotCount = 0;
    if (s.firstSlot < 0) s.firstSlot = index;
  }
  s.slotSum += value;
  s.slotCount++;
  if (s.samples === 0) s.firstMs = timeMs;
  s.lastMs = timeMs;
  s.samples++;
}

/** Point forecast at a target after the last sample; NaN for a slot not seen yet. */
export function forecastHoltWinters(
  s: HoltWintersState,
  targetMs: number,
): number {
  if (s.slot < 0) return NaN;
  const m = s.season.length;
  const target = Math.max(
    Math.floor(targetMs / (s.stepSeconds * 1000)),
    s.slot + 1,
  );
  // The open slot counts as closed (a pure copy of the recursion, no mutation).
  const x = s.slotSum / s.slotCount;
  if (!s.initialised && s.slot - s.firstSlot < m) {
    // First season: seasonal naive on the raw values.
    const j = mod(target, m);
    if (j === mod(s.slot, m)) return x;
    return s.seen[j] ? s.season[j] : NaN;
  }
  let level: number;
  let trend: number;
  let deviation: number;
  let season: (j: number) => number;
  const c = coefficients(s.params, s.stepSeconds);
  if (!s.initialised) {
    // The open slot starts the second season: initialise a copy.
    const copy = {
      ...s,
      season: s.season.slice(),
      seen: s.seen.slice(),
    } as HoltWintersState;
    initialise(copy);
    const next = step(copy, c, copy.lastClosed, s.slot, x);
    copy.season[mod(s.slot, m)] = next.seasonal;
    ({ level, trend, deviation } = next);
    season = j => copy.season[j];
  } else {
    const next = step(s, c, s.lastClosed, s.slot, x);
    ({ level, trend, deviation } = next);
    const open = mod(s.slot, m);
    season = j => (j === open ? next.seasonal : s.season[j]);
  }
  const h = target - s.slot;
  const damped =
    c.phi === 1 ? h : (c.phi * (1 - Math.pow(c.phi, h))) / (1 - c.phi);
  let value = level + damped * trend + season(mod(target, m));
  if (deviation !== 0 && s.params.deviationDecaySeconds > 0)
    value +=
      deviation *
      Math.exp((-h * s.stepSeconds) / s.params.deviationDecaySeconds);
  return value > 0 ? value : 0;
}

/**
 * `forecastHoltWinters` at `startMs + (i + 1) × stepSeconds` for each `i` of `out`: the same
 * values, with the open slot's recursion done once for the whole path instead of once per point
 * (the plan reads a path for every workload on every tick).
 */
export function forecastHoltWintersPath(
  s: HoltWintersState,
  startMs: number,
  stepSeconds: number,
  out: Float64Array,
): void {
  if (s.slot < 0 || !s.initialised) {
    for (let i = 0; i < out.length; i++)
      out[i] = forecastHoltWinters(s, startMs + (i + 1) * stepSeconds * 1000);
    return;
  }
  const m = s.season.length;
  const c = coefficients(s.params, s.stepSeconds);
  const next = step(s, c, s.lastClosed, s.slot, s.slotSum / s.slotCount);
  const open = mod(s.slot, m);
  const slotMs = s.stepSeconds * 1000;
  const decaySeconds = s.params.deviationDecaySeconds;
  for (let i = 0; i < out.length; i++) {
    const target = Math.max(
      Math.floor((startMs + (i + 1) * stepSeconds * 1000) / slotMs),
      s.slot + 1,
    );
    const h = target - s.slot;
    const damped =
      c.phi === 1 ? h : (c.phi * (1 - Math.pow(c.phi, h))) / (1 - c.phi);
    const j = mod(target, m);
    let value =
      next.level +
      damped * next.trend +
      (j === open ? next.seasonal : s.season[j]);
    if (next.deviation !== 0 && decaySeconds > 0)
      value += next.deviation * Math.exp((-h * s.stepSeconds) / decaySeconds);
    out[i] = value > 0 ? value : 0;
  }
}

// ---------------------------------------------------------------- the classic fit

/** Grid of the classic fit: α, β (0 = no trend), γ per step; φ for a trend. */
export const HW_FIT_GRID = {
  alpha: [0.005, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.7, 0.9, 1],
  beta: [0, 0.001, 0.01],
  gamma: [0.05, 0.1, 0.2, 0.3, 0.5, 0.7],
  phi: 0.98,
};

/**
 * The textbook fit: α, β, γ minimising the one-step squared error over the series (after the
 * first season), on the grid above; the trend (β > 0) is damped with φ = 0.98 per step so a
 * 1-day forecast does not extrapolate a minute's slope 1440 times. Returns the state after the
 * series. Season: one day at the series step.
 */
export function fitHoltWinters(
  values: ArrayLike<number>,
  timeMs: ArrayLike<number>,
  stepSeconds: number,
  seasonSeconds = 86400,
): {
  state: HoltWintersState;
  alpha: number;
  beta: number;
  gamma: number;
  sse: number;
} {
  const m = Math.round(seasonSeconds / stepSeconds);
  const n = values.length;
  let best = { alpha: 0.2, beta: 0, gamma: 0.2, sse: Infinity };
  if (n > m + 1) {
    let mean = 0;
    for (let i = 0; i < m; i++) mean += values[i];
    mean /= m;
    const s0 = new Float64Array(m);
    for (let i = 0; i < m; i++) s0[i] = values[i] - mean;
    const season = new Float64Array(m);
    for (const beta of HW_FIT_GRID.beta) {
      const phi = beta > 0 ? HW_FIT_GRID.phi : 1;
      for (const alpha of HW_FIT_GRID.alpha) {
        for (const gamma of HW_FIT_GRID.gamma) {
          season.set(s0);
          let level = mean;
          let trend = 0;
          let sse = 0;
          for (let i = m; i < n; i++) {
            const y = values[i];
            const j = i % m;
            const old = season[j];
            const e = y - (level + phi * trend + old);
            sse += e * e;
            const next =
              alpha * (y - old) + (1 - alpha) * (level + phi * trend);
            trend = beta * (next - level) + (1 - beta) * phi * trend;
            level = next;
            season[j] = gamma * (y - level) + (1 - gamma) * old;
          }
          if (sse < best.sse) best = { alpha, beta, gamma, sse };
        }
      }
    }
  }
  const toHalfLife = (a: number) =>
    a >= 1 ? 0 : -stepSeconds / Math.log2(1 - a);
  const state = createHoltWintersState(
    {
      seasonSeconds,
      levelHalfLifeSeconds: toHalfLife(best.alpha),
      trendHalfLifeSeconds: best.beta > 0 ? toHalfLife(best.beta) : 0,
      trendDampingSeconds:
        best.beta > 0 ? -stepSeconds / Math.log(HW_FIT_GRID.phi) : 0,
      seasonGamma: best.gamma,
      deviationHalfLifeSeconds: 0,
      deviationDecaySeconds: 0,
    },
    stepSeconds,
  );
  for (let i = 0; i < n; i++) updateHoltWinters(state, timeMs[i], values[i]);
  return { state, ...best };
}
