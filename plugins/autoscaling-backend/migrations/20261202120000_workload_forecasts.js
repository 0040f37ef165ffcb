// @ts-check
/**
 * Predictive state per workload (the engine's PredictiveState plus what the forecast route
 * reads), in its own table so the workloads row stays small and the forecaster's JSON is
 * read and written only by the tick and the forecast routes. Bounded size by construction.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('workload_forecasts', table => {
    table.comment(
      'Forecaster state per workload (bounded); survives restarts, so no cold refit',
    );
    table.string('workload_id', 512).primary().notNullable();
    table.text('state_json').notNullable();
    table.bigInteger('updated_at').notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('workload_forecasts');
};
