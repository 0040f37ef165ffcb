import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import { Controller, useFormContext } from 'react-hook-form';
import { useMetricSources } from '../../../hooks/useMetricSources';
import { fieldHelperText } from '../fields/fieldHelperText';
import { TextInputField } from '../fields/TextInputField';
import { useFieldMeta } from '../fields/useFieldMeta';
import { usePolicyFormContext } from '../PolicyFormContext';

/**
 * Picks a query's metric source among the ones the backend's modules added
 * (`GET /metric-sources`); a value the backend does not know stays selectable, marked. Without
 * the list (no entity, or it cannot be read) it is a text field.
 */
export function MetricSourceField({ name }: { name: string }) {
  const { control } = useFormContext();
  const { entityRef } = usePolicyFormContext();
  const meta = useFieldMeta(name);
  const sources = useMetricSources(entityRef);
  const list = sources.data?.sources;
  if (!list || list.length === 0) {
    return (
      <TextInputField
        name={name}
        label="Metric source"
        placeholder="prometheus"
      />
    );
  }
  return (
    <Controller
      control={control}
      name={name}
      render={({ field }) => {
        const value = (field.value as string | undefined) ?? '';
        const known = list.some(s => s.id === value);
        return (
          <TextField
            select
            id={`policy-${name}`}
            label="Metric source"
            size="small"
            fullWidth
            value={value}
            onChange={e => field.onChange(e.target.value || undefined)}
            onBlur={field.onBlur}
            inputRef={field.ref}
            disabled={meta.disabled}
            error={Boolean(meta.error)}
            helperText={fieldHelperText(
              meta,
              value && !known
                ? `"${value}" is not a configured source`
                : undefined,
            )}
          >
            {list.map(s => (
              <MenuItem key={s.id} value={s.id}>
                {s.type ? `${s.id} (${s.type})` : s.id}
              </MenuItem>
            ))}
            {value && !known && (
              <MenuItem value={value}>{value} (not configured)</MenuItem>
            )}
          </TextField>
        );
      }}
    />
  );
}
