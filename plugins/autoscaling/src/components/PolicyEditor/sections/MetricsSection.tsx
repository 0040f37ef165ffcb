import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import { useFieldArray, useFormContext } from 'react-hook-form';
import { usePolicyFormContext } from '../PolicyFormContext';
import { ArrayFieldRow } from './ArrayFieldRow';
import { ArrayRootError } from './ArrayRootError';
import { MetricFields, defaultMetric } from './MetricFields';
import { Section } from './Section';

/** The metrics the engine scales on; a list here replaces the inherited list as a whole. */
export function MetricsSection() {
  const { control } = useFormContext();
  const { readOnlyReason, effective } = usePolicyFormContext();
  const { fields, append, remove } = useFieldArray({
    control,
    name: 'metrics',
  });
  const inherited = effective?.policy.metrics;
  return (
    <Section
      title="Metrics"
      description="Scale so that each metric meets its target; the largest replica count wins."
      action={
        <Button
          size="small"
          onClick={() => append(defaultMetric('Resource'))}
          disabled={Boolean(readOnlyReason)}
        >
          Add metric
        </Button>
      }
    >
      {fields.length === 0 && (
        <Typography variant="body2" color="text.secondary">
          Inherited:{' '}
          {inherited
            ? inherited
                .map(m =>
                  m.type === 'Resource'
                    ? `${m.resource} ${JSON.stringify(m.target)}`
                    : `${m.type} ${m.name}`,
                )
                .join('; ')
            : 'CPU at 80% utilisation (HPA default)'}
        </Typography>
      )}
      {fields.map((field, index) => (
        <ArrayFieldRow
          key={field.id}
          label={`metric ${index + 1}`}
          onRemove={() => remove(index)}
          disabled={Boolean(readOnlyReason)}
        >
          <MetricFields index={index} />
        </ArrayFieldRow>
      ))}
      <ArrayRootError name="metrics" />
    </Section>
  );
}
