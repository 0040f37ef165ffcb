/**
 * API fuzz test: requests generated from the OpenAPI documents (schema/openapi.yaml and
 * schema/openapi-governance.yaml), for every documented operation and every documented
 * field, against the real plugin (autoscalingPlugin on a real database, mock credentials and
 * the demo role policy at the edge, as hostileRequests.test.ts does).
 *
 * Each request starts from a value the schema allows and mutates some of it: wrong types,
 * boundary numbers, deep and wide JSON, hostile Unicode (lone surrogates, NUL, zero-width,
 * bidi controls, combining marks, non-characters), oversized bodies, malformed JSON, odd
 * content types and encodings, unknown fields and parameters, hostile path segments, and
 * different principals (platform team, tenant admin, owner, other tenant, no groups, guest,
 * a service, no or a bad token). A fixed seed makes every run send the same requests; set
 * FUZZ_SEED and FUZZ_REQUESTS to explore further.
 *
 * Properties checked:
 * - no answer is a 5xx;
 * - the event loop is never blocked for more than 100 ms (perf_hooks monitorEventLoopDelay,
 *   reset around every request; a request over the limit is sent up to three times more and
 *   counts when it is over the limit every time, so a machine busy with something else does not
 *   fail the test);
 * - a rejected request (any 4xx) leaves every table as it was (row counts and a hash of the
 *   rows of each table, before and after) — except a stale-version policy write (409), which
 *   is audited by design (one audit_events row, openapi-governance.yaml `x-audit`);
 * - the audit chain verifies at the end, and the server still answers.
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
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import request from 'supertest';
import YAML from 'yaml';
import { createTestDatabases } from '../governance/__testUtils__/database';
import {
  CHECKOUT,
  LEDGER,
  testEntities,
} from '../governance/__testUtils__/fixtures';
import {
  GUEST_REF,
  rolePolicyPermissions,
} from '../governance/__testUtils__/rolePolicy';
import { autoscalingPlugin } from '../plugin';
import { EngineStore } from '../store/EngineStore';

jest.setTimeout(600_000);

const SEED = Number(process.env.FUZZ_SEED ?? 20261203);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 5000);
const BLOCKED_MS = 100;
/** Re-sends of a request over BLOCKED_MS before it counts as blocking. */
const BLOCKED_RETRIES = 3;

const API = '/api/autoscaling';
const WORKLOAD = 'sim/acme-production/Deployment/checkout-api';

// ------------------------------------------------------------------ the documents

const readSpec = (file: string) =>
  YAML.parse(
    fs.readFileSync(path.resolve(__dirname, '../schema', file), 'utf8'),
  );
const specs = [readSpec('openapi.yaml'), readSpec('openapi-governance.yaml')];

type Schema = Record<string, any>;

function resolve(spec: any, schema: Schema | undefined): Schema {
  if (!schema) return {};
  if (schema.$ref) {
    const [, , section, name] = String(schema.$ref).split('/');
    return resolve(spec, spec.components[section][name]);
  }
  if (schema.allOf?.length === 1)
    return { ...resolve(spec, schema.allOf[0]), nullable: schema.nullable };
  return schema;
}

interface Param {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: Schema;
}

interface Operation {
  key: string;
  method: 'get' | 'put' | 'post';
  template: string;
  params: Param[];
  body?: Schema;
  bodyRequired: boolean;
}

function operationsOf(spec: any): Operation[] {
  const result: Operation[] = [];
  for (const [template, item] of Object.entries<any>(spec.paths)) {
    for (const method of ['get', 'put', 'post'] as const) {
      const op = item[method];
      if (!op) continue;
      const params: Param[] = [
        ...(item.parameters ?? []),
        ...(op.parameters ?? []),
      ].map(p => {
        const param = resolve(spec, p);
        return {
          name: param.name,
          in: param.in,
          required: Boolean(param.required),
          schema: resolve(spec, param.schema),
        };
      });
      const json = op.requestBody?.content?.['application/json']?.schema;
      const body = json ? resolveDeep(spec, json) : undefined;
      result.push({
        key: `${method.toUpperCase()} ${template}`,
        method,
        template,
        params,
        body,
        bodyRequired: Boolean(op.requestBody?.required),
      });
    }
  }
  return result;
}

