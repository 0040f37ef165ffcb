/**
 * Fault injection. The state is plain data (from the config or the admin endpoint); decisions
 * draw from one seeded generator, so a given sequence of requests sees the same faults every run.
 */
import { createRng, Rng } from '../util/rng';
import { NO_WORKLOAD_FAULTS, WorkloadFaults } from '../load/podModel';

export interface ApiFaults {
  /** Added to every Kubernetes API response, milliseconds. */
  latencyMs: number;
  /** Fraction of API requests answered 500 InternalError. */
  errorRate: number;
  /** Fraction of writes (create/update/patch/delete) answered 409 Conflict. */
  conflictRate: number;
  /** Every API request answered 503 ServiceUnavailable. */
  outage: boolean;
}

export interface WorkloadFaultSpec {
  namespace: string;
  name: string;
  /** Added to the workload's request latency, milliseconds. */
  latencyMs: number;
  /** Fraction of the workload's requests answered 500. */
  errorRate: number;
}

export interface FaultSpec {
  seed: number;
  api: ApiFaults;
  /** metrics.k8s.io and /metrics answer 503. */
  metricsOutage: boolean;
  workloads: WorkloadFaultSpec[];
}

export function emptyFaults(seed = 1): FaultSpec {
  return {
    seed,
    api: { latencyMs: 0, errorRate: 0, conflictRate: 0, outage: false },
    metricsOutage: false,
    workloads: [],
  };
}

const rate = (v: unknown, field: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 1)
    throw new Error(`${field} must be a number in [0, 1]`);
  return n;
};
const nonNegative = (v: unknown, field: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0)
    throw new Error(`${field} must be a non-negative number`);
  return n;
};
const bool = (v: unknown, field: string): boolean => {
  if (typeof v !== 'boolean') throw new Error(`${field} must be true or false`);
  return v;
};

/**
 * Applies a (partial) fault description onto `base` and returns the new spec.
 * Throws an Error naming the field on bad input.
 */
export function mergeFaults(
  base: FaultSpec,
  input: unknown,
  path = 'faults',
): FaultSpec {
  if (input === null || input === undefined) return base;
  if (typeof input !== 'object' || Array.isArray(input))
    throw new Error(`${path} must be an object`);
  const src = input as Record<string, unknown>;
  const out: FaultSpec = {
    seed: base.seed,
    api: { ...base.api },
    metricsOutage: base.metricsOutage,
    workloads: base.workloads.map(w => ({ ...w })),
  };
  for (const key of Object.keys(src)) {
    if (!['seed', 'api', 'metricsOutage', 'workloads'].includes(key)) {
      throw new Error(
        `${path}.${key} is not a known fault (seed, api, metricsOutage, workloads)`,
      );
    }
  }
  if (src.seed !== undefined) {
    if (!Number.isInteger(src.seed))
      throw new Error(`${path}.seed must be an integer`);
    out.seed = src.seed as number;
  }
  if (src.metricsOutage !== undefined)
    out.metricsOutage = bool(src.metricsOutage, `${path}.metricsOutage`);
  if (src.api !== undefined) {
    if (typeof src.api !== 'object' || src.api === null)
      throw new Error(`${path}.api must be an object`);
    const a = src.api as Record<string, unknown>;
    for (const key of Object.keys(a)) {
      if (!['latencyMs', 'errorRate', 'conflictRate', 'outage'].includes(key)) {
        throw new Error(
          `${path}.api.${key} is not a known fault (latencyMs, errorRate, conflictRate, outage)`,
        );
      }
    }
    if (a.latencyMs !== undefined)
      out.api.latencyMs = nonNegative(a.latencyMs, `${path}.api.latencyMs`);
    if (a.errorRate !== undefined)
      out.api.errorRate = rate(a.errorRate, `${path}.api.errorRate`);
    if (a.conflictRate !== undefined)
      out.api.conflictRate = rate(a.conflictRate, `${path}.api.conflictRate`);
    if (a.outage !== undefined)
      out.api.outage = bool(a.outage, `${path}.api.outage`);
  }
  if (src.workloads !== undefined) {
    if (!Array.isArray(src.workloads))
      throw new Error(`${path}.workloads must be a list`);
    out.workloads = src.workloads.map((w, i) => {
      const p = `${path}.workloads[${i}]`;
      if (typeof w !== 'object' || w === null)
        throw new Error(`${p} must be an object`);
      const o = w as Record<string, unknown>;
      if (typeof o.namespace !== 'string' || !o.namespace)
        throw new Error(`${p}.namespace is required`);
      if (typeof o.name !== 'string' || !o.name)
        throw new Error(`${p}.name is required`);
      return {
        namespace: o.namespace,
        name: o.name,
        latencyMs:
          o.latencyMs === undefined
            ? 0
            : nonNegative(o.latencyMs, `${p}.latencyMs`),
        errorRate:
          o.errorRate === undefined ? 0 : rate(o.errorRate, `${p}.errorRate`),
      };
    });
  }
  return out;
}

export type ApiFaultDecision =
  | { kind: 'none' }
  | { kind: 'outage' }
  | { kind: 'error' }
  | { kind: 'conflict' };

/** Holds the current faults and the seeded generator that decides them. */
export class FaultInjector {
  private spec: FaultSpec;
  private rng: Rng;

  constructor(spec: FaultSpec = emptyFaults()) {
    this.spec = spec;
    this.rng = createRng(spec.seed);
  }

  get current(): FaultSpec {
    return this.spec;
  }

  /** Replaces the faults; the generator restarts from the spec's seed. */
  set(spec: FaultSpec): void {
    this.spec = spec;
    this.rng = createRng(spec.seed);
    for (const listener of this.listeners) listener(spec);
  }

  private readonly listeners = new Set<(spec: FaultSpec) => void>();

  /** Calls `listener` whenever the faults change; returns the unsubscribe function. */
  onChange(listener: (spec: FaultSpec) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  apiLatencyMs(): number {
    return this.spec.api.latencyMs;
  }

  /** Decides the fault (if any) for one API request. Draws only when a rate is non-zero. */
  decideApi(isWrite: boolean): ApiFaultDecision {
    const a = this.spec.api;
    if (a.outage) return { kind: 'outage' };
    if (a.errorRate > 0 && this.rng() < a.errorRate) return { kind: 'error' };
    if (isWrite && a.conflictRate > 0 && this.rng() < a.conflictRate)
      return { kind: 'conflict' };
    return { kind: 'none' };
  }

  metricsDown(): boolean {
    return this.spec.metricsOutage;
  }

  forWorkload(namespace: string, name: string): WorkloadFaults {
    const w = this.spec.workloads.find(
      x => x.namespace === namespace && x.name === name,
    );
    if (!w) return NO_WORKLOAD_FAULTS;
    return { addedLatencySeconds: w.latencyMs / 1000, errorRate: w.errorRate };
  }
}
