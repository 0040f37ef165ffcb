import type {
  VerticalActionRecord,
  VerticalChangeRecord,
  WorkloadRecommendations,
} from '@internal/plugin-autoscaling-common';
import { Link } from '@backstage/core-components';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import Typography from '@mui/material/Typography';
import { formatResource } from '../../lib/format';
import { useApprovalsLink } from '../common/PendingChangesNotice';

const MONTHS = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];

/** "2 Dec, 14:05" (UTC, as the charts). */
export function shortDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const hh = String(date.getUTCHours()).padStart(2, '0');
  const mm = String(date.getUTCMinutes()).padStart(2, '0');
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]}, ${hh}:${mm} UTC`;
}

/** "cpu lowered from 500m to 280m" / "memory raised from 256 MiB to 400 MiB". */
export function changeWords(
  change: VerticalChangeRecord,
  container?: string,
): string {
  const to = formatResource(change.resource, change.to);
  const what = container
    ? `${change.container} ${change.resource}`
    : change.resource;
  if (change.from === null) return `${what} set to ${to}`;
  const verb = change.to < change.from ? 'lowered' : 'raised';
  return `${what} ${verb} from ${formatResource(
    change.resource,
    change.from,
  )} to ${to}`;
}

const HOW: Record<VerticalActionRecord['method'], string> = {
  'in-place': 'in place',
  'rolling-update': 'by a rolling update of the pod template',
  template: 'on the rollout under way (new pods only)',
};

const NOT_APPLIED: Partial<Record<VerticalActionRecord['outcome'], string>> = {
  'dry-run': 'not applied: the workload is in dry-run mode',
  'forecast-only': 'not applied: the workload is in forecast-only mode',
  off: 'not applied: the policy mode is off',
  'kill-switch': 'not applied: the kill switch is on',
  failed: 'failed',
  conflict: 'not applied: the workload changed meanwhile (tried again later)',
};

/** One action in words, e.g. "Requests: cpu lowered from 500m to 280m on 2 Dec, 14:05 UTC, in place; 2 pods, no restart". */
export function actionWords(action: VerticalActionRecord): string {
  const containers = new Set(action.changes.map(c => c.container));
  const several = containers.size > 1;
  const changes = action.changes
    .map(c => changeWords(c, several ? c.container : undefined))
    .join(', ');
  const when = shortDateTime(action.at);
  if (action.outcome === 'change-request') {
    return `${changes} needs an approval (more than +50% on a production service): change request filed on ${when}`;
  }
  if (action.outcome === 'disruption-budget') {
    return `${changes} waits since ${when}: ${
      action.error ?? 'a PodDisruptionBudget allows no disruption now'
    }; tried again at the next evaluation`;
  }
  if (action.outcome === 'applied') {
    const pods =
      action.method === 'in-place' && action.pods !== undefined
        ? `; ${action.pods} pod${action.pods === 1 ? '' : 's'}, no restart`
        : '';
    return `${changes} on ${when}, ${HOW[action.method]}${pods}`;
  }
  const why = NOT_APPLIED[action.outcome] ?? action.outcome;
  return `Would have ${changes.replace(
    / (lowered|raised|set)/,
    ' $1',
  )} on ${when}, ${HOW[action.method]}; ${why}${
    action.error && action.outcome === 'failed' ? ` (${action.error})` : ''
  }`;
}

const MODE_WORDS: Record<WorkloadRecommendations['mode'], string> = {
  Off: 'Vertical mode Off: the recommendations are advice, nothing is written.',
  Initial:
    'Vertical mode Initial: requests are set on the pod template when the workload next rolls; running pods keep theirs.',
  Auto: 'Vertical mode Auto: requests change when the recommendation moves by more than 10%, at most once an hour, in place where the cluster supports it.',
};

/** What vertical Initial/Auto did and when, and what waits for the next rollout. */
export function VerticalActivity({
  recommendations,
}: {
  recommendations: WorkloadRecommendations;
}) {
  const { mode, actions, waiting } = recommendations;
  const approvals = useApprovalsLink();
  return (
    <div data-testid="rightsizing-activity">
      <Typography variant="subtitle2" component="h3" sx={{ mt: 2 }}>
        What the engine did
      </Typography>
      <Typography variant="body2" data-testid="rightsizing-mode">
        {MODE_WORDS[mode] ?? `Vertical mode ${mode}`}
      </Typography>
      {waiting.length > 0 && (
        <Typography
          variant="body2"
          sx={{ mt: 1 }}
          data-testid="rightsizing-waiting"
        >
          Waiting for the next rollout:{' '}
          {waiting.map(c => changeWords(c, c.container)).join(', ')}.
        </Typography>
      )}
      {actions.length > 0 ? (
        <List dense aria-label="Vertical actions" disablePadding>
          {actions.map(action => (
            <ListItem
              key={`${action.at}-${action.outcome}`}
              disableGutters
              data-testid="rightsizing-action"
            >
              <Typography variant="body2">
                {actionWords(action).replace(/^./, c => c.toUpperCase())}
                {action.changeRequestId && (
                  <>
                    {' '}
                    (<Link to={approvals}>open the approvals</Link>)
                  </>
                )}
              </Typography>
            </ListItem>
          ))}
        </List>
      ) : (
        mode !== 'Off' && (
          <Typography variant="body2" sx={{ mt: 1 }} color="text.secondary">
            No change written yet.
          </Typography>
        )
      )}
    </div>
  );
}
