import type { Reason } from '@internal/plugin-autoscaling-common';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';

/** Reasons in plain words; the machine code is kept for support as a tooltip. */
export function ReasonList({ reasons }: { reasons: Reason[] }) {
  if (reasons.length === 0) return null;
  return (
    <List dense disablePadding>
      {reasons.map((r, i) => (
        <ListItem key={`${r.code}-${i}`} disableGutters title={r.code}>
          <ListItemText
            primary={r.message}
            primaryTypographyProps={{ variant: 'body2' }}
          />
        </ListItem>
      ))}
    </List>
  );
}
