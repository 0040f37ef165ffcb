/**
 * Benchmark of the autoscaling backend plugin against the in-process cluster simulator:
 *
 *  1. full evaluation ticks of 1,000 workloads (the plugin's scheduled task, i.e.
 *     ClusterEvaluator.tick, through the real @kubernetes/client-node client over HTTP to
 *     cluster-sim): wall time per tick (median, p95), database queries per tick (knex `query`
 *     events) and Kubernetes API requests per tick (counted where cluster-sim receives them);
 *  2. p50/p95/p99 latency of the scaling-state endpoint
 *     (GET /api/autoscaling/entities/{namespace}/{kind}/{name}/state) under concurrent load,
 *     the plugin served by a real Backstage HTTP stack on 127.0.0.1, the store holding the
 *     1,000 workloads of part 1.
 *
 * On SQLite (in memory, as Backstage's dev default) and, when reachable, PostgreSQL (a fresh
 * database that is dropped afterwards). Figures are printed as tables and written as JSON to
 * artifacts/bench/autoscaling-backend-1k.json (git-ignored).
 *
 * The load generator is a worker thread with node:http keep-alive clients (autocannon is not
 * installed), bounded by the request count and a 60 s deadline.
 *
 *   npm run bench:1k -- [--workloads 1000] [--ticks 5] [--pg-ticks 3] [--budget-seconds 150] [--requests 5000]
 *                    [--concurrency 50] [--pg postgresql://postgres@127.0.0.1:5432/postgres | --pg none]
 *   (or AUTOSCALING_BENCH_PG=<url>)
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { startClusterSim, type RunningClusterSim } from '@internal/cluster-sim';
import knexFactory, { type Knex } from 'knex';
import {
  benchEntities,
  simConfigHeader,
  median,
  percentile,
  round,
  startBenchBackend,
  statementOf,
  TENANTS,
  type BenchBackend,
} from './benchBackend';

// ------------------------------------------------------------------ options

const args = process.argv.slice(2);
function option(name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}
const WORKLOADS = Number(option('workloads') ?? 1000);
// Ticks per database; the first (cold) tick is reported apart from the steady ones.
const TICKS = Math.max(2, Number(option('ticks') ?? 5));
const PG_TICKS = Math.max(2, Number(option('pg-ticks') ?? 3));
/**
 * Time budget: after a cold and two steady ticks, a database's remaining ticks are skipped when
 * the next one would likely end after its deadline (seconds since the start), so that the whole
 * benchmark stays near three minutes on a busy machine.
 */
const BUDGET_SECONDS = Number(option('budget-seconds') ?? 150);
const MIN_TICKS = 3;
const BENCH_START = performance.now();
const REQUESTS = Number(option('requests') ?? 5000);
const CONCURRENCY = Number(option('concurrency') ?? 50);
const LOAD_DEADLINE_MS = 60_000; // the load phase stops issuing requests after this long
const PG_URL =
  option('pg') ??
  process.env.AUTOSCALING_BENCH_PG ??
  'postgresql://postgres@127.0.0.1:5432/postgres';
const CLUSTER = 'bench';
const NAMESPACES_PER_TENANT = 10;

const workloadNames = Array.from({ length: WORKLOADS }, (_, i) => `svc-${i}`);
const tenantOf = (i: number) => TENANTS[i % TENANTS.length];
const namespaceOf = (i: number) =>
  `${tenantOf(i).name}-production-${
    Math.floor(i / TENANTS.length) % NAMESPACES_PER_TENANT
  }`;
const replicasOf = (i: number) => 2 + (i % 3); // 2..4 pods, 3,000 pods for 1,000 workloads

// ------------------------------------------------------------------ fixtures

/**
 * 1,000 Deployments over 50 namespaces of 5 tenants. Demand is set around the 70% CPU target
 * (from 60% to 140% of it), so a first tick scales about half of them and later ticks settle.
 */
