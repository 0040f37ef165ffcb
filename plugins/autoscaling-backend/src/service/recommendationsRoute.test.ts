/**
 * Issue 16 items 1–2: GET /workloads/:id/recommendations fills `current` (the template's
 * requests and limits), `horizontal` (the replicas with the recommended requests) and
 * `monthlySavings` (the cost card's prices), within the policy's vertical bounds.
 */
import { mockErrorHandler, mockServices } from '@backstage/backend-test-utils';
import { scalingPolicySchema } from '@internal/plugin-autoscaling-common';
import { observeContainers } from '@internal/plugin-autoscaling-engine';
import express from 'express';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import YAML from 'yaml';
import { checkout, GIB, NOW, service } from '../cost/testFixtures';
import { rightSizingPolicyOf } from '../cost/verticalRecommendations';
import { createEngineRoutes } from './engineRoutes';

const MIB = 2 ** 20;
const spec = YAML.parse(
  fs.readFileSync(path.resolve(__dirname, '../schema/openapi.yaml'), 'utf8'),
);

/** Documented required fields = the fields answered, for an object schema and its refs. */
function expectDocumented(value: any, name: string) {
  const schema = spec.components.schemas[name];
  expect(Object.keys(value).sort()).toEqual([...schema.required].sort());
  expect(Object.keys(schema.properties).sort()).toEqual(
    [...schema.required].sort(),
  );
}

function appFor(
  workload: ReturnType<typeof checkout>,
  canReadCost?: () => Promise<boolean[]>,
) {
  const store: any = {
    getWorkload: async (id: string) =>
      id === workload.id ? workload : undefined,
  };
  return express()
    .use(
      createEngineRoutes({
        store,
        clusters: [],
        health: new Map(),
        healthStore: {} as any,
        killSwitch: {} as any,
        manualScaler: {} as any,
        clientFor: () => {
          throw new Error('no cluster in this test');
        },
        httpAuth: mockServices.httpAuth(),
        permissions: mockServices.permissions(),
        authorizeTarget: async () => {},
        clock: () => NOW,
        costService: service(),
        canReadCost,
      }),
    )
    .use(mockErrorHandler());
}