/** Resolves every `$ref` of a request body schema (they are shallow: a body, an override). */
function resolveDeep(spec: any, schema: Schema): Schema {
  const s = resolve(spec, schema);
  if (s.properties) {
    return {
      ...s,
      properties: Object.fromEntries(
        Object.entries<Schema>(s.properties).map(([k, v]) => [
          k,
          resolveDeep(spec, v),
        ]),
      ),
    };
  }
  if (s.items) return { ...s, items: resolveDeep(spec, s.items) };
  return s;
}

const operations = specs.flatMap(operationsOf);

// ------------------------------------------------------------------ a seeded generator

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) =>
    min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T =>
    items[Math.floor(next() * items.length)];
  const chance = (p: number) => next() < p;
  return { next, int, pick, chance };
}
type Random = ReturnType<typeof prng>;

// ------------------------------------------------------------------ hostile values

const HOSTILE_STRINGS: readonly string[] = [
  '\ud800',
  'ok \ud800 x',
  '\udfff tail',
  'a\udc00\ud800b',
  '\u0000',
  'nul\u0000inside',
  '\u200b\u200b\u200b',
  '\u200c\u200d\u2060\ufeff',
  '\u202eevil\u202c',
  '\u2066isolate\u2069 \u200f\u200e',
  '\u061c\u202b\u202a',
  '\uffff\ufffe\ufdd0',
  '\u{10ffff}\u{e0001}\u{e007f}',
  '👩‍👩‍👧‍👦🏳️‍🌈',
  '💥'.repeat(400),
  `e${'\u0301'.repeat(3000)}`,
  'A\u030a vs \u00c5 vs \u212b',
  '\u2028line\u2029para\u0085',
  '\t\n\r\u000b\u000c',
  '\u001b[31mred\u001b[0m',
  '\u007f\u0080\u009f',
  'ﬁ𝕏İı ß',
  'مرحبا بالعالم',
  'Z̸̡̛̤̲̪̙͎̱͉̗̦̮̟̙̩̓͐͌̉̽̒̀͑͗́̅͘a̸̛̝̗̮̮̝̘̋̏̈́̓̌̇̈́̐̃̀͘l̶g̷o',
  '',
  ' ',
  '%',
  '%00',
  '%ZZ',
  '../../etc/passwd',
  '..',
  '\\..\\..\\',
  "'; DROP TABLE audit_events; --",
  "1' OR '1'='1",
  '${jndi:ldap://x/a}',
  '<script>alert(1)</script>',
  '__proto__',
  'constructor',
  'toString',
  'null',
  'undefined',
  'NaN',
  '0x10',
  ' 5 ',
  '1e3',
  '-0',
  'x'.repeat(2001),
  'y'.repeat(20_000),
];

const BOUNDARY_NUMBERS: readonly number[] = [
  0,
  -0,
  1,
  -1,
  1.5,
  0.1,
  2 ** 31,
  2 ** 31 - 1,
  -(2 ** 31),
  2 ** 53,
  2 ** 53 + 2,
  -(2 ** 53),
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  Number.MIN_VALUE,
  1e21,
  9999,
  10_000,
  10_001,
  86_400,
  86_401,
];

const WRONG_TYPES: readonly unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  '3',
  '',
  [],
  [1],
  {},
  { $gt: 0 },
  { toString: 'x' },
];

/**
 * Deeply nested JSON, as a marker that `jsonText` expands: JSON.stringify itself recurses
 * and cannot write 20,000 levels.
 */
function deepJson(random: Random): string {
  const depth = random.pick([33, 64, 200, 1000, 5000, 20_000]);
  return `@@deep:${depth}:${random.pick(['a', 'o'])}@@`;
}

function jsonText(value: unknown): string {
  return (JSON.stringify(value) ?? 'null').replace(
    /"@@deep:(\d+):([ao])@@"/g,
    (_, depth: string, kind: string) => {
      const n = Number(depth);
      return kind === 'a'
        ? `${'['.repeat(n)}0${']'.repeat(n)}`
        : `${'{"a":'.repeat(n)}0${'}'.repeat(n)}`;
    },
  );
}

