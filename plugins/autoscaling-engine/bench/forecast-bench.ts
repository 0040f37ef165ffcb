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
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseTraceCsv, resampleTrace } from '../src/replay/trace';
import {
  DEFAULT_CANDIDATES,
  fitForecaster,
  forecastAt,
  rollingOrigins,
  updateForecaster,
  type DemandSeries,
} from '../src/forecast';

const TRACE_DIR = resolve(
  process.env.TRACE_DIR ?? join(__dirname, '../../../../shared/traces'),
);
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
    n: 0,
    inside: 0,
  }));
  const chosen = new Map<string, number>();
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
        a.n++;
        if (y[t] >= f.lower && y[t] <= f.upper) a.inside++;
      });
    },
  );
  return { acc, scale, chosen, summary };
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

function main() {
  const only = process.argv.slice(2);
  const files = readdirSync(TRACE_DIR)
    .filter(f => f.endsWith('.csv'))
    .sort()
    .filter(f => only.length === 0 || only.some(o => f.includes(o)));
  console.log(`forecast benchmark: traces in ${TRACE_DIR}`);
  console.log(
    'MASE: mean |y - yhat| over test targets / in-sample daily seasonal naive MAE (m = 1440 one-minute samples = 1 day) on days 1-7;',
  );
  console.log(
    'h-step-ahead point forecasts from origins every minute in days 8-14 (data before the origin only), refit daily.\n',
  );
  console.log(
    '| trace | horizon | forecaster | weekly naive (m=10080) | daily naive (m=1440) | 80% band coverage | targets |',
  );
  console.log('|---|---|---|---|---|---|---|');
  const rows: string[] = [];
  for (const file of files) {
    const series = load(join(TRACE_DIR, file));
    const { acc, scale, chosen, summary } = bench(series);
    HORIZONS_MIN.forEach((h, k) => {
      const a = acc[k];
      const label = LABELS[k];
      console.log(
        `| ${basename(file, '.csv')} | ${label} | ${fmt(
          a.ours / a.n / scale,
        )} | ${fmt(a.weekly / a.n / scale)} | ${fmt(
          a.daily / a.n / scale,
        )} | ${fmt((100 * a.inside) / a.n, 1)}% | ${a.n} |`,
      );
    });
    rows.push(
      `${basename(file, '.csv')}: models chosen at test origins ${[...chosen]
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}; anomalies flagged ${summary.anomalies.length} buckets`,
    );
  }
  console.log('');
  rows.forEach(r => console.log(r));
  if (!process.env.SKIP_TIMING) {
    const series = load(join(TRACE_DIR, files[0]));
    const t = timing(series);
    console.log(
      `\ncost (${files[0]}, 14 days of 1-minute samples = ${14 * DAY_STEPS}):`,
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
}

main();
