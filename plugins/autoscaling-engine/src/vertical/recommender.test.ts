import {
  CPU_HISTOGRAM,
  MEMORY_HISTOGRAM,
  bucketCount,
  bucketStart,
  findBucket,
} from './histogram';
import {
  confidenceDays,
  emptyVerticalState,
  observeCpu,
  observeMemory,
  observeOom,
  observeCpuSamples,
  recommendVertical,
  verticalConfidence,
  verticalConfidenceLevel,
  type VerticalState,
} from './recommender';

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;
const DAY = 24 * 3600 * 1000;
const MIB = 2 ** 20;

function feedCpu(
  state: VerticalState,
  minutes: number,
  value: (i: number) => number,
) {
  let s = state;
  for (let i = 0; i < minutes; i++) s = observeCpu(s, value(i), T0 + i * MIN);
  return s;
}

describe('VPA histogram', () => {
  it('has the upstream bucket layout: 176 buckets of ratio 1.05', () => {
    expect(bucketCount(CPU_HISTOGRAM)).toBe(176);
    expect(bucketCount(MEMORY_HISTOGRAM)).toBe(176);
    expect(bucketStart(CPU_HISTOGRAM, 1)).toBeCloseTo(0.01);
    expect(bucketStart(CPU_HISTOGRAM, 2)).toBeCloseTo(0.01 + 0.0105);
    expect(findBucket(CPU_HISTOGRAM, 0.005)).toBe(0);
    expect(findBucket(CPU_HISTOGRAM, 0.021)).toBe(2);
  });
});

