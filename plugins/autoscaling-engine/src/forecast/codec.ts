/**
 * Compact storage of a forecaster (one per workload in the backend's store).
 *
 * The state is mostly long arrays (seasonal profiles, rings); as JSON each number costs ~18
 * characters. Here every numeric array of 16 or more entries (64 if all integers) becomes 12-bit
 * codes on its own [min, max] range, base64: 2 characters a number. Rounding error ≤ (max − min)
 * / 8188 per entry, about 1.2e-4 of the array's range; −1 (the "never seen" mark of profiles and
 * rings) is kept exactly, and decoded values never fall below the array's minimum, so a profile
 * value of 0 does not turn into "unknown". Scalars keep full precision (levels, trends); the fit
 * report (for display) keeps 3 significant digits, band quantiles 5 decimals. Arrays written
 * with 16-bit codes (`$u16`, earlier builds) still decode.
 *
 *   decodeForecaster(encodeForecaster(f)) forecasts within ~2e-4 of f's range (see the test)
 *
 * Uses btoa/atob (Node ≥ 16 and browsers): no Buffer, so it stays isomorphic.
 */
import type { Forecaster } from './forecaster';

const PREFIX = 'fc1:';
/**
 * Profiles and rings at 12 bits: ~2.4e-4 of an array's range, far below any forecast's error,
 * and it keeps the largest workload state under the store's 16 kB (issue 12). Older 16-bit
 * arrays still decode.
 */
const FORECASTER_BITS: PackBits = 12;
/** Shorter arrays, and short integer ones (bucket indices), stay plain JSON and exact. */
const MIN_PACKED = 16;
const MIN_PACKED_INTEGERS = 64;
const SENTINEL = -1;

/** Code widths: 16 bits (2.7 base64 characters a number) or 12 (2 characters). */
export type PackBits = 12 | 16;
const SENTINEL_CODE: Record<PackBits, number> = { 12: 0xfff, 16: 0xffff };
const MAX_CODE: Record<PackBits, number> = { 12: 0xffe, 16: 0xfffe };

export type Packed =
  | { $u16: string; lo: number; hi: number }
  /** `n`: the count when it is odd (two 12-bit codes fill three bytes). */
  | { $u12: string; lo: number; hi: number; n?: number };

function isPackable(value: unknown): value is number[] {
  if (!Array.isArray(value) || value.length < MIN_PACKED) return false;
  let integers = true;
  for (const v of value) {
    if (typeof v !== 'number' || !Number.isFinite(v)) return false;
    if (!Number.isInteger(v)) integers = false;
  }
  return !integers || value.length >= MIN_PACKED_INTEGERS;
}

export function isPacked(value: unknown): value is Packed {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.$u16 === 'string' || typeof v.$u12 === 'string';
}

/**
 * Codes of an array on its own [min, max] range, −1 kept exactly: error ≤ range / 131070 at 16
 * bits, ≤ range / 8188 at 12.
 */
export function packNumbers(
  values: readonly number[],
  bits: PackBits = 16,
): Packed {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v === SENTINEL) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) lo = hi = 0;
  const span = hi - lo;
  const maxCode = MAX_CODE[bits];
  const codes = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    let code = 0;
    if (v === SENTINEL) code = SENTINEL_CODE[bits];
    else if (span > 0) code = Math.round(((v - lo) / span) * maxCode);
    codes[i] = code;
  }
  let binary = '';
  if (bits === 16) {
    for (const code of codes)
      binary += String.fromCharCode(code >> 8, code & 0xff);
    return { $u16: btoa(binary), lo, hi };
  }
  for (let i = 0; i < codes.length; i += 2) {
    const a = codes[i];
    const b = i + 1 < codes.length ? codes[i + 1] : 0;
    binary += String.fromCharCode(
      a >> 4,
      ((a & 0xf) << 4) | (b >> 8),
      b & 0xff,
    );
  }
  return codes.length % 2 === 1
    ? { $u12: btoa(binary), lo, hi, n: codes.length }
    : { $u12: btoa(binary), lo, hi };
}

export function unpackNumbers(packed: Packed): number[] {
  const bits: PackBits = '$u12' in packed ? 12 : 16;
  const binary = atob('$u12' in packed ? packed.$u12 : packed.$u16);
  const codes: number[] = [];
  if (bits === 16) {
    for (let i = 0; i + 1 < binary.length; i += 2)
      codes.push((binary.charCodeAt(i) << 8) | binary.charCodeAt(i + 1));
  } else {
    for (let i = 0; i + 2 < binary.length; i += 3) {
      const [x, y, z] = [
        binary.charCodeAt(i),
        binary.charCodeAt(i + 1),
        binary.charCodeAt(i + 2),
      ];
      codes.push((x << 4) | (y >> 4), ((y & 0xf) << 8) | z);
    }
    if ('$u12' in packed && packed.n !== undefined) codes.length = packed.n;
  }
  const n = codes.length;
  const out = new Array<number>(n);
  const span = packed.hi - packed.lo;
  const maxCode = MAX_CODE[bits];
  for (let i = 0; i < n; i++) {
    const code = codes[i];
    if (code === SENTINEL_CODE[bits]) out[i] = SENTINEL;
    else if (code === maxCode) out[i] = packed.hi;
    else out[i] = packed.lo + (code / maxCode) * span;
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
    // Times (`…Ms`) stay exact: 3 significant digits of a timestamp are weeks.
    fit: JSON.parse(
      JSON.stringify(forecaster.fit, (key, v) =>
        typeof v === 'number' && !key.endsWith('Ms') ? significant(v, 3) : v,
      ),
    ),
  };
  return (
    PREFIX +
    JSON.stringify(compact, (_, v) =>
      isPackable(v) ? packNumbers(v, FORECASTER_BITS) : v,
    )
  );
}

/** Inverse of `encodeForecaster`; also accepts a forecaster stored as plain JSON. */
export function decodeForecaster(text: string): Forecaster {
  if (!text.startsWith(PREFIX)) return JSON.parse(text) as Forecaster;
  return JSON.parse(text.slice(PREFIX.length), (_, v) =>
    isPacked(v) ? unpackNumbers(v) : v,
  ) as Forecaster;
}
