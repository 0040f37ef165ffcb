// @ts-check
/**
 * Alert state (issue 17): one row per alert that is pending (a condition that must last, such
 * as capped for N minutes) or firing, so a restart neither sends an alert again nor forgets one
 * that must recover. Recovered alerts are deleted (src/alerts/AlertStore.ts).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  if (await knex.schema.hasTable('autoscaling_alerts')) return;
  await knex.schema.createTable('autoscaling_alerts', table => {
    table.comment('Pending and firing alerts of the alert rules');
    table.string('key', 512).primary();
    table.string('rule', 64).notNullable().index();
    table.string('status', 16).notNullable();
    table.bigInteger('since').notNullable();
    table.bigInteger('fired_at').nullable();
    table.bigInteger('last_seen').notNullable();
    table.integer('count').notNullable().defaultTo(0);
    table.text('subject_json').notNullable();
    table.text('detail_json').notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTableIfExists('autoscaling_alerts');
};
