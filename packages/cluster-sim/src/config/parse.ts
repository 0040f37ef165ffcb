/**
 * Parses and validates the simulator's YAML/JSON configuration. Every problem is reported with
 * the path of the field (e.g. `workloads[2].demand.synthetic.base`), all at once.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { emptyFaults, mergeFaults } from '../faults/faults';
import { parseQuantity } from '../util/quantity';
import { parseDurationSeconds } from '../util/duration';
import type { GpuProfile } from '../metrics/gpu';
import { FlashCrowd, parseTraceCsv, SyntheticProfile } from '../load/demand';
import type {
  ClusterSimConfig,
  DemandConfig,
  NamespaceConfig,
  NodePoolConfig,
  TokenConfig,
  TokenRule,
  WorkloadConfig,
} from './types';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid cluster-sim config:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Obj = Record<string, unknown>;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

class Reader {
  readonly problems: string[] = [];

  fail(path: string, msg: string): undefined {
    this.problems.push(`${path}: ${msg}`);
    return undefined;
  }

  obj(v: unknown, path: string): Obj | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v))
      return this.fail(path, 'must be a mapping');
    return v as Obj;
  }

  list(v: unknown, path: string): unknown[] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.fail(path, 'must be a list');
      return [];
    }
    return v;
  }

  str(v: unknown, path: string, def?: string): string | undefined {
    if (v === undefined || v === null) return def;
    if (typeof v !== 'string' && typeof v !== 'number')
      return this.fail(path, 'must be a string');
    return String(v);
  }

  num(
    v: unknown,
    path: string,
    def: number,
    opts: { min?: number; max?: number; int?: boolean } = {},
  ): number {
    if (v === undefined || v === null) return def;
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n)) {
      this.fail(path, `must be a number (got ${JSON.stringify(v)})`);
      return def;
    }
    if (opts.int && !Number.isInteger(n)) this.fail(path, 'must be an integer');
    if (opts.min !== undefined && n < opts.min)
      this.fail(path, `must be >= ${opts.min}`);
    if (opts.max !== undefined && n > opts.max)
      this.fail(path, `must be <= ${opts.max}`);
    return n;
  }

  quantity(v: unknown, path: string, def: number): number {
    if (v === undefined || v === null) return def;
    try {
      const q = parseQuantity(v as string | number);
      if (q < 0) this.fail(path, 'must not be negative');
      return q;
    } catch (e) {
      this.fail(path, (e as Error).message);
      return def;
    }
  }

  duration(v: unknown, path: string, def: number): number {
    if (v === undefined || v === null) return def;
    try {
      return parseDurationSeconds(v as string | number);
    } catch (e) {
      this.fail(path, (e as Error).message);
      return def;
    }
  }

  bool(v: unknown, path: string, def: boolean): boolean {
    if (v === undefined || v === null) return def;
    if (typeof v !== 'boolean') {
      this.fail(path, 'must be true or false');
      return def;
    }
    return v;
  }

  strMap(v: unknown, path: string): Record<string, string> {
    const o = this.obj(v, path);
    const out: Record<string, string> = {};
    if (!o) return out;
    for (const [k, val] of Object.entries(o)) {
      if (
        typeof val !== 'string' &&
        typeof val !== 'number' &&
        typeof val !== 'boolean'
      ) {
        this.fail(`${path}.${k}`, 'must be a string');
      } else out[k] = String(val);
    }
    return out;
  }

  strList(v: unknown, path: string, def: string[]): string[] {
    if (v === undefined || v === null) return def;
    return this.list(v, path).map((x, i) => this.str(x, `${path}[${i}]`) ?? '');
  }

  known(o: Obj, path: string, keys: string[]): void {
    for (const k of Object.keys(o)) {
      if (!keys.includes(k))
        this.fail(
          `${path}.${k}`,
          `unknown field (expected one of: ${keys.join(', ')})`,
        );
    }
  }
}

export interface ParseOptions {
  /** Directory that relative trace paths are resolved against. */
  baseDir?: string;
  /** Simulated start used for relative times ("+10m") when the config says `start: now`. */
  nowMs?: number;
}

