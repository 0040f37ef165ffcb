import { createHash } from 'node:crypto';

/**
 * Deeper values are refused (request bodies are limited to 32 levels before they get here,
 * see util/jsonShape.ts): the recursion below never approaches the stack limit.
 */
export const CANONICAL_MAX_DEPTH = 256;

/** JSON with object keys sorted at every depth; `undefined` becomes `null` at the top. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value === undefined ? null : value, 1));
}

function sortKeys(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > CANONICAL_MAX_DEPTH) {
    throw new RangeError(
      `value is nested more than ${CANONICAL_MAX_DEPTH} levels deep`,
    );
  }
  if (Array.isArray(value))
    return value.map(child => sortKeys(child, depth + 1));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value as object).sort()) {
    const child = (value as Record<string, unknown>)[key];
    if (child !== undefined) out[key] = sortKeys(child, depth + 1);
  }
  return out;
}

/** The fields covered by an audit row's hash. */
export interface HashedAuditFields {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  before: unknown;
  after: unknown;
  reason: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** sha256(prevHash + canonical JSON of the row fields), hex. */
export function auditRowHash(
  prevHash: string,
  fields: HashedAuditFields,
): string {
  const body = canonicalJson({
    id: fields.id,
    at: fields.at,
    actor: fields.actor,
    action: fields.action,
    target: fields.target,
    before: fields.before ?? null,
    after: fields.after ?? null,
    reason: fields.reason,
  });
  return createHash('sha256').update(prevHash).update(body).digest('hex');
}
