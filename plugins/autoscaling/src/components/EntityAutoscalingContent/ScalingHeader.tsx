import type {
  Condition,
  KillSwitchState,
  OtherAutoscalerRef,
  WorkloadState,
} from '@internal/plugin-autoscaling-common';
import { useKillSwitchState } from '../../hooks/usePlatformData';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Paper from '@mui/material/Paper';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { clampOf, describeClamp } from '../../lib/clamp';
import {
  formatDateTime,
  formatPercent,
  formatRelativeTime,
  modeDescription,
  modeLabel,
} from '../../lib/format';
import {
  describeWorkloadPlacement,
  workloadKindWords,
} from '../../lib/workloadKind';
import { ImportAutoscalerDialog } from './ImportAutoscalerDialog';
import { ManualScaleDialog } from './ManualScaleDialog';
import { StatusChip } from '../common/StatusChip';

function conditionColor(condition: Condition) {
  if (condition.status === 'Unknown') return 'default' as const;
  const good =
    condition.type === 'ScalingLimited'
      ? condition.status === 'False'
      : condition.status === 'True';
  return good ? ('success' as const) : ('warning' as const);
}

function Stat(props: {
  label: string;
  value: string | number;
  testId: string;
}) {
  return (
    <Box textAlign="center" minWidth={80} data-testid={props.testId}>
      <Typography variant="h5" component="p">
        {props.value}
      </Typography>
      <Typography variant="caption" color="text.secondary">
        {props.label}
      </Typography>
    </Box>
  );
}

/** The mode chip: the policy's mode, unless the kill switch pauses what it would write. */
function modeChip(state: WorkloadState, killSwitchOn: boolean) {
  const writes = state.mode === 'auto';
  if (state.otherAutoscaler && writes) {
    return {
      label: `Mode: Held (${state.otherAutoscaler.kind} in charge)`,
      tooltip: `The policy's mode is ${modeLabel(state.mode)}, but ${
        state.otherAutoscaler.kind
      } ${
        state.otherAutoscaler.name
      } also scales this workload: the engine writes nothing while it exists.`,
      tone: 'warning' as const,
    };
  }
  if (killSwitchOn && writes) {
    return {
      label: 'Mode: Paused by the kill switch',
      tooltip: `The policy's mode is ${modeLabel(
        state.mode,
      )}, but the global kill switch is on: the engine decides and records, and changes nothing.`,
      tone: 'warning' as const,
    };
  }
  return {
    label: `Mode: ${modeLabel(state.mode)}`,
    tooltip: modeDescription(state.mode),
    tone: writes ? ('primary' as const) : ('default' as const),
  };
}

function KillSwitchBanner({ killSwitch }: { killSwitch: KillSwitchState }) {
  const since = killSwitch.changedAt
    ? ` since ${formatDateTime(killSwitch.changedAt)}`
    : '';
  const by = killSwitch.changedBy
    ? ` (turned on by ${killSwitch.changedBy})`
    : '';
  return (
    <Alert severity="error" sx={{ mb: 2 }} data-testid="kill-switch-banner">
      The global kill switch is on{since}
      {by}: the engine changes no replicas and manual scaling is refused.
      {killSwitch.reason ? ` Reason: ${killSwitch.reason}` : ''}
    </Alert>
  );
}

/** Another autoscaler (an HPA or a KEDA ScaledObject) scales this workload: the engine writes nothing. */
function OtherAutoscalerBanner({
  state,
  other,
}: {
  state: WorkloadState;
  other: OtherAutoscalerRef;
}) {
  const bounds =
    other.minReplicas !== null || other.maxReplicas !== null
      ? ` (${other.minReplicas ?? '?'}–${other.maxReplicas ?? '?'} replicas)`
      : '';
  return (
    <Alert
      severity="warning"
      sx={{ mb: 2 }}
      data-testid="other-autoscaler-banner"
      action={<ImportAutoscalerDialog state={state} other={other} />}
    >
      {other.kind} {other.namespace}/{other.name}
      {bounds} also scales this workload, so the engine decides and records but
      writes nothing: two controllers on one replica count pull it in opposite
      directions. Move its settings into this service's policy, then delete the{' '}
      {other.kind}.
    </Alert>
  );
}

/** Mode, replicas and conditions at a glance, with the manual actions. */
export function ScalingHeader({ state }: { state: WorkloadState }) {
  const clamp = clampOf(state.lastDecision);
  const killSwitch = useKillSwitchState();
  const mode = modeChip(state, Boolean(killSwitch?.enabled));
  return (
    <Paper sx={{ p: 2 }} data-testid="scaling-header">
      {killSwitch?.enabled && <KillSwitchBanner killSwitch={killSwitch} />}
      {state.otherAutoscaler && (
        <OtherAutoscalerBanner state={state} other={state.otherAutoscaler} />
      )}
      <Box display="flex" flexWrap="wrap" alignItems="center" gap={3}>
        <Box>
          <Typography variant="h6" component="h2">
            {state.ref.name}
          </Typography>
          <Typography variant="body2" color="text.secondary">
            {describeWorkloadPlacement(state.ref)} · {state.environment} ·{' '}
            {state.tier} tier
          </Typography>
          <Tooltip title={mode.tooltip}>
            <StatusChip
              sx={{ mt: 1 }}
              size="small"
              tone={mode.tone}
              label={mode.label}
              data-testid="mode-chip"
            />
          </Tooltip>
        </Box>
        <Box display="flex" gap={2} flexWrap="wrap">
          <Stat
            testId="replicas-current"
            label={`current (${state.readyReplicas} ready)`}
            value={state.currentReplicas}
          />
          <Stat
            testId="replicas-desired"
            label="desired"
            value={state.desiredReplicas}
          />
          <Stat testId="replicas-min" label="min" value={state.minReplicas} />
          <Stat testId="replicas-max" label="max" value={state.maxReplicas} />
          <Stat
            testId="cpu-utilization"
            label={workloadKindWords(state.ref.kind).cpuLabel}
            value={formatPercent(state.cpuUtilization)}
          />
          {state.predictiveFloor !== null && (
            <Stat
              testId="predictive-floor"
              label="predictive floor"
              value={state.predictiveFloor}
            />
          )}
        </Box>
        <Box flexGrow={1} />
        <ManualScaleDialog state={state} />
      </Box>
      {clamp?.holdsBack && state.lastDecision && (
        <Alert severity="warning" sx={{ mt: 2 }} data-testid="clamp-banner">
          {describeClamp(clamp)} Last decision:{' '}
          {formatDateTime(state.lastDecision.at)}.
        </Alert>
      )}
      <Box
        display="flex"
        flexWrap="wrap"
        gap={1}
        mt={2}
        aria-label="Conditions"
      >
        {state.conditions.map(c => (
          <Tooltip key={c.type} title={`${c.reason}: ${c.message}`}>
            <StatusChip
              size="small"
              variant="outlined"
              tone={conditionColor(c)}
              label={`${c.type}: ${c.status}`}
            />
          </Tooltip>
        ))}
        <Typography
          variant="caption"
          color="text.secondary"
          sx={{ alignSelf: 'center' }}
        >
          Last evaluated {formatRelativeTime(state.lastEvaluatedAt)}
        </Typography>
      </Box>
    </Paper>
  );
}