/** Parses YAML text (or an already-parsed object) into a validated config. */
export function parseConfig(
  input: string | unknown,
  options: ParseOptions = {},
): ClusterSimConfig {
  let raw: unknown = input;
  if (typeof input === 'string') {
    try {
      raw = parseYaml(input);
    } catch (e) {
      throw new ConfigError([`YAML: ${(e as Error).message}`]);
    }
  }
  const r = new Reader();
  const root = r.obj(raw ?? {}, '(root)') ?? {};
  r.known(root, '(root)', [
    'cluster',
    'clock',
    'seed',
    'warmStart',
    'history',
    'metrics',
    'tokens',
    'nodes',
    'namespaces',
    'defaults',
    'workloads',
    'objects',
    'faults',
  ]);

  const clusterRaw = r.obj(root.cluster, 'cluster') ?? {};
  r.known(clusterRaw, 'cluster', [
    'name',
    'kubernetesVersion',
    'enforceMemoryLimits',
  ]);
  const cluster = {
    name: r.str(clusterRaw.name, 'cluster.name', 'sim-local')!,
    gitVersion: r.str(
      clusterRaw.kubernetesVersion,
      'cluster.kubernetesVersion',
      'v1.31.2',
    )!,
    enforceMemoryLimits: r.bool(
      clusterRaw.enforceMemoryLimits,
      'cluster.enforceMemoryLimits',
      false,
    ),
  };
  if (!/^v[0-9]+\.[0-9]+\.[0-9]+/.test(cluster.gitVersion)) {
    r.fail('cluster.kubernetesVersion', 'must look like v1.31.2');
  }

  const clockRaw = r.obj(root.clock, 'clock') ?? {};
  r.known(clockRaw, 'clock', ['factor', 'start', 'tickSeconds']);
  let startMs: number | undefined;
  const startRaw = clockRaw.start;
  if (startRaw !== undefined && startRaw !== 'now') {
    const t =
      startRaw instanceof Date
        ? startRaw.getTime()
        : Date.parse(String(startRaw));
    if (!Number.isFinite(t))
      r.fail('clock.start', 'must be "now" or an ISO-8601 time');
    else startMs = t;
  }
  const clock = {
    factor: r.num(clockRaw.factor, 'clock.factor', 1, {
      min: 0.001,
      max: 100000,
    }),
    startMs,
    tickSeconds: r.num(clockRaw.tickSeconds, 'clock.tickSeconds', 1, {
      min: 0.01,
      max: 3600,
    }),
  };
  const origin = startMs ?? options.nowMs ?? Date.now();
  const seed = r.num(root.seed, 'seed', 1, { int: true });

  const metricsRaw = r.obj(root.metrics, 'metrics') ?? {};
  r.known(metricsRaw, 'metrics', ['timestamps']);
  const ts = r.str(metricsRaw.timestamps, 'metrics.timestamps', 'auto')!;
  if (!['auto', 'always', 'never'].includes(ts))
    r.fail('metrics.timestamps', 'must be auto, always or never');

  const historyRaw = r.obj(root.history, 'history') ?? {};
  r.known(historyRaw, 'history', ['days']);
  // Bounded so the precomputed past stays small (5-minute points per workload).
  const history = {
    days: r.num(historyRaw.days, 'history.days', 0, { min: 0, max: 90 }),
  };

  const tokens = parseTokens(r, root.tokens);
  const nodePools = parseNodes(r, root.nodes);
  const namespaces = parseNamespaces(r, root.namespaces);
  const defaults = r.obj(root.defaults, 'defaults') ?? {};
  const workloads = r
    .list(root.workloads, 'workloads')
    .map((w, i) =>
      parseWorkload(r, w, defaults, `workloads[${i}]`, {
        ...options,
        nowMs: origin,
      }),
    )
    .filter((w): w is WorkloadConfig => w !== undefined);
  const seen = new Set<string>();
  workloads.forEach((w, i) => {
    const key = `${w.kind}/${w.namespace}/${w.name}`;
    if (seen.has(key))
      r.fail(`workloads[${i}]`, `duplicate ${w.kind} ${w.namespace}/${w.name}`);
    seen.add(key);
  });
  const nsNames = new Set(namespaces.map(n => n.name));
  for (const w of workloads) {
    if (!nsNames.has(w.namespace))
      namespaces.push({ name: w.namespace, labels: {} });
    nsNames.add(w.namespace);
  }
  const objects = r.list(root.objects, 'objects').filter((o, i) => {
    const ob = r.obj(o, `objects[${i}]`);
    if (!ob) return false;
    if (typeof ob.apiVersion !== 'string' || typeof ob.kind !== 'string') {
      r.fail(`objects[${i}]`, 'needs apiVersion and kind');
      return false;
    }
    return true;
  }) as Record<string, unknown>[];

  let faults = emptyFaults(seed);
  try {
    faults = mergeFaults(faults, root.faults);
  } catch (e) {
    r.problems.push((e as Error).message);
  }

  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return {
    cluster,
    clock,
    seed,
    warmStart: r.bool(root.warmStart, 'warmStart', true),
    history,
    metrics: { timestamps: ts as 'auto' | 'always' | 'never' },
    tokens,
    nodePools,
    namespaces,
    workloads,
    objects,
    faults,
  };
}

