/**
 * Pods' life after creation: scheduling onto nodes, container start, readiness after the
 * workload's start-up delay, and the load each pod carries over time.
 */
import type { KObject } from '../api/types';
import type { ObjectStore } from '../store/store';
import type { FaultInjector } from '../faults/faults';
import {
  newPodLoadState,
  stepIdlePod,
  stepReadyPods,
  type LoadParams,
  type PodLoadState,
} from '../load/podModel';
import { podRequests, Scheduler } from './scheduler';
import { podStatus } from './objects';
import { parseQuantity } from '../util/quantity';
import {
  podParams,
  type PodRuntime,
  type WorkloadModel,
} from './workloadModel';

/** Seconds from scheduling to a running container (image pull + sandbox), capped by start-up. */
const CONTAINER_START_SECONDS = 2;

export class PodLifecycle {
  readonly pods = new Map<string, PodRuntime>();
  /** Pods not yet Ready (small: scanned every step). */
  private readonly pending = new Set<PodRuntime>();
  private ipCounter = 1;

  constructor(
    private readonly store: ObjectStore,
    private readonly scheduler: Scheduler,
    private readonly faults: FaultInjector,
    private readonly options: { enforceMemoryLimits?: boolean } = {},
  ) {}

  get(namespace: string, name: string): PodRuntime | undefined {
    return this.pods.get(`${namespace}/${name}`);
  }

  /** Starts tracking a pod object that was just created. */
  enrol(pod: KObject, workload: WorkloadModel, nowMs: number): PodRuntime {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const existing = this.pods.get(key);
    if (existing) return existing;
    const rt: PodRuntime = {
      key,
      namespace: pod.metadata.namespace!,
      name: pod.metadata.name!,
      uid: pod.metadata.uid!,
      workload,
      requests: podRequests(pod.spec),
      createdAtMs: nowMs,
      startupSeconds: workload.startupSeconds,
      started: false,
      ready: false,
      load: newPodLoadState(workload.params),
      params: podParams(workload.params, cpuOf(pod.spec)),
      memoryLimitBytes: memoryLimitOf(pod.spec),
    };
    this.pods.set(key, rt);
    this.pending.add(rt);
    workload.pods.add(rt);
    if (pod.spec?.nodeName) {
      // Pre-bound pod: take the node as given.
      this.scheduler.bind(pod.spec.nodeName, rt.requests);
      this.markScheduled(rt, pod.spec.nodeName, nowMs);
    }
    this.transition(rt, nowMs);
    return rt;
  }

  /** Stops tracking a deleted pod and frees its node resources. */
  remove(namespace: string, name: string): void {
    const key = `${namespace}/${name}`;
    const rt = this.pods.get(key);
    if (!rt) return;
    if (rt.nodeName) this.scheduler.release(rt.nodeName, rt.requests);
    this.pods.delete(key);
    this.pending.delete(rt);
    rt.workload.pods.delete(rt);
  }

  private markScheduled(rt: PodRuntime, node: string, nowMs: number): void {
    rt.nodeName = node;
    rt.hostIP = this.scheduler.nodeIp(node);
    rt.scheduledAtMs = nowMs;
    rt.startedAtMs =
      nowMs + Math.min(CONTAINER_START_SECONDS, rt.startupSeconds) * 1000;
    rt.readyAtMs = nowMs + rt.startupSeconds * 1000;
    rt.unschedulableMessage = undefined;
  }

  /** Moves one pod through its lifecycle up to `nowMs`; writes the pod when it changed. */
  private transition(rt: PodRuntime, nowMs: number): void {
    let changed = false;
    if (!rt.nodeName) {
      const r = this.scheduler.schedule(rt.requests);
      if ('node' in r) {
        this.markScheduled(rt, r.node, nowMs);
        changed = true;
      } else if (rt.unschedulableMessage !== r.reason) {
        rt.unschedulableMessage = r.reason;
        changed = true;
      }
    }
    if (rt.nodeName && !rt.started && rt.startedAtMs! <= nowMs) {
      rt.started = true;
      const n = this.ipCounter++;
      rt.podIP = `10.244.${(n >> 8) & 255}.${n & 255}`;
      changed = true;
    }
    if (rt.started && !rt.ready && rt.readyAtMs! <= nowMs) {
      rt.ready = true;
      changed = true;
    }
    if (rt.ready) this.pending.delete(rt);
    if (changed) this.writeStatus(rt, nowMs);
  }

  private writeStatus(rt: PodRuntime, nowMs: number): void {
    const pod = this.store.get('pods', rt.namespace, rt.name);
    if (!pod) return;
    const status = podStatus(pod, rt, nowMs);
    // Keep condition times stable if the pod was already written in this state.
    const next: KObject = {
      ...pod,
      metadata: { ...pod.metadata, resourceVersion: undefined },
      spec: rt.nodeName ? { ...pod.spec, nodeName: rt.nodeName } : pod.spec,
      status: JSON.parse(JSON.stringify(status)),
    };
    this.store.update('pods', next);
  }

  /** Makes every scheduled, not yet Ready pod Ready now (a cluster that was already running). */
  warmUp(nowMs: number): number {
    let n = 0;
    for (const rt of [...this.pending]) {
      if (!rt.nodeName) continue;
      rt.scheduledAtMs = Math.min(rt.scheduledAtMs ?? nowMs, nowMs);
      rt.startedAtMs = nowMs;
      rt.readyAtMs = nowMs;
      this.transition(rt, nowMs);
      n++;
    }
    return n;
  }

  /** Processes every transition due at or before `nowMs`. */
  processDue(nowMs: number): void {
    for (const rt of [...this.pending]) this.transition(rt, nowMs);
  }

