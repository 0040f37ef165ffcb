/**
 * Depth and size limits for parsed JSON, checked without recursion. Code that walks JSON
 * recursively (diffs, canonical JSON for hashes, schema checks) runs only on values that
 * passed this check, so a 10,000-level body is a 400, not a stack overflow or a blocked
 * event loop.
 */
import { InputError } from '@backstage/errors';

export interface JsonLimits {
  /** Containers nested deeper than this are refused; the value itself is level 1. */
  maxDepth: number;
  /** Total number of values (containers and leaves) in the document. */
  maxNodes: number;
}

/**
 * Limits for request bodies: policy documents nest 4 levels, a request 6, and a generous
 * policy has a few hundred values. Validating costs tens of microseconds per invalid value
 * (one schema issue each), so 20,000 values blocked the event loop for 200-400 ms (the API
 * fuzz test found it once bodies up to 256 KB were taken): 2,000 keeps it far below 100 ms.
 */
export const REQUEST_JSON_LIMITS: JsonLimits = {
  maxDepth: 32,
  maxNodes: 2_000,
};

/** Longest key shown in a path of an error message. */
const KEY_SHOWN = 40;

/** Keys of a path shown in an error message; deeper ones are elided. */
const KEYS_SHOWN = 4;

function pathText(prefix: string, path: string[]): string {
  const keys = path
    .slice(0, KEYS_SHOWN)
    .map(k => (k.length > KEY_SHOWN ? `${k.slice(0, KEY_SHOWN)}…` : k));
  if (path.length > KEYS_SHOWN) keys.push('…');
  return [prefix, ...keys].filter(Boolean).join('.');
}

/**
 * The first problem with the value's shape as `{ path, message }`, or undefined. Iterative:
 * an explicit stack, so any depth is safe to check.
 */
export function jsonShapeProblem(
  value: unknown,
  limits: JsonLimits = REQUEST_JSON_LIMITS,
): { path: string[]; message: string } | undefined {
  const stack: Array<{ value: unknown; depth: number; path: string[] }> = [
    { value, depth: 1, path: [] },
  ];
  let nodes = 0;
  while (stack.length > 0) {
    const item = stack.pop()!;
    nodes++;
    if (nodes > limits.maxNodes) {
      return { path: [], message: `has more than ${limits.maxNodes} values` };
    }
    const current = item.value;
    if (current === null || typeof current !== 'object') continue;
    if (item.depth > limits.maxDepth) {
      return {
        path: item.path,
        message: `is nested more than ${limits.maxDepth} levels deep`,
      };
    }
    const entries = Array.isArray(current)
      ? current.map((child, i) => [String(i), child] as const)
      : Object.entries(current as Record<string, unknown>);
    if (nodes + stack.length + entries.length > limits.maxNodes) {
      return { path: [], message: `has more than ${limits.maxNodes} values` };
    }
    for (const [key, child] of entries) {
      stack.push({
        value: child,
        depth: item.depth + 1,
        path: [...item.path, key],
      });
    }
  }
  return undefined;
}

/** Throws InputError naming the field (`prefix` and the path) when the value is too deep or too big. */
export function assertJsonShape(
  value: unknown,
  prefix: string,
  limits: JsonLimits = REQUEST_JSON_LIMITS,
): void {
  const problem = jsonShapeProblem(value, limits);
  if (!problem) return;
  const where = pathText(prefix, problem.path) || 'request body';
  throw new InputError(`${where}: ${problem.message}`);
}
