/**
 * What the simulator's Prometheus API reads: per workload, samples of its replicas, demand and
 * cumulative counters, from three sources joined in time order:
 *   - the simulated past before the start (../load/history.ts, 5-minute samples),
 *   - bounded rings of live samples (one per 15 s for the last 24 h, one per 5 min for longer),
 *   - a head sample of the live state at query time.
 * Memory is bounded by the ring capacities, whatever the uptime.
 */
import type { PastSeries } from '../load/history';
import type { Series } from '../prometheus/evaluate';

export const FIELDS = [
  'spec',
  'ready',
  'demand',
  'cpu',
  'ok',
  'error',
  'shed',
] as const;
export type Field = (typeof FIELDS)[number];
export type SampleValues = Record<Field, number>;

export interface Segment {
  readonly size: number;
  time(i: number): number;
  value(i: number, f: Field): number;
}

class PastSegment implements Segment {
  private readonly cols: Record<Field, Float64Array>;
  constructor(private readonly p: PastSeries) {
    const zeros = new Float64Array(p.t.length);
    this.cols = {
      spec: p.specReplicas,
      ready: p.readyReplicas,
      demand: p.demand,
      cpu: p.cpuSeconds,
      ok: p.requestsOk,
      error: zeros, // the past has no injected faults
      shed: p.requestsShed,
    };
  }
  get size() {
    return this.p.t.length;
  }
  time(i: number) {
    return this.p.t[i];
  }
  value(i: number, f: Field) {
    return this.cols[f][i];
  }
}

/** A circular buffer of samples, oldest overwritten first; arrays grow up to `capacity`. */
export class SampleRing implements Segment {
  private readonly times: number[] = [];
  private readonly cols = Object.fromEntries(
    FIELDS.map(f => [f, [] as number[]]),
  ) as Record<Field, number[]>;
  /** Index of the oldest sample once the ring is full. */
  private head = 0;

  constructor(readonly capacity: number) {}

  get size() {
    return this.times.length;
  }

  private physical(i: number): number {
    return (this.head + i) % this.times.length;
  }

  time(i: number) {
    return this.times[this.physical(i)];
  }

  value(i: number, f: Field) {
    return this.cols[f][this.physical(i)];
  }

  lastTime(): number | undefined {
    return this.size === 0 ? undefined : this.time(this.size - 1);
  }

  push(t: number, v: SampleValues): void {
    if (this.times.length < this.capacity) {
      this.times.push(t);
      for (const f of FIELDS) this.cols[f].push(v[f]);
      return;
    }
    this.times[this.head] = t;
    for (const f of FIELDS) this.cols[f][this.head] = v[f];
    this.head = (this.head + 1) % this.capacity;
  }
}

class OneSample implements Segment {
  constructor(private readonly t: number, private readonly v: SampleValues) {}
  readonly size = 1;
  time() {
    return this.t;
  }
  value(_i: number, f: Field) {
    return this.v[f];
  }
}

