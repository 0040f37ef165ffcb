/**
 * A workload's simulated past: its demand model evaluated at past times, an HPA-like controller
 * run over them, and CPU derived from demand the way the live pod model does. Pure and
 * deterministic (the demand model is a function of time and seed), so the same config always
 * has the same past. The result is kept at a coarse resolution (default 5 minutes) so 14 days of
 * eight workloads is a few hundred kilobytes.
 */
import type { DemandModel } from './demand';
import { LoadParams, maxServeRps, podCpuCores, StepTotals } from './podModel';

export interface PastController {
  minReplicas: number;
  maxReplicas: number;
  /** Target CPU utilisation of the request, percent. */
  targetCpuUtilization: number;
  scaleDownStabilizationSeconds: number;
}

export interface PastInput {
  demand: DemandModel;
  params: LoadParams;
  startupSeconds: number;
  controller: PastController;
  /** First and end (exclusive) times, epoch ms. */
  fromMs: number;
  toMs: number;
  /** Controller period and integration step (Kubernetes' HPA syncs every 15 s). */
  syncSeconds?: number;
  /** Spacing of the kept samples (default 300 s). */
  sampleSeconds?: number;
}

/** Column-wise samples: index i is one sample at `t[i]`. Counters are cumulative from `fromMs`. */
export interface PastSeries {
  t: Float64Array;
  specReplicas: Float64Array;
  readyReplicas: Float64Array;
  demand: Float64Array;
  cpuSeconds: Float64Array;
  requestsOk: Float64Array;
  requestsShed: Float64Array;
  /** State at `toMs`: where the live cluster takes over. */
  final: { specReplicas: number; readyReplicas: number; totals: StepTotals };
}

/** Kubernetes' HPA tolerance: no change while usage is within ±10% of the target. */
const TOLERANCE = 0.1;

/** Replicas needed to serve `demand` at the target utilisation (the controller's steady state). */
export function steadyReplicas(
  demandRps: number,
  p: LoadParams,
  c: PastController,
): number {
  const cpuPerReplica = (c.targetCpuUtilization / 100) * p.cpuRequestCores;
  const busy = (demandRps / p.capacityPerPod) * p.cpuRequestCores;
  const n = Math.ceil(busy / Math.max(cpuPerReplica - p.idleCpuCores, 1e-9));
  return Math.min(c.maxReplicas, Math.max(c.minReplicas, n));
}

export function simulatePast(input: PastInput): PastSeries {
  const { demand, params: p, controller: c } = input;
  const syncMs = (input.syncSeconds ?? 15) * 1000;
  const sampleMs = (input.sampleSeconds ?? 300) * 1000;
  const startupMs = input.startupSeconds * 1000;
  const target = c.targetCpuUtilization / 100;
  const maxServe = maxServeRps(p);
  // Samples on multiples of sampleMs (epoch-aligned, so they line up with query steps).
  const firstSample = Math.ceil(input.fromMs / sampleMs) * sampleMs;
  const n = Math.max(0, Math.ceil((input.toMs - firstSample) / sampleMs));
  const out: PastSeries = {
    t: new Float64Array(n),
    specReplicas: new Float64Array(n),
    readyReplicas: new Float64Array(n),
    demand: new Float64Array(n),
    cpuSeconds: new Float64Array(n),
    requestsOk: new Float64Array(n),
    requestsShed: new Float64Array(n),
    final: {
      specReplicas: 0,
      readyReplicas: 0,
      totals: { ok: 0, error: 0, shed: 0, cpuSeconds: 0 },
    },
  };

  // A cluster that was already running: start at the steady state of the first demand, all Ready.
  let spec = steadyReplicas(demand.at(input.fromMs), p, c);
  let ready = spec;
  /** Ready times of pods still starting, oldest first. */
  const starting: number[] = [];
  const windowLen = Math.max(
    1,
    Math.ceil((c.scaleDownStabilizationSeconds * 1000) / syncMs),
  );
  const recommendations: number[] = [];
  const totals = out.final.totals;
  let next = 0;
  let nextSync = input.fromMs + syncMs;

  let t = input.fromMs;
  while (t < input.toMs) {
    while (starting.length > 0 && starting[0] <= t) {
      starting.shift();
      ready++;
    }
    while (next < n && firstSample + next * sampleMs <= t) {
      // The step that crossed the sample time ends exactly on it (see dt below).
      out.t[next] = firstSample + next * sampleMs;
      out.specReplicas[next] = spec;
      out.readyReplicas[next] = ready;
      out.demand[next] = demand.at(out.t[next]);
      out.cpuSeconds[next] = totals.cpuSeconds;
      out.requestsOk[next] = totals.ok;
      out.requestsShed[next] = totals.shed;
      next++;
    }
    const nextSample = firstSample + next * sampleMs;
    const stepEnd = Math.min(
      nextSync,
      input.toMs,
      next < n ? nextSample : Infinity,
    );
    const dt = (stepEnd - t) / 1000;
    const d = demand.at(t + (stepEnd - t) / 2);
    // Serving as the live pod model does, with the queue at its steady state (excess is shed).
    let podCpu = 0;
    if (ready > 0) {
      const served = Math.min(d / ready, maxServe);
      podCpu = podCpuCores(p, served);
      totals.ok += served * ready * dt;
      totals.shed += Math.max(0, d - served * ready) * dt;
    }
    totals.cpuSeconds +=
      (podCpu * ready + p.idleCpuCores * starting.length) * dt;
    t = stepEnd;

    if (t < nextSync) continue; // the controller runs on its period only
    nextSync += syncMs;
    // HPA-like decision: pods still starting count as idle (Kubernetes assumes 0% for unready
    // pods when scaling up), a ±10% tolerance, the default scale-up rate limit (double or +4 per
    // period), and the highest recommendation of the stabilisation window when scaling down.
    let recommendation = spec;
    if (ready > 0) {
      const usage = (ready * podCpu) / p.cpuRequestCores; // in "requests" of CPU
      const ratio = usage / (target * spec);
      if (Math.abs(ratio - 1) > TOLERANCE)
        recommendation = Math.ceil(usage / target);
    }
    recommendation = Math.min(
      c.maxReplicas,
      Math.max(c.minReplicas, recommendation),
    );
    recommendations.push(recommendation);
    if (recommendations.length > windowLen) recommendations.shift();
    let desired: number;
    if (recommendation > spec)
      desired = Math.min(recommendation, Math.max(2 * spec, spec + 4));
    else desired = Math.min(spec, Math.max(...recommendations));
    desired = Math.min(c.maxReplicas, Math.max(c.minReplicas, desired));
    if (desired > spec) {
      for (let i = spec; i < desired; i++) starting.push(t + startupMs);
    } else if (desired < spec) {
      // Scale-in removes pods that are not Ready first (newest first), then Ready ones.
      let remove = spec - desired;
      while (remove > 0 && starting.length > 0) {
        starting.pop();
        remove--;
      }
      ready -= remove;
    }
    spec = desired;
  }
  out.final.specReplicas = spec;
  out.final.readyReplicas = ready;
  return out;
}
