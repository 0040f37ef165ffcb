/**
 * The serving model of one workload's pods: pure arithmetic over a time step.
 * Demand is split evenly over the Ready pods. Each pod serves up to its capacity (scaled by
 * limit/request when the CPU limit is above the request); the excess queues, and a queue longer
 * than `maxQueueSeconds` of work is shed as 503s. Latency grows with utilisation (a knee near
 * 80%) plus the queueing delay. Every arriving request is counted exactly once, so the sum of the
 * request counters over a workload's pods grows by demand × dt.
 */

export interface LoadParams {
  /** Requests per second one pod serves at 100% of its CPU request. */
  capacityPerPod: number;
  cpuRequestCores: number;
  /** CPU limit; undefined = no limit (then the pod can burst to its request only). */
  cpuLimitCores?: number;
  /** CPU used by an idle (or not yet ready) pod. */
  idleCpuCores: number;
  memoryBaselineBytes: number;
  /** Extra memory per request/second of load. */
  memoryPerRpsBytes: number;
  /** Service time of a request on an idle pod. */
  baseLatencySeconds: number;
  /** Queued work above this many seconds of capacity is shed (HTTP 503). */
  maxQueueSeconds: number;
}

export interface WorkloadFaults {
  /** Added to every request's latency. */
  addedLatencySeconds: number;
  /** Fraction of handled requests answered 500. */
  errorRate: number;
}

export const NO_WORKLOAD_FAULTS: WorkloadFaults = {
  addedLatencySeconds: 0,
  errorRate: 0,
};

/** Upper bounds (seconds) of the latency histogram's buckets (+Inf implied). */
export const LATENCY_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

export interface PodLoadState {
  /** Counters (monotonic). */
  requestsOk: number;
  requestsError: number;
  requestsShed: number;
  cpuSeconds: number;
  /**
   * Seconds the pod wanted more CPU than it may use (its limit, or its request without one):
   * CFS throttling, the work queues.
   */
  cpuThrottledSeconds: number;
  /** Cumulative counts per LATENCY_BUCKETS bound. */
  latencyBuckets: number[];
  latencySum: number;
  latencyCount: number;
  /** Gauges from the last step. */
  queue: number;
  inFlight: number;
  cpuCores: number;
  memoryBytes: number;
  latencySeconds: number;
  utilisation: number;
  /** Arrival rate in the last step (rps). */
  arrivalRps: number;
}

export function newPodLoadState(params: LoadParams): PodLoadState {
  return {
    requestsOk: 0,
    requestsError: 0,
    requestsShed: 0,
    cpuSeconds: 0,
    cpuThrottledSeconds: 0,
    latencyBuckets: LATENCY_BUCKETS.map(() => 0),
    latencySum: 0,
    latencyCount: 0,
    queue: 0,
    inFlight: 0,
    cpuCores: params.idleCpuCores,
    memoryBytes: params.memoryBaselineBytes,
    latencySeconds: params.baseLatencySeconds,
    utilisation: 0,
    arrivalRps: 0,
  };
}

/** Maximum rps one pod can serve (its CPU may burst to the limit). */
export function maxServeRps(p: LoadParams): number {
  const burst =
    p.cpuLimitCores !== undefined && p.cpuLimitCores > p.cpuRequestCores
      ? p.cpuLimitCores / p.cpuRequestCores
      : 1;
  return p.capacityPerPod * burst;
}

/** Mean latency (seconds) of a pod at utilisation `rho` (arrival / max serve rate). */
export function latencyAt(p: LoadParams, rho: number, queue: number): number {
  const r = Math.min(Math.max(rho, 0), 0.98);
  const factor = 1 + r ** 8 / (1 - r);
  const maxServe = maxServeRps(p);
  return p.baseLatencySeconds * factor + (maxServe > 0 ? queue / maxServe : 0);
}

