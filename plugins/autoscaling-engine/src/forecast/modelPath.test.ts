import {
  createModel,
  DEFAULT_CANDIDATES,
  forecastModel,
  forecastModelPath,
  updateModel,
} from './model';
import { MONDAY, syntheticSeries } from './testing';

/** forecastModelPath is an optimisation of forecastModel on a grid: it must give the same values. */
describe('forecastModelPath', () => {
  const series = syntheticSeries({ days: 9, stepSeconds: 60, seed: 7 });

  // Every candidate, read during its first season, just after it, and in steady state.
  for (const spec of DEFAULT_CANDIDATES) {
    it(`gives forecastModel's values on a grid: ${spec.name}`, () => {
      const model = createModel(spec, 60);
      const checkpoints = new Set([30, 1440 + 3, series.values.length - 1]);
      let checked = 0;
      for (let i = 0; i < series.values.length; i++) {
        updateModel(model, series.timeMs[i], series.values[i]);
        if (!checkpoints.has(i)) continue;
        for (const stepSeconds of [20, 60, 100 / 3]) {
          const startMs = series.timeMs[i] + 7_000;
          const path = new Float64Array(45);
          forecastModelPath(model, startMs, stepSeconds, path);
          const expected = Array.from(path, (_, k) =>
            forecastModel(model, startMs + (k + 1) * stepSeconds * 1000),
          );
          expect(Array.from(path)).toEqual(expected);
          checked++;
        }
      }
      expect(checked).toBe(9);
      expect(series.timeMs[0]).toBeGreaterThanOrEqual(MONDAY);
    });
  }
});
