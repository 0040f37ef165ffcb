/**
 * Cooperative slicing of long CPU work (a tick of 10,000 workloads) so that requests are served
 * in between. All callers share one slice per turn of the event loop: eight concurrent workers
 * hold a turn for one slice together, not for one slice each.
 */

/** How long paced work may hold one turn of the event loop before requests get theirs. */
export const SLICE_MS = 4;

let sliceStart = performance.now();
let nextTurn: Promise<void> | undefined;

/**
 * Undefined while the current slice is young; else a promise that resolves on the next turn of
 * the event loop, after the I/O (requests) due.
 */
function pace(): Promise<void> | undefined {
  if (performance.now() - sliceStart < SLICE_MS) return undefined;
  nextTurn ??= new Promise<void>(resolve =>
    setImmediate(() => {
      nextTurn = undefined;
      sliceStart = performance.now();
      resolve();
    }),
  );
  return nextTurn;
}

/**
 * Waits until the current slice has room (at once when it has). It checks again after each
 * wait: every waiter resumes on the same turn, and the first ones may use the slice up.
 */
export async function paced(): Promise<void> {
  for (let wait = pace(); wait; wait = pace()) await wait;
}
