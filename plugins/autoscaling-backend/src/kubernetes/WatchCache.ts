/**
 * A list-and-watch cache of one resource of one cluster (what client-go's reflector and
 * informer do): list (in pages) → remember the list's resourceVersion → watch from it with
 * bookmarks, applying ADDED/MODIFIED/DELETED to an in-memory index and moving the
 * resourceVersion with every event and bookmark. When the server ends the watch (its
 * timeoutSeconds) the cache watches again from where it was, without a list; when the server
 * says 410 Gone (the resourceVersion fell out of its event window) it lists again; any other
 * failure backs off exponentially (initialBackoffMs doubling to maxBackoffMs) and retries.
 *
 * Objects are stored transformed (`transform`: raw JSON → what the backend needs), indexed by
 * namespace and by `key=value` label, so an equality selector finds its objects without a scan.
 */
import type { ApiTransport, WatchEvent, WatchHandle } from './apiTransport';
import {
  LabelRequirement,
  matchesRequirements,
  parseLabelSelectorCached,
} from './labelSelector';

export interface RawObject {
  metadata?: {
    name?: string;
    namespace?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
  };
}

interface Entry<T> {
  key: string;
  namespace: string;
  name: string;
  labels: Record<string, string>;
  resourceVersion?: string;
  value: T;
}

export type WatchCacheState =
  | 'idle'
  | 'listing'
  | 'connecting'
  | 'watching'
  | 'backoff'
  | 'stopped';

export interface WatchCacheOptions<T> {
  /** What it caches, in words, for errors ("Deployments"). */
  what: string;
  /** The cluster-wide list path, e.g. `/apis/apps/v1/deployments`. */
  path: string;
  transport: ApiTransport;
  transform: (raw: RawObject) => T;
  /** Page size of the list (default 5,000: each page is a request, and fewer cost the API server less). */
  pageSize?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** The watch's timeoutSeconds: each watch asks for one between this and twice it (default 300). */
  watchTimeoutSeconds?: number;
  /**
   * A cache that keeps failing while nobody has read it for this long pauses (no more retries)
   * until the next read (default 10 minutes): a client nobody uses any more does not retry for
   * ever.
   */
  idlePauseMs?: number;
  /** Turns a failure into the error callers see (cluster name, operation). */
  wrapError?: (error: unknown) => Error;
  onError?: (error: unknown) => void;
  /** Called with each backoff delay (ms) before it is waited. */
  onBackoff?: (ms: number) => void;
  random?: () => number;
}

/** The watch answered 410 Gone: list again. */
class GoneError extends Error {
  readonly code = 410;
  constructor(message: string) {
    super(message);
    this.name = 'GoneError';
  }
}

const keyOf = (namespace: string, name: string) => `${namespace}/${name}`;