/** Reads and parses a config file; relative trace paths resolve against the file's directory. */
export function loadConfigFile(
  path: string,
  options: ParseOptions = {},
): ClusterSimConfig {
  const text = readFileSync(path, 'utf8');
  return parseConfig(text, { baseDir: dirname(resolvePath(path)), ...options });
}

function parseTokens(r: Reader, v: unknown): TokenConfig[] {
  return r.list(v, 'tokens').flatMap((t, i) => {
    const p = `tokens[${i}]`;
    const o = r.obj(t, p);
    if (!o) return [];
    r.known(o, p, ['token', 'user', 'groups', 'rules']);
    const token = r.str(o.token, `${p}.token`);
    if (!token) {
      r.fail(`${p}.token`, 'is required');
      return [];
    }
    const rules: TokenRule[] = r
      .list(o.rules, `${p}.rules`)
      .flatMap((rr, j) => {
        const rp = `${p}.rules[${j}]`;
        const ro = r.obj(rr, rp);
        if (!ro) return [];
        r.known(ro, rp, ['verbs', 'resources', 'apiGroups', 'namespaces']);
        const verbs = r.strList(ro.verbs, `${rp}.verbs`, []);
        const resources = r.strList(ro.resources, `${rp}.resources`, []);
        if (verbs.length === 0)
          r.fail(`${rp}.verbs`, 'must list at least one verb (or "*")');
        if (resources.length === 0)
          r.fail(`${rp}.resources`, 'must list at least one resource (or "*")');
        return [
          {
            verbs,
            resources,
            apiGroups: r.strList(ro.apiGroups, `${rp}.apiGroups`, ['*']),
            namespaces: r.strList(ro.namespaces, `${rp}.namespaces`, ['*']),
          },
        ];
      });
    return [
      {
        token,
        user: r.str(o.user, `${p}.user`, token)!,
        groups: r.strList(o.groups, `${p}.groups`, []),
        rules,
      },
    ];
  });
}

function parseNodes(r: Reader, v: unknown): NodePoolConfig[] {
  const pools = r.list(v, 'nodes').flatMap((n, i) => {
    const p = `nodes[${i}]`;
    const o = r.obj(n, p);
    if (!o) return [];
    r.known(o, p, [
      'namePrefix',
      'count',
      'cpu',
      'memory',
      'maxPods',
      'instanceType',
      'zones',
      'labels',
    ]);
    return [
      {
        namePrefix: r.str(
          o.namePrefix,
          `${p}.namePrefix`,
          `sim-node-${i === 0 ? '' : `${i}-`}`,
        )!,
        count: r.num(o.count, `${p}.count`, 3, { min: 0, int: true }),
        cpuCores: r.quantity(o.cpu, `${p}.cpu`, 16),
        memoryBytes: r.quantity(o.memory, `${p}.memory`, 64 * 1024 ** 3),
        maxPods: r.num(o.maxPods, `${p}.maxPods`, 110, { min: 1, int: true }),
        instanceType: r.str(
          o.instanceType,
          `${p}.instanceType`,
          'sim.4xlarge',
        )!,
        zones: r.strList(o.zones, `${p}.zones`, ['zone-a', 'zone-b', 'zone-c']),
        labels: r.strMap(o.labels, `${p}.labels`),
      },
    ];
  });
  if (v === undefined) {
    return [
      {
        namePrefix: 'sim-node-',
        count: 3,
        cpuCores: 16,
        memoryBytes: 64 * 1024 ** 3,
        maxPods: 110,
        instanceType: 'sim.4xlarge',
        zones: ['zone-a', 'zone-b', 'zone-c'],
        labels: {},
      },
    ];
  }
  return pools;
}

