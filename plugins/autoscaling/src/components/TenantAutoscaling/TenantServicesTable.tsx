import { Link } from '@backstage/core-components';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type { WorkloadSummary } from '@internal/plugin-autoscaling-common';
import { useWorkloadClamps } from '../../hooks/useEntityState';
import { useKillSwitchState } from '../../hooks/usePlatformData';
import { clampShortLabel, describeClamp, type Clamp } from '../../lib/clamp';
import { formatMoney, formatPercent, modeLabel } from '../../lib/format';
import { StatusChip } from '../common/StatusChip';

function entityLink(entityRef: string): string {
  const match = /^([^:]+):(?:([^/]+)\/)?(.+)$/.exec(entityRef);
  if (!match) return '#';
  const [, kind, namespace = 'default', name] = match;
  return `/catalog/${namespace}/${kind.toLocaleLowerCase(
    'en-US',
  )}/${name}/autoscaling`;
}

/** "Clamped: at max" next to the replicas of a workload held below what it asked for. */
function ClampChip({ clamp }: { clamp?: Clamp }) {
  if (!clamp) return null;
  return (
    <StatusChip
      size="small"
      tone="warning"
      sx={{ ml: 1 }}
      label={`Clamped: ${clampShortLabel(clamp.by)}`}
      title={describeClamp(clamp)}
      data-testid="workload-clamp-chip"
    />
  );
}

/** Every workload of a tenant (or the fleet): replicas, utilisation, mode and cost. */
export function TenantServicesTable(props: {
  workloads: WorkloadSummary[];
  currency?: string;
  showTenant?: boolean;
}) {
  const clamps = useWorkloadClamps(props.workloads);
  const killSwitchOn = Boolean(useKillSwitchState()?.enabled);
  if (props.workloads.length === 0) {
    return (
      <Typography color="text.secondary" data-testid="empty-state">
        No workloads evaluated yet.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Services">
      <TableHead>
        <TableRow>
          <TableCell>Service</TableCell>
          {props.showTenant && <TableCell>Tenant</TableCell>}
          <TableCell>Cluster</TableCell>
          <TableCell>Environment</TableCell>
          <TableCell align="right">Replicas (min–max)</TableCell>
          <TableCell align="right">CPU</TableCell>
          <TableCell>Mode</TableCell>
          <TableCell align="right">Cost / h</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.workloads.map(w => (
          <TableRow key={w.id}>
            <TableCell>
              <Link to={entityLink(w.entityRef)}>{w.ref.name}</Link>
            </TableCell>
            {props.showTenant && <TableCell>{w.tenant}</TableCell>}
            <TableCell>{w.ref.cluster}</TableCell>
            <TableCell>{w.environment}</TableCell>
            <TableCell align="right">
              {w.currentReplicas}
              {w.desiredReplicas !== w.currentReplicas
                ? ` → ${w.desiredReplicas}`
                : ''}{' '}
              ({w.minReplicas}–{w.maxReplicas})
              <ClampChip clamp={clamps.get(w.id)} />
            </TableCell>
            <TableCell align="right">
              {formatPercent(w.cpuUtilization)}
            </TableCell>
            <TableCell>
              {killSwitchOn && w.mode === 'auto'
                ? 'Paused (kill switch)'
                : modeLabel(w.mode)}
            </TableCell>
            <TableCell align="right">
              {formatMoney(w.hourlyCost, props.currency)}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
