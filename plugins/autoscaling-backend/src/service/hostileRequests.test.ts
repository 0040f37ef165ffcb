/**
 * Hostile and malformed requests against every route of the plugin (engine, cost and
 * governance), generated as a table of routes × mutators: wrong types, huge values and
 * strings, injection strings (SQL, path traversal, prototype pollution), unknown fields,
 * bad enum values and bad query parameters.
 *
 * Every answer must be a 4xx (never a 5xx), a 400 must name the offending field, and the
 * database must be exactly as it was before (every table, every row).
 */
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { notificationService } from '@backstage/plugin-notifications-node';
import type { Knex } from 'knex';
import request from 'supertest';
import { createTestDatabases } from '../governance/__testUtils__/database';
import { CHECKOUT, testEntities } from '../governance/__testUtils__/fixtures';
import { rolePolicyPermissions } from '../governance/__testUtils__/rolePolicy';
import { autoscalingPlugin } from '../plugin';
import { EngineStore } from '../store/EngineStore';

jest.setTimeout(300_000);

const API = '/api/autoscaling';
const WORKLOAD = 'sim/acme-production/Deployment/checkout-api';
const enc = encodeURIComponent;
const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);

// ------------------------------------------------------------------ the table

type Method = 'get' | 'post' | 'put';

/** What a case must be answered with. */
type Expect =
  /** 400 whose message names the field (a string it contains, or a pattern). */
  | { status: 400; field: string | RegExp }
  /** Another 4xx, e.g. 404 for an unknown id; `names` must appear in the message. */
  | { status: 404 | 413; names?: string | RegExp }
  /** POST .../validate reports content problems as `valid: false` with the field's issue. */
  | { status: 200; issue: string | RegExp }
  /** An injection string in a free-text filter is data: it matches nothing. */
  | { status: 200; empty: true };

interface Case {
  name: string;
  method: Method;
  path: string;
  /** JSON value to send, or raw text (sent as application/json unless contentType says). */
  body?: unknown;
  raw?: string;
  contentType?: string;
  expect: Expect;
}

type FieldKind = 'int' | 'string' | 'bool' | 'record';
interface FieldSpec {
  name: string;
  kind: FieldKind;
  required: boolean;
  min?: number;
  max?: number;
  minLength?: number;
  maxLength?: number;
}

const HUGE_STRING = 'A'.repeat(60_000);
const SQL = [
  "'; DROP TABLE decisions; --",
  "1' OR '1'='1",
  '1; DELETE FROM audit_events',
  "' UNION SELECT * FROM engine_settings --",
];
const TRAVERSAL = [
  '../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '..\\..\\windows\\win.ini',
  '/./././',
];
const WEIRD = [
  '',
  ' ',
  '\u0000',
  '💥'.repeat(50),
  '<script>alert(1)</script>',
  '${jndi:ldap://x/a}',
  '%00',
  'null',
  'undefined',
];

/** Values that no field of this kind accepts. */
function invalidValues(field: FieldSpec): Array<[string, unknown]> {
  const common: Array<[string, unknown]> = [
    ['null', null],
    ['array', [1, 2]],
    ['object', { $gt: 0 }],
  ];
  switch (field.kind) {
    case 'int': {
      const values: Array<[string, unknown]> = [
        ...common,
        ['numeric string', '3'],
        ['boolean', true],
        ['fraction', 1.5],
        ['huge', 1e308],
        ['unsafe integer', 2 ** 60],
        ['sql string', SQL[1]],
      ];
      if (field.min !== undefined)
        values.push(['below minimum', field.min - 1], ['very negative', -1e12]);
      if (field.max !== undefined)
        values.push(
          ['above maximum', field.max + 1],
          ['far above maximum', field.max * 1000],
        );
      return values;
    }
    case 'string': {
      const values: Array<[string, unknown]> = [
        ...common,
        ['number', 123],
        ['boolean', false],
        ['object with toString', { toString: 'x' }],
      ];
      if (field.minLength)
        values.push(
          ['too short', 'x'.repeat(field.minLength - 1)],
          ['blank', '          '],
        );
      if (field.maxLength)
        values.push(
          ['too long', 'x'.repeat(field.maxLength + 1)],
          ['huge', HUGE_STRING],
        );
      return values;
    }
    case 'bool':
      return [
        ...common,
        ['string', 'true'],
        ['number', 1],
        ['zero', 0],
        ['empty string', ''],
      ];
    case 'record':
      return [
        ['null', null],
        ['array', []],
        ['string', 'x'],
        ['number', 1],
        ['boolean', true],
      ];
    default:
      return [];
  }
}

