import { withForecastCap } from './forecastCap';

const floorReason = {
  code: 'PredictiveFloor',
  message:
    'peak forecast 4.5 (p90) at 2026-12-03T08:03:44.230Z within 5 min / 0.2 per pod = 24 replicas (mean-ramp-daily)',
};

describe('withForecastCap', () => {
  it('says the forecast was capped at the maximum and what it wanted', () => {
    const predictive = withForecastCap(
      { floorReplicas: 12 },
      {
        status: 'capped',
        reasons: [
          {
            code: 'PredictiveFloorCapped',
            message: 'floor capped at 12 by maxReplicas 12',
          },
          floorReason,
        ],
      },
    );
    expect(predictive?.capped).toEqual({ by: 'max', wanted: 24 });
  });

  it('names the quota when it binds, also after the maximum', () => {
    const predictive = withForecastCap(
      { floorReplicas: 6 },
      {
        status: 'capped',
        reasons: [
          {
            code: 'PredictiveFloorCapped',
            message:
              'floor capped at 6 by maxReplicas 12 and quota 6 (runaway bound: …)',
          },
          floorReason,
        ],
      },
    );
    expect(predictive?.capped).toEqual({ by: 'quota', wanted: 24 });
  });

  it('leaves an uncapped forecast (or none) as it is', () => {
    const applied = { floorReplicas: 8 };
    expect(
      withForecastCap(applied, { status: 'applied', reasons: [floorReason] }),
    ).toBe(applied);
    expect(
      withForecastCap(undefined, { status: 'capped', reasons: [] }),
    ).toBeUndefined();
  });

  it('does not invent what the forecast wanted when its sentence does not say', () => {
    const predictive = withForecastCap(
      { floorReplicas: 12 },
      {
        status: 'capped',
        reasons: [
          {
            code: 'PredictiveFloorCapped',
            message: 'floor capped at 12 by maxReplicas 12',
          },
        ],
      },
    );
    expect(predictive?.capped).toEqual({ by: 'max', wanted: null });
  });
});
