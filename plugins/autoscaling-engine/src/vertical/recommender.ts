/**
 * CPU and memory request recommendations for one container, as the VPA recommender makes them
 * (vertical-pod-autoscaler/pkg/recommender/{model,logic}, VPA 1.8.0):
 *
 * - CPU usage samples go into a decaying histogram with a constant weight (0.1);
 * - memory keeps one peak per 24 h window, replaced when a higher sample arrives in the window;
 * - an OOM adds a sample of max(used + 100 MiB, used × 1.2);
 * - target = P90 × 1.15, lower = P50 × 1.15 × (1 + 0.001/c)^−2, upper = P95 × 1.15 × (1 + 1/c),
 *   where c (confidence, in days) = min(history span, samples / 1440);
 * - then the per-pod minimums (25 m CPU, 250 MB memory) and the policy's min/max allowed.
 *
 * The state is plain JSON of bounded size: two histograms of at most 176 buckets and a few
 * numbers, whatever the history length.
 */
import type { VerticalSettings } from '@internal/plugin-autoscaling-common';
import {
  CPU_HISTOGRAM,
  MEMORY_HISTOGRAM,
  addSample,
  emptyHistogram,
  percentile,
  type HistogramState,
} from './histogram';

const DAY_MS = 24 * 3600 * 1000;
const CPU_SAMPLE_WEIGHT = 0.1;
const MEMORY_PEAK_WEIGHT = 1;
const MEMORY_AGGREGATION_INTERVAL_MS = DAY_MS;
const MIB = 2 ** 20;

export interface VerticalConfig {
  targetPercentile: number;
  lowerBoundPercentile: number;
  upperBoundPercentile: number;
  safetyMarginFraction: number;
  oomBumpUpRatio: number;
  oomMinBumpUpBytes: number;
  podMinCpuCores: number;
  podMinMemoryBytes: number;
  /** The pod minimums are split evenly across this many containers. */
  containersPerPod: number;
}

/** Recommender flags' defaults (config.go, aggregations_config.go). */
export const DEFAULT_VERTICAL_CONFIG: VerticalConfig = {
  targetPercentile: 0.9,
  lowerBoundPercentile: 0.5,
  upperBoundPercentile: 0.95,
  safetyMarginFraction: 0.15,
  oomBumpUpRatio: 1.2,
  oomMinBumpUpBytes: 100 * MIB,
  podMinCpuCores: 0.025,
  podMinMemoryBytes: 250e6,
  containersPerPod: 1,
};

export interface VerticalState {
  version: 1;
  cpu: HistogramState;
  memory: HistogramState;
  /** First and last CPU sample times and count: the history behind the confidence. */
  firstSampleMs?: number;
  lastSampleMs?: number;
  sampleCount: number;
  lastMemorySampleMs?: number;
  /** End of the current memory window and its peaks (usage, and OOM-derived). */
  memoryWindowEndMs?: number;
  memoryPeak: number;
  oomPeak: number;
}

export function emptyVerticalState(): VerticalState {
  return {
    version: 1,
    cpu: emptyHistogram(),
    memory: emptyHistogram(),
    sampleCount: 0,
    memoryPeak: 0,
    oomPeak: 0,
  };
}

/** A CPU usage sample in cores. Samples not newer than the last are dropped. */
export function observeCpu(
  state: VerticalState,
  cores: number,
  timeMs: number,
): VerticalState {
  if (
    !(cores >= 0) ||
    (state.lastSampleMs !== undefined && timeMs <= state.lastSampleMs)
  ) {
    return state;
  }
  return {
    ...state,
    cpu: addSample(CPU_HISTOGRAM, state.cpu, cores, CPU_SAMPLE_WEIGHT, timeMs),
    firstSampleMs: state.firstSampleMs ?? timeMs,
    lastSampleMs: timeMs,
    sampleCount: state.sampleCount + 1,
  };
}

/**
 * CPU samples of the same container in several pods at one time (the workload's aggregate
 * container state, as VPA keeps one per container name): all of them count, where
 * `observeCpu` would keep only the first sample of a timestamp.
 */
