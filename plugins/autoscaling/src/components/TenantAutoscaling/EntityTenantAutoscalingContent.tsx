import { InfoCard } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import Grid from '@mui/material/Grid';
import { useApi } from '@backstage/core-plugin-api';
import { autoscalingApiRef } from '../../api';
import { useTenantSummary } from '../../hooks/useTenantSummary';
import { ExportButton } from '../common/ExportButton';
import {
  PendingChangesNotice,
  tenantRequests,
} from '../common/PendingChangesNotice';
import { QueryState } from '../common/QueryState';
import { CostBreakdownView } from '../cost/CostBreakdownView';
import { CostNotAllowed, isCostNotAllowed } from '../cost/CostNotAllowed';
import { PolicyEditor } from '../PolicyEditor';
import { QueryProvider } from '../QueryProvider';
import { TenantServicesTable } from './TenantServicesTable';
import { TenantTotals } from './TenantTotals';
import { TenantForecastCard } from './TenantForecastCard';
import { TenantTrendsCard } from './TenantTrendsCard';
import { CARD_TITLE } from '../common/cardTitle';

function TenantView() {
  const { entity } = useEntity();
  const tenant = entity.metadata.name;
  const entityRef = stringifyEntityRef(entity);
  const api = useApi(autoscalingApiRef);
  const summary = useTenantSummary(tenant);
  return (
    <Grid container spacing={3} data-testid="tenant-autoscaling-content">
      <Grid item xs={12} sx={{ '&:empty': { display: 'none' } }}>
        {/* The tenant's default policy and the policies of its services. */}
        <PendingChangesNotice
          what={`${tenant} and its services`}
          matches={tenantRequests(tenant, summary.data)}
        />
      </Grid>
      {summary.isError && isCostNotAllowed(summary.error) ? (
        <Grid item xs={12}>
          <CostNotAllowed
            error={summary.error}
            what={`${tenant}'s services, cost and budget`}
          />
        </Grid>
      ) : (
        <QueryState
          query={summary}
          emptyTitle="No workloads for this tenant yet"
          emptyDescription="Services annotated with autoscaling.io/tenant appear here after the engine evaluates them."
          isEmpty={s => s.workloads.length === 0 && s.totalReplicas === 0}
        >
          {s => (
            <>
              <Grid item xs={12}>
                <InfoCard titleTypographyProps={CARD_TITLE} title="Totals">
                  <TenantTotals summary={s} />
                </InfoCard>
              </Grid>
              <Grid item xs={12}>
                <TenantTrendsCard tenant={tenant} />
              </Grid>
              <Grid item xs={12}>
                <TenantForecastCard tenant={tenant} />
              </Grid>
              <Grid item xs={12}>
                <InfoCard
                  titleTypographyProps={CARD_TITLE}
                  title={`Services of ${tenant}`}
                >
                  <TenantServicesTable
                    workloads={s.workloads}
                    currency={s.cost.currency}
                  />
                </InfoCard>
              </Grid>
              <Grid item xs={12}>
                <InfoCard
                  titleTypographyProps={CARD_TITLE}
                  title="Cost"
                  action={
                    <ExportButton
                      label="Export CSV"
                      fileName={`cost-${tenant}.csv`}
                      fetchBlob={() => api.exportCost(tenant)}
                    />
                  }
                >
                  <div data-testid="cost-card">
                    <CostBreakdownView cost={s.cost} />
                  </div>
                </InfoCard>
              </Grid>
            </>
          )}
        </QueryState>
      )}
      <Grid item xs={12}>
        <PolicyEditor
          level="tenant"
          name={tenant}
          entityRef={entityRef}
          title="Tenant default policy"
        />
      </Grid>
    </Grid>
  );
}

/** The Autoscaling tab of a tenant Group. */
export function EntityTenantAutoscalingContent() {
  return (
    <QueryProvider>
      <TenantView />
    </QueryProvider>
  );
}