/**
 * Body cases of one route: each field missing (when required) and replaced by each invalid
 * value, then whole-body mutations (unknown fields, prototype pollution keys, not an object,
 * malformed JSON, too large, wrong content type).
 */
function bodyCases(options: {
  route: string;
  method: Method;
  path: string;
  valid: Record<string, unknown>;
  fields: FieldSpec[];
  /** How the route names a field path in its 400 message. */
  fieldName?: (name: string) => string;
  /** What a 400 for a body that is not an object says. */
  notObject: RegExp;
}): Case[] {
  const { route, method, path, valid, fields } = options;
  const fieldName = options.fieldName ?? ((n: string) => n);
  const cases: Case[] = [];
  const add = (name: string, body: Partial<Case>, expect: Expect) =>
    cases.push({ name: `${route}: ${name}`, method, path, ...body, expect });

  for (const field of fields) {
    if (field.required) {
      const { [field.name]: _omitted, ...rest } = valid;
      add(
        `${field.name} missing`,
        { body: rest },
        { status: 400, field: fieldName(field.name) },
      );
    }
    for (const [label, value] of invalidValues(field)) {
      add(
        `${field.name} ${label}`,
        { body: { ...valid, [field.name]: value } },
        { status: 400, field: fieldName(field.name) },
      );
    }
  }
  const text = JSON.stringify(valid);
  const withKey = (key: string, value: string) =>
    `{"${key}":${value},${text.slice(1)}`;
  add(
    'unknown field',
    { body: { ...valid, extra: 1 } },
    { status: 400, field: 'extra' },
  );
  add(
    'unknown field with SQL',
    { body: { ...valid, [SQL[0]]: 'x' } },
    { status: 400, field: 'DROP TABLE' },
  );
  add(
    '__proto__ key',
    { raw: withKey('__proto__', '{"polluted":true}') },
    { status: 400, field: '__proto__' },
  );
  add(
    'constructor.prototype key',
    { raw: withKey('constructor', '{"prototype":{"polluted":true}}') },
    { status: 400, field: 'constructor' },
  );
  add(
    'body is an array',
    { body: [valid] },
    { status: 400, field: options.notObject },
  );
  add('body is a string', { raw: '"x"' }, { status: 400, field: /./ });
  add('body is a number', { raw: '42' }, { status: 400, field: /./ });
  add('body is null', { raw: 'null' }, { status: 400, field: /./ });
  add(
    'malformed JSON',
    { raw: `${text.slice(0, -3)}` },
    { status: 400, field: /JSON|Unexpected|Expected/i },
  );
  add(
    'deeply nested JSON',
    { raw: withKey('extra', `${'['.repeat(3000)}${']'.repeat(3000)}`) },
    { status: 400, field: 'extra' },
  );
  add(
    'body too large',
    { raw: withKey('extra', JSON.stringify('y'.repeat(2_000_000))) },
    { status: 413 },
  );
  add(
    'text/plain body',
    { raw: text, contentType: 'text/plain' },
    { status: 400, field: fieldName(fields.find(f => f.required)?.name ?? '') },
  );
  return cases;
}

/** Query cases: each parameter with each bad value. */
function queryCases(options: {
  route: string;
  path: string;
  params: Record<string, string[]>;
  valid?: Record<string, string>;
}): Case[] {
  const cases: Case[] = [];
  for (const [param, values] of Object.entries(options.params)) {
    for (const value of values) {
      const query = new URLSearchParams({ ...options.valid });
      const raw = value.startsWith('&')
        ? value.slice(1)
        : `${param}=${enc(value)}`;
      const qs = [query.toString(), raw].filter(Boolean).join('&');
      cases.push({
        name: `${options.route}: ${param}=${JSON.stringify(value).slice(
          0,
          40,
        )}`,
        method: 'get',
        path: `${options.path}?${qs}`,
        expect: { status: 400, field: param },
      });
    }
  }
  return cases;
}

