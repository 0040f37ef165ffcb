/** metrics.k8s.io/v1beta1 objects (PodMetrics, NodeMetrics) as metrics-server reports them. */
import type { KObject } from '../api/types';
import type { PodRuntime } from '../sim/workloadModel';
import { formatCpuNano, formatMemoryKi } from '../util/quantity';
import { isoSeconds } from '../sim/objects';

export const METRICS_WINDOW = '15s';

export function podMetrics(
  pod: KObject,
  rt: PodRuntime,
  nowMs: number,
): Record<string, unknown> {
  const containers: { name: string }[] = pod.spec?.containers ?? [];
  const n = Math.max(1, containers.length);
  return {
    kind: 'PodMetrics',
    apiVersion: 'metrics.k8s.io/v1beta1',
    metadata: {
      name: pod.metadata.name,
      namespace: pod.metadata.namespace,
      creationTimestamp: isoSeconds(nowMs),
      labels: pod.metadata.labels ?? {},
    },
    timestamp: isoSeconds(nowMs),
    window: METRICS_WINDOW,
    // The first container carries the load; sidecars (if any) share the idle share.
    containers: containers.map((c, i) => ({
      name: c.name,
      usage: {
        cpu: formatCpuNano(
          i === 0 ? rt.load.cpuCores : rt.workload.params.idleCpuCores / n,
        ),
        memory: formatMemoryKi(
          i === 0 ? rt.load.memoryBytes : 16 * 1024 * 1024,
        ),
      },
    })),
  };
}

/** System overhead of a node on top of its pods (kubelet, runtime, OS). */
const NODE_OVERHEAD_CPU = 0.1;
const NODE_OVERHEAD_MEMORY = 768 * 1024 * 1024;

export function nodeMetrics(
  node: KObject,
  pods: PodRuntime[],
  nowMs: number,
): Record<string, unknown> {
  let cpu = NODE_OVERHEAD_CPU;
  let mem = NODE_OVERHEAD_MEMORY;
  for (const p of pods) {
    if (!p.started) continue;
    cpu += p.load.cpuCores;
    mem += p.load.memoryBytes;
  }
  return {
    kind: 'NodeMetrics',
    apiVersion: 'metrics.k8s.io/v1beta1',
    metadata: {
      name: node.metadata.name,
      creationTimestamp: isoSeconds(nowMs),
      labels: node.metadata.labels ?? {},
    },
    timestamp: isoSeconds(nowMs),
    window: METRICS_WINDOW,
    usage: { cpu: formatCpuNano(cpu), memory: formatMemoryKi(mem) },
  };
}
