import Grid from '@mui/material/Grid';
import {
  BOOLEAN_OPTIONS,
  SelectField,
  type SelectOption,
} from '../fields/SelectField';
import { NumberField } from '../fields/NumberField';
import { Section } from './Section';

const STRATEGY_OPTIONS: SelectOption[] = [
  { value: 'floor', label: 'Floor (raise the reactive proposal)' },
  { value: 'plan', label: 'Plan (replicas from the forecast)' },
];

export function PredictiveSection() {
  return (
    <Section
      title="Predictive scaling"
      description="Scale ahead of forecast demand: raise the reactive floor, or plan replicas from the forecast."
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
        <Grid item xs={12} md={4}>
          <SelectField
            name="predictive.strategy"
            label="Strategy"
            allowInherit
            options={STRATEGY_OPTIONS}
            helperText="Floor: the forecast only raises the reactive (HPA) proposal; plan: replicas are planned from the forecast band, with the reactive HPA path as the safety net for demand above the band."
          />
        </Grid>
        <Grid item xs={6} md={4}>
          <NumberField
            name="predictive.targetUtilization"
            label="Forecast target utilisation (%)"
            helperText="Plan: the utilisation of a pod's capacity the median forecast is sized at (10–100)."
          />
        </Grid>
        <Grid item xs={6} md={4}>
          <NumberField
            name="predictive.maxPeakMultiple"
            label="Max multiple of 7-day peak"
            step={0.1}
            helperText="No prediction asks for more than this multiple of the last 7 days' peak demand (1–10)."
          />
        </Grid>
      </Grid>
    </Section>
  );
}
