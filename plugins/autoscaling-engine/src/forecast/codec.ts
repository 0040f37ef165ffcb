/**
 * Compact storage of a forecaster (one per workload in the backend's store).
 *
 * The state is mostly long arrays (seasonal profiles, rings); as JSON each number costs ~18
 * characters. Here every numeric array of 16 or more entries (64 if all integers) becomes 16-bit codes on its own
 * [min, max] range, base64: 2.7 characters a number. Rounding error ≤ (max − min) / 131070 per
 * entry, i.e. about 1e-5 of the array's range; −1 (the "never seen" mark of profiles and rings)
 * is kept exactly, and decoded values never fall below the array's minimum, so a profile value
 * of 0 does not turn into "unknown". Scalars keep full precision (levels, trends); the fit
 * report (for display) keeps 3 significant digits, band quantiles 5 decimals.
 *
 *   decodeForecaster(encodeForecaster(f)) forecasts within ~1e-5 of f's range (see the test)
 *
 * Uses btoa/atob (Node ≥ 16 and browsers): no Buffer, so it stays isomorphic.
 */
import type { Forecaster } from './forecaster';

const PREFIX = 'fc1:';
/** Shorter arrays, and short integer ones (bucket indices), stay plain JSON and exact. */
const MIN_PACKED = 16;
const MIN_PACKED_INTEGERS = 64;
const SENTINEL = -1;
const SENTINEL_CODE = 0xffff;
const MAX_CODE = 0xfffe;

interface Packed {
  $u16: string;
  lo: number;
  hi: number;
}

function isPackable(value: unknown): value is number[] {
  if (!Array.isArray(value) || value.length < MIN_PACKED) return false;
  let integers = true;
  for (const v of value) {
    if (typeof v !== 'number' || !Number.isFinite(v)) return false;
    if (!Number.isInteger(v)) integers = false;
  }
  return !integers || value.length >= MIN_PACKED_INTEGERS;
}

/** 16-bit codes of an array on its own range, −1 kept exactly. */
export function packNumbers(values: readonly number[]): Packed {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v === SENTINEL) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) lo = hi = 0;
  const span = hi - lo;
  const bytes = new Uint8Array(values.length * 2);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    let code = 0;
    if (v === SENTINEL) code = SENTINEL_CODE;
    else if (span > 0) code = Math.round(((v - lo) / span) * MAX_CODE);
    bytes[2 * i] = code >> 8;
    bytes[2 * i + 1] = code & 0xff;
  }
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
  return { $u16: btoa(binary), lo, hi };
}

export function unpackNumbers(packed: Packed): number[] {
  const binary = atob(packed.$u16);
  const n = binary.length >> 1;
  const out = new Array<number>(n);
  const span = packed.hi - packed.lo;
  for (let i = 0; i < n; i++) {
    const code = (binary.charCodeAt(2 * i) << 8) | binary.charCodeAt(2 * i + 1);
    if (code === SENTINEL_CODE) out[i] = SENTINEL;
    else if (code === MAX_CODE) out[i] = packed.hi;
    else out[i] = packed.lo + (code / MAX_CODE) * span;
  }
  return out;
}

const significant = (x: number, digits: number) =>
  x === 0 || !Number.isFinite(x) ? x : Number(x.toPrecision(digits));

/** Serialise a forecaster compactly (a string for the store). */
export function encodeForecaster(forecaster: Forecaster): string {
  const compact = {
    ...forecaster,
    bands: {
      ...forecaster.bands,
      relative: forecaster.bands.relative.map(row =>
        row.map(q => Math.round(q * 1e5) / 1e5),
      ),
    },
    fit: JSON.parse(
      JSON.stringify(forecaster.fit, (_, v) =>
        typeof v === 'number' ? significant(v, 3) : v,
      ),
    ),
  };
  return (
    PREFIX +
    JSON.stringify(compact, (_, v) => (isPackable(v) ? packNumbers(v) : v))
  );
}

/** Inverse of `encodeForecaster`; also accepts a forecaster stored as plain JSON. */
export function decodeForecaster(text: string): Forecaster {
  if (!text.startsWith(PREFIX)) return JSON.parse(text) as Forecaster;
  return JSON.parse(text.slice(PREFIX.length), (_, v) =>
    v && typeof v === 'object' && typeof v.$u16 === 'string'
      ? unpackNumbers(v as Packed)
      : v,
  ) as Forecaster;
}
