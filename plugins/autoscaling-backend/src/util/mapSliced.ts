import { paced } from './eventLoopTurns';

/**
 * `items.map(fn)` for synchronous work over many items (serialising 10,000 workload states),
 * in slices of the event loop (`eventLoopTurns.ts`), so requests are served in between instead
 * of after the whole batch.
 */
export async function mapSliced<T, R>(
  items: readonly T[],
  fn: (item: T, index: number) => R,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    await paced();
    out[i] = fn(items[i], i);
  }
  return out;
}

/** `items.filter(keep)` in slices of the event loop, as `mapSliced`. */
export async function filterSliced<T>(
  items: readonly T[],
  keep: (item: T, index: number) => boolean,
): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < items.length; i++) {
    await paced();
    if (keep(items[i], i)) out.push(items[i]);
  }
  return out;
}
