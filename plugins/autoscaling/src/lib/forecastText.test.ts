import type {
  Decision,
  WorkloadForecast,
} from '@internal/plugin-autoscaling-common';
import {
  forecast,
  noForecast,
  tenantForecast,
} from '../__testUtils__/fixtures';
import {
  accuracySentence,
  firstForecastSentence,
  floorStatusSentence,
  forecastHeadline,
  forecastInfluence,
  localClock,
  localDateTime,
  tenantForecastCost,
  tenantForecastSentence,
} from './forecastText';

// Sentences are in the viewer's local time; the expected clock comes from Date's own local
// getters, so these tests hold in any time zone the machine has.
const pad = (n: number) => String(n).padStart(2, '0');
const hm = (iso: string) => {
  const d = new Date(iso);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
};
const PEAK = hm('2026-01-01T14:30:00Z');
const READY = hm('2026-01-01T14:20:00Z');
const NEAR = hm('2026-01-01T12:10:00Z');
const TENANT_PEAK = hm('2026-01-01T19:00:00Z');

const capped: WorkloadForecast = {
  ...forecast,
  floor: {
    ...forecast.floor,
    status: 'capped',
    replicas: 6,
    reasons: [
      {
        code: 'PredictiveFloorCapped',
        message: 'floor capped at 6 by maxReplicas 6',
      },
    ],
  },
};

