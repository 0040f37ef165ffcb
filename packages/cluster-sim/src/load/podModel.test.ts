import {
  latencyAt,
  LoadParams,
  maxServeRps,
  newPodLoadState,
  stepIdlePod,
  stepReadyPods,
} from './podModel';

const params: LoadParams = {
  capacityPerPod: 50,
  cpuRequestCores: 0.5,
  cpuLimitCores: 1,
  idleCpuCores: 0.01,
  memoryBaselineBytes: 100e6,
  memoryPerRpsBytes: 1e6,
  baseLatencySeconds: 0.04,
  maxQueueSeconds: 2,
};

const total = (s: ReturnType<typeof newPodLoadState>) =>
  s.requestsOk + s.requestsError + s.requestsShed;

describe('pod serving model', () => {
  it('counts every arriving request exactly once, even when overloaded', () => {
    for (const demand of [0, 30, 120, 400]) {
      const pods = [
        newPodLoadState(params),
        newPodLoadState(params),
        newPodLoadState(params),
      ];
      let returned = 0;
      let cpu = 0;
      for (let i = 0; i < 100; i++) {
        const t = stepReadyPods(params, demand, pods, 0.5);
        returned += t.ok + t.error + t.shed;
        cpu += t.cpuSeconds;
      }
      const sum = pods.reduce((s, p) => s + total(p), 0);
      expect(sum).toBeCloseTo(demand * 50, 6);
      // The step totals (the workload-level counters) add up to the pods' counters.
      expect(returned).toBeCloseTo(sum, 6);
      expect(cpu).toBeCloseTo(
        pods.reduce((s, p) => s + p.cpuSeconds, 0),
        9,
      );
    }
  });

  it('derives CPU from served load (100% of the request at capacity) and caps it at the limit', () => {
    const light = [newPodLoadState(params)];
    stepReadyPods(params, 25, light, 1);
    expect(light[0].cpuCores).toBeCloseTo(0.01 + 0.25);
    expect(light[0].cpuSeconds).toBeCloseTo(0.26);
    const heavy = [newPodLoadState(params)];
    for (let i = 0; i < 10; i++) stepReadyPods(params, 1000, heavy, 1);
    expect(heavy[0].cpuCores).toBe(1); // the limit
    expect(maxServeRps(params)).toBe(100); // limit/request = 2x capacity
  });

  it('grows latency with utilisation, queues overload and sheds beyond the queue limit', () => {
    expect(latencyAt(params, 0.9, 0)).toBeGreaterThan(
      latencyAt(params, 0.5, 0),
    );
    expect(latencyAt(params, 0.5, 0)).toBeGreaterThan(
      latencyAt(params, 0.1, 0) - 1e-12,
    );
    const pod = [newPodLoadState(params)];
    stepReadyPods(params, 150, pod, 1); // 150 rps vs max 100 rps
    expect(pod[0].queue).toBeCloseTo(50);
    expect(pod[0].requestsShed).toBe(0);
    for (let i = 0; i < 10; i++) stepReadyPods(params, 150, pod, 1);
    expect(pod[0].queue).toBeCloseTo(200); // 2 s of max throughput
    expect(pod[0].requestsShed).toBeGreaterThan(0);
    expect(pod[0].latencySeconds).toBeGreaterThan(2);
  });

  it('keeps histogram buckets cumulative and consistent with the count', () => {
    const pod = [newPodLoadState(params)];
    stepReadyPods(params, 40, pod, 10, {
      addedLatencySeconds: 0.2,
      errorRate: 0.1,
    });
    const b = pod[0].latencyBuckets;
    for (let i = 1; i < b.length; i++)
      expect(b[i]).toBeGreaterThanOrEqual(b[i - 1]);
    expect(b[b.length - 1]).toBeLessThanOrEqual(pod[0].latencyCount);
    expect(pod[0].latencyCount).toBeCloseTo(400);
    expect(pod[0].requestsError).toBeCloseTo(40);
    expect(pod[0].latencySum / pod[0].latencyCount).toBeGreaterThan(0.2);
  });

  it('idles pods that are not Ready', () => {
    const s = newPodLoadState(params);
    stepIdlePod(params, s, 10);
    expect(s.cpuSeconds).toBeCloseTo(0.1);
    expect(total(s)).toBe(0);
  });
});
