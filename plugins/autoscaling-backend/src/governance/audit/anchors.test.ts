/**
 * Issue 15 item 2: deleting the last audit rows together with the chain head is detected,
 * against the checkpoints stored in audit_anchors, sent to the auditor and carried by exports.
 */
import {
  mockCredentials,
  mockServices,
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
import { ANCHOR_TABLE } from './anchors';
import { DatabaseAuditLog } from './AuditLog';
import { auditRowHash } from './canonical';

jest.setTimeout(120_000);

const as = (user: string) =>
  mockCredentials.user.header(`user:default/${user}`);
const enc = encodeURIComponent;

async function appendRows(log: DatabaseAuditLog, n: number) {
  const events = [];
  for (let i = 0; i < n; i++) {
    events.push(
      await log.append({
        actor: 'engine',
        action: 'engine.actuate',
        target: `w${i}`,
        before: null,
        after: { replicas: i },
        reason: 'cpu above target',
      }),
    );
  }
  return events;
}

/** What someone with write access to the tables does to hide the last rows. */
async function truncateTail(knex: Knex, keep: number) {
  await knex('audit_events').where('id', '>', keep).delete();
  const last = await knex('audit_events').where({ id: keep }).first();
  await knex('audit_chain_head')
    .where({ id: 1 })
    .update({ last_id: keep, last_hash: last.hash });
}

describe('audit chain anchors', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'detect a truncated tail with its head, %p',
    async id => {
      const knex = await migratedDatabase(databases, id);
      const auditor = mockServices.auditor.mock();
      const success = jest.fn();
      auditor.createEvent.mockResolvedValue({ success, fail: jest.fn() });
      const logger = mockServices.logger.mock();
      const log = new DatabaseAuditLog({
        knex,
        auditor,
        logger,
        checkpoint: { everyRows: 2 },
      });
      const events = await appendRows(log, 6);
      // Anchored at the first row (no anchor yet), then every two rows.
      const anchors = await knex(ANCHOR_TABLE).orderBy('id');
      expect(anchors.map(a => Number(a.last_id))).toEqual([1, 3, 5]);
      expect(auditor.createEvent).toHaveBeenCalledWith(
        expect.objectContaining({
          eventId: 'audit-checkpoint',
          meta: expect.objectContaining({
            rows: 5,
            headHash: events[4].hash,
            anchor: `5:${events[4].hash}`,
          }),
        }),
      );
      expect(logger.info).toHaveBeenCalledWith(
        expect.stringContaining(`head 5:${events[4].hash}`),
      );
      expect(await log.verify()).toEqual(
        expect.objectContaining({ ok: true, checked: 6 }),
      );

      // Rows 5 and 6 and the head: the head check alone passes, the anchor of row 5 does not.
      await truncateTail(knex, 4);
      const result = await log.verify();
      expect(result.ok).toBe(false);
      expect(result.firstBrokenId).toBe(5);
      expect(result.message).toMatch(
        /the log ends at row 4 but the checkpoint of .* recorded row 5: rows 5 to 5 were removed \(the tail was truncated\)/,
      );
      expect(result.anchor).toEqual(
        expect.objectContaining({ lastId: 5, hash: events[4].hash }),
      );
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'detect a rewritten chain and check an anchor kept elsewhere, %p',
    async id => {
      const knex = await migratedDatabase(databases, id);
      const log = new DatabaseAuditLog({ knex, checkpoint: { everyRows: 2 } });
      const events = await appendRows(log, 6);
      const external = { lastId: 6, hash: events[5].hash };
      expect(await log.verify({ anchor: external })).toEqual(
        expect.objectContaining({ ok: true }),
      );

      // Rows 3..6 rewritten with recomputed hashes and a matching head: only anchors notice.
      let prev = events[1].hash;
      for (let rowId = 3; rowId <= 6; rowId++) {
        const row = await knex('audit_events').where({ id: rowId }).first();
        const hash = auditRowHash(prev, {
          id: rowId,
          at: row.at,
          actor: 'user:default/mallory',
          action: row.action,
          target: row.target,
          before: JSON.parse(row.before_json),
          after: JSON.parse(row.after_json),
          reason: row.reason,
        });
        await knex('audit_events')
          .where({ id: rowId })
          .update({ actor: 'user:default/mallory', prev_hash: prev, hash });
        prev = hash;
      }
      await knex('audit_chain_head')
        .where({ id: 1 })
        .update({ last_hash: prev });
      const rewritten = await log.verify({ anchor: external });
      expect(rewritten.broken.map(b => b.id)).toEqual([3, 5, 6]);
      expect(rewritten.broken[0].message).toMatch(
        /audit row 3 does not have the hash the checkpoint of .* recorded/,
      );
      expect(rewritten.broken[2].message).toMatch(
        /audit row 6 does not have the hash the given anchor recorded/,
      );

      // Whoever also empties audit_anchors is still caught by an anchor kept outside.
      await knex.destroy();
      const knex2 = await migratedDatabase(databases, id);
      const log2 = new DatabaseAuditLog({
        knex: knex2,
        checkpoint: { everyRows: 100 },
      });
      const events2 = await appendRows(log2, 3);
      const exported = await log2.checkpoint('export');
      expect(exported).toEqual(
        expect.objectContaining({
          lastId: 3,
          hash: events2[2].hash,
          source: 'export',
        }),
      );
      await truncateTail(knex2, 2);
      await knex2(ANCHOR_TABLE).delete();
      const log3 = new DatabaseAuditLog({ knex: knex2 });
      expect(await log3.verify()).toEqual(
        expect.objectContaining({ ok: true }),
      );
      expect(await log3.verify({ anchor: exported })).toEqual(
        expect.objectContaining({
          ok: false,
          firstBrokenId: 3,
          message: expect.stringMatching(
            /the given anchor recorded row 3: rows 3 to 3 were removed/,
          ),
        }),
      );
      await knex2.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'exports carry the anchor and verify takes it, %p',
    async id => {
      const knex = await databases.init(id);
      const backend = await startTestBackend({
        features: governanceTestFeatures({ knex }),
      });
      const server = backend.server;
      try {
        for (const [version, maxReplicas] of [
          [0, 11],
          [1, 12],
          [2, 13],
        ]) {
          const res = await request(server)
            .put(`/api/autoscaling/policies/service/${enc(CATALOG_SEARCH)}`)
            .set('Authorization', as('bob'))
            .send({ override: { maxReplicas }, version, reason: 'step' });
          expect(res.status).toBe(200);
        }
        const exported = await request(server)
          .get('/api/autoscaling/audit/export?format=csv')
          .set('Authorization', as('pat'));
        expect(exported.status).toBe(200);
        const anchor = exported.headers['x-audit-anchor'];
        const last = await knex('audit_events').orderBy('id', 'desc').first();
        expect(anchor).toBe(`3:${last.hash}`);
        expect(
          await knex(ANCHOR_TABLE).where({ source: 'export', last_id: 3 }),
        ).toHaveLength(1);

        const bad = await request(server)
          .get('/api/autoscaling/audit/verify?anchor=3:nothex')
          .set('Authorization', as('pat'));
        expect(bad.status).toBe(400);
        expect(bad.body.error.message).toMatch(
          /^anchor: must be <row id>:<64 hex digits>/,
        );

        await truncateTail(knex, 2);
        await knex(ANCHOR_TABLE).where('last_id', '>', 2).delete();
        const verify = await request(server)
          .get(`/api/autoscaling/audit/verify?anchor=${enc(anchor)}`)
          .set('Authorization', as('pat'));
        expect(verify.status).toBe(200);
        expect(verify.body).toEqual(
          expect.objectContaining({ ok: false, firstBrokenId: 3 }),
        );
      } finally {
        await backend.stop();
        await knex.destroy();
      }
    },
  );
});
