import TextField from '@mui/material/TextField';
import { Controller, useFormContext } from 'react-hook-form';
import { fieldHelperText } from './fieldHelperText';
import { useFieldMeta } from './useFieldMeta';

/** A text input (names, queries, cron, quantities such as 500m); blank means undefined. */
export function TextInputField(props: {
  name: string;
  label: string;
  placeholder?: string;
  helperText?: string;
  multiline?: boolean;
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
          size="small"
          fullWidth
          multiline={props.multiline}
          placeholder={props.placeholder}
          value={field.value ?? ''}
          onChange={e =>
            field.onChange(e.target.value === '' ? undefined : e.target.value)
          }
          onBlur={field.onBlur}
          inputRef={field.ref}
          disabled={meta.disabled}
          error={Boolean(meta.error)}
          helperText={fieldHelperText(meta, props.helperText)}
        />
      )}
    />
  );
}
