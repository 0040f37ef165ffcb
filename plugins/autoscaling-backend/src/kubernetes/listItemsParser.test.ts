import { ListItemsParser } from './listItemsParser';

const body = JSON.stringify({
  kind: 'PodMetricsList',
  apiVersion: 'metrics.k8s.io/v1beta1',
  metadata: { resourceVersion: '42', note: 'a "quoted" ] } [ { brace' },
  tags: [{ items: [1, 2] }, 'items'],
  items: [
    {
      metadata: { name: 'web-1', namespace: 'shop', labels: { 'a/b': '}]"' } },
      containers: [{ name: 'app', usage: { cpu: '250m', memory: '64Mi' } }],
    },
    { metadata: { name: 'wéb-2 ✓', namespace: 'shop' }, containers: [] },
    [1, [2, { x: '\\' }]],
    {},
  ],
  trailer: { continue: '' },
});

function parseInPieces(text: string, size: number) {
  const parser = new ListItemsParser();
  for (let i = 0; i < text.length; i += size)
    parser.push(text.slice(i, i + size));
  return parser.finish();
}

describe('ListItemsParser', () => {
  it('gives what JSON.parse gives, however the body is cut into pieces', () => {
    const whole = JSON.parse(body);
    for (const size of [1, 2, 3, 5, 7, 16, 64, body.length]) {
      expect(parseInPieces(body, size)).toEqual(whole);
    }
  });

  it('reads a body with white space and an empty items list', () => {
    const pretty = JSON.stringify(JSON.parse(body), null, 2);
    expect(parseInPieces(pretty, 9)).toEqual(JSON.parse(body));
    expect(parseInPieces('{"kind":"List","items":[ ]}', 4)).toEqual({
      kind: 'List',
      items: [],
    });
    expect(parseInPieces('{"kind":"Status","code":403}', 4)).toEqual({
      kind: 'Status',
      code: 403,
    });
  });

  it('refuses items that are not objects, and a body cut inside its items', () => {
    expect(() => parseInPieces('{"items":["a"]}', 3)).toThrow(
      'not objects or arrays',
    );
    expect(() => parseInPieces('{"items":[1]}', 3)).toThrow(
      'not objects or arrays',
    );
    expect(() => parseInPieces('{"items":[{"a":1}', 3)).toThrow(
      'ended inside its items',
    );
    expect(() => parseInPieces('{"items":[{"a":}]}', 3)).toThrow(SyntaxError);
  });
});
