import type { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import type { AuditEvent, AuditVerification } from '@internal/plugin-autoscaling-common';
import type { Request } from 'express';
import type { Knex } from 'knex';
import { sanitizeAuditText } from '../../util/text';
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

/** The append-only audit log; also the interface the coordinator uses. */
export interface AuditLog {
  append(entry: AuditEntry, trx?: Knex.Transaction): Promise<AuditEvent>;
  query(query?: AuditQuery): Promise<AuditEvent[]>;
  verify(): Promise<AuditVerificationReport>;
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
    },
  ) {
    const client = String(options.knex.client.config.client ?? '');
    this.isPostgres = client === 'pg' || client.includes('postgres');
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
    const event = trx
      ? await this.appendIn(trx, safe)
      : await this.options.knex.transaction(t => this.appendIn(t, safe));
    await this.emit(safe, event);
    return event;
  }

  private async appendIn(trx: Knex.Transaction, entry: AuditEntry): Promise<AuditEvent> {
    let headQuery = trx('audit_chain_head').where({ id: 1 }).first();
    if (this.isPostgres) headQuery = headQuery.forUpdate();
    const head = await headQuery;
    if (!head) throw new Error('audit_chain_head row is missing; were migrations run?');
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
    await trx('audit_chain_head').where({ id: 1 }).update({ last_id: id, last_hash: hash });
    return { ...fields, action: entry.action, prevHash: head.last_hash, hash };
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
      this.options.logger?.warn(`Could not emit auditor event for audit row ${event.id}: ${error}`);
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
    const rows = await q.orderBy('id', query.ascending ? 'asc' : 'desc').limit(limit);
    return rows.map(rowToEvent);
  }

  /**
   * Walks the whole chain from the first row and reports every problem, not only the first:
   * a row whose hash is not recomputable from its content (modified), a row whose prev_hash is
   * not the previous row's hash (re-linked), missing ids (ids are contiguous from 1, so a
   * deleted row shows as a gap), and a chain head that does not match the last row (a deleted
   * tail). One bad row never hides a later one.
   */
  async verify(): Promise<AuditVerificationReport> {
    const { knex } = this.options;
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
              : `audit rows ${expectedId} to ${id - 1} are missing (next row is ${id})`,
          );
        }
        // After a gap the previous hash is unknown: the gap is the finding, not the link.
        if (!gap && row.prev_hash !== prevHash) {
          report(id, `audit row ${id} does not link to the hash of row ${id - 1}`);
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
          report(id, `audit row ${id} was modified: its hash does not match its content`);
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
    return verificationResult(checked, broken, brokenTotal);
  }
}

function verificationResult(
  checked: number,
  broken: AuditBrokenRow[],
  brokenTotal: number,
): AuditVerificationReport {
  if (brokenTotal === 0) {
    return {
      ok: true,
      checked,
      firstBrokenId: null,
      message: checked === 0 ? 'the audit log is empty' : `all ${checked} audit rows verified`,
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
      brokenTotal === 1 ? summary : `${brokenTotal} problems in the audit log: ${summary}`,
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
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
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
