/**
 * The simulated cluster: object store, controllers, pod lifecycle, load models and faults,
 * advanced along the simulation clock. No HTTP here (see ../server).
 */
import type { ClusterSimConfig } from '../config/types';
import type { SimClock } from '../clock';
import { ObjectStore } from '../store/store';
import { FaultInjector } from '../faults/faults';
import { Authorizer } from '../auth/authorizer';
import { byKey, findByKind, resourceKey } from '../api/resources';
import { validateAndDefault } from '../api/validate';
import type { KObject } from '../api/types';
import { Controllers } from './controllers';
import { PodLifecycle } from './podLifecycle';
import { Scheduler } from './scheduler';
import { modelFromConfig, WorkloadModel, workloadKey } from './workloadModel';
import { namespaceObject, nodeObjects, workloadObject } from './objects';
import { maxServeRps } from '../load/podModel';
import { simulatePast } from '../load/history';
import {
  DEFAULT_HISTORY_OPTIONS,
  MetricHistory,
  SampleValues,
  WorkloadRef,
} from '../metrics/workloadHistory';
import type { Series } from '../prometheus/evaluate';

const DAY_MS = 86_400_000;

export interface WorkloadSummary {
  kind: string;
  namespace: string;
  name: string;
  demandRps: number;
  demandOverride?: number;
  pods: number;
  readyPods: number;
  capacityRps: number;
  servedRps: number;
  cpuCores: number;
  memoryBytes: number;
  meanLatencySeconds: number;
  queue: number;
  unservedRequests: number;
}

export class ClusterSim {
  readonly store: ObjectStore;
  readonly faults: FaultInjector;
  readonly authorizer: Authorizer;
  readonly scheduler = new Scheduler();
  readonly lifecycle: PodLifecycle;
  readonly controllers: Controllers;
  readonly models = new Map<string, WorkloadModel>();
  /** Samples of the workloads' past and live metrics, served by the Prometheus API. */
  readonly history: MetricHistory;
  /** Simulated time that the model has been advanced to (epoch ms). */
  private simTime: number;
  private readonly tickMs: number;
  private lastRecordedMs?: number;

  constructor(
    readonly config: ClusterSimConfig,
    readonly clock: SimClock,
    options: {
      /** Store events kept for watches that resume from a resourceVersion (default 50,000). */
      watchHistorySize?: number;
    } = {},
  ) {
    this.simTime = clock.now();
    this.tickMs = config.clock.tickSeconds * 1000;
    this.store = new ObjectStore({
      now: () => this.simTime,
      seed: config.seed,
      historySize: options.watchHistorySize,
    });
    this.faults = new FaultInjector(config.faults);
    this.authorizer = new Authorizer(config.tokens);
    this.lifecycle = new PodLifecycle(this.store, this.scheduler, this.faults, {
      enforceMemoryLimits: config.cluster.enforceMemoryLimits,
    });
    this.controllers = new Controllers(
      this.store,
      this.lifecycle,
      this.scheduler,
      this.models,
      () => this.simTime,
      config.seed,
    );
    this.history = new MetricHistory({
      ...DEFAULT_HISTORY_OPTIONS,
      coarseRetentionSeconds: Math.max(14, config.history.days) * 86_400,
    });
    const startReplicas = new Map<string, number>();
    for (const w of config.workloads) {
      const m = modelFromConfig(w);
      this.models.set(m.key, m);
      if (config.history.days > 0) {
        // The past ends where the live cluster begins: same replicas, counters continue.
        const past = simulatePast({
          demand: m.demand,
          params: w.load,
          startupSeconds: w.startupSeconds,
          controller: w.autoscaling,
          // One hour more, so a query over exactly `days` (with rate windows up to 1 h) is complete.
          fromMs: this.simTime - config.history.days * DAY_MS - 3_600_000,
          toMs: this.simTime,
        });
        this.history.setPast(this.refOf(m), past);
        m.totals = { ...past.final.totals };
        startReplicas.set(m.key, past.final.specReplicas);
      }
    }
    this.bootstrap(startReplicas);
    this.recordHistory();
  }

