/**
 * Audit events in words: the action as a phrase and the change as a compact
 * "setting: old → new" list instead of the raw before/after JSON.
 */
import type { AuditEvent } from '@internal/plugin-autoscaling-common';
import { NO_VALUE } from './format';
import { describePolicyValue, policyFieldLabel } from './policyText';

export const AUDIT_ACTION_LABELS: Record<AuditEvent['action'], string> = {
  'policy.update': 'Policy changed',
  'change.request': 'Change requested',
  'change.approve': 'Change approved',
  'change.reject': 'Change rejected',
  'workload.scale': 'Scaled by hand',
  'workload.rollback': 'Rolled back',
  'engine.kill-switch': 'Kill switch',
  'engine.actuate': 'Engine scaled',
};

export function auditActionLabel(action: string): string {
  return AUDIT_ACTION_LABELS[action as AuditEvent['action']] ?? action;
}

export interface AuditChangeLine {
  /** The setting in words ("Max replicas"). */
  label: string;
  /** "10 → 20", or a single value when only one side has it. */
  text: string;
}

/** Bookkeeping the Change column leaves out (the export keeps everything). */
const SKIPPED = new Set([
  'target',
  'updatedBy',
  'updatedAt',
  'changedBy',
  'changedAt',
  'reason',
  'baseVersion',
  'guardrails',
  'changeRequestId',
  'workload',
  'hash',
  'prevHash',
]);

const OTHER_LABELS: Record<string, string> = {
  version: 'Version',
  status: 'Status',
  replicas: 'Replicas',
  enabled: 'Enabled',
  outcome: 'Outcome',
  expectedVersion: 'Expected version',
  currentVersion: 'Current version',
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Leaves by path; arrays are one value (as policy lists replace as a whole). */
function flatten(
  value: unknown,
  prefix: string,
  out: Map<string, unknown>,
  keepProposed: boolean,
) {
  if (!isObject(value)) {
    if (prefix) out.set(prefix, value);
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    if (SKIPPED.has(key)) continue;
    // Where a policy sits in the event (a document, its override, a proposal) is not the
    // setting: "document.override.maxReplicas" and "proposed.maxReplicas" are "maxReplicas".
    const transparent =
      key === 'document' ||
      key === 'override' ||
      (key === 'proposed' && !keepProposed);
    let path = prefix;
    if (!transparent) path = prefix ? `${prefix}.${key}` : key;
    flatten(child, path, out, keepProposed);
  }
}

function labelOf(path: string): string {
  if (path.startsWith('proposed.'))
    return `Proposed ${policyFieldLabel(path.slice(9)).toLowerCase()}`;
  return OTHER_LABELS[path] ?? policyFieldLabel(path);
}

function valueOf(path: string, value: unknown): string {
  if (value === undefined) return NO_VALUE;
  if (value === null) return 'none';
  const setting = path.startsWith('proposed.') ? path.slice(9) : path;
  return describePolicyValue(setting, value);
}

/** What an audit event changed, setting by setting. */
export function describeAuditChange(event: AuditEvent): AuditChangeLine[] {
  // A rejected proposal did not change the policy: keep it apart as "Proposed …".
  const keepProposed = event.action === 'change.reject';
  const before = new Map<string, unknown>();
  const after = new Map<string, unknown>();
  flatten(event.before, '', before, keepProposed);
  flatten(event.after, '', after, keepProposed);
  const paths = [...new Set([...before.keys(), ...after.keys()])];
  const lines: AuditChangeLine[] = [];
  for (const path of paths) {
    const b = before.get(path);
    const a = after.get(path);
    if (JSON.stringify(b) === JSON.stringify(a)) continue;
    let text: string;
    if (!before.has(path)) text = valueOf(path, a);
    else if (!after.has(path) && path.startsWith('proposed.'))
      text = valueOf(path, b);
    else text = `${valueOf(path, b)} → ${valueOf(path, a)}`;
    lines.push({ label: labelOf(path), text });
  }
  return lines;
}

/** A partial, case-insensitive match of what the user typed in an entity filter. */
export function matchesEntity(target: string, filter: string | undefined) {
  const wanted = filter?.trim().toLowerCase();
  return !wanted || target.toLowerCase().includes(wanted);
}
