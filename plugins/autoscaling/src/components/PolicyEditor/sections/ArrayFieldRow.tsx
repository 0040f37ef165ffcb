import { ReactNode } from 'react';
import Box from '@mui/material/Box';
import IconButton from '@mui/material/IconButton';
import DeleteIcon from '@mui/icons-material/DeleteOutline';

/** One row of an array field with a remove button. */
export function ArrayFieldRow(props: {
  label: string;
  onRemove: () => void;
  disabled?: boolean;
  children: ReactNode;
}) {
  return (
    <Box
      display="flex"
      gap={1}
      alignItems="flex-start"
      mb={1}
      pb={1}
      borderBottom={1}
      borderColor="divider"
    >
      <Box flexGrow={1}>{props.children}</Box>
      <IconButton
        aria-label={`Remove ${props.label}`}
        onClick={props.onRemove}
        disabled={props.disabled}
        size="small"
      >
        <DeleteIcon fontSize="small" />
      </IconButton>
    </Box>
  );
}