export class WatchCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly byNamespace = new Map<string, Set<string>>();
  private readonly byLabel = new Map<string, Set<string>>();
  private resourceVersion: string | undefined;
  private stateValue: WatchCacheState = 'idle';
  private failures = 0;
  private lastError: unknown;
  private watchHandle: WatchHandle | undefined;
  private wakeUp: (() => void) | undefined;
  private waiters: Array<() => void> = [];
  private loop: Promise<void> | undefined;
  private lastReadMs = Date.now();
  /** Counters, for tests and the README's numbers. */
  readonly stats = {
    lists: 0,
    watches: 0,
    relistsAfterGone: 0,
    errors: 0,
    /** Watch events applied (bookmarks included). */
    events: 0,
  };

  constructor(private readonly options: WatchCacheOptions<T>) {}

  get state(): WatchCacheState {
    return this.stateValue;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The resourceVersion the cache is at (of the last list, event or bookmark). */
  get currentResourceVersion(): string | undefined {
    return this.resourceVersion;
  }

  private setState(state: WatchCacheState) {
    if (this.stateValue === 'stopped') return;
    this.stateValue = state;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private changed(): Promise<void> {
    return new Promise(resolve => this.waiters.push(resolve));
  }

  /** Starts listing and watching in the background (idempotent). */
  start(): void {
    if (this.loop || this.stateValue === 'stopped') return;
    this.loop = this.run();
  }

  /** Stops watching; the cache keeps what it has but is no longer ready. */
  async stop(): Promise<void> {
    this.setState('stopped');
    this.watchHandle?.abort();
    this.wakeUp?.();
    await this.loop;
  }

  /**
   * Resolves once the cache is listed and watching. A cache waiting to retry after a failure
   * tries at once (one attempt per call); when that fails too, it rejects with the error.
   */
  async ready(): Promise<void> {
    this.lastReadMs = Date.now();
    this.start();
    let attempted = false;
    for (;;) {
      const state = this.stateValue;
      if (state === 'watching') return;
      if (state === 'stopped')
        throw new Error(`the ${this.options.what} cache is stopped`);
      if (state === 'backoff' || state === 'idle') {
        if (attempted) throw this.wrap(this.lastError);
        attempted = true;
        if (state === 'idle') {
          // Paused (idle after failures): start again, which lists or watches at once.
          this.start();
          continue;
        }
        this.wakeUp?.();
      } else {
        attempted = true;
      }
      await this.changed();
    }
  }

  private wrap(error: unknown): Error {
    if (this.options.wrapError) return this.options.wrapError(error);
    return error instanceof Error ? error : new Error(String(error));
  }

  private isStopped(): boolean {
    return this.stateValue === 'stopped';
  }

  private async run(): Promise<void> {
    while (!this.isStopped()) {
      try {
        if (this.resourceVersion === undefined) await this.relist();
        if (this.isStopped()) break;
        await this.watchOnce();
      } catch (error) {
        if (this.isStopped()) break;
        if (
          error instanceof GoneError ||
          (error as { code?: unknown } | undefined)?.code === 410
        ) {
          // The event window moved past us: list again, at once.
          this.resourceVersion = undefined;
          this.stats.relistsAfterGone += 1;
          continue;
        }
        this.failures += 1;
        this.stats.errors += 1;
        this.lastError = error;
        this.options.onError?.(error);
        if (
          Date.now() - this.lastReadMs >
          (this.options.idlePauseMs ?? 600_000)
        ) {
          // Nobody reads it: pause until the next read starts it again.
          this.loop = undefined;
          this.setState('idle');
          return;
        }
        this.setState('backoff');
        const delay = this.backoffMs();
        this.options.onBackoff?.(delay);
        await this.sleep(delay);
      }
    }
  }

  private backoffMs(): number {
    const initial = this.options.initialBackoffMs ?? 1000;
    const max = this.options.maxBackoffMs ?? 60_000;
    const base = Math.min(max, initial * 2 ** Math.min(this.failures - 1, 30));
    // Up to 10% jitter, so clusters and resources do not retry in step.
    return base * (1 + 0.1 * (this.options.random ?? Math.random)());
  }

  private sleep(ms: number): Promise<void> {
    return new Promise(resolve => {
      const timer = setTimeout(done, ms);
      timer.unref?.();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = undefined;
        done();
      };
    });
  }

  private async relist(): Promise<void> {
    this.setState('listing');
    this.stats.lists += 1;
    const seen = new Set<string>();
    let cont: string | undefined;
    let resourceVersion: string | undefined;
    const fresh: Array<{ raw: RawObject }> = [];
    do {
      const page = await this.options.transport.list(this.options.path, {
        limit: String(this.options.pageSize ?? 5000),
        ...(cont ? { continue: cont } : {}),
      });
      for (const raw of (page.items ?? []) as RawObject[]) fresh.push({ raw });
      resourceVersion ??= page.metadata?.resourceVersion;
      cont = page.metadata?.continue || undefined;
    } while (cont);
    // Replace the contents: what the list has is upserted, what it lacks is gone.
    for (const { raw } of fresh) seen.add(this.upsert(raw));
    for (const key of [...this.entries.keys()])
      if (!seen.has(key)) this.remove(key);
    this.resourceVersion = resourceVersion ?? '';
    this.failures = 0;
  }

  private watchOnce(): Promise<void> {
    this.setState('connecting');
    this.stats.watches += 1;
    const minimum = this.options.watchTimeoutSeconds ?? 300;
    const timeoutSeconds = Math.round(
      minimum * (1 + (this.options.random ?? Math.random)()),
    );
    const startedAt = Date.now();
    let events = 0;
    const handle = this.options.transport.watch(
      this.options.path,
      {
        resourceVersion: this.resourceVersion ?? '',
        allowWatchBookmarks: 'true',
        timeoutSeconds: String(timeoutSeconds),
      },
      event => {
        events += 1;
        this.apply(event);
      },
      () => {
        this.failures = 0;
        // What the server sends with its answer (a 410 for a version too old, the events
        // since the version) is applied before the cache calls itself ready.
        const settled = () =>
          new Promise(resolve => {
            setImmediate(resolve);
          });
        settled()
          .then(settled)
          .then(() => {
            if (this.watchHandle === handle && this.stateValue === 'connecting')
              this.setState('watching');
          });
      },
    );
    this.watchHandle = handle;
    return handle.done
      .finally(() => {
        if (this.watchHandle === handle) this.watchHandle = undefined;
      })
      .then(() => {
        // As client-go: a watch the server closed at once, with nothing in it, is a failure
        // (backed off), not a reason to reconnect in a tight loop.
        if (events === 0 && Date.now() - startedAt < 1000)
          throw new Error('the watch was closed at once, with no event');
      });
  }

  private apply(event: WatchEvent): void {
    this.stats.events += 1;
    const object = event.object as RawObject & WatchEvent['object'];
    switch (event.type) {
      case 'ADDED':
      case 'MODIFIED':
        this.upsert(object);
        break;
      case 'DELETED':
        this.remove(
          keyOf(object.metadata?.namespace ?? '', object.metadata?.name ?? ''),
        );
        break;
      case 'BOOKMARK':
        break;
      case 'ERROR':
        if (object.code === 410)
          throw new GoneError(object.message ?? '410 Gone');
        throw Object.assign(
          new Error(object.message ?? 'watch error'),
          typeof object.code === 'number' ? { code: object.code } : {},
        );
      default:
        return;
    }
    const rv = object.metadata?.resourceVersion;
    if (rv) this.resourceVersion = rv;
  }

  private upsert(raw: RawObject): string {
    const namespace = raw.metadata?.namespace ?? '';
    const name = raw.metadata?.name ?? '';
    const key = keyOf(namespace, name);
    const labels = raw.metadata?.labels ?? {};
    const old = this.entries.get(key);
    if (old) {
      if (
        old.resourceVersion !== undefined &&
        old.resourceVersion === raw.metadata?.resourceVersion
      )
        return key;
      this.unindexLabels(old);
    } else {
      let names = this.byNamespace.get(namespace);
      if (!names) {
        names = new Set();
        this.byNamespace.set(namespace, names);
      }
      names.add(key);
    }
    const entry: Entry<T> = {
      key,
      namespace,
      name,
      labels,
      resourceVersion: raw.metadata?.resourceVersion,
      value: this.options.transform(raw),
    };
    this.entries.set(key, entry);
    for (const [k, v] of Object.entries(labels)) {
      let keys = this.byLabel.get(`${k}=${v}`);
      if (!keys) {
        keys = new Set();
        this.byLabel.set(`${k}=${v}`, keys);
      }
      keys.add(key);
    }
    return key;
  }

  private unindexLabels(entry: Entry<T>) {
    for (const [k, v] of Object.entries(entry.labels)) {
      const keys = this.byLabel.get(`${k}=${v}`);
      keys?.delete(entry.key);
      if (keys?.size === 0) this.byLabel.delete(`${k}=${v}`);
    }
  }

  private remove(key: string) {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.unindexLabels(entry);
    const names = this.byNamespace.get(entry.namespace);
    names?.delete(key);
    if (names?.size === 0) this.byNamespace.delete(entry.namespace);
  }

  get(namespace: string, name: string): T | undefined {
    return this.entries.get(keyOf(namespace, name))?.value;
  }

  /**
   * Replaces a cached object's value after our own write, but only when the cache still holds
   * the version the write was conditional on (a newer event already says more).
   */
  replaceIfAt(
    namespace: string,
    name: string,
    resourceVersion: string,
    update: (value: T) => { value: T; resourceVersion: string },
  ): boolean {
    const entry = this.entries.get(keyOf(namespace, name));
    if (!entry || entry.resourceVersion !== resourceVersion) return false;
    const next = update(entry.value);
    entry.value = next.value;
    entry.resourceVersion = next.resourceVersion;
    return true;
  }

  /** Cached objects of a namespace (or all) whose labels match the selector. */
  select(namespace: string | undefined, selector: string): T[] {
    const requirements = parseLabelSelectorCached(selector);
    const equality = requirements.find(r => r.operator === 'Equals');
    let candidates: Iterable<string>;
    if (equality) {
      candidates =
        this.byLabel.get(`${equality.key}=${equality.values[0]}`) ?? [];
    } else if (namespace !== undefined) {
      candidates = this.byNamespace.get(namespace) ?? [];
    } else {
      candidates = this.entries.keys();
    }
    return this.collect(candidates, namespace, requirements);
  }

  private collect(
    candidates: Iterable<string>,
    namespace: string | undefined,
    requirements: readonly LabelRequirement[],
  ): T[] {
    const found: Entry<T>[] = [];
    for (const key of candidates) {
      const entry = this.entries.get(key);
      if (!entry) continue;
      if (namespace !== undefined && entry.namespace !== namespace) continue;
      if (!matchesRequirements(requirements, entry.labels)) continue;
      found.push(entry);
    }
    // The API server's order: by namespace, then name.
    found.sort((a, b) => (a.key < b.key ? -1 : Number(a.key > b.key)));
    return found.map(e => e.value);
  }
}
