/**
 * Benchmark: full ticks of 10,000 workloads with four metrics each (CPU utilisation, memory
 * average value, a Pods request-rate metric and an External queue metric), 10 pods per
 * workload, state carried from tick to tick; then the serialised size of one workload's state.
 *
 * Run: npm run bench (in plugins/autoscaling-engine)
 */
import { scalingPolicySchema } from '@internal/plugin-autoscaling-common';
import { decideHorizontal } from '../src/horizontal/decideHorizontal';
import type { HorizontalState } from '../src/horizontal/state';
import type {
  HorizontalInput,
  MetricSample,
  PodObservation,
} from '../src/horizontal/types';
import {
  emptyVerticalState,
  observeCpu,
  observeMemory,
} from '../src/vertical/recommender';

const WORKLOADS = Number(process.env.BENCH_WORKLOADS ?? 10_000);
const PODS = 10;
const TICKS = Number(process.env.BENCH_TICKS ?? 20);
const START = Date.UTC(2026, 0, 5);

const policy = scalingPolicySchema.parse({
  preset: 'balanced',
  minReplicas: 2,
  maxReplicas: 50,
  metrics: [
    {
      type: 'Resource',
      resource: 'cpu',
      target: { type: 'Utilization', averageUtilization: 70 },
    },
    {
      type: 'Resource',
      resource: 'memory',
      target: { type: 'AverageValue', averageValue: '1Gi' },
    },
    {
      type: 'Pods',
      name: 'rps',
      signal: 'request-rate',
      query: {
        source: 'prometheus',
        query: 'sum(rate(http_requests_total[1m])) by (pod)',
      },
      target: { type: 'AverageValue', averageValue: 100 },
    },
    {
      type: 'External',
      name: 'queue',
      signal: 'queue-length',
      query: { source: 'prometheus', query: 'sum(queue_depth)' },
      target: { type: 'AverageValue', averageValue: 30 },
    },
  ],
});

function podsOf(workload: number): PodObservation[] {
  return Array.from({ length: PODS }, (_, i) => ({
    name: `w${workload}-p${i}`,
    phase: 'Running' as const,
    ready: true,
    startTimeMs: START - 3600_000,
    readyTransitionMs: START - 3500_000,
    requests: { cpu: 0.5, memory: 2 ** 31 },
  }));
}

function samplesAt(
  workload: number,
  pods: PodObservation[],
  tick: number,
  nowMs: number,
) {
  const load = 0.5 + 0.4 * Math.sin((workload + tick) / 5);
  const cpu: Record<string, number> = {};
  const memory: Record<string, number> = {};
  const rps: Record<string, number> = {};
  for (const pod of pods) {
    cpu[pod.name] = 0.5 * load;
    memory[pod.name] = 2 ** 30 * (0.6 + load / 2);
    rps[pod.name] = 100 * load;
  }
  const samples: Record<string, MetricSample> = {
    cpu: { type: 'pods', values: cpu, timestampMs: nowMs },
    memory: { type: 'pods', values: memory, timestampMs: nowMs },
    rps: { type: 'pods', values: rps, timestampMs: nowMs },
    queue: { type: 'value', value: 30 * PODS * load },
  };
  return samples;
}

function main() {
  const pods = Array.from({ length: WORKLOADS }, (_, w) => podsOf(w));
  const states: (HorizontalState | undefined)[] = new Array(WORKLOADS);
  const replicas = new Array(WORKLOADS).fill(PODS);
  const tickMs: number[] = [];
  let decisions = 0;

  for (let tick = 0; tick < TICKS; tick++) {
    const nowMs = START + tick * 15_000;
    // Inputs are built before timing: the bench measures the engine, not the fixture.
    const inputs: HorizontalInput[] = pods.map((p, w) => ({
      policy,
      workload: { currentReplicas: replicas[w], pods: p },
      samples: samplesAt(w, p, tick, nowMs),
      state: states[w],
      nowMs,
    }));
    const began = process.hrtime.bigint();
    for (let w = 0; w < WORKLOADS; w++) {
      const result = decideHorizontal(inputs[w]);
      states[w] = result.state;
      decisions++;
    }
    tickMs.push(Number(process.hrtime.bigint() - began) / 1e6);
  }

  // Warm-up ticks (JIT) are excluded from the figures.
  const measured = tickMs
    .slice(Math.min(5, tickMs.length - 1))
    .sort((a, b) => a - b);
  const median = measured[Math.floor(measured.length / 2)];
  const stateSizes = states
    .map(s => JSON.stringify(s).length)
    .sort((a, b) => a - b);

  // A vertical state after 30 days of one-minute samples.
  let vertical = emptyVerticalState();
  for (let i = 0; i < 30 * 1440; i++) {
    const t = START + i * 60_000;
    const load = 0.5 + 0.4 * Math.sin(i / 240);
    vertical = observeCpu(vertical, 0.5 * load, t);
    vertical = observeMemory(vertical, 2 ** 30 * (0.6 + load / 2), t);
  }

  const lines = [
    `node ${process.version}, ${WORKLOADS} workloads x 4 metrics x ${PODS} pods, ${TICKS} ticks (first 5 are warm-up)`,
    `full tick: median ${median.toFixed(1)} ms, best ${measured[0].toFixed(
      1,
    )} ms, worst ${measured[measured.length - 1].toFixed(1)} ms`,
    `decisions per second: ${Math.round(
      (WORKLOADS / median) * 1000,
    ).toLocaleString('en-US')} (median tick)`,
    `horizontal state per workload (JSON): median ${
      stateSizes[Math.floor(stateSizes.length / 2)]
    } B, max ${stateSizes[stateSizes.length - 1]} B`,
    `vertical state per container after 30 days of 1-min samples (JSON): ${
      JSON.stringify(vertical).length
    } B`,
    `total decisions: ${decisions}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main();
