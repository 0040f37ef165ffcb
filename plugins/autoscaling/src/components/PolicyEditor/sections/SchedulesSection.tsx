import Button from '@mui/material/Button';
import Grid from '@mui/material/Grid';
import { useFieldArray, useFormContext } from 'react-hook-form';
import { NumberField } from '../fields/NumberField';
import { TextInputField } from '../fields/TextInputField';
import { usePolicyFormContext } from '../PolicyFormContext';
import { ArrayFieldRow } from './ArrayFieldRow';
import { Section } from './Section';

/** Scheduled windows that raise or cap replicas (cron, like KEDA's cron scaler). */
export function SchedulesSection() {
  const { control } = useFormContext();
  const { readOnlyReason } = usePolicyFormContext();
  const { fields, append, remove } = useFieldArray({
    control,
    name: 'schedules',
  });
  return (
    <Section
      title="Schedules"
      description="Windows with their own replica bounds, e.g. business hours."
      action={
        <Button
          size="small"
          disabled={Boolean(readOnlyReason)}
          onClick={() =>
            append({
              name: '',
              cron: '0 8 * * 1-5',
              timezone: 'UTC',
              durationMinutes: 600,
              minReplicas: undefined,
            })
          }
        >
          Add schedule
        </Button>
      }
    >
      {fields.map((field, index) => {
        const base = `schedules.${index}`;
        return (
          <ArrayFieldRow
            key={field.id}
            label={`schedule ${index + 1}`}
            onRemove={() => remove(index)}
            disabled={Boolean(readOnlyReason)}
          >
            <Grid container spacing={2}>
              <Grid item xs={12} md={3}>
                <TextInputField name={`${base}.name`} label="Schedule name" />
              </Grid>
              <Grid item xs={6} md={3}>
                <TextInputField name={`${base}.cron`} label="Starts (cron)" />
              </Grid>
              <Grid item xs={6} md={3}>
                <TextInputField
                  name={`${base}.timezone`}
                  label="Time zone"
                  placeholder="UTC"
                />
              </Grid>
              <Grid item xs={6} md={3}>
                <NumberField
                  name={`${base}.durationMinutes`}
                  label="Duration (min)"
                />
              </Grid>
              <Grid item xs={6} md={4}>
                <TextInputField
                  name={`${base}.end`}
                  label="Ends (cron, instead of duration)"
                />
              </Grid>
              <Grid item xs={6} md={4}>
                <NumberField
                  name={`${base}.minReplicas`}
                  label="Min replicas in window"
                />
              </Grid>
              <Grid item xs={6} md={4}>
                <NumberField
                  name={`${base}.maxReplicas`}
                  label="Max replicas in window"
                />
              </Grid>
            </Grid>
          </ArrayFieldRow>
        );
      })}
    </Section>
  );
}
