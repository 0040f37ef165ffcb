/**
 * Right-sizing from the past at first sight: a workload seen for the first time reads its past
 * from Prometheus (as the forecast does), and the per-container recommender is seeded with it,
 * so the recommendations have confidence from the first tick instead of after an hour of live
 * samples. Memory has no past there, so its confidence still counts from the live samples.
 */
import type { RunningClusterSim } from '@internal/cluster-sim';
import type { WorkloadRecommendations } from '@internal/plugin-autoscaling-common';
import knexFactory, { Knex } from 'knex';
import request from 'supertest';
import {
  CPU_REQUEST,
  TARGET,
  WORKLOAD_ID,
  startPastServer,
  startPredictiveBackend,
  startSimulator,
} from './__testUtils__/predictiveBackend';

jest.setTimeout(120_000);

const memoryKnex = () =>
  knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });

describe('right-sizing seeded from the Prometheus history at first sight', () => {
  let sim: RunningClusterSim | undefined;
  let knex: Knex | undefined;
  let past: Awaited<ReturnType<typeof startPastServer>> | undefined;
  afterEach(async () => {
    await past?.close();
    await sim?.stop();
    await knex?.destroy();
    past = undefined;
    sim = undefined;
    knex = undefined;
  });

  async function recommendationsAfterOneTick(withHistory: boolean) {
    sim = await startSimulator();
    knex = memoryKnex();
    past = withHistory ? await startPastServer(sim) : undefined;
    const backend = await startPredictiveBackend({
      sim,
      knex,
      mode: 'auto',
      prometheusUrl: past?.baseUrl,
    });
    await backend.tick(60);
    const response = await request(backend.app).get(
      `/workloads/${encodeURIComponent(WORKLOAD_ID)}/recommendations`,
    );
    expect(response.status).toBe(200);
    const body = response.body as WorkloadRecommendations;
    return {
      cpu: body.vertical.find(r => r.resource === 'cpu')!,
      memory: body.vertical.find(r => r.resource === 'memory')!,
    };
  }

  it('has the past 14 days of CPU behind the CPU recommendation from the first tick', async () => {
    const { cpu, memory } = await recommendationsAfterOneTick(true);
    // One read of the past (demand, replicas, ready replicas), shared with the forecast.
    expect(past!.queries).toHaveLength(3);
    expect(cpu.current).toBe(CPU_REQUEST);
    expect(cpu.confidenceLevel).toBe('high');
    expect(cpu.confidenceDays).toBeGreaterThan(13.9);
    expect(cpu.confidenceDays).toBeLessThanOrEqual(14.01);
    expect(cpu.confidence).toBeCloseTo(
      cpu.confidenceDays / (1 + cpu.confidenceDays),
      6,
    );
    // The past server's pods run at most at the target utilisation of their 500m request (and
    // at its share when held at two pods): the P90 × 1.15 stays under the request and above
    // a tenth of it.
    const busiestPod = CPU_REQUEST * (TARGET / 100);
    expect(cpu.target).toBeLessThanOrEqual(busiestPod * 1.15 * 1.1);
    expect(cpu.target).toBeGreaterThan(CPU_REQUEST / 10);
    expect(cpu.lowerBound).toBeLessThanOrEqual(cpu.target);
    expect(cpu.upperBound).toBeGreaterThanOrEqual(cpu.target);
    // With a week's history the range is tight (upper bound within 1.15× of the P95 estimate).
    expect(cpu.upperBound).toBeLessThan(cpu.target * 1.5);
    // Memory: no past, one live sample (a minute after the past's last step): no confidence
    // yet, so Auto would not touch it.
    expect(memory.confidenceLevel).toBe('none');
    expect(memory.confidenceDays).toBeLessThan(1 / 24);
  });

  it('without a history source starts with no confidence (an hour of live samples is needed)', async () => {
    const { cpu, memory } = await recommendationsAfterOneTick(false);
    expect(cpu.confidenceLevel).toBe('none');
    expect(cpu.confidenceDays).toBe(0);
    expect(memory.confidenceLevel).toBe('none');
  });
});
