/**
 * The price catalog: unit prices per cloud, region and instance family, on-demand and spot,
 * in the manner of OpenCost's custom pricing (`CPU`, `RAM`, `GPU`, `spotCPU`, `spotRAM`, ...).
 *
 * Units are per hour: one vCPU (core), one GiB (2^30 bytes) of memory, one GPU.
 * See docs/cost.md for where the defaults come from.
 */
import { z } from 'zod';

/** Hours in a billing month, as OpenCost and the cloud price lists count them (365 × 24 / 12). */
export const HOURS_PER_MONTH = 730;
export const GIB = 2 ** 30;

const price = z.number().finite().nonnegative();

export const unitPriceSchema = z.strictObject({
  onDemand: price,
  spot: price,
});
export type UnitPrice = z.infer<typeof unitPriceSchema>;

export const resourcePricesSchema = z.strictObject({
  cpuCoreHour: unitPriceSchema,
  memoryGiBHour: unitPriceSchema,
  gpuHour: unitPriceSchema,
});
export type ResourcePrices = z.infer<typeof resourcePricesSchema> & {
  /**
   * A flat price per replica-hour (a cluster's or host's `replicaHour`): when set, a replica
   * costs this whatever its requests and usage, and the resource prices are not used.
   */
  replicaHour?: UnitPrice;
};

const name = z.string().trim().min(1);

export const priceEntrySchema = z.strictObject({
  cloud: name,
  region: name,
  family: name,
  cpuCoreHour: unitPriceSchema,
  memoryGiBHour: unitPriceSchema,
  /** Optional: families without GPUs fall back to the default GPU price. */
  gpuHour: unitPriceSchema.optional(),
  /** Where the figure comes from (shown in docs and the export). */
  source: z.string().optional(),
});
export type PriceEntry = z.infer<typeof priceEntrySchema>;

/** Resources of a cluster's nodes, for idle cost (capacity − allocated). */
export const clusterCapacitySchema = z.strictObject({
  cpuCores: z.number().finite().nonnegative(),
  memoryGiB: z.number().finite().nonnegative(),
  gpus: z.number().finite().nonnegative().default(0),
});
export type ClusterCapacity = z.infer<typeof clusterCapacitySchema>;

/** Where a cluster's nodes run, so its workloads get the right prices. */
export const clusterPricingSchema = z.strictObject({
  cloud: name,
  region: name,
  family: name,
  /** The cluster's nodes are spot capacity: its workloads are billed at spot prices. */
  spot: z.boolean().default(false),
  capacity: clusterCapacitySchema.optional(),
  /**
   * A flat price per replica-hour (e.g. per container-hour on a Docker Compose host): one
   * number for on-demand and spot, or both. When set, it prices the cluster's replicas instead
   * of the cores and GiB they request.
   */
  replicaHour: z
    .union([price, unitPriceSchema])
    .transform(p => (typeof p === 'number' ? { onDemand: p, spot: p } : p))
    .optional(),
});
export type ClusterPricing = z.infer<typeof clusterPricingSchema>;

/**
 * OpenCost's default prices (`opencost/opencost:configs/default.json`, "based on GCP
 * us-central1"): $0.031611 per vCPU-hour, $0.004237 per GiB-hour, $0.95 per GPU-hour; spot
 * 0.2105 × on-demand for CPU and RAM. OpenCost has no spot GPU default; we use the same ratio.
 */
export const OPENCOST_DEFAULT_PRICES: ResourcePrices = {
  cpuCoreHour: { onDemand: 0.031611, spot: 0.006655 },
  memoryGiBHour: { onDemand: 0.004237, spot: 0.000892 },
  gpuHour: { onDemand: 0.95, spot: 0.2 },
};

