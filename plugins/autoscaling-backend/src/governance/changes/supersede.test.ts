import { mockServices } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Knex } from 'knex';
import { DatabaseAuditLog } from '../audit/AuditLog';
import { DEFAULT_GOVERNANCE_CONFIG } from '../config';
import { GovernanceService } from '../GovernanceService';
import { CatalogTargetResolver } from '../targets';
import {
  createTestDatabases,
  migratedDatabase,
} from '../__testUtils__/database';
import { CHECKOUT, testEntities } from '../__testUtils__/fixtures';
import { VERSION_CHECK_ACTOR } from './supersede';

jest.setTimeout(60_000);

const bob = { ref: 'user:default/bob' };
const alice = { ref: 'user:default/alice' };
const pat = { ref: 'user:default/pat' };

function setup(knex: Knex) {
  const notifications = { send: jest.fn().mockResolvedValue(undefined) };
  const auditLog = new DatabaseAuditLog({ knex });
  let now = Date.parse('2026-11-22T12:00:00Z');
  const governance = new GovernanceService({
    knex,
    logger: mockServices.logger.mock(),
    config: DEFAULT_GOVERNANCE_CONFIG,
    targets: new CatalogTargetResolver({
      catalog: catalogServiceMock({ entities: testEntities }),
      auth: mockServices.auth(),
    }),
    auditLog,
    notifications,
    demandHistory: jest.fn(async () => []),
    clock: () => new Date((now += 1000)),
  });
  return { governance, auditLog, notifications };
}

describe('a stale change request', () => {
  const databases = createTestDatabases();

  it('is superseded by the version check, not the approver, and its requester is told', async () => {
    const knex = await migratedDatabase(databases, 'SQLITE_3');
    const { governance, auditLog, notifications } = setup(knex);
    const ctx = await governance.contextFor('service', CHECKOUT);
    const result = await governance.update(
      ctx,
      { override: { mode: 'off' }, version: 0, reason: 'pause' },
      bob,
    );
    expect(result.status).toBe('pending-approval');
    const requestId = (result as any).changeRequest.id;
    await governance.update(
      ctx,
      { override: { minReplicas: 1 }, version: 0, reason: 'tweak' },
      alice,
    );

    await expect(
      governance.approve(requestId, pat, 'looks fine'),
    ).rejects.toThrow(ConflictError);
    const after = await governance.getChangeRequest(requestId);
    expect(after).toEqual(
      expect.objectContaining({
        status: 'superseded',
        decidedBy: VERSION_CHECK_ACTOR,
      }),
    );
    expect(after.comment).toBe(
      `Superseded by the policy version check: the request was made against version 0 of the service policy "${CHECKOUT}", which is now at version 1. Found when user:default/pat tried to approve it; nothing was applied. Their comment: looks fine`,
    );
    expect(notifications.send).toHaveBeenLastCalledWith(
      expect.objectContaining({
        recipients: { type: 'entity', entityRef: bob.ref },
        payload: expect.objectContaining({
          title: `Superseded: service policy ${CHECKOUT}`,
          description: expect.stringMatching(
            /made against version 0; the policy is now at version 1/,
          ),
        }),
      }),
    );
    // The audit row is the approver's attempt, refused.
    const last = (await auditLog.query({ limit: 1 }))[0];
    expect(last).toEqual(
      expect.objectContaining({ action: 'change.approve', actor: pat.ref }),
    );
    expect(last.reason).toMatch(/^refused: the policy changed/);

    // A second attempt finds it already superseded (by the system) and tells no one again.
    notifications.send.mockClear();
    await expect(governance.approve(requestId, pat, null)).rejects.toThrow(
      `already superseded (by ${VERSION_CHECK_ACTOR})`,
    );
    expect(notifications.send).not.toHaveBeenCalled();
    await knex.destroy();
  });
});
