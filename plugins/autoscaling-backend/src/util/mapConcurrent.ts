import { paced } from './eventLoopTurns';

/**
 * Maps `items` through `fn` with at most `limit` calls in flight, keeping the input order in
 * the result. Each item's outcome is settled on its own, so one failure never hides the rest.
 *
 * Work whose awaits settle without I/O (better-sqlite3 is synchronous, caches answer at once)
 * would otherwise run all items as one chain of microtasks and starve the HTTP server: the
 * workers share the event loop's turns in slices (`eventLoopTurns.ts`).
 */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      await paced();
      if (next >= items.length) break;
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
