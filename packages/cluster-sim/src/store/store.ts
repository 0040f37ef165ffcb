/**
 * The object store: every API object by resource, namespace and name, with a cluster-wide
 * resourceVersion counter, generation on spec changes, optimistic concurrency, a bounded event
 * history for watches that resume from a resourceVersion, and cached JSON per object so large
 * lists serialise cheaply. Stored objects are never mutated in place: writers pass new objects.
 */
import { byKey, qualifiedResource } from '../api/resources';
import { alreadyExists, ApiError, conflict, notFound } from '../api/status';
import type { KObject } from '../api/types';
import { createRng, Rng } from '../util/rng';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: EventType;
  /** resourceVersion of the change. */
  rv: number;
  /** Resource key ("pods", "apps/deployments"). */
  key: string;
  obj: KObject;
  /** Labels before a MODIFIED change (for selector-filtered watches). */
  prevLabels?: Record<string, string>;
}

interface Entry {
  obj: KObject;
  json?: string;
}

interface Bucket {
  byNs: Map<string, Map<string, Entry>>;
  sortedNs?: string[];
  sortedNames: Map<string, string[]>;
  count: number;
}

export interface StoreOptions {
  now: () => number;
  seed?: number;
  /** Events kept for watches that resume from an older resourceVersion. */
  historySize?: number;
}

export class ObjectStore {
  private rv = 1;
  private readonly buckets = new Map<string, Bucket>();
  private history: StoreEvent[] = [];
  private readonly historySize: number;
  private readonly listeners = new Set<(e: StoreEvent) => void>();
  private readonly rng: Rng;
  private readonly now: () => number;

  constructor(opts: StoreOptions) {
    this.now = opts.now;
    this.rng = createRng(opts.seed ?? 1);
    this.historySize = opts.historySize ?? 50_000;
  }

  /** The current resourceVersion, as a string (what lists report). */
  resourceVersion(): string {
    return String(this.rv);
  }

  /** A deterministic UUID (v4 format) from the store's seed. */
  uid(): string {
    const hex = (n: number) =>
      Math.floor(this.rng() * 16 ** n)
        .toString(16)
        .padStart(n, '0');
    return `${hex(8)}-${hex(4)}-4${hex(3)}-${(
      8 + Math.floor(this.rng() * 4)
    ).toString(16)}${hex(3)}-${hex(6)}${hex(6)}`;
  }

  subscribe(listener: (e: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private bucket(key: string): Bucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = { byNs: new Map(), sortedNames: new Map(), count: 0 };
      this.buckets.set(key, b);
    }
    return b;
  }

  get(
    key: string,
    namespace: string | undefined,
    name: string,
  ): KObject | undefined {
    return this.buckets
      .get(key)
      ?.byNs.get(namespace ?? '')
      ?.get(name)?.obj;
  }

  count(key: string, namespace?: string): number {
    const b = this.buckets.get(key);
    if (!b) return 0;
    if (namespace === undefined) return b.count;
    return b.byNs.get(namespace)?.size ?? 0;
  }

  /** Objects sorted by namespace then name (as etcd keys sort). */
  list(key: string, namespace?: string): KObject[] {
    return this.entries(key, namespace).map(e => e.obj);
  }

  /** Objects with their cached JSON, for serialising lists. */
  listJson(
    key: string,
    namespace: string | undefined,
    filter?: (o: KObject) => boolean,
  ): string[] {
    const out: string[] = [];
    for (const e of this.entries(key, namespace)) {
      if (filter && !filter(e.obj)) continue;
      out.push((e.json ??= JSON.stringify(e.obj)));
    }
    return out;
  }

  /** Cached JSON of a stored object (or of any object). */
  json(key: string, obj: KObject): string {
    const e = this.buckets
      .get(key)
      ?.byNs.get(obj.metadata.namespace ?? '')
      ?.get(obj.metadata.name ?? '');
    if (e && e.obj === obj) return (e.json ??= JSON.stringify(obj));
    return JSON.stringify(obj);
  }

  private entries(key: string, namespace?: string): Entry[] {
    const b = this.buckets.get(key);
    if (!b) return [];
    const sortedNames = (ns: string, m: Map<string, Entry>): string[] => {
      let s = b.sortedNames.get(ns);
      if (!s) {
        s = [...m.keys()].sort();
        b.sortedNames.set(ns, s);
      }
      return s;
    };
    const out: Entry[] = [];
    const namespaces =
      namespace !== undefined
        ? [namespace]
        : (b.sortedNs ??= [...b.byNs.keys()].sort());
    for (const ns of namespaces) {
      const m = b.byNs.get(ns);
      if (!m) continue;
      for (const name of sortedNames(ns, m)) out.push(m.get(name)!);
    }
    return out;
  }

