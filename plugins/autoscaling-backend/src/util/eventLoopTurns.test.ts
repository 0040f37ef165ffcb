import { paced, SLICE_MS } from './eventLoopTurns';

const busyFor = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe('paced', () => {
  it('shares one slice per turn of the event loop among concurrent workers', async () => {
    // A probe that runs once per turn (as a request's I/O would) counts the items done in
    // between. Eight workers that each took a slice of their own would do ~8 × SLICE_MS items.
    const itemsPerTurn: number[] = [];
    let items = 0;
    let probing = true;
    const probe = () => {
      itemsPerTurn.push(items);
      items = 0;
      if (probing) setImmediate(probe);
    };
    setImmediate(probe);
    const worker = async () => {
      for (let i = 0; i < 40; i++) {
        await paced();
        busyFor(1);
        items += 1;
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    probing = false;
    expect(itemsPerTurn.length).toBeGreaterThan(20);
    // One slice (SLICE_MS of 1 ms items) plus the item each other worker had started.
    expect(Math.max(...itemsPerTurn)).toBeLessThanOrEqual(SLICE_MS + 1 + 8);
  });
});
