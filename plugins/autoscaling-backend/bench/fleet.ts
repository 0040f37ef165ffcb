/**
 * Fleet benchmark of the autoscaling backend (issue 19): one cluster of 10,000 Deployments with
 * 30,000 pods, the simulator in a process of its own (bench/simProcess.ts) as a real API server
 * would be, the plugin in a Backstage backend in this process, on SQLite and on PostgreSQL;
 * and split on PostgreSQL (`postgres-split`): an API-only replica in this process and an
 * evaluating replica in a process of its own (bench/evaluatorProcess.ts) at nice
 * `--evaluator-nice` (10), the deployment the backend README's "Replicas" describes. Each
 * database runs in a benchmark process of its own.
 *
 * Per database it measures:
 *  - coldTickMs: the first tick (no stored state; the watch caches fill);
 *  - steadyTickMs {median, p95}: ticks started every `--interval` seconds (the scheduler's
 *    cadence; a tick that runs over starts the next at once);
 *  - kubernetesRequestsPerSteadyTick, scaleWritesPerSteadyTick: from the simulator's request
 *    log, requests that arrived during the tick (open watches are counted when opened);
 *  - databaseStatementsPerSteadyTick: knex `query` events during ticks without API load;
 *  - reaction {p95Ms}: before each steady tick one workload's demand is multiplied by 3 at a
 *    random moment of the interval; the reaction is the time from that step to the first
 *    `PUT …/deployments/<name>/scale` of that workload in the simulator's request log;
 *  - api: the scaling-state route (`GET /entities/default/component/<name>/state`) under an
 *    open-loop load of `--rate` requests per second for `--api-seconds`, while ticks run
 *    (latency from each request's scheduled send time, so a stalled server is not hidden),
 *    after `--api-warm-up-seconds` (5) of the same load reported apart (`api.warmUp`), and
 *    who used the CPU over the load (`api.cpu`: the machine's busy share from /proc/stat, each
 *    benchmark process's CPU in % of one core, and the rest: PostgreSQL, the clients);
 *  - rssMb: the backend process's peak resident set (the simulator and the API clients, each in
 *    a process of its own, excluded); when split, the API replica's, and evaluatorRssMb. `npm run bench` limits V8's heap to 1 GiB
 *    (`--max-old-space-size=1024`), as the README tells deployments of this size to do.
 *
 *   npm run bench -- [--workloads 10000] [--pods 3] [--interval 10] [--steps 20] [--rate 200]
 *                    [--api-seconds 60] [--api-warm-up-seconds 5]
 *                    [--db sqlite,postgres,postgres-split]
 *                    [--evaluator-nice 10] [--pg postgresql://…]
 *                    [--cpu-profile <prefix>]  (a V8 CPU profile per tick of the backend process,
 *                                               <prefix>-<db>-tick<n>.cpuprofile, when it evaluates,
 *                                               and of the simulator, <prefix>-sim-tick<n>…)
 *
 * Writes artifacts/bench/autoscaling-backend.json.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, setPriority, tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import knexFactory, { type Knex } from 'knex';
import { EngineStore } from '../src/store/EngineStore';
import { CpuProfiler } from './cpuProfiler';
import { cpuShares, cpuSnapshot } from './cpuShares';
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
const WORKLOADS = Number(option('workloads') ?? 10_000);
const PODS_PER_WORKLOAD = Number(option('pods') ?? 3);
const INTERVAL_MS = Number(option('interval') ?? 10) * 1000;
const STEPS = Number(option('steps') ?? 20);
const API_RATE = Number(option('rate') ?? 200);
const API_SECONDS = Number(option('api-seconds') ?? 60);
/** Seconds of the same load before the measured ones, reported apart (bench/apiLoadProcess.js). */
const API_WARM_UP_SECONDS = Number(option('api-warm-up-seconds') ?? 5);
/** A database's steady phase stops after this long even if steps are left (slow ticks). */
const STEADY_BUDGET_MS = Number(option('steady-budget') ?? 600) * 1000;
const DATABASES = (option('db') ?? 'sqlite,postgres,postgres-split').split(',');
const PG_URL =
  option('pg') ??
  process.env.AUTOSCALING_BENCH_PG ??
  'postgresql://postgres@127.0.0.1:5432/postgres';
