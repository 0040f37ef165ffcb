/*
 * Values in chart tooltips: never a raw float (0.9840803550000001). Recharts hands a tooltip
 * formatter the raw data value (a number, a [low, high] pair for a band, or a string).
 */
import { formatCores, formatMoney, formatNumber, NO_VALUE } from './format';

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
