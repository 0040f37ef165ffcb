import { filterSliced, mapSliced } from './mapSliced';

describe('mapSliced', () => {
  it('maps every item in order with its index', async () => {
    await expect(
      mapSliced(['a', 'b', 'c'], (s, i) => `${s}${i}`),
    ).resolves.toEqual(['a0', 'b1', 'c2']);
  });

  it('lets timers and I/O run while a long batch is mapped', async () => {
    let ticks = 0;
    const timer = setInterval(() => {
      ticks += 1;
    }, 1);
    // Each item holds the event loop ~2 ms: 100 items are ~200 ms of synchronous work.
    const busy = () => {
      const until = performance.now() + 2;
      while (performance.now() < until);
    };
    const items = Array.from({ length: 100 }, (_, i) => i);
    const out = await mapSliced(items, i => {
      busy();
      return i * 2;
    });
    clearInterval(timer);
    expect(out[99]).toBe(198);
    // All in one go, the interval could not have fired during the batch.
    expect(ticks).toBeGreaterThan(5);
  });
});

describe('filterSliced', () => {
  it('keeps the items the predicate keeps, in order', async () => {
    await expect(
      filterSliced([5, 6, 7, 8], (n, i) => n % 2 === 0 || i === 0),
    ).resolves.toEqual([5, 6, 8]);
  });

  it('lets timers run while a long batch is filtered', async () => {
    let ticks = 0;
    const timer = setInterval(() => {
      ticks += 1;
    }, 1);
    const items = Array.from({ length: 100 }, (_, i) => i);
    const kept = await filterSliced(items, i => {
      const until = performance.now() + 2;
      while (performance.now() < until);
      return i >= 50;
    });
    clearInterval(timer);
    expect(kept).toHaveLength(50);
    expect(ticks).toBeGreaterThan(5);
  });
});
