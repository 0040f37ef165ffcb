/**
 * Pods' life after creation: scheduling onto nodes, container start, readiness after the
 * workload's start-up delay, and the load each pod carries over time.
 */
import type { KObject } from '../api/types';
import type { ObjectStore } from '../store/store';
import type { FaultInjector } from '../faults/faults';
import { newPodLoadState, stepIdlePod, stepReadyPods } from '../load/podModel';
import { podRequests, Scheduler } from './scheduler';
import { podStatus } from './objects';
import { parseQuantity } from '../util/quantity';
import type { PodRuntime, WorkloadModel } from './workloadModel';

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
    rt.startedAtMs = nowMs + Math.min(CONTAINER_START_SECONDS, rt.startupSeconds) * 1000;
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
  integrate(workloads: Iterable<WorkloadModel>, tMs: number, dtMs: number): void {
    const dt = dtMs / 1000;
    const mid = tMs + dtMs / 2;
    for (const w of workloads) {
      const demand = w.override ?? w.demand.at(mid);
      w.lastDemand = demand;
      if (w.pods.size === 0) {
        w.unservedRequests += demand * dt;
        continue;
      }
      const ready = [];
      for (const p of w.pods) {
        if (p.ready) ready.push(p.load);
        else if (p.started) w.totals.cpuSeconds += stepIdlePod(w.params, p.load, dt);
      }
      if (ready.length === 0) w.unservedRequests += demand * dt;
      else {
        const t = stepReadyPods(w.params, demand, ready, dt, this.faults.forWorkload(w.namespace, w.name));
        w.totals.ok += t.ok;
        w.totals.error += t.error;
        w.totals.shed += t.shed;
        w.totals.cpuSeconds += t.cpuSeconds;
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
   * The container used more memory than its limit: the kernel kills it (OOMKilled, exit 137),
   * the kubelet restarts it at once, and the pod is not Ready until its start-up has passed.
   */
  private oomKill(rt: PodRuntime, nowMs: number): void {
    rt.restartCount = (rt.restartCount ?? 0) + 1;
    rt.lastTermination = { reason: 'OOMKilled', exitCode: 137, startedAtMs: rt.startedAtMs, finishedAtMs: nowMs };
    rt.ready = false;
    rt.startedAtMs = nowMs;
    rt.readyAtMs = nowMs + rt.startupSeconds * 1000;
    rt.load = newPodLoadState(rt.workload.params);
    this.pending.add(rt);
    this.writeStatus(rt, nowMs);
  }
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
