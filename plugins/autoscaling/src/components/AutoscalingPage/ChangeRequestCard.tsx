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
import { errorMessage } from '../../lib/errors';
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

/** One change request with its diff, guardrails and backtest, and approve/reject with a comment. */
export function ChangeRequestCard(props: {
  request: ChangeRequest;
  currentUser?: string;
}) {
  const { request, currentUser } = props;
  const { permissions, loading } = usePermissions(request.entityRef);
  const canApprove = permissions.canApprove;
  const decide = useDecideChangeRequest();
  const [comment, setComment] = useState('');
  const own = currentUser !== undefined && request.requestedBy === currentUser;
  const pending = request.status === 'pending';
  let disabledReason: string | undefined;
  if (loading) disabledReason = PERMISSION_REASONS.loading;
  else if (!canApprove) disabledReason = PERMISSION_REASONS.approve;
  else if (own) disabledReason = PERMISSION_REASONS.ownRequest;
  else if (!currentUser) disabledReason = PERMISSION_REASONS.loading;

  const act = (decision: 'approve' | 'reject') =>
    decide.mutate({ id: request.id, decision, comment: comment.trim() });

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
        </Box>
        <Typography variant="body2" color="text.secondary">
          Requested by {request.requestedBy} on{' '}
          {formatDateTime(request.requestedAt)} (base version{' '}
          {request.baseVersion}): “{request.reason}”
        </Typography>
        {request.decidedBy && (
          <Typography variant="body2" color="text.secondary">
            {request.status} by {request.decidedBy} on{' '}
            {formatDateTime(request.decidedAt)}
            {request.comment ? `: “${request.comment}”` : ''}
          </Typography>
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
