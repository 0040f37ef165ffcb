/**
 * GPU utilisation of the simulated pods as NVIDIA's DCGM exporter exposes it
 * (`DCGM_FI_DEV_GPU_UTIL`, a gauge in percent, one series per GPU of a pod, labelled
 * `gpu`, `UUID`, `device`, `modelName`, `Hostname`, `container`, `namespace`, `pod`), for
 * workloads configured with a `gpu` profile. It follows load: a pod serving its capacity
 * (`capacityPerPod`, the rate at which its GPU is fully busy) is at 100%, an idle or
 * not-ready one at the profile's idle utilisation.
 */
import { createHash } from 'node:crypto';
import type { PodRuntime, WorkloadModel } from '../sim/workloadModel';

/** A workload's GPUs (config key `gpu`). */
export interface GpuProfile {
  /** GPUs per pod (each a series). */
  count: number;
  /** The `modelName` label, e.g. "NVIDIA A100-SXM4-40GB". */
  model: string;
  /** Utilisation of an idle GPU, percent. */
  idleUtilization: number;
}

export const DCGM_GPU_UTIL = 'DCGM_FI_DEV_GPU_UTIL';

/** Utilisation (percent, 0..100) of each GPU of a pod at its current load. */
export function podGpuUtilization(pod: PodRuntime, gpu: GpuProfile): number {
  const capacity = pod.params.capacityPerPod;
  const busy =
    pod.ready && capacity > 0 ? Math.min(1, pod.load.arrivalRps / capacity) : 0;
  return Math.min(
    100,
    gpu.idleUtilization + (100 - gpu.idleUtilization) * busy,
  );
}

const esc = (v: string) =>
  v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

/** A stable GPU UUID per pod and index, in NVIDIA's format. */
function gpuUuid(pod: PodRuntime, index: number): string {
  const h = createHash('sha1').update(`${pod.uid}/${index}`).digest('hex');
  return `GPU-${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(
    16,
    20,
  )}-${h.slice(20, 32)}`;
}

/** The exposition lines (without HELP/TYPE) of one workload's started pods. */
export function gpuUtilLines(
  w: WorkloadModel,
  pods: PodRuntime[],
  format: (v: number) => string,
  ts: string,
): string[] {
  const gpu = w.gpu;
  if (!gpu) return [];
  const lines: string[] = [];
  for (const p of pods) {
    const value = format(podGpuUtilization(p, gpu));
    for (let i = 0; i < gpu.count; i++) {
      const labels = [
        `gpu="${i}"`,
        `UUID="${gpuUuid(p, i)}"`,
        `device="nvidia${i}"`,
        `modelName="${esc(gpu.model)}"`,
        `Hostname="${esc(p.nodeName ?? 'unscheduled')}"`,
        `container="${esc(w.name)}"`,
        `namespace="${esc(w.namespace)}"`,
        `pod="${esc(p.name)}"`,
      ].join(',');
      lines.push(`${DCGM_GPU_UTIL}{${labels}} ${value}${ts}`);
    }
  }
  return lines;
}
