/**
 * Pure formatting helpers: numbers, money, resources and decisions as plain words.
 */
import type {
  BudgetStatus,
  Decision,
  DecisionOutcome,
  GuardrailFinding,
  PolicyMode,
} from '@internal/plugin-autoscaling-common';
import { formatMoney } from '@internal/plugin-autoscaling-common';
import { clampLabel, clampOf } from './clamp';

export const NO_VALUE = '—';

/** One money format for the portal and the backend's messages (see the common package). */
export { formatMoney };

export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value))
    return NO_VALUE;
  return `${Math.round(value)}%`;
}

export function formatNumber(
  value: number | null | undefined,
  digits = 2,
): string {
  if (value === null || value === undefined || !Number.isFinite(value))
    return NO_VALUE;
  return new Intl.NumberFormat('en-US', {
    maximumFractionDigits: digits,
  }).format(value);
}

/** CPU in cores as Kubernetes users read it: 0.25 → "250m", 1.5 → "1.5 cores". */
export function formatCores(cores: number | null | undefined): string {
  if (cores === null || cores === undefined || !Number.isFinite(cores))
    return NO_VALUE;
  if (cores < 1) return `${Math.round(cores * 1000)}m`;
  return `${formatNumber(cores)} ${cores === 1 ? 'core' : 'cores'}`;
}

