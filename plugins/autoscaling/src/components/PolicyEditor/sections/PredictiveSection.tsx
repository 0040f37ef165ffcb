import Grid from '@mui/material/Grid';
import { BOOLEAN_OPTIONS, SelectField } from '../fields/SelectField';
import { NumberField } from '../fields/NumberField';
import { Section } from './Section';

export function PredictiveSection() {
  return (
    <Section
      title="Predictive scaling"
      description="Raise the floor ahead of forecast demand."
    >
      <Grid container spacing={2}>
        <Grid item xs={6} md={4}>
          <SelectField
            name="predictive.enabled"
            label="Enabled"
            allowInherit
            boolean
            options={BOOLEAN_OPTIONS}
          />
        </Grid>
        <Grid item xs={6} md={4}>
          <NumberField
            name="predictive.leadTimeSeconds"
            label="Lead time (s)"
          />
        </Grid>
        <Grid item xs={6} md={4}>
          <NumberField
            name="predictive.quantile"
            label="Quantile (0.5–0.99)"
            step={0.01}
          />
        </Grid>
        <Grid item xs={6} md={4}>
          <NumberField
            name="predictive.minHistorySeconds"
            label="Min history (s)"
          />
        </Grid>
        <Grid item xs={6} md={4}>
          <NumberField
            name="predictive.maxHistorySeconds"
            label="Max history (s)"
          />
        </Grid>
        <Grid item xs={6} md={4}>
          <SelectField
            name="predictive.honorMaxReplicas"
            label="Honour max replicas"
            allowInherit
            boolean
            options={BOOLEAN_OPTIONS}
          />
        </Grid>
      </Grid>
    </Section>
  );
}
