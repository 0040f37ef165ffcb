import { mapConcurrent } from './mapConcurrent';

describe('mapConcurrent', () => {
  it('keeps at most `limit` calls in flight and the results in input order', async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await mapConcurrent([5, 1, 4, 2, 3, 0], 3, async n => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise(resolve => setTimeout(resolve, n * 3));
      inFlight -= 1;
      return n * 10;
    });
    expect(peak).toBe(3);
    expect(
      results.map(r => (r.status === 'fulfilled' ? r.value : null)),
    ).toEqual([50, 10, 40, 20, 30, 0]);
  });

  it('settles each item on its own: a failure does not stop the others', async () => {
    const seen: number[] = [];
    const results = await mapConcurrent([1, 2, 3], 2, async n => {
      seen.push(n);
      if (n === 2) throw new Error('boom');
      return n;
    });
    expect(seen.sort()).toEqual([1, 2, 3]);
    expect(results[1]).toEqual({
      status: 'rejected',
      reason: new Error('boom'),
    });
    expect(results[2]).toEqual({ status: 'fulfilled', value: 3 });
  });

  it('runs one at a time for a limit below one and copes with no items', async () => {
    let inFlight = 0;
    let peak = 0;
    await mapConcurrent([1, 2, 3], 0, async () => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await Promise.resolve();
      inFlight -= 1;
    });
    expect(peak).toBe(1);
    expect(await mapConcurrent([], 4, async () => 1)).toEqual([]);
  });

  it('lets other work run while items that never wait on I/O are mapped', async () => {
    let done = 0;
    let doneWhenTheTimerRan: number | undefined;
    setImmediate(() => {
      doneWhenTheTimerRan = done;
    });
    await mapConcurrent(Array.from({ length: 40 }), 4, async () => {
      // Busy for about a millisecond, then resolved without I/O (as better-sqlite3 is).
      const until = performance.now() + 1;
      while (performance.now() < until);
      done += 1;
    });
    expect(done).toBe(40);
    expect(doneWhenTheTimerRan).toBeDefined();
    expect(doneWhenTheTimerRan!).toBeLessThan(40);
  });
});
