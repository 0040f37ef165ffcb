import Grid from '@mui/material/Grid';
import { ScalingRulesFields } from './ScalingRulesFields';
import { Section } from './Section';

export function BehaviorSection() {
  return (
    <Section
      title="Behaviour"
      description="How fast replicas may change, as in the Kubernetes HPA."
    >
      <Grid container spacing={3}>
        <Grid item xs={12} md={6}>
          <ScalingRulesFields direction="scaleUp" />
        </Grid>
        <Grid item xs={12} md={6}>
          <ScalingRulesFields direction="scaleDown" />
        </Grid>
      </Grid>
    </Section>
  );
}
