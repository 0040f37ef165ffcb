import {
  hourlyCostFromDemandForecast,
  hoursLeftInMonth,
  projectMonth,
} from './projection';

const JAN_11 = Date.UTC(2026, 0, 11); // 21 days (504 h) left in January

describe('projectMonth', () => {
  it('counts the hours left in the UTC month', () => {
    expect(hoursLeftInMonth(JAN_11)).toBe(504);
    expect(hoursLeftInMonth(Date.UTC(2026, 1, 28, 12))).toBe(12);
  });

  it('projects from the current rate with a ±15% band', () => {
    // 100 + 504 × 0.5 = 352; 100 + 252 × 0.85 = 314.2; 100 + 252 × 1.15 = 389.8.
    const p = projectMonth({ nowMs: JAN_11, monthToDate: 100, hourly: 0.5 });
    expect(p.basis).toBe('current');
    expect(p.value).toBeCloseTo(352, 10);
    expect(p.lower).toBeCloseTo(314.2, 10);
    expect(p.upper).toBeCloseTo(389.8, 10);
  });

  it('projects from a forecast with its band', () => {
    // 100 + 504 × 0.4 = 301.6; lower 100 + 504 × 0.3 = 251.2; upper 100 + 504 × 0.6 = 402.4.
    const p = projectMonth({
      nowMs: JAN_11,
      monthToDate: 100,
      hourly: 0.5,
      forecast: { value: 0.4, lower: 0.3, upper: 0.6 },
    });
    expect(p).toMatchObject({ basis: 'forecast', remainingHours: 504 });
    expect(p.value).toBeCloseTo(301.6, 10);
    expect(p.lower).toBeCloseTo(251.2, 10);
    expect(p.upper).toBeCloseTo(402.4, 10);
  });
});

describe('hourlyCostFromDemandForecast', () => {
  it('scales cost with forecast demand, replicas clamped to min..max', () => {
    // $1/h for 4 replicas at 2 cores: $0.25 per replica-hour.
    // forecast 3 → 6 replicas ($1.50), 1 → 2 ($0.50): mean 1.00
    // lower 2 → 4 ($1.00), 0.5 → 1, clamped to min 2 ($0.50): mean 0.75
    // upper 4 → 8 ($2.00), 30 → 60, clamped to max 10 ($2.50): mean 2.25
    const f = hourlyCostFromDemandForecast({
      hourly: 1,
      currentReplicas: 4,
      currentDemand: 2,
      minReplicas: 2,
      maxReplicas: 10,
      points: [
        { forecast: 3, lower: 2, upper: 4 },
        { forecast: 1, lower: 0.5, upper: 30 },
      ],
    });
    expect(f!.value).toBeCloseTo(1, 10);
    expect(f!.lower).toBeCloseTo(0.75, 10);
    expect(f!.upper).toBeCloseTo(2.25, 10);
  });

  it('gives up without a current demand or points', () => {
    const base = {
      hourly: 1,
      currentReplicas: 4,
      minReplicas: 1,
      maxReplicas: 5,
    };
    expect(
      hourlyCostFromDemandForecast({
        ...base,
        currentDemand: 0,
        points: [{ forecast: 1, lower: 1, upper: 1 }],
      }),
    ).toBeNull();
    expect(
      hourlyCostFromDemandForecast({ ...base, currentDemand: 1, points: [] }),
    ).toBeNull();
  });
});
