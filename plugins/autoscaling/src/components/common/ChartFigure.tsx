import { ReactNode } from 'react';
import Box from '@mui/material/Box';

const visuallyHidden = {
  border: 0,
  clip: 'rect(0 0 0 0)',
  height: '1px',
  margin: '-1px',
  overflow: 'hidden',
  padding: 0,
  position: 'absolute',
  whiteSpace: 'nowrap',
  width: '1px',
} as const;

/** A chart with an accessible name and a text summary for screen readers and tests. */
export function ChartFigure(props: {
  label: string;
  summary: string;
  height?: number;
  children: ReactNode;
}) {
  return (
    <Box
      component="figure"
      role="figure"
      aria-label={props.label}
      sx={{ m: 0, width: '100%', height: props.height ?? 260 }}
    >
      {props.children}
      <Box component="figcaption" sx={visuallyHidden}>
        {props.summary}
      </Box>
    </Box>
  );
}
