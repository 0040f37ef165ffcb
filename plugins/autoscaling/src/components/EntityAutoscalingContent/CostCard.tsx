import { InfoCard } from '@backstage/core-components';
import { useWorkloadCost } from '../../hooks/useWorkloadData';
import { QueryState } from '../common/QueryState';
import { CostBreakdownView } from '../cost/CostBreakdownView';
import { CARD_TITLE } from '../common/cardTitle';

/** What the workload costs now, this month and on the forecast, and what could be saved. */
export function CostCard({
  workloadId,
  savingsWithheld,
}: {
  workloadId: string;
  /** Why no savings are offered (an under-provisioned workload), when none are. */
  savingsWithheld?: string;
}) {
  const cost = useWorkloadCost(workloadId);
  return (
    <InfoCard
      titleTypographyProps={CARD_TITLE}
      title="Cost"
      subheader="Allocated as max(request, usage) × hours × price"
    >
      <div data-testid="cost-card">
        <QueryState
          query={cost}
          compact
          emptyTitle="No cost data yet"
          emptyDescription="Costs appear after the first hour of usage samples."
          isEmpty={c => c.hourly === 0 && c.monthToDate === 0}
        >
          {c => (
            <CostBreakdownView cost={c} savingsWithheld={savingsWithheld} />
          )}
        </QueryState>
      </div>
    </InfoCard>
  );
}