export function observeCpuSamples(
  state: VerticalState,
  cores: readonly number[],
  timeMs: number,
): VerticalState {
  if (state.lastSampleMs !== undefined && timeMs <= state.lastSampleMs) {
    return state;
  }
  let cpu = state.cpu;
  let count = 0;
  for (const c of cores) {
    if (!(c >= 0)) continue;
    cpu = addSample(CPU_HISTOGRAM, cpu, c, CPU_SAMPLE_WEIGHT, timeMs);
    count += 1;
  }
  if (count === 0) return state;
  return {
    ...state,
    cpu,
    firstSampleMs: state.firstSampleMs ?? timeMs,
    lastSampleMs: timeMs,
    sampleCount: state.sampleCount + count,
  };
}

/** A memory usage sample (working set) in bytes. */
export function observeMemory(
  state: VerticalState,
  bytes: number,
  timeMs: number,
): VerticalState {
  return addMemorySample(state, bytes, timeMs, false);
}

/**
 * An OOM kill of a container that requested `requestedBytes`: records what it would have needed
 * (`RecordOOM`). OOMs from before the previous memory window are ignored.
 */
export function observeOom(
  state: VerticalState,
  requestedBytes: number,
  timeMs: number,
  config: VerticalConfig = DEFAULT_VERTICAL_CONFIG,
): VerticalState {
  if (
    state.memoryWindowEndMs !== undefined &&
    timeMs < state.memoryWindowEndMs - MEMORY_AGGREGATION_INTERVAL_MS
  ) {
    return state;
  }
  // The OOM peak is left out so repeated OOMs do not compound.
  const used = Math.max(requestedBytes, state.memoryPeak);
  const needed = Math.max(
    used + config.oomMinBumpUpBytes,
    used * config.oomBumpUpRatio,
  );
  return addMemorySample(state, needed, timeMs, true);
}

function addMemorySample(
  state: VerticalState,
  bytes: number,
  timeMs: number,
  isOom: boolean,
): VerticalState {
  if (!(bytes >= 0)) return state;
  if (
    !isOom &&
    state.lastMemorySampleMs !== undefined &&
    timeMs < state.lastMemorySampleMs
  ) {
    return state;
  }
  let next: VerticalState = {
    ...state,
    lastMemorySampleMs: timeMs,
  };
  let windowEnd = state.memoryWindowEndMs ?? timeMs;
  let addPeak = false;
  if (timeMs < windowEnd) {
    const oldPeak = Math.max(state.memoryPeak, state.oomPeak);
    if (oldPeak !== 0 && bytes > oldPeak) {
      next.memory = addSample(
        MEMORY_HISTOGRAM,
        next.memory,
        oldPeak,
        -MEMORY_PEAK_WEIGHT,
        windowEnd,
      );
      addPeak = true;
    }
  } else {
    // Open the window that contains this sample; its first sample is its peak so far.
    const shift =
      Math.floor((timeMs - windowEnd) / MEMORY_AGGREGATION_INTERVAL_MS) *
        MEMORY_AGGREGATION_INTERVAL_MS +
      MEMORY_AGGREGATION_INTERVAL_MS;
    windowEnd += shift;
    next = { ...next, memoryPeak: 0, oomPeak: 0 };
    addPeak = true;
  }
  next.memoryWindowEndMs = windowEnd;
  if (isOom) next.oomPeak = Math.max(next.oomPeak, bytes);
  else next.memoryPeak = Math.max(next.memoryPeak, bytes);
  if (addPeak) {
    next.memory = addSample(
      MEMORY_HISTOGRAM,
      next.memory,
      bytes,
      MEMORY_PEAK_WEIGHT,
      windowEnd,
    );
  }
  return next;
}

export interface ResourceRecommendation {
  target: number;
  lowerBound: number;
  /** Infinity while there is no history span to be confident about. */
  upperBound: number;
  /** Target before min/max allowed. */
  uncappedTarget: number;
}

