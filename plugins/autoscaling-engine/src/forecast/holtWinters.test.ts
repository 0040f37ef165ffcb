import {
  createHoltWintersState,
  fitHoltWinters,
  forecastHoltWinters,
  updateHoltWinters,
  type HoltWintersParams,
} from './holtWinters';
import {
  createModel,
  DEFAULT_CANDIDATES,
  forecastModel,
  updateModel,
} from './model';
import { gaussian, MONDAY, seededRandom } from './testing';

const DAY = 86400;
const shape = (t: number) =>
  1000 + 400 * Math.sin((2 * Math.PI * (t - MONDAY)) / (DAY * 1000));

const params: HoltWintersParams = {
  seasonSeconds: DAY,
  levelHalfLifeSeconds: 3600,
  trendHalfLifeSeconds: 0,
  trendDampingSeconds: 0,
  seasonGamma: 0.3,
  deviationHalfLifeSeconds: 0,
  deviationDecaySeconds: 0,
};

describe('Holt-Winters (additive, daily season)', () => {
  it('is seasonal naive in the first day, then learns the shape and follows a level shift', () => {
    const s = createHoltWintersState(params, 60);
    const t = (i: number) => MONDAY + i * 60_000;
    for (let i = 0; i < 720; i++) updateHoltWinters(s, t(i), shape(t(i)));
    expect(forecastHoltWinters(s, t(800))).toBeNaN(); // that minute not seen yet
    expect(forecastHoltWinters(s, t(1440 + 100))).toBeCloseTo(shape(t(100)), 6);
    for (let i = 720; i < 3 * 1440; i++)
      updateHoltWinters(s, t(i), shape(t(i)));
    expect(forecastHoltWinters(s, t(3 * 1440 + 59))).toBeCloseTo(
      shape(t(59)),
      3,
    );
    // +200 for six hours: the level takes it, the daily shape stays.
    for (let i = 3 * 1440; i < 3 * 1440 + 360; i++)
      updateHoltWinters(s, t(i), shape(t(i)) + 200);
    const target = t(3 * 1440 + 360 + 60);
    expect(forecastHoltWinters(s, target)).toBeGreaterThan(shape(target) + 150);
    expect(forecastHoltWinters(s, target)).toBeLessThan(shape(target) + 250);
  });

  it('averages finer samples per step slot: 15 s samples forecast like their 1-minute means', () => {
    const a = createHoltWintersState(params, 60);
    const b = createHoltWintersState(params, 60);
    for (let i = 0; i < 2 * 1440; i++) {
      const t0 = MONDAY + i * 60_000;
      updateHoltWinters(a, t0, shape(t0));
      for (let k = 0; k < 4; k++)
        updateHoltWinters(b, t0 + k * 15_000, shape(t0) + (k - 1.5) * 10);
    }
    const target = MONDAY + (2 * 1440 + 30) * 60_000;
    expect(forecastHoltWinters(b, target)).toBeCloseTo(
      forecastHoltWinters(a, target),
      6,
    );
  });

  it('fits α by one-step error: high on a wandering level, low on white noise around the season', () => {
    const normal = gaussian(seededRandom(5));
    const n = 4 * 1440;
    const timeMs = Float64Array.from(
      { length: n },
      (_, i) => MONDAY + i * 60_000,
    );
    let walk = 0;
    const wandering = timeMs.map(t => shape(t) + (walk += 5 * normal()));
    const noisy = timeMs.map(t => shape(t) + 50 * normal());
    expect(fitHoltWinters(wandering, timeMs, 60).alpha).toBeGreaterThanOrEqual(
      0.7,
    );
    expect(fitHoltWinters(noisy, timeMs, 60).alpha).toBeLessThanOrEqual(0.05);
  });
});

describe('forecast combination', () => {
  it('forecasts the mean of its members', () => {
    const spec = DEFAULT_CANDIDATES.find(c => c.name === 'mean-weekly-daily')!;
    if (spec.kind !== 'mean') throw new Error('not a combination');
    const combo = createModel(spec, 60);
    const members = spec.members.map(m => createModel(m, 60));
    for (let i = 0; i < 2 * 1440; i++) {
      const t = MONDAY + i * 60_000;
      updateModel(combo, t, shape(t));
      members.forEach(m => updateModel(m, t, shape(t)));
    }
    const target = MONDAY + (2 * 1440 + 45) * 60_000;
    const mean =
      members.reduce((a, m) => a + forecastModel(m, target), 0) /
      members.length;
    expect(forecastModel(combo, target)).toBeCloseTo(mean, 9);
    expect(forecastModel(combo, target)).toBeCloseTo(shape(target), -1);
  });
});