function simConfig(): string {
  const pods = WORKLOADS * 4;
  const lines = simConfigHeader({
    cluster: CLUSTER,
    nodes: Math.ceil((pods * 2) / 100),
    capacityPerPod: 50,
  });
  workloadNames.forEach((name, i) => {
    const replicas = replicasOf(i);
    const base = Math.round(
      0.7 * 50 * replicas * (0.6 + ((i * 37) % 81) / 100),
    );
    lines.push(
      `  - { name: ${name}, namespace: ${namespaceOf(
        i,
      )}, replicas: ${replicas}, ` +
        `labels: { backstage.io/kubernetes-id: ${name} }, ` +
        `demand: { synthetic: { base: ${base}, dailyAmplitude: 0, noise: 0.05, seed: ${i} } } }`,
    );
  });
  return `${lines.join('\n')}\n`;
}

function catalogEntities() {
  return benchEntities({
    names: workloadNames,
    namespaceOf,
    tenantOf,
    replicaQuota: 5000,
  });
}

// ------------------------------------------------------------------ counters

/**
 * Kubernetes API requests as cluster-sim's HTTP server receives them, by route, and the time
 * the simulator spent serving them (request start to response finish; its handlers are
 * synchronous, so this is about the simulator's own share of the tick).
 */
class KubeRequestCounter {
  total = 0;
  servingMs = 0;
  byRoute = new Map<string, number>();
  private readonly started = new WeakMap<object, number>();
  constructor(private readonly port: number) {}

  private readonly onStart = (message: unknown) => {
    const { request, socket } = message as {
      request: { method?: string; url?: string };
      socket: { localPort?: number };
    };
    if (socket.localPort !== this.port) return;
    this.total += 1;
    this.started.set(request, performance.now());
    const route = routeOf(request.method ?? 'GET', request.url ?? '/');
    this.byRoute.set(route, (this.byRoute.get(route) ?? 0) + 1);
  };
  private readonly onFinish = (message: unknown) => {
    const { request } = message as { request: object };
    const t0 = this.started.get(request);
    if (t0 !== undefined) this.servingMs += performance.now() - t0;
  };
  start() {
    subscribe('http.server.request.start', this.onStart);
    subscribe('http.server.response.finish', this.onFinish);
  }
  stop() {
    unsubscribe('http.server.request.start', this.onStart);
    unsubscribe('http.server.response.finish', this.onFinish);
  }
  reset() {
    this.total = 0;
    this.servingMs = 0;
    this.byRoute.clear();
  }
}

function routeOf(method: string, url: string): string {
  const path = url.split('?')[0];
  return `${method} ${path
    .replace(/\/namespaces\/[^/]+/, '/namespaces/{ns}')
    .replace(/\/(deployments|statefulsets)\/[^/]+/, '/$1/{name}')}`;
}

/** Every query knex runs (its `query` event), by statement and table. */
class QueryCounter {
  total = 0;
  byStatement = new Map<string, number>();
  private readonly onQuery = (data: { sql?: string }) => {
    this.total += 1;
    const key = statementOf(data.sql ?? '');
    this.byStatement.set(key, (this.byStatement.get(key) ?? 0) + 1);
  };
  constructor(private readonly knex: Knex) {
    knex.on('query', this.onQuery);
  }
  reset() {
    this.total = 0;
    this.byStatement.clear();
  }
  stop() {
    this.knex.removeListener('query', this.onQuery);
  }
}

// ------------------------------------------------------------------ statistics

const ms = (n: number) => `${n.toFixed(n >= 100 ? 0 : 1)} ms`;
const int = (n: number) => Math.round(n).toLocaleString('en-US');

// ------------------------------------------------------------------ backend

// ------------------------------------------------------------------ part 1: ticks

interface TickFigures {
  wallMs: number;
  evaluated: number;
  dbQueries: number;
  dbQueriesByStatement: Record<string, number>;
  kubeRequests: number;
  kubeRequestsByRoute: Record<string, number>;
  simServingMs: number;
  scaleWrites: number;
}

