/**
 * Loads @kubernetes/client-node. The package is ESM-only; Node 22 loads it through
 * require(esm) and Jest through its transform, so a plain require works in both, where
 * a dynamic import() would fail under Jest's VM without experimental flags.
 */
export type ClientNode = typeof import('@kubernetes/client-node');

let cached: ClientNode | undefined;

export function loadClientNode(): ClientNode {
  if (!cached) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    cached = require('@kubernetes/client-node') as ClientNode;
  }
  return cached;
}
