/**
 * Month-to-date cost of one workload, updated once per evaluation tick from what the engine
 * observes. The state is a few numbers (bounded JSON), never a list of samples.
 *
 * Integration: the rate in force since the previous tick (set by the previous sample) is
 * charged for the time since it, capped at `maxGapMs` (10 min by default) so a backend that
 * was stopped for a day bills no phantom hours. Months are calendar months in UTC; a tick in
 * a new month closes the old one into `previousMonth` and starts again from zero, splitting
 * the interval that crosses midnight between the two.
 */
import { allocateCost } from './allocation';
import type { ResourcePrices } from './prices';

export const DEFAULT_MAX_GAP_MS = 10 * 60_000;
const HOUR_MS = 3600_000;

export interface CostSample {
  nowMs: number;
  replicas: number;
  /** Per pod. */
  cpuRequestCores: number;
  /** Per pod. */
  memoryRequestBytes: number;
  /** Per pod, whole GPUs. */
  gpuRequest?: number;
  /** All pods together; null when metrics are missing (the request then decides). */
  cpuUsageCores?: number | null;
  /** All pods together. */
  memoryUsageBytes?: number | null;
  /** The pods run on spot capacity. */
  spot?: boolean;
}

export interface CostRate {
  cpu: number;
  memory: number;
  gpu: number;
}

export interface CostAccumulatorState {
  version: 1;
  /** `YYYY-MM`, UTC. */
  month: string;
  monthToDate: number;
  /** Month to date per resource. */
  breakdown: CostRate;
  /** Time of the last sample. */
  lastMs: number;
  /** Cost per hour at the last sample. */
  hourly: number;
  rate: CostRate;
  /** Hours charged this month (gaps above the cap are not counted). */
  trackedHours: number;
  replicaHours: number;
  peakReplicas: number;
  /** The last sample, without its time: current requests, usage and placement. */
  last: Omit<CostSample, 'nowMs'>;
  previousMonth?: { month: string; total: number };
}

export interface AccumulateOptions {
  maxGapMs?: number;
}

/** `YYYY-MM` of a time, in UTC. */
export function monthOf(timeMs: number): string {
  return new Date(timeMs).toISOString().slice(0, 7);
}

/** Start of the UTC month that contains `timeMs`. */
export function monthStartMs(timeMs: number): number {
  const d = new Date(timeMs);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** Start of the next UTC month. */
export function nextMonthStartMs(timeMs: number): number {
  const d = new Date(timeMs);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

const clean = (value: number | null | undefined): number =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;

function rateOf(
  sample: Omit<CostSample, 'nowMs'>,
  prices: ResourcePrices,
): CostRate {
  const cost = allocateCost(
    {
      replicas: sample.replicas,
      request: {
        cpuCores: sample.cpuRequestCores,
        memoryBytes: sample.memoryRequestBytes,
        gpus: sample.gpuRequest,
      },
      usage: {
        cpuCores: sample.cpuUsageCores,
        memoryBytes: sample.memoryUsageBytes,
      },
      hours: 1,
      spot: sample.spot,
    },
    prices,
  );
  return { cpu: cost.cpuCost, memory: cost.memoryCost, gpu: cost.gpuCost };
}

const scaled = (rate: CostRate, hours: number): CostRate => ({
  cpu: rate.cpu * hours,
  memory: rate.memory * hours,
  gpu: rate.gpu * hours,
});
const plus = (a: CostRate, b: CostRate): CostRate => ({
  cpu: a.cpu + b.cpu,
  memory: a.memory + b.memory,
  gpu: a.gpu + b.gpu,
});
const ZERO_RATE: CostRate = { cpu: 0, memory: 0, gpu: 0 };

/** Adds one tick to the month's cost. Pure; returns a new state. */
export function accumulateCost(
  state: CostAccumulatorState | undefined,
  sample: CostSample,
  prices: ResourcePrices,
  options: AccumulateOptions = {},
): CostAccumulatorState {
  const maxGapMs = options.maxGapMs ?? DEFAULT_MAX_GAP_MS;
  const { nowMs, ...rest } = sample;
  const last: Omit<CostSample, 'nowMs'> = {
    replicas: clean(rest.replicas),
    cpuRequestCores: clean(rest.cpuRequestCores),
    memoryRequestBytes: clean(rest.memoryRequestBytes),
    ...(rest.gpuRequest ? { gpuRequest: clean(rest.gpuRequest) } : {}),
    cpuUsageCores: rest.cpuUsageCores ?? null,
    memoryUsageBytes: rest.memoryUsageBytes ?? null,
    spot: rest.spot ?? false,
  };
  const rate = rateOf(last, prices);
  const hourly = rate.cpu + rate.memory + rate.gpu;
  const month = monthOf(nowMs);

  if (!state || state.version !== 1 || !Number.isFinite(state.lastMs)) {
    return {
      version: 1,
      month,
      monthToDate: 0,
      breakdown: ZERO_RATE,
      lastMs: nowMs,
      hourly,
      rate,
      trackedHours: 0,
      replicaHours: 0,
      peakReplicas: last.replicas,
      last,
    };
  }

  if (nowMs <= state.lastMs) {
    // A repeated or out-of-order tick charges nothing; its sample becomes the current rate.
    return {
      ...state,
      hourly,
      rate,
      last,
      peakReplicas: Math.max(state.peakReplicas, last.replicas),
    };
  }

  // The interval charged: from the previous sample, at its rate, for at most maxGapMs.
  const start = state.lastMs;
  const end = Math.min(nowMs, start + maxGapMs);
  const boundary = monthStartMs(nowMs);
  const hoursBefore = Math.max(0, Math.min(end, boundary) - start) / HOUR_MS;
  const hoursAfter = Math.max(0, end - Math.max(start, boundary)) / HOUR_MS;
  const previousReplicas = state.last.replicas;

  if (state.month === month) {
    const hours = hoursBefore + hoursAfter;
    const breakdown = plus(state.breakdown, scaled(state.rate, hours));
    return {
      ...state,
      monthToDate: state.monthToDate + state.hourly * hours,
      breakdown,
      lastMs: nowMs,
      hourly,
      rate,
      trackedHours: state.trackedHours + hours,
      replicaHours: state.replicaHours + previousReplicas * hours,
      peakReplicas: Math.max(state.peakReplicas, last.replicas),
      last,
    };
  }

  // A new month: close the old one, start the new one with the part after its first instant.
  return {
    version: 1,
    month,
    monthToDate: state.hourly * hoursAfter,
    breakdown: scaled(state.rate, hoursAfter),
    lastMs: nowMs,
    hourly,
    rate,
    trackedHours: hoursAfter,
    replicaHours: previousReplicas * hoursAfter,
    peakReplicas: Math.max(
      last.replicas,
      hoursAfter > 0 ? previousReplicas : 0,
    ),
    last,
    previousMonth: {
      month: state.month,
      total: state.monthToDate + state.hourly * hoursBefore,
    },
  };
}