describe('recommendVertical', () => {
  it('targets P90 × 1.15 of CPU usage (bucket end), bounded by P50 and P95', () => {
    // 95% of samples at 0.5 cores, 5% at 2 cores, over two weeks: P90 is in 0.5's bucket.
    const state = feedCpu(emptyVerticalState(), 14 * 1440, i =>
      i % 20 === 19 ? 2 : 0.5,
    );
    const rec = recommendVertical(state).cpu!;
    const p90 = bucketStart(CPU_HISTOGRAM, findBucket(CPU_HISTOGRAM, 0.5) + 1);
    expect(rec.target).toBeCloseTo(p90 * 1.15, 6);
    expect(rec.lowerBound).toBeLessThanOrEqual(rec.target);
    expect(rec.upperBound).toBeGreaterThan(rec.target);
  });

  it('widens the bounds on short history and narrows them as history grows', () => {
    const short = recommendVertical(feedCpu(emptyVerticalState(), 60, () => 1))
      .cpu!;
    const long = recommendVertical(
      feedCpu(emptyVerticalState(), 7 * 1440, () => 1),
    ).cpu!;
    // confidence = min(span, samples/1440): 59 min → upper × (1 + 1/0.041) ≈ ×25.4
    expect(short.upperBound / short.target).toBeGreaterThan(20);
    // one week: upper multiplier 1 + 1/7 ≈ 1.14 (P95 and P90 fall in the same bucket here)
    expect(long.upperBound / long.target).toBeCloseTo(
      1 + 1 / confidenceDays(feedCpu(emptyVerticalState(), 7 * 1440, () => 1)),
      2,
    );
    expect(long.lowerBound / long.target).toBeGreaterThan(0.99);
  });

  it('gives an infinite upper bound with a single sample, capped by maxAllowed', () => {
    const state = observeCpu(emptyVerticalState(), 1, T0);
    expect(recommendVertical(state).cpu!.upperBound).toBe(Infinity);
    const capped = recommendVertical(state, {
      minAllowed: {},
      maxAllowed: { cpu: 4 },
      controlledResources: ['cpu', 'memory'],
    });
    expect(capped.cpu!.upperBound).toBe(4);
  });

  it('decays old samples with a 24 h half-life', () => {
    let state = feedCpu(emptyVerticalState(), 1440, () => 4);
    // A week later, a day at 0.5 cores: the old day weighs 2^-7 of it.
    for (let i = 0; i < 1440; i++)
      state = observeCpu(state, 0.5, T0 + 7 * DAY + i * MIN);
    const target = recommendVertical(state).cpu!.target;
    expect(target).toBeLessThan(1);
  });

  it('keeps one memory peak per day and replaces a lower peak within the day', () => {
    let state = observeMemory(emptyVerticalState(), 300 * MIB, T0);
    state = observeMemory(state, 500 * MIB, T0 + 3600_000);
    const totalAfterReplace = state.memory.totalWeight;
    state = observeMemory(state, 400 * MIB, T0 + 7200_000); // lower: ignored
    expect(state.memory.totalWeight).toBeCloseTo(totalAfterReplace);
    expect(Object.keys(state.memory.buckets)).toHaveLength(1);
    expect(state.memoryPeak).toBe(500 * MIB);
  });

  it('bumps memory after an OOM by max(+100 MiB, ×1.2)', () => {
    let state = observeMemory(emptyVerticalState(), 200 * MIB, T0);
    state = observeOom(state, 256 * MIB, T0 + MIN);
    // used = max(request 256 MiB, peak 200 MiB); needed = max(356 MiB, 307 MiB) = 356 MiB.
    expect(state.oomPeak).toBe(356 * MIB);
    const target = recommendVertical(state).memory!.target;
    expect(target).toBeGreaterThanOrEqual(356 * MIB * 1.15);
  });

  it('applies the pod minimums (25 m CPU, 250 MB) and min/max allowed', () => {
    const state = observeMemory(
      observeCpu(emptyVerticalState(), 0.001, T0),
      1 * MIB,
      T0,
    );
    const rec = recommendVertical(state);
    expect(rec.cpu!.target).toBe(0.025);
    expect(rec.memory!.target).toBe(250e6);
    const bounded = recommendVertical(state, {
      minAllowed: { cpu: 0.1 },
      maxAllowed: { memory: 100e6 },
      controlledResources: ['cpu', 'memory'],
    });
    expect(bounded.cpu!.target).toBe(0.1);
    expect(bounded.memory!.target).toBe(100e6);
    expect(bounded.cpu!.uncappedTarget).toBe(0.025);
  });

  it('only recommends controlled resources', () => {
    const state = observeMemory(
      observeCpu(emptyVerticalState(), 1, T0),
      300 * MIB,
      T0,
    );
    const rec = recommendVertical(state, {
      minAllowed: {},
      maxAllowed: {},
      controlledResources: ['memory'],
    });
    expect(rec.cpu).toBeUndefined();
    expect(rec.memory).toBeDefined();
  });

  it('keeps a bounded, JSON-serialisable state over a month of samples', () => {
    let state = emptyVerticalState();
    for (let i = 0; i < 30 * 1440; i += 5) {
      const t = T0 + i * MIN;
      state = observeCpu(state, 0.2 + Math.abs(Math.sin(i / 300)) * 3, t);
      state = observeMemory(state, (300 + (i % 1000)) * MIB, t);
    }
    const json = JSON.stringify(state);
    expect(JSON.parse(json)).toEqual(state);
    expect(Object.keys(state.cpu.buckets).length).toBeLessThanOrEqual(176);
    expect(json.length).toBeLessThan(12_000);
  });

  it('states confidence as c / (1 + c) of history days, in words by hour, day and week', () => {
    expect(verticalConfidence(0)).toBe(0);
    expect(verticalConfidence(1)).toBe(0.5);
    expect(verticalConfidence(7)).toBe(0.875);
    expect(verticalConfidenceLevel(0)).toBe('none');
    expect(verticalConfidenceLevel(0.5 / 24)).toBe('none');
    expect(verticalConfidenceLevel(2 / 24)).toBe('low');
    expect(verticalConfidenceLevel(1)).toBe('medium');
    expect(verticalConfidenceLevel(7)).toBe('high');
    // Two days of one-minute samples: the upper bound is the P95 estimate / confidence.
    const state = feedCpu(emptyVerticalState(), 2 * 1440 + 1, () => 1);
    const rec = recommendVertical(state);
    expect(rec.confidenceDays).toBeCloseTo(2, 6);
    expect(rec.confidence).toBeCloseTo(2 / 3, 6);
    expect(rec.confidenceLevel).toBe('medium');
    expect(rec.confidence).toBeLessThanOrEqual(1);
  });

  it('counts the samples of every pod at one time (observeCpu keeps only the first)', () => {
    const one = observeCpu(observeCpu(emptyVerticalState(), 0.1, T0), 2, T0);
    expect(one.sampleCount).toBe(1);
    const all = observeCpuSamples(emptyVerticalState(), [0.1, 2, 2], T0);
    expect(all.sampleCount).toBe(3);
    expect(recommendVertical(all).cpu!.target).toBeGreaterThan(2);
    // Not newer than the last sample: dropped, as observeCpu does.
    expect(observeCpuSamples(all, [5], T0)).toBe(all);
  });
});
