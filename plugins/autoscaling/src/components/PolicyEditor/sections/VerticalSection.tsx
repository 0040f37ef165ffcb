import Grid from '@mui/material/Grid';
import { SelectField, type SelectOption } from '../fields/SelectField';
import { TextInputField } from '../fields/TextInputField';
import { Section } from './Section';

const CONTROLLED = [
  { value: 'cpu,memory', label: 'CPU and memory' },
  { value: 'cpu', label: 'CPU only' },
  { value: 'memory', label: 'Memory only' },
];

const MODES: SelectOption[] = [
  { value: 'Off', label: 'Off (recommend only)' },
  { value: 'Initial', label: 'Initial (on the next rollout)' },
  { value: 'Auto', label: 'Auto (apply)' },
];

const BOUND_HELP =
  'A Kubernetes quantity (CPU 250m or 2, memory 256Mi or 1Gi); the recommendation and every change stay within the bounds.';

export function VerticalSection() {
  return (
    <Section
      title="Vertical right-sizing"
      description="Container requests from usage. Off only recommends. Initial sets them on the pod template when the workload next rolls. Auto applies a change of more than 10% with at least an hour of history, at most once an hour: in place where the cluster supports pod resize (Kubernetes 1.33+), otherwise by a rolling update. On a production service a raise of more than 50% waits for an approval."
    >
      <Grid container spacing={2}>
        <Grid item xs={6} md={4}>
          <SelectField
            name="vertical.mode"
            label="Vertical mode"
            allowInherit
            options={MODES}
          />
        </Grid>
        <Grid item xs={6} md={4}>
          <SelectField
            name="vertical.controlledResources"
            label="Controlled resources"
            allowInherit
            options={CONTROLLED}
            parse={v => v.split(',')}
            helperText="Only these requests are recommended and changed."
          />
        </Grid>
        <Grid item xs={6} md={3}>
          <TextInputField
            name="vertical.minAllowed.cpu"
            label="Min CPU"
            placeholder="100m"
            helperText={BOUND_HELP}
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