  private emit(e: StoreEvent): void {
    this.history.push(e);
    if (this.history.length > this.historySize * 1.25) {
      this.history = this.history.slice(this.history.length - this.historySize);
    }
    for (const l of this.listeners) l(e);
  }

  /** Events after `rv`, or undefined when the history no longer reaches back that far. */
  eventsSince(rv: number): StoreEvent[] | undefined {
    if (rv >= this.rv) return [];
    const first = this.history[0];
    if (!first || first.rv > rv + 1) {
      // Nothing was written since `rv` only if rv is current; otherwise the history is too short.
      return undefined;
    }
    let lo = 0;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.history[mid].rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    return this.history.slice(lo);
  }

  private errName(key: string) {
    const def = byKey(key);
    return { q: qualifiedResource(def), group: def.group, kind: def.resource };
  }

  create(key: string, input: KObject): KObject {
    const name = input.metadata.name;
    if (!name)
      throw new ApiError(500, 'InternalError', 'store: create without a name');
    const ns = input.metadata.namespace ?? '';
    const b = this.bucket(key);
    let m = b.byNs.get(ns);
    if (m?.has(name)) {
      const e = this.errName(key);
      throw alreadyExists(e.q, name, e.group, e.kind);
    }
    const rv = ++this.rv;
    const obj: KObject = {
      ...input,
      metadata: {
        ...input.metadata,
        uid: this.uid(),
        resourceVersion: String(rv),
        creationTimestamp: new Date(this.now())
          .toISOString()
          .replace(/\.\d{3}Z$/, 'Z'),
        ...(input.spec !== undefined ? { generation: 1 } : {}),
      },
    };
    delete obj.metadata.deletionTimestamp;
    if (!m) {
      m = new Map();
      b.byNs.set(ns, m);
      b.sortedNs = undefined;
    }
    m.set(name, { obj });
    b.sortedNames.delete(ns);
    b.count++;
    this.emit({ type: 'ADDED', rv, key, obj });
    return obj;
  }

  /**
   * Replaces an object. A non-empty `metadata.resourceVersion` in `input` is a precondition
   * (409 Conflict when stale). Identity fields (uid, creationTimestamp) are kept; generation
   * advances when anything outside metadata and status changes. A no-op write changes nothing.
   */
  update(key: string, input: KObject): KObject {
    const ns = input.metadata.namespace ?? '';
    const name = input.metadata.name ?? '';
    const b = this.buckets.get(key);
    const entry = b?.byNs.get(ns)?.get(name);
    const e = this.errName(key);
    if (!entry || !b) throw notFound(e.q, name, e.group, e.kind);
    const cur = entry.obj;
    const precondition = input.metadata.resourceVersion;
    if (precondition && precondition !== cur.metadata.resourceVersion)
      throw conflict(e.q, name, e.group, e.kind);
    const specOf = (o: KObject) => {
      const { metadata: _m, status: _s, ...rest } = o;
      return JSON.stringify(rest);
    };
    const specChanged = specOf(cur) !== specOf(input);
    const next: KObject = {
      ...input,
      metadata: {
        ...input.metadata,
        uid: cur.metadata.uid,
        creationTimestamp: cur.metadata.creationTimestamp,
        resourceVersion: cur.metadata.resourceVersion,
        ...(cur.metadata.generation !== undefined
          ? {
              generation:
                (cur.metadata.generation ?? 0) + (specChanged ? 1 : 0),
            }
          : {}),
      },
    };
    entry.json ??= JSON.stringify(cur);
    if (JSON.stringify(next) === entry.json) return cur;
    const rv = ++this.rv;
    next.metadata.resourceVersion = String(rv);
    b.byNs.get(ns)!.set(name, { obj: next });
    this.emit({
      type: 'MODIFIED',
      rv,
      key,
      obj: next,
      prevLabels: cur.metadata.labels,
    });
    return next;
  }

  delete(key: string, namespace: string | undefined, name: string): KObject {
    const ns = namespace ?? '';
    const b = this.buckets.get(key);
    const m = b?.byNs.get(ns);
    const entry = m?.get(name);
    if (!entry || !b || !m) {
      const e = this.errName(key);
      throw notFound(e.q, name, e.group, e.kind);
    }
    m.delete(name);
    if (m.size === 0) {
      b.byNs.delete(ns);
      b.sortedNs = undefined;
    }
    b.sortedNames.delete(ns);
    b.count--;
    const rv = ++this.rv;
    const obj: KObject = {
      ...entry.obj,
      metadata: { ...entry.obj.metadata, resourceVersion: String(rv) },
    };
    this.emit({ type: 'DELETED', rv, key, obj });
    return obj;
  }
}
