import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Grid from '@mui/material/Grid';
import LinearProgress from '@mui/material/LinearProgress';
import Typography from '@mui/material/Typography';
import type { TenantSummary } from '@internal/plugin-autoscaling-common';
import { budgetStatusLabel, formatMoney, usagePercent } from '../../lib/format';
import { StatusChip } from '../common/StatusChip';

const BUDGET_METER_COLOR = {
  ok: 'primary',
  warning: 'warning',
  emergency: 'error',
} as const;
const STATUS_COLOR = {
  ok: 'success',
  warning: 'warning',
  emergency: 'error',
} as const;

function Meter(props: {
  label: string;
  used: string;
  limit: string;
  percent: number | null;
  testId: string;
  color: 'primary' | 'warning' | 'error';
}) {
  return (
    <Box data-testid={props.testId}>
      <Typography variant="overline" color="text.secondary">
        {props.label}
      </Typography>
      <Typography variant="h6" component="p">
        {props.used}{' '}
        <Typography component="span" color="text.secondary">
          of {props.limit}
        </Typography>
      </Typography>
      {props.percent !== null && (
        <LinearProgress
          variant="determinate"
          value={props.percent}
          color={props.color}
          aria-label={`${props.label}: ${Math.round(props.percent)}%`}
        />
      )}
    </Box>
  );
}

/** Replicas against the quota and projected spend against the budget, with the budget status. */
export function TenantTotals({ summary }: { summary: TenantSummary }) {
  const money = (v: number | null) => formatMoney(v, summary.cost.currency);
  const replicaPercent = usagePercent(
    summary.totalReplicas,
    summary.replicaQuota,
  );
  const budgetPercent = usagePercent(
    summary.cost.projectedMonth.value,
    summary.monthlyBudget,
  );
  const statusColor = STATUS_COLOR[summary.budgetStatus] ?? 'default';
  return (
    <Box>
      <Box display="flex" gap={1} mb={2} flexWrap="wrap">
        <Chip size="small" label={`${summary.tier} tier`} />
        <StatusChip
          size="small"
          tone={statusColor}
          label={budgetStatusLabel(summary.budgetStatus)}
          data-testid="budget-status"
        />
      </Box>
      <Grid container spacing={3}>
        <Grid item xs={12} md={4}>
          <Meter
            testId="tenant-replicas"
            label="Replicas"
            used={String(summary.totalReplicas)}
            limit={
              summary.replicaQuota === null
                ? 'no quota'
                : `quota ${summary.replicaQuota}`
            }
            percent={replicaPercent}
            color={
              replicaPercent !== null && replicaPercent >= 90
                ? 'warning'
                : 'primary'
            }
          />
        </Grid>
        <Grid item xs={12} md={4}>
          <Meter
            testId="tenant-budget"
            label="Projected month"
            used={money(summary.cost.projectedMonth.value)}
            limit={
              summary.monthlyBudget === null
                ? 'no budget'
                : `budget ${money(summary.monthlyBudget)}`
            }
            percent={budgetPercent}
            color={BUDGET_METER_COLOR[summary.budgetStatus] ?? 'primary'}
          />
        </Grid>
        <Grid item xs={12} md={4}>
          <Box data-testid="tenant-mtd">
            <Typography variant="overline" color="text.secondary">
              Month to date
            </Typography>
            <Typography variant="h6" component="p">
              {money(summary.cost.monthToDate)}
            </Typography>
            <Typography variant="caption" color="text.secondary">
              now {money(summary.cost.hourly)}/h
            </Typography>
          </Box>
        </Grid>
      </Grid>
    </Box>
  );
}
