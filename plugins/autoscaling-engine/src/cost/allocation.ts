/**
 * Cost allocation in the manner of OpenCost (spec v01; `pkg/costmodel`):
 *
 *   cost = max(request, usage) × hours × unit price      per resource (CPU, memory)
 *   GPU  = requested GPUs × hours × GPU price            (whole GPUs: request == allocation)
 *
 * OpenCost takes the max per container and per sample; the engine sees a workload once per
 * tick, so it takes the max of the workload's total request (replicas × per-pod request) and
 * its total usage at that tick. Idle = capacity cost − allocated cost, per resource.
 */
import {
  GIB,
  unitPrices,
  type ClusterCapacity,
  type ResourcePrices,
} from './prices';

/** Per-pod requests: cores, bytes, whole GPUs. */
export interface PodRequests {
  cpuCores: number;
  memoryBytes: number;
  gpus?: number;
}

export interface AllocationInput {
  replicas: number;
  /** Requests of one pod (summed over its containers). */
  request: PodRequests;
  /** Usage of all pods together; unknown usage counts as zero (the request then decides). */
  usage?: { cpuCores?: number | null; memoryBytes?: number | null };
  hours: number;
  /** Billed at spot prices. */
  spot?: boolean;
}

export interface CostAllocation {
  cpuCoreHours: number;
  memoryGiBHours: number;
  gpuHours: number;
  cpuCost: number;
  memoryCost: number;
  gpuCost: number;
  totalCost: number;
}

export const ZERO_COST: CostAllocation = Object.freeze({
  cpuCoreHours: 0,
  memoryGiBHours: 0,
  gpuHours: 0,
  cpuCost: 0,
  memoryCost: 0,
  gpuCost: 0,
  totalCost: 0,
});

const nonNegative = (value: number | null | undefined) =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;

/** What a workload is charged for over `hours`: max(request, usage) per resource. */
export function allocateCost(
  input: AllocationInput,
  prices: ResourcePrices,
): CostAllocation {
  const replicas = nonNegative(input.replicas);
  const hours = nonNegative(input.hours);
  const cpuCores = Math.max(
    replicas * nonNegative(input.request.cpuCores),
    nonNegative(input.usage?.cpuCores),
  );
  const memoryBytes = Math.max(
    replicas * nonNegative(input.request.memoryBytes),
    nonNegative(input.usage?.memoryBytes),
  );
  const gpus = replicas * nonNegative(input.request.gpus);
  if (prices.replicaHour) {
    // A flat price per replica-hour: booked under CPU (the breakdown has no replica column).
    const flat =
      replicas * hours * prices.replicaHour[input.spot ? 'spot' : 'onDemand'];
    return {
      cpuCoreHours: cpuCores * hours,
      memoryGiBHours: (memoryBytes / GIB) * hours,
      gpuHours: gpus * hours,
      cpuCost: flat,
      memoryCost: 0,
      gpuCost: 0,
      totalCost: flat,
    };
  }
  return costOf(
    {
      cpuCoreHours: cpuCores * hours,
      memoryGiBHours: (memoryBytes / GIB) * hours,
      gpuHours: gpus * hours,
    },
    prices,
    input.spot ?? false,
  );
}

/** Prices resource-hours. */
export function costOf(
  amounts: { cpuCoreHours: number; memoryGiBHours: number; gpuHours: number },
  prices: ResourcePrices,
  spot: boolean,
): CostAllocation {
  const unit = unitPrices(prices, spot);
  const cpuCost = amounts.cpuCoreHours * unit.cpuCoreHour;
  const memoryCost = amounts.memoryGiBHours * unit.memoryGiBHour;
  const gpuCost = amounts.gpuHours * unit.gpuHour;
  return {
    ...amounts,
    cpuCost,
    memoryCost,
    gpuCost,
    totalCost: cpuCost + memoryCost + gpuCost,
  };
}

export function addCost(a: CostAllocation, b: CostAllocation): CostAllocation {
  return {
    cpuCoreHours: a.cpuCoreHours + b.cpuCoreHours,
    memoryGiBHours: a.memoryGiBHours + b.memoryGiBHours,
    gpuHours: a.gpuHours + b.gpuHours,
    cpuCost: a.cpuCost + b.cpuCost,
    memoryCost: a.memoryCost + b.memoryCost,
    gpuCost: a.gpuCost + b.gpuCost,
    totalCost: a.totalCost + b.totalCost,
  };
}

export function sumCosts(costs: readonly CostAllocation[]): CostAllocation {
  return costs.reduce(addCost, ZERO_COST);
}

export type CostDimension = 'service' | 'tenant' | 'environment' | 'cluster';

export interface LabelledCost {
  labels: Record<CostDimension, string>;
  cost: CostAllocation;
}

/** Sums of the costs per value of one dimension (OpenCost's `aggregate=`). */
export function rollUpCosts(
  items: readonly LabelledCost[],
  by: CostDimension,
): Record<string, CostAllocation> {
  const totals: Record<string, CostAllocation> = {};
  for (const item of items) {
    const key = item.labels[by];
    totals[key] = addCost(totals[key] ?? ZERO_COST, item.cost);
  }
  return totals;
}

export interface IdleCost {
  /** What the cluster's nodes cost over the period. */
  capacity: CostAllocation;
  /** What its workloads were charged. */
  allocated: CostAllocation;
  /** capacity − allocated per resource, never negative (`__idle__`). */
  idle: CostAllocation;
  /** idle / capacity cost, 0 for a cluster without cost. */
  idleFraction: number;
}

/**
 * Idle cost of a cluster over `hours` (OpenCost's `computeIdleAllocations`, per cluster): the
 * capacity priced like the workloads, minus what the workloads were allocated. Over-allocation
 * (a resource whose allocations exceed capacity) gives zero idle for that resource.
 */
export function clusterIdleCost(
  cluster: { capacity: ClusterCapacity; hours: number; spot?: boolean },
  allocations: readonly CostAllocation[],
  prices: ResourcePrices,
): IdleCost {
  const hours = nonNegative(cluster.hours);
  const capacity = costOf(
    {
      cpuCoreHours: nonNegative(cluster.capacity.cpuCores) * hours,
      memoryGiBHours: nonNegative(cluster.capacity.memoryGiB) * hours,
      gpuHours: nonNegative(cluster.capacity.gpus) * hours,
    },
    prices,
    cluster.spot ?? false,
  );
  const allocated = sumCosts(allocations);
  const gap = (a: number, b: number) => Math.max(0, a - b);
  const cpuCost = gap(capacity.cpuCost, allocated.cpuCost);
  const memoryCost = gap(capacity.memoryCost, allocated.memoryCost);
  const gpuCost = gap(capacity.gpuCost, allocated.gpuCost);
  const idle: CostAllocation = {
    cpuCoreHours: gap(capacity.cpuCoreHours, allocated.cpuCoreHours),
    memoryGiBHours: gap(capacity.memoryGiBHours, allocated.memoryGiBHours),
    gpuHours: gap(capacity.gpuHours, allocated.gpuHours),
    cpuCost,
    memoryCost,
    gpuCost,
    totalCost: cpuCost + memoryCost + gpuCost,
  };
  return {
    capacity,
    allocated,
    idle,
    idleFraction:
      capacity.totalCost > 0 ? idle.totalCost / capacity.totalCost : 0,
  };
}
