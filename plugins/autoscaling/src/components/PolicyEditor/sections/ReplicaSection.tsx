import Grid from '@mui/material/Grid';
import { NumberField } from '../fields/NumberField';
import { SelectField } from '../fields/SelectField';
import { Section } from './Section';

const MODE_OPTIONS = [
  { value: 'auto', label: 'Automatic — scale on its own' },
  { value: 'dry-run', label: 'Dry run — decide, change nothing' },
  { value: 'forecast-only', label: 'Forecast only' },
  { value: 'off', label: 'Off' },
];

export function ReplicaSection() {
  return (
    <Section
      title="Replicas and mode"
      description="Leave a field blank to inherit it from the level above."
    >
      <Grid container spacing={2}>
        <Grid item xs={6} md={3}>
          <NumberField name="minReplicas" label="Min replicas" />
        </Grid>
        <Grid item xs={6} md={3}>
          <NumberField name="maxReplicas" label="Max replicas" />
        </Grid>
        <Grid item xs={12} md={6}>
          <SelectField
            name="mode"
            label="Mode"
            allowInherit
            options={MODE_OPTIONS}
          />
        </Grid>
        <Grid item xs={6} md={3}>
          <NumberField name="cooldownSeconds" label="Cooldown (s)" />
        </Grid>
        <Grid item xs={6} md={3}>
          <NumberField
            name="evaluationIntervalSeconds"
            label="Evaluation interval (s)"
          />
        </Grid>
      </Grid>
    </Section>
  );
}
