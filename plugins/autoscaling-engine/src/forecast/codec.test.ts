import {
  decodeForecaster,
  encodeForecaster,
  packNumbers,
  unpackNumbers,
} from './codec';
import {
  fitForecaster,
  forecastAt,
  updateForecaster,
  type Forecaster,
} from './forecaster';
import { DEFAULT_CANDIDATES } from './model';
import { slice, syntheticSeries } from './testing';

const series = syntheticSeries({ days: 10, seed: 3, stepSeconds: 60 });
const eightDays = 8 * 1440;

function fitted(names?: string[]): Forecaster {
  const fit = fitForecaster(slice(series, 0, eightDays), {
    candidates: names
      ? DEFAULT_CANDIDATES.filter(c => names.includes(c.name))
      : DEFAULT_CANDIDATES,
  });
  if (!fit.ok) throw new Error('fit failed');
  return fit.forecaster;
}

/** Largest forecast difference over the next day, relative to the forecast. */
function worstRelative(a: Forecaster, b: Forecaster): number {
  const last = a.model.lastMs;
  const targets = Array.from(
    { length: 288 },
    (_, k) => last + (k + 1) * 300_000,
  );
  const pa = forecastAt(a, targets);
  const pb = forecastAt(b, targets);
  let worst = 0;
  pa.forEach((p, k) => {
    for (const key of ['forecast', 'lower', 'upper'] as const) {
      const d =
        Math.abs(p[key] - pb[k][key]) / Math.max(Math.abs(p[key]), 1e-9);
      worst = Math.max(worst, d);
    }
  });
  return worst;
}

describe('forecaster codec', () => {
  it.each([
    [16, 131068],
    [12, 8188],
  ] as const)(
    '%i-bit codes keep −1 marks exactly and zeros non-negative',
    (bits, steps) => {
      const valueAt = (i: number) => {
        if (i % 5 === 0) return -1;
        return i % 7 === 0 ? 0 : i * 1.37;
      };
      // Odd length: the last 12-bit code shares its three bytes with padding.
      const values = Array.from({ length: 65 }, (_, i) => valueAt(i));
      const packed = packNumbers(values, bits);
      const back = unpackNumbers(packed);
      expect(back).toHaveLength(values.length);
      const marks = values.flatMap((v, i) => (v === -1 ? [i] : []));
      expect(marks.map(i => back[i])).toEqual(marks.map(() => -1));
      const others = values.flatMap((v, i) => (v === -1 ? [] : [i]));
      expect(Math.min(...others.map(i => back[i]))).toBeGreaterThanOrEqual(0);
      expect(Math.max(...others.map(i => back[i]))).toBe(64 * 1.37);
      const worst = Math.max(...others.map(i => Math.abs(back[i] - values[i])));
      expect(worst).toBeLessThanOrEqual((64 * 1.37) / steps + 1e-12);
      // Packing what was unpacked gives the same codes (a state read and written every tick).
      expect(packNumbers(back, bits)).toEqual(packed);
    },
  );

  it('decodes a forecaster whose arrays were written with 16-bit codes', () => {
    const f = fitted(['hw-weekly-deviation']);
    const text16 = `fc1:${JSON.stringify(f, (_, v) =>
      Array.isArray(v) && v.length >= 64 ? packNumbers(v, 16) : v,
    )}`;
    expect(text16).toContain('$u16');
    expect(worstRelative(f, decodeForecaster(text16))).toBeLessThan(1e-4);
  });

  it.each([
    ['seasonal', ['hw-weekly-deviation']],
    ['holt-winters', ['hw-daily-level']],
    ['combination', ['mean-ramp-daily']],
    ['naive', ['daily-naive']],
    ['chosen by backtest', undefined],
  ])(
    'round-trips a %s forecaster: forecasts and bands within 1e-3, and after a day of updates',
    (_, names) => {
      const f = fitted(names as string[] | undefined);
      const text = encodeForecaster(f);
      const g = decodeForecaster(text);
      expect(g.fit.chosen).toBe(f.fit.chosen);
      expect(worstRelative(f, g)).toBeLessThan(1e-3);
      // The decoded state keeps learning like the original.
      for (let i = eightDays; i < eightDays + 1440; i++) {
        updateForecaster(f, series.timeMs[i], series.values[i]);
        updateForecaster(g, series.timeMs[i], series.values[i]);
      }
      expect(worstRelative(f, g)).toBeLessThan(1e-3);
      // Well under the 16 kB a workload may store (the largest, a combination, is ~11 kB), and a
      // fraction of the plain JSON.
      expect(text.length).toBeLessThan(12_000);
      expect(text.length).toBeLessThan(JSON.stringify(f).length / 3);
    },
  );

  it('reads a forecaster stored as plain JSON', () => {
    const f = fitted(['daily-naive']);
    expect(decodeForecaster(JSON.stringify(f))).toEqual(
      JSON.parse(JSON.stringify(f)),
    );
  });
});
