import type { Knex } from 'knex';
import type { AlertRecord, AlertRuleId, AlertSubject } from './rules';

const TABLE = 'autoscaling_alerts';

interface AlertRow {
  key: string;
  rule: string;
  status: string;
  since: number | string;
  fired_at: number | string | null;
  last_seen: number | string;
  count: number;
  subject_json: string;
  detail_json: string;
}

const toRecord = (row: AlertRow): AlertRecord => ({
  key: row.key,
  rule: row.rule as AlertRuleId,
  status: row.status === 'firing' ? 'firing' : 'pending',
  since: Number(row.since),
  firedAt: row.fired_at === null ? null : Number(row.fired_at),
  lastSeen: Number(row.last_seen),
  count: Number(row.count),
  subject: JSON.parse(row.subject_json) as AlertSubject,
  detail: JSON.parse(row.detail_json) as Record<string, unknown>,
});

const toRow = (r: AlertRecord): AlertRow => ({
  key: r.key,
  rule: r.rule,
  status: r.status,
  since: r.since,
  fired_at: r.firedAt,
  last_seen: r.lastSeen,
  count: r.count,
  subject_json: JSON.stringify(r.subject),
  detail_json: JSON.stringify(r.detail),
});

/** Pending and firing alerts (`autoscaling_alerts`), SQLite and PostgreSQL. */
export class AlertStore {
  constructor(private readonly knex: Knex) {}

  /** Every stored alert. */
  async list(): Promise<Map<string, AlertRecord>> {
    const rows: AlertRow[] = await this.knex(TABLE).select();
    return new Map(rows.map(row => [row.key, toRecord(row)]));
  }

  async get(key: string): Promise<AlertRecord | undefined> {
    const row: AlertRow | undefined = await this.knex(TABLE)
      .where({ key })
      .first();
    return row ? toRecord(row) : undefined;
  }

  /** Writes the upserts and deletes the removals in one transaction. */
  async apply(upserts: AlertRecord[], removals: string[]): Promise<void> {
    if (upserts.length === 0 && removals.length === 0) return;
    await this.knex.transaction(async trx => {
      for (let i = 0; i < upserts.length; i += 200) {
        await trx(TABLE)
          .insert(upserts.slice(i, i + 200).map(toRow))
          .onConflict('key')
          .merge();
      }
      for (let i = 0; i < removals.length; i += 500) {
        await trx(TABLE)
          .whereIn('key', removals.slice(i, i + 500))
          .delete();
      }
    });
  }
}
