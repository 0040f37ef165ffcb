import {
  parseTimestamp,
  parseTraceCsv,
  resampleTrace,
  TraceFormatError,
} from './trace';

describe('parseTraceCsv', () => {
  it('reads ISO-8601 and epoch-second timestamps', () => {
    const points = parseTraceCsv(
      'timestamp,value\n2026-01-05T00:00:00Z,10\n1767571260,20.5\n',
    );
    expect(points).toEqual([
      { timeMs: Date.UTC(2026, 0, 5, 0, 0), value: 10 },
      { timeMs: Date.UTC(2026, 0, 5, 0, 1), value: 20.5 },
    ]);
  });

  it('reads an ISO time without offset as UTC and honours explicit offsets', () => {
    expect(parseTimestamp('2026-01-05T01:00:00')).toBe(Date.UTC(2026, 0, 5, 1));
    expect(parseTimestamp('2026-01-05T01:00:00+01:00')).toBe(
      Date.UTC(2026, 0, 5, 0),
    );
  });

  it('names the line of a bad row', () => {
    expect(() =>
      parseTraceCsv('timestamp,value\n2026-01-05T00:00:00Z,10\nyesterday,3\n'),
    ).toThrow(
      new TraceFormatError(
        '"yesterday" is neither ISO-8601 nor epoch seconds',
        3,
      ),
    );
    expect(() => parseTraceCsv('time,rps\n1,2\n')).toThrow(/header/);
    expect(() => parseTraceCsv('timestamp,value\n1,-2\n')).toThrow(/line 2/);
  });
});

describe('resampleTrace', () => {
  it('interpolates irregular points linearly onto the step', () => {
    const series = resampleTrace(
      [
        { timeMs: 0, value: 0 },
        { timeMs: 40_000, value: 40 },
        { timeMs: 60_000, value: 0 },
      ],
      15,
    );
    expect(Array.from(series.timeMs)).toEqual([
      0, 15_000, 30_000, 45_000, 60_000,
    ]);
    expect(Array.from(series.demand)).toEqual([0, 15, 30, 30, 0]);
  });
});
