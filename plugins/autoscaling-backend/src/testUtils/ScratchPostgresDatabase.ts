import knexFactory, { type Knex } from 'knex';

const PG_URL =
  process.env.AUTOSCALING_TEST_POSTGRES_URL ??
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??
  'postgresql://postgres@127.0.0.1:5432/postgres';

/**
 * A PostgreSQL database of one test file's own (replicas share it as they would in production),
 * created in `beforeAll` and dropped in `afterAll` with every connection `connect` opened.
 */
export class ScratchPostgresDatabase {
  readonly name: string;
  private admin: Knex | undefined;
  private readonly clients: Knex[] = [];

  constructor(prefix: string) {
    this.name = `${prefix}_${process.pid}_${Date.now().toString(36)}`;
  }

  async create(): Promise<void> {
    this.admin = knexFactory({
      client: 'pg',
      connection: PG_URL,
      pool: { min: 0, max: 1 },
    });
    await this.admin.raw(`CREATE DATABASE ??`, [this.name]);
  }

  /** A new pool on the database: one per replica, as each backend process has its own. */
  connect(): Knex {
    const url = new URL(PG_URL);
    url.pathname = `/${this.name}`;
    const knex = knexFactory({
      client: 'pg',
      connection: url.toString(),
      pool: { min: 0, max: 5 },
    });
    this.clients.push(knex);
    return knex;
  }

  async drop(): Promise<void> {
    for (const knex of this.clients) await knex.destroy();
    if (!this.admin) return;
    await this.admin.raw(`DROP DATABASE IF EXISTS ?? WITH (FORCE)`, [
      this.name,
    ]);
    await this.admin.destroy();
  }
}
