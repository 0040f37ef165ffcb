import { useState } from 'react';
import Box from '@mui/material/Box';
import Card from '@mui/material/Card';
import CardContent from '@mui/material/CardContent';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import Alert from '@mui/material/Alert';
import type { ChangeRequest } from '@internal/plugin-autoscaling-common';
import { useDecideChangeRequest } from '../../hooks/usePlatformData';
import { usePermissions } from '../../hooks/usePermissions';
import { errorMessage, errorStatus } from '../../lib/errors';
import { formatDateTime } from '../../lib/format';
import { PERMISSION_REASONS } from '../../lib/permissions';
import { PermissionButton } from '../common/PermissionButton';
import { BacktestChart } from '../PolicyEditor/BacktestChart';
import { GuardrailNotice } from '../PolicyEditor/GuardrailNotice';
import { PolicyDiffTable } from '../PolicyEditor/PolicyDiffTable';
import { StatusChip } from '../common/StatusChip';

const STATUS_COLOR = {
  pending: 'warning',
  applied: 'success',
  rejected: 'default',
  superseded: 'default',
} as const;

/** What became of an approve or reject, for the queue to show after the card is gone. */
export interface ChangeRequestOutcome {
  id: string;
  severity: 'success' | 'error';
  text: string;
}

/** Deciders that are the system, not a person (e.g. the policy version check). */
const isSystem = (actor: string) => actor.startsWith('system:');

function decidedLine(request: ChangeRequest): string {
  const when = formatDateTime(request.decidedAt);
  const comment = request.comment ? `: “${request.comment}”` : '';
  if (request.decidedBy && isSystem(request.decidedBy)) {
    return request.status === 'superseded'
      ? `Superseded by the policy version check on ${when}${comment}`
      : `${request.status} by the system on ${when}${comment}`;
  }
  return `${request.status} by ${request.decidedBy} on ${when}${comment}`;
}

function outcomeOf(
  request: ChangeRequest,
  decision: 'approve' | 'reject',
  result: { ok: true } | { ok: false; error: unknown },
): ChangeRequestOutcome {
  const what = `${request.target.level} policy ${request.target.name}`;
  if (result.ok) {
    return {
      id: request.id,
      severity: 'success',
      text:
        decision === 'approve'
          ? `Approved: the change to the ${what} requested by ${request.requestedBy} is applied; they are notified.`
          : `Rejected: the change to the ${what} requested by ${request.requestedBy}; they are notified.`,
    };
  }
  const raw = errorMessage(result.error);
  const message = /[.!?]$/.test(raw) ? raw : `${raw}.`;
  const superseded =
    errorStatus(result.error) === 409 && /superseded/.test(raw)
      ? ` It is listed under Superseded, and ${request.requestedBy} is notified.`
      : '';
  return {
    id: request.id,
    severity: 'error',
    text: `Not ${
      decision === 'approve' ? 'approved' : 'rejected'
    }: the ${what}. ${message}${superseded}`,
  };
}

/** One change request with its diff, guardrails and backtest, and approve/reject with a comment. */
export function ChangeRequestCard(props: {
  request: ChangeRequest;
  currentUser?: string;
  /** The version of the target's policy now; a pending request against another is stale. */
  currentVersion?: number;
  /** Told what became of an approve or reject (the card itself may leave the list). */
  onOutcome?: (outcome: ChangeRequestOutcome) => void;
}) {
  const { request, currentUser, currentVersion, onOutcome } = props;
  const { permissions, loading } = usePermissions(request.entityRef);
  const canApprove = permissions.canApprove;
  const decide = useDecideChangeRequest();
  const [comment, setComment] = useState('');
  const own = currentUser !== undefined && request.requestedBy === currentUser;
  const pending = request.status === 'pending';
  const stale =
    pending &&
    currentVersion !== undefined &&
    currentVersion !== request.baseVersion;
  let disabledReason: string | undefined;
  if (loading) disabledReason = PERMISSION_REASONS.loading;
  else if (!canApprove) disabledReason = PERMISSION_REASONS.approve;
  else if (own) disabledReason = PERMISSION_REASONS.ownRequest;
  else if (!currentUser) disabledReason = PERMISSION_REASONS.loading;

  const act = async (decision: 'approve' | 'reject') => {
    try {
      await decide.mutateAsync({
        id: request.id,
        decision,
        comment: comment.trim(),
      });
      onOutcome?.(outcomeOf(request, decision, { ok: true }));
    } catch (error) {
      onOutcome?.(outcomeOf(request, decision, { ok: false, error }));
    }
  };

  return (
    <Card
      variant="outlined"
      sx={{ mb: 2 }}
      data-testid={`change-request-${request.id}`}
    >
      <CardContent>
        <Box display="flex" gap={1} alignItems="center" flexWrap="wrap" mb={1}>
          <Typography variant="h6" component="h2">
            {request.target.level} policy {request.target.name}
          </Typography>
          <StatusChip
            size="small"
            label={request.status}
            tone={STATUS_COLOR[request.status]}
          />
          {stale && (
            <StatusChip
              size="small"
              label="stale"
              tone="warning"
              data-testid="stale-chip"
            />
          )}
        </Box>
        <Typography variant="body2" color="text.secondary">
          Requested by {request.requestedBy} on{' '}
          {formatDateTime(request.requestedAt)} (base version{' '}
          {request.baseVersion}): “{request.reason}”
        </Typography>
        {request.decidedBy && (
          <Typography variant="body2" color="text.secondary">
            {decidedLine(request)}
          </Typography>
        )}
        {stale && (
          <Alert severity="warning" sx={{ mt: 1 }} data-testid="stale-notice">
            Stale: requested against version {request.baseVersion} of this
            policy, which is now at version {currentVersion}. Approving it will
            be refused and the request superseded; reject it, or ask{' '}
            {request.requestedBy} to request the change again against the
            current policy.
          </Alert>
        )}
        <Box my={2}>
          <PolicyDiffTable diff={request.diff} />
        </Box>
        <GuardrailNotice guardrails={request.guardrails} />
        {request.backtest ? (
          <Box mt={2}>
            <BacktestChart backtest={request.backtest} />
          </Box>
        ) : (
          <Typography variant="body2" color="text.secondary" mt={1}>
            No backtest: not enough recorded demand for this target.
          </Typography>
        )}
        {pending && (
          <Box mt={2}>
            <TextField
              label="Comment"
              size="small"
              fullWidth
              value={comment}
              onChange={e => setComment(e.target.value)}
              disabled={Boolean(disabledReason)}
              helperText={
                disabledReason ??
                'Recorded in the audit log with your decision.'
              }
            />
            <Box display="flex" gap={1} mt={1}>
              <PermissionButton
                variant="contained"
                color="primary"
                onClick={() => act('approve')}
                disabled={decide.isPending}
                disabledReason={disabledReason}
              >
                Approve
              </PermissionButton>
              <PermissionButton
                variant="outlined"
                color="error"
                onClick={() => act('reject')}
                disabled={decide.isPending || comment.trim().length === 0}
                disabledReason={disabledReason}
                title={
                  comment.trim().length === 0
                    ? 'Say why you reject it'
                    : undefined
                }
              >
                Reject
              </PermissionButton>
            </Box>
            {decide.isError && (
              <Alert severity="error" sx={{ mt: 1 }}>
                {errorMessage(decide.error)}
              </Alert>
            )}
          </Box>
        )}
      </CardContent>
    </Card>
  );
}