  private refOf(m: WorkloadModel): WorkloadRef {
    return { key: m.key, kind: m.kind, namespace: m.namespace, name: m.name };
  }

  /** The live values of a workload's metrics now (undefined for bare pods and ReplicaSets). */
  private liveSample(m: WorkloadModel): SampleValues | undefined {
    if (m.kind !== 'Deployment' && m.kind !== 'StatefulSet') return undefined;
    const obj = this.store.get(
      m.kind === 'StatefulSet' ? 'apps/statefulsets' : 'apps/deployments',
      m.namespace,
      m.name,
    );
    if (!obj) return undefined;
    let ready = 0;
    for (const p of m.pods) if (p.ready) ready++;
    return {
      spec: obj.spec?.replicas ?? 0,
      ready,
      demand: m.override ?? m.demand.at(this.simTime),
      cpu: m.totals.cpuSeconds,
      ok: m.totals.ok,
      error: m.totals.error,
      shed: m.totals.shed,
    };
  }

  private recordHistory(): void {
    const live: { ref: WorkloadRef; values: SampleValues }[] = [];
    for (const m of this.models.values()) {
      const values = this.liveSample(m);
      if (values) live.push({ ref: this.refOf(m), values });
    }
    this.history.record(this.simTime, live);
    this.lastRecordedMs = this.simTime;
  }

  /** Every workload's metric series (past, recorded and current), for the Prometheus API. */
  prometheusSeries(): Series[] {
    return this.history.series(this.simTime, key => {
      const m = this.models.get(key);
      return m && this.liveSample(m);
    });
  }

  /** Current simulated time of the model, epoch ms. */
  now(): number {
    return this.simTime;
  }

  private bootstrap(startReplicas: Map<string, number>): void {
    for (const ns of this.config.namespaces)
      this.store.create('namespaces', namespaceObject(ns));
    for (const n of nodeObjects(
      this.config.nodePools,
      this.config.cluster.gitVersion,
    ))
      this.store.create('nodes', n);
    for (const w of this.config.workloads) {
      const key =
        w.kind === 'StatefulSet' ? 'apps/statefulsets' : 'apps/deployments';
      const obj = workloadObject(w);
      const replicas = startReplicas.get(
        workloadKey(w.kind, w.namespace, w.name),
      );
      if (replicas !== undefined) obj.spec = { ...obj.spec, replicas };
      validateAndDefault(byKey(key), obj);
      this.store.create(key, obj);
    }
    for (const o of this.config.objects) {
      const obj = structuredClone(o) as unknown as KObject;
      const def = findByKind(obj.apiVersion, obj.kind);
      if (!def || def.virtual)
        throw new Error(
          `objects: ${obj.apiVersion} ${obj.kind} is not a kind cluster-sim serves`,
        );
      obj.metadata = { ...(obj.metadata ?? {}) };
      if (def.namespaced) obj.metadata.namespace ??= 'default';
      try {
        validateAndDefault(def, obj);
      } catch (e) {
        throw new Error(
          `objects: ${obj.kind} ${obj.metadata.name}: ${(e as Error).message}`,
        );
      }
      this.store.create(resourceKey(def), obj);
    }
    this.reconcile();
    if (this.config.warmStart) {
      // Start as a cluster that was already running: configured pods are Ready at once
      // (StatefulSets with OrderedReady need one round per ordinal).
      for (let i = 0; i < 1000 && this.lifecycle.warmUp(this.simTime) > 0; i++)
        this.reconcile();
    }
  }

  /** Runs the controllers until they settle (called after every API write). */
  reconcile(): void {
    this.lifecycle.processDue(this.simTime);
    this.controllers.reconcile();
  }

  /**
   * Advances the model to the clock's current time. With `minStepMs`, skips the step when less
   * simulated time than that has passed (requests on a running clock: the background tick
   * catches up; counters and their timestamps stay consistent because both use the model time).
   */
  sync(minStepMs = 0): void {
    const target = this.clock.now();
    if (target - this.simTime < minStepMs) return;
    this.advanceTo(target);
  }

