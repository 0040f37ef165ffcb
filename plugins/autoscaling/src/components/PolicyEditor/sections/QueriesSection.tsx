import Button from '@mui/material/Button';
import Grid from '@mui/material/Grid';
import { useFieldArray, useFormContext } from 'react-hook-form';
import { TextInputField } from '../fields/TextInputField';
import { usePolicyFormContext } from '../PolicyFormContext';
import { ArrayFieldRow } from './ArrayFieldRow';
import { MetricSourceField } from './MetricSourceField';
import { Section } from './Section';

/** Named queries that metrics can refer to. */
export function QueriesSection() {
  const { control } = useFormContext();
  const { readOnlyReason } = usePolicyFormContext();
  const { fields, append, remove } = useFieldArray({
    control,
    name: 'queries',
  });
  return (
    <Section
      title="Named queries"
      description="Reusable queries on a metric source; metrics refer to them by name."
      action={
        <Button
          size="small"
          onClick={() => append({ name: '', source: 'prometheus', query: '' })}
          disabled={Boolean(readOnlyReason)}
        >
          Add query
        </Button>
      }
    >
      {fields.map((field, index) => (
        <ArrayFieldRow
          key={field.id}
          label={`query ${index + 1}`}
          onRemove={() => remove(index)}
          disabled={Boolean(readOnlyReason)}
        >
          <Grid container spacing={2}>
            <Grid item xs={12} md={3}>
              <TextInputField
                name={`queries.${index}.name`}
                label="Query name"
              />
            </Grid>
            <Grid item xs={12} md={3}>
              <MetricSourceField name={`queries.${index}.source`} />
            </Grid>
            <Grid item xs={12} md={6}>
              <TextInputField name={`queries.${index}.query`} label="Query" />
            </Grid>
          </Grid>
        </ArrayFieldRow>
      ))}
    </Section>
  );
}
