import type { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import type { AuditEvent, AuditVerification } from '@internal/plugin-autoscaling-common';
import type { Request } from 'express';
import type { Knex } from 'knex';
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
  verify(): Promise<AuditVerification>;
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
    const event = trx
      ? await this.appendIn(trx, entry)
      : await this.options.knex.transaction(t => this.appendIn(t, entry));
    await this.emit(entry, event);
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
   * Walks the chain from the first row: each row's hash must be recomputable, its prev_hash
   * must be the previous row's hash, ids must be contiguous from 1 (a deleted row shows as a
   * gap and is reported by its id), and the last row must match the chain head (a deleted tail).
   */
  async verify(): Promise<AuditVerification> {
    const { knex } = this.options;
    let expectedId = 1;
    let prevHash = GENESIS_HASH;
    let checked = 0;
    const broken = (id: number, message: string): AuditVerification => ({
      ok: false,
      checked,
      firstBrokenId: id,
      message,
    });
    for (;;) {
      const rows: AuditRow[] = await knex<AuditRow>('audit_events')
        .where('id', '>=', expectedId)
        .orderBy('id', 'asc')
        .limit(VERIFY_PAGE);
      for (const row of rows) {
        const id = Number(row.id);
        if (id !== expectedId) {
          return broken(expectedId, `audit row ${expectedId} is missing (next row is ${id})`);
        }
        if (row.prev_hash !== prevHash) {
          return broken(id, `audit row ${id} does not link to the hash of row ${id - 1}`);
        }
        let recomputed: string;
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
          return broken(id, `audit row ${id} holds malformed JSON`);
        }
        if (recomputed !== row.hash) {
          return broken(id, `audit row ${id} was modified: its hash does not match its content`);
        }
        prevHash = row.hash;
        expectedId = id + 1;
        checked++;
      }
      if (rows.length < VERIFY_PAGE) break;
    }
    const head = await knex('audit_chain_head').where({ id: 1 }).first();
    const lastId = Number(head?.last_id ?? 0);
    if (!head || lastId !== expectedId - 1 || head.last_hash !== prevHash) {
      const missing = Math.min(expectedId, lastId);
      return broken(
        Math.max(missing, 1),
        `the chain head records row ${lastId} but the log ends at row ${expectedId - 1}: rows were removed or the head was altered`,
      );
    }
    return {
      ok: true,
      checked,
      firstBrokenId: null,
      message: checked === 0 ? 'the audit log is empty' : `all ${checked} audit rows verified`,
    };
  }
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
