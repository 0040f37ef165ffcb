// @ts-check
/**
 * A decision's clamp as data (issue 14): what held it (max, min, rate, quota, global max,
 * cluster capacity, budget), at how many replicas and what the engine wanted. Rows stored before
 * have none; the portal then reads the clamp from the reasons' codes and sentences.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  if (await knex.schema.hasColumn('decisions', 'clamp_json')) return;
  await knex.schema.alterTable('decisions', table => {
    table.text('clamp_json').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('decisions', table => {
    table.dropColumn('clamp_json');
  });
};