describe('forecastText', () => {
  it('uses local time', () => {
    expect(localClock('2026-01-01T14:30:00Z', 'Europe/Berlin')).toBe('15:30');
    expect(localClock('2026-01-01T14:30:00Z', 'America/New_York')).toBe(
      '09:30',
    );
    expect(localClock('2026-01-01T14:30:00Z')).toBe(PEAK);
    expect(localDateTime('2026-01-01T15:00:00Z', 'Europe/Berlin')).toBe(
      'Thu 1 Jan, 16:00',
    );
  });

  it('says what an applied floor does at the expected peak', () => {
    expect(forecastHeadline(forecast)).toBe(
      `Expected peak 3.4 cores at ${PEAK}; the floor keeps at least 9 replicas from ${READY}.`,
    );
    expect(floorStatusSentence(forecast)).toBe(
      `Applied: the forecast keeps at least 5 replicas now for 1.9 cores expected at ${NEAR} (looking 10 min ahead).`,
    );
    const plan = {
      ...forecast,
      floor: { ...forecast.floor, strategy: 'plan' as const },
    };
    expect(forecastHeadline(plan)).toBe(
      `Expected peak 3.4 cores at ${PEAK}; the plan sets 9 replicas from ${READY}.`,
    );
    expect(floorStatusSentence(plan)).toMatch(
      /^Applied: the forecast plans 5 replicas now/,
    );
  });

  it('says when the floor is capped below what the peak needs', () => {
    expect(forecastHeadline(capped)).toBe(
      `Expected peak 3.4 cores at ${PEAK}, which needs 9 replicas; the floor is capped at 6 by maxReplicas 6.`,
    );
    expect(floorStatusSentence(capped)).toBe(
      `Capped: the forecast asks for more, but the floor is held at 6 replicas by maxReplicas 6 for 1.9 cores expected at ${NEAR} (looking 10 min ahead).`,
    );
  });

  it('says a forecast-only floor is only reported', () => {
    const reported = {
      ...forecast,
      floor: { ...forecast.floor, status: 'reported' as const },
    };
    expect(forecastHeadline(reported)).toBe(
      `Expected peak 3.4 cores at ${PEAK}; the floor would keep at least 9 replicas from ${READY}, but in forecast-only mode it is only reported.`,
    );
    expect(floorStatusSentence(reported)).toMatch(
      /^Reported only: in forecast-only mode the floor would be 5 replicas now .*; the engine does not apply it\.$/,
    );
  });

  it('says why the engine only reacts', () => {
    const untrusted: WorkloadForecast = {
      ...forecast,
      floor: {
        ...forecast.floor,
        status: 'reactive',
        replicas: null,
        peak: null,
        reasons: [
          {
            code: 'NoForecast',
            message:
              'the forecast is not trusted yet: live errors 12% larger than seasonal naive',
          },
        ],
      },
    };
    expect(forecastHeadline(untrusted)).toBe(
      `Expected peak 3.4 cores at ${PEAK}; the engine does not act on it (the forecast is not trusted yet: live errors 12% larger than seasonal naive) and scales on observed demand only.`,
    );
    expect(floorStatusSentence(untrusted)).toBe(
      'Reactive only: the forecast is not trusted yet: live errors 12% larger than seasonal naive, so the engine scales on observed demand alone.',
    );
  });

  it('puts accuracy in a service owner’s words', () => {
    expect(accuracySentence(forecast.accuracy)).toBe(
      'In backtests 1 h ahead its errors are 38% smaller than repeating yesterday; 81% of actual values fell inside the 80% band (as intended).',
    );
    expect(
      accuracySentence({
        mase: 1.25,
        horizonSeconds: 1800,
        bandCoverage: 0.55,
        liveRelativeError: 0.9,
        liveComparisons: 40,
      }),
    ).toBe(
      'In backtests 30 min ahead its errors are 25% larger than repeating yesterday; 55% of actual values fell inside the 80% band (the band is too narrow); since it went live its errors are 10% smaller than repeating yesterday (40 comparisons).',
    );
    expect(accuracySentence(null)).toBe('Accuracy is not measured yet.');
  });

  it('says when the first forecast will exist and why there is none yet', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(firstForecastSentence(noForecast, now)).toBe(
      `The first forecast is expected at ${localDateTime(
        '2026-01-01T15:00:00Z',
      )} (in 3 h). Needs 24 h of history for a daily pattern, has 2 h. Until then the engine scales on observed demand only.`,
    );
    expect(localDateTime('2026-01-01T15:00:00Z')).toMatch(
      new RegExp(`^\\w{3} \\d{1,2} Jan, ${hm('2026-01-01T15:00:00Z')}$`),
    );
    expect(
      firstForecastSentence({ ...noForecast, firstForecastAt: null }, now),
    ).toMatch(/^When the first forecast will exist is not known yet\./);
    expect(
      firstForecastSentence(noForecast, Date.parse('2026-01-01T15:01:00Z')),
    ).toMatch(/^The first forecast is due now/);
  });

  it('finds decisions raised, held or set by the forecast, and no others', () => {
    const base: Decision = {
      id: 'd',
      workloadId: 'w',
      at: '2026-01-01T14:20:00Z',
      kind: 'scale',
      from: 4,
      to: 7,
      mode: 'auto',
      outcome: 'applied',
      reasons: [
        {
          code: 'PredictiveFloor',
          message:
            'the forecast asks for at least 7 replicas: peak forecast 2.8 (p90) at 2026-01-01T14:30:00.000Z within 10 min / 0.4 per pod = 7 replicas (holt-winters)',
        },
      ],
    };
    expect(forecastInfluence(base)).toMatchObject({
      kind: 'raised',
      replicas: 7,
      peak: { demand: 2.8, at: '2026-01-01T14:30:00.000Z' },
      text: `Raised by the forecast: the floor asks for at least 7 replicas for a forecast peak of 2.8 at ${PEAK}.`,
    });
    expect(forecastInfluence({ ...base, kind: 'hold', from: 7 })?.kind).toBe(
      'held',
    );
    // Observed demand asked for more than the floor: the forecast did not set the count.
    expect(forecastInfluence({ ...base, to: 9 })).toBeNull();
    expect(
      forecastInfluence({
        ...base,
        reasons: [{ code: 'METRIC_ABOVE_TARGET', message: 'CPU high' }],
      }),
    ).toBeNull();
    expect(
      forecastInfluence({
        ...base,
        to: 5,
        reasons: [
          {
            code: 'PredictivePlan',
            message:
              'the forecast plans 5 replicas: peak forecast 1.9 at 2026-01-01T14:30:00.000Z (p90) within full capacity',
          },
        ],
      })?.text,
    ).toBe(
      `Set by the forecast: the plan asks for 5 replicas for a forecast peak of 1.9 at ${PEAK}.`,
    );
  });

  it('sums the tenant’s next 24 h and compares the peak with the quota', () => {
    expect(tenantForecastCost(tenantForecast)).toBeCloseTo(216.8, 6);
    expect(tenantForecastSentence(tenantForecast)).toBe(
      `Peak 38 replicas at ${TENANT_PEAK} (quota 60); about $217 over the next 24 h.`,
    );
    expect(
      tenantForecastSentence({ ...tenantForecast, replicaQuota: 30 }),
    ).toBe(
      `Peak 38 replicas at ${TENANT_PEAK} (quota 30); about $217 over the next 24 h. The forecast exceeds the quota from ${TENANT_PEAK}.`,
    );
    expect(
      tenantForecastSentence({ ...tenantForecast, replicaQuota: 40 }),
    ).toMatch(
      new RegExp(`The upper band rises above the quota at ${TENANT_PEAK}\\.$`),
    );
    expect(
      tenantForecastSentence({
        ...tenantForecast,
        replicaQuota: null,
        points: tenantForecast.points.map((p, i) =>
          i === 3 ? { ...p, hourlyCost: null } : p,
        ),
      }),
    ).toBe(
      `Peak 38 replicas at ${TENANT_PEAK} (no quota); cost unknown (no prices for these workloads).`,
    );
  });
});
