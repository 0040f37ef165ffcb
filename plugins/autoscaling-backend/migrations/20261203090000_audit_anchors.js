// @ts-check
/**
 * Checkpoints of the audit chain head (issue 15): what `/audit/verify` compares the chain with,
 * so deleting the newest audit rows together with the head is seen. Also sent to the Backstage
 * auditor log and returned with every export (src/governance/audit/anchors.ts). Earlier builds
 * created this table on first use; the guard keeps such a database as it is.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  if (await knex.schema.hasTable('audit_anchors')) return;
  await knex.schema.createTable('audit_anchors', table => {
    table.comment(
      'Checkpoints of the audit chain head (also sent to the auditor log and exports)',
    );
    table.increments('id').primary();
    table.string('at', 32).notNullable();
    table.bigInteger('last_id').notNullable().index();
    table.string('last_hash', 64).notNullable();
    table.string('source', 32).notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTableIfExists('audit_anchors');
};
