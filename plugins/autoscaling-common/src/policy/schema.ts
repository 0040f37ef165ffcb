/**
 * The scaling policy: what HPA, KEDA and predictive-scaling users expect to configure, as one
 * zod schema shared by the API, the forms and the engine.
 *
 * Two shapes are exported:
 * - `scalingPolicySchema`: a complete policy, defaults filled in (what the engine consumes);
 * - `policyOverrideSchema`: one inheritance level (global, environment, tier, tenant, service),
 *   where every field is optional and nested objects are partial.
 *
 * Objects are strict so a misspelt field is reported with its path instead of being ignored.
 */
import { z } from 'zod';
import { parseQuantity } from './quantity';

/**
 * A number, or a Kubernetes quantity string such as "500m" or "256Mi", in base units. One
 * transform after the type check, so a bad string is reported as not a quantity (a union of
 * the two would report the number branch's "expected number, received string").
 */
export const quantitySchema = z
  .union([z.number(), z.string()], {
    error: 'must be a Kubernetes quantity (e.g. 500m, 2, 256Mi) or a number',
  })
  .transform((input, ctx) => {
    if (typeof input === 'number') {
      if (input < 0) {
        ctx.addIssue({
          code: 'custom',
          message: 'Too small: expected number to be >=0',
        });
        return z.NEVER;
      }
      return input;
    }
    const value = parseQuantity(input);
    if (value === undefined || value < 0) {
      ctx.addIssue({
        code: 'custom',
        message: `"${input}" is not a Kubernetes quantity (e.g. 500m, 2, 256Mi)`,
      });
      return z.NEVER;
    }
    return value;
  });

const positiveQuantitySchema = quantitySchema.refine(v => v > 0, {
  message: 'must be greater than 0',
});

/** IANA time zone names, checked with the platform's Intl so the check works in browsers too. */
export const timeZoneSchema = z.string().refine(
  zone => {
    try {
      return Boolean(new Intl.DateTimeFormat('en-US', { timeZone: zone }));
    } catch {
      return false;
    }
  },
  { message: 'unknown IANA time zone' },
);

/** Five (minute-first) or six (second-first) cron fields; full parsing happens in the engine. */
export const cronExpressionSchema = z
  .string()
  .trim()
  .refine(
    expr => /^@\w+$/.test(expr) || [5, 6].includes(expr.split(/\s+/).length),
    {
      message:
        'cron expression needs 5 or 6 fields (or a macro such as @daily)',
    },
  );

// ---------------------------------------------------------------- metrics

/** Where a metric's value comes from: a query on a named metric source, or a named query. */
export const metricQuerySchema = z.union([
  z.strictObject({
    source: z.string().min(1).describe('metric source name, e.g. prometheus'),
    query: z.string().min(1).describe('query text, e.g. PromQL'),
  }),
  z.strictObject({
    ref: z.string().min(1).describe('name of a query in `queries`'),
  }),
]);

/** What a metric measures; informative (charts, forms), the engine treats them alike. */
export const metricSignalSchema = z.enum([
  'request-rate',
  'latency-percentile',
  'queue-length',
  'error-rate',
  'custom',
]);

const utilizationTargetSchema = z.strictObject({
  type: z.literal('Utilization'),
  averageUtilization: z
    .number()
    .int()
    .min(1)
    .describe('percent of the pod request'),
});
const averageValueTargetSchema = z.strictObject({
  type: z.literal('AverageValue'),
  averageValue: positiveQuantitySchema,
});
const valueTargetSchema = z.strictObject({
  type: z.literal('Value'),
  value: positiveQuantitySchema,
});

const metricNameSchema = z
  .string()
  .regex(/^[a-zA-Z0-9_.:-]+$/, 'use letters, digits, and _ . : -')
  .max(128);

export const resourceMetricSchema = z.strictObject({
  type: z.literal('Resource'),
  /** Key of the metric in samples and status; defaults to the resource name. */
  name: metricNameSchema.optional(),
  resource: z.enum(['cpu', 'memory']),
  /** Only this container's usage and request count (ContainerResource in HPA terms). */
  container: z.string().min(1).optional(),
  target: z.discriminatedUnion('type', [
    utilizationTargetSchema,
    averageValueTargetSchema,
  ]),
});

export const podsMetricSchema = z.strictObject({
  type: z.literal('Pods'),
  name: metricNameSchema,
  signal: metricSignalSchema.optional(),
  query: metricQuerySchema,
  target: averageValueTargetSchema,
});

export const objectMetricSchema = z.strictObject({
  type: z.literal('Object'),
  name: metricNameSchema,
  signal: metricSignalSchema.optional(),
  query: metricQuerySchema,
  target: z.discriminatedUnion('type', [
    valueTargetSchema,
    averageValueTargetSchema,
  ]),
});

export const externalMetricSchema = z.strictObject({
  type: z.literal('External'),
  name: metricNameSchema,
  signal: metricSignalSchema.optional(),
  query: metricQuerySchema,
  target: z.discriminatedUnion('type', [
    valueTargetSchema,
    averageValueTargetSchema,
  ]),
});

