/**
 * Watch as a real API server serves it, on the list routes of Deployments, StatefulSets and
 * Pods (namespaced and cluster-wide): lists carry metadata.resourceVersion; a watch from it
 * streams ADDED/MODIFIED/DELETED with increasing resourceVersions; BOOKMARK events with
 * allowWatchBookmarks; 410 Expired for a resourceVersion older than the kept event window;
 * timeoutSeconds ends the stream; an API outage drops open watches (and new ones get 503).
 */
import type { RunningClusterSim } from '../start';
import { call, startTestSim } from '../testing/fixtures';

interface Event {
  type: string;
  object: {
    kind?: string;
    code?: number;
    reason?: string;
    metadata: { name?: string; namespace?: string; resourceVersion: string };
    spec?: { replicas?: number };
  };
}

/** An open watch: its events so far, a way to wait for more, and whether it ended. */
async function openWatch(sim: RunningClusterSim, path: string) {
  const controller = new AbortController();
  const res = await fetch(`${sim.url}${path}`, {
    headers: { Authorization: 'Bearer readonly-token' },
    signal: controller.signal,
  });
  const events: Event[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  const pump = (async () => {
    const reader = res.body!.getReader();
    let buf = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += Buffer.from(value).toString('utf8');
        const lines = buf.split('\n');
        buf = lines.pop()!;
        for (const line of lines) if (line) events.push(JSON.parse(line));
        wake?.();
      }
    } catch {
      // aborted
    }
    ended = true;
    wake?.();
  })();
  const nextChunk = () =>
    new Promise<void>(resolve => {
      wake = resolve;
    });
  const until = async (pred: () => boolean) => {
    while (!pred() && !ended) await nextChunk();
    if (!pred())
      throw new Error(`watch ended first; events: ${JSON.stringify(events)}`);
  };
  return {
    status: res.status,
    events,
    until,
    ended: () => ended,
    close: async () => {
      controller.abort();
      await pump;
    },
  };
}

