import type { Knex } from 'knex';

/** Deliveries that failed every attempt, in the notifications plugin's database. */
export const DEAD_LETTER_TABLE = 'notifications_webhook_dead_letters';

export interface WebhookDeadLetter {
  deliveryId: string;
  endpoint: string;
  url: string;
  notificationId: string;
  user: string | null;
  topic: string | null;
  /** The exact JSON body that was signed and sent. */
  body: string;
  attempts: number;
  lastError: string;
  failedAt?: string;
}

export class WebhookDeadLetterStore {
  private constructor(private readonly knex: Knex) {}

  /** Creates the table when missing (SQLite and PostgreSQL). */
  static async create(knex: Knex): Promise<WebhookDeadLetterStore> {
    if (!(await knex.schema.hasTable(DEAD_LETTER_TABLE))) {
      await knex.schema.createTable(DEAD_LETTER_TABLE, table => {
        table.comment(
          'Webhook deliveries that failed after the last retry (notifications-backend-module-webhook)',
        );
        table.string('delivery_id', 64).primary();
        table.string('endpoint', 255).notNullable().index();
        table.text('url').notNullable();
        table.string('notification_id', 64).notNullable();
        table.string('user', 255).nullable();
        table.string('topic', 255).nullable();
        table.text('body').notNullable();
        table.integer('attempts').notNullable();
        table.text('last_error').notNullable();
        table.string('failed_at', 32).notNullable().index();
      });
    }
    return new WebhookDeadLetterStore(knex);
  }

  async add(letter: WebhookDeadLetter): Promise<void> {
    await this.knex(DEAD_LETTER_TABLE).insert({
      delivery_id: letter.deliveryId,
      endpoint: letter.endpoint,
      url: letter.url,
      notification_id: letter.notificationId,
      user: letter.user,
      topic: letter.topic,
      body: letter.body,
      attempts: letter.attempts,
      last_error: letter.lastError,
      failed_at: letter.failedAt ?? new Date().toISOString(),
    });
  }

  /** Newest first. */
  async list(options: { limit?: number } = {}): Promise<WebhookDeadLetter[]> {
    const rows = await this.knex(DEAD_LETTER_TABLE)
      .orderBy('failed_at', 'desc')
      .limit(options.limit ?? 100);
    return rows.map(row => ({
      deliveryId: row.delivery_id,
      endpoint: row.endpoint,
      url: row.url,
      notificationId: row.notification_id,
      user: row.user,
      topic: row.topic,
      body: row.body,
      attempts: Number(row.attempts),
      lastError: row.last_error,
      failedAt: row.failed_at,
    }));
  }
}
