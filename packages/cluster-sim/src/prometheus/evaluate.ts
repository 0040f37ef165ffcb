/**
 * Evaluates the PromQL subset (./promql.ts) over in-memory series. Pure: the series and the
 * evaluation times are passed in.
 *
 * Semantics, as Prometheus where it matters to a client:
 * - an instant selector at t takes each series' last sample in (t - 5m, t] (the lookback delta);
 * - rate(x[w]) at t is (x(t) - x(t - w)) / w, with the counter interpolated linearly between its
 *   samples (the simulator's counters never reset, so no reset handling is needed); a series
 *   without samples on both sides of t and of t - w has no value;
 * - rate and sum drop the metric name; sum without `by` returns one series with no labels,
 *   `sum by (l)` one per distinct value of l; an empty input gives an empty result.
 */
import { Expr, matchesLabels, Matcher } from './promql';

export type Labels = Record<string, string>;

export interface Series {
  labels: Labels;
  /** Value of the last sample at or before `t` and after `t - lookbackMs`. */
  sampleAt(t: number, lookbackMs: number): number | undefined;
  /** Counter value at `t`, interpolated between the samples around it. */
  interpolatedAt(t: number): number | undefined;
}

export interface SeriesSource {
  /** Series whose labels (with __name__) satisfy the matchers. */
  select(matchers: Matcher[]): Series[];
}

export interface InstantSample {
  metric: Labels;
  value: number;
}

export interface RangeSeries {
  metric: Labels;
  /** [epoch ms, value] */
  points: [number, number][];
}

export const LOOKBACK_MS = 5 * 60_000;
/** Prometheus refuses range queries with more points than this per series. */
export const MAX_POINTS = 11_000;

/** Filters a list of series by matchers: a ready-made SeriesSource for in-memory series. */
export function seriesSource(all: Series[]): SeriesSource {
  return {
    select: matchers => all.filter(s => matchesLabels(matchers, s.labels)),
  };
}

interface Plan {
  /** Evaluates at one time; a result per output label set. */
  at(t: number): InstantSample[];
}

const withoutName = (l: Labels): Labels => {
  const { __name__: _drop, ...rest } = l;
  return rest;
};

function plan(expr: Expr, source: SeriesSource): Plan {
  switch (expr.type) {
    case 'selector': {
      const series = source.select(expr.matchers);
      return {
        at: t =>
          series.flatMap(s => {
            const v = s.sampleAt(t, LOOKBACK_MS);
            return v === undefined ? [] : [{ metric: s.labels, value: v }];
          }),
      };
    }
    case 'rate': {
      const series = source
        .select(expr.selector)
        .map(s => ({ s, metric: withoutName(s.labels) }));
      const w = expr.rangeMs;
      return {
        at: t =>
          series.flatMap(({ s, metric }) => {
            const b = s.interpolatedAt(t);
            const a = s.interpolatedAt(t - w);
            return a === undefined || b === undefined
              ? []
              : [{ metric, value: (b - a) / (w / 1000) }];
          }),
      };
    }
    default: {
      const inner = plan(expr.expr, source);
      const by = expr.by;
      return {
        at: t => {
          const groups = new Map<string, InstantSample>();
          for (const x of inner.at(t)) {
            const metric: Labels = {};
            for (const l of by ?? [])
              if (x.metric[l] !== undefined && x.metric[l] !== '')
                metric[l] = x.metric[l];
            const key = JSON.stringify(Object.entries(metric).sort());
            const g = groups.get(key);
            if (g) g.value += x.value;
            else groups.set(key, { metric, value: x.value });
          }
          return [...groups.values()];
        },
      };
    }
  }
}

export function evaluateInstant(
  expr: Expr,
  t: number,
  source: SeriesSource,
): InstantSample[] {
  return plan(expr, source).at(t);
}

export class TooManyPointsError extends Error {}

/** Number of evaluation steps of a range query (start and end inclusive). */
export function rangePoints(
  startMs: number,
  endMs: number,
  stepMs: number,
): number {
  return Math.floor((endMs - startMs) / stepMs) + 1;
}

export function evaluateRange(
  expr: Expr,
  startMs: number,
  endMs: number,
  stepMs: number,
  source: SeriesSource,
): RangeSeries[] {
  if (rangePoints(startMs, endMs, stepMs) > MAX_POINTS) {
    throw new TooManyPointsError(
      'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
    );
  }
  const p = plan(expr, source);
  const out = new Map<string, RangeSeries>();
  for (let t = startMs; t <= endMs; t += stepMs) {
    for (const x of p.at(t)) {
      const key = JSON.stringify(Object.entries(x.metric).sort());
      let s = out.get(key);
      if (!s) out.set(key, (s = { metric: x.metric, points: [] }));
      s.points.push([t, x.value]);
    }
  }
  return [...out.values()];
}
