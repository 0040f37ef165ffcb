/**
 * Policy settings and values in words: field labels instead of camelCase paths, values and
 * changes as short sentences instead of JSON (review dialogs, change requests, the effective
 * policy table, the audit log).
 */
import type {
  MetricSpec,
  PolicyDiffEntry,
  PolicyMode,
  ScalingRule,
} from '@internal/plugin-autoscaling-common';
import { formatDuration, formatNumber, modeLabel } from './format';

const LABELS: Record<string, string> = {
  preset: 'Preset',
  minReplicas: 'Min replicas',
  maxReplicas: 'Max replicas',
  metrics: 'Metrics',
  queries: 'Named queries',
  behavior: 'Behaviour',
  cooldownSeconds: 'Cooldown',
  evaluationIntervalSeconds: 'Evaluation interval',
  mode: 'Mode',
  predictive: 'Predictive scaling',
  schedules: 'Schedules',
  fallback: 'Fallback',
  vertical: 'Vertical right-sizing',
  scaleUp: 'Scale-up',
  scaleDown: 'Scale-down',
  stabilizationWindowSeconds: 'stabilisation window',
  selectPolicy: 'rule selection',
  policies: 'rate limits',
  tolerance: 'tolerance',
  enabled: 'enabled',
  leadTimeSeconds: 'lead time',
  minHistorySeconds: 'history needed',
  maxHistorySeconds: 'history kept',
  quantile: 'forecast quantile',
  honorMaxReplicas: 'honours max replicas',
  strategy: 'strategy',
  targetUtilization: 'target utilisation',
  maxPeakMultiple: 'max multiple of 7-day peak',
  failureThreshold: 'failures before fallback',
  replicas: 'replicas',
  minAllowed: 'min allowed',
  maxAllowed: 'max allowed',
  controlledResources: 'controlled resources',
  cpu: 'CPU',
  memory: 'memory',
};

/** "maxHistorySeconds" → "max history seconds" (for keys without a label). */
function splitCamel(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .trim();
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A policy path in words: "behavior.scaleDown.stabilizationWindowSeconds" → "Behaviour: scale-down stabilisation window". */
export function policyFieldLabel(path: string): string {
  const parts = path.split('.').filter(p => p !== '');
  const words = parts.map(p =>
    /^\d+$/.test(p) ? `#${Number(p) + 1}` : LABELS[p] ?? splitCamel(p),
  );
  if (words.length === 0) return path;
  const [head, ...rest] = words;
  if (rest.length === 0) return capitalise(head);
  // "Behaviour: scale-down stabilisation window", "Predictive scaling: lead time".
  return `${capitalise(head)}: ${rest
    .join(' ')
    .toLowerCase()
    .replace(/\bcpu\b/g, 'CPU')}`;
}

const RESOURCE_WORDS: Record<string, string> = { cpu: 'CPU', memory: 'memory' };

/** One metric as words: "CPU at 70% utilisation", "requests_per_second at 100 per pod". */
export function describeMetric(metric: MetricSpec): string {
  const target = metric.target as Record<string, unknown>;
  let goal: string;
  if (target.type === 'Utilization') {
    goal = `${target.averageUtilization}% utilisation`;
  } else if (target.type === 'AverageValue') {
    goal = `${target.averageValue} per pod`;
  } else {
    goal = `${target.value} in total`;
  }
  if (metric.type === 'Resource') {
    const what = RESOURCE_WORDS[metric.resource] ?? metric.resource;
    const container = metric.container
      ? ` of container ${metric.container}`
      : '';
    return `${what}${container} at ${goal}`;
  }
  const kind =
    metric.type === 'Pods'
      ? 'per-pod metric'
      : `${metric.type.toLowerCase()} metric`;
  return `${kind} ${metric.name} at ${goal}`;
}

function describeRule(rule: ScalingRule): string {
  const unit =
    rule.type === 'Percent' ? '%' : ` ${rule.value === 1 ? 'pod' : 'pods'}`;
  return `${rule.value}${unit} per ${formatDuration(rule.periodSeconds)}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeSchedule(s: Record<string, unknown>): string {
  const bounds = [
    s.minReplicas !== undefined ? `min ${s.minReplicas}` : undefined,
    s.maxReplicas !== undefined ? `max ${s.maxReplicas}` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  const length =
    s.durationMinutes !== undefined
      ? `for ${formatDuration(Number(s.durationMinutes) * 60)}`
      : `until ${s.end}`;
  return `${s.name}: ${bounds} from ${s.cron} ${length}${
    s.timezone && s.timezone !== 'UTC' ? ` (${s.timezone})` : ''
  }`;
}

/** A policy value in words, read in the light of the field it belongs to. */
export function describePolicyValue(path: string, value: unknown): string {
  if (value === undefined || value === null) return 'inherited';
  const key = path.split('.').pop() ?? path;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') {
    if (/Seconds$/.test(key)) return formatDuration(value);
    if (key === 'tolerance' || key === 'quantile')
      return `${formatNumber(value * 100, 1)}%`;
    if (key === 'targetUtilization' || key === 'averageUtilization')
      return `${value}%`;
    if (key === 'maxPeakMultiple') return `${formatNumber(value)}×`;
    return formatNumber(value, 3);
  }
  if (typeof value === 'string') {
    if (key === 'mode' && !path.startsWith('vertical'))
      return modeLabel(value as PolicyMode);
    return value;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return 'none';
    if (key === 'metrics')
      return value.map(m => describeMetric(m as MetricSpec)).join('; ');
    if (key === 'policies')
      return value.map(r => describeRule(r as ScalingRule)).join('; ');
    if (key === 'schedules')
      return value
        .map(s => (isObject(s) ? describeSchedule(s) : String(s)))
        .join('; ');
    return value
      .map(v => (isObject(v) ? describePolicyValue(path, v) : String(v)))
      .join(', ');
  }
  if (isObject(value)) {
    const parts = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(
        ([k, v]) =>
          `${policyFieldLabel(k).toLowerCase()} ${describePolicyValue(
            `${path}.${k}`,
            v,
          )}`,
      );
    return parts.length ? parts.join(', ') : 'nothing set';
  }
  return String(value);
}

/** What a diff entry did, as a sentence: "Raised from 20 to 80." */
export function describePolicyChange(entry: PolicyDiffEntry): string {
  const before = describePolicyValue(entry.path, entry.before);
  const after = describePolicyValue(entry.path, entry.after);
  const absent = (v: unknown) => v === undefined || v === null;
  if (absent(entry.before) && absent(entry.after)) return 'No change.';
  if (absent(entry.before)) return `Set to ${after} (was inherited).`;
  if (absent(entry.after))
    return `Removed here (was ${before}); inherited again.`;
  if (
    typeof entry.before === 'number' &&
    typeof entry.after === 'number' &&
    entry.before !== entry.after
  ) {
    const verb = entry.after > entry.before ? 'Raised' : 'Lowered';
    return `${verb} from ${before} to ${after}.`;
  }
  return `Changed from ${before} to ${after}.`;
}
