/**
 * The list-and-watch cache on a scripted transport (the edge of the unit): it lists, watches
 * from the list's resourceVersion with bookmarks, applies events, watches again from where it
 * was when the stream ends, lists again on 410 Gone, and backs off exponentially on failures.
 * The same cache against the simulator is in e2e/watchCaches.test.ts.
 */
import type {
  ApiTransport,
  ListPage,
  WatchEvent,
  WatchHandle,
} from './apiTransport';
import { HttpStatusError } from './apiTransport';
import { WatchCache } from './WatchCache';

type Obj = {
  metadata: {
    name: string;
    namespace: string;
    resourceVersion: string;
    labels?: Record<string, string>;
  };
  spec?: { replicas?: number };
};

const obj = (
  name: string,
  rv: number,
  labels: Record<string, string> = { app: name },
  replicas = 1,
): Obj => ({
  metadata: {
    name,
    namespace: 'ns',
    resourceVersion: String(rv),
    labels,
  },
  spec: { replicas },
});

/** A transport whose answers the test scripts, recording every call. */
class ScriptedTransport implements ApiTransport {
  calls: Array<{ verb: 'list' | 'watch'; query: Record<string, string> }> = [];
  lists: Array<() => ListPage> = [];
  watches: Array<
    (stream: {
      emit: (e: WatchEvent) => void;
      end: () => void;
      fail: (e: unknown) => void;
    }) => void
  > = [];
  private pending: Array<() => void> = [];

  async list(_path: string, query: Record<string, string>) {
    this.calls.push({ verb: 'list', query });
    const next = this.lists.shift();
    if (!next) throw new Error('unexpected list');
    return next();
  }

  watch(
    _path: string,
    query: Record<string, string>,
    onEvent: (e: WatchEvent) => void,
    onConnected: () => void,
  ): WatchHandle {
    this.calls.push({ verb: 'watch', query });
    const script = this.watches.shift();
    let finish!: () => void;
    let failWith!: (e: unknown) => void;
    const done = new Promise<void>((resolve, reject) => {
      finish = resolve;
      failWith = reject;
    });
    if (!script) {
      // Held open until the test ends it (stop aborts it).
      onConnected();
      this.pending.push(finish);
    } else {
      Promise.resolve().then(() =>
        script({
          emit: e => {
            try {
              onEvent(e);
            } catch (error) {
              failWith(error);
            }
          },
          end: finish,
          fail: e => failWith(e),
        }),
      );
      onConnected();
    }
    return { done, abort: () => finish() };
  }
}

const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise(r => setImmediate(r));
};

function cacheOn(transport: ApiTransport, backoffs?: number[]) {
  return new WatchCache<{ name: string; replicas?: number }>({
    what: 'Things',
    path: '/apis/x/v1/things',
    transport,
    transform: raw => ({
      name: raw.metadata?.name ?? '',
      replicas: (raw as Obj).spec?.replicas,
    }),
    initialBackoffMs: 1,
    maxBackoffMs: 8,
    random: () => 0,
    onBackoff: ms => backoffs?.push(ms),
  });
}

