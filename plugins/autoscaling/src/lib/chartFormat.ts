/*
 * Values in chart tooltips: never a raw float (0.9840803550000001). Recharts hands a tooltip
 * formatter the raw data value (a number, a [low, high] pair for a band, or a string).
 */
import {
  formatClock,
  formatCores,
  formatMoney,
  formatNumber,
  NO_VALUE,
} from './format';

/** A tooltip value with `format` applied to each number (both ends of a band). */
export function tooltipValue(
  value: unknown,
  format: (n: number) => string = n => formatNumber(n),
): string {
  if (Array.isArray(value)) {
    return value.map(v => tooltipValue(v, format)).join(' – ');
  }
  if (value === null || value === undefined || value === '') return NO_VALUE;
  const n = typeof value === 'number' ? value : Number(value);
  if (typeof value === 'number' || !Number.isNaN(n)) {
    return Number.isFinite(n) ? format(n) : NO_VALUE;
  }
  return String(value);
}

/** Whole replicas where they are whole; sums and averages to one decimal. */
export const formatReplicaValue = (n: number) => formatNumber(n, 1);

/** The replica timeline: demand in cores, replicas as replicas. */
export function timelineTooltip(demandSeries: string) {
  return (value: unknown, name: unknown) =>
    tooltipValue(
      value,
      name === demandSeries ? formatCores : formatReplicaValue,
    );
}

/** The tenant's next 24 h: cost per hour in money, replicas (and their band) rounded. */
export function tenantForecastTooltip(costSeries: string, currency?: string) {
  return (value: unknown, name: unknown) =>
    tooltipValue(
      value,
      name === costSeries ? n => formatMoney(n, currency) : formatReplicaValue,
    );
}

/** A backtest: demand in its own unit (2 significant decimals at most), replicas rounded. */
export function backtestTooltip(demandSeries: string) {
  return (value: unknown, name: unknown) =>
    tooltipValue(
      value,
      name === demandSeries
        ? n => formatNumber(n, n >= 10 ? 1 : 2)
        : formatReplicaValue,
    );
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/**
 * How much time a chart really shows, in words: "24 hours" for a full day of history,
 * otherwise what there is ("3 min", "5 h 10 min"), so a title never claims more than the data.
 */
export function spanWords(fromMs: number, toMs: number): string {
  const span = Math.max(0, toMs - fromMs);
  if (span >= 23.5 * HOUR && span <= 24.5 * HOUR) return '24 hours';
  if (span < MINUTE) return 'minute';
  // Whole minutes under 2 h; whole 10 minutes under a day; whole hours beyond.
  let unit = HOUR;
  if (span < 2 * HOUR) unit = MINUTE;
  else if (span < DAY) unit = 10 * MINUTE;
  return formatDurationWords(Math.round(span / unit) * unit);
}

function formatDurationWords(ms: number): string {
  const d = Math.floor(ms / DAY);
  const h = Math.floor((ms % DAY) / HOUR);
  const min = Math.floor((ms % HOUR) / MINUTE);
  const parts = [
    d ? `${d} ${d === 1 ? 'day' : 'days'}` : '',
    h ? `${h} h` : '',
    min ? `${min} min` : '',
  ].filter(Boolean);
  return parts.join(' ');
}

const TICK_STEPS = [
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
];

/**
 * Time-axis ticks on whole UTC minutes or hours, at most `max` of them, so no two ticks carry
 * the same label (recharts' own ticks on a time scale can repeat "14:05").
 */
export function utcTimeTicks(fromMs: number, toMs: number, max = 7): number[] {
  if (!(toMs > fromMs)) return [fromMs];
  const step =
    TICK_STEPS.find(s => (toMs - fromMs) / s <= max) ??
    Math.ceil((toMs - fromMs) / max / DAY) * DAY;
  const ticks: number[] = [];
  for (let t = Math.ceil(fromMs / step) * step; t <= toMs; t += step) {
    ticks.push(t);
  }
  return ticks.length ? ticks : [fromMs];
}

/**
 * Tick labels that never repeat: "14:05"; a tick at midnight names its day ("2 Jan") once the
 * axis crosses a day; over more than a day every tick carries its day ("2 Jan 06:00"). UTC.
 */
export function utcTickFormatter(fromMs: number, toMs: number) {
  const day = (t: number) => {
    const date = new Date(t);
    const month = date.toLocaleString('en-GB', {
      month: 'short',
      timeZone: 'UTC',
    });
    return `${date.getUTCDate()} ${month}`;
  };
  return (value: unknown) => {
    const t = Number(value);
    const clock = formatClock(t);
    if (!Number.isFinite(t)) return clock;
    if (toMs - fromMs > DAY) return `${day(t)} ${clock}`;
    const crossesDay =
      new Date(fromMs).getUTCDate() !== new Date(toMs).getUTCDate();
    return crossesDay && t % DAY === 0 ? day(t) : clock;
  };
}

/** The title of a time axis drawn in UTC. */
export const UTC_TIME_AXIS = 'Time (UTC)';
