import { isDatabaseConflictError } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import type {
  PolicyDocument,
  PolicyLevel,
  PolicyOverride,
  PolicyTarget,
} from '@internal/plugin-autoscaling-common';
import type { Knex } from 'knex';

interface DocumentRow {
  level: string;
  name: string;
  version: number;
  override_json: string;
  updated_by: string | null;
  updated_at: string | null;
}

export interface PolicyVersion extends PolicyDocument {
  reason: string | null;
  changeRequestId: string | null;
}

function toDocument(row: DocumentRow): PolicyDocument {
  return {
    target: { level: row.level as PolicyLevel, name: row.name },
    version: Number(row.version),
    override: JSON.parse(row.override_json),
    updatedBy: row.updated_by,
    updatedAt: row.updated_at,
  };
}

/** A document that was never saved: version 0, empty override. */
export function emptyDocument(target: PolicyTarget): PolicyDocument {
  return { target, version: 0, override: {}, updatedBy: null, updatedAt: null };
}

export interface PolicyWrite {
  target: PolicyTarget;
  /** The version the writer read; 0 for a document that does not exist yet. */
  expectedVersion: number;
  override: PolicyOverride;
  actor: string;
  at: string;
  reason: string;
  changeRequestId?: string;
}

/**
 * One document per (level, name) with a version for optimistic concurrency, and every
 * version kept in `policy_versions`. A write names the version it read: the row is only
 * updated `WHERE version = expected`, so of two writers from the same version one wins and
 * the other gets a ConflictError (nothing is overwritten).
 */
export class PolicyStore {
  constructor(private readonly knex: Knex) {}

  async get(
    target: PolicyTarget,
    db: Knex = this.knex,
  ): Promise<PolicyDocument | undefined> {
    const row = await db<DocumentRow>('policy_documents')
      .where({ level: target.level, name: target.name })
      .first();
    return row ? toDocument(row) : undefined;
  }

  async getOrEmpty(
    target: PolicyTarget,
    db: Knex = this.knex,
  ): Promise<PolicyDocument> {
    return (await this.get(target, db)) ?? emptyDocument(target);
  }

  /** Several documents in one query; missing ones are absent from the result. */
  async getMany(targets: PolicyTarget[]): Promise<PolicyDocument[]> {
    if (targets.length === 0) return [];
    const rows = await this.knex<DocumentRow>('policy_documents').where(
      builder => {
        for (const t of targets)
          builder.orWhere({ level: t.level, name: t.name });
      },
    );
    return rows.map(toDocument);
  }

  async list(level?: PolicyLevel): Promise<PolicyDocument[]> {
    let q = this.knex<DocumentRow>('policy_documents');
    if (level) q = q.where({ level });
    return (await q.orderBy(['level', 'name'])).map(toDocument);
  }

  async history(target: PolicyTarget): Promise<PolicyVersion[]> {
    const rows = await this.knex('policy_versions')
      .where({ level: target.level, name: target.name })
      .orderBy('version', 'desc');
    return rows.map(row => ({
      ...toDocument(row),
      reason: row.reason,
      changeRequestId: row.change_request_id,
    }));
  }

  /**
   * The latest version written by an approved change request, or undefined when the document
   * never had one. Guardrails measure changes from it, so small unapproved steps add up.
   */
  async lastApproved(
    target: PolicyTarget,
    db: Knex = this.knex,
  ): Promise<PolicyVersion | undefined> {
    const row = await db('policy_versions')
      .where({ level: target.level, name: target.name })
      .whereNotNull('change_request_id')
      .orderBy('version', 'desc')
      .first();
    return row
      ? {
          ...toDocument(row),
          reason: row.reason,
          changeRequestId: row.change_request_id,
        }
      : undefined;
  }

  /** Writes the next version inside `trx`; throws ConflictError on a stale version. */
  async write(
    trx: Knex.Transaction,
    write: PolicyWrite,
  ): Promise<PolicyDocument> {
    const { target, expectedVersion } = write;
    const version = expectedVersion + 1;
    const values = {
      version,
      override_json: JSON.stringify(write.override),
      updated_by: write.actor,
      updated_at: write.at,
    };
    const stale = async () => {
      const current = await this.get(target, trx).catch(() => undefined);
      return new ConflictError(
        `The ${target.level} policy "${
          target.name
        }" changed since version ${expectedVersion} (now version ${
          current?.version ?? 'unknown'
        }); reload it and apply your change again`,
      );
    };
    if (expectedVersion === 0) {
      try {
        await trx('policy_documents').insert({
          level: target.level,
          name: target.name,
          ...values,
        });
      } catch (error) {
        if (isDatabaseConflictError(error)) throw await stale();
        throw error;
      }
    } else {
      const updated = await trx('policy_documents')
        .where({
          level: target.level,
          name: target.name,
          version: expectedVersion,
        })
        .update(values);
      if (updated !== 1) throw await stale();
    }
    await trx('policy_versions').insert({
      level: target.level,
      name: target.name,
      ...values,
      reason: write.reason,
      change_request_id: write.changeRequestId ?? null,
    });
    return {
      target,
      version,
      override: write.override,
      updatedBy: write.actor,
      updatedAt: write.at,
    };
  }
}
