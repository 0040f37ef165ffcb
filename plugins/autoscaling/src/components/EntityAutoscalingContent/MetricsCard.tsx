import { InfoCard } from '@backstage/core-components';
import Box from '@mui/material/Box';
import LinearProgress from '@mui/material/LinearProgress';
import Typography from '@mui/material/Typography';
import type { MetricStatus } from '@internal/plugin-autoscaling-common';
import { formatNumber } from '../../lib/format';

function MetricRow({ metric }: { metric: MetricStatus }) {
  const ratio = metric.current === null || metric.target === 0 ? null : metric.current / metric.target;
  const unit = metric.unit === '%' ? '%' : ` ${metric.unit}`;
  return (
    <Box mb={2} data-testid={`metric-${metric.name}`}>
      <Box display="flex" justifyContent="space-between">
        <Typography variant="subtitle2">{metric.name}</Typography>
        <Typography variant="body2">
          {metric.current === null ? 'no data' : `${formatNumber(metric.current)}${unit}`} of target{' '}
          {formatNumber(metric.target)}
          {unit}
        </Typography>
      </Box>
      <LinearProgress
        variant="determinate"
        value={ratio === null ? 0 : Math.min(100, ratio * 50)}
        color={ratio === null ? 'inherit' : ratio > 1.1 ? 'warning' : ratio < 0.9 ? 'info' : 'success'}
        aria-label={`${metric.name}: ${ratio === null ? 'no data' : `${Math.round(ratio * 100)}% of target`}`}
      />
      <Typography variant="caption" color="text.secondary">
        {ratio === null
          ? 'No samples: the engine holds replicas (or applies the fallback) until metrics return.'
          : ratio > 1.1
            ? 'Above target: the engine adds replicas.'
            : ratio < 0.9
              ? 'Below target: the engine may remove replicas after the stabilisation window.'
              : 'Within tolerance of the target.'}
      </Typography>
    </Box>
  );
}

/** Each metric's current value against its target (the bar's midpoint is the target). */
export function MetricsCard({ metrics }: { metrics: MetricStatus[] }) {
  return (
    <InfoCard title="Metrics vs targets">
      {metrics.length === 0 ? (
        <Typography data-testid="empty-state" color="text.secondary">
          No metrics reported yet.
        </Typography>
      ) : (
        metrics.map(m => <MetricRow key={m.name} metric={m} />)
      )}
    </InfoCard>
  );
}
