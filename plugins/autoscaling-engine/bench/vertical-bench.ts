/**
 * Benchmark of the vertical recommender per container: the cost of one tick's observation
 * (`observeContainers`: usage of every pod, OOM statuses) and of one recommendation
 * (`recommendVertical` within a policy), per container; and the state size per container
 * after 30 days of one-minute ticks.
 *
 * Run: npm run bench:vertical (in plugins/autoscaling-engine)
 */
import {
  observeContainers,
  type ContainerVerticalState,
} from '../src/vertical/containers';
import { recommendVertical } from '../src/vertical/recommender';

const CONTAINERS = Number(process.env.BENCH_CONTAINERS ?? 10_000);
const PODS = 10;
const TICKS = Number(process.env.BENCH_TICKS ?? 20);
const START = Date.UTC(2026, 0, 5);
const MIB = 2 ** 20;
const SETTINGS = {
  minAllowed: { cpu: 0.05 },
  maxAllowed: { memory: 4096 * MIB },
  controlledResources: ['cpu', 'memory'] as Array<'cpu' | 'memory'>,
};

const template = [
  { name: 'app', cpu: 0.5, memory: 512 * MIB, limits: { memory: 768 * MIB } },
];

function usageAt(i: number, tick: number) {
  const load = 0.5 + 0.4 * Math.sin((i + tick) / 240);
  return Array.from({ length: PODS }, (_, p) => ({
    app: { cpu: 0.5 * load * (1 + p / 100), memory: (300 + 200 * load) * MIB },
  }));
}

function main() {
  const states: Array<Record<string, ContainerVerticalState> | undefined> =
    new Array(CONTAINERS).fill(undefined);
  const observeMs: number[] = [];
  const recommendMs: number[] = [];
  for (let tick = 0; tick < TICKS; tick++) {
    const nowMs = START + tick * 60_000;
    const inputs = states.map((_, i) => usageAt(i, tick));
    let began = process.hrtime.bigint();
    for (let i = 0; i < CONTAINERS; i++) {
      states[i] = observeContainers(states[i], {
        template,
        usage: inputs[i],
        nowMs,
      });
    }
    observeMs.push(Number(process.hrtime.bigint() - began) / 1e6);
    began = process.hrtime.bigint();
    for (let i = 0; i < CONTAINERS; i++)
      recommendVertical(states[i]!.app.vertical, SETTINGS);
    recommendMs.push(Number(process.hrtime.bigint() - began) / 1e6);
  }
  const median = (xs: number[]) => {
    const sorted = xs.slice(Math.min(5, xs.length - 1)).sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
  };

  // One container's state after 30 days of one-minute ticks of 10 pods, with a daily OOM kill.
  let month: Record<string, ContainerVerticalState> | undefined;
  for (let i = 0; i < 30 * 1440; i++) {
    const nowMs = START + i * 60_000;
    const oomKills =
      i % 1440 === 720
        ? [{ container: 'app', atMs: nowMs - 1000, memoryLimit: 768 * MIB }]
        : [];
    month = observeContainers(month, {
      template,
      usage: usageAt(0, i),
      oomKills,
      nowMs,
    });
  }

  const perContainerUs = (ms: number) => ((ms / CONTAINERS) * 1000).toFixed(2);
  const lines = [
    `node ${process.version}, ${CONTAINERS} containers x ${PODS} pods, ${TICKS} ticks (first 5 are warm-up)`,
    `observeContainers per container per tick: median ${perContainerUs(
      median(observeMs),
    )} µs (${median(observeMs).toFixed(1)} ms for all)`,
    `recommendVertical per container: median ${perContainerUs(
      median(recommendMs),
    )} µs (${median(recommendMs).toFixed(1)} ms for all)`,
    `container state after 30 days of 1-min ticks, 10 pods, 30 OOM kills (JSON): ${
      JSON.stringify(month!.app).length
    } B (oomKills ${month!.app.oomKills})`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main();
