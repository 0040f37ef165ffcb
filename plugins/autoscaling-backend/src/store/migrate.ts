import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@internal/plugin-autoscaling-backend',
  'migrations',
);

/** Runs the plugin's migrations (engine and governance tables). */
export async function migrate(knex: Knex): Promise<void> {
  await knex.migrate.latest({ directory: migrationsDir });
}