async function runTicks(
  knex: Knex,
  sim: RunningClusterSim,
  backend: BenchBackend,
  count: number,
  deadlineMs: number,
) {
  const queries = new QueryCounter(knex);
  const kube = new KubeRequestCounter(sim.port);
  kube.start();
  const ticks: TickFigures[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const last = ticks[ticks.length - 1];
      if (i >= MIN_TICKS && performance.now() + last.wallMs > deadlineMs) {
        console.log(
          `  (${
            count - i
          } more ticks skipped: time budget of ${BUDGET_SECONDS} s)`,
        );
        break;
      }
      queries.reset();
      kube.reset();
      const startedMs = Date.now();
      const t0 = performance.now();
      await backend.triggerTick();
      const wallMs = performance.now() - t0;
      const dbQueries = queries.total;
      const dbQueriesByStatement = Object.fromEntries(
        [...queries.byStatement].sort((a, b) => b[1] - a[1]),
      );
      const [{ updated }] = await knex('workloads')
        .where('updated_at', '>=', startedMs)
        .count({ updated: '*' });
      const tick: TickFigures = {
        wallMs,
        evaluated: Number(updated),
        dbQueries,
        dbQueriesByStatement,
        kubeRequests: kube.total,
        kubeRequestsByRoute: Object.fromEntries(kube.byRoute),
        simServingMs: kube.servingMs,
        scaleWrites:
          kube.byRoute.get(
            'PUT /apis/apps/v1/namespaces/{ns}/deployments/{name}/scale',
          ) ?? 0,
      };
      ticks.push(tick);
      process.stdout.write(
        `  tick ${i + 1}/${count}: ${ms(wallMs)}, ${
          tick.evaluated
        } evaluated, ${int(dbQueries)} queries, ` +
          `${int(tick.kubeRequests)} Kubernetes requests (${
            tick.scaleWrites
          } scale writes)\n`,
      );
      if (tick.evaluated !== WORKLOADS) {
        throw new Error(
          `tick ${i + 1} evaluated ${tick.evaluated} of ${WORKLOADS} workloads`,
        );
      }
    }
  } finally {
    kube.stop();
    queries.stop();
  }
  const [cold, ...steady] = ticks;
  const wall = steady.map(t => t.wallMs);
  return {
    cold,
    steady: {
      ticks: steady.length,
      wallMs: {
        median: round(median(wall)),
        p95: round(percentile(wall, 95)),
        min: round(Math.min(...wall)),
        max: round(Math.max(...wall)),
      },
      dbQueriesPerTick: median(steady.map(t => t.dbQueries)),
      kubeRequestsPerTick: median(steady.map(t => t.kubeRequests)),
      scaleWritesPerTick: median(steady.map(t => t.scaleWrites)),
      perWorkloadMs: round(median(wall) / WORKLOADS, 2),
      simServingMs: round(median(steady.map(t => t.simServingMs))),
    },
    ticks: ticks.map(t => ({
      ...t,
      wallMs: round(t.wallMs),
      simServingMs: round(t.simServingMs),
    })),
  };
}

// ------------------------------------------------------------------ part 2: API load

/**
 * The load generator runs in a worker thread (plain JavaScript, node:http with keep-alive), so
 * the clients do not share the backend's event loop: the backend keeps the main thread.
 * Bounded by a request count and a deadline.
 */