export const priceCatalogSchema = z.strictObject({
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')
    .default('USD'),
  /** Used when no entry matches a cluster's cloud and region. */
  default: resourcePricesSchema.default(OPENCOST_DEFAULT_PRICES),
  entries: z.array(priceEntrySchema).default([]),
  /** Cluster name → where it runs (and optionally its capacity). */
  clusters: z.record(z.string(), clusterPricingSchema).default({}),
});
export type PriceCatalog = z.infer<typeof priceCatalogSchema>;
export type PriceCatalogInput = z.input<typeof priceCatalogSchema>;

/**
 * The built-in catalog: the OpenCost defaults, plus AWS m6i in us-east-1 derived from the
 * on-demand list price of m6i.large (2 vCPU, 8 GiB, $0.096/h) split between CPU and memory at
 * OpenCost's CPU:RAM price ratio (0.031611 : 0.004237 ≈ 7.46 : 1), so 2c + 8r = 0.096 gives
 * c = $0.031247/vCPU-h, r = $0.004188/GiB-h. Its spot prices assume 65% off (0.35 × on-demand),
 * inside the 50–70% realised discounts third parties report; AWS spot prices move hourly.
 */
export const DEFAULT_PRICE_CATALOG: PriceCatalog = {
  currency: 'USD',
  default: OPENCOST_DEFAULT_PRICES,
  entries: [
    {
      cloud: 'aws',
      region: 'us-east-1',
      family: 'm6i',
      cpuCoreHour: { onDemand: 0.031247, spot: 0.010936 },
      memoryGiBHour: { onDemand: 0.004188, spot: 0.001466 },
      source:
        'm6i.large on-demand $0.096/h split at the OpenCost CPU:RAM ratio; spot = 0.35 × on-demand (assumed)',
    },
  ],
  clusters: {},
};

export interface PriceLocation {
  cloud?: string;
  region?: string;
  family?: string;
}

export interface PriceLookup {
  prices: ResourcePrices;
  /** How the entry was found: exact match, same cloud and region, or the default. */
  match: 'exact' | 'region' | 'default';
  /** `cloud/region/family` of the entry used, or `default`. */
  key: string;
}

/**
 * The prices of a location: the exact (cloud, region, family) entry, else the first entry of
 * the same cloud and region, else the catalog default. Matching ignores case.
 */
export function lookupPrice(
  catalog: PriceCatalog,
  location: PriceLocation,
): PriceLookup {
  const same = (a: string | undefined, b: string) =>
    a !== undefined && a.toLowerCase() === b.toLowerCase();
  const inRegion = catalog.entries.filter(
    e => same(location.cloud, e.cloud) && same(location.region, e.region),
  );
  const exact = inRegion.find(e => same(location.family, e.family));
  const entry = exact ?? inRegion[0];
  if (!entry)
    return { prices: catalog.default, match: 'default', key: 'default' };
  return {
    prices: {
      cpuCoreHour: entry.cpuCoreHour,
      memoryGiBHour: entry.memoryGiBHour,
      gpuHour: entry.gpuHour ?? catalog.default.gpuHour,
    },
    match: exact ? 'exact' : 'region',
    key: `${entry.cloud}/${entry.region}/${entry.family}`,
  };
}

/** The prices for a named cluster, from its entry in `catalog.clusters`. */
export function lookupClusterPrice(
  catalog: PriceCatalog,
  cluster: string,
): PriceLookup & { spot: boolean } {
  const placement = catalog.clusters[cluster];
  const found = lookupPrice(catalog, placement ?? {});
  return {
    ...found,
    ...(placement?.replicaHour
      ? { prices: { ...found.prices, replicaHour: placement.replicaHour } }
      : {}),
    spot: placement?.spot ?? false,
  };
}

/** The on-demand or the spot side of a catalog's prices. */
export function unitPrices(
  prices: ResourcePrices,
  spot: boolean,
): { cpuCoreHour: number; memoryGiBHour: number; gpuHour: number } {
  const side = spot ? 'spot' : 'onDemand';
  return {
    cpuCoreHour: prices.cpuCoreHour[side],
    memoryGiBHour: prices.memoryGiBHour[side],
    gpuHour: prices.gpuHour[side],
  };
}
