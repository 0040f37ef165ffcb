import Grid from '@mui/material/Grid';
import { NumberField } from '../fields/NumberField';
import { Section } from './Section';

export function FallbackSection() {
  return (
    <Section
      title="Fallback"
      description="Replicas to hold when metrics are missing for several evaluations."
    >
      <Grid container spacing={2}>
        <Grid item xs={6}>
          <NumberField
            name="fallback.failureThreshold"
            label="Failed evaluations before fallback"
          />
        </Grid>
        <Grid item xs={6}>
          <NumberField name="fallback.replicas" label="Fallback replicas" />
        </Grid>
      </Grid>
    </Section>
  );
}
