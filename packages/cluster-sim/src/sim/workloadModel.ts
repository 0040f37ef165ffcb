/** Per-workload load model: the serving parameters, start-up delay and demand of its pods. */
import type { DemandConfig, WorkloadConfig } from '../config/types';
import type { KObject } from '../api/types';
import {
  constantDemand,
  DemandModel,
  syntheticDemand,
  traceDemand,
} from '../load/demand';
import { LoadParams, PodLoadState, StepTotals } from '../load/podModel';
import { parseQuantity } from '../util/quantity';
import { ANNOTATION_PREFIX } from './objects';
import type { GpuProfile } from '../metrics/gpu';

export interface PodRuntime {
  /** "namespace/name" */
  key: string;
  namespace: string;
  name: string;
  uid: string;
  workload: WorkloadModel;
  requests: { cpu: number; memory: number };
  createdAtMs: number;
  startupSeconds: number;
  nodeName?: string;
  hostIP?: string;
  podIP?: string;
  scheduledAtMs?: number;
  startedAtMs?: number;
  readyAtMs?: number;
  started: boolean;
  ready: boolean;
  unschedulableMessage?: string;
  load: PodLoadState;
  /**
   * The serving parameters of this pod: the workload's, with its own CPU request and limit
   * (`podParams`), so a resized pod or one from a new template serves accordingly.
   */
  params: LoadParams;
  /** Memory limit of the first container (the one carrying the load), bytes. */
  memoryLimitBytes?: number;
  /** Restarts of that container, and its last termination (an OOM kill over the limit). */
  restartCount?: number;
  lastTermination?: {
    reason: string;
    exitCode: number;
    startedAtMs?: number;
    finishedAtMs: number;
  };
  /** In-place resizes applied (the `pods/resize` subresource); none restart the container. */
  resizes?: number;
  /** The last resize that could not be applied (node too small), until one is. */
  resizeInfeasible?: string;
}

export interface WorkloadModel {
  /** "Deployment/namespace/name" (or "Pod/namespace/name" for bare pods). */
  key: string;
  kind: string;
  namespace: string;
  name: string;
  params: LoadParams;
  startupSeconds: number;
  demand: DemandModel;
  /** Demand override from the admin endpoint (rps), until cleared. */
  override?: number;
  /** Defined by the config file (kept when the object is deleted and re-created). */
  configured: boolean;
  /** GPUs of each pod (config `gpu`): DCGM_FI_DEV_GPU_UTIL follows the load (../metrics/gpu.ts). */
  gpu?: GpuProfile;
  pods: Set<PodRuntime>;
  /** Requests that arrived while no pod was Ready (lost). */
  unservedRequests: number;
  /** Demand in the last step, rps. */
  lastDemand: number;
  /**
   * Cumulative requests (by outcome) and CPU seconds of all its pods, past and present: the
   * workload-level counters of the Prometheus API (a sum over pods would drop when pods go).
   */
  totals: StepTotals;
}

export const workloadKey = (kind: string, namespace: string, name: string) =>
  `${kind}/${namespace}/${name}`;

export function demandModel(d: DemandConfig): DemandModel {
  switch (d.type) {
    case 'constant':
      return constantDemand(d.rps);
    case 'synthetic':
      return syntheticDemand(d.profile);
    default:
      return traceDemand(d.points, d.options);
  }
}

export function modelFromConfig(w: WorkloadConfig): WorkloadModel {
  return {
    key: workloadKey(w.kind, w.namespace, w.name),
    kind: w.kind,
    namespace: w.namespace,
    name: w.name,
    params: w.load,
    startupSeconds: w.startupSeconds,
    demand: demandModel(w.demand),
    configured: true,
    gpu: w.gpu,
    pods: new Set(),
    unservedRequests: 0,
    lastDemand: 0,
    totals: { ok: 0, error: 0, shed: 0, cpuSeconds: 0 },
  };
}

const num = (v: string | undefined, d: number) => {
  const n = v === undefined ? NaN : Number(v);
  return Number.isFinite(n) && n >= 0 ? n : d;
};

/**
 * A model for a workload created through the API: parameters from its pod template's requests
 * and limits, and from `cluster-sim.dev/*` annotations (demand-rps, capacity-per-pod,
 * startup-seconds, base-latency-ms).
 */
export function modelFromObject(obj: KObject): WorkloadModel {
  const ann = obj.metadata.annotations ?? {};
  const a = (k: string) => ann[`${ANNOTATION_PREFIX}${k}`];
  const container =
    obj.spec?.template?.spec?.containers?.[0] ??
    obj.spec?.containers?.[0] ??
    {};
  const q = (v: unknown, d: number) => {
    try {
      return v === undefined ? d : parseQuantity(v as string);
    } catch {
      return d;
    }
  };
  const cpuRequest = q(container.resources?.requests?.cpu, 0.1) || 0.1;
  const cpuLimit = container.resources?.limits?.cpu
    ? q(container.resources.limits.cpu, cpuRequest)
    : undefined;
  const memRequest = q(container.resources?.requests?.memory, 128 * 1024 ** 2);
  return {
    key: workloadKey(
      obj.kind,
      obj.metadata.namespace ?? '',
      obj.metadata.name ?? '',
    ),
    kind: obj.kind,
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name ?? '',
    params: {
      capacityPerPod: num(a('capacity-per-pod'), 50) || 50,
      cpuRequestCores: cpuRequest,
      cpuLimitCores: cpuLimit,
      idleCpuCores: cpuRequest * 0.02,
      memoryBaselineBytes: memRequest * 0.5,
      memoryPerRpsBytes: 512 * 1024,
      baseLatencySeconds: num(a('base-latency-ms'), 40) / 1000,
      maxQueueSeconds: 10,
    },
    startupSeconds: num(a('startup-seconds'), obj.kind === 'Pod' ? 0 : 10),
    demand: constantDemand(num(a('demand-rps'), 0)),
    configured: false,
    pods: new Set(),
    unservedRequests: 0,
    lastDemand: 0,
    totals: { ok: 0, error: 0, shed: 0, cpuSeconds: 0 },
  };
}

/**
 * A pod's serving parameters from its workload's and its first container's resources. The CPU a
 * request costs is the workload's (cores per rps = request / capacityPerPod of the workload), so
 * a smaller request serves fewer rps before it is throttled, not more cheaply. Returns the
 * workload's own object when the pod asks what the workload does (pods share it).
 */
export function podParams(
  workload: LoadParams,
  resources: { cpuRequest?: number; cpuLimit?: number },
): LoadParams {
  const request = resources.cpuRequest ?? workload.cpuRequestCores;
  const limit = resources.cpuLimit;
  if (request === workload.cpuRequestCores && limit === workload.cpuLimitCores)
    return workload;
  const coresPerRps =
    workload.capacityPerPod > 0
      ? workload.cpuRequestCores / workload.capacityPerPod
      : 0;
  return {
    ...workload,
    cpuRequestCores: request,
    cpuLimitCores: limit,
    capacityPerPod:
      coresPerRps > 0 ? request / coresPerRps : workload.capacityPerPod,
  };
}
