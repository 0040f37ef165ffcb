/**
 * Load traces: CSV `timestamp,value` (ISO-8601 or epoch seconds; value = requests per second),
 * resampled onto a regular step by linear interpolation. Pure: text in, arrays out.
 */
import { DateTime } from 'luxon';

export interface TracePoint {
  timeMs: number;
  value: number;
}

/** A regular series: `demand[i]` is the demand at `timeMs[i]`. */
export interface Series {
  timeMs: Float64Array;
  demand: Float64Array;
  stepSeconds: number;
}

export class TraceFormatError extends Error {
  constructor(message: string, readonly line?: number) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = 'TraceFormatError';
  }
}

const EPOCH_SECONDS = /^[+-]?\d+(\.\d+)?$/;

export function parseTimestamp(text: string): number | undefined {
  const trimmed = text.trim();
  if (EPOCH_SECONDS.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  // ISO without an offset is read as UTC, so a trace means the same on every machine.
  const parsed = DateTime.fromISO(trimmed, { zone: 'utc' });
  return parsed.isValid ? parsed.toMillis() : undefined;
}

export function parseTraceCsv(text: string): TracePoint[] {
  const lines = text.split(/\r?\n/);
  const header = lines[0]?.trim().toLowerCase().replace(/\s+/g, '');
  if (header !== 'timestamp,value') {
    throw new TraceFormatError('the header must be "timestamp,value"', 1);
  }
  const points: TracePoint[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const [timestampText, valueText, extra] = line.split(',');
    if (valueText === undefined || extra !== undefined) {
      throw new TraceFormatError(
        'expected two columns: timestamp,value',
        i + 1,
      );
    }
    const timeMs = parseTimestamp(timestampText);
    if (timeMs === undefined) {
      throw new TraceFormatError(
        `"${timestampText}" is neither ISO-8601 nor epoch seconds`,
        i + 1,
      );
    }
    const value = Number(valueText.trim());
    if (valueText.trim() === '' || !Number.isFinite(value) || value < 0) {
      throw new TraceFormatError(
        `"${valueText}" is not a non-negative number`,
        i + 1,
      );
    }
    points.push({ timeMs, value });
  }
  if (points.length === 0)
    throw new TraceFormatError('the trace has no data rows');
  return points.sort((a, b) => a.timeMs - b.timeMs);
}

/**
 * Linear interpolation onto `first, first + step, …` up to the last point. A grid time only
 * reads the points around it, so cutting the trace never changes earlier values.
 */
export function resampleTrace(
  points: readonly TracePoint[],
  stepSeconds: number,
): Series {
  const stepMs = stepSeconds * 1000;
  const first = points[0].timeMs;
  const last = points[points.length - 1].timeMs;
  const count = Math.floor((last - first) / stepMs) + 1;
  const timeMs = new Float64Array(count);
  const demand = new Float64Array(count);
  let j = 0;
  for (let i = 0; i < count; i++) {
    const t = first + i * stepMs;
    while (j + 1 < points.length && points[j + 1].timeMs <= t) j++;
    const a = points[j];
    const b = points[j + 1];
    timeMs[i] = t;
    demand[i] =
      b === undefined || b.timeMs === a.timeMs
        ? a.value
        : a.value +
          ((b.value - a.value) * (t - a.timeMs)) / (b.timeMs - a.timeMs);
  }
  return { timeMs, demand, stepSeconds };
}
