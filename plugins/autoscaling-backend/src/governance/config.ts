import type { Config } from '@backstage/config';
import type { PolicyOverride } from '@internal/plugin-autoscaling-common';

/**
 * Governance settings, read from `autoscaling.*` in app-config. Every key is optional; the
 * defaults are the values of `DEFAULT_GOVERNANCE_CONFIG`.
 *
 * ```yaml
 * autoscaling:
 *   guardrails:
 *     tenantQuota: true                     # maxReplicas above the tenant's replica quota
 *     productionBoundsChangeRatio: 0.5      # |new - old| / old of min or max in production
 *     productionDisable: true               # mode: off in production
 *     monthlyCostIncreaseThreshold: 500     # projected monthly cost increase (currency units)
 *     podHourlyPrice: 0.05                  # per-pod hourly price of the cost estimate
 *     productionEnvironments: [production]
 *   approvals:
 *     approverGroup: group:default/platform-team   # notified of new change requests
 *   backtest:
 *     capacityPerPod: 100                   # rps one pod serves at 100% CPU
 *     startupSeconds: 60
 *     maxSteps: 5760                        # replay resolution cap (step grows for long histories)
 *   policies:
 *     globalDefault: { minReplicas: 1, maxReplicas: 10 }   # until a global document is saved
 *   governance:
 *     targetCacheSeconds: 30                # catalog lookups cached per entity
 *     decisionCacheSeconds: 10              # permission decisions cached per principal
 * ```
 */
export interface GuardrailConfig {
  tenantQuota: boolean;
  productionBoundsChangeRatio: number;
  productionDisable: boolean;
  monthlyCostIncreaseThreshold: number;
  podHourlyPrice: number;
  productionEnvironments: string[];
}

export interface GovernanceConfig {
  guardrails: GuardrailConfig;
  approverGroup: string;
  backtest: {
    capacityPerPod: number;
    startupSeconds: number;
    maxSteps: number;
  };
  globalDefault: PolicyOverride;
  targetCacheSeconds: number;
  /** Permission decisions are cached per principal this long (0 disables; CachedPermissions). */
  decisionCacheSeconds: number;
}

export const HOURS_PER_MONTH = 730;

export const DEFAULT_GOVERNANCE_CONFIG: GovernanceConfig = {
  guardrails: {
    tenantQuota: true,
    productionBoundsChangeRatio: 0.5,
    productionDisable: true,
    monthlyCostIncreaseThreshold: 500,
    podHourlyPrice: 0.05,
    productionEnvironments: ['production'],
  },
  approverGroup: 'group:default/platform-team',
  backtest: { capacityPerPod: 100, startupSeconds: 60, maxSteps: 5760 },
  globalDefault: { minReplicas: 1, maxReplicas: 10 },
  targetCacheSeconds: 30,
  decisionCacheSeconds: 10,
};

export function readGovernanceConfig(config?: Config): GovernanceConfig {
  const d = DEFAULT_GOVERNANCE_CONFIG;
  if (!config) return d;
  const g = config.getOptionalConfig('autoscaling.guardrails');
  const b = config.getOptionalConfig('autoscaling.backtest');
  const globalDefault = config.getOptional<PolicyOverride>(
    'autoscaling.policies.globalDefault',
  );
  return {
    guardrails: {
      tenantQuota:
        g?.getOptionalBoolean('tenantQuota') ?? d.guardrails.tenantQuota,
      productionBoundsChangeRatio:
        g?.getOptionalNumber('productionBoundsChangeRatio') ??
        d.guardrails.productionBoundsChangeRatio,
      productionDisable:
        g?.getOptionalBoolean('productionDisable') ??
        d.guardrails.productionDisable,
      monthlyCostIncreaseThreshold:
        g?.getOptionalNumber('monthlyCostIncreaseThreshold') ??
        d.guardrails.monthlyCostIncreaseThreshold,
      podHourlyPrice:
        g?.getOptionalNumber('podHourlyPrice') ?? d.guardrails.podHourlyPrice,
      productionEnvironments:
        g?.getOptionalStringArray('productionEnvironments') ??
        d.guardrails.productionEnvironments,
    },
    approverGroup:
      config.getOptionalString('autoscaling.approvals.approverGroup') ??
      d.approverGroup,
    backtest: {
      capacityPerPod:
        b?.getOptionalNumber('capacityPerPod') ?? d.backtest.capacityPerPod,
      startupSeconds:
        b?.getOptionalNumber('startupSeconds') ?? d.backtest.startupSeconds,
      maxSteps: b?.getOptionalNumber('maxSteps') ?? d.backtest.maxSteps,
    },
    globalDefault: globalDefault ?? d.globalDefault,
    targetCacheSeconds:
      config.getOptionalNumber('autoscaling.governance.targetCacheSeconds') ??
      d.targetCacheSeconds,
    decisionCacheSeconds:
      config.getOptionalNumber('autoscaling.governance.decisionCacheSeconds') ??
      d.decisionCacheSeconds,
  };
}
