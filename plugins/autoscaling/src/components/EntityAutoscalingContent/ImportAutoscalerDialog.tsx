import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { useQuery } from '@tanstack/react-query';
import type {
  OtherAutoscalerRef,
  PolicyOverride,
  WorkloadState,
} from '@internal/plugin-autoscaling-common';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { autoscalingApiRef } from '../../api';
import { usePermissions } from '../../hooks/usePermissions';
import { usePolicyDocument, useUpdatePolicy } from '../../hooks/usePolicy';
import { queryKeys } from '../../hooks/queryKeys';
import { errorMessage, errorStatus } from '../../lib/errors';
import { disabledReasonFor, PERMISSION_REASONS } from '../../lib/permissions';
import { describePolicyValue, policyFieldLabel } from '../../lib/policyText';
import { PermissionButton } from '../common/PermissionButton';

/** The imported settings as sentences: "Max replicas: 9", "Metrics: CPU at 60% utilisation". */
function importedLines(override: PolicyOverride): string[] {
  return Object.entries(override).map(
    ([key, value]) =>
      `${policyFieldLabel(key)}: ${describePolicyValue(key, value)}`,
  );
}

/**
 * Moves another autoscaler's settings into this service's policy: reads the HPA (or ScaledObject)
 * live, shows what would be set and what cannot be imported, and saves through the policy route,
 * so guardrails apply as to any edit (a change request when one is crossed). The object itself
 * is deleted by its owner afterwards, with the command shown.
 */
export function ImportAutoscalerDialog(props: {
  state: WorkloadState;
  other: OtherAutoscalerRef;
}) {
  const { state, other } = props;
  const api = useApi(autoscalingApiRef);
  const { permissions, loading } = usePermissions(state.entityRef);
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState(
    `Imported from ${other.kind} ${other.namespace}/${other.name}`,
  );
  const proposal = useQuery({
    queryKey: queryKeys.workload(state.id, 'other-autoscaler'),
    queryFn: () => api.getOtherAutoscalerImport(state.id),
    enabled: open,
  });
  const document = usePolicyDocument('service', state.entityRef);
  const update = useUpdatePolicy('service', state.entityRef);
  // No service-level document yet: the import starts it at version 0.
  const noDocument = document.isError && errorStatus(document.error) === 404;
  const documentReady = document.isSuccess || noDocument;
  const reasonError =
    reason.trim().length < 3
      ? 'Say why (at least 3 characters); it goes to the audit log'
      : undefined;

  const submit = async () => {
    if (!proposal.data || !documentReady || reasonError) return;
    const current = noDocument ? undefined : document.data;
    await update.mutateAsync({
      // Imported keys replace the service's own; the rest of its override stays.
      override: { ...(current?.override ?? {}), ...proposal.data.override },
      version: current?.version ?? 0,
      reason: reason.trim(),
    });
  };

  const result = update.data;
  return (
    <>
      <PermissionButton
        size="small"
        variant="outlined"
        onClick={() => setOpen(true)}
        disabledReason={disabledReasonFor(
          loading,
          permissions.canEditPolicy,
          PERMISSION_REASONS.editPolicy,
        )}
      >
        Import its settings
      </PermissionButton>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        fullWidth
        maxWidth="sm"
        aria-labelledby="import-autoscaler-title"
      >
        <DialogTitle id="import-autoscaler-title">
          Import {other.kind} {other.name} into this service's policy
        </DialogTitle>
        <DialogContent>
          {proposal.isPending && (
            <Typography>Reading {other.name} from the cluster…</Typography>
          )}
          {proposal.isError && (
            <Alert severity="error">{errorMessage(proposal.error)}</Alert>
          )}
          {proposal.data && (
            <>
              <Typography variant="body2" gutterBottom>
                These settings become this service's policy (saved as any edit
                is, so a guardrail may send it for approval):
              </Typography>
              <ul data-testid="import-lines">
                {importedLines(proposal.data.override).map(line => (
                  <li key={line}>
                    <Typography variant="body2">{line}</Typography>
                  </li>
                ))}
              </ul>
              {proposal.data.notes.length > 0 && (
                <Alert severity="warning" data-testid="import-notes">
                  Not imported:
                  <ul>
                    {proposal.data.notes.map(note => (
                      <li key={note}>{note}</li>
                    ))}
                  </ul>
                </Alert>
              )}
            </>
          )}
          <TextField
            label="Reason"
            fullWidth
            margin="dense"
            value={reason}
            onChange={e => setReason(e.target.value)}
            error={!!reasonError}
            helperText={reasonError ?? 'Recorded in the audit log.'}
          />
          {update.isError && (
            <Alert severity="error" sx={{ mt: 1 }}>
              {errorMessage(update.error)}
            </Alert>
          )}
          {result?.status === 'applied' && proposal.data && (
            <Alert
              severity="success"
              sx={{ mt: 1 }}
              data-testid="import-outcome"
            >
              Imported: this service's policy is now version{' '}
              {result.document.version}. Delete the {other.kind} so the engine
              can take over at its next evaluation:{' '}
              <code>{proposal.data.deleteCommand}</code>
            </Alert>
          )}
          {result?.status === 'pending-approval' && (
            <Alert severity="info" sx={{ mt: 1 }} data-testid="import-outcome">
              The import crosses a guardrail: it waits for the platform team's
              approval as change request {result.changeRequest.id} (Approvals
              tab). Keep the {other.kind} until it is approved.
            </Alert>
          )}
        </DialogContent>
        <DialogActions>
          <Box flexGrow={1} />
          <Button onClick={() => setOpen(false)}>Close</Button>
          <Button
            variant="contained"
            onClick={submit}
            disabled={
              !proposal.data ||
              !documentReady ||
              !!reasonError ||
              update.isPending ||
              !!result
            }
          >
            Import into the policy
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
