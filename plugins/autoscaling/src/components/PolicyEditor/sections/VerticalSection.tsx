import Grid from '@mui/material/Grid';
import { SelectField, options } from '../fields/SelectField';
import { TextInputField } from '../fields/TextInputField';
import { Section } from './Section';

const CONTROLLED = [
  { value: 'cpu,memory', label: 'CPU and memory' },
  { value: 'cpu', label: 'CPU only' },
  { value: 'memory', label: 'Memory only' },
];

export function VerticalSection() {
  return (
    <Section
      title="Vertical right-sizing"
      description="Request recommendations (Off only recommends; Initial/Auto apply them)."
    >
      <Grid container spacing={2}>
        <Grid item xs={6} md={4}>
          <SelectField
            name="vertical.mode"
            label="Vertical mode"
            allowInherit
            options={options(['Off', 'Initial', 'Auto'])}
          />
        </Grid>
        <Grid item xs={6} md={4}>
          <SelectField
            name="vertical.controlledResources"
            label="Controlled resources"
            allowInherit
            options={CONTROLLED}
            parse={v => v.split(',')}
          />
        </Grid>
        <Grid item xs={6} md={3}>
          <TextInputField
            name="vertical.minAllowed.cpu"
            label="Min CPU"
            placeholder="100m"
          />
        </Grid>
        <Grid item xs={6} md={3}>
          <TextInputField
            name="vertical.maxAllowed.cpu"
            label="Max CPU"
            placeholder="4"
          />
        </Grid>
        <Grid item xs={6} md={3}>
          <TextInputField
            name="vertical.minAllowed.memory"
            label="Min memory"
            placeholder="128Mi"
          />
        </Grid>
        <Grid item xs={6} md={3}>
          <TextInputField
            name="vertical.maxAllowed.memory"
            label="Max memory"
            placeholder="8Gi"
          />
        </Grid>
      </Grid>
    </Section>
  );
}
