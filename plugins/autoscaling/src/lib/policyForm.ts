/**
 * Conversions between a policy override (one inheritance level, as the API has it) and the
 * policy editor's form values, plus the cross-field checks the zod schema cannot do alone.
 */
import {
  checkPolicy,
  formatPolicyPath,
  policyIssuesFromZod,
  scalingPolicySchema,
  type PolicyIssue,
  type PolicyOverride,
  type ScalingPolicy,
} from '@internal/plugin-autoscaling-common';

export interface QueryRow {
  name: string;
  source: string;
  query: string;
}

/** The form's shape: an override whose `queries` record is edited as rows. */
export type PolicyFormValues = Omit<PolicyOverride, 'queries'> & {
  queries?: QueryRow[];
};

type Plain = Record<string, unknown>;

function isPlainObject(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Drops what the user left blank: undefined, empty strings, NaN, empty arrays and objects that
 * end up empty. A blank field means "inherit from the level above".
 */
export function pruneEmpty<T>(value: T): T | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' && Number.isNaN(value)) return undefined;
  if (Array.isArray(value)) {
    const items = value.map(
      item => pruneEmpty(item) ?? (isPlainObject(item) ? {} : item),
    );
    return items.length ? (items as unknown as T) : undefined;
  }
  if (isPlainObject(value)) {
    const out: Plain = {};
    for (const [key, child] of Object.entries(value)) {
      const pruned = pruneEmpty(child);
      if (pruned !== undefined) out[key] = pruned;
    }
    return Object.keys(out).length ? (out as T) : undefined;
  }
  return value;
}

export function overrideToForm(
  override: PolicyOverride | undefined,
): PolicyFormValues {
  const { queries, ...rest } = override ?? {};
  return {
    ...structuredClone(rest),
    queries: Object.entries(queries ?? {}).map(([name, q]) => ({
      name,
      source: q.source,
      query: q.query,
    })),
  };
}

export function formToOverride(values: PolicyFormValues): PolicyOverride {
  const { queries, ...rest } = values;
  const record: Record<string, { source: string; query: string }> = {};
  for (const row of queries ?? []) {
    if (row.name || row.source || row.query) {
      record[row.name] = { source: row.source, query: row.query };
    }
  }
  const pruned = pruneEmpty({
    ...rest,
    queries: Object.keys(record).length ? record : undefined,
  });
  return (pruned ?? {}) as PolicyOverride;
}

/** Objects merge field by field; arrays and scalars replace (as the backend resolver does). */
export function mergePolicy<T>(base: T, override: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(override)) {
    return (override === undefined ? base : override) as T;
  }
  const out: Plain = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined) continue;
    out[key] =
      isPlainObject(out[key]) && isPlainObject(value)
        ? mergePolicy(out[key], value)
        : value;
  }
  return out as T;
}

/**
 * Issues of the whole policy once this level is applied over the inherited one: the zod schema
 * of a complete policy plus `checkPolicy` (bounds, schedules, metrics, fallback, vertical).
 */
export function crossFieldIssues(
  inherited: ScalingPolicy,
  parsedOverride: unknown,
): PolicyIssue[] {
  const merged = mergePolicy(inherited, parsedOverride);
  const parsed = scalingPolicySchema.safeParse(merged);
  if (!parsed.success) return policyIssuesFromZod(parsed.error);
  return checkPolicy(parsed.data);
}

/** Where a policy issue is shown in the form: `queries.<name>` becomes the row index. */
export function issueFieldName(
  issue: PolicyIssue,
  values: PolicyFormValues,
): string {
  const path = [...issue.path];
  if (path[0] === 'queries' && typeof path[1] === 'string') {
    const index = (values.queries ?? []).findIndex(row => row.name === path[1]);
    path[1] = index >= 0 ? index : 0;
  }
  return path.map(String).join('.');
}

export { formatPolicyPath };
