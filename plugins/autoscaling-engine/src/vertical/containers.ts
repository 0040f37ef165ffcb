/**
 * The recommender per container of a workload, as VPA keeps one aggregate state per container
 * name across the workload's pods: usage from metrics.k8s.io, the requests and limits of the pod
 * template, and OOM kills from the pods' container statuses feeding the OOM bump.
 *
 * Bounded: only the template's containers are kept (at most `MAX_TRACKED_CONTAINERS`), each with
 * one recommender state of bounded size, so a renamed container's history is dropped.
 */
import {
  emptyVerticalState,
  observeCpuSamples,
  observeMemory,
  observeOom,
  type VerticalState,
} from './recommender';

export const MAX_TRACKED_CONTAINERS = 32;
const DAY_MS = 24 * 3600 * 1000;
const MINUTE_MS = 60_000;

export interface ContainerResources {
  /** Cores. */
  cpu?: number;
  /** Bytes. */
  memory?: number;
}

export interface ContainerVerticalState {
  vertical: VerticalState;
  /** The pod template's requests and limits as last seen. */
  requests: ContainerResources;
  limits: ContainerResources;
  /** OOM kills counted so far, and when the newest of them ended. */
  oomKills: number;
  lastOomMs?: number;
  /** Usage of all pods together at the last tick with metrics (cores, bytes). */
  lastUsage?: { cpu: number; memory: number };
  /**
   * Set when the CPU history was seeded from the workload's past (`seedContainersFromHistory`):
   * the newest seeded sample. Memory has no past there, so its confidence counts from here.
   */
  cpuHistoryUntilMs?: number;
}

export interface ContainerObservation {
  /** The pod template's containers. */
  template: ReadonlyArray<{
    name: string;
    cpu?: number;
    memory?: number;
    limits?: ContainerResources;
  }>;
  /** metrics.k8s.io usage of each pod, by container name; undefined without metrics. */
  usage?: ReadonlyArray<
    Readonly<Record<string, { cpu: number; memory: number }>>
  >;
  /** `lastState.terminated.reason: OOMKilled` of the pods' containers. */
  oomKills?: ReadonlyArray<{
    container: string;
    atMs: number;
    memoryRequest?: number;
    memoryLimit?: number;
  }>;
  nowMs: number;
}

/**
 * One tick of observation. An OOM kill is counted once: only kills that ended after the newest
 * one counted (on first sight, within the last day) feed the bump, with the memory the container
 * was killed at: its limit, else its request.
 */
export function observeContainers(
  prior: Readonly<Record<string, ContainerVerticalState>> | undefined,
  input: ContainerObservation,
): Record<string, ContainerVerticalState> {
  const next: Record<string, ContainerVerticalState> = {};
  for (const container of input.template.slice(0, MAX_TRACKED_CONTAINERS)) {
    const before = prior?.[container.name];
    let vertical = before?.vertical ?? emptyVerticalState();
    const samples = (input.usage ?? []).flatMap(pod =>
      pod[container.name] ? [pod[container.name]] : [],
    );
    if (samples.length > 0) {
      vertical = observeCpuSamples(
        vertical,
        samples.map(s => s.cpu),
        input.nowMs,
      );
      for (const s of samples) {
        vertical = observeMemory(vertical, s.memory, input.nowMs);
      }
    }
    const since = before?.lastOomMs ?? input.nowMs - DAY_MS;
    const kills = (input.oomKills ?? [])
      .filter(k => k.container === container.name && k.atMs > since)
      .sort((a, b) => a.atMs - b.atMs);
    let lastOomMs = before?.lastOomMs;
    for (const kill of kills) {
      const killedAt =
        kill.memoryLimit ??
        kill.memoryRequest ??
        container.limits?.memory ??
        container.memory ??
        0;
      vertical = observeOom(vertical, killedAt, kill.atMs);
      lastOomMs = kill.atMs;
    }
    next[container.name] = {
      vertical,
      requests: { cpu: container.cpu, memory: container.memory },
      limits: { cpu: container.limits?.cpu, memory: container.limits?.memory },
      oomKills: (before?.oomKills ?? 0) + kills.length,
      ...(lastOomMs !== undefined ? { lastOomMs } : {}),
      ...(before?.cpuHistoryUntilMs !== undefined
        ? { cpuHistoryUntilMs: before.cpuHistoryUntilMs }
        : {}),
      ...lastUsageOf(samples, before?.lastUsage),
    };
  }
  return next;
}

/** One step of a workload's past: its CPU use (cores, all pods) and its ready pods. */
export interface PastCpuPoint {
  /** End of the step (Prometheus' `rate(...[step])` at this time covers the step before it). */
  atMs: number;
  cores: number;
  pods: number;
}

/**
 * The recommender of a workload seen for the first time, seeded from its past CPU use (the
 * Prometheus history read at first sight), so a workload with history has confidence from its
 * first tick instead of after an hour of live samples.
 *
 * Each step of `stepMs` becomes one sample a minute over the step (the rate the confidence
 * counts, `confidenceDays`), each minute with one sample per ready pod at the step's per-pod
 * usage (cores / pods), through `observeCpuSamples` as live ticks are. Steps without pods are
 * skipped. The past is the workload's total, so only a single-container template is seeded
 * (several containers' shares are not known): otherwise, and without a usable past, nothing is
 * seeded (undefined). Memory is not seeded (the past has no memory per container); the
 * `cpuHistoryUntilMs` mark lets the memory recommendation count its confidence from live
 * samples only.
 */
export function seedContainersFromHistory(
  template: ContainerObservation['template'],
  past: ReadonlyArray<PastCpuPoint>,
  stepMs: number,
): Record<string, ContainerVerticalState> | undefined {
  if (template.length !== 1 || !(stepMs >= MINUTE_MS)) return undefined;
  const [container] = template;
  const minutes = Math.floor(stepMs / MINUTE_MS);
  let vertical = emptyVerticalState();
  const points = [...past].sort((a, b) => a.atMs - b.atMs);
  for (const point of points) {
    const pods = Math.round(point.pods);
    if (!(pods >= 1) || !(point.cores >= 0)) continue;
    const perPod = point.cores / pods;
    const samples = new Array<number>(pods).fill(perPod);
    for (let k = minutes - 1; k >= 0; k--) {
      vertical = observeCpuSamples(
        vertical,
        samples,
        point.atMs - k * MINUTE_MS,
      );
    }
  }
  if (vertical.lastSampleMs === undefined) return undefined;
  return {
    [container.name]: {
      vertical,
      requests: { cpu: container.cpu, memory: container.memory },
      limits: { cpu: container.limits?.cpu, memory: container.limits?.memory },
      oomKills: 0,
      cpuHistoryUntilMs: vertical.lastSampleMs,
    },
  };
}

function lastUsageOf(
  samples: ReadonlyArray<{ cpu: number; memory: number }>,
  before: ContainerVerticalState['lastUsage'],
): Pick<ContainerVerticalState, 'lastUsage'> {
  if (samples.length === 0) return before ? { lastUsage: before } : {};
  return {
    lastUsage: {
      cpu: samples.reduce((sum, s) => sum + s.cpu, 0),
      memory: samples.reduce((sum, s) => sum + s.memory, 0),
    },
  };
}