function wideJson(random: Random): unknown {
  const width = random.pick([1000, 20_001, 25_000]);
  if (random.chance(0.5)) return Array.from({ length: width }, (_, i) => i);
  return Object.fromEntries(
    Array.from({ length: Math.min(width, 12_000) }, (_, i) => [`k${i}`, i]),
  );
}

/** A value no field expects, or that stresses whatever reads it. */
function hostileValue(random: Random, schema: Schema): unknown {
  switch (random.int(0, 5)) {
    case 0:
      return random.pick(WRONG_TYPES);
    case 1: {
      const bounds = [schema.minimum, schema.maximum].filter(
        (b): b is number => typeof b === 'number',
      );
      const near = bounds.flatMap(b => [b - 1, b, b + 1, b + 0.5]);
      return random.pick([...BOUNDARY_NUMBERS, ...near]);
    }
    case 2:
    case 3:
      return random.pick(HOSTILE_STRINGS);
    case 4:
      return deepJson(random);
    default:
      return wideJson(random);
  }
}

// ------------------------------------------------------------------ valid values

/** What a string parameter or field of this name usually holds. */
function validString(
  random: Random,
  name: string,
  schema: Schema,
  context: Context,
): string {
  if (schema.enum) return random.pick(schema.enum);
  switch (name) {
    case 'entityRef':
    case 'target':
      return random.pick([
        CHECKOUT,
        LEDGER,
        'group:default/acme',
        'component:default/nope',
        'environment:production',
        WORKLOAD,
      ]);
    case 'actor':
      return random.pick(['user:default/pat', 'user:default/alice', 'pat']);
    case 'tenant':
      return random.pick(['acme', 'globex', 'initech', 'nope']);
    case 'cluster':
      return random.pick(['sim', 'a', 'nope']);
    case 'from':
    case 'to':
      return new Date(Date.now() + random.int(-48, 1) * 3600_000).toISOString();
    case 'anchor':
      return `${random.int(1, 50)}:${createHash('sha256')
        .update(String(random.next()))
        .digest('hex')}`;
    case 'reason':
    case 'comment':
      return random.pick([
        'load test',
        'more headroom for the launch',
        'undo the last change',
        'ok',
      ]);
    case 'id':
      return random.pick(context.changeRequestIds);
    default:
      return random.pick(['default', 'x', 'checkout-api']);
  }
}

/** Overrides the policy schema accepts (the generated ones often are not, across fields). */
const VALID_OVERRIDES: ReadonlyArray<Record<string, unknown>> = [
  {},
  { cooldownSeconds: 45 },
  { maxReplicas: 8 },
  { minReplicas: 3, maxReplicas: 9 },
  { maxReplicas: 60 },
  { mode: 'dry-run' },
  { mode: 'off' },
  { preset: 'conservative' },
  {
    metrics: [
      {
        type: 'Resource',
        resource: 'cpu',
        target: { type: 'Utilization', averageUtilization: 65 },
      },
    ],
  },
  { behavior: { scaleDown: { stabilizationWindowSeconds: 600 } } },
];

/** A value the schema allows. */
function validValue(
  random: Random,
  name: string,
  schema: Schema,
  context: Context,
  depth = 0,
): unknown {
  if (schema.enum) return random.pick(schema.enum);
  switch (schema.type) {
    case 'integer': {
      const min = schema.minimum ?? 0;
      const max = Math.min(schema.maximum ?? 50, min + 50);
      return random.int(min, max);
    }
    case 'number':
      return random.next() * 100;
    case 'boolean':
      return random.chance(0.5);
    case 'string':
      return validString(random, name, schema, context);
    case 'array':
      return depth > 2
        ? []
        : Array.from({ length: random.int(0, 2) }, () =>
            validValue(random, name, schema.items ?? {}, context, depth + 1),
          );
    default:
  }
  if (name === 'override' && random.chance(0.5))
    return structuredClone(random.pick(VALID_OVERRIDES));
  if (schema.properties) {
    const result: Record<string, unknown> = {};
    for (const [key, child] of Object.entries<Schema>(schema.properties)) {
      const required = (schema.required ?? []).includes(key);
      if (required || random.chance(name === 'override' ? 0.15 : 0.6)) {
        result[key] = validValue(random, key, child, context, depth + 1);
      }
    }
    return result;
  }
  // An object without properties (behavior, predictive, metrics items, ...): a small one.
  return depth > 3
    ? {}
    : random.pick([
        {},
        { enabled: true },
        { type: 'Resource', resource: 'cpu' },
        { scaleUp: { stabilizationWindowSeconds: 0 } },
      ]);
}

