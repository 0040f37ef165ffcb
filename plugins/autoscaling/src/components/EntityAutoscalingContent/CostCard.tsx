import { InfoCard } from '@backstage/core-components';
import { useWorkloadCost } from '../../hooks/useWorkloadData';
import { QueryState } from '../common/QueryState';
import { CostBreakdownView } from '../cost/CostBreakdownView';
import { CostNotAllowed, isCostNotAllowed } from '../cost/CostNotAllowed';
import { CARD_TITLE } from '../common/cardTitle';

/** What the workload costs now, this month and on the forecast, and what could be saved. */
export function CostCard({
  workloadId,
  tenant,
  savingsWithheld,
}: {
  workloadId: string;
  /** The service's tenant, named when the user may not see the cost (403). */
  tenant?: string;
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
        {cost.isError && isCostNotAllowed(cost.error) ? (
          <CostNotAllowed
            error={cost.error}
            what="this service's cost"
            title={
              tenant
                ? `Cost is visible to members of tenant ${tenant} and the platform team`
                : 'Cost is visible to members of its tenant and the platform team'
            }
          />
        ) : (
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
        )}
      </div>
    </InfoCard>
  );
}
