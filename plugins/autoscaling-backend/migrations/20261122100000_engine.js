// @ts-check
/**
 * Engine tables: compact per-workload state (bounded size), decisions and a metric
 * history for charts (both with retention), and engine settings (the kill switch).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('workloads', table => {
    table.comment(
      'Managed workloads with their compact engine state and last status',
    );
    table.string('id', 512).primary().notNullable();
    table.string('entity_ref', 255).notNullable().index();
    table.string('cluster', 255).notNullable().index();
    table.string('namespace', 255).notNullable();
    table.string('kind', 32).notNullable();
    table.string('name', 255).notNullable();
    table.string('tenant', 255).notNullable().index();
    table.string('environment', 64).notNullable();
    table.string('tier', 32).notNullable();
    table.text('state_json').notNullable();
    table.text('status_json').nullable();
    table.bigInteger('updated_at').notNullable();
  });
  await knex.schema.createTable('decisions', table => {
    table.comment(
      'Decisions with reasons and outcome; pruned after the retention',
    );
    table.increments('id');
    table.string('workload_id', 512).notNullable();
    table.bigInteger('at').notNullable();
    table.string('kind', 16).notNullable();
    table.integer('from_replicas').notNullable();
    table.integer('to_replicas').notNullable();
    table.string('mode', 32).notNullable();
    table.string('outcome', 32).notNullable();
    table.text('reasons_json').notNullable();
    table.string('actor', 255).nullable();
    table.text('error').nullable();
    table.index(['workload_id', 'at']);
  });
  await knex.schema.createTable('metric_points', table => {
    table.comment(
      'At most one point per workload per minute; pruned after the retention',
    );
    table.string('workload_id', 512).notNullable();
    table.bigInteger('at').notNullable();
    table.integer('replicas').notNullable();
    table.integer('ready_replicas').notNullable();
    table.integer('desired_replicas').notNullable();
    table.double('demand').nullable();
    table.double('cpu_utilization').nullable();
    table.primary(['workload_id', 'at']);
  });
  await knex.schema.createTable('engine_settings', table => {
    table.string('key', 128).primary().notNullable();
    table.text('value_json').notNullable();
    table.bigInteger('updated_at').notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('engine_settings');
  await knex.schema.dropTable('metric_points');
  await knex.schema.dropTable('decisions');
  await knex.schema.dropTable('workloads');
};