function parseNamespaces(r: Reader, v: unknown): NamespaceConfig[] {
  const out: NamespaceConfig[] = [
    { name: 'default', labels: {} },
    { name: 'kube-system', labels: {} },
  ];
  r.list(v, 'namespaces').forEach((n, i) => {
    const p = `namespaces[${i}]`;
    let ns: NamespaceConfig | undefined;
    if (typeof n === 'string') ns = { name: n, labels: {} };
    else {
      const o = r.obj(n, p);
      if (!o) return;
      r.known(o, p, ['name', 'labels']);
      const name = r.str(o.name, `${p}.name`);
      if (!name) {
        r.fail(`${p}.name`, 'is required');
        return;
      }
      ns = { name, labels: r.strMap(o.labels, `${p}.labels`) };
    }
    if (!DNS1123_LABEL.test(ns.name))
      r.fail(`${p}.name`, `"${ns.name}" is not a valid namespace name`);
    const existing = out.find(x => x.name === ns!.name);
    if (existing) existing.labels = { ...existing.labels, ...ns.labels };
    else out.push(ns);
  });
  return out;
}

const WORKLOAD_KEYS = [
  'kind',
  'name',
  'namespace',
  'replicas',
  'labels',
  'annotations',
  'image',
  'containerName',
  'containerPort',
  'resources',
  'capacityPerPod',
  'startupSeconds',
  'baseLatencyMs',
  'maxQueueSeconds',
  'idleCpu',
  'memoryBaseline',
  'memoryPerRps',
  'demand',
  'autoscaling',
  'gpu',
];

function parseWorkload(
  r: Reader,
  v: unknown,
  defaultsRaw: Obj,
  p: string,
  options: ParseOptions & { nowMs: number },
): WorkloadConfig | undefined {
  const o0 = r.obj(v, p);
  if (!o0) return undefined;
  r.known(o0, p, WORKLOAD_KEYS);
  r.known(
    defaultsRaw,
    'defaults',
    WORKLOAD_KEYS.filter(k => !['name', 'namespace'].includes(k)),
  );
  const o: Obj = { ...defaultsRaw, ...o0 };
  const name = r.str(o.name, `${p}.name`);
  const namespace = r.str(o.namespace, `${p}.namespace`, 'default')!;
  if (!name) return r.fail(`${p}.name`, 'is required');
  if (!DNS1123_LABEL.test(name))
    r.fail(`${p}.name`, `"${name}" is not a valid DNS-1123 name`);
  if (!DNS1123_LABEL.test(namespace))
    r.fail(`${p}.namespace`, `"${namespace}" is not a valid namespace name`);
  const kind = r.str(o.kind, `${p}.kind`, 'Deployment')!;
  if (kind !== 'Deployment' && kind !== 'StatefulSet')
    r.fail(`${p}.kind`, 'must be Deployment or StatefulSet');

  const resRaw = r.obj(o.resources, `${p}.resources`) ?? {};
  const requests = r.strMap(resRaw.requests, `${p}.resources.requests`);
  const limits = r.strMap(resRaw.limits, `${p}.resources.limits`);
  if (!requests.cpu) requests.cpu = '250m';
  if (!requests.memory) requests.memory = '256Mi';
  const cpuRequestCores = r.quantity(
    requests.cpu,
    `${p}.resources.requests.cpu`,
    0.25,
  );
  const memRequest = r.quantity(
    requests.memory,
    `${p}.resources.requests.memory`,
    256 * 1024 ** 2,
  );
  const cpuLimitCores = limits.cpu
    ? r.quantity(limits.cpu, `${p}.resources.limits.cpu`, cpuRequestCores)
    : undefined;
  if (cpuRequestCores <= 0)
    r.fail(`${p}.resources.requests.cpu`, 'must be > 0');

  const labels = r.strMap(o.labels, `${p}.labels`);
  if (!labels.app) labels.app = name;
  const replicas = r.num(o.replicas, `${p}.replicas`, 1, { min: 0, int: true });

  return {
    kind: kind as 'Deployment' | 'StatefulSet',
    name,
    namespace,
    replicas,
    labels,
    annotations: r.strMap(o.annotations, `${p}.annotations`),
    image: r.str(o.image, `${p}.image`, `registry.example.com/${name}:1.0.0`)!,
    containerName: r.str(o.containerName, `${p}.containerName`, name)!,
    containerPort: r.num(o.containerPort, `${p}.containerPort`, 8080, {
      min: 1,
      max: 65535,
      int: true,
    }),
    resources: { requests, limits },
    startupSeconds: r.duration(o.startupSeconds, `${p}.startupSeconds`, 30),
    load: {
      capacityPerPod: r.num(o.capacityPerPod, `${p}.capacityPerPod`, 50, {
        min: 0.000001,
      }),
      cpuRequestCores,
      cpuLimitCores,
      idleCpuCores: r.quantity(
        o.idleCpu,
        `${p}.idleCpu`,
        cpuRequestCores * 0.02,
      ),
      memoryBaselineBytes: r.quantity(
        o.memoryBaseline,
        `${p}.memoryBaseline`,
        memRequest * 0.5,
      ),
      memoryPerRpsBytes: r.quantity(
        o.memoryPerRps,
        `${p}.memoryPerRps`,
        512 * 1024,
      ),
      baseLatencySeconds:
        r.num(o.baseLatencyMs, `${p}.baseLatencyMs`, 40, { min: 0 }) / 1000,
      maxQueueSeconds: r.num(o.maxQueueSeconds, `${p}.maxQueueSeconds`, 10, {
        min: 0,
      }),
    },
    demand: parseDemand(r, o.demand, `${p}.demand`, options, name),
    // Merged field by field, so a workload can override only its bounds.
    autoscaling: parseAutoscaling(
      r,
      mergeMaps(defaultsRaw.autoscaling, o0.autoscaling),
      `${p}.autoscaling`,
      replicas,
    ),
    gpu: parseGpu(r, o.gpu, `${p}.gpu`),
  };
}

