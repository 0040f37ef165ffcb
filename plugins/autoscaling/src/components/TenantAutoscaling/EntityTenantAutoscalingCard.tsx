import { InfoCard } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { useTenantSummary } from '../../hooks/useTenantSummary';
import {
  PendingChangesNotice,
  tenantRequests,
} from '../common/PendingChangesNotice';
import { QueryState } from '../common/QueryState';
import { CostNotAllowed, isCostNotAllowed } from '../cost/CostNotAllowed';
import { QueryProvider } from '../QueryProvider';
import { TenantTotals } from './TenantTotals';
import { CARD_TITLE } from '../common/cardTitle';

function TenantCardView() {
  const { entity } = useEntity();
  const tenant = entity.metadata.name;
  const summary = useTenantSummary(tenant);
  return (
    <InfoCard
      titleTypographyProps={CARD_TITLE}
      title="Autoscaling"
      subheader="Replicas against quota, spend against budget"
      deepLink={{ title: 'Services and policy', link: 'autoscaling' }}
    >
      <div data-testid="tenant-autoscaling-card">
        <PendingChangesNotice
          what={`${tenant} and its services`}
          matches={tenantRequests(tenant, summary.data)}
        />
        {summary.isError && isCostNotAllowed(summary.error) ? (
          <CostNotAllowed
            error={summary.error}
            what={`${entity.metadata.name}'s cost and budget`}
          />
        ) : (
          <QueryState query={summary} compact emptyTitle="No workloads yet">
            {s => <TenantTotals summary={s} />}
          </QueryState>
        )}
      </div>
    </InfoCard>
  );
}

/** A tenant Group's autoscaling card for its overview. */
export function EntityTenantAutoscalingCard() {
  return (
    <QueryProvider>
      <TenantCardView />
    </QueryProvider>
  );
}
