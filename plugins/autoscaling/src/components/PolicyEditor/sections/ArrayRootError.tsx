import Typography from '@mui/material/Typography';
import { get, useFormContext } from 'react-hook-form';

/** Errors that belong to an array as a whole (e.g. "at least one metric"). */
export function ArrayRootError({ name }: { name: string }) {
  const { formState } = useFormContext();
  const error = get(formState.errors, name);
  const message = error?.message ?? error?.root?.message;
  if (!message) return null;
  return (
    <Typography color="error" variant="body2" role="alert">
      {message}
    </Typography>
  );
}
