/**
 * What the backend benchmarks share (bench/backend.ts, 1,000 workloads with the simulator in
 * process; bench/fleet.ts, 10,000 with the simulator in its own process): the tenants, catalog
 * and default policy of the benchmark fleet, the plugin in a Backstage backend, statistics.
 */
import type { Server } from 'node:http';
import { createBackend } from '@backstage/backend-defaults';
import { rootHttpRouterServiceFactory } from '@backstage/backend-defaults/rootHttpRouter';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import {
  parseEntityRef,
  stringifyEntityRef,
  type CompoundEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import {
  catalogServiceRef,
  type CatalogService,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Knex } from 'knex';
import { autoscalingPlugin } from '../src/plugin';

export const TENANTS = [
  { name: 'acme', tier: 'enterprise' },
  { name: 'globex', tier: 'premium' },
  { name: 'initech', tier: 'basic' },
  { name: 'umbrella', tier: 'premium' },
  { name: 'hooli', tier: 'basic' },
];

/** The global default policy: CPU at 70%, 2 to 20 replicas, acting. */
export const POLICY = {
  minReplicas: 2,
  maxReplicas: 20,
  mode: 'auto',
  metrics: [
    {
      type: 'Resource',
      resource: 'cpu',
      target: { type: 'Utilization', averageUtilization: 70 },
    },
  ],
};

/**
 * The start of a cluster-sim config for the benchmark fleet, up to `workloads:`: the scaler's
 * token, enough nodes, default requests. The clock started six minutes ago and runs at wall
 * speed, so once run up to now the pods are past the HPA's CPU initialisation period when the
 * first tick reads them.
 */
export function simConfigHeader(options: {
  cluster: string;
  nodes: number;
  capacityPerPod: number;
}): string[] {
  return [
    `cluster: { name: ${options.cluster} }`,
    // The model moves in 1 s steps: what the engine reads is at most a second old.
    `clock: { factor: 1, tickSeconds: 1, start: '${new Date(
      Date.now() - 6 * 60_000,
    ).toISOString()}' }`,
    'tokens:',
    '  - token: scaler-token',
    '    user: system:serviceaccount:autoscaling:scaler',
    '    rules:',
    "      - { verbs: [get, list, watch], resources: ['*'] }",
    '      - { verbs: [get, update, patch], resources: [deployments/scale, statefulsets/scale] }',
    'nodes:',
    `  - { count: ${options.nodes}, cpu: '64', memory: 256Gi, maxPods: 110 }`,
    'defaults:',
    '  resources: { requests: { cpu: 250m, memory: 256Mi } }',
    `  capacityPerPod: ${options.capacityPerPod}`,
    '  startupSeconds: 20',
    'workloads:',
  ];
}

/** The tenant Groups and one production Component per workload, linked by kubernetes-id. */
export function benchEntities(options: {
  names: string[];
  namespaceOf: (i: number) => string;
  tenantOf: (i: number) => { name: string };
  replicaQuota: number;
}): Entity[] {
  const groups: Entity[] = TENANTS.map(t => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name: t.name,
      namespace: 'default',
      annotations: {
        'autoscaling.io/tier': t.tier,
        'autoscaling.io/replica-quota': String(options.replicaQuota),
      },
    },
    spec: { type: 'tenant', children: [] },
  }));
  const components: Entity[] = options.names.map((name, i) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-id': name,
        'backstage.io/kubernetes-namespace': options.namespaceOf(i),
        'autoscaling.io/tenant': options.tenantOf(i).name,
        'autoscaling.io/environment': 'production',
      },
    },
    spec: {
      type: 'service',
      owner: `group:default/${options.tenantOf(i).name}`,
      lifecycle: 'production',
    },
  }));
  return [...groups, ...components];
}

/**
 * Backstage's in-memory test catalog, with lookups by ref and by kind from an index: the test
 * catalog scans every entity on each lookup (and builds its search terms), which at 10,000
 * entities would measure the stand-in, not the plugin (a real catalog answers a lookup from its
 * database over HTTP).
 */
