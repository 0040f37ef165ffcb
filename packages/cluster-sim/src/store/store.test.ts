import { ObjectStore, StoreEvent } from './store';
import type { KObject } from '../api/types';

const cm = (name: string, data: Record<string, string> = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'ns' },
  data,
});
const deploy = (name: string, replicas: number, rv?: string): KObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'ns', resourceVersion: rv },
  spec: { replicas },
});

describe('ObjectStore', () => {
  it('advances a cluster-wide resourceVersion, bumps generation only on spec changes, skips no-op writes', () => {
    const s = new ObjectStore({ now: () => 0 });
    const a = s.create('apps/deployments', deploy('a', 1));
    const b = s.create('configmaps', cm('b'));
    expect(Number(b.metadata.resourceVersion)).toBe(
      Number(a.metadata.resourceVersion) + 1,
    );
    expect(a.metadata.generation).toBe(1);
    const a2 = s.update('apps/deployments', {
      ...a,
      metadata: { ...a.metadata, labels: { x: 'y' } },
    });
    expect(a2.metadata.generation).toBe(1);
    const a3 = s.update('apps/deployments', { ...a2, spec: { replicas: 3 } });
    expect(a3.metadata.generation).toBe(2);
    expect(s.update('apps/deployments', a3)).toBe(a3); // no-op: same object, same resourceVersion
    expect(s.resourceVersion()).toBe(a3.metadata.resourceVersion);
  });

  it('rejects stale writes with 409 and unknown objects with 404', () => {
    const s = new ObjectStore({ now: () => 0 });
    const a = s.create('apps/deployments', deploy('a', 1));
    s.update('apps/deployments', { ...a, spec: { replicas: 2 } });
    expect(() =>
      s.update('apps/deployments', { ...a, spec: { replicas: 5 } }),
    ).toThrow(/the object has been modified/);
    expect(() => s.update('apps/deployments', deploy('zz', 1))).toThrow(
      /"zz" not found/,
    );
    expect(() => s.create('apps/deployments', deploy('a', 1))).toThrow(
      /already exists/,
    );
  });

  it('replays events after a resourceVersion and reports expiry once history is trimmed', () => {
    const s = new ObjectStore({ now: () => 0, historySize: 10 });
    const seen: StoreEvent[] = [];
    s.subscribe(e => seen.push(e));
    const first = s.create('configmaps', cm('c0'));
    const rv0 = Number(first.metadata.resourceVersion);
    expect(s.eventsSince(rv0)).toEqual([]);
    s.update('configmaps', { ...first, data: { k: 'v' } });
    s.delete('configmaps', 'ns', 'c0');
    expect(s.eventsSince(rv0)!.map(e => e.type)).toEqual([
      'MODIFIED',
      'DELETED',
    ]);
    for (let i = 1; i < 40; i++) s.create('configmaps', cm(`c${i}`));
    expect(s.eventsSince(rv0)).toBeUndefined();
    expect(seen).toHaveLength(42);
  });

  it('lists sorted by namespace and name', () => {
    const s = new ObjectStore({ now: () => 0 });
    for (const n of ['b', 'c', 'a']) s.create('configmaps', cm(n));
    s.create('configmaps', {
      ...cm('z'),
      metadata: { name: 'z', namespace: 'aa' },
    });
    expect(
      s
        .list('configmaps')
        .map(o => `${o.metadata.namespace}/${o.metadata.name}`),
    ).toEqual(['aa/z', 'ns/a', 'ns/b', 'ns/c']);
    expect(
      s.listJson('configmaps', 'ns').map(j => JSON.parse(j).metadata.name),
    ).toEqual(['a', 'b', 'c']);
  });
});
