import { InfoCard } from '@backstage/core-components';
import Box from '@mui/material/Box';
import LinearProgress from '@mui/material/LinearProgress';
import Typography from '@mui/material/Typography';
import type {
  MetricStatus,
  WorkloadState,
} from '@internal/plugin-autoscaling-common';
import { useKillSwitchState } from '../../hooks/usePlatformData';
import { clampLabel, clampOf } from '../../lib/clamp';
import { formatNumber } from '../../lib/format';
import { CARD_TITLE } from '../common/cardTitle';

/**
 * Where the current value sits against its target (10% tolerance), as a colour and a sentence.
 * `heldBack` says why the engine cannot add replicas (a clamp), when it cannot.
 */
function metricBand(ratio: number | null, heldBack: string | null) {
  if (ratio === null) {
    return {
      color: 'inherit' as const,
      text: 'No samples: the engine holds replicas (or applies the fallback) until metrics return.',
    };
  }
  if (ratio > 1.1) {
    return {
      color: 'warning' as const,
      text: heldBack
        ? `Above target, but the engine cannot add replicas: ${heldBack}.`
        : 'Above target: the engine adds replicas.',
    };
  }
  if (ratio < 0.9) {
    return {
      color: 'info' as const,
      text: 'Below target: the engine may remove replicas after the stabilisation window.',
    };
  }
  return { color: 'success' as const, text: 'Within tolerance of the target.' };
}

function MetricRow({
  metric,
  heldBack,
}: {
  metric: MetricStatus;
  heldBack: string | null;
}) {
  const ratio =
    metric.current === null || metric.target === 0
      ? null
      : metric.current / metric.target;
  const unit = metric.unit === '%' ? '%' : ` ${metric.unit}`;
  const band = metricBand(ratio, heldBack);
  return (
    <Box mb={2} data-testid={`metric-${metric.name}`}>
      <Box display="flex" justifyContent="space-between">
        <Typography variant="subtitle2" component="h3">
          {metric.name}
        </Typography>
        <Typography variant="body2">
          {metric.current === null
            ? 'no data'
            : `${formatNumber(metric.current)}${unit}`}{' '}
          of target {formatNumber(metric.target)}
          {unit}
        </Typography>
      </Box>
      <LinearProgress
        variant="determinate"
        value={ratio === null ? 0 : Math.min(100, ratio * 50)}
        color={band.color}
        aria-label={`${metric.name}: ${
          ratio === null ? 'no data' : `${Math.round(ratio * 100)}% of target`
        }`}
      />
      <Typography variant="caption" color="text.secondary">
        {band.text}
      </Typography>
    </Box>
  );
}

/** Why the engine cannot add replicas now, in words, or null when it can. */
function heldBackBy(
  state?: Pick<
    WorkloadState,
    'lastDecision' | 'currentReplicas' | 'maxReplicas'
  >,
): string | null {
  if (!state) return null;
  const clamp = clampOf(state.lastDecision);
  if (clamp?.holdsBack) {
    return clamp.by === 'max'
      ? `it is clamped at its maximum of ${clamp.granted} replicas`
      : `it is clamped by the ${clampLabel(clamp.by)} at ${
          clamp.granted
        } replicas`;
  }
  if (state.currentReplicas >= state.maxReplicas) {
    return `it is at its maximum of ${state.maxReplicas} replicas`;
  }
  return null;
}

/** Each metric's current value against its target (the bar's midpoint is the target). */
export function MetricsCard({
  metrics,
  state,
}: {
  metrics: MetricStatus[];
  /** The workload, so the card can say when a clamp stops the engine adding replicas. */
  state?: Pick<
    WorkloadState,
    'lastDecision' | 'currentReplicas' | 'maxReplicas'
  >;
}) {
  const killSwitchOn = Boolean(useKillSwitchState()?.enabled);
  const heldBack =
    killSwitchOn && state
      ? 'the global kill switch is on, so the engine changes nothing'
      : heldBackBy(state);
  return (
    <InfoCard titleTypographyProps={CARD_TITLE} title="Metrics vs targets">
      {metrics.length === 0 ? (
        <Typography data-testid="empty-state" color="text.secondary">
          No metrics reported yet.
        </Typography>
      ) : (
        metrics.map(m => (
          <MetricRow key={m.name} metric={m} heldBack={heldBack} />
        ))
      )}
    </InfoCard>
  );
}
