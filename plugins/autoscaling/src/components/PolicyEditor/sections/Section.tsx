import { ReactNode } from 'react';
import Box from '@mui/material/Box';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';

/** A titled group of policy fields. */
export function Section(props: {
  title: string;
  description?: string;
  children: ReactNode;
  action?: ReactNode;
}) {
  const id = `policy-section-${props.title
    .toLocaleLowerCase('en-US')
    .replace(/\W+/g, '-')}`;
  return (
    <Paper
      variant="outlined"
      sx={{ p: 2, mb: 2 }}
      component="section"
      aria-labelledby={id}
    >
      <Box display="flex" alignItems="center" mb={1}>
        <Box flexGrow={1}>
          <Typography id={id} variant="subtitle1" component="h3">
            {props.title}
          </Typography>
          {props.description && (
            <Typography variant="body2" color="text.secondary">
              {props.description}
            </Typography>
          )}
        </Box>
        {props.action}
      </Box>
      {props.children}
    </Paper>
  );
}
