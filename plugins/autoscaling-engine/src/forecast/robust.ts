/**
 * Small robust-statistics helpers (median, MAD, quantiles). Pure, allocation-light.
 */

/** Consistency constant: 1.4826 × MAD estimates σ for normal data. */
export const MAD_TO_SIGMA = 1.4826;

/** Quantile of an ascending-sorted array by linear interpolation (type 7, as R and numpy). */
export function sortedQuantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  if (n === 1) return sorted[0];
  const position = Math.min(Math.max(q, 0), 1) * (n - 1);
  const low = Math.floor(position);
  const high = Math.min(low + 1, n - 1);
  const fraction = position - low;
  return sorted[low] + (sorted[high] - sorted[low]) * fraction;
}

/** Median and MAD (median absolute deviation) of the finite values. */
export function medianAndMad(values: ArrayLike<number>): {
  median: number;
  mad: number;
} {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) finite.push(v);
  }
  if (finite.length === 0) return { median: NaN, mad: NaN };
  const sorted = Float64Array.from(finite).sort();
  const median = sortedQuantile(sorted, 0.5);
  const deviations = new Float64Array(sorted.length);
  for (let i = 0; i < sorted.length; i++)
    deviations[i] = Math.abs(sorted[i] - median);
  deviations.sort();
  return { median, mad: sortedQuantile(deviations, 0.5) };
}

/** Robust z-score of `value` against a median and MAD; 0 when the spread is degenerate. */
export function robustZ(
  value: number,
  median: number,
  mad: number,
  minMad = 0,
): number {
  const scale = MAD_TO_SIGMA * Math.max(mad, minMad);
  if (!(scale > 0) || !Number.isFinite(scale)) return 0;
  return (value - median) / scale;
}