export const metricSpecSchema = z.discriminatedUnion('type', [
  resourceMetricSchema,
  podsMetricSchema,
  objectMetricSchema,
  externalMetricSchema,
]);

/** HPA's API default when no metric is given: 80% average CPU utilisation. */
export const DEFAULT_METRICS: MetricSpec[] = [
  {
    type: 'Resource',
    resource: 'cpu',
    target: { type: 'Utilization', averageUtilization: 80 },
  },
];

// ---------------------------------------------------------------- behavior

export const scalingRuleSchema = z.strictObject({
  type: z.enum(['Pods', 'Percent']),
  value: z.number().int().positive(),
  periodSeconds: z.number().int().min(1).max(1800),
});

export const scalingRulesSchema = z.strictObject({
  stabilizationWindowSeconds: z.number().int().min(0).max(3600).optional(),
  selectPolicy: z.enum(['Max', 'Min', 'Disabled']).optional(),
  policies: z.array(scalingRuleSchema).min(1).optional(),
  /** Fraction of the target inside which no scaling happens in this direction (KEP-4951). */
  tolerance: quantitySchema.optional(),
});

export const behaviorSchema = z.strictObject({
  scaleUp: scalingRulesSchema.optional(),
  scaleDown: scalingRulesSchema.optional(),
});

export const presetNameSchema = z.enum([
  'aggressive',
  'balanced',
  'conservative',
]);

// ---------------------------------------------------------------- other sections

export const modeSchema = z.enum(['auto', 'dry-run', 'forecast-only', 'off']);

const predictiveFields = {
  enabled: z.boolean(),
  /** How far ahead the floor looks; should be at least the pod start-up time. */
  leadTimeSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 86400),
  /** History needed before the forecast may raise the floor. */
  minHistorySeconds: z.number().int().min(0),
  /** History the forecaster keeps; older samples only live in the seasonal profile. */
  maxHistorySeconds: z.number().int().min(3600),
  /** Upper quantile of the prediction band used for the floor (0.5 = median forecast). */
  quantile: z.number().min(0.5).max(0.99),
  /** Whether the predictive floor may exceed maxReplicas (AWS HonorMaxCapacity = true). */
  honorMaxReplicas: z.boolean(),
  /**
   * `floor`: the forecast only raises the reactive (HPA) proposal. `plan`: the forecast drives
   * capacity (sized at `targetUtilization`, scaling in ahead of a forecast fall) and the reactive
   * path takes over only when observed demand leaves the band or the forecaster is not trusted.
   */
  strategy: z.enum(['floor', 'plan']),
  /**
   * `plan`: percent of one pod's capacity the median forecast and the demand seen now are sized
   * at (the band's upper quantile is sized at full capacity less the learned burst headroom).
   */
  targetUtilization: z.number().int().min(10).max(100),
  /**
   * Runaway bound: predictive replicas ≤ this × the last 7 days' peak demand / (pod capacity ×
   * targetUtilization) for `plan`, / the per-pod target for `floor`.
   */
  maxPeakMultiple: z.number().min(1).max(10),
};
export const predictiveSchema = z.strictObject({
  enabled: predictiveFields.enabled.default(false),
  leadTimeSeconds: predictiveFields.leadTimeSeconds.default(300),
  minHistorySeconds: predictiveFields.minHistorySeconds.default(86400),
  maxHistorySeconds: predictiveFields.maxHistorySeconds.default(14 * 86400),
  quantile: predictiveFields.quantile.default(0.9),
  honorMaxReplicas: predictiveFields.honorMaxReplicas.default(true),
  strategy: predictiveFields.strategy.default('floor'),
  targetUtilization: predictiveFields.targetUtilization.default(85),
  maxPeakMultiple: predictiveFields.maxPeakMultiple.default(1.5),
});

export const scheduleSchema = z
  .strictObject({
    name: z.string().min(1).max(100),
    /** When the window opens. */
    cron: cronExpressionSchema,
    timezone: timeZoneSchema.default('UTC'),
    /** Window length; give either this or `end`. */
    durationMinutes: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .optional(),
    /** When the window closes, as a cron expression in the same time zone. */
    end: cronExpressionSchema.optional(),
    minReplicas: z.number().int().min(0).optional(),
    maxReplicas: z.number().int().min(1).optional(),
  })
  .superRefine((schedule, ctx) => {
    if (
      (schedule.durationMinutes === undefined) ===
      (schedule.end === undefined)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['durationMinutes'],
        message: 'give exactly one of durationMinutes or end',
      });
    }
    if (
      schedule.minReplicas === undefined &&
      schedule.maxReplicas === undefined
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['minReplicas'],
        message: 'a schedule sets minReplicas, maxReplicas or both',
      });
    }
  });

export const fallbackSchema = z.strictObject({
  /** Consecutive evaluations without usable metrics before the fallback applies. */
  failureThreshold: z.number().int().min(1).default(3),
  replicas: z.number().int().min(0),
});

const resourceAmountsSchema = z.strictObject({
  cpu: quantitySchema.optional(),
  memory: quantitySchema.optional(),
});