  /**
   * Advances the model of a running clock by whole model steps (`clock.tickSeconds`), once at
   * least `minStepMs` and one step are due: the background tick and requests arriving every few
   * milliseconds would otherwise each integrate the whole fleet over a sliver of time (30,000
   * pods cost tens of milliseconds a step), four or more times per model step. What a request
   * reads is then at most one model step old, as metrics-server's are a scrape window old.
   */
  syncRunning(minStepMs = 0): void {
    const behind = this.clock.now() - this.simTime;
    if (behind < Math.max(minStepMs, this.tickMs)) return;
    this.advanceTo(
      this.simTime + Math.floor(behind / this.tickMs) * this.tickMs,
    );
  }

  /** Moves the clock forward (manual or accelerated) and advances the model. */
  advance(seconds: number): void {
    this.clock.advance(seconds * 1000);
    this.sync();
  }

  /**
   * Advances the model to `target` in steps of at most `tickSeconds`, stopping exactly at pod
   * transitions (start, readiness) so they happen on time.
   */
  advanceTo(target: number): void {
    if (!(target > this.simTime)) return;
    while (this.simTime < target) {
      this.reconcile();
      let step = Math.min(this.tickMs, target - this.simTime);
      const next = this.lifecycle.nextTransitionAfter(this.simTime);
      if (next !== undefined && next < this.simTime + step)
        step = next - this.simTime;
      this.lifecycle.integrate(this.models.values(), this.simTime, step);
      this.simTime += step;
      if (this.history.due(this.simTime, this.lastRecordedMs))
        this.recordHistory();
    }
    this.reconcile();
  }

  private findModel(
    namespace: string,
    name: string,
    kind?: string,
  ): WorkloadModel | undefined {
    if (kind) return this.models.get(workloadKey(kind, namespace, name));
    return (
      this.models.get(workloadKey('Deployment', namespace, name)) ??
      this.models.get(workloadKey('StatefulSet', namespace, name))
    );
  }

  /** Overrides a workload's demand (rps) until cleared with `undefined`. Returns false if unknown. */
  setDemandOverride(
    namespace: string,
    name: string,
    rps: number | undefined,
    kind?: string,
  ): boolean {
    this.sync();
    const m = this.findModel(namespace, name, kind);
    if (!m) return false;
    m.override = rps;
    return true;
  }

  /** The demand a workload receives right now (override or model). */
  demandOf(namespace: string, name: string, kind?: string): number | undefined {
    const m = this.findModel(namespace, name, kind);
    return m && (m.override ?? m.demand.at(this.simTime));
  }

  summaries(): WorkloadSummary[] {
    const out: WorkloadSummary[] = [];
    for (const m of this.models.values()) {
      if (m.kind === 'Pod' || m.kind === 'ReplicaSet') continue;
      let ready = 0;
      let cpu = 0;
      let mem = 0;
      let lat = 0;
      let queue = 0;
      let served = 0;
      for (const p of m.pods) {
        if (p.ready) {
          ready++;
          lat += p.load.latencySeconds;
          queue += p.load.queue;
          served += Math.min(p.load.arrivalRps, maxServeRps(m.params));
        }
        if (p.started) {
          cpu += p.load.cpuCores;
          mem += p.load.memoryBytes;
        }
      }
      out.push({
        kind: m.kind,
        namespace: m.namespace,
        name: m.name,
        demandRps: m.override ?? m.demand.at(this.simTime),
        ...(m.override !== undefined ? { demandOverride: m.override } : {}),
        pods: m.pods.size,
        readyPods: ready,
        capacityRps: ready * m.params.capacityPerPod,
        servedRps: served,
        cpuCores: cpu,
        memoryBytes: mem,
        meanLatencySeconds: ready ? lat / ready : 0,
        queue,
        unservedRequests: m.unservedRequests,
      });
    }
    return out.sort((a, b) =>
      (a.namespace + a.name).localeCompare(b.namespace + b.name),
    );
  }
}
