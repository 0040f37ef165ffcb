import {
  accumulateCost,
  monthOf,
  type CostAccumulatorState,
  type CostSample,
} from './accumulator';
import { GIB_BYTES as GIB, PRICES } from './fixtures';

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const MIN = 60_000;

/** 0.5 core and 1 GiB per pod: 0.04 × 0.5 + 0.005 × 1 = 0.025 per replica-hour on demand. */
function sample(
  nowMs: number,
  replicas: number,
  extra: Partial<CostSample> = {},
): CostSample {
  return {
    nowMs,
    replicas,
    cpuRequestCores: 0.5,
    memoryRequestBytes: GIB,
    cpuUsageCores: null,
    memoryUsageBytes: null,
    ...extra,
  };
}

describe('accumulateCost', () => {
  it('starts at zero with the current hourly rate', () => {
    const state = accumulateCost(undefined, sample(T0, 2), PRICES);
    expect(state).toMatchObject({
      month: '2026-01',
      monthToDate: 0,
      lastMs: T0,
      peakReplicas: 2,
    });
    expect(state.hourly).toBeCloseTo(0.05, 10);
  });

  it('charges each interval at the rate in force since the previous tick', () => {
    let state = accumulateCost(undefined, sample(T0, 2), PRICES); // 0.05/h
    state = accumulateCost(state, sample(T0 + 5 * MIN, 4), PRICES); // + 0.05 × 5/60
    expect(state.monthToDate).toBeCloseTo(0.05 / 12, 10);
    expect(state.hourly).toBeCloseTo(0.1, 10);
    state = accumulateCost(state, sample(T0 + 10 * MIN, 4), PRICES); // + 0.10 × 5/60
    expect(state.monthToDate).toBeCloseTo(0.0125, 10);
    expect(state.trackedHours).toBeCloseTo(1 / 6, 10);
    expect(state.replicaHours).toBeCloseTo(0.5, 10); // 2 × 5/60 + 4 × 5/60
    expect(state.peakReplicas).toBe(4);
    // Breakdown: CPU is 0.04/0.05 = 80% of the cost here.
    expect(state.breakdown.cpu).toBeCloseTo(0.01, 10);
    expect(state.breakdown.memory).toBeCloseTo(0.0025, 10);
  });

  it('charges usage above the request and spot prices', () => {
    // 2 pods × 0.5 core requested, 3 cores used: 3 × 0.012 spot + 2 GiB × 0.0015 = 0.039/h.
    const state = accumulateCost(
      undefined,
      sample(T0, 2, { cpuUsageCores: 3, memoryUsageBytes: GIB, spot: true }),
      PRICES,
    );
    expect(state.hourly).toBeCloseTo(0.039, 10);
  });

  it('caps a gap at 10 minutes so a stopped backend bills no phantom hours', () => {
    let state = accumulateCost(undefined, sample(T0, 2), PRICES);
    state = accumulateCost(state, sample(T0 + 3 * 3600_000, 2), PRICES);
    expect(state.monthToDate).toBeCloseTo(0.05 / 6, 10); // 10 min at 0.05/h
    expect(state.trackedHours).toBeCloseTo(1 / 6, 10);
    expect(state.lastMs).toBe(T0 + 3 * 3600_000);
  });

  it('charges nothing for a repeated or out-of-order tick', () => {
    const first = accumulateCost(undefined, sample(T0, 2), PRICES);
    const second = accumulateCost(first, sample(T0 + MIN, 2), PRICES);
    const late = accumulateCost(second, sample(T0, 8), PRICES);
    expect(late.monthToDate).toBe(second.monthToDate);
    expect(late.lastMs).toBe(second.lastMs);
    expect(late.hourly).toBeCloseTo(0.2, 10);
  });

  it('closes the month at midnight UTC and splits the interval across it', () => {
    const end = Date.UTC(2026, 0, 31, 23, 55);
    let state: CostAccumulatorState = {
      ...accumulateCost(undefined, sample(end, 2), PRICES),
      monthToDate: 30,
    };
    state = accumulateCost(state, sample(end + 10 * MIN, 2), PRICES);
    expect(state.month).toBe('2026-02');
    // 5 min in each month at 0.05/h = 0.05/12 each.
    expect(state.monthToDate).toBeCloseTo(0.05 / 12, 10);
    expect(state.trackedHours).toBeCloseTo(5 / 60, 10);
    expect(state.previousMonth).toEqual({
      month: '2026-01',
      total: expect.any(Number),
    });
    expect(state.previousMonth!.total).toBeCloseTo(30 + 0.05 / 12, 10);
  });

  it('starts the new month from zero after a long stop', () => {
    const end = Date.UTC(2026, 0, 31, 20, 0);
    let state = accumulateCost(undefined, sample(end, 2), PRICES);
    state = accumulateCost(state, sample(end, 2), PRICES);
    state = accumulateCost(state, sample(Date.UTC(2026, 1, 2), 3), PRICES);
    expect(state.month).toBe('2026-02');
    expect(state.monthToDate).toBe(0);
    expect(state.peakReplicas).toBe(3);
    expect(state.previousMonth?.total).toBeCloseTo(0.05 / 6, 10); // the capped 10 minutes
  });

  it('keeps a bounded JSON state whatever the number of ticks', () => {
    let state = accumulateCost(undefined, sample(T0, 2), PRICES);
    for (let i = 1; i <= 10_000; i++) {
      state = accumulateCost(
        state,
        sample(T0 + i * 15_000, 2 + (i % 7)),
        PRICES,
      );
    }
    const json = JSON.stringify(state);
    expect(json.length).toBeLessThan(800);
    expect(JSON.parse(json)).toEqual(state);
    // 10,000 ticks of 15 s = 41.67 h; the mean replica count of 2 + (i mod 7) is 5.
    expect(state.trackedHours).toBeCloseTo(10_000 / 240, 6);
    expect(state.replicaHours / state.trackedHours).toBeCloseTo(5, 2);
    expect(monthOf(state.lastMs)).toBe(state.month);
  });
});