export interface VerticalRecommendation {
  cpu?: ResourceRecommendation;
  memory?: ResourceRecommendation;
  /** History behind the bounds, in days (`getConfidence`). */
  confidenceDays: number;
  /** `verticalConfidence(confidenceDays)`: c / (1 + c), from 0 (no history) towards 1. */
  confidence: number;
  confidenceLevel: VerticalConfidenceLevel;
}

/**
 * Confidence in words: `none` under an hour of history (the upper bound is then more than 25×
 * the P95 estimate and means nothing), `low` under a day (more than 2×), `medium` under a week,
 * `high` from a week (the upper bound within 1.15× of the P95 estimate).
 */
export type VerticalConfidenceLevel = 'none' | 'low' | 'medium' | 'high';

/**
 * Confidence on a 0–1 scale from history in days c: c / (1 + c). It is the ratio of the P95
 * estimate to the upper bound (upper = P95 × 1.15 / confidence), so 0.5 means one day of history
 * and an upper bound twice the estimate, 0.875 a week, 0.97 a month. Not a probability.
 */
export function verticalConfidence(days: number): number {
  return days > 0 ? days / (1 + days) : 0;
}

export function verticalConfidenceLevel(days: number): VerticalConfidenceLevel {
  if (!(days >= 1 / 24)) return 'none';
  if (days < 1) return 'low';
  if (days < 7) return 'medium';
  return 'high';
}

/** History in days: the smaller of the span of samples and their count at one a minute. */
export function confidenceDays(state: VerticalState): number {
  if (state.firstSampleMs === undefined || state.lastSampleMs === undefined)
    return 0;
  const spanDays = (state.lastSampleMs - state.firstSampleMs) / DAY_MS;
  return Math.min(spanDays, state.sampleCount / (60 * 24));
}

/** `(1 + multiplier/confidence)^exponent`: wide bounds on short history, tight on long. */
function confidenceMultiplier(
  multiplier: number,
  exponent: number,
  confidence: number,
): number {
  return Math.pow(1 + multiplier / confidence, exponent);
}

export function recommendVertical(
  state: VerticalState,
  settings?: Pick<
    VerticalSettings,
    'minAllowed' | 'maxAllowed' | 'controlledResources'
  >,
  config: VerticalConfig = DEFAULT_VERTICAL_CONFIG,
): VerticalRecommendation {
  const confidence = confidenceDays(state);
  const controlled = settings?.controlledResources ?? ['cpu', 'memory'];
  const margin = 1 + config.safetyMarginFraction;
  const result: VerticalRecommendation = {
    confidenceDays: confidence,
    confidence: verticalConfidence(confidence),
    confidenceLevel: verticalConfidenceLevel(confidence),
  };

  const estimate = (
    resource: 'cpu' | 'memory',
    histogram: HistogramState,
    options: typeof CPU_HISTOGRAM,
    podMinimum: number,
  ): ResourceRecommendation => {
    const floor = podMinimum / config.containersPerPod;
    const target = Math.max(
      percentile(options, histogram, config.targetPercentile) * margin,
      floor,
    );
    const lower = Math.max(
      percentile(options, histogram, config.lowerBoundPercentile) *
        margin *
        confidenceMultiplier(0.001, -2, confidence),
      floor,
    );
    const upper = Math.max(
      percentile(options, histogram, config.upperBoundPercentile) *
        margin *
        confidenceMultiplier(1, 1, confidence),
      floor,
    );
    const min = settings?.minAllowed[resource];
    const max = settings?.maxAllowed[resource];
    const cap = (v: number) =>
      Math.min(Math.max(v, min ?? -Infinity), max ?? Infinity);
    return {
      target: cap(target),
      lowerBound: cap(lower),
      upperBound: cap(upper),
      uncappedTarget: target,
    };
  };

  if (controlled.includes('cpu') && state.sampleCount > 0) {
    result.cpu = estimate(
      'cpu',
      state.cpu,
      CPU_HISTOGRAM,
      config.podMinCpuCores,
    );
  }
  if (controlled.includes('memory') && state.memoryWindowEndMs !== undefined) {
    result.memory = estimate(
      'memory',
      state.memory,
      MEMORY_HISTOGRAM,
      config.podMinMemoryBytes,
    );
  }
  return result;
}