/** Index of the last sample with time <= t in a time-ordered segment, or -1. */
function lastIndexAtOrBefore(s: Segment, t: number): number {
  let lo = 0;
  let hi = s.size - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (s.time(mid) <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

interface At {
  seg: Segment;
  i: number;
  t: number;
}

function lastAtOrBefore(segs: Segment[], t: number): At | undefined {
  let best: At | undefined;
  for (const seg of segs) {
    const i = lastIndexAtOrBefore(seg, t);
    if (i >= 0 && (!best || seg.time(i) > best.t))
      best = { seg, i, t: seg.time(i) };
  }
  return best;
}

function firstAtOrAfter(segs: Segment[], t: number): At | undefined {
  let best: At | undefined;
  for (const seg of segs) {
    let i = lastIndexAtOrBefore(seg, t);
    if (i < 0 || seg.time(i) < t) i++;
    if (i < seg.size && (!best || seg.time(i) < best.t))
      best = { seg, i, t: seg.time(i) };
  }
  return best;
}

/** A Series over one field of a workload's joined segments. */
export function fieldSeries(
  labels: Record<string, string>,
  segs: Segment[],
  f: Field,
): Series {
  return {
    labels,
    sampleAt: (t, lookbackMs) => {
      const a = lastAtOrBefore(segs, t);
      return a && a.t > t - lookbackMs ? a.seg.value(a.i, f) : undefined;
    },
    interpolatedAt: t => {
      const a = lastAtOrBefore(segs, t);
      const b = firstAtOrAfter(segs, t);
      if (!a || !b) return undefined;
      const va = a.seg.value(a.i, f);
      if (b.t === a.t) return va;
      return va + ((b.seg.value(b.i, f) - va) * (t - a.t)) / (b.t - a.t);
    },
  };
}

export interface WorkloadRef {
  /** "Deployment/ns/name" */
  key: string;
  kind: string;
  namespace: string;
  name: string;
}

export interface HistoryOptions {
  fineSeconds: number;
  fineRetentionSeconds: number;
  coarseSeconds: number;
  coarseRetentionSeconds: number;
}

export const DEFAULT_HISTORY_OPTIONS: HistoryOptions = {
  fineSeconds: 15,
  fineRetentionSeconds: 24 * 3600,
  coarseSeconds: 300,
  coarseRetentionSeconds: 14 * 86400,
};

interface Entry {
  ref: WorkloadRef;
  past?: Segment;
  fine: SampleRing;
  coarse: SampleRing;
}

export class MetricHistory {
  private readonly entries = new Map<string, Entry>();
  private readonly fineMs: number;
  private readonly coarseMs: number;

  constructor(
    private readonly options: HistoryOptions = DEFAULT_HISTORY_OPTIONS,
  ) {
    this.fineMs = options.fineSeconds * 1000;
    this.coarseMs = options.coarseSeconds * 1000;
  }

  private entry(ref: WorkloadRef): Entry {
    let e = this.entries.get(ref.key);
    if (!e) {
      const o = this.options;
      e = {
        ref,
        fine: new SampleRing(
          Math.max(1, Math.ceil(o.fineRetentionSeconds / o.fineSeconds)),
        ),
        coarse: new SampleRing(
          Math.max(1, Math.ceil(o.coarseRetentionSeconds / o.coarseSeconds)),
        ),
      };
      this.entries.set(ref.key, e);
    }
    return e;
  }

  setPast(ref: WorkloadRef, past: PastSeries): void {
    this.entry(ref).past = new PastSegment(past);
  }

  /**
   * Records the live state at `t` for every workload given; a ring takes the sample when `t`
   * entered a new period of its spacing. Workloads no longer given (deleted) are forgotten.
   */
  record(t: number, live: { ref: WorkloadRef; values: SampleValues }[]): void {
    const seen = new Set<string>();
    for (const { ref, values } of live) {
      seen.add(ref.key);
      const e = this.entry(ref);
      const lf = e.fine.lastTime();
      if (
        lf === undefined ||
        Math.floor(t / this.fineMs) > Math.floor(lf / this.fineMs)
      )
        e.fine.push(t, values);
      const lc = e.coarse.lastTime();
      if (
        lc === undefined ||
        Math.floor(t / this.coarseMs) > Math.floor(lc / this.coarseMs)
      )
        e.coarse.push(t, values);
    }
    for (const key of [...this.entries.keys()])
      if (!seen.has(key)) this.entries.delete(key);
  }

  /** Whether `t` starts a new fine period since the last record (cheap check for the caller). */
  due(t: number, lastRecordedMs: number | undefined): boolean {
    return (
      lastRecordedMs === undefined ||
      Math.floor(t / this.fineMs) > Math.floor(lastRecordedMs / this.fineMs)
    );
  }

  /** Number of stored samples (past + rings), for tests and memory accounting. */
  sampleCount(): number {
    let n = 0;
    for (const e of this.entries.values())
      n += (e.past?.size ?? 0) + e.fine.size + e.coarse.size;
    return n;
  }

  /**
   * The Prometheus series of every workload, with `head(key)` (the live state at query time)
   * as the newest sample.
   */
  series(
    nowMs: number,
    head: (key: string) => SampleValues | undefined,
  ): Series[] {
    const out: Series[] = [];
    for (const e of this.entries.values()) {
      const segs: Segment[] = [];
      if (e.past) segs.push(e.past);
      segs.push(e.coarse, e.fine);
      const h = head(e.ref.key);
      if (h) segs.push(new OneSample(nowMs, h));
      const { kind, namespace, name } = e.ref;
      const sts = kind === 'StatefulSet';
      // Same labels as /metrics: StatefulSet pods carry deployment= too, so one query shape works.
      const base: Record<string, string> = sts
        ? { namespace, deployment: name, statefulset: name }
        : { namespace, deployment: name };
      const s = (metric: string, labels: Record<string, string>, f: Field) =>
        out.push(fieldSeries({ __name__: metric, ...labels }, segs, f));
      s('cluster_sim_demand_requests_per_second', base, 'demand');
      s(
        'container_cpu_usage_seconds_total',
        { ...base, container: name },
        'cpu',
      );
      s('http_requests_total', { ...base, code: '200' }, 'ok');
      s('http_requests_total', { ...base, code: '500' }, 'error');
      s('http_requests_total', { ...base, code: '503' }, 'shed');
      if (sts) {
        s(
          'kube_statefulset_replicas',
          { namespace, statefulset: name },
          'spec',
        );
        s(
          'kube_statefulset_status_replicas_ready',
          { namespace, statefulset: name },
          'ready',
        );
      } else {
        s(
          'kube_deployment_spec_replicas',
          { namespace, deployment: name },
          'spec',
        );
        s(
          'kube_deployment_status_replicas_ready',
          { namespace, deployment: name },
          'ready',
        );
        s(
          'kube_deployment_status_replicas_available',
          { namespace, deployment: name },
          'ready',
        );
      }
    }
    return out;
  }
}
