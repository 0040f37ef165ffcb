import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Grid from '@mui/material/Grid';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type {
  ClusterCost,
  WorkloadSummary,
} from '@internal/plugin-autoscaling-common';
import { autoscalingApiRef } from '../../api';
import {
  useClusterCosts,
  useEngineStatus,
  useFleetWorkloads,
} from '../../hooks/usePlatformData';
import {
  formatMoney,
  formatPercent,
  formatRelativeTime,
} from '../../lib/format';
import { ExportButton } from '../common/ExportButton';
import { QueryState } from '../common/QueryState';
import { TenantServicesTable } from '../TenantAutoscaling/TenantServicesTable';
import { CARD_TITLE } from '../common/cardTitle';
import { StatusChip } from '../common/StatusChip';

/** How a target kind reads on the page (Kubernetes clusters carry no label). */
const TARGET_KINDS: Record<string, string> = {
  'docker-compose': 'Docker Compose host',
};

function byTenant(workloads: WorkloadSummary[]) {
  const groups = new Map<
    string,
    { replicas: number; hourly: number; count: number }
  >();
  for (const w of workloads) {
    const g = groups.get(w.tenant) ?? { replicas: 0, hourly: 0, count: 0 };
    g.replicas += w.currentReplicas;
    g.hourly += w.hourlyCost ?? 0;
    g.count += 1;
    groups.set(w.tenant, g);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
}

/** Allocated and idle cost per hour; idle needs the cluster's capacity in the price catalog. */
function ClusterCostCells({ cost }: { cost?: ClusterCost }) {
  const idleKnown = typeof cost?.hourly.idle === 'number';
  const idleFraction = cost?.idleFraction;
  return (
    <>
      <TableCell align="right">
        {formatMoney(cost?.hourly.allocated, cost?.currency)}
      </TableCell>
      <TableCell
        align="right"
        title={
          cost && !idleKnown
            ? 'Set the cluster capacity in autoscaling.prices to see idle cost'
            : undefined
        }
      >
        {formatMoney(cost?.hourly.idle, cost?.currency)}
        {typeof idleFraction === 'number'
          ? ` (${formatPercent(idleFraction * 100)})`
          : ''}
      </TableCell>
    </>
  );
}

/** Clusters with their circuit state and cost, totals by tenant, and every workload. */
export function FleetOverview() {
  const api = useApi(autoscalingApiRef);
  const status = useEngineStatus();
  const workloads = useFleetWorkloads();
  // Cost is extra: the clusters table shows without it (a dash) while it loads or fails.
  const costs = useClusterCosts();
  const costOf = (name: string) => costs.data?.find(c => c.cluster === name);
  return (
    <Grid container spacing={3}>
      <Grid item xs={12} xl={7}>
        <InfoCard titleTypographyProps={CARD_TITLE} title="Clusters">
          <QueryState
            query={status}
            compact
            emptyTitle="No clusters configured"
            isEmpty={s => s.clusters.length === 0}
          >
            {s => (
              <Table size="small" aria-label="Clusters">
                <TableHead>
                  <TableRow>
                    <TableCell>Cluster or host</TableCell>
                    <TableCell>Connection</TableCell>
                    <TableCell align="right">Workloads</TableCell>
                    <TableCell align="right">Cost / h</TableCell>
                    <TableCell align="right">Idle / h</TableCell>
                    <TableCell>Last evaluation</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {s.clusters.map(c => (
                    <TableRow key={c.name}>
                      <TableCell>
                        {c.name}
                        {c.kind && c.kind !== 'kubernetes' ? (
                          <Typography
                            variant="caption"
                            display="block"
                            color="text.secondary"
                          >
                            {TARGET_KINDS[c.kind] ?? c.kind}
                          </Typography>
                        ) : null}
                      </TableCell>
                      <TableCell>
                        <StatusChip
                          size="small"
                          tone={c.circuit === 'closed' ? 'success' : 'error'}
                          label={
                            c.circuit === 'closed'
                              ? 'healthy'
                              : `unreachable (${c.consecutiveFailures} failures)`
                          }
                          title={c.lastError ?? undefined}
                        />
                      </TableCell>
                      <TableCell align="right">{c.workloads}</TableCell>
                      <ClusterCostCells cost={costOf(c.name)} />
                      <TableCell>{formatRelativeTime(c.lastTickAt)}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </QueryState>
        </InfoCard>
      </Grid>
      <Grid item xs={12} xl={5}>
        <InfoCard
          titleTypographyProps={CARD_TITLE}
          title="By tenant"
          action={
            <ExportButton
              label="Export costs (CSV)"
              fileName="cost.csv"
              fetchBlob={() => api.exportCost()}
            />
          }
        >
          <QueryState
            query={workloads}
            compact
            emptyTitle="No workloads yet"
            isEmpty={w => w.length === 0}
          >
            {w => (
              <Table size="small" aria-label="Tenants">
                <TableHead>
                  <TableRow>
                    <TableCell>Tenant</TableCell>
                    <TableCell align="right">Workloads</TableCell>
                    <TableCell align="right">Replicas</TableCell>
                    <TableCell align="right">Cost / h</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {byTenant(w).map(([tenant, g]) => (
                    <TableRow key={tenant}>
                      <TableCell>{tenant}</TableCell>
                      <TableCell align="right">{g.count}</TableCell>
                      <TableCell align="right">{g.replicas}</TableCell>
                      <TableCell align="right">
                        {formatMoney(g.hourly)}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </QueryState>
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard titleTypographyProps={CARD_TITLE} title="Workloads">
          <QueryState
            query={workloads}
            compact
            emptyTitle="No workloads yet"
            isEmpty={w => w.length === 0}
          >
            {w => <TenantServicesTable workloads={w} showTenant />}
          </QueryState>
        </InfoCard>
      </Grid>
    </Grid>
  );
}
