/**
 * The cost model of the guardrails and backtests: the cost card's. A replica is priced by the
 * service's own prices and requests (CostService.replicaHourly), in the catalog's currency, so a
 * guardrail's "from $X to $Y" and a backtest's "$Z/month" are the cost card's numbers at other
 * replica counts. Without a price (a level above services, or a service not seen by the engine
 * yet) the configured `guardrails.podHourlyPrice` stands in, and the messages say so.
 */
import { formatReplicaHour } from '@internal/plugin-autoscaling-common';

export interface GuardrailPricing {
  /** The price catalog's currency. */
  currency: string;
  /** Hourly price of one replica of each of the entity's workloads (empty when none is known). */
  replicaHourly(entityRef: string): Promise<number[]>;
}

/** How replicas of one target are priced. */
export interface ReplicaPricing {
  currency: string;
  /** Price of one replica-hour (the mean over the target's workloads). */
  replicaHourly: number;
  /** Workloads the target runs (a policy's maximum applies to each). */
  workloads: number;
  /** `prices`: the service's catalog prices and requests; `flat`: the configured per-pod price. */
  source: 'prices' | 'flat';
}

export async function replicaPricingOf(
  pricing: GuardrailPricing | undefined,
  entityRef: string | null,
  flatHourly: number,
): Promise<ReplicaPricing> {
  const currency = pricing?.currency ?? 'USD';
  const prices =
    pricing && entityRef
      ? (await pricing.replicaHourly(entityRef)).filter(p => p > 0)
      : [];
  if (prices.length === 0) {
    return {
      currency,
      replicaHourly: flatHourly,
      workloads: 1,
      source: 'flat',
    };
  }
  return {
    currency,
    replicaHourly: prices.reduce((sum, p) => sum + p, 0) / prices.length,
    workloads: prices.length,
    source: 'prices',
  };
}

/** "at $0.0125 per replica-hour" (", across 2 workloads"; "the configured price of …"). */
export function describePricing(pricing: ReplicaPricing): string {
  const price = formatReplicaHour(pricing.replicaHourly, pricing.currency);
  const across =
    pricing.workloads > 1 ? `, across ${pricing.workloads} workloads` : '';
  return pricing.source === 'prices'
    ? `at ${price}${across}`
    : `at the configured estimate of ${price}`;
}