// ------------------------------------------------------------------ requests

interface Context {
  changeRequestIds: string[];
  /** The last version seen of each policy document (by its path), so some writes apply. */
  versions: Map<string, number>;
}

interface FuzzRequest {
  op: Operation;
  user: string | undefined;
  method: Operation['method'];
  url: string;
  /** Raw body bytes and their content type, or nothing. */
  body?: { data: string | Buffer; contentType: string; encoding?: string };
  /** Fields of the documents this request mutated (`<op> body.<field>`, `<op> query.<name>`). */
  mutated: string[];
  what: string;
}

/** Percent-encodes every UTF-16 unit; a lone surrogate becomes bytes that are not UTF-8. */
function encodeLoose(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff)
      out += `%ED%${(0xa0 + ((code >> 6) & 0x1f))
        .toString(16)
        .toUpperCase()}%${(0x80 + (code & 0x3f)).toString(16).toUpperCase()}`;
    else
      out += encodeURIComponent(ch).replace(
        /[!'()*]/g,
        c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      );
  }
  return out;
}

/** A path parameter: usually a value that exists, often a hostile one. */
function pathValue(
  random: Random,
  op: Operation,
  param: Param,
  context: Context,
  level: string | undefined,
  clean: boolean,
): string {
  if (!clean && random.chance(0.25)) {
    const hostile = random.pick(HOSTILE_STRINGS);
    // Now and then unencoded, as a client that forgot to encode would send it.
    return random.chance(0.1) && !/[/?#]/.test(hostile)
      ? hostile.replace(/[^\x21-\x7e]/g, c => encodeLoose(c))
      : encodeLoose(hostile);
  }
  let value: string;
  switch (param.name) {
    case 'id':
      value = op.template.startsWith('/workloads')
        ? random.pick([
            WORKLOAD,
            WORKLOAD,
            'sim/acme-production/Deployment/nope',
          ])
        : random.pick([...context.changeRequestIds, 'nope']);
      break;
    case 'namespace':
      value = random.pick(['default', 'other']);
      break;
    case 'kind':
      value = random.pick(['component', 'Component', 'group']);
      break;
    case 'level':
      value = random.pick([
        'global',
        'environment',
        'tier',
        'tenant',
        'service',
        'planet',
      ]);
      break;
    case 'name':
      if (op.template.startsWith('/policies')) {
        const byLevel: Record<string, string[]> = {
          global: ['default'],
          environment: ['production', 'staging'],
          tier: ['enterprise', 'premium', 'basic'],
          tenant: ['acme', 'globex', 'group:default/initech'],
          service: [CHECKOUT, LEDGER, 'component:default/catalog-search'],
        };
        value = random.pick(byLevel[level ?? ''] ?? ['default']);
      } else {
        value = random.pick([
          'acme',
          'globex',
          'initech',
          'checkout-api',
          'nope',
        ]);
      }
      break;
    default:
      value = 'x';
  }
  return encodeURIComponent(value);
}

function queryString(
  random: Random,
  op: Operation,
  context: Context,
  mutated: string[],
  clean: boolean,
): string {
  const parts: string[] = [];
  for (const param of op.params.filter(p => p.in === 'query')) {
    const roll = random.next();
    if (roll < 0.25 && !param.required) continue;
    if (roll < 0.65 || clean) {
      parts.push(
        `${param.name}=${encodeURIComponent(
          String(validValue(random, param.name, param.schema, context)),
        )}`,
      );
      continue;
    }
    mutated.push(`${op.key} query.${param.name}`);
    switch (random.int(0, 5)) {
      case 0:
        parts.push(`${param.name}[]=1&${param.name}[]=2`);
        break;
      case 1:
        parts.push(`${param.name}[$ne]=x&${param.name}[__proto__][a]=1`);
        break;
      case 2:
        parts.push(`${param.name}=1&${param.name}=2`);
        break;
      case 3:
        parts.push(
          `${param.name}=${encodeLoose(String(random.pick(BOUNDARY_NUMBERS)))}`,
        );
        break;
      default:
        parts.push(
          `${param.name}=${encodeLoose(random.pick(HOSTILE_STRINGS))}`,
        );
    }
  }
  if (clean) return parts.length ? `?${parts.join('&')}` : '';
  if (random.chance(0.1))
    parts.push(
      `${encodeLoose(random.pick(HOSTILE_STRINGS)) || 'x'}=${encodeLoose(
        random.pick(HOSTILE_STRINGS),
      )}`,
    );
  if (random.chance(0.03)) parts.push(`deep${'[a]'.repeat(200)}=1`);
  if (random.chance(0.03))
    parts.push(Array.from({ length: 2000 }, (_, i) => `p${i}=${i}`).join('&'));
  return parts.length ? `?${parts.join('&')}` : '';
}

const OVERSIZED = [
  // Just over the JSON parser's 100 KB, over the governance limit of 256 KB, and 2 MB.
  JSON.stringify({ reason: 'r'.repeat(110_000) }),
  JSON.stringify({ override: { x: 'o'.repeat(300_000) } }),
  `{"padding":"${'p'.repeat(2_000_000)}"}`,
];

/** A body from the schema with some of its fields mutated, or a mutated whole body. */
function bodyOf(
  random: Random,
  op: Operation,
  context: Context,
  mutated: string[],
  url: string,
  clean: boolean,
): FuzzRequest['body'] {
  const json = (value: unknown) => ({
    data: jsonText(value),
    contentType: 'application/json',
  });
  if (!op.body) {
    // A body on a GET is parsed too: now and then send one.
    return !clean && random.chance(0.05)
      ? json(hostileValue(random, {}))
      : undefined;
  }
  const body = validValue(random, 'body', op.body, context) as Record<
    string,
    unknown
  >;
  const known = context.versions.get(url);
  if (
    op.key === 'PUT /policies/{level}/{name}' &&
    known !== undefined &&
    random.chance(0.8)
  )
    body.version = known;
  const roll = random.next();
  if (clean || roll < 0.2) return json(body); // as documented
  if (roll < 0.8) {
    // One to three fields (also inside the override) replaced, removed or added.
    for (let n = random.int(1, 3); n > 0; n--) {
      const fields = Object.entries<Schema>(op.body.properties ?? {});
      const [field, schema] = random.pick(fields);
      mutated.push(`${op.key} body.${field}`);
      const inner =
        schema.properties && random.chance(0.6)
          ? random.pick(Object.entries<Schema>(schema.properties))
          : undefined;
      if (inner) {
        const target = (
          typeof body[field] === 'object' &&
          body[field] !== null &&
          !Array.isArray(body[field])
            ? body[field]
            : (body[field] = {})
        ) as Record<string, unknown>;
        mutated.push(`${op.key} body.${field}.${inner[0]}`);
        target[inner[0]] = hostileValue(random, inner[1]);
      } else if (random.chance(0.15)) {
        delete body[field];
      } else {
        body[field] = hostileValue(random, schema);
      }
    }
    if (random.chance(0.15))
      body[random.pick(HOSTILE_STRINGS)] = random.pick(HOSTILE_STRINGS);
    return json(body);
  }
  mutated.push(`${op.key} body`);
  const text = jsonText(body);
  switch (random.int(0, 11)) {
    case 0:
      return { data: random.pick(OVERSIZED), contentType: 'application/json' };
    case 1:
      return {
        data: text.slice(0, random.int(0, text.length - 1)),
        contentType: 'application/json',
      };
    case 2:
      return json(random.pick([[body], 'x', 42, null, true, []]));
    case 3:
      return {
        data: `{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},${text.slice(
          1,
        )}`,
        contentType: 'application/json',
      };
    case 4:
      // Duplicate keys: the last one wins in JSON.parse.
      return {
        data: `${text.slice(0, -1)}${
          text.length > 2 ? ',' : ''
        }"reason":"\\ud800","comment":"\\u0000"}`,
        contentType: 'application/json',
      };
    case 5:
      return {
        data: Buffer.concat([
          Buffer.from('{"reason":"'),
          Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]),
          Buffer.from('"}'),
        ]),
        contentType: 'application/json',
      };
    case 6:
      return {
        data: text,
        contentType: random.pick([
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/json; charset=utf-16',
          'application/json; charset=latin1',
          'application/xml',
        ]),
      };
    case 7:
      return {
        data: text,
        contentType: 'application/json',
        encoding: random.pick([
          'gzip',
          'deflate',
          'br',
          'identity, gzip',
          'compress',
        ]),
      };
    case 8:
      return json(deepJson(random));
    case 9:
      return json({ ...body, extra: wideJson(random) });
    case 10:
      return { data: '', contentType: 'application/json' };
    default:
      return { data: `\ufeff${text}`, contentType: 'application/json' };
  }
}