/** CPU cores a pod uses while serving `servedRps` (idle + request × served / capacity, capped at the limit). */
export function podCpuCores(p: LoadParams, servedRps: number): number {
  const busyCores =
    p.capacityPerPod > 0
      ? (servedRps / p.capacityPerPod) * p.cpuRequestCores
      : 0;
  return Math.min(p.cpuLimitCores ?? Infinity, p.idleCpuCores + busyCores);
}

/** What one step added to a workload's counters (kept per workload, so pod deletions do not reset them). */
export interface StepTotals {
  ok: number;
  error: number;
  shed: number;
  cpuSeconds: number;
}

/** Advances the Ready pods of one workload by `dt` seconds at constant `demandRps`. */
export function stepReadyPods(
  p: LoadParams,
  demandRps: number,
  pods: PodLoadState[],
  dt: number,
  faults: WorkloadFaults = NO_WORKLOAD_FAULTS,
): StepTotals {
  const totals: StepTotals = { ok: 0, error: 0, shed: 0, cpuSeconds: 0 };
  if (dt <= 0 || pods.length === 0) return totals;
  const arrival = Math.max(0, demandRps) / pods.length;
  const maxServe = maxServeRps(p);
  const maxQueue = maxServe * p.maxQueueSeconds;
  for (const s of pods) {
    const arrived = arrival * dt;
    const available = arrived + s.queue;
    const served = Math.min(available, maxServe * dt);
    let queue = available - served;
    const shed = Math.max(0, queue - maxQueue);
    queue -= shed;
    const handled = arrived - shed;
    const errors = handled * Math.min(1, Math.max(0, faults.errorRate));
    s.requestsShed += shed;
    s.requestsError += errors;
    s.requestsOk += handled - errors;
    totals.shed += shed;
    totals.error += errors;
    totals.ok += handled - errors;

    const servedRps = served / dt;
    const rho = maxServe > 0 ? arrival / maxServe : 1;
    const latency = latencyAt(p, rho, queue) + faults.addedLatencySeconds;
    // Latencies of the handled requests: exponential around the mean (cumulative buckets).
    for (let i = 0; i < LATENCY_BUCKETS.length; i++) {
      s.latencyBuckets[i] +=
        handled * (1 - Math.exp(-LATENCY_BUCKETS[i] / Math.max(latency, 1e-6)));
    }
    s.latencySum += handled * latency;
    s.latencyCount += handled;

    if (available > maxServe * dt + 1e-9) s.cpuThrottledSeconds += dt;
    s.cpuCores = podCpuCores(p, servedRps);
    s.cpuSeconds += s.cpuCores * dt;
    totals.cpuSeconds += s.cpuCores * dt;
    s.memoryBytes =
      p.memoryBaselineBytes +
      p.memoryPerRpsBytes * arrival +
      (queue * p.memoryPerRpsBytes) / 10;
    s.queue = queue;
    s.inFlight =
      servedRps * (latency - (maxServe > 0 ? queue / maxServe : 0)) + queue;
    s.latencySeconds = latency;
    s.utilisation = p.cpuRequestCores > 0 ? s.cpuCores / p.cpuRequestCores : 0;
    s.arrivalRps = arrival;
  }
  return totals;
}

/** Advances a running but not Ready pod: idle CPU, baseline memory, no traffic. Returns its CPU seconds. */
export function stepIdlePod(
  p: LoadParams,
  s: PodLoadState,
  dt: number,
): number {
  if (dt <= 0) return 0;
  s.cpuCores = p.idleCpuCores;
  s.cpuSeconds += p.idleCpuCores * dt;
  s.memoryBytes = p.memoryBaselineBytes;
  s.queue = 0;
  s.inFlight = 0;
  s.utilisation =
    p.cpuRequestCores > 0 ? p.idleCpuCores / p.cpuRequestCores : 0;
  s.arrivalRps = 0;
  return p.idleCpuCores * dt;
}
