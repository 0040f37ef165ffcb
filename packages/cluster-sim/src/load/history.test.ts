import { constantDemand, syntheticDemand } from './demand';
import { simulatePast, steadyReplicas } from './history';
import type { LoadParams } from './podModel';

const params: LoadParams = {
  capacityPerPod: 50,
  cpuRequestCores: 0.5,
  cpuLimitCores: 1,
  idleCpuCores: 0.01,
  memoryBaselineBytes: 1e8,
  memoryPerRpsBytes: 1e6,
  baseLatencySeconds: 0.04,
  maxQueueSeconds: 10,
};
const controller = {
  minReplicas: 2,
  maxReplicas: 12,
  targetCpuUtilization: 70,
  scaleDownStabilizationSeconds: 300,
};
const DAY = 86_400_000;
const END = Date.UTC(2025, 0, 6, 12, 0, 0);
const diurnal = syntheticDemand({
  base: 150,
  dailyAmplitude: 0.6,
  peakHour: 14,
  weekly: [1, 1, 1, 1, 1, 0.6, 0.6],
  noise: 0.05,
  noiseIntervalSeconds: 60,
  flashCrowds: [],
  utcOffsetHours: 0,
  seed: 5,
});

describe('simulated past', () => {
  const past = simulatePast({
    demand: diurnal,
    params,
    startupSeconds: 30,
    controller,
    fromMs: END - 14 * DAY,
    toMs: END,
  });

  it('keeps one sample per 5 minutes, epoch-aligned, with cumulative counters', () => {
    expect(past.t.length).toBe(14 * 288);
    expect(past.t[0]).toBe(END - 14 * DAY);
    expect(past.t[1] - past.t[0]).toBe(300_000);
    for (let i = 1; i < past.t.length; i++) {
      expect(past.cpuSeconds[i]).toBeGreaterThan(past.cpuSeconds[i - 1]);
      expect(past.requestsOk[i]).toBeGreaterThanOrEqual(past.requestsOk[i - 1]);
    }
    // Every request of the 14 days is counted once (served or shed).
    let requests = 0;
    for (let t = END - 14 * DAY; t < END; t += 15_000)
      requests += diurnal.at(t + 7_500) * 15;
    const counted = past.final.totals.ok + past.final.totals.shed;
    expect(Math.abs(counted - requests) / requests).toBeLessThan(0.001);
  });

  it('follows the daily cycle with replicas within the bounds and CPU near the target', () => {
    const day = (from: number) =>
      Array.from({ length: 288 }, (_, k) => from + k);
    const monday = day(7 * 288); // one weekday, far from the start
    const spec = monday.map(i => past.specReplicas[i]);
    expect(Math.min(...spec)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...spec)).toBeLessThanOrEqual(12);
    // Demand swings 0.4x..1.6x of 150 rps; at 35 rps per replica that is 2..7 replicas.
    expect(Math.min(...spec)).toBeLessThanOrEqual(3);
    expect(Math.max(...spec)).toBeGreaterThanOrEqual(6);
    const cpu = monday
      .slice(1)
      .map(i => (past.cpuSeconds[i] - past.cpuSeconds[i - 1]) / 300);
    expect(Math.max(...cpu) / Math.min(...cpu)).toBeGreaterThan(2.5);
    // Utilisation of the request averaged over the busiest hour stays near the 70% target.
    const k = cpu.indexOf(Math.max(...cpu)); // interval monday[k]..monday[k + 1]
    const util =
      cpu[k] / (past.readyReplicas[monday[k + 1]] * params.cpuRequestCores);
    expect(util).toBeGreaterThan(0.5);
    expect(util).toBeLessThan(0.9);
  });

  it('scales in only after the stabilisation window and scales out after start-up', () => {
    const step = { ...params };
    let t0 = 0;
    const demand = { at: (t: number) => (t < t0 ? 300 : 60) }; // a drop from 300 to 60 rps
    t0 = END - 3_600_000;
    const p = simulatePast({
      demand,
      params: step,
      startupSeconds: 30,
      controller,
      fromMs: END - 2 * 3_600_000,
      toMs: END,
      sampleSeconds: 60,
    });
    const at = (t: number) => p.specReplicas[p.t.indexOf(t)];
    expect(at(t0 - 60_000)).toBe(steadyReplicas(300, params, controller));
    expect(at(t0 + 4 * 60_000)).toBe(at(t0 - 60_000)); // held for 5 minutes
    expect(at(t0 + 7 * 60_000)).toBe(steadyReplicas(60, params, controller));

    const up = { at: (t: number) => (t < t0 ? 60 : 300) };
    const q = simulatePast({
      demand: up,
      params,
      startupSeconds: 120,
      controller,
      fromMs: END - 2 * 3_600_000,
      toMs: END,
      sampleSeconds: 60,
    });
    const i = q.t.indexOf(t0 + 60_000);
    expect(q.specReplicas[i]).toBeGreaterThan(q.readyReplicas[i]); // new pods still starting
    const j = q.t.indexOf(t0 + 10 * 60_000);
    expect(q.readyReplicas[j]).toBe(q.specReplicas[j]);
    expect(q.specReplicas[j]).toBe(steadyReplicas(300, params, controller));
  });

  it('is a pure function of its input', () => {
    const again = simulatePast({
      demand: diurnal,
      params,
      startupSeconds: 30,
      controller,
      fromMs: END - 14 * DAY,
      toMs: END,
    });
    expect(again.specReplicas).toEqual(past.specReplicas);
    expect(again.cpuSeconds).toEqual(past.cpuSeconds);
    const flat = simulatePast({
      demand: constantDemand(100),
      params,
      startupSeconds: 30,
      controller,
      fromMs: END - DAY,
      toMs: END,
    });
    expect(new Set(flat.specReplicas).size).toBe(1);
    expect(flat.final.specReplicas).toBe(
      steadyReplicas(100, params, controller),
    );
  });
});
