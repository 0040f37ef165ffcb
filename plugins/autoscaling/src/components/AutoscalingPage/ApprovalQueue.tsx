import { useState } from 'react';
import Box from '@mui/material/Box';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import type { ChangeRequestStatus } from '@internal/plugin-autoscaling-common';
import Alert from '@mui/material/Alert';
import {
  targetKey,
  useChangeRequests,
  useCurrentPolicyVersions,
} from '../../hooks/usePlatformData';
import { useCurrentUser } from '../../hooks/useCurrentUser';
import { QueryState } from '../common/QueryState';
import {
  ChangeRequestCard,
  type ChangeRequestOutcome,
} from './ChangeRequestCard';

/** Outcomes kept on screen (newest first) until dismissed. */
const MAX_OUTCOMES = 5;

/**
 * Change requests that crossed a guardrail, pending first. Stale pending requests (made against
 * an older version of their policy) are marked; the outcome of each approve and reject stays
 * above the list, since a decided card leaves the pending list.
 */
export function ApprovalQueue() {
  const [status, setStatus] = useState<ChangeRequestStatus | undefined>(
    'pending',
  );
  const requests = useChangeRequests(status);
  const currentUser = useCurrentUser();
  const versions = useCurrentPolicyVersions(requests.data);
  const [outcomes, setOutcomes] = useState<ChangeRequestOutcome[]>([]);
  const addOutcome = (outcome: ChangeRequestOutcome) =>
    setOutcomes(previous =>
      [outcome, ...previous.filter(o => o.id !== outcome.id)].slice(
        0,
        MAX_OUTCOMES,
      ),
    );
  return (
    <Box>
      <Box role="status" aria-live="polite">
        {outcomes.map(o => (
          <Alert
            key={o.id}
            severity={o.severity}
            sx={{ mb: 2 }}
            data-testid="change-request-outcome"
            onClose={() =>
              setOutcomes(previous => previous.filter(x => x.id !== o.id))
            }
          >
            {o.text}
          </Alert>
        ))}
      </Box>
      <ToggleButtonGroup
        exclusive
        size="small"
        value={status ?? 'all'}
        onChange={(_, v) => v && setStatus(v === 'all' ? undefined : v)}
        aria-label="Change request status"
        sx={{ mb: 2 }}
      >
        <ToggleButton value="pending">Pending</ToggleButton>
        <ToggleButton value="applied">Applied</ToggleButton>
        <ToggleButton value="rejected">Rejected</ToggleButton>
        <ToggleButton value="superseded">Superseded</ToggleButton>
        <ToggleButton value="all">All</ToggleButton>
      </ToggleButtonGroup>
      <QueryState
        query={requests}
        emptyTitle={
          status === 'pending'
            ? 'No changes waiting for approval'
            : 'No change requests'
        }
        emptyDescription="Policy changes that cross a guardrail (quota, production bounds, budget) wait here for a second person."
        isEmpty={r => r.length === 0}
      >
        {r =>
          [...r]
            .sort((a, b) => b.requestedAt.localeCompare(a.requestedAt))
            .map(request => (
              <ChangeRequestCard
                key={request.id}
                request={request}
                currentUser={currentUser}
                currentVersion={versions.get(targetKey(request.target))}
                onOutcome={addOutcome}
              />
            ))
        }
      </QueryState>
    </Box>
  );
}
