import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import type { MetricSourceDryRunResult } from '@internal/plugin-autoscaling-common';
import { useState } from 'react';
import { useFormContext, useWatch } from 'react-hook-form';
import { useMetricDryRun } from '../../../hooks/useMetricSources';
import { errorMessage } from '../../../lib/errors';
import { usePolicyFormContext } from '../PolicyFormContext';

const round = (v: number) => Number(v.toPrecision(4)).toString();

/**
 * Validates a metric's query against its source by running it now for the service's workload
 * (`POST /metric-sources/dry-run`), and shows the current value beside the target. A query the
 * source refuses puts the source's error on the query field.
 */
export function MetricDryRun({ base, index }: { base: string; index: number }) {
  const { setError, clearErrors } = useFormContext();
  const { entityRef } = usePolicyFormContext();
  const dryRun = useMetricDryRun();
  const [result, setResult] = useState<MetricSourceDryRunResult>();
  const [failure, setFailure] = useState<string>();
  const [type, source, query, targetType, value, averageValue] = useWatch({
    name: [
      `${base}.type`,
      `${base}.query.source`,
      `${base}.query.query`,
      `${base}.target.type`,
      `${base}.target.value`,
      `${base}.target.averageValue`,
    ],
  }) as Array<string | undefined>;
  const target = targetType === 'Value' ? value : averageValue;
  const tenantLevel = !entityRef || !entityRef.startsWith('component:');
  let missing: string | undefined;
  if (tenantLevel)
    missing =
      "A dry run runs on a service's workload: test the query on a service's policy.";
  else if (!source) missing = 'Pick a metric source to test the query.';
  else if (!query?.trim()) missing = 'Write a query to test it.';

  const run = async () => {
    setResult(undefined);
    setFailure(undefined);
    clearErrors([`${base}.query.query`, `${base}.query.source`]);
    try {
      const answer = await dryRun.mutateAsync({
        entityRef: entityRef!,
        source: source!,
        query: query!,
        metricType: type as 'Pods' | 'Object' | 'External',
        targetType: targetType === 'Value' ? 'Value' : 'AverageValue',
      });
      setResult(answer);
      if (!answer.ok) {
        setError(`${base}.query.query`, {
          type: 'server',
          message: `Dry run on ${answer.source}: ${answer.message}`,
        });
      }
    } catch (e) {
      const message = errorMessage(e);
      if (/source: /.test(message)) {
        setError(`${base}.query.source`, { type: 'server', message });
      } else if (/query: /.test(message)) {
        setError(`${base}.query.query`, { type: 'server', message });
      } else {
        setFailure(message);
      }
    }
  };

  return (
    <Box data-testid={`metric-dry-run-${index}`}>
      <Button
        size="small"
        variant="outlined"
        onClick={run}
        disabled={Boolean(missing) || dryRun.isPending}
        title={missing}
      >
        {dryRun.isPending ? 'Testing…' : 'Test query'}
      </Button>
      {missing && (
        <Typography variant="caption" color="text.secondary" display="block">
          {missing}
        </Typography>
      )}
      {result?.ok && (
        <Typography variant="body2" sx={{ mt: 0.5 }} role="status">
          Current value <strong>{round(result.value)}</strong> ({result.meaning}
          ) against target {target ?? '—'}, on {result.workload.namespace}/
          {result.workload.name} from {result.source}
        </Typography>
      )}
      {result && !result.ok && (
        <Typography variant="body2" color="error" sx={{ mt: 0.5 }}>
          The query failed on {result.source}; see the query field.
        </Typography>
      )}
      {failure && (
        <Typography variant="body2" color="error" sx={{ mt: 0.5 }} role="alert">
          {failure}
        </Typography>
      )}
    </Box>
  );
}
