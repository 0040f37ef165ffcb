import { useState } from 'react';
import Box from '@mui/material/Box';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import type { ChangeRequestStatus } from '@internal/plugin-autoscaling-common';
import { useChangeRequests } from '../../hooks/usePlatformData';
import { useCurrentUser } from '../../hooks/useCurrentUser';
import { QueryState } from '../common/QueryState';
import { ChangeRequestCard } from './ChangeRequestCard';

/** Change requests that crossed a guardrail, pending first. */
export function ApprovalQueue() {
  const [status, setStatus] = useState<ChangeRequestStatus | undefined>(
    'pending',
  );
  const requests = useChangeRequests(status);
  const currentUser = useCurrentUser();
  return (
    <Box>
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
              />
            ))
        }
      </QueryState>
    </Box>
  );
}
