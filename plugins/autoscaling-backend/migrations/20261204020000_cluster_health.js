// @ts-check
/**
 * Each cluster's circuit and last tick, shared by the backend's replicas (issue 19): a replica
 * that serves the API without evaluating (`autoscaling.evaluationEnabled: false`) shows the
 * evaluating replica's view on the status page, and a replica that takes a tick over continues
 * its circuit instead of starting closed (src/store/ClusterHealthStore.ts).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  if (await knex.schema.hasTable('autoscaling_cluster_health')) return;
  await knex.schema.createTable('autoscaling_cluster_health', table => {
    table.comment('Circuit breaker and last tick of each evaluated cluster');
    table.string('cluster', 253).primary();
    table.text('health_json').notNullable();
    table.bigInteger('updated_at').notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTableIfExists('autoscaling_cluster_health');
};
