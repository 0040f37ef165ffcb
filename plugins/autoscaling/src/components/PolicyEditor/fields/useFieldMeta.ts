import { get, useFormContext } from 'react-hook-form';
import { formatPolicyValue } from '../../../lib/format';
import { usePolicyFormContext } from '../PolicyFormContext';

/** Error, read-only state and the inherited value (with its level) of a form field. */
export function useFieldMeta(name: string, inheritHint = true) {
  const { formState } = useFormContext();
  const { readOnlyReason, effective } = usePolicyFormContext();
  const error = get(formState.errors, name) as { message?: string } | undefined;
  let inherited: string | undefined;
  if (inheritHint && effective && !/\.\d+\./.test(name)) {
    const value = get(effective.policy, name);
    if (value !== undefined && typeof value !== 'object') {
      const level = effective.provenance[name] ?? 'default';
      inherited = `Effective: ${formatPolicyValue(value)} (from ${level})`;
    }
  }
  return {
    error: error?.message,
    disabled: Boolean(readOnlyReason),
    inherited,
  };
}

export type FieldMeta = ReturnType<typeof useFieldMeta>;
