/**
 * Issue 15 item 1: text that enters the audit chain is validated (no lone surrogates, no
 * control characters, NFC) or rejected with a 400 naming the field; text from callers that
 * did not check it is made round-trip safe; verify reports every broken row.
 */
import {
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import request from 'supertest';
import {
  createTestDatabases,
  migratedDatabase,
} from '../__testUtils__/database';
import { CATALOG_SEARCH } from '../__testUtils__/fixtures';
import { governanceTestFeatures } from '../__testUtils__/testPlugin';
import { DatabaseAuditLog } from './AuditLog';

jest.setTimeout(120_000);

const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);
const enc = encodeURIComponent;
const API = '/api/autoscaling';

describe('audit text', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'rejects lone surrogates and control characters with a 400 naming the field, stores NFC, %p',
    async databaseId => {
      const knex: Knex = await databases.init(databaseId);
      const backend = await startTestBackend({
        features: governanceTestFeatures({ knex }),
      });
      const server = backend.server;
      try {
        const put = (body: object) =>
          request(server)
            .put(`${API}/policies/service/${enc(CATALOG_SEARCH)}`)
            .set('Authorization', as('bob'))
            .send(body);
        const bad: Array<[string, RegExp]> = [
          ['ok \ud800 x', /^reason: contains a lone UTF-16 surrogate/],
          ['ok \udc00', /^reason: contains a lone UTF-16 surrogate/],
          [
            'bell \u0007 ring',
            /^reason: contains the control character U\+0007/,
          ],
          [
            'nul \u0000 here',
            /^reason: contains the control character U\+0000/,
          ],
          ['c1 \u0085', /^reason: contains the control character U\+0085/],
        ];
        for (const [reason, message] of bad) {
          const res = await put({
            override: { cooldownSeconds: 30 },
            version: 0,
            reason,
          });
          expect([reason, res.status]).toEqual([reason, 400]);
          expect(res.body.error.message).toMatch(message);
        }
        expect(
          Number((await knex('audit_events').count({ n: '*' }))[0].n),
        ).toBe(0);

        // A decomposed é is stored composed; emoji and line breaks are fine.
        const ok = await put({
          override: { cooldownSeconds: 30 },
          version: 0,
          reason: 'cafe\u0301 🚀\nsecond line',
        });
        expect(ok.status).toBe(200);
        const trail = await request(server)
          .get(`${API}/audit`)
          .set('Authorization', as('pat'));
        expect(trail.body[0].reason).toBe('caf\u00e9 🚀\nsecond line');

        // Change-request comments are checked the same way.
        const big = await put({
          override: { cooldownSeconds: 30, maxReplicas: 75 },
          version: 1,
          reason: 'launch',
        });
        expect(big.status).toBe(202);
        const id = big.body.changeRequest.id;
        const reject = await request(server)
          .post(`${API}/change-requests/${id}/reject`)
          .set('Authorization', as('pat'))
          .send({ comment: 'no \ud83d' });
        expect(reject.status).toBe(400);
        expect(reject.body.error.message).toMatch(
          /^comment: contains a lone UTF-16 surrogate/,
        );
        const approve = await request(server)
          .post(`${API}/change-requests/${id}/approve`)
          .set('Authorization', as('pat'))
          .send({ comment: 'esc \u001b[31m' });
        expect(approve.status).toBe(400);
        expect(approve.body.error.message).toMatch(
          /^comment: contains the control character U\+001B/,
        );

        const verify = await request(server)
          .get(`${API}/audit/verify`)
          .set('Authorization', as('pat'));
        expect(verify.body).toEqual(
          expect.objectContaining({ ok: true, checked: 2 }),
        );
      } finally {
        await backend.stop();
        await knex.destroy();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps the chain verifiable for unchecked text from other callers, %p',
    async databaseId => {
      const knex = await migratedDatabase(databases, databaseId);
      const log = new DatabaseAuditLog({ knex });
      const event = await log.append({
        actor: 'user:default/bob',
        action: 'workload.scale',
        target: 'component:default/checkout-api',
        before: { note: 'lone \ud800 in JSON is escaped' },
        after: { replicas: 3 },
        reason: 'ok \ud800 x \u0000 cafe\u0301',
      });
      expect(event.reason).toBe('ok \uFFFD x \uFFFD caf\u00e9');
      const [stored] = await log.query();
      expect(stored.reason).toBe(event.reason);
      expect(stored.before).toEqual({ note: 'lone \ud800 in JSON is escaped' });
      expect(await log.verify()).toEqual(
        expect.objectContaining({ ok: true, checked: 1 }),
      );
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'verify reports every broken row, %p',
    async databaseId => {
      const knex = await migratedDatabase(databases, databaseId);
      const log = new DatabaseAuditLog({ knex });
      for (let i = 0; i < 8; i++) {
        await log.append({
          actor: 'engine',
          action: 'engine.actuate',
          target: `w${i}`,
          before: null,
          after: { replicas: i },
          reason: 'cpu above target',
        });
      }
      await knex('audit_events').where({ id: 2 }).update({ reason: 'edited' });
      await knex('audit_events').where({ id: 5 }).delete();
      await knex('audit_events')
        .where({ id: 7 })
        .update({ actor: 'user:default/mallory' });
      const result = await log.verify();
      expect(result.ok).toBe(false);
      expect(result.firstBrokenId).toBe(2);
      expect(result.checked).toBe(7);
      expect(result.broken.map(b => b.id)).toEqual([2, 5, 7]);
      expect(result.brokenTotal).toBe(3);
      expect(result.message).toMatch(
        /^3 problems in the audit log: audit row 2 was modified/,
      );
      expect(result.message).toContain('audit row 5 is missing');
      expect(result.message).toContain('audit row 7 was modified');
      await knex.destroy();
    },
  );
});
