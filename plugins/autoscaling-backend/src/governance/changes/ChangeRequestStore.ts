import type {
  Backtest,
  ChangeRequest,
  ChangeRequestStatus,
  GuardrailFinding,
  PolicyDiffEntry,
  PolicyLevel,
  PolicyOverride,
} from '@internal/plugin-autoscaling-common';
import type { Knex } from 'knex';
import { textProblem } from '../../util/text';

/** A change request as the API returns it: the common type plus why there is no backtest. */
export interface GovernanceChangeRequest extends ChangeRequest {
  /** Why `backtest` is null (no recent demand history, not a service, ...), else null. */
  backtestNote: string | null;
}

interface ChangeRequestRow {
  id: string;
  level: string;
  name: string;
  entity_ref: string;
  requested_by: string;
  requested_at: string;
  reason: string;
  status: string;
  base_version: number;
  proposed_json: string;
  diff_json: string;
  guardrails_json: string;
  backtest_json: string | null;
  backtest_note: string | null;
  decided_by: string | null;
  decided_at: string | null;
  comment: string | null;
}

function toChangeRequest(row: ChangeRequestRow): GovernanceChangeRequest {
  return {
    id: row.id,
    target: { level: row.level as PolicyLevel, name: row.name },
    entityRef: row.entity_ref,
    requestedBy: row.requested_by,
    requestedAt: row.requested_at,
    reason: row.reason,
    status: row.status as ChangeRequestStatus,
    baseVersion: Number(row.base_version),
    proposed: JSON.parse(row.proposed_json) as PolicyOverride,
    diff: JSON.parse(row.diff_json) as PolicyDiffEntry[],
    guardrails: JSON.parse(row.guardrails_json) as GuardrailFinding[],
    backtest: row.backtest_json
      ? (JSON.parse(row.backtest_json) as Backtest)
      : null,
    backtestNote: row.backtest_note,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    comment: row.comment,
  };
}

export interface ChangeRequestQuery {
  status?: ChangeRequestStatus;
  entityRef?: string;
  requestedBy?: string;
  limit?: number;
}

export class ChangeRequestStore {
  constructor(private readonly knex: Knex) {}

  async create(
    request: GovernanceChangeRequest,
    db: Knex = this.knex,
  ): Promise<void> {
    await db('change_requests').insert({
      id: request.id,
      level: request.target.level,
      name: request.target.name,
      entity_ref: request.entityRef,
      requested_by: request.requestedBy,
      requested_at: request.requestedAt,
      reason: request.reason,
      status: request.status,
      base_version: request.baseVersion,
      proposed_json: JSON.stringify(request.proposed),
      diff_json: JSON.stringify(request.diff),
      guardrails_json: JSON.stringify(request.guardrails),
      backtest_json: request.backtest ? JSON.stringify(request.backtest) : null,
      backtest_note: request.backtestNote,
      decided_by: null,
      decided_at: null,
      comment: null,
    });
  }

  async get(
    id: string,
    db: Knex = this.knex,
  ): Promise<GovernanceChangeRequest | undefined> {
    // Ids are UUIDs; text PostgreSQL cannot even compare (NUL, lone surrogates) matches none.
    if (id.length > 64 || textProblem(id) !== undefined) return undefined;
    const row = await db<ChangeRequestRow>('change_requests')
      .where({ id })
      .first();
    return row ? toChangeRequest(row) : undefined;
  }

  async list(
    query: ChangeRequestQuery = {},
  ): Promise<GovernanceChangeRequest[]> {
    let q = this.knex<ChangeRequestRow>('change_requests');
    if (query.status) q = q.where('status', query.status);
    if (query.entityRef) q = q.where('entity_ref', query.entityRef);
    if (query.requestedBy) q = q.where('requested_by', query.requestedBy);
    const rows = await q
      .orderBy('requested_at', 'desc')
      .orderBy('id', 'desc')
      .limit(Math.min(Math.max(query.limit ?? 200, 1), 1000));
    return rows.map(toChangeRequest);
  }

  /**
   * Moves a pending request to a final status. Returns false when it was no longer pending
   * (someone else decided first), so two deciders never both win.
   */
  async decide(
    trx: Knex.Transaction | Knex,
    id: string,
    decision: {
      status: Exclude<ChangeRequestStatus, 'pending'>;
      decidedBy: string;
      decidedAt: string;
      comment: string | null;
    },
  ): Promise<boolean> {
    const updated = await trx('change_requests')
      .where({ id, status: 'pending' })
      .update({
        status: decision.status,
        decided_by: decision.decidedBy,
        decided_at: decision.decidedAt,
        comment: decision.comment,
      });
    return updated === 1;
  }
}
