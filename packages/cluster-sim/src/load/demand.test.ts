import {
  dailyFactor,
  flashFactor,
  parseTraceCsv,
  SyntheticProfile,
  syntheticDemand,
  traceDemand,
  weeklyFactor,
} from './demand';

const H = 3600_000;
const MONDAY = Date.UTC(2025, 0, 6, 0, 0, 0);

const profile = (p: Partial<SyntheticProfile> = {}): SyntheticProfile => ({
  base: 100,
  dailyAmplitude: 0,
  peakHour: 14,
  weekly: [1, 1, 1, 1, 1, 1, 1],
  noise: 0,
  noiseIntervalSeconds: 60,
  flashCrowds: [],
  utcOffsetHours: 0,
  seed: 1,
  ...p,
});

describe('synthetic demand', () => {
  it('peaks at the configured hour and troughs 12 hours later', () => {
    const p = profile({ dailyAmplitude: 0.5, peakHour: 14 });
    expect(dailyFactor(p, MONDAY + 14 * H)).toBeCloseTo(1.5);
    expect(dailyFactor(p, MONDAY + 2 * H)).toBeCloseTo(0.5);
    const d = syntheticDemand(p);
    expect(d.at(MONDAY + 14 * H)).toBeCloseTo(150);
    expect(d.at(MONDAY + 2 * H)).toBeCloseTo(50);
  });

  it('applies the weekly multiplier at the centre of each day (Monday first)', () => {
    const p = profile({ weekly: [1, 1, 1, 1, 1, 0.5, 0.2] });
    expect(weeklyFactor(p, MONDAY + 12 * H)).toBeCloseTo(1);
    expect(weeklyFactor(p, MONDAY + 5 * 24 * H + 12 * H)).toBeCloseTo(0.5); // Saturday noon
    expect(weeklyFactor(p, MONDAY + 6 * 24 * H + 12 * H)).toBeCloseTo(0.2); // Sunday noon
    // half-way between Saturday and Sunday noon
    expect(weeklyFactor(p, MONDAY + 6 * 24 * H)).toBeCloseTo(0.35);
  });

  it('ramps flash crowds up and down, and repeats them', () => {
    const crowd = {
      startMs: MONDAY,
      durationSeconds: 600,
      multiplier: 5,
      rampSeconds: 60,
      everySeconds: 3600,
    };
    expect(flashFactor([crowd], MONDAY - 1000)).toBe(1);
    expect(flashFactor([crowd], MONDAY + 30_000)).toBeCloseTo(3); // half-way up the ramp
    expect(flashFactor([crowd], MONDAY + 300_000)).toBe(5);
    expect(flashFactor([crowd], MONDAY + 690_000)).toBeCloseTo(3); // half-way down
    expect(flashFactor([crowd], MONDAY + 800_000)).toBe(1);
    expect(flashFactor([crowd], MONDAY + H + 300_000)).toBe(5); // next hour
  });

  it('is deterministic under a seed, varies with it, and keeps the noise level', () => {
    const a = syntheticDemand(profile({ noise: 0.1, seed: 7 }));
    const b = syntheticDemand(profile({ noise: 0.1, seed: 7 }));
    const c = syntheticDemand(profile({ noise: 0.1, seed: 8 }));
    const times = Array.from({ length: 2000 }, (_, i) => MONDAY + i * 60_000);
    expect(times.map(t => a.at(t))).toEqual(times.map(t => b.at(t)));
    expect(times.map(t => a.at(t))).not.toEqual(times.map(t => c.at(t)));
    const values = times.map(t => a.at(t));
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const sd = Math.sqrt(
      values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length,
    );
    expect(mean).toBeGreaterThan(95);
    expect(mean).toBeLessThan(105);
    expect(sd).toBeGreaterThan(6);
    expect(sd).toBeLessThan(14);
    // a value does not depend on which other times were asked for
    expect(
      syntheticDemand(profile({ noise: 0.1, seed: 7 })).at(times[1234]),
    ).toBe(values[1234]);
  });
});

describe('trace demand', () => {
  const csv =
    'timestamp,value\n2025-01-01T00:00:00Z,10\n2025-01-01T00:01:00Z,20\n1735689720,40\n';

  it('parses ISO and epoch timestamps and interpolates linearly', () => {
    const points = parseTraceCsv(csv);
    expect(points.map(p => p.value)).toEqual([10, 20, 40]);
    const d = traceDemand(points, { loop: false, scale: 1 });
    expect(d.at(Date.UTC(2025, 0, 1, 0, 0, 30))).toBeCloseTo(15);
    expect(d.at(Date.UTC(2025, 0, 1, 0, 1, 30))).toBeCloseTo(30);
    expect(d.at(Date.UTC(2025, 0, 1, 1, 0, 0))).toBe(40); // clamps after the end
  });

  it('re-bases the trace on the simulated start, loops and scales it', () => {
    const d = traceDemand(parseTraceCsv(csv), {
      loop: true,
      scale: 2,
      alignToMs: MONDAY,
    });
    expect(d.at(MONDAY)).toBe(20);
    expect(d.at(MONDAY + 60_000)).toBe(40);
    // period = span (2 min) + one step (1 min): t = 3 min is the first row again
    expect(d.at(MONDAY + 180_000)).toBe(20);
    expect(d.at(MONDAY + 150_000)).toBeCloseTo(50); // between the last row (80) and the first (20)
  });

  it('reports the line of a bad row', () => {
    expect(() =>
      parseTraceCsv('timestamp,value\n2025-01-01T00:00:00Z,abc\n'),
    ).toThrow(/line 2: bad value/);
    expect(() => parseTraceCsv('timestamp,value\nnot-a-time,1\n')).toThrow(
      /line 2: bad timestamp/,
    );
    expect(() => parseTraceCsv('timestamp,value\n')).toThrow(/no data rows/);
  });
});
