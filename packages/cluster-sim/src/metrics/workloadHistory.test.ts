import {
  FIELDS,
  MetricHistory,
  SampleRing,
  SampleValues,
} from './workloadHistory';
import { simulatePast } from '../load/history';
import { constantDemand } from '../load/demand';

const values = (n: number): SampleValues =>
  Object.fromEntries(FIELDS.map(f => [f, n])) as SampleValues;
const ref = {
  key: 'Deployment/shop/web',
  kind: 'Deployment',
  namespace: 'shop',
  name: 'web',
};
const T0 = Date.UTC(2025, 0, 6);
const byName = (h: MetricHistory, name: string) =>
  h.series(T0, () => undefined).find(s => s.labels.__name__ === name)!;

describe('live metric history', () => {
  it('keeps at most its capacity in a ring, oldest overwritten, in time order', () => {
    const r = new SampleRing(3);
    for (let i = 0; i < 5; i++) r.push(i * 10, values(i));
    expect(r.size).toBe(3);
    expect([0, 1, 2].map(i => r.time(i))).toEqual([20, 30, 40]);
    expect(r.value(0, 'cpu')).toBe(2);
  });

  it('samples every 15 s for a day and every 5 min beyond, within a fixed bound', () => {
    const h = new MetricHistory({
      fineSeconds: 15,
      fineRetentionSeconds: 3600,
      coarseSeconds: 300,
      coarseRetentionSeconds: 7200,
    });
    // A step every second for 3 hours: a counter growing 1/s, a gauge equal to the minute.
    for (let s = 0; s <= 3 * 3600; s++)
      h.record(T0 + s * 1000, [
        { ref, values: { ...values(Math.floor(s / 60)), cpu: s } },
      ]);
    // 240 fine (1 h) + 24 coarse (2 h): bounded whatever the uptime.
    expect(h.sampleCount()).toBe(240 + 24);
    const cpu = byName(h, 'container_cpu_usage_seconds_total');
    expect(cpu.interpolatedAt(T0 + 3 * 3600_000 - 100_000)).toBeCloseTo(
      3 * 3600 - 100,
    ); // fine ring
    expect(cpu.interpolatedAt(T0 + 5400_000 + 123_000)).toBeCloseTo(5400 + 123); // coarse, interpolated
    expect(cpu.interpolatedAt(T0 - 1)).toBeUndefined(); // dropped: older than both rings
    const spec = byName(h, 'kube_deployment_spec_replicas');
    expect(spec.sampleAt(T0 + 2 * 3600_000 + 30_000, 300_000)).toBe(120); // last 15-s sample
    expect(spec.labels).toEqual({
      __name__: 'kube_deployment_spec_replicas',
      namespace: 'shop',
      deployment: 'web',
    });
  });

  it('joins the simulated past, the rings and the head; forgets deleted workloads', () => {
    const h = new MetricHistory();
    const past = simulatePast({
      demand: constantDemand(100),
      params: {
        capacityPerPod: 50,
        cpuRequestCores: 0.5,
        idleCpuCores: 0.01,
        memoryBaselineBytes: 1,
        memoryPerRpsBytes: 1,
        baseLatencySeconds: 0.01,
        maxQueueSeconds: 1,
      },
      startupSeconds: 10,
      controller: {
        minReplicas: 1,
        maxReplicas: 10,
        targetCpuUtilization: 70,
        scaleDownStabilizationSeconds: 300,
      },
      fromMs: T0 - 3600_000,
      toMs: T0,
    });
    h.setPast(ref, past);
    h.record(T0, [
      {
        ref,
        values: {
          ...values(0),
          spec: past.final.specReplicas,
          cpu: past.final.totals.cpuSeconds,
        },
      },
    ]);
    const cpu = h
      .series(T0 + 60_000, () => ({
        ...values(0),
        spec: 9,
        cpu: past.final.totals.cpuSeconds + 60,
      }))
      .find(s => s.labels.__name__ === 'container_cpu_usage_seconds_total')!;
    // 100 rps over 3 pods (70% target): 3 × 0.01 idle + 100/50 × 0.5 busy = 1.03 cores, in the past ...
    expect(past.final.specReplicas).toBe(3);
    expect(
      (cpu.interpolatedAt(T0)! - cpu.interpolatedAt(T0 - 600_000)!) / 600,
    ).toBeCloseTo(1.03, 6);
    // ... and 1 core/s between the live record at T0 and the head at T0 + 60 s.
    expect(
      (cpu.interpolatedAt(T0 + 60_000)! - cpu.interpolatedAt(T0)!) / 60,
    ).toBeCloseTo(1, 9);
    h.record(T0 + 15_000, []);
    expect(h.sampleCount()).toBe(0);
  });
});
