/**
 * Anchors of the audit chain: checkpoints of the chain head (last row id and its hash) kept
 * outside `audit_events` and `audit_chain_head`, so that deleting the last rows together with
 * the head no longer passes verify.
 *
 * Each checkpoint is written to the `audit_anchors` table, sent to the Backstage auditor
 * (`audit-checkpoint`) and logged, and every export carries the head it was made at
 * (`X-Audit-Anchor` header). The table lives in the same database, so someone who can delete
 * rows there can delete anchors too: the copies in the auditor log and in exports are what
 * survive that, and `GET /audit/verify?anchor=<id>:<hash>` checks the chain against one of
 * them.
 *
 * The table comes from the migration `20261203090000_audit_anchors`; `ensureAnchorTable` still
 * creates it on first use (never inside a caller's transaction) for stores opened without the
 * plugin's migrations, as some tests do.
 */
import type { Knex } from 'knex';

export const ANCHOR_TABLE = 'audit_anchors';

export type AnchorSource = 'checkpoint' | 'export' | 'manual';

export interface AuditAnchor {
  /** The last audit row id the chain had when anchored (its length). */
  lastId: number;
  /** The hash of that row. */
  hash: string;
  at: string;
  source: AnchorSource | string;
}

export interface CheckpointPolicy {
  /** Anchor once this many rows were appended since the last anchor. */
  everyRows: number;
  /** ... or once this much time passed since the last anchor (and rows were appended). */
  intervalMs: number;
}

export const DEFAULT_CHECKPOINT_POLICY: CheckpointPolicy = {
  everyRows: 100,
  intervalMs: 5 * 60_000,
};

interface AnchorRow {
  id: number | string;
  at: string;
  last_id: number | string;
  last_hash: string;
  source: string;
}

export function rowToAnchor(row: AnchorRow): AuditAnchor {
  return {
    lastId: Number(row.last_id),
    hash: row.last_hash,
    at: row.at,
    source: row.source,
  };
}

/** Creates the anchors table when it is missing; safe when several instances race. */
export async function ensureAnchorTable(knex: Knex): Promise<void> {
  if (await knex.schema.hasTable(ANCHOR_TABLE)) return;
  try {
    await knex.schema.createTable(ANCHOR_TABLE, table => {
      table.comment(
        'Checkpoints of the audit chain head (also sent to the auditor log and exports)',
      );
      table.increments('id').primary();
      table.string('at', 32).notNullable();
      table.bigInteger('last_id').notNullable().index();
      table.string('last_hash', 64).notNullable();
      table.string('source', 32).notNullable();
    });
  } catch (error) {
    // Another instance created it between the check and the create.
    if (!(await knex.schema.hasTable(ANCHOR_TABLE))) throw error;
  }
}

export async function latestAnchor(db: Knex): Promise<AuditAnchor | undefined> {
  const row = await db<AnchorRow>(ANCHOR_TABLE)
    .orderBy('last_id', 'desc')
    .orderBy('id', 'desc')
    .first();
  return row ? rowToAnchor(row) : undefined;
}

/** Every anchor, by the row id it anchors (the latest anchor of each id wins). */
export async function allAnchors(db: Knex): Promise<Map<number, AuditAnchor>> {
  const rows = await db<AnchorRow>(ANCHOR_TABLE).orderBy('id', 'asc');
  return new Map(rows.map(row => [Number(row.last_id), rowToAnchor(row)]));
}

export async function insertAnchor(
  db: Knex,
  anchor: AuditAnchor,
): Promise<void> {
  await db(ANCHOR_TABLE).insert({
    at: anchor.at,
    last_id: anchor.lastId,
    last_hash: anchor.hash,
    source: anchor.source,
  });
}

/** Parses `<id>:<hash>` (what exports and checkpoint events carry). */
export function parseAnchor(
  text: string,
): { lastId: number; hash: string } | undefined {
  const match = /^(\d{1,15}):([0-9a-f]{64})$/.exec(text.trim());
  if (!match) return undefined;
  return { lastId: Number(match[1]), hash: match[2] };
}

export function formatAnchor(anchor: { lastId: number; hash: string }): string {
  return `${anchor.lastId}:${anchor.hash}`;
}
