import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';

/** SQLite always; PostgreSQL 15 when its connection string is set (CI sets it). */
export function createTestDatabases() {
  return TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
}

export const migrationsDir = resolvePackagePath(
  '@internal/plugin-autoscaling-backend',
  'migrations',
);

/** A fresh database with every migration of the plugin applied. */
export async function migratedDatabase(
  databases: TestDatabases,
  id: Parameters<TestDatabases['init']>[0],
): Promise<Knex> {
  const knex = await databases.init(id);
  await knex.migrate.latest({ directory: migrationsDir });
  return knex;
}