describe('GET /workloads/:id/recommendations', () => {
  it('answers current → recommended within the policy, the savings and the replicas with the new requests', async () => {
    // Two days of 4 pods using 0.1 core and 300 MiB each, asking 500m / 512Mi (limit 768Mi).
    const template = [
      {
        name: 'app',
        cpu: 0.5,
        memory: 512 * MIB,
        limits: { memory: 768 * MIB },
      },
    ];
    let containers = observeContainers(undefined, {
      template,
      nowMs: NOW - 2 * 86_400_000,
    });
    for (let t = NOW - 2 * 86_400_000; t <= NOW; t += 60_000) {
      containers = observeContainers(containers, {
        template,
        usage: Array.from({ length: 4 }, () => ({
          app: { cpu: 0.1, memory: 300 * MIB },
        })),
        nowMs: t,
      });
    }
    const policy = scalingPolicySchema.parse({
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [
        {
          type: 'Resource',
          resource: 'cpu',
          target: { type: 'Utilization', averageUtilization: 70 },
        },
      ],
      vertical: {
        mode: 'Off',
        minAllowed: { cpu: '200m' },
        maxAllowed: { memory: '320Mi' },
      },
    });
    const w = checkout();
    w.state.containers = containers;
    w.state.rightSizing = rightSizingPolicyOf(policy);

    const response = await request(appFor(w)).get(
      `/workloads/${encodeURIComponent(w.id)}/recommendations`,
    );
    expect(response.status).toBe(200);
    const body = response.body;
    const cpu = body.vertical.find((r: any) => r.resource === 'cpu');
    const memory = body.vertical.find((r: any) => r.resource === 'memory');
    expect(cpu).toMatchObject({
      container: 'app',
      current: 0.5,
      currentLimit: null,
      target: 0.2,
    });
    expect(memory).toMatchObject({
      container: 'app',
      current: 512 * MIB,
      currentLimit: 768 * MIB,
    });
    // The recommender wants ~363 MiB (peaks of 300 MiB, P90 bucket × 1.15); maxAllowed caps it.
    expect(memory.target).toBe(320 * MIB);
    expect(memory.upperBound).toBeLessThanOrEqual(320 * MIB);
    expect(cpu.lowerBound).toBeGreaterThanOrEqual(0.2);
    expect(cpu.confidenceDays).toBeCloseTo(2, 1);
    expect(cpu.confidence).toBeCloseTo(2 / 3, 2);
    expect(cpu.confidenceLevel).toBe('medium');
    // (0.5 − 0.2) × 4 × 730 × 0.04 = 35.04; (512 − 320) MiB = 0.1875 GiB × 4 × 730 × 0.005 = 2.7375.
    expect(cpu.monthlySavings).toBeCloseTo(35.04, 2);
    expect(memory.monthlySavings).toBeCloseTo(2.74, 2);
    expect(body.monthlySavings).toBeCloseTo(37.78, 2);
    expect(body.currency).toBe('EUR');
    // 0.4 cores in use at 70% of the new 0.2-core request: ceil(0.4 / 0.14) = 3 replicas.
    expect(body.horizontal).toMatchObject({
      minReplicas: 2,
      maxReplicas: 10,
      currentReplicas: 4,
      replicas: 3,
    });
    expect(body.horizontal.reasons[0].code).toBe('RecommendedRequests');

    expectDocumented(body, 'WorkloadRecommendations');
    expectDocumented(cpu, 'VerticalRecommendation');
    expect(Object.keys(body.horizontal).sort()).toEqual(
      [
        ...spec.components.schemas.WorkloadRecommendations.properties.horizontal
          .required,
      ].sort(),
    );
    expect(GIB).toBe(1024 * MIB);
  });

  it('leaves out resources the policy does not control', async () => {
    const template = [{ name: 'app', cpu: 0.5, memory: 512 * MIB }];
    let containers = observeContainers(undefined, {
      template,
      nowMs: NOW - 3_600_000,
    });
    containers = observeContainers(containers, {
      template,
      usage: [{ app: { cpu: 0.1, memory: 300 * MIB } }],
      nowMs: NOW,
    });
    const w = checkout();
    w.state.containers = containers;
    w.state.rightSizing = rightSizingPolicyOf(
      scalingPolicySchema.parse({
        minReplicas: 1,
        maxReplicas: 5,
        vertical: { controlledResources: ['memory'] },
      }),
    );
    const body = (
      await request(appFor(w)).get(
        `/workloads/${encodeURIComponent(w.id)}/recommendations`,
      )
    ).body;
    expect(body.vertical.map((r: any) => r.resource)).toEqual(['memory']);
    // One sample: no history span, so the level says so and the range collapses to the target.
    expect(body.vertical[0].confidenceLevel).toBe('none');
    expect(body.vertical[0].upperBound).toBe(body.vertical[0].target);
  });

  it('leaves the savings out for a user who may not read cost', async () => {
    const template = [{ name: 'app', cpu: 0.5, memory: 512 * MIB }];
    const w = checkout();
    w.state.containers = observeContainers(undefined, {
      template,
      usage: [{ app: { cpu: 0.1, memory: 300 * MIB } }],
      nowMs: NOW,
    });
    const body = (
      await request(appFor(w, async () => [false])).get(
        `/workloads/${encodeURIComponent(w.id)}/recommendations`,
      )
    ).body;
    expect(body.vertical.length).toBeGreaterThan(0);
    expect(body.vertical.every((r: any) => r.monthlySavings === null)).toBe(
      true,
    );
    expect(body.monthlySavings).toBeNull();
    expect(body.vertical[0].current).toBe(0.5);
  });
});
