/**
 * Replay benchmark (issue 13): every trace in ../shared/traces/real and ../shared/traces through
 * the HPA-equivalent policy, the recommended predictive policy and the perfect-foresight oracle,
 * with the replay CLI's defaults (100 rps per pod, 60 s start-up, 15 s steps). Prints one table,
 * the totals against the goals, and writes artifacts/replay-bench.json.
 *
 * Run: npm run bench:replay (in plugins/autoscaling-engine)
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { validatePolicy } from '../src/policy/validatePolicy';
import { replay } from '../src/replay/replay';
import { oracleReplay } from '../src/replay/oracle';
import { parseTraceCsv, resampleTrace } from '../src/replay/trace';
import { createReplayFloorProvider } from '../src/forecast/replayFloor';

const ROOT = resolve(__dirname, '../../..');
const SHARED = resolve(
  process.env.TRACE_ROOT ?? join(ROOT, '../shared/traces'),
);
const CAPACITY = 100;
const STARTUP = 60;
const STEP = 15;
const POLICIES = {
  hpa: join(ROOT, 'examples/policies/hpa-equivalent.yaml'),
  predictive: resolve(
    process.env.PREDICTIVE_POLICY ??
      join(ROOT, 'examples/policies/predictive.yaml'),
  ),
};

function loadPolicy(path: string) {
  const result = validatePolicy(parseYaml(readFileSync(path, 'utf8')));
  if (!result.ok) throw new Error(`${path}: ${JSON.stringify(result.issues)}`);
  return result.policy;
}

const traces = [
  ...readdirSync(join(SHARED, 'real'))
    .filter(f => f.endsWith('.csv'))
    .map(f => ({ set: 'real', path: join(SHARED, 'real', f) })),
  ...readdirSync(SHARED)
    .filter(f => f.endsWith('.csv'))
    .map(f => ({ set: 'synthetic', path: join(SHARED, f) })),
].filter(t => !process.env.ONLY || basename(t.path).includes(process.env.ONLY));

const hpaPolicy = loadPolicy(POLICIES.hpa);
const predictivePolicy = loadPolicy(POLICIES.predictive);
const rows = [];
for (const trace of traces) {
  const name = basename(trace.path, '.csv');
  const series = resampleTrace(
    parseTraceCsv(readFileSync(trace.path, 'utf8')),
    STEP,
  );
  const hpa = replay({
    series,
    policy: hpaPolicy,
    capacityPerPod: CAPACITY,
    startupSeconds: STARTUP,
  });
  const provider = createReplayFloorProvider();
  const started = process.hrtime.bigint();
  const predictive = replay({
    series,
    policy: predictivePolicy,
    capacityPerPod: CAPACITY,
    startupSeconds: STARTUP,
    predictiveFloor: provider,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const oracle = oracleReplay(series, {
    capacityPerPod: CAPACITY,
    startupSeconds: STARTUP,
    minReplicas: predictivePolicy.minReplicas,
  });
  const row = {
    trace: name,
    set: trace.set,
    hpa: {
      overloadedSeconds: hpa.summary.overloadedSeconds,
      replicaHours: hpa.summary.replicaHours,
    },
    predictive: {
      overloadedSeconds: predictive.summary.overloadedSeconds,
      replicaHours: predictive.summary.replicaHours,
      replaySeconds: seconds,
      refits: provider.stats.refits,
      untrustedEvaluations: provider.stats.untrusted,
      evaluations: provider.stats.evaluations,
    },
    oracle: { overloadedSeconds: 0, replicaHours: oracle.replicaHours },
  };
  rows.push(row);
  process.stderr.write(`${name}: done in ${seconds.toFixed(1)} s\n`);
}

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
const ratio = (a: number, b: number) => {
  if (b > 0) return `${(a / b).toFixed(2)}×`;
  return a > 0 ? '∞' : '—';
};
console.log(
  `Replay benchmark: ${CAPACITY} rps per pod, ${STARTUP} s start-up, ${STEP} s steps; policies ${basename(
    POLICIES.hpa,
  )} and ${basename(POLICIES.predictive)}\n`,
);
console.log(
  '| trace | set | overloaded s: HPA-eq. | predictive | oracle | replica-h: HPA-eq. | predictive | (× HPA) | oracle | (× HPA) | replay time |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.trace} | ${r.set} | ${fmt(r.hpa.overloadedSeconds)} | ${fmt(
      r.predictive.overloadedSeconds,
    )} | 0 | ${fmt(r.hpa.replicaHours)} | ${fmt(
      r.predictive.replicaHours,
    )} | ${ratio(r.predictive.replicaHours, r.hpa.replicaHours)} | ${fmt(
      r.oracle.replicaHours,
    )} | ${ratio(
      r.oracle.replicaHours,
      r.hpa.replicaHours,
    )} | ${r.predictive.replaySeconds.toFixed(1)} s |`,
  );
}
const sum = (f: (r: (typeof rows)[number]) => number) =>
  rows.reduce((s, r) => s + f(r), 0);
const totals = {
  hpaOverloaded: sum(r => r.hpa.overloadedSeconds),
  predictiveOverloaded: sum(r => r.predictive.overloadedSeconds),
  hpaReplicaHours: sum(r => r.hpa.replicaHours),
  predictiveReplicaHours: sum(r => r.predictive.replicaHours),
  oracleReplicaHours: sum(r => r.oracle.replicaHours),
};
console.log(
  `| **all ${rows.length}** | | ${fmt(totals.hpaOverloaded)} | ${fmt(
    totals.predictiveOverloaded,
  )} (${ratio(totals.predictiveOverloaded, totals.hpaOverloaded)}) | 0 | ${fmt(
    totals.hpaReplicaHours,
  )} | ${fmt(totals.predictiveReplicaHours)} | ${ratio(
    totals.predictiveReplicaHours,
    totals.hpaReplicaHours,
  )} | ${fmt(totals.oracleReplicaHours)} | ${ratio(
    totals.oracleReplicaHours,
    totals.hpaReplicaHours,
  )} | |`,
);
const goals = {
  overloadAtMostQuarter:
    totals.predictiveOverloaded <= 0.25 * totals.hpaOverloaded,
  replicaHoursAtMost085:
    totals.predictiveReplicaHours <= 0.85 * totals.hpaReplicaHours,
  noTraceAbove105ReplicaHours: rows.every(
    r => r.predictive.replicaHours <= 1.05 * r.hpa.replicaHours,
  ),
  noTraceAboveHpaOverload: rows.every(
    r => r.predictive.overloadedSeconds <= r.hpa.overloadedSeconds,
  ),
  replayAtMost10s: rows.every(r => r.predictive.replaySeconds <= 10),
};
console.log('\nGoals (issue 13):');
for (const [goal, met] of Object.entries(goals))
  console.log(`  ${met ? 'met    ' : 'NOT MET'} ${goal}`);
mkdirSync(join(ROOT, 'artifacts'), { recursive: true });
writeFileSync(
  join(ROOT, 'artifacts/replay-bench.json'),
  `${JSON.stringify(
    {
      capacityPerPod: CAPACITY,
      startupSeconds: STARTUP,
      stepSeconds: STEP,
      policies: POLICIES,
      rows,
      totals,
      goals,
    },
    null,
    2,
  )}\n`,
);
