/**
 * Decaying exponential histogram in the VPA recommender's manner
 * (vertical-pod-autoscaler/pkg/recommender/util/{histogram,decaying_histogram}.go), as plain
 * JSON state: sparse bucket weights, a total, and the decay reference time.
 *
 * Bucket n starts at first × (ratio^n − 1)/(ratio − 1); a sample at time t weighs
 * weight × 2^((t − reference)/halfLife), so older samples count for half every half-life.
 */

export interface HistogramOptions {
  firstBucketSize: number;
  maxValue: number;
  ratio: number;
  halfLifeMs: number;
}

export interface HistogramState {
  /** bucket index → weight (only non-empty buckets; at most `bucketCount` entries). */
  buckets: Record<number, number>;
  totalWeight: number;
  referenceMs: number;
}

/** Weights below this count as empty (histogram.go `epsilon`). */
const EPSILON = 1e-4;
/** Renormalise before 2^exponent grows past this (decaying_histogram.go `maxDecayExponent`). */
const MAX_DECAY_EXPONENT = 100;

const DAY_MS = 24 * 3600 * 1000;

export const CPU_HISTOGRAM: HistogramOptions = {
  firstBucketSize: 0.01,
  maxValue: 1000,
  ratio: 1.05,
  halfLifeMs: DAY_MS,
};

export const MEMORY_HISTOGRAM: HistogramOptions = {
  firstBucketSize: 1e7,
  maxValue: 1e12,
  ratio: 1.05,
  halfLifeMs: DAY_MS,
};

export function bucketCount(o: HistogramOptions): number {
  return (
    Math.ceil(
      Math.log((o.maxValue * (o.ratio - 1)) / o.firstBucketSize + 1) /
        Math.log(o.ratio),
    ) + 1
  );
}

export function bucketStart(o: HistogramOptions, bucket: number): number {
  if (bucket === 0) return 0;
  return (o.firstBucketSize * (Math.pow(o.ratio, bucket) - 1)) / (o.ratio - 1);
}

export function findBucket(o: HistogramOptions, value: number): number {
  if (value < o.firstBucketSize) return 0;
  const bucket = Math.floor(
    Math.log((value * (o.ratio - 1)) / o.firstBucketSize + 1) /
      Math.log(o.ratio),
  );
  return Math.min(bucket, bucketCount(o) - 1);
}

export function emptyHistogram(referenceMs = 0): HistogramState {
  return { buckets: {}, totalWeight: 0, referenceMs };
}

/** Adds (or, with a negative weight, subtracts) a sample; returns the new state. */
export function addSample(
  o: HistogramOptions,
  state: HistogramState,
  value: number,
  weight: number,
  timeMs: number,
): HistogramState {
  const current = renormalizedFor(o, state, timeMs);
  const decayed =
    weight * Math.pow(2, (timeMs - current.referenceMs) / o.halfLifeMs);
  const bucket = findBucket(o, value);
  const buckets = { ...current.buckets };
  const bucketWeight = Math.max(0, (buckets[bucket] ?? 0) + decayed);
  // A subtraction leaves float dust; relative to the sample's own weight it is zero.
  if (bucketWeight <= Math.abs(decayed) * 1e-9) {
    delete buckets[bucket];
  } else {
    buckets[bucket] = bucketWeight;
  }
  return {
    buckets,
    totalWeight: Math.max(0, current.totalWeight + decayed),
    referenceMs: current.referenceMs,
  };
}

/**
 * Moves the reference time forward (to a whole number of half-lives) and scales the weights
 * down accordingly, before 2^exponent grows large (`shiftReferenceTimestamp`).
 */
function renormalizedFor(
  o: HistogramOptions,
  state: HistogramState,
  timeMs: number,
): HistogramState {
  if (timeMs <= state.referenceMs + o.halfLifeMs * MAX_DECAY_EXPONENT)
    return state;
  const newReference = Math.round(timeMs / o.halfLifeMs) * o.halfLifeMs;
  const factor = Math.pow(
    2,
    Math.round((state.referenceMs - newReference) / o.halfLifeMs),
  );
  const buckets: Record<number, number> = {};
  for (const [bucket, weight] of Object.entries(state.buckets)) {
    const scaled = weight * factor;
    if (scaled >= EPSILON) buckets[Number(bucket)] = scaled;
  }
  return {
    buckets,
    totalWeight: state.totalWeight * factor,
    referenceMs: newReference,
  };
}

export function isEmpty(state: HistogramState): boolean {
  return state.totalWeight <= 0 || Object.keys(state.buckets).length === 0;
}

/**
 * The end of the bucket where the cumulative weight reaches `percentile` of the total (the
 * start of the last bucket, which has no end); 0 for an empty histogram.
 */
export function percentile(
  o: HistogramOptions,
  state: HistogramState,
  p: number,
): number {
  if (isEmpty(state)) return 0;
  const indices = Object.keys(state.buckets)
    .map(Number)
    .sort((a, b) => a - b);
  const threshold = p * state.totalWeight;
  let partial = 0;
  let bucket = indices[indices.length - 1];
  for (const index of indices) {
    partial += state.buckets[index];
    if (partial >= threshold) {
      bucket = index;
      break;
    }
  }
  return bucket < bucketCount(o) - 1
    ? bucketStart(o, bucket + 1)
    : bucketStart(o, bucket);
}
