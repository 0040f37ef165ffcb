// Feeds the demo's InfluxDB with points derived from the simulated cluster's load, so the
// InfluxDB metric source has something real to read: every few seconds it scrapes the
// simulator's /metrics (Prometheus text), turns each pod's request counters into a request
// rate, and writes it with the InfluxDB 1.x line protocol (POST /write) as
//
//   http_requests,namespace=<ns>,deployment=<name>,pod=<pod> rps=<requests per second>
//
// for the workloads in INFLUX_FEED_WORKLOADS (namespace/name, comma-separated). scripts/start.sh
// runs it beside influxd. No dependencies: Node's fetch only.
const SIM = process.env.CLUSTER_SIM_URL ?? 'http://127.0.0.1:6550';
const INFLUX = process.env.INFLUXDB_URL ?? 'http://127.0.0.1:8186';
const DATABASE = process.env.INFLUXDB_DATABASE ?? 'autoscaling_demo';
const WORKLOADS = new Set(
  (process.env.INFLUX_FEED_WORKLOADS ?? 'acme-staging/catalog-search')
    .split(',')
    .map(s => s.trim())
    .filter(Boolean),
);
const INTERVAL_MS = Number(process.env.INFLUX_FEED_INTERVAL_MS ?? 5000);

const log = message => console.error(`[influx-feeder] ${message}`);
const sleep = ms => new Promise(r => setTimeout(r, ms));

/** `name{a="b",...} value [timestampMs]` → { name, labels, value, ts }. */
function parseLine(line) {
  const m = /^([a-zA-Z_:][\w:]*)\{(.*)\} (\S+)(?: (\d+))?$/.exec(line);
  if (!m) return undefined;
  const labels = {};
  for (const l of m[2].matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
    labels[l[1]] = l[2];
  return {
    name: m[1],
    labels,
    value: Number(m[3]),
    ts: m[4] ? Number(m[4]) : undefined,
  };
}

const tag = v => String(v).replace(/([ ,=])/g, '\\$1');

/** Requests received so far by each pod of the fed workloads, and the sample time. */
async function scrape() {
  const text = await (await fetch(`${SIM}/metrics`)).text();
  const pods = new Map();
  let at = Date.now();
  for (const line of text.split('\n')) {
    if (!line.startsWith('http_requests_total{')) continue;
    const s = parseLine(line);
    if (!s) continue;
    const workload = `${s.labels.namespace}/${s.labels.deployment}`;
    if (!WORKLOADS.has(workload)) continue;
    if (s.ts !== undefined) at = s.ts;
    const key = `${workload}/${s.labels.pod}`;
    const pod = pods.get(key) ?? {
      namespace: s.labels.namespace,
      deployment: s.labels.deployment,
      pod: s.labels.pod,
      total: 0,
    };
    pod.total += s.value;
    pods.set(key, pod);
  }
  return { at, pods };
}

async function influx(path, body) {
  const res = await fetch(`${INFLUX}${path}`, {
    method: 'POST',
    headers: {
      'content-type':
        body instanceof URLSearchParams
          ? 'application/x-www-form-urlencoded'
          : 'text/plain',
    },
    body,
  });
  if (!res.ok && res.status !== 204)
    throw new Error(`${path}: ${res.status} ${await res.text()}`);
}

for (let i = 0; ; i++) {
  const up = await fetch(`${INFLUX}/ping`).then(
    r => r.status === 204,
    () => false,
  );
  if (up) break;
  if (i % 60 === 59) log(`waiting for InfluxDB at ${INFLUX}`);
  await sleep(500);
}
await influx(
  '/query',
  new URLSearchParams({ q: `CREATE DATABASE "${DATABASE}"` }),
);
log(`writing ${[...WORKLOADS].join(', ')} to ${INFLUX} database ${DATABASE}`);

let previous;
for (;;) {
  try {
    const current = await scrape();
    if (previous && current.at > previous.at) {
      const seconds = (current.at - previous.at) / 1000;
      const lines = [];
      const now = Date.now();
      for (const [key, pod] of current.pods) {
        const before = previous.pods.get(key);
        if (!before || pod.total < before.total) continue;
        const rps = (pod.total - before.total) / seconds;
        lines.push(
          `http_requests,namespace=${tag(pod.namespace)},deployment=${tag(
            pod.deployment,
          )},pod=${tag(pod.pod)} rps=${Math.round(rps * 1000) / 1000} ${now}`,
        );
      }
      if (lines.length > 0)
        await influx(
          `/write?db=${encodeURIComponent(DATABASE)}&precision=ms`,
          lines.join('\n'),
        );
    }
    previous = current;
  } catch (error) {
    log(`skipped a round: ${error.message}`);
  }
  await sleep(INTERVAL_MS);
}