/** Memory in bytes with binary units: 268435456 → "256 MiB". */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes))
    return NO_VALUE;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${formatNumber(value, 1)} ${units[unit]}`;
}

export function formatResource(
  resource: 'cpu' | 'memory',
  value: number | null | undefined,
): string {
  return resource === 'cpu' ? formatCores(value) : formatBytes(value);
}

/** Seconds as "45 s", "5 min", "1 h 30 min", "2 d". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds))
    return NO_VALUE;
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) {
    const min = Math.floor(seconds / 60);
    const s = seconds % 60;
    return s ? `${min} min ${s} s` : `${min} min`;
  }
  if (seconds < 86400) {
    const h = Math.floor(seconds / 3600);
    const min = Math.floor((seconds % 3600) / 60);
    return min ? `${h} h ${min} min` : `${h} h`;
  }
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  return h ? `${d} d ${h} h` : `${d} d`;
}

/** Rounds seconds to the largest whole unit (s, min, h, d) for relative times. */
function roundForDisplay(seconds: number): number {
  const unit = [86400, 3600, 60].find(u => seconds >= u) ?? 1;
  return Math.round(seconds / unit) * unit;
}

/** "3 min ago", "in 2 h"; `now` is injectable for tests. */
export function formatRelativeTime(
  iso: string | null | undefined,
  now: number = Date.now(),
): string {
  if (!iso) return 'never';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return NO_VALUE;
  const diff = Math.round((at - now) / 1000);
  const abs = Math.abs(diff);
  if (abs < 10) return 'just now';
  const text = formatDuration(roundForDisplay(abs));
  return diff < 0 ? `${text} ago` : `in ${text}`;
}

/** Chart axis label: "14:05" (UTC so screenshots and tests agree). */
export function formatClock(iso: string | number): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return NO_VALUE;
  return `${String(date.getUTCHours()).padStart(2, '0')}:${String(
    date.getUTCMinutes(),
  ).padStart(2, '0')}`;
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return NO_VALUE;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return NO_VALUE;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const MODE_LABELS: Record<PolicyMode, string> = {
  auto: 'Automatic',
  'dry-run': 'Dry run',
  'forecast-only': 'Forecast only',
  off: 'Off',
};

export function modeLabel(mode: PolicyMode): string {
  return MODE_LABELS[mode] ?? mode;
}

export function modeDescription(mode: PolicyMode): string {
  switch (mode) {
    case 'auto':
      return 'The engine changes replicas on its own.';
    case 'dry-run':
      return 'The engine decides but does not change anything.';
    case 'forecast-only':
      return 'Only forecasts are computed; nothing is scaled.';
    case 'off':
      return 'The engine leaves this workload alone.';
    default:
      return '';
  }
}

const OUTCOME_LABELS: Record<DecisionOutcome, string> = {
  applied: 'applied',
  'dry-run': 'not applied (dry run)',
  'forecast-only': 'not applied (forecast only)',
  unchanged: 'no change needed',
  'kill-switch': 'blocked by the kill switch',
  conflict: 'not applied: someone else changed the workload',
  failed: 'failed',
  off: 'not applied (autoscaling off)',
  'other-autoscaler': 'not applied: another autoscaler scales this workload',
};

export function outcomeLabel(outcome: DecisionOutcome): string {
  return OUTCOME_LABELS[outcome] ?? outcome;
}

/** A decision as one sentence: "Scaled up from 3 to 5 replicas (applied)." */
export function describeDecision(decision: Decision): string {
  const who = decision.actor ? ` by ${decision.actor}` : '';
  let what: string;
  if (decision.kind === 'hold' || decision.from === decision.to) {
    what = `Kept ${pluralReplicas(decision.from)}`;
  } else if (decision.kind === 'blocked') {
    what = `Wanted ${decision.to} instead of ${pluralReplicas(
      decision.from,
    )} but was blocked`;
  } else {
    const direction = decision.to > decision.from ? 'up' : 'down';
    what = `Scaled ${direction} from ${decision.from} to ${pluralReplicas(
      decision.to,
    )}`;
  }
  const clamp = clampOf(decision);
  if (clamp?.holdsBack) {
    const by = `the ${clampLabel(clamp.by)}`;
    const asked =
      clamp.requested !== null && clamp.requested > clamp.granted
        ? `; the engine asked for ${clamp.requested}`
        : '';
    // "no change needed" would be untrue: a change was needed and the clamp held it.
    const outcome =
      decision.outcome === 'unchanged'
        ? ''
        : ` (${outcomeLabel(decision.outcome)})`;
    return `${what}${who}${outcome}: clamped by ${by}${asked}.`;
  }
  return `${what}${who} (${outcomeLabel(decision.outcome)}).`;
}

export function pluralReplicas(count: number): string {
  return `${count} ${count === 1 ? 'replica' : 'replicas'}`;
}

export function budgetStatusLabel(status: BudgetStatus): string {
  switch (status) {
    case 'ok':
      return 'Within budget';
    case 'warning':
      return 'Budget warning';
    case 'emergency':
      return 'Budget emergency: scale-up capped';
    default:
      return status;
  }
}

/** Ratio of used to limit, as a percent capped at 100 for progress bars. */
export function usagePercent(
  used: number,
  limit: number | null | undefined,
): number | null {
  if (!limit || limit <= 0) return null;
  return Math.min(100, Math.max(0, (used / limit) * 100));
}

/** A policy value for diffs and provenance tables. */
export function formatPolicyValue(value: unknown): string {
  if (value === undefined || value === null) return '(inherited)';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  return JSON.stringify(value);
}

/** Guardrails whose messages carry monthly costs (written by the backend as plain "438.00"). */
const COST_GUARDRAILS = new Set<GuardrailFinding['code']>([
  'COST_INCREASE',
  'ABOVE_BUDGET',
]);

/**
 * A guardrail's sentence with its costs as money: "rises by 1277.50 (from 438.00 to 1715.50)"
 * reads "rises by $1,278 (from $438 to $1,716)", like every other cost on screen.
 */
export function formatGuardrailMessage(
  finding: GuardrailFinding,
  currency = 'USD',
): string {
  if (!COST_GUARDRAILS.has(finding.code)) return finding.message;
  return finding.message.replace(/(?<![\w.$€£-])\d+\.\d{2}(?![\w.])/g, n =>
    formatMoney(Number(n), currency),
  );
}
