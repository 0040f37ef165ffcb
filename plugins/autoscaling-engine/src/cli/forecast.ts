/**
 * `autoscaling forecast --trace <csv> --horizon <seconds> [--step <seconds>] --out <csv>`
 *
 * Rolling-origin forecasts of a load trace: at each origin, the forecaster has seen only the
 * samples before the origin (it is re-chosen by backtest once a day on those samples) and writes
 * `origin,timestamp,forecast,lower,upper` for the next `horizon` seconds (80% band).
 */
import { parseArgs } from 'node:util';
import { rollingForecasts, type ForecastRow } from '../forecast/forecaster';
import type { AnomalyFlag } from '../forecast/seasonal';
import {
  parseTraceCsv,
  resampleTrace,
  TraceFormatError,
} from '../replay/trace';
import type { CommandIo } from './io';

const HELP = `Usage: autoscaling forecast --trace <csv> --horizon <seconds> [options]

Rolling-origin forecasts of a load trace, each from the data before its origin only.

Options:
  --trace <csv>            trace with header "timestamp,value" (ISO-8601 or epoch seconds)
  --horizon <seconds>      how far each origin forecasts
  --step <seconds>         grid of the trace and of the forecasts (default 60)
  --every <seconds>        spacing of origins (default: the horizon)
  --refit <seconds>        how often the model is chosen again by backtest (default 86400)
  --min-history <seconds>  history needed before the first forecast (default 86400)
  --out <csv>              write the forecasts here instead of stdout
  --anomalies <csv>        also write the anomalous buckets (start,end,observed,expected,z)
  -h, --help               show this help

Output: origin,timestamp,forecast,lower,upper (lower/upper: the 80% band). Origins with too
little history get no rows (reactive scaling only); the summary on stderr says why.
`;

export async function run(argv: string[], io: CommandIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        trace: { type: 'string' },
        horizon: { type: 'string' },
        step: { type: 'string', default: '60' },
        every: { type: 'string' },
        refit: { type: 'string', default: '86400' },
        'min-history': { type: 'string', default: '86400' },
        out: { type: 'string' },
        anomalies: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    io.stderr.write(
      `autoscaling forecast: ${(error as Error).message}\n\n${HELP}`,
    );
    return 2;
  }
  if (values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  if (!values.trace || !values.horizon) {
    io.stderr.write(
      `autoscaling forecast: --trace and --horizon are required\n\n${HELP}`,
    );
    return 2;
  }
  const numbers: Record<string, number> = {};
  for (const [flag, text, min] of [
    ['--horizon', values.horizon, 1],
    ['--step', values.step, 1],
    ['--every', values.every ?? values.horizon, 1],
    ['--refit', values.refit, 1],
    ['--min-history', values['min-history'], 0],
  ] as const) {
    const value = Number(text);
    if (!Number.isFinite(value) || value < min) {
      io.stderr.write(
        `autoscaling forecast: ${flag} must be a number ≥ ${min} (seconds), got "${text}"\n`,
      );
      return 2;
    }
    numbers[flag] = value;
  }

  let points;
  try {
    points = parseTraceCsv(await io.readFile(values.trace));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!(error instanceof TraceFormatError) && code === undefined) throw error;
    io.stderr.write(
      `autoscaling forecast: ${values.trace}: ${(error as Error).message}\n`,
    );
    return 1;
  }
  const resampled = resampleTrace(points, numbers['--step']);
  const { rows, summary } = rollingForecasts(
    {
      timeMs: resampled.timeMs,
      values: resampled.demand,
      stepSeconds: resampled.stepSeconds,
    },
    numbers['--horizon'],
    {
      originEverySeconds: numbers['--every'],
      refitEverySeconds: numbers['--refit'],
      minHistorySeconds: numbers['--min-history'],
    },
  );

  const csv = forecastCsv(rows);
  if (values.out) await io.writeFile(values.out, csv);
  else io.stdout.write(csv);
  if (values.anomalies)
    await io.writeFile(values.anomalies, anomalyCsv(summary.anomalies));

  const lines = [
    `rows: ${rows.length}, origins: ${
      new Set(rows.map(r => r.originMs)).size
    }, horizon ${numbers['--horizon']} s, step ${numbers['--step']} s`,
  ];
  if (summary.firstOriginMs !== undefined) {
    lines.push(
      `first origin with a forecast: ${new Date(
        summary.firstOriginMs,
      ).toISOString()}`,
    );
  }
  for (const reason of summary.reasons)
    lines.push(`${reason.code}: ${reason.message}`);
  const chosen = new Map<string, number>();
  for (const fit of summary.fits)
    chosen.set(fit.chosen, (chosen.get(fit.chosen) ?? 0) + 1);
  if (summary.fits.length) {
    lines.push(
      `model chosen by backtest at ${summary.fits.length} refits: ${[...chosen]
        .map(([name, n]) => `${name} ×${n}`)
        .join(', ')}`,
    );
  }
  lines.push(`anomalous 5-minute buckets flagged: ${summary.anomalies.length}`);
  io.stderr.write(`${lines.join('\n')}\n`);
  return 0;
}

const num = (x: number) =>
  Number.isFinite(x) ? String(Math.round(x * 100) / 100) : '';
const iso = (ms: number) => new Date(ms).toISOString();

export function forecastCsv(rows: readonly ForecastRow[]): string {
  const lines = ['origin,timestamp,forecast,lower,upper'];
  for (const r of rows) {
    lines.push(
      `${iso(r.originMs)},${iso(r.timeMs)},${num(r.forecast)},${num(
        r.lower,
      )},${num(r.upper)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function anomalyCsv(flags: readonly AnomalyFlag[]): string {
  const lines = ['start,end,observed,expected,z'];
  for (const f of flags) {
    lines.push(
      `${iso(f.startMs)},${iso(f.endMs)},${num(f.observed)},${num(
        f.expected,
      )},${num(f.z)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
