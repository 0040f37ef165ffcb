/**
 * Issue 15 item 9: a reason of only invisible characters is refused, and an entity ref with a
 * NUL, an emoji or other characters the catalog refuses gives a 400 naming the field (not the
 * catalog's "ResponseError: Request failed with 400 Bad Request"). Text filters and ids with
 * NUL are 400s on PostgreSQL too, not database errors.
 */
import {
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import request from 'supertest';
import { createTestDatabases } from './__testUtils__/database';
import { CHECKOUT } from './__testUtils__/fixtures';
import { governanceTestFeatures } from './__testUtils__/testPlugin';
import { normaliseEntityRef } from './targets';

jest.setTimeout(120_000);

const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);
const enc = encodeURIComponent;
const API = '/api/autoscaling';

describe('invisible reasons and hostile entity refs', () => {
  it('normaliseEntityRef refuses what the catalog refuses, saying which part', () => {
    expect(normaliseEntityRef('Component:default/checkout-api')).toBe(CHECKOUT);
    expect(() =>
      normaliseEntityRef('component:default/check\u0000out'),
    ).toThrow(/^name "check\\u0000out" is not an entity name/);
    expect(() => normaliseEntityRef('component:default/💥')).toThrow(
      /^name "💥" is not an entity name/,
    );
    expect(() => normaliseEntityRef('comp💥nent:default/x')).toThrow(
      /^kind "comp💥nent" is not an entity kind/,
    );
    expect(() => normaliseEntityRef('component:de fault/x')).toThrow(
      /^namespace "de fault" is not an entity namespace/,
    );
  });

  describe.each(createTestDatabases().eachSupportedId())(
    'on %p',
    databaseId => {
      const databases = createTestDatabases();
      let knex: Knex;
      beforeEach(async () => {
        knex = await databases.init(databaseId);
      });
      afterEach(async () => {
        await knex.destroy();
      });

      it('answers 400 naming the field', async () => {
        const backend = await startTestBackend({
          features: governanceTestFeatures({ knex }),
        });
        const server = backend.server;
        try {
          const reasons = [
            '\u200b\u200b\u200b',
            '\u200d\ufeff',
            ' \u2800 \u3164 ',
            '\u2060\u00a0',
          ];
          for (const reason of reasons) {
            const res = await request(server)
              .put(`${API}/policies/service/${enc(CHECKOUT)}`)
              .set('Authorization', as('bob'))
              .send({ override: { cooldownSeconds: 30 }, version: 0, reason });
            expect([JSON.stringify(reason), res.status]).toEqual([
              JSON.stringify(reason),
              400,
            ]);
            expect(res.body.error.message).toBe(
              'reason: has no visible characters',
            );
          }
          const created = await request(server)
            .put(`${API}/policies/service/${enc(CHECKOUT)}`)
            .set('Authorization', as('bob'))
            .send({
              override: { cooldownSeconds: 30, maxReplicas: 75 },
              version: 0,
              reason: 'launch',
            });
          expect(created.status).toBe(202);
          const reject = await request(server)
            .post(
              `${API}/change-requests/${created.body.changeRequest.id}/reject`,
            )
            .set('Authorization', as('pat'))
            .send({ comment: '\u200b\u200b' });
          expect(reject.status).toBe(400);
          expect(reject.body.error.message).toBe(
            'comment: has no visible characters',
          );

          const refs = [
            'component:default/check\u0000out',
            'component:default/💥',
            'component:default/a b',
            `component:default/${'x'.repeat(64)}`,
          ];
          for (const ref of refs) {
            const cases: Array<[string, RegExp]> = [
              [
                `/policies/effective?entityRef=${enc(ref)}`,
                /^entityRef: .* is not an entity ref: name /,
              ],
              [
                `/permissions?entityRef=${enc(ref)}`,
                /^entityRef: .* is not an entity ref: name /,
              ],
              [
                `/change-requests?entityRef=${enc(ref)}`,
                /^entityRef: .* is not an entity ref: name /,
              ],
              [
                `/policies/service/${enc(ref)}`,
                /^name: .* is not an entity ref .*: name /,
              ],
              [
                `/policies/service/${enc(ref)}/history`,
                /^name: .* is not an entity ref .*: name /,
              ],
            ];
            for (const [path, message] of cases) {
              const res = await request(server)
                .get(`${API}${path}`)
                .set('Authorization', as('pat'));
              expect([path, res.status]).toEqual([path, 400]);
              expect(res.body.error.message).toMatch(message);
              expect(res.body.error.message).not.toMatch(/ResponseError/);
            }
          }
          const tenant = await request(server)
            .get(`${API}/policies/tenant/${enc('ac\u0000me')}`)
            .set('Authorization', as('pat'));
          expect(tenant.status).toBe(400);
          expect(tenant.body.error.message).toMatch(
            /^name: "ac\\u0000me" is not a tenant name: name /,
          );

          for (const param of ['actor', 'target', 'entityRef']) {
            const res = await request(server)
              .get(`${API}/audit?${param}=${enc('x\u0000y')}`)
              .set('Authorization', as('pat'));
            expect([param, res.status]).toEqual([param, 400]);
            expect(res.body.error.message).toMatch(
              new RegExp(`^${param}: contains the control character U\\+0000`),
            );
          }
          for (const [method, path] of [
            ['get', `/change-requests/${enc('a\u0000b')}`],
            ['post', `/change-requests/${enc('a\u0000b')}/reject`],
          ] as const) {
            const res = await request(server)
              [method](`${API}${path}`)
              .set('Authorization', as('pat'))
              .send({ comment: 'no' });
            expect([path, res.status]).toEqual([path, 404]);
          }
          const count = Number(
            (await knex('audit_events').count({ n: '*' }))[0].n,
          );
          expect(count).toBe(1);
        } finally {
          await backend.stop();
        }
      });
    },
  );
});
