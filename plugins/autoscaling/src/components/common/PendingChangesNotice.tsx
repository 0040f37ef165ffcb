import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import Alert from '@mui/material/Alert';
import type {
  ChangeRequest,
  TenantSummary,
} from '@internal/plugin-autoscaling-common';
import { useChangeRequests } from '../../hooks/usePlatformData';
import { formatDateTime } from '../../lib/format';
import { rootRouteRef } from '../../routes';

/** The platform page's approvals tab. */
export function useApprovalsLink(): string {
  const root = useRouteRef(rootRouteRef);
  return `${root()}?view=approvals`;
}

/** Requests on a tenant's default policy or on the policy of one of its services. */
export function tenantRequests(
  tenant: string,
  summary: TenantSummary | undefined,
): (request: ChangeRequest) => boolean {
  const services = new Set(summary?.workloads.map(w => w.entityRef));
  return r =>
    (r.target.level === 'tenant' && r.target.name === tenant) ||
    services.has(r.entityRef);
}

function names(requests: ChangeRequest[]): string {
  const people = [...new Set(requests.map(r => r.requestedBy))];
  const shown = people.slice(0, 3).join(', ');
  return people.length > 3 ? `${shown} and others` : shown;
}

/**
 * Pending change requests on this service or tenant: how many, by whom, since when, and a link
 * to the approvals tab. Nothing when there are none (or they cannot be read).
 */
export function PendingChangesNotice(props: {
  /** Which pending requests concern this page. */
  matches: (request: ChangeRequest) => boolean;
  /** "checkout-api", "tenant team-a" */
  what: string;
}) {
  const requests = useChangeRequests('pending');
  const link = useApprovalsLink();
  const mine = (requests.data ?? []).filter(props.matches);
  if (mine.length === 0) return null;
  const oldest = mine.reduce((a, b) =>
    a.requestedAt <= b.requestedAt ? a : b,
  );
  const count =
    mine.length === 1 ? '1 policy change' : `${mine.length} policy changes`;
  return (
    <Alert severity="info" sx={{ mb: 2 }} data-testid="pending-changes">
      {count} to {props.what} {mine.length === 1 ? 'waits' : 'wait'} for
      approval (requested by {names(mine)}, the oldest on{' '}
      {formatDateTime(oldest.requestedAt)}); they apply only once approved.{' '}
      <Link to={link}>Open the approvals</Link>
    </Alert>
  );
}
