/**
 * Set-up for the predictive end-to-end tests: cluster-sim on a manual clock with a diurnal load,
 * the real backend with a predictive policy, and (optionally) a real local HTTP server speaking
 * the Prometheus `query_range` API that serves the simulator's own past demand, as the demo's
 * simulated cluster does.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  startClusterSim,
  syntheticDemand,
  type RunningClusterSim,
} from '@internal/cluster-sim';
import express from 'express';
import type { Knex } from 'knex';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAutoscalingService } from '../../service/createAutoscalingService';
import { ACME_TENANT, serviceComponent } from './entities';
import { mockAutoscalingDependencies } from './services';
import { simClustersConfig } from './simClusters';

export const CLUSTER = 'sim-predictive';
export const NAMESPACE = 'acme-production';
export const WORKLOAD = 'checkout-api';
export const WORKLOAD_ID = `${CLUSTER}/${NAMESPACE}/Deployment/${WORKLOAD}`;
export const CAPACITY_RPS = 100;
export const CPU_REQUEST = 0.5;
export const TARGET = 70;

/**
 * Diurnal demand (trough 02:00, peak 14:00 UTC) growing day by day through the week, with a
 * little noise; pods take 120 s to become ready. Starts on Monday 2026-01-05 00:00 UTC.
 */
export const DIURNAL_SIM = `
cluster: { name: ${CLUSTER} }
clock: { start: '2026-01-05T00:00:00Z' }
tokens:
  - token: scaler-token
    user: system:serviceaccount:autoscaling:scaler
    rules:
      - { verbs: [get, list, watch], resources: ['*'] }
      - { verbs: [get, update, patch], resources: [deployments/scale, statefulsets/scale] }
workloads:
  - name: ${WORKLOAD}
    namespace: ${NAMESPACE}
    replicas: 2
    labels: { backstage.io/kubernetes-id: ${WORKLOAD} }
    resources: { requests: { cpu: 500m, memory: 256Mi } }
    capacityPerPod: ${CAPACITY_RPS}
    startupSeconds: 120
    demand:
      synthetic: { base: 400, dailyAmplitude: 0.8, peakHour: 14, weekly: [1, 1.08, 1.16, 1.24, 1.32, 1.4, 1.48], noise: 0.02, noiseInterval: 5m, seed: 7 }
`;

export function predictivePolicy(
  mode: 'auto' | 'forecast-only',
  predictive = true,
) {
  return {
    minReplicas: 2,
    maxReplicas: 40,
    mode,
    metrics: [
      {
        type: 'Resource',
        resource: 'cpu',
        target: { type: 'Utilization', averageUtilization: TARGET },
      },
    ],
    predictive: { enabled: predictive, leadTimeSeconds: 300 },
    behavior: {
      scaleUp: {
        stabilizationWindowSeconds: 0,
        policies: [{ type: 'Pods', value: 4, periodSeconds: 60 }],
      },
      scaleDown: {
        stabilizationWindowSeconds: 300,
        policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }],
      },
    },
  };
}

/** A Prometheus HTTP API stand-in serving the simulator's past demand, replicas and readiness. */
export async function startPastServer(sim: RunningClusterSim) {
  const workload = sim.config.workloads[0];
  if (workload.demand.type !== 'synthetic')
    throw new Error('needs a synthetic demand');
  const model = syntheticDemand(workload.demand.profile);
  const queries: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = url.searchParams.get('query') ?? '';
    queries.push(query);
    if (url.pathname !== '/prometheus/api/v1/query_range') {
      res.statusCode = 404;
      res.end('{"status":"error","error":"not found"}');
      return;
    }
    const start = Number(url.searchParams.get('start'));
    const end = Number(url.searchParams.get('end'));
    const step = Number(url.searchParams.get('step'));
    const values: Array<[number, string]> = [];
    for (let t = start; t <= end; t += step) {
      const rps = model.at(t * 1000);
      const pods = Math.max(
        2,
        Math.ceil(rps / (CAPACITY_RPS * (TARGET / 100))),
      );
      const value = query.includes('container_cpu')
        ? (rps / CAPACITY_RPS) * CPU_REQUEST
        : pods;
      values.push([t, String(value)]);
    }
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        status: 'success',
        data: { resultType: 'matrix', result: [{ metric: {}, values }] },
      }),
    );
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/prometheus`,
    queries,
    close: () =>
      new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export async function startSimulator(config = DIURNAL_SIM) {
  return startClusterSim({ config, clock: 'manual' });
}

/** The real backend on `knex` against `sim`; a second call on the same database is a restart. */
export async function startPredictiveBackend(options: {
  sim: RunningClusterSim;
  knex: Knex;
  mode: 'auto' | 'forecast-only';
  prometheusUrl?: string;
  /** false: the same policy with predictive scaling off (the reactive baseline). */
  predictive?: boolean;
}) {
  const { sim, knex } = options;
  const config = mockServices.rootConfig({
    data: {
      kubernetes: simClustersConfig([{ name: CLUSTER, url: sim.url }]),
      autoscaling: {
        policies: {
          globalDefault: predictivePolicy(
            options.mode,
            options.predictive ?? true,
          ),
        },
        predictive: { startupSeconds: 120 },
        ...(options.prometheusUrl
          ? {
              demandHistory: {
                prometheus: {
                  baseUrl: options.prometheusUrl,
                  days: 14,
                  stepSeconds: 300,
                },
              },
            }
          : {}),
      },
    },
  });
  const service = await createAutoscalingService({
    ...mockAutoscalingDependencies(),
    config,
    database: { getClient: async () => knex },
    catalog: catalogServiceMock({
      entities: [
        serviceComponent({
          name: WORKLOAD,
          namespace: NAMESPACE,
          environment: 'production',
        }),
        ACME_TENANT,
      ],
    }),
    clock: () => sim.now(),
  });
  const evaluator = service.evaluators.get(CLUSTER)!;
  return {
    service,
    app: express().use(service.router),
    /** Moves simulated time, then runs one evaluation tick at the new time. */
    async tick(seconds = 60) {
      sim.advance(seconds);
      return evaluator.tick(sim.now());
    },
  };
}
