import { useState } from 'react';
import type { WorkloadState } from '@internal/plugin-autoscaling-common';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import { usePermissions } from '../../hooks/usePermissions';
import { useKillSwitchState } from '../../hooks/usePlatformData';
import { useWorkloadActions } from '../../hooks/useWorkloadActions';
import { disabledReasonFor, PERMISSION_REASONS } from '../../lib/permissions';
import { errorMessage } from '../../lib/errors';
import { describeDecision } from '../../lib/format';
import { PermissionButton } from '../common/PermissionButton';

/** Manual scale or rollback of the last decision, always with a reason (it is audited). */
export function ManualScaleDialog({ state }: { state: WorkloadState }) {
  const { permissions, loading } = usePermissions(state.entityRef);
  const { scale, rollback } = useWorkloadActions(state.id);
  const [open, setOpen] = useState(false);
  const [action, setAction] = useState<'scale' | 'rollback'>('scale');
  const [replicas, setReplicas] = useState(String(state.currentReplicas));
  const [reason, setReason] = useState('');
  const [touched, setTouched] = useState(false);

  const replicaNumber = Number(replicas);
  const replicaError =
    action === 'scale' &&
    (!Number.isInteger(replicaNumber) || replicaNumber < 0)
      ? 'Enter a whole number of replicas (0 or more)'
      : undefined;
  const reasonError =
    reason.trim().length < 3
      ? 'Say why (at least 3 characters); it goes to the audit log'
      : undefined;
  const mutation = action === 'scale' ? scale : rollback;

  const submit = async () => {
    setTouched(true);
    if (replicaError || reasonError) return;
    if (action === 'scale')
      await scale.mutateAsync({
        replicas: replicaNumber,
        reason: reason.trim(),
      });
    else await rollback.mutateAsync({ reason: reason.trim() });
  };

  const killSwitch = useKillSwitchState();
  const disabledReason = killSwitch?.enabled
    ? PERMISSION_REASONS.killSwitch
    : disabledReasonFor(
        loading,
        permissions.canScale,
        PERMISSION_REASONS.scale,
      );

  return (
    <>
      <PermissionButton
        variant="outlined"
        onClick={() => setOpen(true)}
        disabledReason={disabledReason}
      >
        Scale or roll back
      </PermissionButton>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        fullWidth
        maxWidth="sm"
        aria-labelledby="manual-scale-title"
      >
        <DialogTitle id="manual-scale-title">
          Scale {state.ref.name} manually
        </DialogTitle>
        <DialogContent>
          <ToggleButtonGroup
            exclusive
            size="small"
            value={action}
            onChange={(_, v) => v && setAction(v)}
            aria-label="Action"
            sx={{ mb: 2 }}
          >
            <ToggleButton value="scale">Set replicas</ToggleButton>
            <ToggleButton value="rollback" disabled={!state.lastDecision}>
              Roll back last decision
            </ToggleButton>
          </ToggleButtonGroup>
          {action === 'scale' ? (
            <TextField
              label="Replicas"
              type="number"
              fullWidth
              margin="dense"
              value={replicas}
              onChange={e => setReplicas(e.target.value)}
              error={touched && !!replicaError}
              helperText={
                (touched && replicaError) ||
                `Policy bounds ${state.minReplicas}–${state.maxReplicas}; the engine may change it again on its next evaluation unless the mode is dry-run or off.`
              }
              inputProps={{ min: 0 }}
            />
          ) : (
            <Alert severity="info">
              {state.lastDecision
                ? `Undo: ${describeDecision(state.lastDecision)}`
                : 'No decision to roll back.'}
            </Alert>
          )}
          <TextField
            label="Reason"
            fullWidth
            margin="dense"
            multiline
            minRows={2}
            value={reason}
            onChange={e => setReason(e.target.value)}
            error={touched && !!reasonError}
            helperText={
              (touched && reasonError) || 'Recorded in the audit log.'
            }
          />
          {mutation.isError && (
            <Alert severity="error" sx={{ mt: 1 }}>
              {errorMessage(mutation.error)}
            </Alert>
          )}
          {mutation.isSuccess && mutation.data && (
            <Alert severity="success" sx={{ mt: 1 }}>
              {describeDecision(mutation.data)}
            </Alert>
          )}
        </DialogContent>
        <DialogActions>
          <Box flexGrow={1} />
          <Button onClick={() => setOpen(false)}>Close</Button>
          <Button
            variant="contained"
            onClick={submit}
            disabled={mutation.isPending}
          >
            {action === 'scale' ? 'Scale' : 'Roll back'}
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
