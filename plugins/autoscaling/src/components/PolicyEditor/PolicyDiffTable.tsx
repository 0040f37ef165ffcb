import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type { PolicyDiffEntry } from '@internal/plugin-autoscaling-common';
import { formatPolicyValue } from '../../lib/format';

/** Field-by-field diff of a policy change. */
export function PolicyDiffTable({ diff }: { diff: PolicyDiffEntry[] }) {
  if (diff.length === 0) {
    return <Typography variant="body2">No changes.</Typography>;
  }
  return (
    <Table size="small" aria-label="Policy changes">
      <TableHead>
        <TableRow>
          <TableCell>Field</TableCell>
          <TableCell>Before</TableCell>
          <TableCell>After</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {diff.map(entry => (
          <TableRow key={entry.path}>
            <TableCell>
              <code>{entry.path}</code>
            </TableCell>
            <TableCell
              sx={{
                textDecoration: 'line-through',
                color: 'text.secondary',
                wordBreak: 'break-word',
              }}
            >
              {formatPolicyValue(entry.before)}
            </TableCell>
            <TableCell sx={{ fontWeight: 'bold', wordBreak: 'break-word' }}>
              {formatPolicyValue(entry.after)}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
