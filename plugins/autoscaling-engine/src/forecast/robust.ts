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

let scratch = new Float64Array(512);

/** k-th smallest of `a[0..n)` (0-based), reordering it in place (Hoare's quickselect). */
function select(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

function medianOf(a: Float64Array, n: number): number {
  const upper = select(a, n, n >> 1);
  if (n % 2 === 1) return upper;
  // The lower middle is the largest of the lower half after selection.
  let lower = -Infinity;
  for (let i = 0; i < n >> 1; i++) if (a[i] > lower) lower = a[i];
  return (lower + upper) / 2;
}

/** Median and MAD (median absolute deviation) of the finite values, in O(n). */
export function medianAndMad(values: ArrayLike<number>): {
  median: number;
  mad: number;
} {
  if (scratch.length < values.length)
    scratch = new Float64Array(values.length * 2);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) scratch[n++] = v;
  }
  if (n === 0) return { median: NaN, mad: NaN };
  const median = medianOf(scratch, n);
  for (let i = 0; i < n; i++) scratch[i] = Math.abs(scratch[i] - median);
  return { median, mad: medianOf(scratch, n) };
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
