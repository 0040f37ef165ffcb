import {
  applyPatch,
  jsonPatch,
  mergePatch,
  patchTypeOf,
  strategicMergePatch,
} from './patch';

describe('patches', () => {
  const obj = {
    metadata: { name: 'x', labels: { a: '1', b: '2' } },
    spec: {
      replicas: 2,
      template: {
        spec: {
          containers: [
            { name: 'app', image: 'v1' },
            { name: 'side', image: 's1' },
          ],
        },
      },
    },
  };

  it('merge patch replaces lists, removes null keys', () => {
    const out = mergePatch(obj, {
      metadata: { labels: { b: null, c: '3' } },
      spec: { replicas: 5 },
    }) as typeof obj;
    expect(out.metadata.labels).toEqual({ a: '1', c: '3' });
    expect(out.spec.replicas).toBe(5);
    expect(obj.spec.replicas).toBe(2); // input untouched
  });

  it('strategic merge patch merges containers by name and honours $patch: delete', () => {
    const out = strategicMergePatch(obj, {
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'app', image: 'v2' },
              { name: 'side', $patch: 'delete' },
            ],
          },
        },
      },
    }) as typeof obj;
    expect(out.spec.template.spec.containers).toEqual([
      { name: 'app', image: 'v2' },
    ]);
  });

  it('JSON patch supports add/replace/remove/test/move/copy', () => {
    const out = jsonPatch(obj, [
      { op: 'test', path: '/spec/replicas', value: 2 },
      { op: 'replace', path: '/spec/replicas', value: 3 },
      { op: 'add', path: '/metadata/labels/c', value: '3' },
      { op: 'remove', path: '/metadata/labels/a' },
      { op: 'copy', from: '/metadata/labels/b', path: '/metadata/labels/d' },
      { op: 'move', from: '/metadata/labels/c', path: '/metadata/labels/e' },
      {
        op: 'add',
        path: '/spec/template/spec/containers/-',
        value: { name: 'z', image: 'z' },
      },
    ]) as typeof obj;
    expect(out.spec.replicas).toBe(3);
    expect(out.metadata.labels).toEqual({ b: '2', d: '2', e: '3' });
    expect(out.spec.template.spec.containers).toHaveLength(3);
    expect(() =>
      jsonPatch(obj, [{ op: 'test', path: '/spec/replicas', value: 9 }]),
    ).toThrow(/test operation/);
    expect(() =>
      jsonPatch(obj, [{ op: 'replace', path: '/nope/x', value: 1 }]),
    ).toThrow(/does not exist/);
  });

  it('maps content types and rejects server-side apply', () => {
    expect(patchTypeOf('application/merge-patch+json; charset=utf-8')).toBe(
      'merge',
    );
    expect(patchTypeOf('application/strategic-merge-patch+json')).toBe(
      'strategic',
    );
    expect(patchTypeOf('application/json-patch+json')).toBe('json');
    expect(patchTypeOf('application/json')).toBeUndefined();
    expect(() => applyPatch('apply', obj, {})).toThrow(/server-side apply/);
  });
});
