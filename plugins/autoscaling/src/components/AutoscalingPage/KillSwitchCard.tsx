import { useState } from 'react';
import { InfoCard } from '@backstage/core-components';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useEngineStatus, useKillSwitch } from '../../hooks/usePlatformData';
import { usePermissions } from '../../hooks/usePermissions';
import { errorMessage } from '../../lib/errors';
import { formatDateTime } from '../../lib/format';
import { disabledReasonFor, PERMISSION_REASONS } from '../../lib/permissions';
import { PermissionButton } from '../common/PermissionButton';
import { QueryState } from '../common/QueryState';
import { CARD_TITLE } from '../common/cardTitle';

/** Stops (or resumes) every actuation across the fleet; decisions are still computed and logged. */
export function KillSwitchCard() {
  const status = useEngineStatus();
  const killSwitch = useKillSwitch();
  const { permissions, loading } = usePermissions();
  const [reason, setReason] = useState('');
  const disabledReason = disabledReasonFor(
    loading,
    permissions.canAdminister,
    PERMISSION_REASONS.administer,
  );
  return (
    <InfoCard titleTypographyProps={CARD_TITLE} title="Kill switch">
      <QueryState query={status}>
        {s => {
          const enabled = s.killSwitch.enabled;
          return (
            <Box data-testid="kill-switch">
              {enabled ? (
                <Alert severity="error" sx={{ mb: 2 }}>
                  Actuation is stopped for the whole fleet since{' '}
                  {formatDateTime(s.killSwitch.changedAt)} by{' '}
                  {s.killSwitch.changedBy}: “{s.killSwitch.reason}”. The engine
                  still decides and records, but changes nothing.
                </Alert>
              ) : (
                <Alert severity="success" sx={{ mb: 2 }}>
                  The engine is scaling workloads.
                  {s.killSwitch.changedBy
                    ? ` Last changed by ${
                        s.killSwitch.changedBy
                      } on ${formatDateTime(s.killSwitch.changedAt)}.`
                    : ''}
                </Alert>
              )}
              <TextField
                label="Reason"
                size="small"
                fullWidth
                value={reason}
                onChange={e => setReason(e.target.value)}
                disabled={Boolean(disabledReason)}
                helperText={
                  disabledReason ?? 'Required; recorded in the audit log.'
                }
              />
              <Box mt={1}>
                <PermissionButton
                  variant="contained"
                  color={enabled ? 'primary' : 'error'}
                  disabledReason={disabledReason}
                  disabled={killSwitch.isPending || reason.trim().length < 3}
                  onClick={() =>
                    killSwitch.mutate(
                      { enabled: !enabled, reason: reason.trim() },
                      { onSuccess: () => setReason('') },
                    )
                  }
                >
                  {enabled ? 'Resume scaling' : 'Stop all scaling'}
                </PermissionButton>
              </Box>
              {killSwitch.isError && (
                <Alert severity="error" sx={{ mt: 1 }}>
                  {errorMessage(killSwitch.error)}
                </Alert>
              )}
              <Typography variant="caption" color="text.secondary">
                Manual scale requests are refused while the switch is on.
              </Typography>
            </Box>
          );
        }}
      </QueryState>
    </InfoCard>
  );
}
