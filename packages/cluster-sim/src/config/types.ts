/** The simulator's resolved configuration (after parsing, validation and defaults). */
import type { FaultSpec } from '../faults/faults';
import type { LoadParams } from '../load/podModel';
import type { GpuProfile } from '../metrics/gpu';
import type {
  SyntheticProfile,
  TraceOptions,
  TracePoint,
} from '../load/demand';

export interface TokenRule {
  verbs: string[];
  /** Resource names, optionally with a subresource: "pods", "deployments/scale", "*", "*\/scale". */
  resources: string[];
  /** API groups ("" = core, "*" = all); default all. */
  apiGroups: string[];
  /** Namespaces; default all. */
  namespaces: string[];
}

export interface TokenConfig {
  token: string;
  user: string;
  groups: string[];
  rules: TokenRule[];
}

export interface NodePoolConfig {
  namePrefix: string;
  count: number;
  cpuCores: number;
  memoryBytes: number;
  maxPods: number;
  instanceType: string;
  zones: string[];
  labels: Record<string, string>;
}

export interface NamespaceConfig {
  name: string;
  labels: Record<string, string>;
}

export type DemandConfig =
  | { type: 'constant'; rps: number }
  | { type: 'synthetic'; profile: SyntheticProfile }
  | {
      type: 'trace';
      points: TracePoint[];
      options: TraceOptions;
      file?: string;
    };

export interface ResourceList {
  cpu?: string;
  memory?: string;
}

/** The HPA-like controller that produces a workload's simulated past (see ../load/history.ts). */
export interface AutoscalingConfig {
  minReplicas: number;
  maxReplicas: number;
  /** Target average CPU utilisation of the request, percent. */
  targetCpuUtilization: number;
  /** Scale-down stabilisation window, seconds (Kubernetes' default 300). */
  scaleDownStabilizationSeconds: number;
}

export interface WorkloadConfig {
  kind: 'Deployment' | 'StatefulSet';
  name: string;
  namespace: string;
  replicas: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  image: string;
  containerName: string;
  containerPort: number;
  resources: { requests: ResourceList; limits: ResourceList };
  load: LoadParams;
  startupSeconds: number;
  demand: DemandConfig;
  autoscaling: AutoscalingConfig;
  /** GPUs per pod, exposed as the DCGM exporter's DCGM_FI_DEV_GPU_UTIL following load. */
  gpu?: GpuProfile;
}

export type TimestampMode = 'auto' | 'always' | 'never';

export interface ClusterSimConfig {
  cluster: {
    name: string;
    gitVersion: string;
    /**
     * Kill a container whose memory use passes its limit (OOMKilled in `lastState`, restart,
     * not Ready until its start-up has passed). Off by default.
     */
    enforceMemoryLimits: boolean;
  };
  clock: {
    factor: number;
    /** Simulated start, epoch ms; undefined = now. */
    startMs?: number;
    /** Largest step of the load model, simulated seconds. */
    tickSeconds: number;
  };
  seed: number;
  /** Pods of configured workloads are Ready at start (default true); later pods wait start-up. */
  warmStart: boolean;
  /** How much simulated past the Prometheus API serves before the start (0 = none). */
  history: { days: number };
  metrics: {
    /**
     * Sample timestamps in /metrics: `auto` adds simulated-time timestamps when simulated time
     * differs from wall time (factor ≠ 1, or the clock was moved), so Prometheus stores samples
     * at simulated time and rate() is per simulated second.
     */
    timestamps: TimestampMode;
  };
  tokens: TokenConfig[];
  nodePools: NodePoolConfig[];
  namespaces: NamespaceConfig[];
  workloads: WorkloadConfig[];
  /** Extra manifests created at start (HPAs, services, ...). */
  objects: Record<string, unknown>[];
  faults: FaultSpec;
}
