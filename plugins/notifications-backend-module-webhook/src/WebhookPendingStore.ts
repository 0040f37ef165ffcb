import type { Knex } from 'knex';

/**
 * Webhook deliveries that still have attempts left, in the notifications plugin's database, so
 * a restart during the backoff does not drop them. A row is removed when the delivery succeeds
 * or becomes a dead letter.
 */
export const PENDING_TABLE = 'notifications_webhook_pending';

export interface WebhookPendingDelivery {
  deliveryId: string;
  /** Endpoint name; its url and secret are read from the config when the attempt is made. */
  endpoint: string;
  url: string;
  notificationId: string;
  user: string | null;
  topic: string | null;
  /** The exact JSON body; each attempt signs `<timestamp>.<body>` with the endpoint secret. */
  body: string;
  /** Attempts made so far. */
  attempts: number;
  /** Epoch milliseconds of the next attempt. */
  nextAttemptAt: number;
  lastError: string | null;
  /** Epoch ms until which an instance owns the row (0: nobody); read by `list()`. */
  claimedUntil?: number;
}

export class WebhookPendingStore {
  private constructor(private readonly knex: Knex) {}

  /** Creates the table when missing (SQLite and PostgreSQL), like the dead-letter table. */
  static async create(knex: Knex): Promise<WebhookPendingStore> {
    if (!(await knex.schema.hasTable(PENDING_TABLE))) {
      await knex.schema.createTable(PENDING_TABLE, table => {
        table.comment(
          'Webhook deliveries with attempts left (notifications-backend-module-webhook)',
        );
        table.string('delivery_id', 64).primary();
        table.string('endpoint', 255).notNullable();
        table.text('url').notNullable();
        table.string('notification_id', 64).notNullable();
        table.string('user', 255).nullable();
        table.string('topic', 255).nullable();
        table.text('body').notNullable();
        table.integer('attempts').notNullable();
        table.bigInteger('next_attempt_at').notNullable().index();
        // Epoch ms until which one instance owns the row (0: nobody).
        table.bigInteger('claimed_until').notNullable().defaultTo(0);
        table.text('last_error').nullable();
      });
    }
    return new WebhookPendingStore(knex);
  }

  /** Stores a new delivery, claimed by the caller until `claimedUntil`. */
  async add(
    delivery: WebhookPendingDelivery,
    claimedUntil: number,
  ): Promise<void> {
    await this.knex(PENDING_TABLE).insert({
      delivery_id: delivery.deliveryId,
      endpoint: delivery.endpoint,
      url: delivery.url,
      notification_id: delivery.notificationId,
      user: delivery.user,
      topic: delivery.topic,
      body: delivery.body,
      attempts: delivery.attempts,
      next_attempt_at: delivery.nextAttemptAt,
      claimed_until: claimedUntil,
      last_error: delivery.lastError,
    });
  }

  /**
   * Claims the row for the attempt after `attempts`: true only for the one caller whose UPDATE
   * changed it (the row exists, still records `attempts` attempts, and nobody's claim is still
   * running at `now`).
   */
  async claim(
    deliveryId: string,
    attempts: number,
    now: number,
    claimedUntil: number,
  ): Promise<boolean> {
    const changed = await this.knex(PENDING_TABLE)
      .where({ delivery_id: deliveryId, attempts })
      .andWhere('claimed_until', '<', now)
      .update({ claimed_until: claimedUntil });
    return Number(changed) === 1;
  }

  /** After a failed attempt with attempts left: records it and releases the claim. */
  async reschedule(
    deliveryId: string,
    update: { attempts: number; nextAttemptAt: number; lastError: string },
  ): Promise<void> {
    await this.knex(PENDING_TABLE).where({ delivery_id: deliveryId }).update({
      attempts: update.attempts,
      next_attempt_at: update.nextAttemptAt,
      last_error: update.lastError,
      claimed_until: 0,
    });
  }

  async remove(deliveryId: string): Promise<void> {
    await this.knex(PENDING_TABLE).where({ delivery_id: deliveryId }).delete();
  }

  /** Every pending delivery, the earliest next attempt first. */
  async list(): Promise<WebhookPendingDelivery[]> {
    const rows = await this.knex(PENDING_TABLE).orderBy('next_attempt_at');
    return rows.map(row => ({
      deliveryId: row.delivery_id,
      endpoint: row.endpoint,
      url: row.url,
      notificationId: row.notification_id,
      user: row.user,
      topic: row.topic,
      body: row.body,
      attempts: Number(row.attempts),
      nextAttemptAt: Number(row.next_attempt_at),
      lastError: row.last_error,
      claimedUntil: Number(row.claimed_until),
    }));
  }
}