  /** The next time a pending pod changes state (after `nowMs`), if any. */
  nextTransitionAfter(nowMs: number): number | undefined {
    let next: number | undefined;
    for (const rt of this.pending) {
      if (!rt.nodeName) continue;
      const t = !rt.started ? rt.startedAtMs! : rt.readyAtMs!;
      if (t > nowMs && (next === undefined || t < next)) next = t;
    }
    return next;
  }

  /** Integrates the load of every workload over [tMs, tMs + dtMs). */
  integrate(
    workloads: Iterable<WorkloadModel>,
    tMs: number,
    dtMs: number,
  ): void {
    const dt = dtMs / 1000;
    const mid = tMs + dtMs / 2;
    for (const w of workloads) {
      const demand = w.override ?? w.demand.at(mid);
      w.lastDemand = demand;
      if (w.pods.size === 0) {
        w.unservedRequests += demand * dt;
        continue;
      }
      // Ready pods grouped by their serving parameters (pods of one template share them);
      // demand is split evenly over all Ready pods.
      const ready = new Map<LoadParams, PodLoadState[]>();
      let readyCount = 0;
      for (const p of w.pods) {
        if (p.ready) {
          const group = ready.get(p.params);
          if (group) group.push(p.load);
          else ready.set(p.params, [p.load]);
          readyCount++;
        } else if (p.started)
          w.totals.cpuSeconds += stepIdlePod(p.params, p.load, dt);
      }
      if (readyCount === 0) w.unservedRequests += demand * dt;
      else {
        const faults = this.faults.forWorkload(w.namespace, w.name);
        for (const [params, loads] of ready) {
          const t = stepReadyPods(
            params,
            (demand * loads.length) / readyCount,
            loads,
            dt,
            faults,
          );
          w.totals.ok += t.ok;
          w.totals.error += t.error;
          w.totals.shed += t.shed;
          w.totals.cpuSeconds += t.cpuSeconds;
        }
      }
      for (const p of w.pods) {
        if (
          this.options.enforceMemoryLimits &&
          p.ready &&
          p.memoryLimitBytes !== undefined &&
          p.load.memoryBytes > p.memoryLimitBytes
        ) {
          this.oomKill(p, tMs + dtMs);
        }
      }
    }
  }

  /**
   * In-place resize (the `pods/resize` subresource) of a stored pod to `next` (its spec with new
   * container resources): written and in effect at once if the node has room for the new
   * requests; otherwise the spec stays and the pod reports `PodResizePending` (Infeasible), as
   * the kubelet does. The container is not restarted either way.
   */
  resize(next: KObject, nowMs: number): { applied: boolean; message?: string } {
    const rt = this.get(next.metadata.namespace!, next.metadata.name!);
    const requests = podRequests(next.spec);
    if (rt?.nodeName) {
      const usage = this.scheduler.usage(rt.nodeName);
      const capacity = this.scheduler.capacity(rt.nodeName);
      if (usage && capacity) {
        const cpu = usage.cpu - rt.requests.cpu + requests.cpu;
        const memory = usage.memory - rt.requests.memory + requests.memory;
        if (cpu > capacity.cpu + 1e-9 || memory > capacity.memory + 1e-3) {
          const message = `Node didn't have enough capacity: ${
            cpu > capacity.cpu + 1e-9 ? 'cpu' : 'memory'
          }`;
          rt.resizeInfeasible = message;
          this.writeStatus(rt, nowMs);
          return { applied: false, message };
        }
      }
    }
    this.store.update('pods', next);
    if (!rt) return { applied: true };
    if (rt.nodeName) {
      this.scheduler.release(rt.nodeName, rt.requests);
      this.scheduler.bind(rt.nodeName, requests);
    }
    rt.requests = requests;
    rt.params = podParams(rt.workload.params, cpuOf(next.spec));
    rt.memoryLimitBytes = memoryLimitOf(next.spec);
    rt.resizes = (rt.resizes ?? 0) + 1;
    rt.resizeInfeasible = undefined;
    this.writeStatus(rt, nowMs);
    return { applied: true };
  }

  /**
   * The container used more memory than its limit: the kernel kills it (OOMKilled, exit 137),
   * the kubelet restarts it at once, and the pod is not Ready until its start-up has passed.
   */
  private oomKill(rt: PodRuntime, nowMs: number): void {
    rt.restartCount = (rt.restartCount ?? 0) + 1;
    rt.lastTermination = {
      reason: 'OOMKilled',
      exitCode: 137,
      startedAtMs: rt.startedAtMs,
      finishedAtMs: nowMs,
    };
    rt.ready = false;
    rt.startedAtMs = nowMs;
    rt.readyAtMs = nowMs + rt.startupSeconds * 1000;
    rt.load = newPodLoadState(rt.workload.params);
    this.pending.add(rt);
    this.writeStatus(rt, nowMs);
  }
}

/** The CPU request and limit of a pod's first container (the one carrying the load), cores. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function cpuOf(spec: any): { cpuRequest?: number; cpuLimit?: number } {
  const resources = spec?.containers?.[0]?.resources ?? {};
  const q = (v: unknown) => {
    if (v === undefined || v === null) return undefined;
    try {
      return parseQuantity(String(v));
    } catch {
      return undefined;
    }
  };
  return {
    cpuRequest: q(resources.requests?.cpu),
    cpuLimit: q(resources.limits?.cpu),
  };
}

/** The memory limit of a pod's first container, bytes (undefined without one). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function memoryLimitOf(spec: any): number | undefined {
  const limit = spec?.containers?.[0]?.resources?.limits?.memory;
  if (limit === undefined) return undefined;
  try {
    return parseQuantity(String(limit));
  } catch {
    return undefined;
  }
}