/** Bad values of an integer query parameter in [min, max]. */
const badInts = (param: string, min: number, max: number) => [
  String(min - 1),
  String(max + 1),
  '1.5',
  'abc',
  '1e12',
  '-1e12',
  'NaN',
  'Infinity',
  '',
  SQL[2],
  `&${param}=1&${param}=2`,
  `&${param}[a]=1`,
];
/** Bad values of an enum query parameter. */
const badEnum = (param: string, sample: string) => [
  'bogus',
  sample.toUpperCase(),
  `${sample} `,
  ...SQL.slice(0, 2),
  TRAVERSAL[0],
  '',
  HUGE_STRING.slice(0, 8000),
  `&${param}[]=${sample}`,
  `&${param}[$ne]=x`,
];
const badIsoTimes = [
  'yesterday',
  '2026-13-45T99:99:99Z',
  'NaN',
  SQL[1],
  TRAVERSAL[0],
];
const badEntityRefs = (param: string) => [
  '',
  ':',
  'component:',
  'component:default/',
  `&${param}[]=${enc(CHECKOUT)}`,
  `&${param}[kind]=component`,
];

/** A small deterministic generator, for random junk in path segments. */
function junkStrings(seed: number, count: number): string[] {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const alphabet = `abcXYZ019-_.~!*'();:@&=+$,/?#[]% "<>\\^\`{|}\u00e9\u4e2d\u0007`;
  const forbidden = `'";<>\\ {}|^\`!*()[]@$,?#%\u0007`;
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const length = 1 + Math.floor(next() * 40);
    let s = '';
    for (let j = 0; j < length; j++)
      s += alphabet[Math.floor(next() * alphabet.length)];
    // At least one character no name, level or tier may contain.
    const at = Math.floor(next() * (s.length + 1));
    s =
      s.slice(0, at) +
      forbidden[Math.floor(next() * forbidden.length)] +
      s.slice(at);
    out.push(s);
  }
  return out;
}