describe('WatchCache', () => {
  it('lists, watches from the list resourceVersion, and follows ADDED, MODIFIED and DELETED', async () => {
    const t = new ScriptedTransport();
    t.lists.push(() => ({
      items: [obj('a', 5), obj('b', 6, { app: 'b', tier: 'web' })],
      metadata: { resourceVersion: '10' },
    }));
    let stream!: Parameters<ScriptedTransport['watches'][number]>[0];
    t.watches.push(s => {
      stream = s;
    });
    const cache = cacheOn(t);
    await cache.ready();
    expect(cache.select('ns', 'app=a')).toEqual([{ name: 'a', replicas: 1 }]);
    expect(cache.select(undefined, 'tier=web').map(o => o.name)).toEqual(['b']);
    expect(t.calls[1]).toEqual({
      verb: 'watch',
      query: expect.objectContaining({
        resourceVersion: '10',
        allowWatchBookmarks: 'true',
      }),
    });

    stream.emit({ type: 'MODIFIED', object: obj('a', 11, { app: 'a' }, 3) });
    stream.emit({ type: 'ADDED', object: obj('c', 12, { app: 'c' }) });
    stream.emit({ type: 'DELETED', object: obj('b', 13) });
    stream.emit({
      type: 'BOOKMARK',
      object: { metadata: { resourceVersion: '20' } },
    });
    expect(cache.select('ns', 'app=a')).toEqual([{ name: 'a', replicas: 3 }]);
    expect(cache.select('ns', 'app in (a,b,c)').map(o => o.name)).toEqual([
      'a',
      'c',
    ]);
    expect(cache.select('ns', 'tier=web')).toEqual([]);
    // A label change moves the object in the index.
    stream.emit({ type: 'MODIFIED', object: obj('c', 21, { app: 'd' }) });
    expect(cache.select('ns', 'app=c')).toEqual([]);
    expect(cache.select('ns', 'app=d').map(o => o.name)).toEqual(['c']);
    expect(cache.currentResourceVersion).toBe('21');

    // The server ends the watch (its timeoutSeconds): the cache watches again from 21, no list.
    t.watches.push(() => undefined);
    stream.end();
    await settle();
    expect(t.calls.map(c => c.verb)).toEqual(['list', 'watch', 'watch']);
    expect(t.calls[2].query.resourceVersion).toBe('21');
    await cache.stop();
  });

  it('lists again after 410 Gone and drops what the new list no longer has', async () => {
    const t = new ScriptedTransport();
    t.lists.push(() => ({
      items: [obj('a', 5), obj('b', 6)],
      metadata: { resourceVersion: '10' },
    }));
    t.watches.push(s => {
      s.emit({
        type: 'ERROR',
        object: { code: 410, reason: 'Expired', message: 'too old' },
      });
    });
    t.lists.push(() => ({
      items: [obj('a', 40, { app: 'a' }, 7)],
      metadata: { resourceVersion: '50' },
    }));
    const cache = cacheOn(t);
    cache.start();
    await settle();
    await cache.ready();
    expect(t.calls.map(c => c.verb)).toEqual([
      'list',
      'watch',
      'list',
      'watch',
    ]);
    expect(t.calls[3].query.resourceVersion).toBe('50');
    expect(cache.select('ns', 'app in (a,b)')).toEqual([
      { name: 'a', replicas: 7 },
    ]);
    expect(cache.stats.relistsAfterGone).toBe(1);
    expect(cache.stats.errors).toBe(0);
    await cache.stop();
  });

  it('backs off exponentially on failures, up to the maximum, and resets once it watches', async () => {
    const t = new ScriptedTransport();
    const failing = () => {
      throw new HttpStatusError(500, '500: boom');
    };
    for (let i = 0; i < 6; i++) t.lists.push(failing);
    t.lists.push(() => ({
      items: [obj('a', 1)],
      metadata: { resourceVersion: '2' },
    }));
    const backoffs: number[] = [];
    const cache = cacheOn(t, backoffs);
    cache.start();
    // Six failed lists, then it lists and watches.
    while (cache.state !== 'watching') await settle();
    expect(backoffs).toEqual([1, 2, 4, 8, 8, 8]);
    expect(cache.stats.errors).toBe(6);
    expect(cache.select('ns', 'app=a')).toHaveLength(1);

    // A broken watch later starts from the initial backoff again, and watches from where it was.
    const broken = Object.assign(new Error('reset'), { code: 'ECONNRESET' });
    await cache.stop();
    const t2 = new ScriptedTransport();
    t2.lists.push(() => ({ items: [], metadata: { resourceVersion: '3' } }));
    t2.watches.push(s => s.fail(broken));
    const backoffs2: number[] = [];
    const again = cacheOn(t2, backoffs2);
    again.start();
    while (t2.calls.length < 3) await settle();
    expect(backoffs2).toEqual([1]);
    expect(
      t2.calls.map(c => `${c.verb}@${c.query.resourceVersion ?? ''}`),
    ).toEqual(['list@', 'watch@3', 'watch@3']);
    await again.stop();
  });

  it('ready() on a cache waiting to retry tries at once, and rejects with the failure if that fails too', async () => {
    const t = new ScriptedTransport();
    t.lists.push(() => {
      throw new HttpStatusError(503, '503: outage');
    });
    t.lists.push(() => {
      throw new HttpStatusError(503, '503: outage');
    });
    const cache = new WatchCache({
      what: 'Things',
      path: '/x',
      transport: t,
      transform: raw => raw,
      initialBackoffMs: 60_000,
      wrapError: e => new Error(`wrapped: ${(e as Error).message}`),
    });
    await expect(cache.ready()).rejects.toThrow('wrapped: 503: outage');
    // The first list failed and the cache waits a minute; a read tries again now.
    t.lists.push(() => ({ items: [], metadata: { resourceVersion: '9' } }));
    await expect(cache.ready()).rejects.toThrow('wrapped: 503: outage');
    await expect(cache.ready()).resolves.toBeUndefined();
    expect(t.calls.map(c => c.verb)).toEqual(['list', 'list', 'list', 'watch']);
    await cache.stop();
  });

  it('pauses when it keeps failing and nobody reads it, and starts again at the next read', async () => {
    const t = new ScriptedTransport();
    t.lists.push(() => {
      throw new HttpStatusError(503, '503: gone away');
    });
    const cache = new WatchCache({
      what: 'Things',
      path: '/x',
      transport: t,
      transform: raw => raw,
      initialBackoffMs: 1,
      idlePauseMs: -1,
    });
    await expect(cache.ready()).rejects.toThrow('503: gone away');
    await settle();
    expect(cache.state).toBe('idle');
    expect(t.calls).toHaveLength(1);
    t.lists.push(() => ({ items: [], metadata: { resourceVersion: '4' } }));
    await cache.ready();
    expect(t.calls.map(c => c.verb)).toEqual(['list', 'list', 'watch']);
    await cache.stop();
  });

  it('rejects a selector that is not valid, naming it', async () => {
    const t = new ScriptedTransport();
    t.lists.push(() => ({ items: [], metadata: { resourceVersion: '1' } }));
    const cache = cacheOn(t);
    await cache.ready();
    expect(() => cache.select('ns', 'app=a,=b')).toThrow(
      'labelSelector "app=a,=b"',
    );
    await cache.stop();
  });
});
