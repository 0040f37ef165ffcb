import Button from '@mui/material/Button';
import Grid from '@mui/material/Grid';
import Typography from '@mui/material/Typography';
import { useFieldArray, useFormContext } from 'react-hook-form';
import { NumberField } from '../fields/NumberField';
import { SelectField, options } from '../fields/SelectField';
import { TextInputField } from '../fields/TextInputField';
import { usePolicyFormContext } from '../PolicyFormContext';
import { ArrayFieldRow } from './ArrayFieldRow';
import { ArrayRootError } from './ArrayRootError';

/** HPA behaviour for one direction: stabilisation, select policy, tolerance and rate rules. */
export function ScalingRulesFields({
  direction,
}: {
  direction: 'scaleUp' | 'scaleDown';
}) {
  const { control } = useFormContext();
  const { readOnlyReason } = usePolicyFormContext();
  const base = `behavior.${direction}`;
  const { fields, append, remove } = useFieldArray({
    control,
    name: `${base}.policies`,
  });
  return (
    <>
      <Typography variant="subtitle2" component="h4" sx={{ mb: 1 }}>
        {direction === 'scaleUp' ? 'Scale up' : 'Scale down'}
      </Typography>
      {/*
        Each direction takes half of the section: a third of that is too narrow for these
        labels ("Stabili…", "Tolera…"), so each field gets a whole row of its half.
      */}
      <Grid container spacing={2} data-testid={`${direction}-fields`}>
        <Grid item xs={12}>
          <NumberField
            name={`${base}.stabilizationWindowSeconds`}
            label="Stabilisation window (s)"
          />
        </Grid>
        <Grid item xs={12}>
          <SelectField
            name={`${base}.selectPolicy`}
            label="Select policy"
            allowInherit
            options={options(['Max', 'Min', 'Disabled'])}
          />
        </Grid>
        <Grid item xs={12}>
          <TextInputField
            name={`${base}.tolerance`}
            label="Tolerance (fraction)"
            placeholder="0.1"
          />
        </Grid>
      </Grid>
      {fields.map((field, index) => (
        <ArrayFieldRow
          key={field.id}
          label={`${direction} rule ${index + 1}`}
          onRemove={() => remove(index)}
          disabled={Boolean(readOnlyReason)}
        >
          <Grid container spacing={2}>
            <Grid item xs={4}>
              <SelectField
                name={`${base}.policies.${index}.type`}
                label="Rule type"
                options={options(['Pods', 'Percent'])}
              />
            </Grid>
            <Grid item xs={4}>
              <NumberField
                name={`${base}.policies.${index}.value`}
                label="Value"
              />
            </Grid>
            <Grid item xs={4}>
              <NumberField
                name={`${base}.policies.${index}.periodSeconds`}
                label="Period (s)"
              />
            </Grid>
          </Grid>
        </ArrayFieldRow>
      ))}
      <ArrayRootError name={`${base}.policies`} />
      <Button
        size="small"
        onClick={() => append({ type: 'Pods', value: 1, periodSeconds: 60 })}
        disabled={Boolean(readOnlyReason)}
      >
        Add {direction === 'scaleUp' ? 'scale-up' : 'scale-down'} rule
      </Button>
    </>
  );
}
