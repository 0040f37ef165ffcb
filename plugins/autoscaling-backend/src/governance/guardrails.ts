/**
 * Guardrails: which policy changes need a platform approval. Pure functions of the resolved
 * policy before and after the change, the target's context and the configuration.
 */
import {
  formatMoney,
  formatPolicyPath,
  type GuardrailFinding,
  type PolicyDiffEntry,
  type PolicyLevel,
  type ScalingPolicy,
} from '@internal/plugin-autoscaling-common';
import { assertJsonShape } from '../util/jsonShape';
import { canonicalJson } from './audit/canonical';
import { HOURS_PER_MONTH, type GuardrailConfig } from './config';
import { describePricing, type ReplicaPricing } from './pricing';
import { pinnedMinimum, type PinnedMinimum } from './scheduleFloor';

export interface GuardrailContext {
  level: PolicyLevel;
  /** Name of the edited document (environment name for the environment level). */
  name: string;
  /** The service's environment (service level only). */
  environment?: string;
  tenant?: {
    name: string;
    replicaQuota: number | null;
    monthlyBudget: number | null;
  };
  config: GuardrailConfig;
  /**
   * How a replica is priced: the service's prices (the cost card's model) or the configured
   * per-pod price; also the currency of the messages. Defaults to the configured price in USD.
   */
  pricing?: ReplicaPricing;
  /** Monthly cost a policy allows; defaults to the ceiling at `pricing` (`ceilingMonthlyCost`). */
  estimateMonthlyCost?: (policy: ScalingPolicy) => number;
  /**
   * What bounds, mode and cost changes are measured from: the last approved (or platform-set)
   * policy, which unapproved steps do not move. `source` says what it is, for messages.
   * Without it, changes are measured from `before`.
   */
  baseline?: { policy: ScalingPolicy; source: string };
}

/**
 * The default cost estimate: the ceiling the policy allows, maxReplicas × the price of a
 * replica-hour × 730 h, for each of the target's workloads.
 */
export function ceilingMonthlyCost(
  policy: ScalingPolicy,
  replicaHourly: number,
  workloads = 1,
): number {
  return policy.maxReplicas * replicaHourly * HOURS_PER_MONTH * workloads;
}

/**
 * Whether a change at this level reaches production workloads: a production service, the
 * production environment document, or a level above environments (global, tier, tenant),
 * which every production service inherits from.
 */
export function reachesProduction(context: GuardrailContext): boolean {
  const production = context.config.productionEnvironments;
  switch (context.level) {
    case 'service':
      return (
        context.environment !== undefined &&
        production.includes(context.environment)
      );
    case 'environment':
      return production.includes(context.name);
    default:
      return true;
  }
}

/** Pinned minimums, computed once per policy object. */
const pinnedCache = new WeakMap<ScalingPolicy, PinnedMinimum>();
function pinnedOf(policy: ScalingPolicy): PinnedMinimum {
  let pinned = pinnedCache.get(policy);
  if (!pinned) {
    pinned = pinnedMinimum(policy);
    pinnedCache.set(policy, pinned);
  }
  return pinned;
}

/**
 * The bound the guardrail compares: maxReplicas as is; for minReplicas the minimum the
 * schedules pin for most of the week, which is minReplicas unless a schedule (nearly) always
 * open raises it.
 */
function boundOf(
  policy: ScalingPolicy,
  field: 'minReplicas' | 'maxReplicas',
): number {
  return field === 'minReplicas'
    ? pinnedOf(policy).minReplicas
    : policy.maxReplicas;
}

/** Only `auto` acts on workloads; off, dry-run and forecast-only change nothing. */
const actuates = (mode: ScalingPolicy['mode']) => mode === 'auto';