const verticalFields = {
  mode: z.enum(['Off', 'Initial', 'Auto']),
  minAllowed: resourceAmountsSchema,
  maxAllowed: resourceAmountsSchema,
  controlledResources: z.array(z.enum(['cpu', 'memory'])).min(1),
};
export const verticalSchema = z.strictObject({
  mode: verticalFields.mode.default('Off'),
  minAllowed: verticalFields.minAllowed.default({}),
  maxAllowed: verticalFields.maxAllowed.default({}),
  controlledResources: verticalFields.controlledResources.default([
    'cpu',
    'memory',
  ]),
});

const queriesSchema = z.record(
  metricNameSchema,
  z.strictObject({ source: z.string().min(1), query: z.string().min(1) }),
);

// ---------------------------------------------------------------- the policy

const policyFields = {
  preset: presetNameSchema,
  minReplicas: z.number().int().min(0).max(10000),
  maxReplicas: z.number().int().min(1).max(10000),
  metrics: z.array(metricSpecSchema).min(1),
  queries: queriesSchema,
  behavior: behaviorSchema,
  cooldownSeconds: z.number().int().min(0).max(86400),
  evaluationIntervalSeconds: z.number().int().min(1).max(3600),
  mode: modeSchema,
  schedules: z.array(scheduleSchema),
  fallback: fallbackSchema,
};

/** A complete policy with defaults filled in. */
export const scalingPolicySchema = z.strictObject({
  preset: policyFields.preset.optional(),
  minReplicas: policyFields.minReplicas.default(1),
  maxReplicas: policyFields.maxReplicas,
  metrics: policyFields.metrics.default(DEFAULT_METRICS),
  queries: policyFields.queries.default({}),
  /** Absent: the HPA's legacy normalisation (5 min down-stabilisation, ×2 or 4 pods up). */
  behavior: policyFields.behavior.optional(),
  cooldownSeconds: policyFields.cooldownSeconds.default(0),
  evaluationIntervalSeconds: policyFields.evaluationIntervalSeconds.default(15),
  mode: policyFields.mode.default('auto'),
  predictive: predictiveSchema.prefault({}),
  schedules: policyFields.schedules.default([]),
  fallback: policyFields.fallback.optional(),
  vertical: verticalSchema.prefault({}),
});

/**
 * One level of inheritance: every field optional, nested objects partial. Arrays (metrics,
 * schedules, policies) replace the inherited array as a whole.
 */
export const policyOverrideSchema = z.strictObject({
  preset: policyFields.preset.optional(),
  minReplicas: policyFields.minReplicas.optional(),
  maxReplicas: policyFields.maxReplicas.optional(),
  metrics: policyFields.metrics.optional(),
  queries: policyFields.queries.optional(),
  behavior: policyFields.behavior.optional(),
  cooldownSeconds: policyFields.cooldownSeconds.optional(),
  evaluationIntervalSeconds: policyFields.evaluationIntervalSeconds.optional(),
  mode: policyFields.mode.optional(),
  predictive: z.strictObject(predictiveFields).partial().optional(),
  schedules: policyFields.schedules.optional(),
  fallback: fallbackSchema.partial().optional(),
  vertical: z.strictObject(verticalFields).partial().optional(),
});

export type Quantity = z.input<typeof quantitySchema>;
export type MetricQuery = z.output<typeof metricQuerySchema>;
export type MetricSignal = z.output<typeof metricSignalSchema>;
export type ResourceMetricSpec = z.output<typeof resourceMetricSchema>;
export type PodsMetricSpec = z.output<typeof podsMetricSchema>;
export type ObjectMetricSpec = z.output<typeof objectMetricSchema>;
export type ExternalMetricSpec = z.output<typeof externalMetricSchema>;
export type MetricSpec = z.output<typeof metricSpecSchema>;
export type ScalingRule = z.output<typeof scalingRuleSchema>;
export type ScalingRules = z.output<typeof scalingRulesSchema>;
export type Behavior = z.output<typeof behaviorSchema>;
export type PresetName = z.output<typeof presetNameSchema>;
export type PolicyMode = z.output<typeof modeSchema>;
export type PredictiveSettings = z.output<typeof predictiveSchema>;
export type Schedule = z.output<typeof scheduleSchema>;
export type FallbackSettings = z.output<typeof fallbackSchema>;
export type VerticalSettings = z.output<typeof verticalSchema>;
/** A complete, validated policy (defaults applied); what the engine consumes. */
export type ScalingPolicy = z.output<typeof scalingPolicySchema>;
/** A policy as a user writes it (before defaults). */
export type ScalingPolicyInput = z.input<typeof scalingPolicySchema>;
/** One inheritance level as written. */
export type PolicyOverride = z.input<typeof policyOverrideSchema>;
/** One inheritance level after parsing (quantities converted). */
export type ParsedPolicyOverride = z.output<typeof policyOverrideSchema>;

/** The key a metric's samples and status are reported under. */
export function metricKey(metric: MetricSpec): string {
  return metric.type === 'Resource'
    ? metric.name ?? metric.resource
    : metric.name;
}
