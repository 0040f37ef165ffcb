// @ts-check
/**
 * Governance tables: policy documents (one per level and name, with an optimistic-concurrency
 * version) and every version they ever had, change requests, and the hash-chained audit log
 * with its single chain-head row (locked on PostgreSQL so concurrent appends never fork).
 *
 * Times are ISO-8601 UTC strings with milliseconds, so they sort as text and hash the same on
 * every database.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('policy_documents', table => {
    table.comment('Current policy override per inheritance level and name');
    table.string('level', 32).notNullable();
    table.string('name', 255).notNullable();
    table.integer('version').notNullable();
    table.text('override_json').notNullable();
    table.string('updated_by', 255).nullable();
    table.string('updated_at', 32).nullable();
    table.primary(['level', 'name']);
  });
  await knex.schema.createTable('policy_versions', table => {
    table.comment('Every version each policy document had (append-only)');
    table.string('level', 32).notNullable();
    table.string('name', 255).notNullable();
    table.integer('version').notNullable();
    table.text('override_json').notNullable();
    table.string('updated_by', 255).nullable();
    table.string('updated_at', 32).nullable();
    table.text('reason').nullable();
    table.string('change_request_id', 64).nullable();
    table.primary(['level', 'name', 'version']);
  });
  await knex.schema.createTable('change_requests', table => {
    table.comment(
      'Policy changes that crossed a guardrail and wait for a platform decision',
    );
    table.string('id', 64).primary().notNullable();
    table.string('level', 32).notNullable();
    table.string('name', 255).notNullable();
    table.string('entity_ref', 255).notNullable().index();
    table.string('requested_by', 255).notNullable();
    table.string('requested_at', 32).notNullable();
    table.text('reason').notNullable();
    table.string('status', 16).notNullable().index();
    table.integer('base_version').notNullable();
    table.text('proposed_json').notNullable();
    table.text('diff_json').notNullable();
    table.text('guardrails_json').notNullable();
    table.text('backtest_json').nullable();
    table.text('backtest_note').nullable();
    table.string('decided_by', 255).nullable();
    table.string('decided_at', 32).nullable();
    table.text('comment').nullable();
  });
  await knex.schema.createTable('audit_events', table => {
    table.comment(
      'Append-only, hash-chained audit log: hash = sha256(prev_hash + canonical row)',
    );
    // Ids are assigned by the appender under the chain-head lock, so they are contiguous.
    table.bigInteger('id').primary().notNullable();
    table.string('at', 32).notNullable().index();
    table.string('actor', 255).notNullable().index();
    table.string('action', 64).notNullable().index();
    table.string('target', 512).notNullable().index();
    table.text('before_json').notNullable();
    table.text('after_json').notNullable();
    table.text('reason').notNullable();
    table.string('prev_hash', 64).notNullable();
    table.string('hash', 64).notNullable();
  });
  await knex.schema.createTable('audit_chain_head', table => {
    table.comment(
      'Single row (id 1): the last appended audit id and hash; the append lock',
    );
    table.integer('id').primary().notNullable();
    table.bigInteger('last_id').notNullable();
    table.string('last_hash', 64).notNullable();
  });
  await knex('audit_chain_head').insert({
    id: 1,
    last_id: 0,
    last_hash: '0'.repeat(64),
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('audit_chain_head');
  await knex.schema.dropTable('audit_events');
  await knex.schema.dropTable('change_requests');
  await knex.schema.dropTable('policy_versions');
  await knex.schema.dropTable('policy_documents');
};
