/**
 * An HPA's (or KEDA ScaledObject's) settings as the service's policy override, so a team can move
 * a workload from a native autoscaler to the portal without retyping it (issue 19 item 4).
 *
 * autoscaling/v2 maps almost one to one: bounds, Resource and ContainerResource metrics, and
 * `behavior`. What the portal cannot take as it stands is listed in `notes`, never dropped
 * silently: Pods, Object and External metrics need a query on one of the portal's metric sources,
 * and KEDA triggers are scalers the portal does not run. Pure.
 */
import type { PolicyOverride } from '@internal/plugin-autoscaling-common';
import type { OtherAutoscaler } from '../kubernetes/types';

export interface ImportProposal {
  override: PolicyOverride;
  /** What was not imported, and why, in sentences. */
  notes: string[];
}

type Json = Record<string, unknown>;
type OverrideMetric = NonNullable<PolicyOverride['metrics']>[number];
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The policy override an HPA or ScaledObject's spec amounts to. */
export function policyFromOtherAutoscaler(
  other: OtherAutoscaler,
): ImportProposal {
  const notes: string[] = [];
  const override: PolicyOverride = {};
  // autoscaling/v2 defaults minReplicas to 1; a ScaledObject's minReplicaCount to 0.
  const min =
    other.minReplicas ?? (other.kind === 'HorizontalPodAutoscaler' ? 1 : 0);
  override.minReplicas = min;
  if (other.maxReplicas !== undefined) override.maxReplicas = other.maxReplicas;
  if (other.kind === 'ScaledObject') {
    notes.push(
      "KEDA's triggers are not imported: add each as a metric with its query on one of the portal's metric sources (Prometheus, ...).",
    );
    return { override, notes };
  }
  const metrics: OverrideMetric[] = [];
  (other.metrics ?? []).forEach((raw, i) => {
    const metric = metricOf(raw);
    if (typeof metric === 'string') notes.push(`metrics[${i}]: ${metric}`);
    else metrics.push(metric);
  });
  // An HPA without metrics scales on 80% CPU (the API default); say so rather than import none.
  if ((other.metrics ?? []).length === 0) {
    metrics.push({
      type: 'Resource',
      resource: 'cpu',
      target: { type: 'Utilization', averageUtilization: 80 },
    });
  }
  if (metrics.length > 0) override.metrics = metrics;
  const behavior = behaviorOf(other.behavior, notes);
  if (behavior) override.behavior = behavior;
  return { override, notes };
}

function metricOf(raw: unknown): OverrideMetric | string {
  if (!isObject(raw)) return 'not an object';
  const type = raw.type;
  if (type === 'Resource' || type === 'ContainerResource') {
    const source = (
      type === 'Resource' ? raw.resource : raw.containerResource
    ) as Json | undefined;
    const name = source?.name;
    const target = source?.target as Json | undefined;
    if (name !== 'cpu' && name !== 'memory')
      return `resource ${String(name)} is not cpu or memory`;
    const resource: 'cpu' | 'memory' = name;
    const container =
      type === 'ContainerResource'
        ? String(source?.container ?? '')
        : undefined;
    const base = {
      type: 'Resource' as const,
      resource,
      ...(container ? { container } : {}),
    };
    if (
      target?.type === 'Utilization' &&
      typeof target.averageUtilization === 'number'
    ) {
      return {
        ...base,
        target: {
          type: 'Utilization',
          averageUtilization: target.averageUtilization,
        },
      };
    }
    if (target?.type === 'AverageValue' && target.averageValue !== undefined) {
      return {
        ...base,
        target: {
          type: 'AverageValue',
          averageValue: String(target.averageValue),
        },
      };
    }
    return `the ${name} target ${JSON.stringify(
      target ?? null,
    )} is neither Utilization nor AverageValue`;
  }
  if (type === 'Pods' || type === 'Object' || type === 'External') {
    const metricName = (
      (raw[String(type).toLowerCase()] as Json | undefined)?.metric as
        | Json
        | undefined
    )?.name;
    return `${type} metric ${String(
      metricName ?? '',
    )} is not imported: the portal reads it through a metric source; add it in the policy form with its query`;
  }
  return `metric type ${String(type)} is not known`;
}

const RULE_KEYS = [
  'stabilizationWindowSeconds',
  'selectPolicy',
  'policies',
  'tolerance',
] as const;

function behaviorOf(
  raw: unknown,
  notes: string[],
): PolicyOverride['behavior'] | undefined {
  if (!isObject(raw)) return undefined;
  const behavior: Json = {};
  for (const direction of ['scaleUp', 'scaleDown'] as const) {
    const rules = raw[direction];
    if (!isObject(rules)) continue;
    const kept: Json = {};
    for (const key of RULE_KEYS)
      if (rules[key] !== undefined && rules[key] !== null)
        kept[key] = rules[key];
    for (const key of Object.keys(rules)) {
      if (!(RULE_KEYS as readonly string[]).includes(key))
        notes.push(`behavior.${direction}.${key} is not imported`);
    }
    if (Object.keys(kept).length > 0) behavior[direction] = kept;
  }
  return Object.keys(behavior).length > 0
    ? (behavior as PolicyOverride['behavior'])
    : undefined;
}
