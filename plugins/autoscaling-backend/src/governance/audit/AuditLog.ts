import type {
  AuditorService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type {
  AuditEvent,
  AuditVerification,
} from '@internal/plugin-autoscaling-common';
import type { Request } from 'express';
import type { Knex } from 'knex';
import { sanitizeAuditText } from '../../util/text';
import {
  allAnchors,
  DEFAULT_CHECKPOINT_POLICY,
  ensureAnchorTable,
  formatAnchor,
  insertAnchor,
  latestAnchor,
  type AnchorSource,
  type AuditAnchor,
  type CheckpointPolicy,
} from './anchors';
import { auditRowHash, canonicalJson, GENESIS_HASH } from './canonical';

export type AuditAction = AuditEvent['action'];

export const AUDIT_ACTIONS: readonly AuditAction[] = [
  'policy.update',
  'change.request',
  'change.approve',
  'change.reject',
  'workload.scale',
  'workload.rollback',
  'engine.kill-switch',
  'engine.actuate',
];

export type AuditSeverity = 'low' | 'medium' | 'high' | 'critical';

/** Severity sent to `coreServices.auditor` for each action (see the auditor docs' meanings). */
export const AUDIT_SEVERITY: Record<AuditAction, AuditSeverity> = {
  'policy.update': 'high',
  'change.request': 'high',
  'change.approve': 'high',
  'change.reject': 'high',
  'workload.scale': 'medium',
  'workload.rollback': 'medium',
  'engine.actuate': 'medium',
  'engine.kill-switch': 'critical',
};

export interface AuditEntry {
  /** `user:default/alice`, a service subject, or `engine` for the evaluation loop. */
  actor: string;
  action: AuditAction;
  /** Usually an entity ref, a workload id or `engine`. */
  target: string;
  before: unknown;
  after: unknown;
  reason: string;
  /** When given, the auditor event carries the request's actor and network details. */
  request?: Request;
}

export interface AuditQuery {
  /** Exact target (entity ref, workload id, ...). */
  target?: string;
  actor?: string;
  action?: AuditAction;
  /** Inclusive ISO-8601 lower bound. */
  from?: string;
  /** Exclusive ISO-8601 upper bound. */
  to?: string;
  /** Default 100, at most 10 000; newest first. */
  limit?: number;
  /** Ascending order (used by export); default newest first. */
  ascending?: boolean;
}

/** Options of verify(). */
export interface AuditVerifyOptions {
  /**
   * An anchor kept elsewhere (an export's `X-Audit-Anchor`, an `audit-checkpoint` auditor
   * event): the chain must still reach row `lastId` and that row must have `hash`.
   */
  anchor?: { lastId: number; hash: string };
}

/** The append-only audit log; also the interface the coordinator uses. */
export interface AuditLog {
  append(entry: AuditEntry, trx?: Knex.Transaction): Promise<AuditEvent>;
  query(query?: AuditQuery): Promise<AuditEvent[]>;
  verify(options?: AuditVerifyOptions): Promise<AuditVerificationReport>;
  /**
   * Anchors the current chain head outside the audit table (see anchors.ts) and returns it;
   * `{ lastId: 0, hash: GENESIS }` for an empty log.
   */
  checkpoint(source?: AnchorSource): Promise<AuditAnchor>;
}

interface AuditRow {
  id: number | string;
  at: string;
  actor: string;
  action: string;
  target: string;
  before_json: string;
  after_json: string;
  reason: string;
  prev_hash: string;
  hash: string;
}

const VERIFY_PAGE = 1000;
/** verify() lists at most this many problems (brokenTotal counts them all). */
const MAX_REPORTED_BROKEN = 1000;

/** One problem verify() found. */
export interface AuditBrokenRow {
  /** The row at fault (the first missing id for a gap or a removed tail). */
  id: number;
  message: string;
}

/**
 * What verify() answers: the shared `AuditVerification` (ok, rows checked, the lowest broken
 * id and a summary message) plus every problem found, in chain order.
 */
export interface AuditVerificationReport extends AuditVerification {
  broken: AuditBrokenRow[];
  /** How many problems there are (`broken` is capped at 1000). */
  brokenTotal: number;
  /** The latest stored anchor the chain was checked against, if any. */
  anchor: AuditAnchor | null;
}

function normalise(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

export function rowToEvent(row: AuditRow): AuditEvent {
  return {
    id: Number(row.id),
    at: row.at,
    actor: row.actor,
    action: row.action as AuditAction,
    target: row.target,
    before: JSON.parse(row.before_json),
    after: JSON.parse(row.after_json),
    reason: row.reason,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * Hash-chained audit table. Appends are serialised through the single `audit_chain_head`
 * row: on PostgreSQL it is locked with `SELECT ... FOR UPDATE` inside the append's
 * transaction; SQLite serialises write transactions by itself. Every append is also emitted
 * through `coreServices.auditor`.
 */
export class DatabaseAuditLog implements AuditLog {
  private readonly isPostgres: boolean;

  constructor(
    private readonly options: {
      knex: Knex;
      auditor?: AuditorService;
      logger?: LoggerService;
      clock?: () => Date;
      /** When appends checkpoint the head (default every 100 rows or 5 minutes). */
      checkpoint?: Partial<CheckpointPolicy>;
    },
  ) {
    const client = String(options.knex.client.config.client ?? '');
    this.isPostgres = client === 'pg' || client.includes('postgres');
    this.checkpointPolicy = {
      ...DEFAULT_CHECKPOINT_POLICY,
      ...options.checkpoint,
    };
  }

  private readonly checkpointPolicy: CheckpointPolicy;
  private preparing?: Promise<void>;
  /** Set once the anchors table exists; appends inside a caller's transaction need it. */
  private anchorsReady = false;
  /** The latest anchor this instance knows of (only decides when the next one is due). */
  private lastAnchor?: { lastId: number; atMs: number };

  private nowMs(): number {
    return (this.options.clock?.() ?? new Date()).getTime();
  }

  /**
   * Creates the anchors table if needed and reads the latest anchor. createGovernance calls
   * it at start-up; append (without a transaction), checkpoint and verify call it too. Never
   * run inside a transaction (SQLite has one connection).
   */
  prepare(): Promise<void> {
    if (!this.preparing) {
      this.preparing = (async () => {
        await ensureAnchorTable(this.options.knex);
        const latest = await latestAnchor(this.options.knex);
        if (latest)
          this.lastAnchor = {
            lastId: latest.lastId,
            atMs: Date.parse(latest.at),
          };
        this.anchorsReady = true;
      })().catch(error => {
        this.preparing = undefined;
        throw error;
      });
    }
    return this.preparing;
  }

  private checkpointDue(lastId: number, nowMs: number): boolean {
    if (!this.anchorsReady) return false;
    const last = this.lastAnchor;
    if (!last) return true;
    if (lastId <= last.lastId) return false;
    return (
      lastId - last.lastId >= this.checkpointPolicy.everyRows ||
      nowMs - last.atMs >= this.checkpointPolicy.intervalMs
    );
  }

  async append(entry: AuditEntry, trx?: Knex.Transaction): Promise<AuditEvent> {
    if (!AUDIT_ACTIONS.includes(entry.action)) {
      throw new Error(`Unknown audit action "${entry.action}"`);
    }
    // The text columns must read back exactly as hashed on every database (routes reject bad
    // text with a 400; this keeps the chain verifiable for callers that did not check).
    const safe: AuditEntry = {
      ...entry,
      actor: sanitizeAuditText(entry.actor),
      target: sanitizeAuditText(entry.target),
      reason: sanitizeAuditText(entry.reason),
    };
    if (!trx) await this.prepare();
    const { event, anchor } = trx
      ? await this.appendIn(trx, safe)
      : await this.options.knex.transaction(t => this.appendIn(t, safe));
    await this.emit(safe, event);
    if (anchor) await this.emitCheckpoint(anchor);
    return event;
  }

  private async appendIn(
    trx: Knex.Transaction,
    entry: AuditEntry,
  ): Promise<{ event: AuditEvent; anchor?: AuditAnchor }> {
    let headQuery = trx('audit_chain_head').where({ id: 1 }).first();
    if (this.isPostgres) headQuery = headQuery.forUpdate();
    const head = await headQuery;
    if (!head)
      throw new Error('audit_chain_head row is missing; were migrations run?');
    const id = Number(head.last_id) + 1;
    const before = normalise(entry.before);
    const after = normalise(entry.after);
    const at = (this.options.clock?.() ?? new Date()).toISOString();
    const fields = {
      id,
      at,
      actor: entry.actor,
      action: entry.action,
      target: entry.target,
      before,
      after,
      reason: entry.reason,
    };
    const hash = auditRowHash(head.last_hash, fields);
    await trx('audit_events').insert({
      id,
      at,
      actor: entry.actor,
      action: entry.action,
      target: entry.target,
      before_json: canonicalJson(before),
      after_json: canonicalJson(after),
      reason: entry.reason,
      prev_hash: head.last_hash,
      hash,
    });
    await trx('audit_chain_head')
      .where({ id: 1 })
      .update({ last_id: id, last_hash: hash });
    const event: AuditEvent = {
      ...fields,
      action: entry.action,
      prevHash: head.last_hash,
      hash,
    };
    // A periodic checkpoint, in the same transaction as the row it anchors.
    const nowMs = Date.parse(at);
    if (!this.checkpointDue(id, nowMs)) return { event };
    const anchor: AuditAnchor = { lastId: id, hash, at, source: 'checkpoint' };
    await insertAnchor(trx, anchor);
    this.lastAnchor = { lastId: id, atMs: nowMs };
    return { event, anchor };
  }

  async checkpoint(source: AnchorSource = 'manual'): Promise<AuditAnchor> {
    await this.prepare();
    const at = new Date(this.nowMs()).toISOString();
    const { anchor, written } = await this.options.knex.transaction(
      async trx => {
        let headQuery = trx('audit_chain_head').where({ id: 1 }).first();
        if (this.isPostgres) headQuery = headQuery.forUpdate();
        const head = await headQuery;
        const lastId = Number(head?.last_id ?? 0);
        const current: AuditAnchor = {
          lastId,
          hash: head?.last_hash ?? GENESIS_HASH,
          at,
          source,
        };
        if (lastId === 0) return { anchor: current, written: false };
        const latest = await latestAnchor(trx);
        if (
          latest &&
          latest.lastId === lastId &&
          latest.hash === current.hash
        ) {
          return { anchor: latest, written: false };
        }
        await insertAnchor(trx, current);
        return { anchor: current, written: true };
      },
    );
    if (written) {
      this.lastAnchor = { lastId: anchor.lastId, atMs: Date.parse(anchor.at) };
      await this.emitCheckpoint(anchor);
    }
    return anchor;
  }

  /** Sends a checkpoint to the auditor and the log, the copies outside the database. */
  private async emitCheckpoint(anchor: AuditAnchor) {
    this.options.logger?.info(
      `Audit chain checkpoint (${anchor.source}): ${
        anchor.lastId
      } rows, head ${formatAnchor(anchor)}`,
    );
    if (!this.options.auditor) return;
    try {
      const auditorEvent = await this.options.auditor.createEvent({
        eventId: 'audit-checkpoint',
        severityLevel: 'medium',
        meta: {
          rows: anchor.lastId,
          headHash: anchor.hash,
          anchor: formatAnchor(anchor),
          source: anchor.source,
          at: anchor.at,
        },
      });
      await auditorEvent.success();
    } catch (error) {
      this.options.logger?.warn(
        `Could not emit the audit checkpoint ${formatAnchor(anchor)}: ${error}`,
      );
    }
  }

  private async emit(entry: AuditEntry, event: AuditEvent) {
    if (!this.options.auditor) return;
    try {
      const auditorEvent = await this.options.auditor.createEvent({
        eventId: entry.action.replace(/\./g, '-'),
        severityLevel: AUDIT_SEVERITY[entry.action],
        request: entry.request,
        meta: {
          auditId: event.id,
          actor: event.actor,
          action: event.action,
          target: event.target,
          reason: event.reason,
          hash: event.hash,
        },
      });
      await auditorEvent.success();
    } catch (error) {
      // The row is committed; the auditor is a log sink and must not undo it.
      this.options.logger?.warn(
        `Could not emit auditor event for audit row ${event.id}: ${error}`,
      );
    }
  }

  async query(query: AuditQuery = {}): Promise<AuditEvent[]> {
    const limit = Math.min(Math.max(query.limit ?? 100, 1), 10_000);
    let q = this.options.knex<AuditRow>('audit_events');
    if (query.target) q = q.where('target', query.target);
    if (query.actor) q = q.where('actor', query.actor);
    if (query.action) q = q.where('action', query.action);
    if (query.from) q = q.where('at', '>=', query.from);
    if (query.to) q = q.where('at', '<', query.to);
    const rows = await q
      .orderBy('id', query.ascending ? 'asc' : 'desc')
      .limit(limit);
    return rows.map(rowToEvent);
  }

  /**
   * Walks the whole chain from the first row and reports every problem, not only the first:
   * a row whose hash is not recomputable from its content (modified), a row whose prev_hash is
   * not the previous row's hash (re-linked), missing ids (ids are contiguous from 1, so a
   * deleted row shows as a gap), and a chain head that does not match the last row (a deleted
   * tail). One bad row never hides a later one.
   */
  async verify(
    options: AuditVerifyOptions = {},
  ): Promise<AuditVerificationReport> {
    const { knex } = this.options;
    await this.prepare();
    // Anchors by row id; the caller's external anchor is checked the same way.
    const anchors = await allAnchors(knex);
    let latest: AuditAnchor | null = null;
    for (const anchor of anchors.values()) {
      if (!latest || anchor.lastId > latest.lastId) latest = anchor;
    }
    const expected = new Map<number, { hash: string; what: string }>();
    for (const anchor of anchors.values()) {
      expected.set(anchor.lastId, {
        hash: anchor.hash,
        what: `the checkpoint of ${anchor.at}`,
      });
    }
    if (options.anchor) {
      expected.set(options.anchor.lastId, {
        hash: options.anchor.hash,
        what: 'the given anchor',
      });
    }
    let expectedId = 1;
    let prevHash = GENESIS_HASH;
    let checked = 0;
    const broken: AuditBrokenRow[] = [];
    let brokenTotal = 0;
    const report = (id: number, message: string) => {
      brokenTotal++;
      if (broken.length < MAX_REPORTED_BROKEN) broken.push({ id, message });
    };
    for (;;) {
      const rows: AuditRow[] = await knex<AuditRow>('audit_events')
        .where('id', '>=', expectedId)
        .orderBy('id', 'asc')
        .limit(VERIFY_PAGE);
      for (const row of rows) {
        const id = Number(row.id);
        const gap = id !== expectedId;
        if (gap) {
          report(
            expectedId,
            id - 1 === expectedId
              ? `audit row ${expectedId} is missing (next row is ${id})`
              : `audit rows ${expectedId} to ${
                  id - 1
                } are missing (next row is ${id})`,
          );
        }
        // After a gap the previous hash is unknown: the gap is the finding, not the link.
        if (!gap && row.prev_hash !== prevHash) {
          report(
            id,
            `audit row ${id} does not link to the hash of row ${id - 1}`,
          );
        }
        let recomputed: string | undefined;
        try {
          recomputed = auditRowHash(row.prev_hash, {
            id,
            at: row.at,
            actor: row.actor,
            action: row.action,
            target: row.target,
            before: JSON.parse(row.before_json),
            after: JSON.parse(row.after_json),
            reason: row.reason,
          });
        } catch {
          report(id, `audit row ${id} holds malformed JSON`);
        }
        if (recomputed !== undefined && recomputed !== row.hash) {
          report(
            id,
            `audit row ${id} was modified: its hash does not match its content`,
          );
        }
        const anchored = expected.get(id);
        if (anchored && anchored.hash !== row.hash) {
          report(
            id,
            `audit row ${id} does not have the hash ${anchored.what} recorded: the chain was rewritten up to here`,
          );
        }
        prevHash = row.hash;
        expectedId = id + 1;
        checked++;
      }
      if (rows.length < VERIFY_PAGE) break;
    }
    const lastRow = expectedId - 1;
    const head = await knex('audit_chain_head').where({ id: 1 }).first();
    const lastId = Number(head?.last_id ?? 0);
    if (!head || lastId !== lastRow || head.last_hash !== prevHash) {
      report(
        Math.max(Math.min(expectedId, lastId), 1),
        `the chain head records row ${lastId} but the log ends at row ${lastRow}: rows were removed or the head was altered`,
      );
    }
    // Anchors beyond the end: the tail was removed (with the head, or the check above had
    // caught it). Only the furthest is reported.
    let furthest: { lastId: number; what: string } | undefined;
    for (const [anchorId, anchored] of expected) {
      if (anchorId > lastRow && (!furthest || anchorId > furthest.lastId)) {
        furthest = { lastId: anchorId, what: anchored.what };
      }
    }
    if (furthest) {
      report(
        lastRow + 1,
        `the log ends at row ${lastRow} but ${furthest.what} recorded row ${
          furthest.lastId
        }: rows ${lastRow + 1} to ${
          furthest.lastId
        } were removed (the tail was truncated)`,
      );
    }
    return {
      ...verificationResult(checked, broken, brokenTotal),
      anchor: latest,
    };
  }
}

function verificationResult(
  checked: number,
  broken: AuditBrokenRow[],
  brokenTotal: number,
): Omit<AuditVerificationReport, 'anchor'> {
  if (brokenTotal === 0) {
    return {
      ok: true,
      checked,
      firstBrokenId: null,
      message:
        checked === 0
          ? 'the audit log is empty'
          : `all ${checked} audit rows verified`,
      broken: [],
      brokenTotal: 0,
    };
  }
  const shown = broken.slice(0, 5).map(b => b.message);
  const more = brokenTotal - shown.length;
  const summary = `${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
  return {
    ok: false,
    checked,
    firstBrokenId: Math.min(...broken.map(b => b.id)),
    message:
      brokenTotal === 1
        ? summary
        : `${brokenTotal} problems in the audit log: ${summary}`,
    broken,
    brokenTotal,
  };
}

const CSV_COLUMNS = [
  'id',
  'at',
  'actor',
  'action',
  'target',
  'reason',
  'before',
  'after',
  'prevHash',
  'hash',
] as const;

function csvCell(value: unknown): string {
  const text =
    typeof value === 'string' ? value : JSON.stringify(value ?? null);
  // Neutralise spreadsheet formulas, then quote as RFC 4180 asks.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function auditEventsToCsv(events: AuditEvent[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const event of events) {
    lines.push(
      CSV_COLUMNS.map(column =>
        column === 'id' ? String(event.id) : csvCell(event[column]),
      ).join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