function buildCases(changeRequestId: string): Case[] {
  const cases: Case[] = [];
  const W = enc(WORKLOAD);

  // ---------------------------------------------------------------- engine
  const engineBody = { notObject: /\(body\)/ };
  cases.push(
    ...bodyCases({
      route: 'kill switch',
      method: 'put',
      path: '/engine/kill-switch',
      valid: { enabled: true, reason: 'maintenance window' },
      fields: [
        { name: 'enabled', kind: 'bool', required: true },
        {
          name: 'reason',
          kind: 'string',
          required: true,
          minLength: 3,
          maxLength: 2000,
        },
      ],
      ...engineBody,
    }),
    ...bodyCases({
      route: 'manual scale',
      method: 'post',
      path: `/workloads/${W}/scale`,
      valid: { replicas: 4, reason: 'load test' },
      fields: [
        { name: 'replicas', kind: 'int', required: true, min: 0, max: 10_000 },
        {
          name: 'reason',
          kind: 'string',
          required: true,
          minLength: 3,
          maxLength: 2000,
        },
      ],
      ...engineBody,
    }),
    ...bodyCases({
      route: 'rollback',
      method: 'post',
      path: `/workloads/${W}/rollback`,
      valid: { reason: 'undo the last change' },
      fields: [
        {
          name: 'reason',
          kind: 'string',
          required: true,
          minLength: 3,
          maxLength: 2000,
        },
      ],
      ...engineBody,
    }),
    ...queryCases({
      route: 'history',
      path: `/workloads/${W}/history`,
      params: { hours: badInts('hours', 1, 336) },
    }),
    ...queryCases({
      route: 'workloads',
      path: '/workloads',
      params: {
        tenant: [
          '&tenant[]=acme',
          '&tenant[$ne]=x',
          '&tenant[__proto__]=x',
          HUGE_STRING.slice(0, 8000),
        ],
        cluster: ['&cluster[]=sim', '&cluster[$gt]=', 'x'.repeat(300)],
      },
    }),
    ...injectionFilterCases('workloads', '/workloads', ['tenant', 'cluster']),
  );
  // Unknown workloads (path traversal, SQL, junk) are 404 on every workload route.
  for (const id of [
    ...TRAVERSAL,
    ...SQL,
    'sim/acme-production/Deployment/nope',
    'x'.repeat(2000),
  ]) {
    for (const [method, suffix, body] of [
      ['get', 'history', undefined],
      ['get', 'forecast', undefined],
      ['get', 'recommendations', undefined],
      ['get', 'cost', undefined],
      ['post', 'scale', { replicas: 3, reason: 'hostile' }],
      ['post', 'rollback', { reason: 'hostile' }],
    ] as const) {
      cases.push({
        name: `workload ${suffix}: unknown id ${id.slice(0, 30)}`,
        method,
        path: `/workloads/${enc(id)}/${suffix}`,
        body,
        expect: { status: 404, names: 'No managed workload' },
      });
    }
  }
  const badSegments = [
    ...TRAVERSAL,
    ...SQL,
    '💥',
    'x'.repeat(300),
    'a b',
    '<b>',
  ];
  for (const [i, segment] of ['namespace', 'kind', 'name'].entries()) {
    for (const value of badSegments) {
      const parts = ['default', 'component', 'checkout-api'];
      parts[i] = value;
      cases.push({
        name: `entity state: ${segment} ${value.slice(0, 30)}`,
        method: 'get',
        path: `/entities/${parts.map(enc).join('/')}/state`,
        expect: { status: 400, field: segment },
      });
    }
  }

  // ---------------------------------------------------------------- cost
  for (const name of [
    ...TRAVERSAL,
    ...SQL,
    ...WEIRD.filter(Boolean),
    'x'.repeat(64),
    ...junkStrings(7, 20),
  ]) {
    // A well-formed name that is no tenant is a 404; anything else a 400.
    const wellFormed = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(name);
    cases.push({
      name: `tenant summary: ${JSON.stringify(name).slice(0, 30)}`,
      method: 'get',
      path: `/tenants/${enc(name)}/summary`,
      expect: wellFormed
        ? { status: 404, names: `No tenant '${name}'` }
        : { status: 400, field: 'name' },
    });
  }
  cases.push(
    ...queryCases({
      route: 'cost export',
      path: '/cost/export',
      params: {
        format: badEnum('format', 'csv'),
        tenant: [
          '',
          'x'.repeat(64),
          ...SQL,
          ...TRAVERSAL.slice(0, 2),
          '&tenant[]=acme',
        ],
        extra: ['1', SQL[0]],
        __proto__: ['x'],
      },
    }),
    ...queryCases({
      route: 'cost clusters',
      path: '/cost/clusters',
      params: { extra: ['1', SQL[0], TRAVERSAL[0]] },
    }),
  );

  // ---------------------------------------------------------------- governance: policies
  const levels = [
    ...junkStrings(11, 15),
    'planet',
    'GLOBAL',
    'service ',
    ...SQL.slice(0, 2),
    TRAVERSAL[0],
    '__proto__',
    'constructor',
  ];
  for (const level of levels) {
    for (const [method, suffix, body] of [
      ['get', '', undefined],
      ['get', '/history', undefined],
      ['post', '/validate', { override: { maxReplicas: 5 } }],
      [
        'put',
        '',
        { override: { maxReplicas: 5 }, version: 0, reason: 'hostile' },
      ],
    ] as const) {
      cases.push({
        name: `policy ${method} ${suffix}: level ${JSON.stringify(level).slice(
          0,
          30,
        )}`,
        method,
        path: `/policies/${enc(level)}/default${suffix}`,
        body,
        expect: { status: 400, field: 'level' },
      });
    }
  }
  const badNames: Array<[string, string]> = [
    ['global', 'other'],
    ['global', TRAVERSAL[0]],
    ['tier', 'gold'],
    ['tier', SQL[1]],
    ['tier', '__proto__'],
    ['environment', 'Prod Uction'],
    ['environment', SQL[0]],
    ['environment', 'x'.repeat(300)],
    ['service', 'component:'],
    ['service', ':'],
  ];
  // Tenant names that parse as entity refs but name no tenant group.
  for (const name of ["acme'--", 'a:b:c/d/e', SQL[1], TRAVERSAL[0]]) {
    cases.push({
      name: `policy get: tenant/${name.slice(0, 30)}`,
      method: 'get',
      path: `/policies/tenant/${enc(name)}`,
      expect: { status: 404, names: 'No tenant group' },
    });
  }
  for (const [level, name] of badNames) {
    for (const [method, suffix, body] of [
      ['get', '', undefined],
      [
        'put',
        '',
        { override: { maxReplicas: 5 }, version: 0, reason: 'hostile' },
      ],
    ] as const) {
      cases.push({
        name: `policy ${method}: ${level}/${name.slice(0, 30)}`,
        method,
        path: `/policies/${level}/${enc(name)}${suffix}`,
        body,
        expect: { status: 400, field: 'name' },
      });
    }
  }
  const governanceBody = { notObject: /expected object/ };
  const servicePolicy = `/policies/service/${enc(CHECKOUT)}`;
  cases.push(
    ...bodyCases({
      route: 'policy update',
      method: 'put',
      path: servicePolicy,
      valid: {
        override: { cooldownSeconds: 45 },
        version: 1,
        reason: 'hostile',
      },
      fields: [
        { name: 'override', kind: 'record', required: true },
        { name: 'version', kind: 'int', required: true, min: 0 },
        {
          name: 'reason',
          kind: 'string',
          required: true,
          minLength: 1,
          maxLength: 2000,
        },
      ],
      ...governanceBody,
    }),
    ...bodyCases({
      route: 'policy validate',
      method: 'post',
      path: `${servicePolicy}/validate`,
      valid: { override: { cooldownSeconds: 45 } },
      fields: [
        { name: 'override', kind: 'record', required: true },
        { name: 'version', kind: 'int', required: false, min: 0 },
      ],
      ...governanceBody,
    }),
  );
  // The override's content: each field with values the policy schema refuses.
  const overrides: Array<[string, Record<string, unknown>, string]> = [
    ['minReplicas string', { minReplicas: 'two' }, 'minReplicas'],
    ['minReplicas negative', { minReplicas: -1 }, 'minReplicas'],
    ['minReplicas fraction', { minReplicas: 1.5 }, 'minReplicas'],
    ['minReplicas huge', { minReplicas: 1e308 }, 'minReplicas'],
    ['maxReplicas null', { maxReplicas: null }, 'maxReplicas'],
    ['maxReplicas object', { maxReplicas: { $gt: 1 } }, 'maxReplicas'],
    ['maxReplicas array', { maxReplicas: [10] }, 'maxReplicas'],
    ['maxReplicas huge', { maxReplicas: 2 ** 60 }, 'maxReplicas'],
    ['min above max', { minReplicas: 9, maxReplicas: 3 }, 'minReplicas'],
    ['mode bogus', { mode: 'turbo' }, 'mode'],
    ['mode SQL', { mode: SQL[1] }, 'mode'],
    ['mode upper case', { mode: 'AUTO' }, 'mode'],
    ['mode huge', { mode: HUGE_STRING }, 'mode'],
    ['mode number', { mode: 1 }, 'mode'],
    ['cooldown negative', { cooldownSeconds: -5 }, 'cooldownSeconds'],
    ['cooldown string', { cooldownSeconds: '30' }, 'cooldownSeconds'],
    ['metrics object', { metrics: { type: 'Resource' } }, 'metrics'],
    ['metrics item bogus type', { metrics: [{ type: 'Bogus' }] }, 'metrics'],
    [
      'metrics resource bogus',
      {
        metrics: [
          {
            type: 'Resource',
            resource: 'gpu',
            target: { type: 'Utilization', averageUtilization: 50 },
          },
        ],
      },
      'metrics',
    ],
    [
      'metrics utilization zero',
      {
        metrics: [
          {
            type: 'Resource',
            resource: 'cpu',
            target: { type: 'Utilization', averageUtilization: 0 },
          },
        ],
      },
      'metrics',
    ],
    [
      'metrics utilization string',
      {
        metrics: [
          {
            type: 'Resource',
            resource: 'cpu',
            target: { type: 'Utilization', averageUtilization: '50' },
          },
        ],
      },
      'metrics',
    ],
    [
      'metrics target unknown key',
      {
        metrics: [
          {
            type: 'Resource',
            resource: 'cpu',
            target: { type: 'Utilization', averageUtilization: 50, extra: 1 },
          },
        ],
      },
      'extra',
    ],
    ['behavior string', { behavior: 'fast' }, 'behavior'],
    [
      'behavior period zero',
      {
        behavior: {
          scaleUp: { policies: [{ type: 'Pods', value: 1, periodSeconds: 0 }] },
        },
      },
      'behavior',
    ],
    [
      'behavior period huge',
      {
        behavior: {
          scaleUp: {
            policies: [{ type: 'Pods', value: 1, periodSeconds: 99_999 }],
          },
        },
      },
      'behavior',
    ],
    [
      'behavior selectPolicy bogus',
      { behavior: { scaleDown: { selectPolicy: 'Sometimes' } } },
      'behavior',
    ],
    [
      'behavior policy type bogus',
      {
        behavior: {
          scaleDown: {
            policies: [{ type: 'Replicas', value: 1, periodSeconds: 15 }],
          },
        },
      },
      'behavior',
    ],
    ['predictive string', { predictive: 'yes' }, 'predictive'],
    [
      'predictive enabled string',
      { predictive: { enabled: 'true' } },
      'predictive',
    ],
    ['unknown key', { extra: 1 }, 'extra'],
    ['unknown SQL key', { [SQL[0]]: 1 }, 'DROP TABLE'],
    ['nested unknown key', { behavior: { scaleUp: { turbo: true } } }, 'turbo'],
  ];
  for (const [label, override, field] of overrides) {
    cases.push(
      {
        name: `policy update: override ${label}`,
        method: 'put',
        path: servicePolicy,
        body: { override, version: 1, reason: 'hostile' },
        expect: { status: 400, field },
      },
      {
        name: `policy validate: override ${label}`,
        method: 'post',
        path: `${servicePolicy}/validate`,
        body: { override },
        expect: { status: 200, issue: field },
      },
    );
  }
  for (const [key, value] of [
    ['__proto__', '{"minReplicas":50}'],
    ['constructor', '{"prototype":{"polluted":true}}'],
    ['prototype', '{"polluted":true}'],
  ]) {
    cases.push(
      {
        name: `policy update: override ${key} key`,
        method: 'put',
        path: servicePolicy,
        raw: `{"override":{"${key}":${value}},"version":1,"reason":"hostile"}`,
        expect: { status: 400, field: key },
      },
      {
        name: `policy validate: override ${key} key`,
        method: 'post',
        path: `${servicePolicy}/validate`,
        raw: `{"override":{"${key}":${value}}}`,
        expect:
          key === '__proto__'
            ? { status: 400, field: 'override.__proto__' }
            : { status: 200, issue: key },
      },
    );
  }

  // ---------------------------------------------------------------- governance: the rest
  cases.push(
    ...queryCases({
      route: 'effective policy',
      path: '/policies/effective',
      params: { entityRef: badEntityRefs('entityRef') },
    }),
    ...queryCases({
      route: 'permissions',
      path: '/permissions',
      params: { entityRef: badEntityRefs('entityRef') },
    }),
    ...queryCases({
      route: 'change requests',
      path: '/change-requests',
      params: {
        status: badEnum('status', 'pending'),
        limit: badInts('limit', 1, 1000),
        entityRef: badEntityRefs('entityRef').filter(v => v !== ''),
      },
    }),
    ...queryCases({
      route: 'audit',
      path: '/audit',
      params: {
        action: badEnum('action', 'policy.update'),
        from: badIsoTimes,
        to: badIsoTimes,
        limit: badInts('limit', 1, 10_000),
        actor: ['', '&actor[]=x'],
        target: ['', '&target[$ne]=x'],
      },
    }),
    ...injectionFilterCases('audit', '/audit', [
      'actor',
      'target',
      'entityRef',
    ]),
    ...queryCases({
      route: 'audit export',
      path: '/audit/export',
      params: {
        format: badEnum('format', 'csv'),
        limit: badInts('limit', 1, 100_000),
        from: badIsoTimes.slice(0, 2),
      },
    }),
    {
      name: 'effective policy: no entityRef',
      method: 'get',
      path: '/policies/effective',
      expect: { status: 400, field: 'entityRef' },
    },
    {
      name: 'permissions: no entityRef',
      method: 'get',
      path: '/permissions',
      expect: { status: 400, field: 'entityRef' },
    },
  );
  for (const id of [...TRAVERSAL, ...SQL, 'x'.repeat(500), 'nope']) {
    cases.push(
      {
        name: `change request: unknown ${id.slice(0, 30)}`,
        method: 'get',
        path: `/change-requests/${enc(id)}`,
        expect: { status: 404, names: /change request/i },
      },
      {
        name: `approve: unknown ${id.slice(0, 30)}`,
        method: 'post',
        path: `/change-requests/${enc(id)}/approve`,
        body: { comment: 'ok' },
        expect: { status: 404, names: /change request/i },
      },
      {
        name: `reject: unknown ${id.slice(0, 30)}`,
        method: 'post',
        path: `/change-requests/${enc(id)}/reject`,
        body: { comment: 'no' },
        expect: { status: 404, names: /change request/i },
      },
    );
  }
  const cr = `/change-requests/${enc(changeRequestId)}`;
  cases.push(
    ...bodyCases({
      route: 'approve',
      method: 'post',
      path: `${cr}/approve`,
      valid: { comment: 'looks fine' },
      fields: [
        { name: 'comment', kind: 'string', required: false, maxLength: 2000 },
      ],
      ...governanceBody,
    }).filter(c => !c.name.endsWith('text/plain body')),
    ...bodyCases({
      route: 'reject',
      method: 'post',
      path: `${cr}/reject`,
      valid: { comment: 'not now' },
      fields: [
        {
          name: 'comment',
          kind: 'string',
          required: true,
          minLength: 1,
          maxLength: 2000,
        },
      ],
      ...governanceBody,
    }),
  );
  return cases;
}

