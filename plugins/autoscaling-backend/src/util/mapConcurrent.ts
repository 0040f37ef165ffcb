/** How long the items may hold the event loop before they let other work (requests) run. */
const YIELD_AFTER_MS = 8;

const yieldToEventLoop = () =>
  new Promise<void>(resolve => setImmediate(resolve));

/**
 * Maps `items` through `fn` with at most `limit` calls in flight, keeping the input order in
 * the result. Each item's outcome is settled on its own, so one failure never hides the rest.
 *
 * Work whose awaits settle without I/O (better-sqlite3 is synchronous, caches answer at once)
 * would otherwise run all items as one chain of microtasks and starve the HTTP server: the
 * workers give the event loop a turn once they have held it for YIELD_AFTER_MS.
 */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  let lastYield = performance.now();
  const worker = async () => {
    while (next < items.length) {
      if (performance.now() - lastYield > YIELD_AFTER_MS) {
        await yieldToEventLoop();
        lastYield = performance.now();
        continue;
      }
      const index = next++;
      try {
        results[index] = { status: 'fulfilled', value: await fn(items[index]) };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
      }
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}
