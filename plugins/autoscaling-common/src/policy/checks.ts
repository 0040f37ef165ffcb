/**
 * Checks that need more than one field (or outside knowledge, such as the metric sources the
 * backend has installed). They return issues as values with the field path, like zod does.
 */
import type { z } from 'zod';
import { metricKey, type ScalingPolicy } from './schema';

export type PolicyPath = ReadonlyArray<string | number>;

export interface PolicyIssue {
  path: PolicyPath;
  message: string;
}

export interface PolicyCheckOptions {
  /** Names of installed metric sources (e.g. `['metrics.k8s.io', 'prometheus']`); unchecked when absent. */
  knownSources?: readonly string[];
  /** Named queries provided outside the policy (e.g. by the platform), besides `policy.queries`. */
  knownQueries?: readonly string[];
}

/** `['metrics', 0, 'query', 'source']` becomes `metrics[0].query.source`. */
export function formatPolicyPath(path: PolicyPath): string {
  return path
    .map((part, i) => {
      if (typeof part === 'number') return `[${part}]`;
      return i === 0 ? part : `.${part}`;
    })
    .join('');
}

/** Zod issues as policy issues, optionally under a prefix (e.g. the inheritance level). */
export function policyIssuesFromZod(
  error: z.ZodError,
  prefix: PolicyPath = [],
): PolicyIssue[] {
  return error.issues.map(issue => ({
    path: [
      ...prefix,
      ...issue.path.map(p => (typeof p === 'symbol' ? String(p) : p)),
    ],
    message: issue.message,
  }));
}

export function checkPolicy(
  policy: ScalingPolicy,
  options: PolicyCheckOptions = {},
): PolicyIssue[] {
  return [
    ...checkReplicaBounds(policy),
    ...checkSchedules(policy),
    ...checkMetrics(policy, options),
    ...checkFallback(policy),
    ...checkVertical(policy),
  ];
}

function checkReplicaBounds(policy: ScalingPolicy): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  if (policy.minReplicas > policy.maxReplicas) {
    issues.push({
      path: ['minReplicas'],
      message: `minReplicas (${policy.minReplicas}) is above maxReplicas (${policy.maxReplicas})`,
    });
  }
  // Same rule as the HPAScaleToZero gate: only an Object or External metric can wake a workload.
  if (
    policy.minReplicas === 0 &&
    !policy.metrics.some(m => m.type === 'Object' || m.type === 'External')
  ) {
    issues.push({
      path: ['minReplicas'],
      message:
        'minReplicas 0 needs at least one Object or External metric to scale up from zero',
    });
  }
  return issues;
}

function checkSchedules(policy: ScalingPolicy): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  const names = new Set<string>();
  policy.schedules.forEach((schedule, i) => {
    if (names.has(schedule.name)) {
      issues.push({
        path: ['schedules', i, 'name'],
        message: `duplicate schedule name "${schedule.name}"`,
      });
    }
    names.add(schedule.name);
    if (
      schedule.minReplicas !== undefined &&
      schedule.minReplicas > policy.maxReplicas
    ) {
      issues.push({
        path: ['schedules', i, 'minReplicas'],
        message: `schedule "${schedule.name}" asks for ${schedule.minReplicas} replicas, above maxReplicas (${policy.maxReplicas})`,
      });
    }
    if (
      schedule.maxReplicas !== undefined &&
      schedule.maxReplicas > policy.maxReplicas
    ) {
      issues.push({
        path: ['schedules', i, 'maxReplicas'],
        message: `schedule "${schedule.name}" maxReplicas (${schedule.maxReplicas}) is above the policy's maxReplicas (${policy.maxReplicas})`,
      });
    }
    if (
      schedule.maxReplicas !== undefined &&
      schedule.maxReplicas < policy.minReplicas
    ) {
      issues.push({
        path: ['schedules', i, 'maxReplicas'],
        message: `schedule "${schedule.name}" maxReplicas (${schedule.maxReplicas}) is below the policy's minReplicas (${policy.minReplicas})`,
      });
    }
    if (
      schedule.minReplicas !== undefined &&
      schedule.maxReplicas !== undefined &&
      schedule.minReplicas > schedule.maxReplicas
    ) {
      issues.push({
        path: ['schedules', i, 'minReplicas'],
        message: `schedule "${schedule.name}" minReplicas (${schedule.minReplicas}) is above its maxReplicas (${schedule.maxReplicas})`,
      });
    }
  });
  return issues;
}

function checkMetrics(
  policy: ScalingPolicy,
  options: PolicyCheckOptions,
): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  const known = options.knownSources
    ? new Set(options.knownSources)
    : undefined;
  const queryNames = new Set([
    ...Object.keys(policy.queries),
    ...(options.knownQueries ?? []),
  ]);

  for (const [name, query] of Object.entries(policy.queries)) {
    if (known && !known.has(query.source)) {
      issues.push({
        path: ['queries', name, 'source'],
        message: `unknown metric source "${query.source}" (known: ${[
          ...known,
        ].join(', ')})`,
      });
    }
  }

  const seen = new Set<string>();
  policy.metrics.forEach((metric, i) => {
    const key = metricKey(metric);
    if (seen.has(key)) {
      issues.push({
        path: ['metrics', i, metric.type === 'Resource' ? 'resource' : 'name'],
        message: `two metrics are named "${key}"; give each a distinct name`,
      });
    }
    seen.add(key);
    if (metric.type === 'Resource') return;
    if ('source' in metric.query) {
      if (known && !known.has(metric.query.source)) {
        issues.push({
          path: ['metrics', i, 'query', 'source'],
          message: `unknown metric source "${metric.query.source}" (known: ${[
            ...known,
          ].join(', ')})`,
        });
      }
    } else if (!queryNames.has(metric.query.ref)) {
      issues.push({
        path: ['metrics', i, 'query', 'ref'],
        message: `unknown named query "${metric.query.ref}"`,
      });
    }
  });
  return issues;
}

function checkFallback(policy: ScalingPolicy): PolicyIssue[] {
  const fallback = policy.fallback;
  if (!fallback) return [];
  if (
    fallback.replicas < policy.minReplicas ||
    fallback.replicas > policy.maxReplicas
  ) {
    return [
      {
        path: ['fallback', 'replicas'],
        message: `fallback replicas (${fallback.replicas}) must lie within minReplicas..maxReplicas (${policy.minReplicas}..${policy.maxReplicas})`,
      },
    ];
  }
  return [];
}

function checkVertical(policy: ScalingPolicy): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  for (const resource of ['cpu', 'memory'] as const) {
    const min = policy.vertical.minAllowed[resource];
    const max = policy.vertical.maxAllowed[resource];
    if (min !== undefined && max !== undefined && min > max) {
      issues.push({
        path: ['vertical', 'minAllowed', resource],
        message: `vertical minAllowed.${resource} (${min}) is above maxAllowed.${resource} (${max})`,
      });
    }
  }
  return issues;
}