export function indexedCatalog(entities: Entity[]): CatalogService {
  const base = catalogServiceMock({ entities });
  const byRef = new Map(entities.map(e => [stringifyEntityRef(e), e]));
  const getEntityByRef = async (ref: string | CompoundEntityRef) =>
    byRef.get(
      typeof ref === 'string'
        ? stringifyEntityRef(parseEntityRef(ref))
        : stringifyEntityRef(ref),
    );
  const getEntitiesByRefs = async (request: { entityRefs: string[] }) => ({
    items: await Promise.all(
      request.entityRefs.map(async ref => (await getEntityByRef(ref)) ?? null),
    ),
  });
  const byKind = new Map<string, Entity[]>();
  for (const e of entities) {
    const kind = e.kind.toLocaleLowerCase('en-US');
    const ofKind = byKind.get(kind) ?? [];
    ofKind.push(e);
    byKind.set(kind, ofKind);
  }
  // Only the plain `{ filter: { kind } }` request; anything else goes to the test catalog.
  const getEntities = async (request?: any, options?: any) => {
    const keys = Object.keys(request ?? {});
    const kind = request?.filter?.kind;
    if (
      keys.length === 1 &&
      keys[0] === 'filter' &&
      typeof kind === 'string' &&
      Object.keys(request.filter).length === 1
    ) {
      return { items: byKind.get(kind.toLocaleLowerCase('en-US')) ?? [] };
    }
    return base.getEntities(request, options);
  };
  return new Proxy(base, {
    get: (target, property) => {
      if (property === 'getEntities') return getEntities;
      if (property === 'getEntityByRef') return getEntityByRef;
      if (property === 'getEntitiesByRefs') return getEntitiesByRefs;
      // Bound to the mock itself: its methods read private fields.
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export interface BenchBackend {
  baseUrl: string;
  triggerTick: () => Promise<void>;
  stop: () => Promise<void>;
}

/**
 * The plugin in a Backstage backend: Backstage's default services (real HTTP router,
 * permissions, auditor, ...), with mock auth, the given knex, a scheduler whose tasks run only
 * when triggered, the catalog above, and Backstage's production root HTTP stack (helmet, CORS,
 * compression, request logging) listening on 127.0.0.1 only.
 */
export async function startBenchBackend(options: {
  knex: Knex;
  cluster: string;
  simUrl: string;
  entities: Entity[];
  /** `autoscaling.evaluationEnabled` (default true): false is an API-only replica. */
  evaluationEnabled?: boolean;
}): Promise<BenchBackend> {
  const scheduler = mockServices.scheduler();
  let server: (Server & { port(): number }) | undefined;
  const backend = createBackend();
  backend.add(autoscalingPlugin);
  backend.add(
    mockServices.rootConfig.factory({
      data: {
        backend: {
          baseUrl: 'http://127.0.0.1',
          listen: { host: '127.0.0.1', port: 0 },
        },
        kubernetes: {
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                {
                  name: options.cluster,
                  url: options.simUrl,
                  authProvider: 'serviceAccount',
                  serviceAccountToken: 'scaler-token',
                  skipTLSVerify: true,
                },
              ],
            },
          ],
        },
        autoscaling: {
          evaluationEnabled: options.evaluationEnabled ?? true,
          policies: { globalDefault: POLICY },
        },
      },
    }),
  );
  backend.add(mockServices.rootLogger.factory({ level: 'warn' }));
  backend.add(mockServices.auth.factory());
  backend.add(mockServices.httpAuth.factory());
  backend.add(mockServices.userInfo.factory());
  backend.add(mockServices.discovery.factory());
  backend.add(mockServices.database.factory({ knex: options.knex }));
  // Tasks run only when the benchmark triggers them.
  backend.add(
    createServiceFactory({
      service: coreServices.scheduler,
      deps: {},
      factory: () => scheduler,
    }),
  );
  backend.add(
    createServiceFactory({
      service: catalogServiceRef,
      deps: {},
      factory: () => indexedCatalog(options.entities),
    }),
  );
  backend.add(
    rootHttpRouterServiceFactory({
      configure: context => {
        server = context.server as unknown as Server & { port(): number };
        context.applyDefaults();
      },
    }),
  );
  await backend.start();
  if (!server) throw new Error('the HTTP server was not created');
  return {
    baseUrl: `http://127.0.0.1:${server.port()}`,
    triggerTick: () =>
      scheduler.triggerTask(`autoscaling-evaluate-${options.cluster}`),
    stop: () => backend.stop(),
  };
}

// ------------------------------------------------------------------ statistics

export const percentile = (values: number[], p: number) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(
      sorted.length - 1,
      Math.max(0, Math.ceil((p / 100) * sorted.length) - 1),
    )
  ];
};
export const median = (values: number[]) => percentile(values, 50);
export const round = (n: number, digits = 1) =>
  Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : n;

/** `select workloads`, `insert decisions`, `begin`, ... */
export function statementOf(sql: string): string {
  const verb =
    sql
      .trim()
      .split(/[\s;]+/)[0]
      .toLowerCase() || '?';
  const table = /\b(?:from|into|update)\s+[`"]?([\w]+)/i.exec(sql)?.[1];
  return table ? `${verb} ${table}` : verb;
}
