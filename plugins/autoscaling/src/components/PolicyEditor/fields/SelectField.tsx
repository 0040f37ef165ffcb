import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import { Controller, useFormContext } from 'react-hook-form';
import { fieldHelperText } from './fieldHelperText';
import { useFieldMeta } from './useFieldMeta';

export interface SelectOption {
  value: string;
  label: string;
}

const INHERIT = '__inherit__';

function displayValue(value: unknown, allowInherit?: boolean): string {
  if (value !== undefined && value !== null) return String(value);
  return allowInherit ? INHERIT : '';
}

/**
 * A select. With `allowInherit`, an "Inherit" option maps to undefined. Values may be strings or
 * booleans (`boolean` maps "true"/"false" back to booleans).
 */
export function SelectField(props: {
  name: string;
  label: string;
  options: SelectOption[];
  allowInherit?: boolean;
  boolean?: boolean;
  onValueChange?: (value: string | undefined) => void;
  /** Turns the chosen option back into the field's value (e.g. a list). */
  parse?: (value: string) => unknown;
  helperText?: string;
}) {
  const { control } = useFormContext();
  const meta = useFieldMeta(props.name);
  return (
    <Controller
      control={control}
      name={props.name}
      render={({ field }) => (
        <TextField
          select
          id={`policy-${props.name}`}
          label={props.label}
          size="small"
          fullWidth
          value={displayValue(field.value, props.allowInherit)}
          onChange={e => {
            const raw = e.target.value;
            const value = raw === INHERIT ? undefined : raw;
            if (props.onValueChange) props.onValueChange(value);
            else if (value === undefined) field.onChange(undefined);
            else if (props.parse) field.onChange(props.parse(value));
            else field.onChange(props.boolean ? value === 'true' : value);
          }}
          onBlur={field.onBlur}
          inputRef={field.ref}
          disabled={meta.disabled}
          error={Boolean(meta.error)}
          helperText={fieldHelperText(meta, props.helperText)}
        >
          {props.allowInherit && <MenuItem value={INHERIT}>Inherit</MenuItem>}
          {props.options.map(o => (
            <MenuItem key={o.value} value={o.value}>
              {o.label}
            </MenuItem>
          ))}
        </TextField>
      )}
    />
  );
}

export const BOOLEAN_OPTIONS: SelectOption[] = [
  { value: 'true', label: 'Yes' },
  { value: 'false', label: 'No' },
];

export function options(values: readonly string[]): SelectOption[] {
  return values.map(v => ({ value: v, label: v }));
}