/** The evaluating replica's nice value in the split deployment (0: the same CPU weight). */
const EVALUATOR_NICE = Number(option('evaluator-nice') ?? 10);
/** Where each tick's CPU profiles go (the backend's when this process evaluates, the simulator's). */
const CPU_PROFILE = option('cpu-profile');
/** Set by the parent when it runs one database in this process (`runAlone`). */
const RESULT_FILE = option('result-file');
const CLUSTER = 'fleet';
const NAMESPACES_PER_TENANT = 20;
const CAPACITY_PER_POD = 50;

const GOALS = {
  steadyTickMedianMs: 5_000,
  coldTickMs: 20_000,
  reactionP95Ms: 15_000,
  apiP99Ms: 50,
  rssMb: 1_536,
};

const workloadNames = Array.from({ length: WORKLOADS }, (_, i) => `svc-${i}`);
const tenantOf = (i: number) => TENANTS[i % TENANTS.length];
const namespaceOf = (i: number) =>
  `${tenantOf(i).name}-production-${
    Math.floor(i / TENANTS.length) % NAMESPACES_PER_TENANT
  }`;

// ------------------------------------------------------------------ fixtures

/** Demand around the 70% CPU target (from 90% to 110% of it): steady ticks write little. */
function simConfig(): string {
  const pods = WORKLOADS * PODS_PER_WORKLOAD;
  const lines = simConfigHeader({
    cluster: CLUSTER,
    nodes: Math.ceil((pods * 3) / 100),
    capacityPerPod: CAPACITY_PER_POD,
  });
  workloadNames.forEach((name, i) => {
    const base = Math.round(
      0.7 *
        CAPACITY_PER_POD *
        PODS_PER_WORKLOAD *
        (0.9 + ((i * 37) % 21) / 100),
    );
    lines.push(
      `  - { name: ${name}, namespace: ${namespaceOf(
        i,
      )}, replicas: ${PODS_PER_WORKLOAD}, ` +
        `labels: { backstage.io/kubernetes-id: ${name} }, ` +
        `demand: { synthetic: { base: ${base}, dailyAmplitude: 0, noise: 0.02, seed: ${i} } } }`,
    );
  });
  return `${lines.join('\n')}\n`;
}

function catalogEntities() {
  return benchEntities({
    names: workloadNames,
    namespaceOf,
    tenantOf,
    replicaQuota: WORKLOADS * 20,
  });
}

// ------------------------------------------------------------------ statistics

const sleep = (ms: number) =>
  new Promise<void>(done => setTimeout(done, Math.max(0, ms)));

// ------------------------------------------------------------------ the simulator's process

interface RequestEntry {
  time: number;
  method: string;
  path: string;
  status: number;
}

/** A benchmark process of its own (TypeScript, over IPC): one request, one reply, in order. */
class IpcChild {
  private readonly child: ChildProcess;
  private nextId = 0;
  /** Who waits for the answer to each request, by the request's id (answers may overtake). */
  private readonly waiting = new Map<number, (message: any) => void>();

  constructor(
    file: string,
    heapMb: number,
    readonly name: string,
    v8Flags: string[] = [],
  ) {
    this.child = fork(resolve(__dirname, file), [], {
      execArgv: [
        `--max-old-space-size=${heapMb}`,
        ...v8Flags,
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      ],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (message: any) => {
      // Backstage's node transform reports the files it loads over IPC; not ours.
      if (message.type === 'watch') return;
      if (message.type === 'error') console.error(`${name}: ${message.error}`);
      const done = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      done?.(message);
    });
  }

  /** The process's nice value (a lower CPU weight, as a smaller CPU request gives a pod). */
  setPriority(nice: number) {
    setPriority(this.child.pid!, nice);
  }

  ask<T = any>(message: object): Promise<T> {
    return new Promise(done => {
      const id = ++this.nextId;
      this.waiting.set(id, done);
      this.child.send({ ...message, id });
    });
  }

  async stop() {
    if (this.child.exitCode !== null) return;
    const exited = new Promise(done => this.child.once('exit', done));
    this.child.send({ type: 'stop' });
    await Promise.race([exited, sleep(5000)]);
    this.child.kill();
  }
}

class SimProcess {
  private readonly child = new IpcChild('simProcess.ts', 8192, 'cluster-sim');
  url = '';

