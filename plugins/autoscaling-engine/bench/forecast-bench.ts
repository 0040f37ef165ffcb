/**
 * Forecast benchmark: on each trace, rolling-origin MASE of the forecaster against the weekly and
 * daily seasonal naive baselines at 15 min, 1 h and 1 day, the coverage of the 80% band, and the
 * cost of fitting and updating. Run with `npm run bench:forecast` (no build step).
 *
 * Protocol (stated in the output):
 * - series: the trace on its 1-minute grid; test origins every minute from the start of day 8
 *   (the weekly naive needs a week) while origin + horizon stays inside the trace;
 * - the forecast at origin t uses samples before t only; the forecaster is refitted (backtest,
 *   model choice, bands) once a day on the data before the refit;
 * - MASE = mean |y − ŷ| over the test targets / in-sample daily seasonal naive MAE
 *   (m = 1440 one-minute samples = 1 day) on the first 7 days.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parseTraceCsv, resampleTrace } from '../src/replay/trace';
import {
  DEFAULT_CANDIDATES,
  fitForecaster,
  forecastAt,
  rollingOrigins,
  updateForecaster,
  type DemandSeries,
} from '../src/forecast';
import {
  fitHoltWinters,
  forecastHoltWinters,
  updateHoltWinters,
  type HoltWintersState,
} from '../src/forecast/holtWinters';

const SHARED = join(__dirname, '../../../../shared/traces');
/** Both sets by default (three synthetic, five real traces); TRACE_DIR picks one folder. */
const TRACE_DIRS = process.env.TRACE_DIR
  ? [resolve(process.env.TRACE_DIR)]
  : [resolve(SHARED), resolve(SHARED, 'real')];
const ARTIFACT = join(__dirname, '../../../artifacts/forecast-bench.json');
const STEP = 60;
const HORIZONS_MIN = [15, 60, 1440];
const LABELS = ['15 min', '1 h', '1 day'];
const DAY_STEPS = 1440;
const WEEK_STEPS = 7 * DAY_STEPS;

function load(path: string): DemandSeries {
  const s = resampleTrace(parseTraceCsv(readFileSync(path, 'utf8')), STEP);
  return { timeMs: s.timeMs, values: s.demand, stepSeconds: STEP };
}

interface Acc {
  ours: number;
  weekly: number;
  daily: number;
  hw: number;
  n: number;
  inside: number;
}

function bench(series: DemandSeries) {
  const y = series.values;
  const n = y.length;
  const testStart = WEEK_STEPS;
  let scale = 0;
  for (let i = DAY_STEPS; i < testStart; i++)
    scale += Math.abs(y[i] - y[i - DAY_STEPS]);
  scale /= testStart - DAY_STEPS;
  const acc: Acc[] = HORIZONS_MIN.map(() => ({
    ours: 0,
    weekly: 0,
    daily: 0,
    hw: 0,
    n: 0,
    inside: 0,
  }));
  const chosen = new Map<string, number>();
  // The Holt-Winters baseline: refitted daily on the data before the origin, like the forecaster.
  let hw: HoltWintersState | undefined;
  let hwFitAt = -Infinity;
  let hwFed = 0;
  const hwFits: string[] = [];
  const summary = rollingOrigins(
    series,
    { originEverySeconds: STEP, refitEverySeconds: 86400 },
    ev => {
      const i = ev.originIndex;
      if (i < testStart) return;
      const name = ev.forecaster.fit.chosen;
      chosen.set(name, (chosen.get(name) ?? 0) + 1);
      const targets: number[] = [];
      const idx: number[] = [];
      HORIZONS_MIN.forEach(h => {
        idx.push(i + h - 1);
        targets.push(series.timeMs[Math.min(i + h - 1, n - 1)]);
      });
      const points = forecastAt(ev.forecaster, targets, 0.8);
      if (!hw || i - hwFitAt >= DAY_STEPS) {
        const fit = fitHoltWinters(
          (y as Float64Array).subarray(0, i),
          (series.timeMs as Float64Array).subarray(0, i),
          STEP,
        );
        hw = fit.state;
        hwFitAt = i;
        hwFed = i;
        hwFits.push(`α ${fit.alpha} β ${fit.beta} γ ${fit.gamma}`);
      }
      for (; hwFed < i; hwFed++)
        updateHoltWinters(hw, series.timeMs[hwFed], y[hwFed]);
      const hwPoints = targets.map(t => forecastHoltWinters(hw!, t));
      HORIZONS_MIN.forEach((h, k) => {
        const t = idx[k];
        if (t >= n) return;
        const f = points[k];
        if (!Number.isFinite(f.forecast)) return;
        const last = i - 1;
        const wk = t - WEEK_STEPS * Math.ceil((t - last) / WEEK_STEPS);
        const dy = t - DAY_STEPS * Math.ceil((t - last) / DAY_STEPS);
        if (wk < 0) return;
        const a = acc[k];
        a.ours += Math.abs(y[t] - f.forecast);
        a.weekly += Math.abs(y[t] - y[wk]);
        a.daily += Math.abs(y[t] - y[dy]);
        a.hw += Math.abs(y[t] - hwPoints[k]);
        a.n++;
        if (y[t] >= f.lower && y[t] <= f.upper) a.inside++;
      });
    },
  );
  return { acc, scale, chosen, summary, hwFits };
}