describe('watch on the list routes', () => {
  let sim: RunningClusterSim;
  afterEach(async () => {
    await sim?.stop();
  });

  it.each([
    ['Deployments in a namespace', '/apis/apps/v1/namespaces/shop/deployments'],
    ['Deployments cluster-wide', '/apis/apps/v1/deployments'],
    ['StatefulSets cluster-wide', '/apis/apps/v1/statefulsets'],
    [
      'StatefulSets in a namespace',
      '/apis/apps/v1/namespaces/shop/statefulsets',
    ],
  ])(
    '%s: a watch from the list resourceVersion sees MODIFIED, ADDED and DELETED in order',
    async (_what, path) => {
      sim = await startTestSim();
      const kind = path.includes('statefulsets')
        ? 'statefulsets'
        : 'deployments';
      const name = kind === 'statefulsets' ? 'db' : 'web';
      const list = await call(sim, 'GET', path);
      const rv = list.body.metadata.resourceVersion;
      expect(rv).toMatch(/^\d+$/);
      const watch = await openWatch(
        sim,
        `${path}?watch=true&resourceVersion=${rv}`,
      );
      expect(watch.status).toBe(200);

      await call(
        sim,
        'PATCH',
        `/apis/apps/v1/namespaces/shop/${kind}/${name}/scale`,
        {
          contentType: 'application/merge-patch+json',
          body: { spec: { replicas: 3 } },
        },
      );
      const copy = structuredClone(
        (
          await call(
            sim,
            'GET',
            `/apis/apps/v1/namespaces/shop/${kind}/${name}`,
          )
        ).body,
      );
      copy.metadata = { name: `${name}-copy`, namespace: 'shop' };
      expect(
        (
          await call(sim, 'POST', `/apis/apps/v1/namespaces/shop/${kind}`, {
            body: copy,
          })
        ).status,
      ).toBe(201);
      await call(
        sim,
        'DELETE',
        `/apis/apps/v1/namespaces/shop/${kind}/${name}-copy`,
      );
      await watch.until(() =>
        watch.events.some(
          e =>
            e.type === 'DELETED' && e.object.metadata.name === `${name}-copy`,
        ),
      );
      await watch.close();

      const mine = watch.events.filter(e =>
        e.object.metadata.name?.startsWith(name),
      );
      expect(
        mine.find(e => e.object.metadata.name === name && e.type === 'MODIFIED')
          ?.object.spec?.replicas,
      ).toBe(3);
      expect(
        mine
          .filter(e => e.object.metadata.name === `${name}-copy`)
          .map(e => e.type)
          .filter((t, i, all) => all.indexOf(t) === i),
      ).toEqual(expect.arrayContaining(['ADDED', 'DELETED']));
      const rvs = watch.events.map(e =>
        Number(e.object.metadata.resourceVersion),
      );
      expect(rvs.every(v => v > Number(rv))).toBe(true);
      expect([...rvs].sort((a, b) => a - b)).toEqual(rvs);
      expect(new Set(rvs).size).toBe(rvs.length);
    },
  );

  it('Pods (namespaced and cluster-wide): a scale-out is ADDED pods, a deleted pod DELETED', async () => {
    sim = await startTestSim();
    const rv = (await call(sim, 'GET', '/api/v1/pods')).body.metadata
      .resourceVersion;
    const all = await openWatch(
      sim,
      `/api/v1/pods?watch=1&resourceVersion=${rv}`,
    );
    const shop = await openWatch(
      sim,
      `/api/v1/namespaces/shop/pods?watch=1&resourceVersion=${rv}&labelSelector=app%3Dweb`,
    );
    await call(
      sim,
      'PATCH',
      '/apis/apps/v1/namespaces/shop/deployments/web/scale',
      {
        contentType: 'application/merge-patch+json',
        body: { spec: { replicas: 3 } },
      },
    );
    await shop.until(() => shop.events.some(e => e.type === 'ADDED'));
    const added = shop.events.find(e => e.type === 'ADDED')!.object.metadata
      .name!;
    await call(sim, 'DELETE', `/api/v1/namespaces/shop/pods/${added}`);
    await all.until(() =>
      all.events.some(
        e => e.type === 'DELETED' && e.object.metadata.name === added,
      ),
    );
    await shop.until(() => shop.events.some(e => e.type === 'DELETED'));
    await all.close();
    await shop.close();
    expect(shop.events.every(e => e.object.metadata.namespace === 'shop')).toBe(
      true,
    );
    expect(all.events.some(e => e.object.metadata.name === added)).toBe(true);
  });

  it('sends BOOKMARK events with the current resourceVersion when asked', async () => {
    sim = await startTestSim({}, { watchBookmarkMs: 20 });
    const rv = (await call(sim, 'GET', '/apis/apps/v1/deployments')).body
      .metadata.resourceVersion;
    // A change elsewhere (a pod) moves the resourceVersion without a Deployment event.
    const pod = (await call(sim, 'GET', '/api/v1/namespaces/shop/pods')).body
      .items[0].metadata.name;
    await call(sim, 'DELETE', `/api/v1/namespaces/shop/pods/${pod}`);
    const current = (await call(sim, 'GET', '/api/v1/pods')).body.metadata
      .resourceVersion;
    expect(Number(current)).toBeGreaterThan(Number(rv));
    const watch = await openWatch(
      sim,
      `/apis/apps/v1/deployments?watch=true&resourceVersion=${current}&allowWatchBookmarks=true`,
    );
    await watch.until(() => watch.events.some(e => e.type === 'BOOKMARK'));
    await watch.close();
    const bookmark = watch.events.find(e => e.type === 'BOOKMARK')!;
    expect(bookmark.object.kind).toBe('Deployment');
    expect(
      Number(bookmark.object.metadata.resourceVersion),
    ).toBeGreaterThanOrEqual(Number(current));
    // Without allowWatchBookmarks there are none.
    const plain = await fetch(
      `${sim.url}/apis/apps/v1/deployments?watch=true&resourceVersion=${current}&timeoutSeconds=1`,
      { headers: { Authorization: 'Bearer readonly-token' } },
    );
    expect(await plain.text()).toBe('');
  });

  it('answers 410 Expired for a resourceVersion older than the kept event window', async () => {
    sim = await startTestSim({}, { watchHistorySize: 4 });
    const rv = (await call(sim, 'GET', '/apis/apps/v1/deployments')).body
      .metadata.resourceVersion;
    // Ten changes: more than the window keeps.
    for (let i = 0; i < 10; i++)
      await call(
        sim,
        'PATCH',
        '/apis/apps/v1/namespaces/shop/deployments/web',
        {
          contentType: 'application/merge-patch+json',
          body: { metadata: { annotations: { step: String(i) } } },
        },
      );
    const res = await fetch(
      `${sim.url}/apis/apps/v1/deployments?watch=true&resourceVersion=${rv}`,
      { headers: { Authorization: 'Bearer readonly-token' } },
    );
    expect(res.status).toBe(200);
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map(l => JSON.parse(l) as Event);
    expect(lines).toEqual([
      {
        type: 'ERROR',
        object: expect.objectContaining({
          kind: 'Status',
          code: 410,
          reason: 'Expired',
        }),
      },
    ]);
    // The list's current resourceVersion is inside the window: that watch works.
    const fresh = (await call(sim, 'GET', '/apis/apps/v1/deployments')).body
      .metadata.resourceVersion;
    const watch = await openWatch(
      sim,
      `/apis/apps/v1/deployments?watch=true&resourceVersion=${fresh}`,
    );
    await call(sim, 'PATCH', '/apis/apps/v1/namespaces/shop/deployments/web', {
      contentType: 'application/merge-patch+json',
      body: { metadata: { annotations: { step: 'last' } } },
    });
    await watch.until(() => watch.events.length > 0);
    await watch.close();
    expect(watch.events[0].type).toBe('MODIFIED');
  });

  it('ends a watch after timeoutSeconds and drops open watches on an API outage', async () => {
    sim = await startTestSim();
    const rv = (await call(sim, 'GET', '/api/v1/pods')).body.metadata
      .resourceVersion;
    const timed = await fetch(
      `${sim.url}/api/v1/pods?watch=true&resourceVersion=${rv}&timeoutSeconds=1`,
      { headers: { Authorization: 'Bearer readonly-token' } },
    );
    expect(await timed.text()).toBe('');

    const open = await openWatch(
      sim,
      `/api/v1/pods?watch=true&resourceVersion=${rv}`,
    );
    expect(open.ended()).toBe(false);
    sim.setFaults({ api: { outage: true } });
    await open.until(() => open.ended());
    const again = await fetch(
      `${sim.url}/api/v1/pods?watch=true&resourceVersion=${rv}`,
      { headers: { Authorization: 'Bearer readonly-token' } },
    );
    expect(again.status).toBe(503);
    await again.text();
  });
});
