import Chip from '@mui/material/Chip';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import { get } from 'react-hook-form';
import type { EffectivePolicy } from '@internal/plugin-autoscaling-common';
import { describePolicyValue, policyFieldLabel } from '../../lib/policyText';

/** Every effective value, in words, with the level that set it. */
export function EffectivePolicyTable({
  effective,
}: {
  effective: EffectivePolicy;
}) {
  const rows = Object.entries(effective.provenance).sort(([a], [b]) =>
    a.localeCompare(b),
  );
  return (
    <Table size="small" aria-label="Effective policy">
      <TableHead>
        <TableRow>
          <TableCell>Field</TableCell>
          <TableCell>Effective value</TableCell>
          <TableCell>Set by</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map(([path, level]) => (
          <TableRow key={path}>
            {/* Words, wrapped between words: no camelCase path broken mid-word. */}
            <TableCell title={path} sx={{ overflowWrap: 'break-word' }}>
              {policyFieldLabel(path)}
            </TableCell>
            <TableCell sx={{ overflowWrap: 'break-word' }}>
              {describePolicyValue(path, get(effective.policy, path))}
            </TableCell>
            <TableCell>
              <Chip
                size="small"
                variant={level === 'default' ? 'outlined' : 'filled'}
                label={level}
              />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
