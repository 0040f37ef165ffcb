import Grid from '@mui/material/Grid';
import type { WorkloadState } from '@internal/plugin-autoscaling-common';
import { underProvisioned } from '../../lib/clamp';
import { CostCard } from './CostCard';
import { DecisionsCard } from './DecisionsCard';
import { ForecastCard } from './ForecastCard';
import { MetricsCard } from './MetricsCard';
import { ReplicaTimelineCard } from './ReplicaTimelineCard';
import { ScalingHeader } from './ScalingHeader';
import { VerticalRecommendationsCard } from './VerticalRecommendationsCard';

/** Everything about one workload of the service. */
export function WorkloadPanel({ state }: { state: WorkloadState }) {
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <ScalingHeader state={state} />
      </Grid>
      <Grid item xs={12} lg={8}>
        <ReplicaTimelineCard workloadId={state.id} />
      </Grid>
      <Grid item xs={12} lg={4}>
        <MetricsCard metrics={state.metrics} state={state} />
      </Grid>
      <Grid item xs={12} lg={6}>
        <ForecastCard workloadId={state.id} />
      </Grid>
      <Grid item xs={12} lg={6}>
        <CostCard
          workloadId={state.id}
          tenant={state.tenant}
          savingsWithheld={
            underProvisioned(state)
              ? 'None offered: the service is under-provisioned (held below what it needs). Savings come back once it has room.'
              : undefined
          }
        />
      </Grid>
      <Grid item xs={12}>
        <DecisionsCard workloadId={state.id} />
      </Grid>
      <Grid item xs={12}>
        <VerticalRecommendationsCard workloadId={state.id} />
      </Grid>
    </Grid>
  );
}
