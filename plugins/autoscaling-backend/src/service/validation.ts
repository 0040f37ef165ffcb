import { InputError } from '@backstage/errors';
import { z } from 'zod';

/**
 * The path of the first own `__proto__` key in a parsed JSON value (JSON.parse keeps it as
 * an own property; copying it into another object, as a zod record does, would set that
 * object's prototype instead). Looks `maxDepth` levels deep.
 */
export function prototypeKeyPath(
  value: unknown,
  maxDepth = 64,
): string | undefined {
  const walk = (
    v: unknown,
    path: string[],
    depth: number,
  ): string | undefined => {
    if (depth > maxDepth || v === null || typeof v !== 'object')
      return undefined;
    if (
      !Array.isArray(v) &&
      Object.prototype.hasOwnProperty.call(v, '__proto__')
    ) {
      return [...path, '__proto__'].join('.');
    }
    for (const [key, child] of Object.entries(v)) {
      const found = walk(child, [...path, key], depth + 1);
      if (found) return found;
    }
    return undefined;
  };
  return walk(value, [], 0);
}

function parseWith<T extends z.ZodType>(
  schema: T,
  value: unknown,
  what: 'request body' | 'query',
  top: string,
): z.output<T> {
  const reserved = prototypeKeyPath(value);
  if (reserved)
    throw new InputError(`Invalid ${what}: ${reserved}: is a reserved key`);
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) {
    const details = parsed.error.issues
      .map(issue => `${issue.path.join('.') || top}: ${issue.message}`)
      .join('; ');
    throw new InputError(`Invalid ${what}: ${details}`);
  }
  return parsed.data;
}

/** Parses a request body; the error names each bad field and why. */
export function parseBody<T extends z.ZodType>(
  schema: T,
  body: unknown,
): z.output<T> {
  return parseWith(schema, body, 'request body', '(body)');
}

/** Parses query parameters; the error names each bad parameter and why. */
export function parseQuery<T extends z.ZodType>(
  schema: T,
  query: unknown,
): z.output<T> {
  return parseWith(schema, query, 'query', '(query)');
}
