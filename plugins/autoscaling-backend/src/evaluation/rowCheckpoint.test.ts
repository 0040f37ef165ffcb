import type { WorkloadState } from '@internal/plugin-autoscaling-common';
import type { WorkloadRecord } from '../store/EngineStore';
import type { WorkloadEngineState } from '../store/WorkloadEngineState';
import { checkpointDue, mustWriteNow } from './rowCheckpoint';

const record: WorkloadRecord = {
  id: 'c/ns/Deployment/web',
  entityRef: 'component:default/web',
  cluster: 'c',
  namespace: 'ns',
  kind: 'Deployment',
  name: 'web',
  tenant: 'acme',
  environment: 'production',
  tier: 'premium',
};

const state: WorkloadEngineState = {
  horizontal: {
    version: 1,
    recommendations: [
      [1_000, 3],
      [16_000, 4],
    ],
    scaleUpEvents: [[1_000, 1]],
    scaleDownEvents: [],
    metricFailures: 0,
    lastScaleMs: 1_000,
  },
  vertical: {
    version: 1,
    cpu: { buckets: { 10: 1.5 }, totalWeight: 1.5, referenceMs: 0 },
    memory: { buckets: { 40: 1 }, totalWeight: 1, referenceMs: 0 },
    sampleCount: 2,
    memoryPeak: 3e8,
    oomPeak: 0,
  },
  podCpuRequest: 0.5,
  cost: { monthKey: '2026-01', cost: 1.25, lastAtMs: 16_000 } as never,
};

const status = {
  id: record.id,
  mode: 'auto',
  currentReplicas: 4,
  readyReplicas: 4,
  desiredReplicas: 4,
  minReplicas: 2,
  maxReplicas: 10,
  cpuUtilization: 61,
  hourlyCost: 0.2,
  lastEvaluatedAt: '2026-01-05T09:00:00.000Z',
  conditions: [
    {
      type: 'AbleToScale',
      status: 'True',
      reason: 'ReadyForNewScale',
      message: 'recommended size matches current size',
    },
  ],
  metrics: [{ name: 'cpu', current: 61, target: 70, unit: '%' }],
  lastDecision: null,
  predictiveFloor: null,
} as unknown as WorkloadState;

const row = { record, state, status };

describe('mustWriteNow', () => {
  it('writes a workload seen for the first time, and one with a decision', () => {
    expect(mustWriteNow(undefined, row)).toBe(true);
    expect(mustWriteNow(row, { ...row, decision: {} })).toBe(true);
  });

  it('defers what only drifts: histograms, cost so far, metric values, the evaluation time, a newer time of the same recommendation', () => {
    const next = {
      record,
      state: {
        ...state,
        horizontal: {
          ...state.horizontal!,
          recommendations: [
            [1_000, 3],
            [31_000, 4],
          ] as Array<[number, number]>,
        },
        vertical: {
          ...state.vertical!,
          cpu: {
            buckets: { 10: 1.5, 11: 1 },
            totalWeight: 2.5,
            referenceMs: 0,
          },
          sampleCount: 3,
        },
        cost: { monthKey: '2026-01', cost: 1.31, lastAtMs: 31_000 } as never,
      },
      status: {
        ...status,
        cpuUtilization: 64,
        hourlyCost: 0.21,
        lastEvaluatedAt: '2026-01-05T09:00:15.000Z',
        metrics: [{ name: 'cpu', current: 64, target: 70, unit: '%' }],
        conditions: [{ ...status.conditions[0], message: 'another wording' }],
      },
    };
    expect(mustWriteNow(row, next)).toBe(false);
  });

  it.each<[string, (r: typeof row) => typeof row]>([
    [
      'the replicas',
      r => ({ ...r, status: { ...r.status, currentReplicas: 5 } }),
    ],
    [
      'the ready replicas',
      r => ({ ...r, status: { ...r.status, readyReplicas: 3 } }),
    ],
    [
      'the desired replicas',
      r => ({ ...r, status: { ...r.status, desiredReplicas: 6 } }),
    ],
    ['the mode', r => ({ ...r, status: { ...r.status, mode: 'dry-run' } })],
    ['the maximum', r => ({ ...r, status: { ...r.status, maxReplicas: 12 } })],
    [
      'a condition',
      r => ({
        ...r,
        status: {
          ...r.status,
          conditions: [
            { ...r.status.conditions[0], reason: 'ScaleDownStabilized' },
          ],
        },
      }),
    ],
    [
      'a metric target',
      r => ({
        ...r,
        status: {
          ...r.status,
          metrics: [{ name: 'cpu', current: 61, target: 60, unit: '%' }],
        },
      }),
    ],
    [
      'the other autoscaler',
      r => ({
        ...r,
        status: {
          ...r.status,
          otherAutoscaler: {
            kind: 'HorizontalPodAutoscaler',
            namespace: 'ns',
            name: 'web',
            minReplicas: 1,
            maxReplicas: 5,
          },
        },
      }),
    ],
    ['the tier', r => ({ ...r, record: { ...r.record, tier: 'basic' } })],
    [
      'the recommendations in the window',
      r => ({
        ...r,
        state: {
          ...r.state,
          horizontal: {
            ...r.state.horizontal!,
            recommendations: [[16_000, 4]],
          },
        },
      }),
    ],
    [
      'a scale event',
      r => ({
        ...r,
        state: {
          ...r.state,
          horizontal: {
            ...r.state.horizontal!,
            scaleDownEvents: [[31_000, 1]],
          },
        },
      }),
    ],
    [
      'metric failures (the fallback counts them)',
      r => ({
        ...r,
        state: {
          ...r.state,
          horizontal: { ...r.state.horizontal!, metricFailures: 1 },
        },
      }),
    ],
    [
      "the pods' requests",
      r => ({ ...r, state: { ...r.state, podCpuRequest: 0.75 } }),
    ],
  ])('writes at once when %s changed', (_, change) => {
    expect(mustWriteNow(row, change(row))).toBe(true);
  });
});

describe('checkpointDue', () => {
  it('is due once per period for every key, spread over the period', () => {
    const periodMs = 60_000;
    const tickMs = 15_000;
    const keys = Array.from(
      { length: 1_000 },
      (_, i) => `c/ns/Deployment/svc-${i}`,
    );
    const lastWritten = new Map(keys.map(k => [k, 0]));
    const duePerTick: number[] = [];
    let longestWaitMs = 0;
    for (let t = tickMs; t <= 10 * periodMs; t += tickMs) {
      let due = 0;
      for (const key of keys) {
        if (checkpointDue(key, lastWritten.get(key)!, t, periodMs)) {
          longestWaitMs = Math.max(longestWaitMs, t - lastWritten.get(key)!);
          lastWritten.set(key, t);
          due++;
        }
      }
      duePerTick.push(due);
    }
    // No key waits longer than one period plus a tick.
    expect(longestWaitMs).toBeLessThanOrEqual(periodMs + tickMs);
    // After the first period, about a quarter of the keys each tick (15 s of 60 s).
    for (const due of duePerTick.slice(4)) {
      expect(due).toBeGreaterThan(150);
      expect(due).toBeLessThan(350);
    }
  });

  it('writes every time with a period of 0', () => {
    expect(checkpointDue('k', 1_000, 1_001, 0)).toBe(true);
  });
});
