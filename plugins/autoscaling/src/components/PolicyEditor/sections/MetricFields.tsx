import Grid from '@mui/material/Grid';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import { useFormContext, useWatch } from 'react-hook-form';
import { NumberField } from '../fields/NumberField';
import { SelectField, options } from '../fields/SelectField';
import { TextInputField } from '../fields/TextInputField';
import { usePolicyFormContext } from '../PolicyFormContext';
import { MetricDryRun } from './MetricDryRun';
import { MetricSourceField } from './MetricSourceField';

const METRIC_TYPES = ['Resource', 'Pods', 'Object', 'External'] as const;
type MetricType = (typeof METRIC_TYPES)[number];

const SIGNALS = [
  'request-rate',
  'latency-percentile',
  'queue-length',
  'error-rate',
  'custom',
];

/**
 * A new metric of a type. A resource metric starts at `utilisation` percent: the inherited CPU
 * target when there is one, not the HPA's 80% default.
 */
export function defaultMetric(
  type: MetricType,
  utilisation = 80,
  resource: 'cpu' | 'memory' = 'cpu',
): Record<string, unknown> {
  switch (type) {
    case 'Resource':
      return {
        type,
        resource,
        target: { type: 'Utilization', averageUtilization: utilisation },
      };
    case 'Pods':
      return {
        type,
        name: undefined,
        query: { ref: undefined },
        target: { type: 'AverageValue', averageValue: undefined },
      };
    default:
      return {
        type,
        name: undefined,
        query: { source: 'prometheus', query: undefined },
        target: { type: 'Value', value: undefined },
      };
  }
}

const TARGET_TYPES: Record<MetricType, string[]> = {
  Resource: ['Utilization', 'AverageValue'],
  Pods: ['AverageValue'],
  Object: ['Value', 'AverageValue'],
  External: ['Value', 'AverageValue'],
};

function targetKey(type: string): string {
  if (type === 'Utilization') return 'averageUtilization';
  if (type === 'AverageValue') return 'averageValue';
  return 'value';
}

/** One metric: its fields depend on the metric type, the target type and the query kind. */
export function MetricFields({ index }: { index: number }) {
  const { setValue } = useFormContext();
  const { readOnlyReason } = usePolicyFormContext();
  const base = `metrics.${index}`;
  const type = (useWatch({ name: `${base}.type` }) ?? 'Resource') as MetricType;
  const targetType = (useWatch({ name: `${base}.target.type` }) ??
    'Utilization') as string;
  const query = useWatch({ name: `${base}.query` }) as
    | Record<string, unknown>
    | undefined;
  const queryKind = query && 'ref' in query ? 'ref' : 'source';
  const targetTypes = TARGET_TYPES[type];
  const opts = { shouldDirty: true, shouldValidate: false };

  return (
    <Grid container spacing={2}>
      <Grid item xs={12} md={3}>
        <SelectField
          name={`${base}.type`}
          label="Metric type"
          options={options(METRIC_TYPES)}
          onValueChange={v =>
            setValue(base, defaultMetric((v ?? 'Resource') as MetricType), opts)
          }
        />
      </Grid>
      {type === 'Resource' ? (
        <>
          <Grid item xs={6} md={3}>
            <SelectField
              name={`${base}.resource`}
              label="Resource"
              options={options(['cpu', 'memory'])}
            />
          </Grid>
          <Grid item xs={6} md={3}>
            <TextInputField
              name={`${base}.container`}
              label="Container (optional)"
            />
          </Grid>
          <Grid item xs={6} md={3}>
            <TextInputField name={`${base}.name`} label="Name (optional)" />
          </Grid>
        </>
      ) : (
        <>
          <Grid item xs={6} md={3}>
            <TextInputField name={`${base}.name`} label="Metric name" />
          </Grid>
          <Grid item xs={6} md={3}>
            <SelectField
              name={`${base}.signal`}
              label="Signal"
              allowInherit
              options={options(SIGNALS)}
            />
          </Grid>
          <Grid item xs={6} md={3}>
            <TextField
              select
              size="small"
              fullWidth
              id={`policy-${base}.queryKind`}
              label="Query"
              value={queryKind}
              disabled={Boolean(readOnlyReason)}
              onChange={e =>
                setValue(
                  `${base}.query`,
                  e.target.value === 'ref'
                    ? { ref: undefined }
                    : { source: 'prometheus', query: undefined },
                  opts,
                )
              }
              helperText=" "
            >
              <MenuItem value="source">Query on a source</MenuItem>
              <MenuItem value="ref">Named query</MenuItem>
            </TextField>
          </Grid>
          {queryKind === 'ref' ? (
            <Grid item xs={12} md={6}>
              <TextInputField name={`${base}.query.ref`} label="Named query" />
            </Grid>
          ) : (
            <>
              <Grid item xs={12} md={3}>
                <MetricSourceField name={`${base}.query.source`} />
              </Grid>
              <Grid item xs={12} md={9}>
                <TextInputField
                  name={`${base}.query.query`}
                  label="Query"
                  placeholder="sum(rate(http_requests_total[1m]))"
                />
              </Grid>
            </>
          )}
        </>
      )}
      <Grid item xs={6} md={3}>
        <SelectField
          name={`${base}.target.type`}
          label="Target type"
          options={options(targetTypes)}
          onValueChange={v => setValue(`${base}.target`, { type: v }, opts)}
        />
      </Grid>
      <Grid item xs={6} md={3}>
        {targetType === 'Utilization' ? (
          <NumberField
            name={`${base}.target.averageUtilization`}
            label="Target utilisation (%)"
          />
        ) : (
          <TextInputField
            name={`${base}.target.${targetKey(targetType)}`}
            label={
              targetType === 'Value' ? 'Target value' : 'Target average value'
            }
            placeholder="e.g. 100, 500m, 256Mi"
          />
        )}
      </Grid>
      {type !== 'Resource' && queryKind === 'source' && (
        <Grid item xs={12} md={6}>
          <MetricDryRun base={base} index={index} />
        </Grid>
      )}
    </Grid>
  );
}