const USERS = [
  'pat',
  'pat',
  'pat',
  'priya',
  'alice',
  'alice',
  'bob',
  'bob',
  'gus',
  'gina',
  'eve',
  'guest',
  'service',
  'none',
  'bad-token',
] as const;

function authorization(user: string): string | undefined {
  if (user === 'none') return undefined;
  if (user === 'bad-token') return 'Bearer not-a-token';
  if (user === 'service') return mockCredentials.service.header();
  if (user === 'guest') return mockCredentials.user.header(GUEST_REF);
  return mockCredentials.user.header(`user:default/${user}`);
}

function generate(
  random: Random,
  index: number,
  context: Context,
): FuzzRequest {
  // Every operation in turn, so each gets the same share of the run.
  const op = operations[index % operations.length];
  const mutated: string[] = [];
  // A quarter of the requests are as documented, by a user who may do something, so the
  // routes' success paths are fuzzed too (and leave state for the others to meet).
  const clean = random.chance(0.25);
  let level: string | undefined;
  const url = op.template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const param = op.params.find(p => p.name === name)!;
    const value = pathValue(random, op, param, context, level, clean);
    if (name === 'level') level = value;
    return value;
  });
  const query = queryString(random, op, context, mutated, clean);
  const body = bodyOf(random, op, context, mutated, url, clean);
  const user = clean
    ? random.pick(['pat', 'alice', 'bob', 'priya'])
    : random.pick(USERS);
  let bodyText = '';
  if (body)
    bodyText =
      typeof body.data === 'string'
        ? body.data
        : `<bytes ${body.data.toString('hex')}>`;
  return {
    op,
    user,
    method: op.method,
    url: `${url}${query}`,
    body,
    mutated,
    what: `#${index} ${user} ${op.method.toUpperCase()} ${url}${query} ${bodyText.slice(
      0,
      300,
    )}${bodyText.length > 300 ? `… (${bodyText.length} chars)` : ''}`,
  };
}

