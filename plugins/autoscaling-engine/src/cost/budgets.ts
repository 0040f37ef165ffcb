/**
 * Tenant budgets and the emergency ceiling.
 *
 * Status: projected month / monthly budget ≥ 0.8 → `warning`, ≥ 1.0 → `emergency`
 * (thresholds configurable). A tenant without a (positive) budget is always `ok`.
 *
 * In an emergency, scale-up is capped lowest tier first, and never below a workload's minimum:
 * - basic: no scale-up above the current replicas;
 * - premium: at most max(+1 replica, +10% of current, rounded down) above the current replicas;
 * - enterprise: not capped; the reason still says the tenant is in a budget emergency.
 * Scale-down is never blocked: a cap only bounds the top.
 */
import { formatMoney } from '@internal/plugin-autoscaling-common';
import type {
  BudgetStatus,
  TenantTier,
} from '@internal/plugin-autoscaling-common';
import type { ReplicaLimit } from '../horizontal/types';

export interface BudgetThresholds {
  /** Fraction of the budget that raises a warning. */
  warning: number;
  /** Fraction of the budget that starts the emergency ceiling. */
  emergency: number;
}

export const DEFAULT_BUDGET_THRESHOLDS: BudgetThresholds = {
  warning: 0.8,
  emergency: 1.0,
};

export function budgetStatus(
  projectedMonth: number,
  monthlyBudget: number | null | undefined,
  thresholds: BudgetThresholds = DEFAULT_BUDGET_THRESHOLDS,
): BudgetStatus {
  if (
    monthlyBudget === null ||
    monthlyBudget === undefined ||
    !(monthlyBudget > 0)
  ) {
    return 'ok';
  }
  const ratio = projectedMonth / monthlyBudget;
  if (ratio >= thresholds.emergency) return 'emergency';
  if (ratio >= thresholds.warning) return 'warning';
  return 'ok';
}

export interface TenantBudget {
  status: BudgetStatus;
  projectedMonth: number;
  monthlyBudget: number | null;
  currency: string;
}

export function tenantBudget(
  projectedMonth: number,
  monthlyBudget: number | null | undefined,
  currency = 'USD',
  thresholds: BudgetThresholds = DEFAULT_BUDGET_THRESHOLDS,
): TenantBudget {
  return {
    status: budgetStatus(projectedMonth, monthlyBudget, thresholds),
    projectedMonth,
    monthlyBudget: monthlyBudget ?? null,
    currency,
  };
}

export interface BudgetCapWorkload {
  workload: string;
  tenant: string;
  tier: TenantTier;
  currentReplicas: number;
  minReplicas: number;
}

export interface BudgetCapOptions {
  /** Premium may grow by this fraction of its current replicas (rounded down)… */
  premiumMaxIncreaseFraction?: number;
  /** …or by this many replicas, whichever is larger. */
  premiumMinIncreaseReplicas?: number;
}

export const DEFAULT_BUDGET_CAP_OPTIONS: Required<BudgetCapOptions> = {
  premiumMaxIncreaseFraction: 0.1,
  premiumMinIncreaseReplicas: 1,
};

export interface BudgetCap {
  workload: string;
  tenant: string;
  tier: TenantTier;
  /** The most replicas allowed; null when the tier is not capped. */
  maxReplicas: number | null;
  reason: { code: 'BudgetEmergency'; message: string };
}

/** The portal's money format ("$1,500", "€150"), so budget sentences read like the cost card. */
function money(value: number, currency: string): string {
  return formatMoney(value, currency);
}

/**
 * Caps for the workloads of tenants in a budget emergency (others get no entry), sorted
 * lowest tier first. Apply them as the outer limit of the horizontal decision
 * (`budgetLimit(cap)`).
 */
export function budgetCaps(
  workloads: readonly BudgetCapWorkload[],
  tenants: Readonly<Record<string, TenantBudget | undefined>>,
  options: BudgetCapOptions = {},
): BudgetCap[] {
  const settings = { ...DEFAULT_BUDGET_CAP_OPTIONS, ...options };
  const order: Record<TenantTier, number> = {
    basic: 0,
    premium: 1,
    enterprise: 2,
  };
  const caps: BudgetCap[] = [];
  for (const w of workloads) {
    const budget = tenants[w.tenant];
    if (budget?.status !== 'emergency') continue;
    const current = Math.max(0, Math.floor(w.currentReplicas));
    const min = Math.max(0, Math.floor(w.minReplicas));
    const over =
      budget.monthlyBudget && budget.monthlyBudget > 0
        ? ` (${Math.round(
            (budget.projectedMonth / budget.monthlyBudget) * 100,
          )}%)`
        : '';
    const prefix = `budget emergency: tenant '${
      w.tenant
    }' is projected to spend ${money(
      budget.projectedMonth,
      budget.currency,
    )} this month against a budget of ${money(
      budget.monthlyBudget ?? 0,
      budget.currency,
    )}${over}`;
    let maxReplicas: number | null;
    let rule: string;
    if (w.tier === 'basic') {
      maxReplicas = Math.max(current, min);
      rule = `basic tier: no scale-up above ${maxReplicas} replicas`;
    } else if (w.tier === 'premium') {
      const step = Math.max(
        settings.premiumMinIncreaseReplicas,
        Math.floor(current * settings.premiumMaxIncreaseFraction),
      );
      maxReplicas = Math.max(current + step, min);
      rule = `premium tier: scale-up limited to ${maxReplicas} replicas (+${step})`;
    } else {
      maxReplicas = null;
      rule = 'enterprise tier: not capped, still scaling';
    }
    caps.push({
      workload: w.workload,
      tenant: w.tenant,
      tier: w.tier,
      maxReplicas,
      reason: { code: 'BudgetEmergency', message: `${prefix}; ${rule}` },
    });
  }
  return caps.sort(
    (a, b) =>
      order[a.tier] - order[b.tier] || a.workload.localeCompare(b.workload),
  );
}

/** A cap as the horizontal decision's outer limit; undefined when the tier is not capped. */
export function budgetLimit(
  cap: BudgetCap | undefined,
): ReplicaLimit | undefined {
  if (!cap || cap.maxReplicas === null) return undefined;
  return {
    maxReplicas: cap.maxReplicas,
    code: cap.reason.code,
    message: cap.reason.message,
  };
}

/** The tighter of two outer limits (either may be absent). */
export function tighterLimit(
  a: ReplicaLimit | undefined,
  b: ReplicaLimit | undefined,
): ReplicaLimit | undefined {
  if (!a) return b;
  if (!b) return a;
  return b.maxReplicas < a.maxReplicas ? b : a;
}
