import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type { PolicyDiffEntry } from '@internal/plugin-autoscaling-common';
import { describePolicyChange, policyFieldLabel } from '../../lib/policyText';

/** A policy change setting by setting, each as a sentence ("Raised from 20 to 80."). */
export function PolicyDiffTable({ diff }: { diff: PolicyDiffEntry[] }) {
  if (diff.length === 0) {
    return <Typography variant="body2">No changes.</Typography>;
  }
  return (
    <Table size="small" aria-label="Policy changes">
      <TableHead>
        <TableRow>
          <TableCell>Setting</TableCell>
          <TableCell>Change</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {diff.map(entry => (
          <TableRow key={entry.path}>
            <TableCell sx={{ fontWeight: 'bold' }} title={entry.path}>
              {policyFieldLabel(entry.path)}
            </TableCell>
            <TableCell sx={{ overflowWrap: 'break-word' }}>
              {describePolicyChange(entry)}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
