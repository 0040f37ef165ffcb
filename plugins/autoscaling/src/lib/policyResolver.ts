/**
 * The policy editor's resolver: the backend's zod schema for one inheritance level (through
 * zodResolver), then the whole-policy checks, each error on its field.
 */
import { zodResolver } from '@hookform/resolvers/zod';
import { type FieldErrors, type Resolver, set } from 'react-hook-form';
import {
  policyOverrideSchema,
  type ScalingPolicy,
} from '@internal/plugin-autoscaling-common';
import {
  crossFieldIssues,
  formToOverride,
  issueFieldName,
  type PolicyFormValues,
} from './policyForm';

const overrideResolver = zodResolver(policyOverrideSchema);

/** zod's "expected number, received undefined" reads better as "Required". */
export function friendlyMessage(message: string): string {
  if (/received undefined/.test(message)) return 'Required';
  return message;
}

function walk(
  errors: Record<string, any>,
  visit: (error: { message?: string }) => void,
) {
  for (const value of Object.values(errors)) {
    if (!value || typeof value !== 'object') continue;
    if (typeof value.message === 'string') visit(value);
    if (
      !('ref' in value && 'type' in value && typeof value.message === 'string')
    )
      walk(value, visit);
  }
}

/** zod reports `queries.<name>.field`; the form edits queries as rows (`queries.<index>.field`). */
function remapQueries(errors: Record<string, any>, values: PolicyFormValues) {
  const byName = errors.queries;
  if (
    !byName ||
    typeof byName !== 'object' ||
    typeof byName.message === 'string'
  )
    return errors;
  const rows: Record<string, unknown> = {};
  for (const [name, error] of Object.entries(byName)) {
    const index = (values.queries ?? []).findIndex(row => row.name === name);
    rows[String(index >= 0 ? index : 0)] = error;
  }
  return { ...errors, queries: rows };
}

export function createPolicyResolver(
  inherited?: ScalingPolicy,
): Resolver<PolicyFormValues> {
  return async (values, context, options) => {
    const override = formToOverride(values);
    const result = await overrideResolver(override, context, options as any);
    if (Object.keys(result.errors).length > 0) {
      const errors = remapQueries(result.errors as Record<string, any>, values);
      walk(errors, e => {
        e.message = friendlyMessage(e.message ?? '');
      });
      return { values: {}, errors: errors as FieldErrors<PolicyFormValues> };
    }
    const issues = inherited ? crossFieldIssues(inherited, result.values) : [];
    if (issues.length > 0) {
      const errors: FieldErrors<PolicyFormValues> = {};
      for (const issue of issues) {
        const name = issueFieldName(issue, values);
        set(errors, name, { type: 'policy', message: issue.message });
      }
      return { values: {}, errors };
    }
    // Submit what the user wrote (e.g. "500m"), not the parsed numbers.
    return { values: override as PolicyFormValues, errors: {} };
  };
}
