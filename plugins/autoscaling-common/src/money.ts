/**
 * Money as every screen and message shows it: the currency's symbol, thousands separators,
 * cents below 100 and whole units from 100 ("$37.66", "$1,095", "€150"). One formatter for the
 * portal, the guardrail messages and the budget sentences, so one amount reads the same
 * everywhere. "—" for a missing or non-finite amount.
 */
export function formatMoney(
  value: number | null | undefined,
  currency = 'USD',
): string {
  if (value === null || value === undefined || !Number.isFinite(value))
    return '—';
  const digits = Math.abs(value) >= 100 ? 0 : 2;
  return new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency,
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  }).format(value);
}

/** An hourly price per replica: "$0.0125 per replica-hour" (three significant digits). */
export function formatReplicaHour(value: number, currency = 'USD'): string {
  return `${new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency,
    maximumSignificantDigits: 3,
  }).format(value)} per replica-hour`;
}
