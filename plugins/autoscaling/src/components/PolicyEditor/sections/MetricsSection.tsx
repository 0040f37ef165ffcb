import Button from '@mui/material/Button';
import Grid from '@mui/material/Grid';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { get, useFieldArray, useFormContext, useWatch } from 'react-hook-form';
import {
  DEFAULT_METRICS,
  type MetricSpec,
} from '@internal/plugin-autoscaling-common';
import { describeMetric } from '../../../lib/policyText';
import { usePolicyFormContext } from '../PolicyFormContext';
import { ArrayFieldRow } from './ArrayFieldRow';
import { ArrayRootError } from './ArrayRootError';
import { MetricFields, defaultMetric } from './MetricFields';
import { Section } from './Section';

type MetricRow = Record<string, any>;

/** The whole-pod CPU utilisation metric (what "the CPU target" means), if the list has one. */
export function cpuTargetIndex(metrics: MetricRow[] | undefined): number {
  return (metrics ?? []).findIndex(
    m =>
      m?.type === 'Resource' &&
      m?.resource === 'cpu' &&
      !m?.container &&
      m?.target?.type === 'Utilization',
  );
}

function withCpuTarget(metrics: MetricRow[], percent: number): MetricRow[] {
  const copy = structuredClone(metrics);
  const index = cpuTargetIndex(copy);
  if (index >= 0) copy[index].target.averageUtilization = percent;
  else copy.unshift(defaultMetric('Resource', percent));
  return copy;
}

/** The metrics the engine scales on; a list here replaces the inherited list as a whole. */
export function MetricsSection() {
  const { control, setValue, formState } = useFormContext();
  const { readOnlyReason, effective } = usePolicyFormContext();
  const { fields, remove, replace } = useFieldArray({
    control,
    name: 'metrics',
  });
  const watched: unknown = useWatch({ name: 'metrics' });
  const rows = (watched ?? []) as MetricRow[];
  const inherited: MetricSpec[] = effective?.policy.metrics ?? DEFAULT_METRICS;
  const inheritedFrom = effective?.provenance.metrics ?? 'default';
  const inheritedCpu =
    (inherited[cpuTargetIndex(inherited)]?.target as MetricRow | undefined)
      ?.averageUtilization ?? undefined;
  const ownIndex = cpuTargetIndex(rows);
  const own = rows.length > 0;
  const cpuValue =
    own && ownIndex >= 0 ? rows[ownIndex].target.averageUtilization : undefined;
  const cpuError =
    own && ownIndex >= 0
      ? (get(
          formState.errors,
          `metrics.${ownIndex}.target.averageUtilization`,
        ) as { message?: string } | undefined)
      : undefined;
  const opts = { shouldDirty: true, shouldValidate: false };

  const changeCpuTarget = (text: string) => {
    if (text === '') {
      // Back to the inherited list when nothing else was changed in it.
      const restored =
        inheritedCpu === undefined
          ? undefined
          : withCpuTarget(rows, inheritedCpu);
      if (restored && JSON.stringify(restored) === JSON.stringify(inherited)) {
        replace([]);
      } else if (ownIndex >= 0) {
        setValue(
          `metrics.${ownIndex}.target.averageUtilization`,
          undefined,
          opts,
        );
      }
      return;
    }
    const percent = Number(text);
    if (!own) {
      replace(withCpuTarget(inherited as MetricRow[], percent));
    } else if (ownIndex >= 0) {
      setValue(`metrics.${ownIndex}.target.averageUtilization`, percent, opts);
    } else {
      replace(withCpuTarget(rows, percent));
    }
  };

  const inheritedText = inherited.map(describeMetric).join('; ');
  const meaning = "Average CPU use as a percent of the pod's request.";
  let cpuHelper: string;
  if (cpuError?.message) cpuHelper = cpuError.message;
  else if (own && ownIndex >= 0)
    cpuHelper = `${meaning} Set at this level, in metric ${ownIndex + 1}.`;
  else if (own)
    cpuHelper = `${meaning} This level's metrics have no CPU target; a value adds one.`;
  else if (inheritedCpu !== undefined)
    cpuHelper = `${meaning} Inherited: ${inheritedCpu}% (from ${inheritedFrom}).`;
  else cpuHelper = `${meaning} The inherited metrics have no CPU target.`;

  return (
    <Section
      title="Metrics"
      description="Scale so that each metric meets its target; the largest replica count wins."
      action={
        <Button
          size="small"
          onClick={() => {
            // A list here replaces the inherited one: start from it rather than from nothing.
            const current = own
              ? rows
              : structuredClone(inherited as MetricRow[]);
            const hasCpu = cpuTargetIndex(current) >= 0;
            replace([
              ...current,
              defaultMetric(
                'Resource',
                inheritedCpu,
                hasCpu ? 'memory' : 'cpu',
              ),
            ]);
          }}
          disabled={Boolean(readOnlyReason)}
        >
          Add metric
        </Button>
      }
    >
      <Grid container spacing={2} sx={{ mb: 1 }}>
        <Grid item xs={12} md={4}>
          <TextField
            id="policy-cpu-target"
            label="CPU target (%)"
            type="number"
            size="small"
            fullWidth
            value={cpuValue ?? ''}
            placeholder={
              inheritedCpu !== undefined ? String(inheritedCpu) : undefined
            }
            InputLabelProps={{ shrink: true }}
            inputProps={{ step: 1, min: 1 }}
            disabled={Boolean(readOnlyReason)}
            error={Boolean(cpuError?.message)}
            helperText={cpuHelper}
            onChange={e => changeCpuTarget(e.target.value)}
          />
        </Grid>
      </Grid>
      {fields.length === 0 && (
        <Typography
          variant="body2"
          color="text.secondary"
          data-testid="inherited-metrics"
        >
          Inherited from {inheritedFrom}: {inheritedText}.
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