export function evaluateGuardrails(
  before: ScalingPolicy | undefined,
  after: ScalingPolicy,
  context: GuardrailContext,
): GuardrailFinding[] {
  const { config, tenant } = context;
  const pricing: ReplicaPricing = context.pricing ?? {
    currency: 'USD',
    replicaHourly: config.podHourlyPrice,
    workloads: 1,
    source: 'flat',
  };
  const money = (value: number) => formatMoney(value, pricing.currency);
  const findings: GuardrailFinding[] = [];
  const production = reachesProduction(context);

  const quota = tenant?.replicaQuota ?? null;
  if (
    config.tenantQuota &&
    quota !== null &&
    after.maxReplicas > quota &&
    (before === undefined || after.maxReplicas > before.maxReplicas)
  ) {
    findings.push({
      code: 'ABOVE_TENANT_QUOTA',
      path: 'maxReplicas',
      message: `maxReplicas ${after.maxReplicas} is above tenant ${
        tenant!.name
      }'s replica quota of ${quota}`,
    });
  }

  // Measured from the baseline, so five small steps cross the line where one big step would;
  // a field only counts when this change moves it (an edit elsewhere adds no finding).
  const reference = context.baseline?.policy ?? before;
  /** Names the baseline in a message when it is not simply the current value. */
  const since = (old: number, current: number | undefined) =>
    context.baseline && old !== current
      ? `, measured from ${context.baseline.source}`
      : '';
  if (production && reference) {
    for (const field of ['minReplicas', 'maxReplicas'] as const) {
      const next = boundOf(after, field);
      if (before && boundOf(before, field) === next) continue;
      const old = boundOf(reference, field);
      if (old === next) continue;
      const ratio = Math.abs(next - old) / Math.max(old, 1);
      if (ratio > config.productionBoundsChangeRatio) {
        const pinned = field === 'minReplicas' ? pinnedOf(after) : undefined;
        const bySchedules = pinned !== undefined && pinned.schedules.length > 0;
        findings.push({
          code: 'PRODUCTION_BOUNDS_CHANGE',
          path: bySchedules ? 'schedules' : field,
          message: `${field} changes from ${old} to ${next} in production${since(
            old,
            before ? boundOf(before, field) : undefined,
          )}${
            bySchedules
              ? ` (schedule ${pinned!.schedules
                  .map(n => `"${n}"`)
                  .join(', ')} keeps at least ${next} replicas ${Math.round(
                  pinned!.share * 100,
                )}% of the week)`
              : ''
          } (${Math.round(ratio * 100)}%, more than ${Math.round(
            config.productionBoundsChangeRatio * 100,
          )}%)`,
        });
      }
    }
  }

  // Every mode but auto stops actuation: off, and also dry-run and forecast-only.
  if (
    production &&
    config.productionDisable &&
    !actuates(after.mode) &&
    before?.mode !== after.mode &&
    (reference === undefined || actuates(reference.mode))
  ) {
    findings.push({
      code: 'PRODUCTION_DISABLED',
      path: 'mode',
      message:
        after.mode === 'off'
          ? 'mode "off" disables autoscaling of production workloads'
          : `mode "${after.mode}" stops autoscaling of production workloads (nothing is actuated)`,
    });
  }

  const estimate =
    context.estimateMonthlyCost ??
    ((p: ScalingPolicy) =>
      ceilingMonthlyCost(p, pricing.replicaHourly, pricing.workloads));
  const model = context.estimateMonthlyCost
    ? ''
    : ` ${describePricing(pricing)}`;
  const costCurrent = before ? estimate(before) : 0;
  const costBefore = reference ? estimate(reference) : 0;
  const costAfter = estimate(after);
  const increase = costAfter - costBefore;
  if (
    increase > config.monthlyCostIncreaseThreshold &&
    costAfter > costCurrent
  ) {
    findings.push({
      code: 'COST_INCREASE',
      path: 'maxReplicas',
      message: `projected monthly cost at the maximum replicas rises by ${money(
        increase,
      )} (from ${money(costBefore)} to ${money(costAfter)}${since(
        costBefore,
        costCurrent,
      )})${model}, more than the threshold of ${money(
        config.monthlyCostIncreaseThreshold,
      )}`,
    });
  }
  const budget = tenant?.monthlyBudget ?? null;
  if (budget !== null && costAfter > budget && costAfter > costCurrent) {
    findings.push({
      code: 'ABOVE_BUDGET',
      path: 'maxReplicas',
      message: `projected monthly cost at the maximum replicas ${money(
        costAfter,
      )}${model} is above tenant ${tenant!.name}'s monthly budget of ${money(
        budget,
      )}`,
    });
  }
  return findings;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Leaf-by-leaf difference of two overrides (arrays compare as a whole), sorted by path.
 * Throws InputError for values deeper than 32 levels or bigger than 20,000 values, checked
 * without recursion before the recursive walk.
 */
export function diffOverrides(
  before: unknown,
  after: unknown,
): PolicyDiffEntry[] {
  assertJsonShape(before, 'before');
  assertJsonShape(after, 'override');
  const out: PolicyDiffEntry[] = [];
  walk(before, after, []);
  return out.sort((a, b) => a.path.localeCompare(b.path));

  function walk(a: unknown, b: unknown, path: string[]) {
    if (isPlainObject(a) && isPlainObject(b)) {
      for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
        walk(a[key], b[key], [...path, key]);
      }
      return;
    }
    if (isPlainObject(a) && b === undefined) {
      for (const key of Object.keys(a)) walk(a[key], undefined, [...path, key]);
      return;
    }
    if (a === undefined && isPlainObject(b)) {
      for (const key of Object.keys(b)) walk(undefined, b[key], [...path, key]);
      return;
    }
    if (canonicalJson(a) === canonicalJson(b)) return;
    out.push({
      path: path.length ? formatPolicyPath(path) : '(root)',
      before: a === undefined ? null : a,
      after: b === undefined ? null : b,
    });
  }
}