/** SQL and traversal strings in free-text filters: answered, and matching nothing. */
function injectionFilterCases(
  route: string,
  path: string,
  params: string[],
): Case[] {
  return params.flatMap(param =>
    [...SQL, ...TRAVERSAL, "x' OR 1=1 --", '%', '_', '*'].map(value => ({
      name: `${route}: ${param}=${JSON.stringify(value)} matches nothing`,
      method: 'get' as const,
      path: `${path}?${param}=${enc(value)}`,
      expect: { status: 200 as const, empty: true as const },
    })),
  );
}

// ------------------------------------------------------------------ checking

async function send(server: any, c: Case) {
  let req = request(server)
    [c.method](`${API}${c.path}`)
    .set('Authorization', as('pat'));
  if (c.raw !== undefined) {
    req = req
      .set('Content-Type', c.contentType ?? 'application/json')
      .send(c.raw);
  } else if (c.body !== undefined) {
    req = req.send(c.body as object);
  }
  return req;
}

function problemOf(c: Case, res: request.Response): string | undefined {
  const message: string = res.body?.error?.message ?? '';
  const got = `${res.status} ${JSON.stringify(res.body).slice(0, 300)}`;
  const matches = (pattern: string | RegExp, text: string) =>
    typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text);
  if (res.status >= 500) return `${c.name}: server error ${got}`;
  const expected = c.expect;
  if (res.status !== expected.status)
    return `${c.name}: expected ${expected.status}, got ${got}`;
  if (expected.status === 400) {
    if (res.body?.error?.name === undefined)
      return `${c.name}: no error body: ${got}`;
    if (!matches(expected.field, message))
      return `${c.name}: message does not name ${expected.field}: ${got}`;
  } else if ('empty' in expected) {
    if (!Array.isArray(res.body) || res.body.length !== 0)
      return `${c.name}: expected no match, got ${got}`;
  } else if (expected.status === 200) {
    const issues: Array<{ path: string; message: string }> =
      res.body?.issues ?? [];
    if (res.body?.valid !== false)
      return `${c.name}: validate says valid: ${got}`;
    if (!issues.some(i => matches(expected.issue, `${i.path}: ${i.message}`))) {
      return `${c.name}: no issue names ${expected.issue}: ${got}`;
    }
  } else if (expected.names && !matches(expected.names, message)) {
    return `${c.name}: message does not name ${expected.names}: ${got}`;
  }
  return undefined;
}

