import { withForecastCap } from './forecastCap';

describe('withForecastCap', () => {
  it('says the forecast was capped at the maximum and what it wanted', () => {
    const predictive = withForecastCap(
      { floorReplicas: 12 },
      { status: 'capped', cap: { by: 'max', wantedReplicas: 24 } },
    );
    expect(predictive?.capped).toEqual({ by: 'max', wanted: 24 });
  });

  it('names the quota when it binds, also after the maximum', () => {
    const predictive = withForecastCap(
      { floorReplicas: 6 },
      { status: 'capped', cap: { by: 'quota', wantedReplicas: 24 } },
    );
    expect(predictive?.capped).toEqual({ by: 'quota', wanted: 24 });
  });

  it('leaves an uncapped forecast (or none) as it is', () => {
    const applied = { floorReplicas: 8 };
    expect(withForecastCap(applied, { status: 'applied' })).toBe(applied);
    expect(
      withForecastCap(undefined, { status: 'capped', cap: { by: 'max' } }),
    ).toBeUndefined();
  });

  it('does not invent what the forecast wanted when the plan does not say', () => {
    const predictive = withForecastCap(
      { floorReplicas: 12 },
      { status: 'capped', cap: { by: 'max' } },
    );
    expect(predictive?.capped).toEqual({ by: 'max', wanted: null });
  });
});
