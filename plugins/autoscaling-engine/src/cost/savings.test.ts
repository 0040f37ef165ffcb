import { GIB_BYTES as GIB, PRICES } from './fixtures';
import { predictiveSavings, spotAdvice, verticalSavings } from './savings';

describe('verticalSavings', () => {
  it('prices the request cut per month and never goes negative', () => {
    // CPU 1.0 → 0.4 cores on 3 replicas: 0.6 × 3 × 730 × 0.04 = 52.56;
    // memory 2 → 3 GiB is an increase: 0.
    const s = verticalSavings({
      replicas: 3,
      current: { cpuCores: 1, memoryBytes: 2 * GIB },
      target: { cpuCores: 0.4, memoryBytes: 3 * GIB },
      prices: PRICES,
    });
    expect(s.cpu).toBeCloseTo(52.56, 10);
    expect(s.memory).toBe(0);
    expect(s.total).toBeCloseTo(52.56, 10);
  });

  it('prices memory per GiB and spot workloads at spot prices', () => {
    // 4 → 1.5 GiB on 2 replicas: 2.5 × 2 × 730 × 0.005 = 18.25; on spot × 0.0015 = 5.475.
    const input = {
      replicas: 2,
      current: { memoryBytes: 4 * GIB },
      target: { memoryBytes: 1.5 * GIB },
      prices: PRICES,
    };
    expect(verticalSavings(input).memory).toBeCloseTo(18.25, 10);
    expect(verticalSavings({ ...input, spot: true }).memory).toBeCloseTo(
      5.475,
      10,
    );
    expect(
      verticalSavings({ ...input, current: { memoryBytes: null } }).total,
    ).toBe(0);
  });
});

describe('predictiveSavings', () => {
  it('compares replica-hours with static provisioning for the peak', () => {
    // Peak 10 over 100 h = 1000 replica-hours static, 600 used: 400 saved = 4 replicas on
    // average; × 730 h × $0.05 per replica-hour = 146.
    expect(
      predictiveSavings({
        peakReplicas: 10,
        replicaHours: 600,
        trackedHours: 100,
        costPerReplicaHour: 0.05,
      }),
    ).toBeCloseTo(146, 10);
    expect(
      predictiveSavings({
        peakReplicas: 3,
        replicaHours: 300,
        trackedHours: 100,
        costPerReplicaHour: 0.05,
      }),
    ).toBe(0);
    expect(
      predictiveSavings({
        peakReplicas: 3,
        replicaHours: 0,
        trackedHours: 0,
        costPerReplicaHour: 1,
      }),
    ).toBe(0);
  });
});

describe('spotAdvice', () => {
  const allocated = { cpuCores: 1.5, memoryBytes: 3 * GIB };

  it('passes a stateless, replicated, protected workload and prices the move', () => {
    // (1.5 × (0.04 − 0.012) + 3 × (0.005 − 0.0015)) × 730 = (0.042 + 0.0105) × 730 = 38.325.
    const advice = spotAdvice(
      {
        kind: 'Deployment',
        replicas: 3,
        hasDisruptionBudget: true,
        hasLocalState: false,
      },
      allocated,
      PRICES,
    );
    expect(advice.suitable).toBe(true);
    expect(advice.checklist).toHaveLength(4);
    expect(advice.checklist.every(c => c.ok)).toBe(true);
    expect(advice.monthlySavings).toBeCloseTo(38.325, 10);
  });

  it('fails each rule it cannot confirm, and saves nothing already on spot', () => {
    const advice = spotAdvice(
      { kind: 'StatefulSet', replicas: 1 },
      allocated,
      PRICES,
    );
    expect(advice.suitable).toBe(false);
    expect(advice.checklist.map(c => c.ok)).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(advice.checklist[2].item).toMatch(/unknown/);
    const onSpot = spotAdvice(
      {
        kind: 'Deployment',
        replicas: 3,
        hasDisruptionBudget: true,
        hasLocalState: false,
        onSpot: true,
      },
      allocated,
      PRICES,
    );
    expect(onSpot).toMatchObject({ suitable: true, monthlySavings: 0 });
  });

  it('does not call a Compose service a spot-ready Kubernetes Deployment', () => {
    const advice = spotAdvice(
      {
        kind: 'ComposeService',
        replicas: 3,
        hasDisruptionBudget: true,
        hasLocalState: false,
      },
      allocated,
      PRICES,
    );
    expect(advice.suitable).toBe(false);
    expect(advice.checklist[0]).toEqual({
      item: 'Stateless controller: Deployment, not StatefulSet (is a Docker Compose service, not on Kubernetes)',
      ok: false,
    });
  });
});
