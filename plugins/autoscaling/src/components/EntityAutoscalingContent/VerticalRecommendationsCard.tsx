import { InfoCard } from '@backstage/core-components';
import type {
  VerticalConfidenceLevel,
  VerticalRecommendation,
} from '@internal/plugin-autoscaling-common';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useWorkloadRecommendations } from '../../hooks/useWorkloadData';
import {
  NO_VALUE,
  formatDuration,
  formatMoney,
  formatResource,
  pluralReplicas,
} from '../../lib/format';
import { QueryState } from '../common/QueryState';
import { ReasonList } from './ReasonList';
import { VerticalActivity } from './VerticalActivity';
import { CARD_TITLE } from '../common/cardTitle';

const LEVEL_WORDS: Record<VerticalConfidenceLevel, string> = {
  none: 'None yet',
  low: 'Low',
  medium: 'Medium',
  high: 'High',
};

/** The range is worth showing from a day of history (upper bound ≤ 2× the estimate). */
export function showsRange(v: Pick<VerticalRecommendation, 'confidenceLevel'>) {
  return v.confidenceLevel === 'medium' || v.confidenceLevel === 'high';
}

function historyText(days: number): string {
  return formatDuration(Math.round(days * 86_400));
}

/** "Low (5 h of history)". */
export function confidenceText(
  v: Pick<VerticalRecommendation, 'confidenceLevel' | 'confidenceDays'>,
): string {
  return `${LEVEL_WORDS[v.confidenceLevel]} (${historyText(
    v.confidenceDays,
  )} of history)`;
}

function savingsText(v: VerticalRecommendation, currency: string): string {
  if (v.monthlySavings === null) return NO_VALUE;
  if (v.current !== null && v.target > v.current) return 'none (request rises)';
  return formatMoney(v.monthlySavings, currency);
}

function changeText(v: VerticalRecommendation): string {
  return `${formatResource(v.resource, v.current)} → ${formatResource(
    v.resource,
    v.target,
  )}`;
}

/** Current versus recommended requests per container, with the monthly savings. */
export function VerticalRecommendationsCard({
  workloadId,
}: {
  workloadId: string;
}) {
  const recommendations = useWorkloadRecommendations(workloadId);
  return (
    <InfoCard
      titleTypographyProps={CARD_TITLE}
      title="Right-sizing recommendations"
    >
      <QueryState
        query={recommendations}
        compact
        emptyTitle="No recommendations yet"
        emptyDescription="Requests are compared with usage after a day of samples."
        isEmpty={r =>
          r.vertical.length === 0 && !r.horizontal && r.actions.length === 0
        }
      >
        {r => {
          const currency = r.currency ?? 'USD';
          const unsure = r.vertical.filter(v => !showsRange(v));
          const shortest = unsure.reduce(
            (min, v) => Math.min(min, v.confidenceDays),
            Infinity,
          );
          return (
            <>
              {r.vertical.length > 0 && (
                <Table size="small" aria-label="Vertical recommendations">
                  <TableHead>
                    <TableRow>
                      <TableCell>Container</TableCell>
                      <TableCell>Resource</TableCell>
                      <TableCell align="right">
                        Request: current → recommended
                      </TableCell>
                      <TableCell align="right">Range</TableCell>
                      <TableCell align="right">Confidence</TableCell>
                      <TableCell align="right">Savings / month</TableCell>
                    </TableRow>
                  </TableHead>
                  <TableBody>
                    {r.vertical.map(v => (
                      <TableRow
                        key={`${v.container}-${v.resource}`}
                        data-testid={`rightsizing-${v.container}-${v.resource}`}
                      >
                        <TableCell>{v.container}</TableCell>
                        <TableCell>
                          {v.resource}
                          {v.currentLimit !== null && (
                            <Typography variant="caption" display="block">
                              limit {formatResource(v.resource, v.currentLimit)}
                            </Typography>
                          )}
                          {v.oomKills > 0 && (
                            <Typography variant="caption" display="block">
                              raised after {v.oomKills} OOM kill
                              {v.oomKills === 1 ? '' : 's'}
                            </Typography>
                          )}
                        </TableCell>
                        <TableCell align="right">{changeText(v)}</TableCell>
                        <TableCell align="right">
                          {showsRange(v)
                            ? `${formatResource(
                                v.resource,
                                v.lowerBound,
                              )} – ${formatResource(v.resource, v.upperBound)}`
                            : 'not yet'}
                        </TableCell>
                        <TableCell align="right">{confidenceText(v)}</TableCell>
                        <TableCell align="right">
                          {savingsText(v, currency)}
                        </TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              )}
              {r.monthlySavings !== null && r.vertical.length > 0 && (
                <Typography
                  variant="body2"
                  sx={{ mt: 1 }}
                  data-testid="rightsizing-savings"
                >
                  Right-sizing saves {formatMoney(r.monthlySavings, currency)}{' '}
                  per month on the current replicas, at the prices of the cost
                  card.
                </Typography>
              )}
              {unsure.length > 0 && (
                <Typography
                  variant="body2"
                  sx={{ mt: 1 }}
                  data-testid="rightsizing-low-confidence"
                >
                  Low confidence: only {historyText(shortest)} of usage history.
                  The recommendation can still move a lot, so no range is shown
                  yet; it appears after a day, when the upper bound is at most
                  twice the estimate, and narrows over a week.
                </Typography>
              )}
              <VerticalActivity recommendations={r} />
              {r.horizontal && (
                <>
                  <Typography variant="subtitle2" component="h3" sx={{ mt: 2 }}>
                    With these requests the horizontal engine would run{' '}
                    {pluralReplicas(r.horizontal.replicas)} (now{' '}
                    {r.horizontal.currentReplicas}, bounds{' '}
                    {r.horizontal.minReplicas}–{r.horizontal.maxReplicas})
                  </Typography>
                  <ReasonList reasons={r.horizontal.reasons} />
                </>
              )}
            </>
          );
        }}
      </QueryState>
    </InfoCard>
  );
}
