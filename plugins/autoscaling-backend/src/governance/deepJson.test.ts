/**
 * Issue 15 item 8: deeply nested or huge JSON is refused with a 400 naming the field before
 * any recursive code (schema, diffOverrides, canonical JSON) runs, and the event loop stays
 * responsive while such requests arrive.
 */
import {
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { assertJsonShape, jsonShapeProblem } from '../util/jsonShape';
import { canonicalJson } from './audit/canonical';
import { diffOverrides } from './guardrails';
import { CHECKOUT } from './__testUtils__/fixtures';
import { governanceTestFeatures } from './__testUtils__/testPlugin';

jest.setTimeout(120_000);

const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);
const enc = encodeURIComponent;

/** `{"a":{"a":...{}}}` nested `levels` deep, as raw JSON text. */
const deepObject = (levels: number) =>
  `${'{"a":'.repeat(levels)}{}${'}'.repeat(levels)}`;

describe('deep and huge JSON', () => {
  it('checks shape iteratively and names the path', () => {
    const deep = JSON.parse(deepObject(100_000));
    expect(jsonShapeProblem(deep)).toEqual({
      path: expect.any(Array),
      message: 'is nested more than 32 levels deep',
    });
    expect(() => assertJsonShape({ override: deep }, '')).toThrow(
      /^override\.a\.a\.a\.…: is nested more than 32 levels deep$/,
    );
    expect(() =>
      assertJsonShape({ list: Array.from({ length: 30_000 }, () => 1) }, ''),
    ).toThrow(/^request body: has more than 2000 values$/);
    expect(jsonShapeProblem({ a: [1, { b: 'x' }], c: null })).toBeUndefined();
  });

  it('answers 400 naming the field on validate and update, never a 500, and keeps /validate fast', async () => {
    const backend = await startTestBackend({
      features: governanceTestFeatures(),
    });
    const server = backend.server;
    try {
      const base = `/api/autoscaling/policies/service/${enc(CHECKOUT)}`;
      const body = (levels: number) =>
        `{"override":{"maxReplicas":5,"extra":${deepObject(
          levels,
        )}},"version":0,"reason":"deep"}`;
      for (const [method, path] of [
        ['post', `${base}/validate`],
        ['put', base],
      ] as const) {
        const res = await request(server)
          [method](path)
          .set('Authorization', as('bob'))
          .set('Content-Type', 'application/json')
          .send(body(10_000));
        expect([path, res.status]).toEqual([path, 400]);
        expect(res.body.error.message).toMatch(
          /^override\.extra\.a\.a\.…: is nested more than 32 levels deep/,
        );
      }
      // Deep arrays as well.
      const arrays = await request(server)
        .post(`${base}/validate`)
        .set('Authorization', as('bob'))
        .set('Content-Type', 'application/json')
        .send(
          `{"override":{"schedules":${'['.repeat(5000)}${']'.repeat(5000)}}}`,
        );
      expect(arrays.status).toBe(400);
      expect(arrays.body.error.message).toMatch(
        /^override\.schedules\.0\.0\.…: is nested/,
      );

      // Twenty 50 KB requests at once are all refused.
      const all = await Promise.all(
        Array.from({ length: 20 }, () =>
          request(server)
            .post(`${base}/validate`)
            .set('Authorization', as('bob'))
            .set('Content-Type', 'application/json')
            .send(body(8_000)),
        ),
      );
      expect(all.map(r => r.status)).toEqual(Array(20).fill(400));

      // A body over 256 KB is 413 before it is parsed.
      const huge = await request(server)
        .post(`${base}/validate`)
        .set('Authorization', as('bob'))
        .send({ override: { maxReplicas: 5 }, reason: 'x'.repeat(300_000) });
      expect(huge.status).toBe(413);
    } finally {
      await backend.stop();
    }
  });
});

describe('recursive helpers refuse deep values instead of overflowing the stack', () => {
  it('diffOverrides and canonicalJson', () => {
    const deep = JSON.parse(deepObject(10_000));
    expect(() => diffOverrides({}, { extra: deep })).toThrow(
      /^override\.extra\.a\.a\.a\.…: is nested more than 32 levels deep$/,
    );
    expect(() => canonicalJson(deep)).toThrow(
      /nested more than 256 levels deep/,
    );
  });
});