async function send(server: any, r: FuzzRequest): Promise<request.Response> {
  let req = request(server)[r.method](`${API}${r.url}`);
  const auth = authorization(r.user!);
  if (auth) req = req.set('Authorization', auth);
  if (r.body) {
    req = req.set('Content-Type', r.body.contentType);
    if (r.body.encoding) req = req.set('Content-Encoding', r.body.encoding);
    req = req.send(r.body.data);
  }
  return req.ok(() => true);
}

// ------------------------------------------------------------------ tables

const isSqlite = (knex: Knex) =>
  String(knex.client.config.client).includes('sqlite');

async function tablesOf(
  knex: Knex,
): Promise<Array<{ name: string; columns: string[] }>> {
  const names: string[] = isSqlite(knex)
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
  const tables = [];
  for (const name of names.sort()) {
    const columns = isSqlite(knex)
      ? (await knex.raw(`PRAGMA table_info("${name}")`)).map(
          (c: { name: string }) => c.name,
        )
      : [];
    tables.push({ name, columns });
  }
  return tables;
}

/**
 * Row count and a hash of the rows of every table, in one query: on PostgreSQL md5 of the
 * sorted row texts, on SQLite the rows (every column quoted, sorted) concatenated and hashed
 * here.
 */
async function snapshot(
  knex: Knex,
  tables: Array<{ name: string; columns: string[] }>,
): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  if (!isSqlite(knex)) {
    const sql = tables
      .map(
        () =>
          `SELECT ? AS name, count(*) AS n, md5(coalesce(string_agg(r::text, E'\\n' ORDER BY r::text), '')) AS hash FROM ?? r`,
      )
      .join(' UNION ALL ');
    const { rows } = await knex.raw(
      sql,
      tables.flatMap(t => [t.name, t.name]),
    );
    for (const row of rows)
      result[row.name] = `${row.n} rows, md5 ${String(row.hash).slice(0, 16)}`;
    return result;
  }
  const sql = tables
    .map(t => {
      const row = t.columns.map(c => `quote("${c}")`).join(` || ',' || `);
      return `SELECT '${t.name}' AS name, count(*) AS n, coalesce(group_concat(row, char(10)), '') AS text FROM (SELECT ${row} AS row FROM "${t.name}" ORDER BY 1)`;
    })
    .join(' UNION ALL ');
  for (const row of await knex.raw(sql)) {
    result[row.name] = `${row.n} rows, sha256 ${createHash('sha256')
      .update(row.text)
      .digest('hex')
      .slice(0, 16)}`;
  }
  return result;
}