/** Every row of every table, in a stable order. */
async function snapshot(knex: Knex): Promise<Record<string, string[]>> {
  const client = String(knex.client.config.client);
  const tables: string[] = client.includes('sqlite')
    ? (
        await knex.raw(
          `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
        )
      ).map((r: { name: string }) => r.name)
    : (
        await knex('information_schema.tables')
          .where({
            table_schema: knex.raw('current_schema()'),
            table_type: 'BASE TABLE',
          })
          .select('table_name')
      ).map((r: { table_name: string }) => r.table_name);
  const result: Record<string, string[]> = {};
  for (const table of tables.sort()) {
    const rows = await knex(table).select();
    result[table] = rows.map(row => JSON.stringify(row)).sort();
  }
  return result;
}

// ------------------------------------------------------------------ the test

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'hostile requests on %p',
  databaseId => {
    let knex: Knex;
    let backend: Awaited<ReturnType<typeof startTestBackend>>;
    let changeRequestId: string;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      backend = await startTestBackend({
        features: [
          autoscalingPlugin,
          mockServices.database.factory({ knex }),
          mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
          catalogServiceMock.factory({ entities: testEntities }),
          createServiceFactory({
            service: notificationService,
            deps: {},
            factory: () => ({ send: async () => {} }),
          }),
          createServiceFactory({
            service: coreServices.permissions,
            deps: {},
            factory: () => rolePolicyPermissions(),
          }),
          mockServices.rootConfig.factory({
            data: {
              permission: { enabled: true },
              autoscaling: {
                policies: {
                  globalDefault: { minReplicas: 2, maxReplicas: 10 },
                },
              },
            },
          }),
        ],
      });
      const server = backend.server;

      // Something in every table: a policy, a pending change request, the kill switch, audit
      // rows (all through the API), and a workload with decisions and history (the engine's).
      const put = (user: string, body: object) =>
        request(server)
          .put(`${API}/policies/service/${enc(CHECKOUT)}`)
          .set('Authorization', as(user))
          .send(body);
      const seeded = (res: request.Response, status: number) => {
        if (res.status !== status)
          throw new Error(`seeding failed: ${res.status} ${res.text}`);
        return res;
      };
      seeded(
        await put('bob', {
          override: { cooldownSeconds: 30 },
          version: 0,
          reason: 'calmer',
        }),
        200,
      );
      const pending = seeded(
        await put('alice', {
          override: { cooldownSeconds: 30, maxReplicas: 75 },
          version: 1,
          reason: 'launch',
        }),
        202,
      );
      changeRequestId = pending.body.changeRequest.id;
      seeded(
        await request(server)
          .put(`${API}/engine/kill-switch`)
          .set('Authorization', as('pat'))
          .send({ enabled: false, reason: 'seeded state' }),
        200,
      );

      const store = new EngineStore(knex);
      const now = Date.now();
      const [cluster, namespace, , name] = WORKLOAD.split('/');
      const record = {
        id: WORKLOAD,
        entityRef: CHECKOUT,
        cluster,
        namespace,
        kind: 'Deployment' as const,
        name,
        tenant: 'acme',
        environment: 'production',
        tier: 'enterprise' as const,
      };
      await store.upsertWorkload(record, { podCpuRequest: 0.5 }, null, now);
      for (const [i, [from, to]] of [
        [2, 4],
        [4, 3],
      ].entries()) {
        await store.recordDecision({
          workloadId: WORKLOAD,
          at: new Date(now - (10 - i) * 60_000).toISOString(),
          kind: 'scale',
          from,
          to,
          mode: 'auto',
          outcome: 'applied',
          reasons: [
            { code: 'MetricsProposal', message: `cpu asks for ${to} replicas` },
          ],
        });
        await store.recordMetricPoint(WORKLOAD, {
          at: new Date(now - (10 - i) * 60_000).toISOString(),
          replicas: to,
          readyReplicas: to,
          desiredReplicas: to,
          demand: 1.2,
          cpuUtilization: 60,
        });
      }
    });

    afterAll(async () => {
      await backend?.stop();
      await knex?.destroy();
    });

    it('answers every hostile request with a 4xx that names the field, and changes nothing', async () => {
      const cases = buildCases(changeRequestId);
      expect(
        cases.filter(c => c.expect.status !== 200).length,
      ).toBeGreaterThanOrEqual(500);
      const before = await snapshot(knex);
      expect(before.decisions).toHaveLength(2);
      expect(before.change_requests).toHaveLength(1);
      expect(before.audit_events.length).toBeGreaterThanOrEqual(3);

      const problems: string[] = [];
      for (const c of cases) {
        const problem = problemOf(c, await send(backend.server, c));
        if (problem) problems.push(problem);
      }
      expect(problems).toEqual([]);

      expect(await snapshot(knex)).toEqual(before);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('minReplicas');

      // Still serving: the seeded state reads back.
      const history = await request(backend.server)
        .get(`${API}/workloads/${enc(WORKLOAD)}/history?hours=1`)
        .set('Authorization', as('pat'));
      expect(history.status).toBe(200);
      expect(history.body.decisions).toHaveLength(2);
    });
  },
);