function timing(series: DemandSeries) {
  const days14 = Math.min(series.values.length, 14 * DAY_STEPS);
  const fitSeries: DemandSeries = {
    timeMs: (series.timeMs as Float64Array).subarray(0, days14),
    values: (series.values as Float64Array).subarray(0, days14),
    stepSeconds: STEP,
  };
  // Warm up the JIT, then time.
  for (let r = 0; r < 3; r++) fitForecaster(fitSeries);
  const runs = 10;
  let t0 = process.hrtime.bigint();
  let fit;
  for (let r = 0; r < runs; r++) fit = fitForecaster(fitSeries);
  const fitMs = Number(process.hrtime.bigint() - t0) / 1e6 / runs;
  const single = fitForecaster(fitSeries, {
    candidates: DEFAULT_CANDIDATES.filter(
      c => c.name === (fit && fit.ok ? fit.forecaster.fit.chosen : ''),
    ),
  });
  t0 = process.hrtime.bigint();
  for (let r = 0; r < runs; r++)
    fitForecaster(fitSeries, {
      candidates: single.ok
        ? [
            DEFAULT_CANDIDATES.find(
              c => c.name === single.forecaster.fit.chosen,
            )!,
          ]
        : [],
    });
  const fitOneMs = Number(process.hrtime.bigint() - t0) / 1e6 / runs;
  // Updates: continue the fitted state with 1e6 synthetic-looking samples (the trace again, a fortnight later).
  if (!fit || !fit.ok) return { fitMs, fitOneMs, updateUs: NaN, stateBytes: 0 };
  const f = fit.forecaster;
  const shift = 14 * 86400 * 1000;
  let count = 0;
  t0 = process.hrtime.bigint();
  for (let rep = 1; rep <= 5; rep++) {
    for (let i = 0; i < days14; i++) {
      updateForecaster(f, series.timeMs[i] + rep * shift, series.values[i]);
      count++;
    }
  }
  const updateUs = Number(process.hrtime.bigint() - t0) / 1e3 / count;
  const stateBytes = JSON.stringify(f).length;
  return { fitMs, fitOneMs, updateUs, stateBytes };
}

const fmt = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

interface TraceResult {
  trace: string;
  set: string;
  horizons: Array<{
    horizon: string;
    horizonMinutes: number;
    forecaster: number;
    weeklyNaive: number;
    dailyNaive: number;
    holtWinters: number;
    coverage80: number;
    targets: number;
    beatsAll: boolean;
  }>;
  chosen: Record<string, number>;
  anomalyBuckets: number;
  holtWintersFits: string[];
}

