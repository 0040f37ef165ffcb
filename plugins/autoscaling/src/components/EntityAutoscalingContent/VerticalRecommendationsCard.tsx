import { InfoCard } from '@backstage/core-components';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useWorkloadRecommendations } from '../../hooks/useWorkloadData';
import { formatMoney, formatPercent, formatResource } from '../../lib/format';
import { QueryState } from '../common/QueryState';
import { ReasonList } from './ReasonList';
import { CARD_TITLE } from '../common/cardTitle';

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
        isEmpty={r => r.vertical.length === 0 && !r.horizontal}
      >
        {r => (
          <>
            {r.vertical.length > 0 && (
              <Table size="small" aria-label="Vertical recommendations">
                <TableHead>
                  <TableRow>
                    <TableCell>Container</TableCell>
                    <TableCell>Resource</TableCell>
                    <TableCell align="right">Current request</TableCell>
                    <TableCell align="right">Recommended</TableCell>
                    <TableCell align="right">Range</TableCell>
                    <TableCell align="right">Confidence</TableCell>
                    <TableCell align="right">Savings / month</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {r.vertical.map(v => (
                    <TableRow key={`${v.container}-${v.resource}`}>
                      <TableCell>{v.container}</TableCell>
                      <TableCell>{v.resource}</TableCell>
                      <TableCell align="right">
                        {formatResource(v.resource, v.current)}
                      </TableCell>
                      <TableCell align="right">
                        {formatResource(v.resource, v.target)}
                      </TableCell>
                      <TableCell align="right">
                        {formatResource(v.resource, v.lowerBound)} –{' '}
                        {formatResource(v.resource, v.upperBound)}
                      </TableCell>
                      <TableCell align="right">
                        {formatPercent(v.confidence * 100)}
                      </TableCell>
                      <TableCell align="right">
                        {formatMoney(v.monthlySavings)}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
            {r.horizontal && (
              <>
                <Typography variant="subtitle2" component="h3" sx={{ mt: 2 }}>
                  Suggested replica bounds: {r.horizontal.minReplicas}–
                  {r.horizontal.maxReplicas}
                </Typography>
                <ReasonList reasons={r.horizontal.reasons} />
              </>
            )}
          </>
        )}
      </QueryState>
    </InfoCard>
  );
}