  ask<T = any>(message: unknown): Promise<T> {
    return this.child.ask<T>(message);
  }

  async start(config: string) {
    const started = await this.ask({ type: 'start', config });
    this.url = started.url;
    const now = Date.now();
    // Run the simulated past up to the wall clock.
    await this.ask({
      type: 'advance',
      seconds: Math.max(0, (now - started.now) / 1000),
    });
  }

  requests(): Promise<RequestEntry[]> {
    return this.ask({ type: 'requests' }).then(r => r.entries);
  }

  stop() {
    return this.child.stop();
  }
}

// ------------------------------------------------------------------ the backend

/**
 * How the plugin runs. `single`: one backend process serves the API and evaluates (this one).
 * `split` (PostgreSQL only): this process is an API-only replica (`evaluationEnabled: false`)
 * and a second backend process evaluates (bench/evaluatorProcess.ts), as the backend README
 * ("Replicas") describes for fleets of this size.
 */
type Topology = 'single' | 'split';

interface Deployment {
  baseUrl: string;
  /** One evaluation tick, and the database statements of the evaluating process meanwhile. */
  tick(): Promise<{ statements: number; byStatement: Record<string, number> }>;
  /** The evaluating process's peak resident set (MB), when it is not this one. */
  evaluatorPeakRssMb(): Promise<number | undefined>;
  /** The evaluating process's CPU time so far, when it is not this one. */
  evaluatorCpuUsage(): Promise<NodeJS.CpuUsage | undefined>;
  stop(): Promise<void>;
}

async function deploy(
  topology: Topology,
  db: Database,
  simUrl: string,
): Promise<Deployment> {
  const common = { cluster: CLUSTER, simUrl, entities: catalogEntities() };
  if (topology === 'split') {
    if (!db.url) throw new Error('the split deployment needs PostgreSQL');
    // The API replica first: it runs the migrations.
    const api = await startBenchBackend({
      ...common,
      knex: db.knex,
      evaluationEnabled: false,
    });
    // The evaluating backend runs with the backend's young generation (`npm run bench`).
    const evaluator = new IpcChild(
      'evaluatorProcess.ts',
      1024,
      'evaluator',
      process.execArgv.filter(flag => flag.startsWith('--max-semi-space-size')),
    );
    if (EVALUATOR_NICE) evaluator.setPriority(EVALUATOR_NICE);
    await evaluator.ask({ type: 'start', pgUrl: db.url, ...common });
    return {
      baseUrl: api.baseUrl,
      tick: () => evaluator.ask({ type: 'tick' }),
      evaluatorPeakRssMb: async () =>
        round((await evaluator.ask({ type: 'rss' })).peakBytes / 2 ** 20),
      evaluatorCpuUsage: async () =>
        (await evaluator.ask({ type: 'cpu' })).usage,
      stop: async () => {
        await evaluator.stop();
        await api.stop();
      },
    };
  }
  let statements = 0;
  let byStatement = new Map<string, number>();
  const onQuery = (data: { sql?: string }) => {
    statements += 1;
    const key = statementOf(data.sql ?? '');
    byStatement.set(key, (byStatement.get(key) ?? 0) + 1);
  };
  db.knex.on('query', onQuery);
  const backend = await startBenchBackend({ ...common, knex: db.knex });
  const profiler = CPU_PROFILE ? new CpuProfiler() : null;
  const profileName = db.url ? 'postgres' : 'sqlite';
  let ticks = 0;
  return {
    baseUrl: backend.baseUrl,
    tick: async () => {
      statements = 0;
      byStatement = new Map();
      await profiler?.start();
      await backend.triggerTick();
      await profiler?.stop(
        `${CPU_PROFILE}-${profileName}-tick${ticks++}.cpuprofile`,
      );
      return {
        statements,
        byStatement: Object.fromEntries(
          [...byStatement].sort((a, b) => b[1] - a[1]),
        ),
      };
    },
    evaluatorPeakRssMb: async () => undefined,
    evaluatorCpuUsage: async () => undefined,
    stop: async () => {
      db.knex.removeListener('query', onQuery);
      await backend.stop();
    },
  };
}

// ------------------------------------------------------------------ open-loop API load

/**
 * The API clients' process (bench/apiLoadProcess.js), started ahead of the load: forking a
 * process of the backend's size, and its start-up, would otherwise fall in the measured
 * seconds, which real clients (other machines' browsers) do not.
 */
function startApiClients() {
  const clients = fork(resolve(__dirname, 'apiLoadProcess.js'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = new Promise<void>((ok, fail) => {
    clients.once('message', () => ok());
    clients.once('error', fail);
  });
  return {
    run: (baseUrl: string) => openLoopLoad(clients, ready, baseUrl),
    stop: () => {
      if (clients.exitCode === null) clients.kill();
    },
  };
}

async function openLoopLoad(
  clients: ChildProcess,
  ready: Promise<void>,
  baseUrl: string,
) {
  const headers = {
    Authorization: 'Bearer mock-user-token',
    Accept: 'application/json',
  };
  const paths = workloadNames.map(
    name => `/api/autoscaling/entities/default/component/${name}/state`,
  );
  await ready;
  const result = await new Promise<{
    byDue: number[];
    warmUpByDue: number[];
    warmUpMs: number;
    warmUpErrors: number;
    statuses: Record<string, number>;
    errors: number;
    errorCodes: Record<string, number>;
    elapsedMs: number;
  }>((ok, fail) => {
    clients.once('message', ok as (message: unknown) => void);
    clients.once('error', fail);
    clients.once('exit', code =>
      fail(new Error(`the API load process exited with ${code}`)),
    );
    clients.send({
      baseUrl,
      paths,
      rate: API_RATE,
      seconds: API_SECONDS,
      warmUpSeconds: API_WARM_UP_SECONDS,
      headers,
    });
  });
  return {
    route: 'GET /api/autoscaling/entities/{namespace}/{kind}/{name}/state',
    ratePerSecond: API_RATE,
    seconds: API_SECONDS,
    requests: result.byDue.length,
    errors: result.errors,
    statuses: result.statuses,
    errorCodes: result.errorCodes,
    p50Ms: round(percentile(result.byDue, 50), 2),
    p95Ms: round(percentile(result.byDue, 95), 2),
    p99Ms: round(percentile(result.byDue, 99), 2),
    maxMs: round(Math.max(...result.byDue), 2),
    /** The first request, alone before the load and not in the figures above. */
    warmUpMs: round(result.warmUpMs, 2),
    /** The same load's first seconds, before the measured ones and not in the figures above. */
    warmUp: {
      seconds: API_WARM_UP_SECONDS,
      p99Ms: round(percentile(result.warmUpByDue, 99), 2),
      maxMs: round(Math.max(0, ...result.warmUpByDue), 2),
      errors: result.warmUpErrors,
    },
    /** Per second of the load (by due time), its p99: where the slow requests were. */
    p99MsBySecond: Array.from(
      { length: Math.ceil(result.byDue.length / API_RATE) },
      (_, s) =>
        round(
          percentile(result.byDue.slice(s * API_RATE, (s + 1) * API_RATE), 99),
          1,
        ),
    ),
  };
}

// ------------------------------------------------------------------ databases

interface Database {
  knex: Knex;
  /** Where another process connects to the same database (PostgreSQL). */
  url?: string;
  drop: () => Promise<void>;
}

function sqlite(): Database {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  return { knex, drop: () => knex.destroy() };
}

async function postgres(): Promise<Database> {
  const admin = knexFactory({
    client: 'pg',
    connection: PG_URL,
    pool: { min: 0, max: 1 },
  });
  const name = `autoscaling_fleet_${process.pid}_${Date.now()}`;
  await admin.raw(`CREATE DATABASE ${name}`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const knex = knexFactory({ client: 'pg', connection: url.toString() });
  return {
    knex,
    url: url.toString(),
    drop: async () => {
      await knex.destroy();
      await admin.raw(`DROP DATABASE IF EXISTS ${name}`);
      await admin.destroy();
    },
  };
}

// ------------------------------------------------------------------ one database

interface TickWindow {
  /** Wall clock, for the tick's duration. */
  startMs: number;
  endMs: number;
  /** The simulator's clock, for its request log (it can lag the wall on a loaded machine). */
  simStartMs: number;
  simEndMs: number;
  statements: number;
  byStatement: Record<string, number>;
  underApiLoad: boolean;
}

const scalePath = (namespace: string, name: string) =>
  `/apis/apps/v1/namespaces/${namespace}/deployments/${name}/scale`;

/** Runs `work`, with the simulator's CPU profile meanwhile when `--cpu-profile` asks. */
async function profiled<T>(
  sim: SimProcess,
  name: string,
  work: () => Promise<T>,
): Promise<T> {
  if (!CPU_PROFILE) return work();
  await sim.ask({ type: 'profile-start' });
  const result = await work();
  await sim.ask({
    type: 'profile-stop',
    file: `${CPU_PROFILE}-sim-${name}.cpuprofile`,
  });
  return result;
}

async function runOn(label: string, db: Database, topology: Topology) {
  console.log(
    `\n${label}: ${WORKLOADS} Deployments, ${
      WORKLOADS * PODS_PER_WORKLOAD
    } pods`,
  );
  let peakRss = 0;
  const rssTimer = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 500);
  const sim = new SimProcess();
  const apiClients = startApiClients();
  let backend: Deployment | undefined;
  try {
    let t = performance.now();
    await sim.start(simConfig());
    console.log(
      `  cluster-sim started in ${((performance.now() - t) / 1000).toFixed(
        1,
      )} s`,
    );
    backend = await deploy(topology, db, sim.url);

    t = performance.now();
    await profiled(sim, 'tick0', () => backend!.tick());
    const coldTickMs = performance.now() - t;
    console.log(`  cold tick: ${(coldTickMs / 1000).toFixed(2)} s`);

    // Steady phase: a tick every INTERVAL_MS; before each, a ×3 step on a fresh workload at a
    // random moment of the interval; API load over the last API_SECONDS of the phase.
    const ticks: TickWindow[] = [];
    const steps: Array<{ name: string; namespace: string; atMs: number }> = [];
    const stepTimers: Promise<void>[] = [];
    const phaseStart = Date.now();
    const tickCount = Math.max(
      STEPS + 1,
      Math.ceil(((API_SECONDS + API_WARM_UP_SECONDS) * 1000) / INTERVAL_MS) + 3,
    );
    const apiStartTick = Math.max(
      1,
      tickCount -
        Math.ceil(((API_SECONDS + API_WARM_UP_SECONDS) * 1000) / INTERVAL_MS) -
        1,
    );
    const apiLoad: {
      /** The load's figures, and who used the CPU over it (warm-up included). */
      result?: Awaited<ReturnType<typeof openLoopLoad>> & {
        cpu: ReturnType<typeof cpuShares>;
      };
      run?: Promise<void>;
      running: boolean;
    } = { running: false };
    for (let k = 0; k < tickCount; k++) {
      const due = phaseStart + k * INTERVAL_MS;
      await sleep(due - Date.now());
      if (Date.now() - phaseStart > STEADY_BUDGET_MS) {
        console.log(
          `  steady phase stopped after ${k} ticks (budget ${
            STEADY_BUDGET_MS / 1000
          } s)`,
        );
        break;
      }
      if (k === apiStartTick && API_SECONDS > 0) {
        apiLoad.running = true;
        const cpuNow = async () =>
          cpuSnapshot({
            backend: process.cpuUsage(),
            evaluator: await backend!.evaluatorCpuUsage(),
            simulator: (await sim.ask({ type: 'cpu' })).usage,
          });
        const cpuBefore = await cpuNow();
        apiLoad.run = apiClients.run(backend.baseUrl).then(async r => {
          apiLoad.result = { ...r, cpu: cpuShares(cpuBefore, await cpuNow()) };
          apiLoad.running = false;
        });
      }
      if (k < STEPS) {
        // Workloads far apart in the list, each stepped once.
        const i = Math.floor(((k + 0.5) * WORKLOADS) / STEPS);
        const target = { name: workloadNames[i], namespace: namespaceOf(i) };
        const delay = Math.random() * INTERVAL_MS;
        stepTimers.push(
          sleep(delay).then(async () => {
            const reply = await sim.ask({
              type: 'demand',
              ...target,
              factor: 3,
            });
            steps.push({ ...target, atMs: reply.now });
          }),
        );
      }
      const simStartMs = (await sim.ask({ type: 'now' })).now;
      const window: TickWindow = {
        startMs: Date.now(),
        endMs: 0,
        simStartMs,
        simEndMs: 0,
        statements: 0,
        byStatement: {},
        underApiLoad: apiLoad.running,
      };
      const counted = await profiled(sim, `tick${k + 1}`, () =>
        backend!.tick(),
      );
      window.endMs = Date.now();
      window.simEndMs = (await sim.ask({ type: 'now' })).now;
      window.statements = counted.statements;
      window.byStatement = counted.byStatement;
      window.underApiLoad = window.underApiLoad || apiLoad.running;
      ticks.push(window);
      console.log(
        `  tick ${k + 1}/${tickCount}: ${(
          (window.endMs - window.startMs) /
          1000
        ).toFixed(2)} s, ${window.statements} statements${
          window.underApiLoad ? ' (API load)' : ''
        }`,
      );
    }
    await Promise.all(stepTimers);
    // Let the last steps be seen by one more tick.
    await sleep(INTERVAL_MS);
    await backend.tick();
    await apiLoad.run;
    const evaluatorRssMb = await backend.evaluatorPeakRssMb();

    const log = await sim.requests();
    const inWindow = (w: TickWindow) =>
      log.filter(e => e.time >= w.simStartMs && e.time <= w.simEndMs);
    const kubeRequests = ticks.map(w => inWindow(w).length);
    const scaleWrites = ticks.map(
      w =>
        inWindow(w).filter(e => e.method === 'PUT' && e.path.endsWith('/scale'))
          .length,
    );
    const reactions = steps.map(step => {
      const patched = log.find(
        e =>
          e.method === 'PUT' &&
          e.path === scalePath(step.namespace, step.name) &&
          e.time >= step.atMs,
      );
      return patched ? patched.time - step.atMs : Infinity;
    });
    // What the engine recorded for each stepped workload from its step on: why a reaction
    // took more than one tick.
    const store = new EngineStore(db.knex, { soleWriter: false });
    const decisionsAfterStep = await Promise.all(
      steps.map(async step => {
        const decisions = await store.listDecisions(
          `${CLUSTER}/${step.namespace}/Deployment/${step.name}`,
          { sinceMs: Math.floor(step.atMs - INTERVAL_MS) },
        );
        return decisions
          .reverse()
          .slice(0, 4)
          .map(d => ({
            afterStepMs: Date.parse(d.at) - step.atMs,
            decision: `${d.kind} ${d.from}→${d.to} ${d.outcome}`,
            reasons: JSON.stringify(d.reasons).slice(0, 300),
          }));
      }),
    );
    const quiet = ticks.filter(w => !w.underApiLoad);
    const durations = ticks.map(w => w.endMs - w.startMs);
    return {
      coldTickMs: round(coldTickMs),
      steadyTickMs: {
        median: round(median(durations)),
        p95: round(percentile(durations, 95)),
        ticks: durations.length,
      },
      kubernetesRequestsPerSteadyTick: median(kubeRequests),
      scaleWritesPerSteadyTick: median(scaleWrites),
      databaseStatementsPerSteadyTick: median(quiet.map(w => w.statements)),
      /** By statement and table, of the quiet steady tick with the median count. */
      databaseStatementsOfMedianTick: quiet.find(
        w => w.statements === median(quiet.map(q => q.statements)),
      )?.byStatement,
      databaseStatementsPerSteadyTickUnderApiLoad: median(
        ticks.filter(w => w.underApiLoad).map(w => w.statements),
      ),
      topology,
      /** This process's peak: the backend, or the API-only replica when split. */
      rssMb: round(peakRss / 2 ** 20),
      /** The evaluating replica's peak, when split. */
      evaluatorRssMb,
      reaction: {
        steps: reactions.length,
        patched: reactions.filter(Number.isFinite).length,
        p50Ms: round(percentile(reactions, 50)),
        p95Ms: round(percentile(reactions, 95)),
        maxMs: round(Math.max(...reactions)),
        /** Each step: its workload, and the reaction (ms; null when not patched). */
        byStep: steps.map((step, k) => ({
          workload: step.name,
          ms: Number.isFinite(reactions[k]) ? round(reactions[k]) : null,
          decisions: decisionsAfterStep[k],
        })),
      },
      api: apiLoad.result,
    };
  } finally {
    clearInterval(rssTimer);
    await backend?.stop().catch(() => undefined);
    apiClients.stop();
    await sim.stop();
    await db.drop();
  }
}

type Result = Awaited<ReturnType<typeof runOn>>;

function goalsOf(r: Result) {
  return {
    steadyTick: r.steadyTickMs.median <= GOALS.steadyTickMedianMs,
    coldTick: r.coldTickMs <= GOALS.coldTickMs,
    reaction: r.reaction.p95Ms <= GOALS.reactionP95Ms,
    api: !!r.api && r.api.p99Ms <= GOALS.apiP99Ms && r.api.errors === 0,
    rss: Math.max(r.rssMb, r.evaluatorRssMb ?? 0) <= GOALS.rssMb,
  };
}

function printTable(results: Record<string, Result>) {
  const names = Object.keys(results);
  const line = (cells: string[]) => console.log(`| ${cells.join(' | ')} |`);
  line(['figure', 'goal', ...names]);
  line(['---', '---', ...names.map(() => '---:')]);
  const row = (label: string, goal: string, f: (r: Result) => string) =>
    line([label, goal, ...names.map(n => f(results[n]))]);
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  row(
    'steady tick, median (p95)',
    '≤ 5 s',
    r => `${s(r.steadyTickMs.median)} (${s(r.steadyTickMs.p95)})`,
  );
  row('cold tick', '≤ 20 s', r => s(r.coldTickMs));
  row(
    'Kubernetes requests per steady tick (scale writes)',
    'flat',
    r => `${r.kubernetesRequestsPerSteadyTick} (${r.scaleWritesPerSteadyTick})`,
  );
  row('database statements per steady tick', '≤ 50 + c·writes', r =>
    String(r.databaseStatementsPerSteadyTick),
  );
  row(
    'reaction to a ×3 step, p95 (patched/steps)',
    '≤ 15 s',
    r => `${s(r.reaction.p95Ms)} (${r.reaction.patched}/${r.reaction.steps})`,
  );
  row(
    `state route at ${API_RATE}/s open loop: p50 / p99 (errors)`,
    'p99 ≤ 50 ms, 0',
    r =>
      r.api
        ? `${r.api.p50Ms} / ${r.api.p99Ms} ms (${r.api.errors})`
        : 'not run',
  );
  row(
    `the same load's first ${API_WARM_UP_SECONDS} s (not counted): p99 (errors)`,
    '',
    r =>
      r.api ? `${r.api.warmUp.p99Ms} ms (${r.api.warmUp.errors})` : 'not run',
  );
  row('CPU over the load: machine busy; % of one core by process', '', r =>
    r.api?.cpu
      ? `${r.api.cpu.machineBusyPercent ?? '?'}% of ${
          r.api.cpu.cores
        } cores; ${Object.entries(r.api.cpu.percentOfOneCore)
          .map(([name, percent]) => `${name} ${percent}`)
          .join(', ')}`
      : 'not run',
  );
  row('backend RSS, peak', '≤ 1.5 GiB', r =>
    r.evaluatorRssMb === undefined
      ? `${r.rssMb} MB`
      : `API ${r.rssMb} MB, evaluator ${r.evaluatorRssMb} MB`,
  );
}

/** One database's run in this process. */
async function runDatabase(db: string): Promise<Record<string, Result>> {
  switch (db) {
    case 'sqlite':
      return {
        SQLite: await runOn(
          'SQLite (better-sqlite3, in memory)',
          sqlite(),
          'single',
        ),
      };
    case 'postgres':
      return {
        PostgreSQL: await runOn(
          'PostgreSQL (fresh database)',
          await postgres(),
          'single',
        ),
      };
    case 'postgres-split':
      return {
        'PostgreSQL, split': await runOn(
          'PostgreSQL, split: an API-only replica here, an evaluating replica in its own process',
          await postgres(),
          'split',
        ),
      };
    default:
      throw new Error(
        `--db: '${db}' is not one of sqlite, postgres, postgres-split`,
      );
  }
}

/** This benchmark for one database in a child process; its results. */
async function runAlone(db: string): Promise<Record<string, Result>> {
  const file = resolve(tmpdir(), `fleet-${process.pid}-${db}.json`);
  const rest: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === '--db') i += 1;
    else rest.push(args[i]);
  }
  const child = fork(
    process.argv[1],
    [...rest, '--db', db, '--result-file', file],
    {
      execArgv: process.execArgv,
      stdio: 'inherit',
    },
  );
  const code = await new Promise(done => child.once('exit', done));
  if (code !== 0) throw new Error(`the ${db} run exited with ${code}`);
  const results = JSON.parse(readFileSync(file, 'utf8'));
  rmSync(file);
  return results;
}

async function main() {
  const started = performance.now();
  const machine = {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? '?',
    loadAverageAtStart: loadavg().map(n => round(n, 2)),
    /** V8's heap limit of this process (the backend's): `--max-old-space-size` in `npm run bench`. */
    heapLimitMb: round(getHeapStatistics().heap_size_limit / 2 ** 20),
    /** The backend's V8 flags (`npm run bench`: heap limit and young generation). */
    v8Flags: process.execArgv.filter(flag => flag.startsWith('--max-')),
  };
  console.log(
    `fleet benchmark: ${WORKLOADS} Deployments × ${PODS_PER_WORKLOAD} pods, tick every ${
      INTERVAL_MS / 1000
    } s, ${STEPS} steps, ${API_RATE} req/s for ${API_SECONDS} s; ${
      machine.cpus
    } CPUs`,
  );
  const results: Record<string, Result> = {};
  if (DATABASES.length > 1) {
    // Each database in a process of its own: a backend's peak RSS and its heap's garbage then
    // are its own run's, not what the runs before it left.
    for (const db of DATABASES) Object.assign(results, await runAlone(db));
  } else {
    Object.assign(results, await runDatabase(DATABASES[0]));
  }
  if (RESULT_FILE) {
    writeFileSync(RESULT_FILE, JSON.stringify(results));
    return;
  }
  console.log('');
  printTable(results);
  const out = resolve(
    __dirname,
    '../../../artifacts/bench/autoscaling-backend.json',
  );
  mkdirSync(resolve(out, '..'), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify(
      {
        benchmark: '@internal/plugin-autoscaling-backend fleet (issue 19)',
        at: new Date().toISOString(),
        machine: {
          ...machine,
          loadAverageAtEnd: loadavg().map(n => round(n, 2)),
        },
        options: {
          workloads: WORKLOADS,
          pods: WORKLOADS * PODS_PER_WORKLOAD,
          intervalSeconds: INTERVAL_MS / 1000,
          steps: STEPS,
          apiRatePerSecond: API_RATE,
          apiSeconds: API_SECONDS,
        },
        goals: GOALS,
        results: Object.fromEntries(
          Object.entries(results).map(([db, r]) => [
            db,
            { ...r, goalsMet: goalsOf(r) },
          ]),
        ),
        totalSeconds: round((performance.now() - started) / 1000),
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