function main() {
  const only = process.argv.slice(2);
  const files = TRACE_DIRS.flatMap(dir =>
    readdirSync(dir)
      .filter(f => f.endsWith('.csv'))
      .sort()
      .filter(f => only.length === 0 || only.some(o => f.includes(o)))
      .map(f => join(dir, f)),
  );
  console.log(`forecast benchmark: traces in ${TRACE_DIRS.join(', ')}`);
  console.log(
    'MASE: mean |y - yhat| over test targets / in-sample daily seasonal naive MAE (m = 1440 one-minute samples = 1 day) on days 1-7;',
  );
  console.log(
    'h-step-ahead point forecasts from origins every minute in days 8-14 (data before the origin only), refit daily;',
  );
  console.log(
    'Holt-Winters: additive, daily season (m = 1440), alpha/beta/gamma by least one-step squared error, refit daily.\n',
  );
  console.log(
    '| trace | horizon | forecaster | weekly naive (m=10080) | daily naive (m=1440) | Holt-Winters (daily) | 80% band coverage | targets |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  const rows: string[] = [];
  const results: TraceResult[] = [];
  for (const path of files) {
    const series = load(path);
    const name = basename(path, '.csv');
    const { acc, scale, chosen, summary, hwFits } = bench(series);
    const result: TraceResult = {
      trace: name,
      set: basename(dirname(path)) === 'real' ? 'real' : 'synthetic',
      horizons: [],
      chosen: Object.fromEntries(chosen),
      anomalyBuckets: summary.anomalies.length,
      holtWintersFits: hwFits,
    };
    HORIZONS_MIN.forEach((h, k) => {
      const a = acc[k];
      const ours = a.ours / a.n / scale;
      const weekly = a.weekly / a.n / scale;
      const daily = a.daily / a.n / scale;
      const hw = a.hw / a.n / scale;
      const coverage = (100 * a.inside) / a.n;
      const beats = ours < weekly && ours < daily && ours < hw;
      const r3 = (x: number) => Math.round(x * 1000) / 1000;
      result.horizons.push({
        horizon: LABELS[k],
        horizonMinutes: h,
        forecaster: r3(ours),
        weeklyNaive: r3(weekly),
        dailyNaive: r3(daily),
        holtWinters: r3(hw),
        coverage80: Math.round(coverage * 10) / 10,
        targets: a.n,
        beatsAll: beats,
      });
      const mark = (x: string) => (beats ? `**${x}**` : x);
      console.log(
        `| ${name} | ${LABELS[k]} | ${mark(fmt(ours))} | ${fmt(weekly)} | ${fmt(
          daily,
        )} | ${fmt(hw)} | ${fmt(coverage, 1)}% | ${a.n} |`,
      );
    });
    results.push(result);
    rows.push(
      `${name}: models chosen at test origins ${[...chosen]
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}; anomalies flagged ${summary.anomalies.length} buckets`,
    );
  }
  console.log('\n(bold: below all three baselines)');
  rows.forEach(r => console.log(r));
  let cost: ReturnType<typeof timing> | undefined;
  if (!process.env.SKIP_TIMING) {
    const series = load(files[0]);
    const t = timing(series);
    cost = t;
    console.log(
      `\ncost (${basename(files[0])}, 14 days of 1-minute samples = ${
        14 * DAY_STEPS
      }):`,
    );
    console.log(
      `  fit with model choice (${
        DEFAULT_CANDIDATES.length
      } candidates, backtest, bands): ${fmt(t.fitMs, 1)} ms`,
    );
    console.log(`  fit of the chosen model alone: ${fmt(t.fitOneMs, 1)} ms`);
    console.log(`  update: ${fmt(t.updateUs * 1000, 0)} ns per sample`);
    console.log(`  state: ${t.stateBytes} bytes of JSON`);
  }
  // The artifact holds the full run (both sets); a filtered run writes it only when asked.
  const out =
    process.env.BENCH_OUT ??
    (only.length === 0 && !process.env.TRACE_DIR ? ARTIFACT : '');
  if (out) {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(
      out,
      `${JSON.stringify(
        {
          protocol:
            'MASE vs in-sample daily naive MAE on days 1-7; origins every minute in days 8-14, data before the origin only, daily refit; 80% band coverage',
          traceDirs: TRACE_DIRS.map(d =>
            relative(join(__dirname, '../../..'), d),
          ),
          results,
          cost,
        },
        null,
        2,
      )}\n`,
    );
    console.log(`\nwrote ${out}`);
  }
}

main();