function parseGpu(r: Reader, v: unknown, p: string): GpuProfile | undefined {
  if (v === undefined || v === null) return undefined;
  const o = r.obj(v, p);
  if (!o) return undefined;
  r.known(o, p, ['count', 'model', 'idleUtilization']);
  return {
    count: r.num(o.count, `${p}.count`, 1, { min: 1, max: 16, int: true }),
    model: r.str(o.model, `${p}.model`, 'NVIDIA A100-SXM4-40GB')!,
    idleUtilization: r.num(o.idleUtilization, `${p}.idleUtilization`, 0, {
      min: 0,
      max: 100,
    }),
  };
}

function mergeMaps(a: unknown, b: unknown): unknown {
  const isMap = (x: unknown) =>
    typeof x === 'object' && x !== null && !Array.isArray(x);
  if (isMap(a) && isMap(b)) return { ...(a as Obj), ...(b as Obj) };
  return b ?? a;
}

function parseAutoscaling(
  r: Reader,
  v: unknown,
  p: string,
  replicas: number,
): WorkloadConfig['autoscaling'] {
  const o = r.obj(v, p) ?? {};
  r.known(o, p, [
    'minReplicas',
    'maxReplicas',
    'targetCpuUtilization',
    'scaleDownStabilization',
  ]);
  const minReplicas = r.num(o.minReplicas, `${p}.minReplicas`, 1, {
    min: 1,
    int: true,
  });
  const maxReplicas = r.num(
    o.maxReplicas,
    `${p}.maxReplicas`,
    Math.max(10, 4 * replicas, minReplicas),
    { min: 1, int: true },
  );
  if (maxReplicas < minReplicas)
    r.fail(`${p}.maxReplicas`, `must be >= minReplicas (${minReplicas})`);
  return {
    minReplicas,
    maxReplicas,
    targetCpuUtilization: r.num(
      o.targetCpuUtilization,
      `${p}.targetCpuUtilization`,
      70,
      { min: 1, max: 1000 },
    ),
    scaleDownStabilizationSeconds: r.duration(
      o.scaleDownStabilization,
      `${p}.scaleDownStabilization`,
      300,
    ),
  };
}

function parseTime(
  r: Reader,
  v: unknown,
  path: string,
  originMs: number,
): number {
  if (typeof v === 'string' && v.startsWith('+'))
    return originMs + r.duration(v.slice(1), path, 0) * 1000;
  if (v instanceof Date) return v.getTime();
  const t = Date.parse(String(v));
  if (!Number.isFinite(t)) {
    r.fail(
      path,
      'must be an ISO-8601 time or "+<duration>" after the simulated start',
    );
    return originMs;
  }
  return t;
}

