import {
  formatLabelSelector,
  fromLabelSelectorObject,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors';

describe('selectors', () => {
  const labels = {
    app: 'web',
    tier: 'front',
    'backstage.io/kubernetes-id': 'web',
  };

  it('parses and matches equality- and set-based label selectors', () => {
    const yes = [
      'app=web',
      'app==web',
      'app!=api',
      'tier in (front,back)',
      'tier notin (db)',
      'app',
      '!missing',
      'backstage.io/kubernetes-id=web,app=web',
    ];
    const no = [
      'app=api',
      'tier in (db)',
      'tier notin (front)',
      'missing',
      '!app',
      'app=web,tier=back',
    ];
    for (const s of yes)
      expect([s, matchesLabels(parseLabelSelector(s), labels)]).toEqual([
        s,
        true,
      ]);
    for (const s of no)
      expect([s, matchesLabels(parseLabelSelector(s), labels)]).toEqual([
        s,
        false,
      ]);
    expect(() => parseLabelSelector('app=we b')).toThrow();
  });

  it('turns a workload selector into the Scale status string', () => {
    const sel = fromLabelSelectorObject({
      matchLabels: { app: 'web' },
      matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }],
    });
    expect(formatLabelSelector(sel)).toBe('app=web,tier in (a,b)');
  });

  it('supports metadata.name/namespace field selectors and rejects unknown fields', () => {
    const obj = {
      metadata: { name: 'p1', namespace: 'shop' },
      spec: { nodeName: 'n1' },
      status: { phase: 'Running' },
    };
    expect(
      matchesFields(parseFieldSelector('metadata.name=p1', 'pods'), obj),
    ).toBe(true);
    expect(
      matchesFields(
        parseFieldSelector('metadata.namespace!=shop', 'pods'),
        obj,
      ),
    ).toBe(false);
    expect(
      matchesFields(
        parseFieldSelector('spec.nodeName=n1,status.phase=Running', 'pods'),
        obj,
      ),
    ).toBe(true);
    expect(() => parseFieldSelector('spec.foo=bar', 'pods')).toThrow(
      /field label not supported/,
    );
  });
});
