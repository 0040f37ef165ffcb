/**
 * Prometheus text exposition (format 0.0.4) of the simulated pods: request counters by code,
 * CPU seconds, memory, in-flight and queue gauges, a latency histogram, plus kube-state-metrics
 * style replica gauges and the configured demand (ground truth for tests and demos).
 */
import type { PodRuntime, WorkloadModel } from '../sim/workloadModel';
import { LATENCY_BUCKETS } from '../load/podModel';
import { DCGM_GPU_UTIL, gpuUtilLines } from './gpu';

const esc = (v: string) =>
  v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const num = (v: number): string => {
  if (Number.isFinite(v)) return String(Math.round(v * 1e6) / 1e6);
  if (Number.isNaN(v)) return 'NaN';
  return v > 0 ? '+Inf' : '-Inf';
};

export interface WorkloadReplicas {
  kind: string;
  namespace: string;
  name: string;
  specReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
}

export interface ExpositionInput {
  workloads: Iterable<WorkloadModel>;
  replicas: WorkloadReplicas[];
  /** Simulated time of the samples. */
  nowMs: number;
  /** Append `nowMs` as each sample's timestamp. */
  timestamps: boolean;
  /** Demand of a workload at `nowMs`. */
  demandOf: (w: WorkloadModel) => number;
}

export function renderExposition(input: ExpositionInput): string {
  const ts = input.timestamps ? ` ${Math.round(input.nowMs)}` : '';
  const families = new Map<
    string,
    { help: string; type: string; lines: string[] }
  >();
  const fam = (name: string, type: string, help: string) => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { help, type, lines: [] }));
    return f.lines;
  };
  const requests = fam(
    'http_requests_total',
    'counter',
    'HTTP requests received by the pod, by response code.',
  );
  const cpu = fam(
    'container_cpu_usage_seconds_total',
    'counter',
    'Cumulative CPU time consumed by the container, seconds.',
  );
  const mem = fam(
    'container_memory_working_set_bytes',
    'gauge',
    'Working set memory of the container, bytes.',
  );
  const inflight = fam(
    'http_requests_in_flight',
    'gauge',
    'Requests being served or queued by the pod.',
  );
  const queue = fam(
    'http_request_queue_length',
    'gauge',
    'Requests waiting in the pod queue.',
  );
  const hist = fam(
    'http_request_duration_seconds',
    'histogram',
    'Latency of handled requests, seconds.',
  );
  const demand = fam(
    'cluster_sim_demand_requests_per_second',
    'gauge',
    'Demand the simulator sends to the workload (ground truth).',
  );
  const unserved = fam(
    'cluster_sim_unserved_requests_total',
    'counter',
    'Requests lost because the workload had no Ready pod.',
  );
  // As NVIDIA's DCGM exporter names it (workloads with a `gpu` profile; ./gpu.ts).
  const gpuUtil = fam(DCGM_GPU_UTIL, 'gauge', 'GPU utilization (in %).');

  const workloadLabel = (w: WorkloadModel) =>
    `namespace="${esc(w.namespace)}",${
      w.kind === 'StatefulSet' ? 'statefulset' : 'deployment'
    }="${esc(w.name)}"`;

  for (const w of input.workloads) {
    if (w.kind === 'Pod' || w.kind === 'ReplicaSet') continue;
    const wl = workloadLabel(w);
    const dep =
      w.kind === 'StatefulSet'
        ? `namespace="${esc(w.namespace)}",deployment="${esc(
            w.name,
          )}",statefulset="${esc(w.name)}"`
        : wl;
    demand.push(
      `cluster_sim_demand_requests_per_second{${dep}} ${num(
        input.demandOf(w),
      )}${ts}`,
    );
    unserved.push(
      `cluster_sim_unserved_requests_total{${dep}} ${num(
        w.unservedRequests,
      )}${ts}`,
    );
    const pods = [...w.pods]
      .filter((p: PodRuntime) => p.started)
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    gpuUtil.push(...gpuUtilLines(w, pods, num, ts));
    for (const p of pods) {
      const l = `${dep},pod="${esc(p.name)}"`;
      const s = p.load;
      requests.push(
        `http_requests_total{${l},code="200"} ${num(s.requestsOk)}${ts}`,
      );
      requests.push(
        `http_requests_total{${l},code="500"} ${num(s.requestsError)}${ts}`,
      );
      requests.push(
        `http_requests_total{${l},code="503"} ${num(s.requestsShed)}${ts}`,
      );
      cpu.push(
        `container_cpu_usage_seconds_total{${l},container="${esc(
          w.name,
        )}"} ${num(s.cpuSeconds)}${ts}`,
      );
      mem.push(
        `container_memory_working_set_bytes{${l},container="${esc(
          w.name,
        )}"} ${num(Math.round(s.memoryBytes))}${ts}`,
      );
      inflight.push(`http_requests_in_flight{${l}} ${num(s.inFlight)}${ts}`);
      queue.push(`http_request_queue_length{${l}} ${num(s.queue)}${ts}`);
      LATENCY_BUCKETS.forEach((b, i) => {
        hist.push(
          `http_request_duration_seconds_bucket{${l},le="${b}"} ${num(
            s.latencyBuckets[i],
          )}${ts}`,
        );
      });
      hist.push(
        `http_request_duration_seconds_bucket{${l},le="+Inf"} ${num(
          s.latencyCount,
        )}${ts}`,
      );
      hist.push(
        `http_request_duration_seconds_sum{${l}} ${num(s.latencySum)}${ts}`,
      );
      hist.push(
        `http_request_duration_seconds_count{${l}} ${num(s.latencyCount)}${ts}`,
      );
    }
  }
  const spec = fam(
    'kube_deployment_spec_replicas',
    'gauge',
    'Desired replicas of the deployment.',
  );
  const ready = fam(
    'kube_deployment_status_replicas_ready',
    'gauge',
    'Ready replicas of the deployment.',
  );
  const avail = fam(
    'kube_deployment_status_replicas_available',
    'gauge',
    'Available replicas of the deployment.',
  );
  const stsSpec = fam(
    'kube_statefulset_replicas',
    'gauge',
    'Desired replicas of the statefulset.',
  );
  const stsReady = fam(
    'kube_statefulset_status_replicas_ready',
    'gauge',
    'Ready replicas of the statefulset.',
  );
  for (const r of input.replicas) {
    if (r.kind === 'StatefulSet') {
      const l = `namespace="${esc(r.namespace)}",statefulset="${esc(r.name)}"`;
      stsSpec.push(`kube_statefulset_replicas{${l}} ${r.specReplicas}${ts}`);
      stsReady.push(
        `kube_statefulset_status_replicas_ready{${l}} ${r.readyReplicas}${ts}`,
      );
    } else {
      const l = `namespace="${esc(r.namespace)}",deployment="${esc(r.name)}"`;
      spec.push(`kube_deployment_spec_replicas{${l}} ${r.specReplicas}${ts}`);
      ready.push(
        `kube_deployment_status_replicas_ready{${l}} ${r.readyReplicas}${ts}`,
      );
      avail.push(
        `kube_deployment_status_replicas_available{${l}} ${r.availableReplicas}${ts}`,
      );
    }
  }
  const out: string[] = [];
  for (const [name, f] of families) {
    if (f.lines.length === 0) continue;
    out.push(`# HELP ${name} ${f.help}`, `# TYPE ${name} ${f.type}`);
    for (const line of f.lines) out.push(line);
  }
  return `${out.join('\n')}\n`;
}