function changedTables(
  before: Record<string, string>,
  after: Record<string, string>,
): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names]
    .filter(n => before[n] !== after[n])
    .map(n => `${n}: ${before[n]} → ${after[n]}`);
}

/** A stale-version policy write is refused and audited (one policy.update row): by design. */
const auditedRejection = (r: FuzzRequest, status: number) =>
  status === 409 && r.op.key === 'PUT /policies/{level}/{name}';

// ------------------------------------------------------------------ the test

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('API fuzz on %p', databaseId => {
  let knex: Knex;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  const context: Context = { changeRequestIds: [], versions: new Map() };

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
              policies: { globalDefault: { minReplicas: 2, maxReplicas: 10 } },
            },
          },
        }),
      ],
    });
    const server = backend.server;
    const as = (user: string) =>
      mockCredentials.user.header(`user:default/${user}`);
    const seeded = (res: request.Response, status: number) => {
      if (res.status !== status)
        throw new Error(`seeding failed: ${res.status} ${res.text}`);
      return res;
    };
    const put = (user: string, body: object) =>
      request(server)
        .put(`${API}/policies/service/${encodeURIComponent(CHECKOUT)}`)
        .set('Authorization', as(user))
        .send(body);
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
    context.changeRequestIds.push(pending.body.changeRequest.id);

    const store = new EngineStore(knex);
    const now = Date.now();
    const [cluster, namespace, , name] = WORKLOAD.split('/');
    await store.upsertWorkload(
      {
        id: WORKLOAD,
        entityRef: CHECKOUT,
        cluster,
        namespace,
        kind: 'Deployment',
        name,
        tenant: 'acme',
        environment: 'production',
        tier: 'enterprise',
      },
      { podCpuRequest: 0.5 },
      null,
      now,
    );
    for (const [i, [from, to]] of [
      [2, 4],
      [4, 3],
    ].entries()) {
      const at = new Date(now - (10 - i) * 60_000).toISOString();
      await store.recordDecision({
        workloadId: WORKLOAD,
        at,
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
        at,
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

  it(`answers ${REQUESTS} generated requests (seed ${SEED}) without a 5xx, a blocked event loop or a change after a rejection`, async () => {
    const random = prng(SEED);
    const serverErrors: string[] = [];
    const blocked: string[] = [];
    const changedByRejection: string[] = [];
    const statuses = new Map<string, Map<number, number>>();
    const mutatedFields = new Set<string>();

    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const maxDelayOf = async (r: FuzzRequest) => {
      delay.reset();
      const res = await send(backend.server, r);
      return { res, ms: delay.max / 1e6 };
    };

    const tables = await tablesOf(knex);
    expect(tables.map(t => t.name)).toEqual(
      expect.arrayContaining([
        'audit_events',
        'change_requests',
        'decisions',
        'policy_documents',
        'workloads',
      ]),
    );
    let before = await snapshot(knex, tables);
    for (let i = 0; i < REQUESTS; i++) {
      const r = generate(random, i, context);
      r.mutated.forEach(f => mutatedFields.add(f));
      let { res, ms } = await maxDelayOf(r);
      const after = await snapshot(knex, tables);

      const counts = statuses.get(r.op.key) ?? new Map<number, number>();
      counts.set(res.status, (counts.get(res.status) ?? 0) + 1);
      statuses.set(r.op.key, counts);
      if (res.status >= 500)
        serverErrors.push(
          `${res.status} ${res.text.slice(0, 300)} ← ${r.what}`,
        );
      if (res.status >= 400 && res.status < 500) {
        const changed = changedTables(before, after);
        const allowed = auditedRejection(r, res.status)
          ? changed.filter(c => !c.startsWith('audit_'))
          : changed;
        if (allowed.length)
          changedByRejection.push(
            `${res.status} changed ${allowed.join('; ')} ← ${r.what}`,
          );
      }
      if (res.status === 202 && res.body?.changeRequest?.id)
        context.changeRequestIds.push(res.body.changeRequest.id);
      const version = res.body?.document?.version ?? res.body?.version;
      if (
        res.status === 200 &&
        r.op.template === '/policies/{level}/{name}' &&
        typeof version === 'number'
      ) {
        context.versions.set(r.url.split('?')[0], version);
      }
      before = after;

      // Again, up to three times, to tell a request that blocks (every time, on any machine) from
      // a machine busy with something else (a pause now and then: CI runs test files in parallel).
      for (let retry = 0; retry < BLOCKED_RETRIES && ms > BLOCKED_MS; retry++) {
        ({ res, ms } = await maxDelayOf(r));
        before = await snapshot(knex, tables);
      }
      if (ms > BLOCKED_MS) blocked.push(`${ms.toFixed(0)} ms ← ${r.what}`);
    }
    delay.disable();

    expect(serverErrors).toEqual([]);
    expect(blocked).toEqual([]);
    expect(changedByRejection).toEqual([]);

    // Every documented operation was exercised, with a 4xx and with something else.
    expect([...statuses.keys()].sort()).toEqual(
      operations.map(o => o.key).sort(),
    );
    // Every documented body field and query parameter was mutated.
    const documented = operations.flatMap(op => [
      ...op.params
        .filter(p => p.in === 'query')
        .map(p => `${op.key} query.${p.name}`),
      ...Object.keys(op.body?.properties ?? {}).map(f => `${op.key} body.${f}`),
    ]);
    expect(documented.filter(f => !mutatedFields.has(f))).toEqual([]);

    // The audit chain still verifies, and the server still serves.
    const verify = await request(backend.server)
      .get(`${API}/audit/verify`)
      .set('Authorization', mockCredentials.user.header('user:default/pat'));
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ ok: true, brokenTotal: 0 });
    const health = await request(backend.server).get(`${API}/health`);
    expect(health.status).toBe(200);

    // What the run saw, for the log.
    const summary = [...statuses.entries()]
      .map(
        ([key, counts]) =>
          `${key}: ${[...counts.entries()]
            .sort()
            .map(([s, n]) => `${s}×${n}`)
            .join(' ')}`,
      )
      .join('\n');
    // eslint-disable-next-line no-console
    console.log(
      `API fuzz, seed ${SEED}, ${REQUESTS} requests on ${databaseId}:\n${summary}`,
    );
  });
});
