import {
  createLiveForecastState,
  type LiveForecastState,
} from '../evaluation/predictiveStep';
import { runLive } from './__testUtils__/liveForecastState';
import { decodeForecastRow, encodeForecastRow } from './forecastRow';

const ID = 'sim-local/acme-production/Deployment/checkout-api';
const asRecord = (state: LiveForecastState) =>
  state as unknown as Record<string, unknown>;

describe('forecast state row', () => {
  it('stays ≤ 16 kB through 14 days written and read back, and plans as one kept in memory', () => {
    // Every tenth tick (the store does it every tick; the engine's codec test does a day of that):
    // Jest runs the packing ~10× slower than Node does.
    const stored = runLive(14, { throughRowEvery: 10 });
    const memory = runLive(14);
    // The run means something: daily refits, anomalies (a surge every fourth day), floors.
    expect(stored.refits).toBe(memory.refits);
    expect(stored.refits).toBeGreaterThanOrEqual(13);
    expect(memory.state.anomalies.length).toBeGreaterThan(20);
    expect(memory.floors.filter(f => f !== undefined).length).toBeGreaterThan(
      10_000,
    );

    // Issue 12: every row written over the 14 days, including with the most anomalies.
    expect(stored.maxRowBytes).toBeLessThanOrEqual(16_000);
    const plain = Buffer.byteLength(JSON.stringify(memory.state), 'utf8');
    expect(stored.maxRowBytes).toBeLessThan(plain / 2);
    // Profiles are stored as 12-bit codes (≈ 1.2e-4 of their range): a forecast sitting on a
    // replica boundary can round to the other side, rarely and by one replica at most.
    expect(stored.floors).toHaveLength(memory.floors.length);
    const differing = stored.floors.flatMap((f, i) =>
      f === memory.floors[i] ? [] : [i],
    );
    expect(differing.length).toBeLessThanOrEqual(memory.floors.length / 1000);
    for (const i of differing) {
      expect([stored.floors[i], memory.floors[i]]).not.toContain(undefined);
      expect(
        Math.abs(stored.floors[i]! - memory.floors[i]!),
      ).toBeLessThanOrEqual(1);
    }
    expect(stored.state.predictive.forecaster?.fit.chosen).toBe(
      memory.state.predictive.forecaster?.fit.chosen,
    );
    // The same anomalies; their scores come from the (packed, 12-bit) model, so within about 2%.
    const anomalies = stored.state.anomalies;
    expect(anomalies.map(a => [a.atMs, a.value])).toEqual(
      memory.state.anomalies.map(a => [a.atMs, a.value]),
    );
    anomalies.forEach((a, i) =>
      expect(
        Math.abs(a.score - memory.state.anomalies[i].score),
      ).toBeLessThanOrEqual(0.02 * Math.abs(a.score) + 0.011),
    );
    expect(stored.state.band.total).toBe(memory.state.band.total);
    expect(stored.state.lastPlan?.replicas).toBe(
      memory.state.lastPlan?.replicas,
    );
  }, 120_000);

  it('writes the engine state compact and reads back every field', () => {
    const { state } = runLive(5);
    const row = encodeForecastRow(asRecord(state));
    const parsed = JSON.parse(row);
    expect(parsed.$row).toBe(1);
    expect(parsed.predictive.ps).toBe(1);
    const back = decodeForecastRow(row, ID) as unknown as LiveForecastState;
    expect(Object.keys(back).sort()).toEqual(Object.keys(state).sort());
    const { predictive, ...rest } = state;
    const { predictive: predictiveBack, ...restBack } = back;
    expect(restBack).toEqual(rest);
    expect(predictiveBack.forecaster?.fit).toEqual(
      JSON.parse(JSON.stringify(predictiveBack.forecaster?.fit)),
    );
    expect(predictiveBack.lastObservedMs).toBe(predictive.lastObservedMs);
    expect(predictiveBack.accuracy).toEqual(predictive.accuracy);
    // Written again unchanged: the same text.
    expect(encodeForecastRow(asRecord(back))).toBe(row);
  });

  it('keeps anomalies exact, also when they do not pack exactly', () => {
    const state = createLiveForecastState();
    const start = Date.parse('2026-01-05T00:00:00Z');
    state.anomalies = Array.from({ length: 30 }, (_, i) => ({
      atMs: start + i * 300_000 + (i === 7 ? 1234 : 0),
      value: Number((1.5 + i * 0.37).toPrecision(5)),
      score: Math.round((i % 2 ? -1 : 1) * (2.5 + i * 0.11) * 100) / 100,
    }));
    state.bandPending = [
      [start, 0.5, 0.9],
      [start + 60_000, 0.51, 0.91],
    ];
    const back = decodeForecastRow(encodeForecastRow(asRecord(state)), ID);
    expect(back).toEqual(state);
    // Values no rounding explains stay plain numbers.
    state.anomalies[3].value = Math.PI;
    expect(decodeForecastRow(encodeForecastRow(asRecord(state)), ID)).toEqual(
      state,
    );
  });

  it('reads a row written as plain JSON before the compact format', () => {
    const { state } = runLive(2);
    const legacy = JSON.stringify(state);
    expect(decodeForecastRow(legacy, ID)).toEqual(JSON.parse(legacy));
  });

  it('keeps any other record as it is', () => {
    const record = {
      version: 2,
      predictive: { something: 'else' },
      anomalies: [1, 2],
    };
    expect(decodeForecastRow(encodeForecastRow(record), ID)).toEqual(record);
  });

  it('refuses an unknown row format or a corrupt row, naming the workload', () => {
    const row = encodeForecastRow(asRecord(createLiveForecastState()));
    expect(() =>
      decodeForecastRow(row.replace('"$row":1', '"$row":9'), ID),
    ).toThrow(
      `Unreadable forecast state of workload ${ID} in workload_forecasts: row format 9 is not supported (this build reads format 1)`,
    );
    expect(() =>
      decodeForecastRow(row.replace('"ps":1', '"ps":2'), ID),
    ).toThrow(
      /Unreadable forecast state of workload .*: Cannot decode predictive state: envelope version 2 is not supported/,
    );
    expect(() => decodeForecastRow(row.slice(0, 50), ID)).toThrow(
      /Unreadable forecast state/,
    );
  });
});
