import {
  observeContainers,
  seedContainersFromHistory,
  MAX_TRACKED_CONTAINERS,
} from './containers';
import { confidenceDays, recommendVertical } from './recommender';

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;
const MIB = 2 ** 20;

const template = [
  { name: 'app', cpu: 0.5, memory: 512 * MIB, limits: { memory: 512 * MIB } },
  { name: 'sidecar', cpu: 0.1, memory: 64 * MIB },
];

describe('observeContainers', () => {
  it('keeps one state per container with the template requests and limits, from every pod', () => {
    let state = observeContainers(undefined, { template, nowMs: T0 });
    for (let i = 1; i <= 60; i++) {
      state = observeContainers(state, {
        template,
        usage: [
          {
            app: { cpu: 0.2, memory: 200 * MIB },
            sidecar: { cpu: 0.01, memory: 20 * MIB },
          },
          {
            app: { cpu: 0.3, memory: 220 * MIB },
            sidecar: { cpu: 0.01, memory: 20 * MIB },
          },
        ],
        nowMs: T0 + i * MIN,
      });
    }
    expect(Object.keys(state)).toEqual(['app', 'sidecar']);
    expect(state.app.requests).toEqual({ cpu: 0.5, memory: 512 * MIB });
    expect(state.app.limits).toEqual({ cpu: undefined, memory: 512 * MIB });
    expect(state.app.vertical.sampleCount).toBe(120);
    const app = recommendVertical(state.app.vertical);
    const sidecar = recommendVertical(state.sidecar.vertical);
    expect(app.cpu!.target).toBeGreaterThan(0.3);
    expect(app.cpu!.target).toBeLessThan(0.4);
    expect(sidecar.cpu!.target).toBe(0.025);
    expect(state.app.oomKills).toBe(0);
  });

  it('raises memory after an OOM kill, counting each kill once', () => {
    const usage = [{ app: { cpu: 0.2, memory: 500 * MIB } }];
    let state = observeContainers(undefined, { template, usage, nowMs: T0 });
    const before = recommendVertical(state.app.vertical).memory!.target;
    const oomKills = [
      { container: 'app', atMs: T0 + 30_000, memoryLimit: 512 * MIB },
    ];
    state = observeContainers(state, {
      template,
      usage,
      oomKills,
      nowMs: T0 + MIN,
    });
    expect(state.app.oomKills).toBe(1);
    expect(state.app.lastOomMs).toBe(T0 + 30_000);
    // Killed at its 512 MiB limit: needed max(612 MiB, 614.4 MiB).
    expect(state.app.vertical.oomPeak).toBeCloseTo(512 * MIB * 1.2, 0);
    const after = recommendVertical(state.app.vertical).memory!.target;
    expect(after).toBeGreaterThan(before);
    expect(after).toBeGreaterThan(512 * MIB);
    // The same status seen on the next tick is not a new kill.
    state = observeContainers(state, {
      template,
      usage,
      oomKills,
      nowMs: T0 + 2 * MIN,
    });
    expect(state.app.oomKills).toBe(1);
    expect(state.sidecar.oomKills).toBe(0);
  });

  it('ignores OOM kills older than a day on first sight', () => {
    const state = observeContainers(undefined, {
      template,
      oomKills: [
        {
          container: 'app',
          atMs: T0 - 2 * 24 * 3600_000,
          memoryLimit: 512 * MIB,
        },
      ],
      nowMs: T0,
    });
    expect(state.app.oomKills).toBe(0);
  });

  it('keeps only the template containers, at most MAX_TRACKED_CONTAINERS', () => {
    const many = Array.from({ length: MAX_TRACKED_CONTAINERS + 5 }, (_, i) => ({
      name: `c${i}`,
    }));
    let state = observeContainers(undefined, { template: many, nowMs: T0 });
    expect(Object.keys(state)).toHaveLength(MAX_TRACKED_CONTAINERS);
    state = observeContainers(state, {
      template: [{ name: 'c1' }],
      nowMs: T0 + MIN,
    });
    expect(Object.keys(state)).toEqual(['c1']);
  });
});

describe('seedContainersFromHistory', () => {
  const one = [{ name: 'app', cpu: 0.5, memory: 512 * MIB }];
  const STEP = 5 * MIN;
  /** Two days of 5-minute steps before T0: 3 pods using 0.3 cores together. */
  const past = Array.from({ length: 2 * 288 }, (_, i) => ({
    atMs: T0 - (2 * 288 - i) * STEP,
    cores: 0.3,
    pods: 3,
  }));

  it('gives a workload with history its confidence at first sight: one sample a minute per pod', () => {
    const seeded = seedContainersFromHistory(one, past, STEP)!;
    const app = seeded.app;
    // 576 steps of 5 minutes, 3 pods each minute.
    expect(app.vertical.sampleCount).toBe(576 * 5 * 3);
    expect(app.vertical.lastSampleMs).toBe(past[past.length - 1].atMs);
    expect(app.vertical.firstSampleMs).toBe(past[0].atMs - 4 * MIN);
    expect(confidenceDays(app.vertical)).toBeCloseTo(2, 2);
    expect(app.cpuHistoryUntilMs).toBe(app.vertical.lastSampleMs);
    expect(app.requests).toEqual({ cpu: 0.5, memory: 512 * MIB });

    const rec = recommendVertical(app.vertical);
    expect(rec.confidenceLevel).toBe('medium');
    // 0.1 core per pod × 1.15, up to the end of its histogram bucket.
    expect(rec.cpu!.target).toBeGreaterThanOrEqual(0.1 * 1.15);
    expect(rec.cpu!.target).toBeLessThan(0.1 * 1.15 * 1.12);

    // The live path carries on from the seed and keeps the mark.
    const live = observeContainers(seeded, {
      template: one,
      usage: [{ app: { cpu: 0.1, memory: 100 * MIB } }],
      nowMs: T0,
    });
    expect(live.app.vertical.sampleCount).toBe(576 * 5 * 3 + 1);
    expect(live.app.cpuHistoryUntilMs).toBe(app.cpuHistoryUntilMs);
  });

  it('skips steps without pods and seeds nothing without a usable past or with several containers', () => {
    const gaps = past.map((p, i) => (i % 2 ? { ...p, pods: 0 } : p));
    expect(
      seedContainersFromHistory(one, gaps, STEP)!.app.vertical.sampleCount,
    ).toBe(288 * 5 * 3);
    expect(seedContainersFromHistory(one, [], STEP)).toBeUndefined();
    expect(
      seedContainersFromHistory(
        one,
        past.map(p => ({ ...p, pods: 0 })),
        STEP,
      ),
    ).toBeUndefined();
    expect(seedContainersFromHistory(template, past, STEP)).toBeUndefined();
  });
});