const LOAD_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { baseUrl, paths, warmup, requests, concurrency, deadlineMs, headers } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
function get(path) {
  return new Promise((ok, fail) => {
    const req = http.request(baseUrl + path, { agent, headers, timeout: 10000 }, res => {
      let bytes = 0;
      res.on('data', chunk => { bytes += chunk.length; });
      res.on('end', () => ok({ status: res.statusCode, bytes }));
      res.on('error', fail);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', fail);
    req.end();
  });
}
async function run(count, record) {
  const latencies = [];
  const statuses = {};
  let errors = 0, bytes = 0, issued = 0;
  const t0 = performance.now();
  const deadline = t0 + deadlineMs;
  async function client() {
    while (issued < count && performance.now() < deadline) {
      const i = issued++;
      const started = performance.now();
      try {
        const res = await get(paths[(i * 7919) % paths.length]);
        if (record) latencies.push(performance.now() - started);
        statuses[res.status] = (statuses[res.status] || 0) + 1;
        bytes += res.bytes;
      } catch (e) {
        errors += 1;
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, client));
  return { latencies, statuses, errors, bytes, elapsedMs: performance.now() - t0 };
}
(async () => {
  await run(warmup, false);
  const result = await run(requests, true);
  agent.destroy();
  parentPort.postMessage(result);
})().catch(error => parentPort.postMessage({ error: String(error && error.stack || error) }));
`;

interface LoadResult {
  latencies: number[];
  statuses: Record<string, number>;
  errors: number;
  bytes: number;
  elapsedMs: number;
  error?: string;
}

async function loadStateEndpoint(
  baseUrl: string,
  requests: number,
  concurrency: number,
) {
  const headers = {
    Authorization: 'Bearer mock-user-token',
    Accept: 'application/json',
  };
  const paths = workloadNames.map(
    name => `/api/autoscaling/entities/default/component/${name}/state`,
  );

  // The endpoint answers with the workload's state before anything is measured.
  const probe = await fetch(new URL(paths[42 % paths.length], baseUrl), {
    headers,
  });
  const probeBody = (await probe.json()) as {
    workloads?: Array<{ currentReplicas?: number }>;
  };
  if (
    probe.status !== 200 ||
    probeBody.workloads?.length !== 1 ||
    !probeBody.workloads[0].currentReplicas
  ) {
    throw new Error(
      `state endpoint: HTTP ${probe.status} ${JSON.stringify(probeBody).slice(
        0,
        300,
      )}`,
    );
  }

  const worker = new Worker(LOAD_WORKER, {
    eval: true,
    workerData: {
      baseUrl,
      paths,
      warmup: Math.min(500, requests),
      requests,
      concurrency,
      deadlineMs: LOAD_DEADLINE_MS,
      headers,
    },
  });
  const result = await new Promise<LoadResult>((ok, fail) => {
    worker.once('message', ok);
    worker.once('error', fail);
  });
  await worker.terminate();
  if (result.error) throw new Error(`load generator: ${result.error}`);
  const { latencies, elapsedMs } = result;
  return {
    endpoint: 'GET /api/autoscaling/entities/{namespace}/{kind}/{name}/state',
    concurrency,
    requests: latencies.length,
    errors: result.errors,
    statuses: result.statuses,
    meanResponseBytes: Math.round(result.bytes / Math.max(1, latencies.length)),
    elapsedMs: round(elapsedMs),
    throughputPerSecond: round((latencies.length / elapsedMs) * 1000),
    latencyMs: {
      p50: round(percentile(latencies, 50), 2),
      p95: round(percentile(latencies, 95), 2),
      p99: round(percentile(latencies, 99), 2),
      max: round(Math.max(...latencies), 2),
    },
  };
}

// ------------------------------------------------------------------ databases

async function sqlite(): Promise<{ knex: Knex; drop: () => Promise<void> }> {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  return { knex, drop: () => knex.destroy() };
}

async function postgres(): Promise<
  { knex: Knex; drop: () => Promise<void> } | string
> {
  if (PG_URL === 'none') return 'skipped (--pg none)';
  const admin = knexFactory({
    client: 'pg',
    connection: PG_URL,
    pool: { min: 0, max: 1 },
  });
  const name = `autoscaling_bench_${process.pid}_${Date.now()}`;
  try {
    await admin.raw(`CREATE DATABASE ${name}`);
  } catch (error) {
    await admin.destroy();
    return `skipped (${PG_URL} not reachable: ${(error as Error).message})`;
  }
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const knex = knexFactory({ client: 'pg', connection: url.toString() });
  return {
    knex,
    drop: async () => {
      await knex.destroy();
      await admin.raw(`DROP DATABASE IF EXISTS ${name}`);
      await admin.destroy();
    },
  };
}

async function runOn(
  label: string,
  db: { knex: Knex; drop: () => Promise<void> },
  ticks: number,
  deadlineMs: number,
) {
  console.log(
    `\n${label}: starting cluster-sim with ${int(
      WORKLOADS,
    )} deployments and the plugin`,
  );
  const sim = await startClusterSim({ config: simConfig() });
  const warm = performance.now();
  sim.advance(Math.max(0, (Date.now() - sim.now()) / 1000));
  console.log(
    `  cluster-sim ran six simulated minutes up to now in ${ms(
      performance.now() - warm,
    )}`,
  );
  let backend: BenchBackend | undefined;
  try {
    backend = await startBenchBackend({
      knex: db.knex,
      cluster: CLUSTER,
      simUrl: sim.url,
      entities: catalogEntities(),
    });
    const tickFigures = await runTicks(
      db.knex,
      sim,
      backend,
      ticks,
      deadlineMs,
    );
    // The cluster is not involved in the state endpoint: stop it so that its model does not
    // compete with the API for the CPU.
    await sim.stop();
    console.log(
      `  load: ${int(
        REQUESTS,
      )} requests from ${CONCURRENCY} concurrent clients on ${backend.baseUrl}`,
    );
    const api = await loadStateEndpoint(backend.baseUrl, REQUESTS, CONCURRENCY);
    return { ticks: tickFigures, api };
  } finally {
    await backend?.stop();
    await sim.stop().catch(() => undefined);
    await db.drop();
  }
}

// ------------------------------------------------------------------ report

type Result = Awaited<ReturnType<typeof runOn>>;

function printTables(results: Record<string, Result>) {
  const names = Object.keys(results);
  const line = (cells: string[]) => console.log(`| ${cells.join(' | ')} |`);
  console.log(
    `\nFull evaluation tick, ${int(
      WORKLOADS,
    )} workloads (a cold first tick, then steady ticks)\n`,
  );
  line(['figure', ...names]);
  line(['---', ...names.map(() => '---:')]);
  const row = (label: string, f: (r: Result) => string) =>
    line([label, ...names.map(n => f(results[n]))]);
  row('cold tick (no stored state), wall', r => ms(r.ticks.cold.wallMs));
  row('steady ticks measured', r => String(r.ticks.steady.ticks));
  row('steady tick, wall, median', r => ms(r.ticks.steady.wallMs.median));
  row('steady tick, wall, p95', r => ms(r.ticks.steady.wallMs.p95));
  row('per workload (median tick)', r => ms(r.ticks.steady.perWorkloadMs));
  row('of the tick, cluster-sim serving the requests (median)', r =>
    ms(r.ticks.steady.simServingMs),
  );
  row('database queries per tick (cold)', r => int(r.ticks.cold.dbQueries));
  row('database queries per tick (steady, median)', r =>
    int(r.ticks.steady.dbQueriesPerTick),
  );
  row('Kubernetes API requests per tick (cold)', r =>
    int(r.ticks.cold.kubeRequests),
  );
  row('Kubernetes API requests per tick (steady, median)', r =>
    int(r.ticks.steady.kubeRequestsPerTick),
  );
  row(
    'of which scale writes (cold / steady median)',
    r =>
      `${int(r.ticks.cold.scaleWrites)} / ${int(
        r.ticks.steady.scaleWritesPerTick,
      )}`,
  );

  const first = results[names[0]];
  console.log('\nKubernetes API requests of the cold tick, by route\n');
  line(['route', 'requests']);
  line(['---', '---:']);
  for (const [route, n] of Object.entries(first.ticks.cold.kubeRequestsByRoute))
    line([route, int(n)]);
  console.log(
    '\nDatabase queries of the second (first steady) tick, by statement and table\n',
  );
  line(['statement', ...names]);
  line(['---', ...names.map(() => '---:')]);
  const second = (r: Result) => r.ticks.ticks[1].dbQueriesByStatement;
  const keys = [
    ...new Set(names.flatMap(n => Object.keys(second(results[n])))),
  ];
  for (const key of keys)
    line([key, ...names.map(n => int(second(results[n])[key] ?? 0))]);

  console.log(
    `\nScaling-state endpoint under load (${CONCURRENCY} concurrent clients, loopback)\n`,
  );
  line(['figure', ...names]);
  line(['---', ...names.map(() => '---:')]);
  row('requests (errors)', r => `${int(r.api.requests)} (${r.api.errors})`);
  row('HTTP statuses', r =>
    Object.entries(r.api.statuses)
      .map(([s, n]) => `${s}: ${n}`)
      .join(', '),
  );
  row('throughput', r => `${int(r.api.throughputPerSecond)} req/s`);
  row('latency p50', r => ms(r.api.latencyMs.p50));
  row('latency p95', r => ms(r.api.latencyMs.p95));
  row('latency p99', r => ms(r.api.latencyMs.p99));
  row('latency max', r => ms(r.api.latencyMs.max));
  row('response size (mean)', r => `${int(r.api.meanResponseBytes)} B`);
}

async function main() {
  const started = performance.now();
  const machine = {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? '?',
    loadAverageAtStart: loadavg().map(n => round(n, 2)),
  };
  console.log(
    `autoscaling-backend benchmark: ${int(WORKLOADS)} workloads, ticks ` +
      `(SQLite ${TICKS}, PostgreSQL ${PG_TICKS}), ${int(
        REQUESTS,
      )} API requests × ${CONCURRENCY} clients`,
  );
  console.log(
    `node ${machine.node}, ${machine.cpus} CPUs (${
      machine.cpuModel
    }), load average ${machine.loadAverageAtStart.join(' ')}`,
  );

  const results: Record<string, Result> = {};
  const skipped: Record<string, string> = {};
  results.SQLite = await runOn(
    'SQLite (better-sqlite3, in memory)',
    await sqlite(),
    TICKS,
    BENCH_START + BUDGET_SECONDS * 500,
  );
  const pg = await postgres();
  if (typeof pg === 'string') {
    skipped.PostgreSQL = pg;
    console.log(`\nPostgreSQL: ${pg}`);
  } else {
    results.PostgreSQL = await runOn(
      'PostgreSQL (fresh database)',
      pg,
      PG_TICKS,
      BENCH_START + BUDGET_SECONDS * 1000,
    );
  }

  printTables(results);
  const totalSeconds = (performance.now() - started) / 1000;
  console.log(
    `\nfinished in ${totalSeconds.toFixed(
      0,
    )} s; load average at the end ${loadavg()
      .map(n => n.toFixed(2))
      .join(' ')}`,
  );

  const out = resolve(
    __dirname,
    '../../../artifacts/bench/autoscaling-backend-1k.json',
  );
  mkdirSync(resolve(out, '..'), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify(
      {
        benchmark: '@internal/plugin-autoscaling-backend',
        at: new Date().toISOString(),
        machine: {
          ...machine,
          loadAverageAtEnd: loadavg().map(n => round(n, 2)),
        },
        options: {
          workloads: WORKLOADS,
          ticks: { SQLite: TICKS, PostgreSQL: PG_TICKS },
          budgetSeconds: BUDGET_SECONDS,
          requests: REQUESTS,
          concurrency: CONCURRENCY,
        },
        results,
        skipped,
        totalSeconds: round(totalSeconds),
      },
      null,
      2,
    )}\n`,
  );
  console.log(`figures written to ${out}`);
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