function parseDemand(
  r: Reader,
  v: unknown,
  p: string,
  options: ParseOptions & { nowMs: number },
  name: string,
): DemandConfig {
  if (v === undefined || v === null) return { type: 'constant', rps: 0 };
  if (typeof v === 'number')
    return { type: 'constant', rps: r.num(v, p, 0, { min: 0 }) };
  const o = r.obj(v, p) ?? {};
  r.known(o, p, ['constant', 'synthetic', 'trace']);
  const kinds = ['constant', 'synthetic', 'trace'].filter(
    k => o[k] !== undefined,
  );
  if (kinds.length !== 1) {
    r.fail(p, 'needs exactly one of constant, synthetic, trace');
    return { type: 'constant', rps: 0 };
  }
  if (o.constant !== undefined)
    return {
      type: 'constant',
      rps: r.num(o.constant, `${p}.constant`, 0, { min: 0 }),
    };
  if (o.synthetic !== undefined) {
    const sp = `${p}.synthetic`;
    const s = r.obj(o.synthetic, sp) ?? {};
    r.known(s, sp, [
      'base',
      'dailyAmplitude',
      'peakHour',
      'weekly',
      'noise',
      'noiseInterval',
      'flashCrowds',
      'utcOffsetHours',
      'seed',
    ]);
    const weekly =
      s.weekly === undefined
        ? [1, 1, 1, 1, 1, 1, 1]
        : r
            .list(s.weekly, `${sp}.weekly`)
            .map((x, i) => r.num(x, `${sp}.weekly[${i}]`, 1, { min: 0 }));
    if (weekly.length !== 7)
      r.fail(`${sp}.weekly`, 'must have 7 multipliers (Monday..Sunday)');
    const flashCrowds: FlashCrowd[] = r
      .list(s.flashCrowds, `${sp}.flashCrowds`)
      .map((f, i) => {
        const fp = `${sp}.flashCrowds[${i}]`;
        const fo = r.obj(f, fp) ?? {};
        r.known(fo, fp, ['at', 'duration', 'multiplier', 'ramp', 'every']);
        if (fo.at === undefined) r.fail(`${fp}.at`, 'is required');
        return {
          startMs: parseTime(r, fo.at ?? '+0s', `${fp}.at`, options.nowMs),
          durationSeconds: r.duration(fo.duration, `${fp}.duration`, 600),
          multiplier: r.num(fo.multiplier, `${fp}.multiplier`, 3, { min: 0 }),
          rampSeconds: r.duration(fo.ramp, `${fp}.ramp`, 60),
          everySeconds: r.duration(fo.every, `${fp}.every`, 0),
        };
      });
    const profile: SyntheticProfile = {
      base: r.num(s.base, `${sp}.base`, 10, { min: 0 }),
      dailyAmplitude: r.num(s.dailyAmplitude, `${sp}.dailyAmplitude`, 0, {
        min: 0,
        max: 1,
      }),
      peakHour: r.num(s.peakHour, `${sp}.peakHour`, 14, { min: 0, max: 24 }),
      weekly,
      noise: r.num(s.noise, `${sp}.noise`, 0, { min: 0, max: 1 }),
      noiseIntervalSeconds: r.duration(
        s.noiseInterval,
        `${sp}.noiseInterval`,
        60,
      ),
      flashCrowds,
      utcOffsetHours: r.num(s.utcOffsetHours, `${sp}.utcOffsetHours`, 0, {
        min: -14,
        max: 14,
      }),
      seed: r.num(s.seed, `${sp}.seed`, hashName(name), { int: true }),
    };
    return { type: 'synthetic', profile };
  }
  const tp = `${p}.trace`;
  const t =
    typeof o.trace === 'string' ? { file: o.trace } : r.obj(o.trace, tp) ?? {};
  r.known(t, tp, ['file', 'csv', 'loop', 'scale', 'align']);
  let text: string | undefined;
  let file: string | undefined;
  if (typeof t.csv === 'string') text = t.csv;
  else if (typeof t.file === 'string') {
    file = resolvePath(options.baseDir ?? process.cwd(), t.file);
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      r.fail(`${tp}.file`, `cannot read ${file}: ${(e as Error).message}`);
    }
  } else r.fail(tp, 'needs file (a CSV path) or csv (inline text)');
  let points = [{ tMs: 0, value: 0 }];
  if (text !== undefined) {
    try {
      points = parseTraceCsv(text);
    } catch (e) {
      r.fail(tp, (e as Error).message);
    }
  }
  const align = r.str(t.align, `${tp}.align`, 'start')!;
  if (!['start', 'absolute'].includes(align))
    r.fail(`${tp}.align`, 'must be start or absolute');
  return {
    type: 'trace',
    points,
    file,
    options: {
      loop: r.bool(t.loop, `${tp}.loop`, true),
      scale: r.num(t.scale, `${tp}.scale`, 1, { min: 0 }),
      alignToMs: align === 'start' ? options.nowMs : undefined,
    },
  };
}

function hashName(name: string): number {
  let h = 7;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) | 0;
  return Math.abs(h);
}
