import TextField from '@mui/material/TextField';
import { Controller, useFormContext } from 'react-hook-form';
import { fieldHelperText } from './fieldHelperText';
import { useFieldMeta } from './useFieldMeta';

/** A number input; blank means "inherit" (undefined). */
export function NumberField(props: {
  name: string;
  label: string;
  step?: number;
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
          id={`policy-${props.name}`}
          label={props.label}
          type="number"
          size="small"
          fullWidth
          value={field.value ?? ''}
          onChange={e =>
            field.onChange(
              e.target.value === '' ? undefined : Number(e.target.value),
            )
          }
          onBlur={field.onBlur}
          inputRef={field.ref}
          inputProps={{ step: props.step ?? 1 }}
          disabled={meta.disabled}
          error={Boolean(meta.error)}
          helperText={fieldHelperText(meta, props.helperText)}
        />
      )}
    />
  );
}
