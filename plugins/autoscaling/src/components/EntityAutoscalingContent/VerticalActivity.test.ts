import type { VerticalActionRecord } from '@internal/plugin-autoscaling-common';
import { actionWords } from './VerticalActivity';

const base: VerticalActionRecord = {
  at: '2026-12-02T14:05:00Z',
  mode: 'Auto',
  method: 'rolling-update',
  outcome: 'applied',
  changes: [{ container: 'app', resource: 'cpu', from: 0.5, to: 0.28 }],
  reason: 'cpu 500m → 280m',
};

describe('actionWords', () => {
  it('says what Auto did and how', () => {
    expect(actionWords(base)).toBe(
      'cpu lowered from 500m to 280m on 2 Dec, 14:05 UTC, by a rolling update of the pod template',
    );
  });

  it('says a rolling update waits for a PodDisruptionBudget, naming it', () => {
    expect(
      actionWords({
        ...base,
        outcome: 'disruption-budget',
        error:
          'PodDisruptionBudget checkout-api allows no disruption now (2 healthy, 2 required)',
      }),
    ).toBe(
      'cpu lowered from 500m to 280m waits since 2 Dec, 14:05 UTC: PodDisruptionBudget checkout-api allows no disruption now (2 healthy, 2 required); tried again at the next evaluation',
    );
  });
});
