import Box from '@mui/material/Box';
import type { FieldMeta } from './useFieldMeta';

/**
 * A field's helper text: its error while it has one; otherwise what the field means (when
 * given) and, on its own line, the effective value it inherits. A blank line keeps the rows of
 * a form level when there is neither.
 */
export function fieldHelperText(meta: FieldMeta, description?: string) {
  if (meta.error) return meta.error;
  if (description && meta.inherited) {
    return (
      <>
        <Box component="span" display="block">
          {description}
        </Box>
        <Box component="span" display="block">
          {meta.inherited}
        </Box>
      </>
    );
  }
  return description ?? meta.inherited ?? ' ';
}
