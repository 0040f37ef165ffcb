/**
 * Controllers: Deployment → ReplicaSet → Pods, StatefulSet → Pods, HPA status, and garbage
 * collection by owner reference. They run synchronously after every write and every clock step
 * (`reconcile()`), converging on the desired state and writing status only when it changed.
 */
import type { KObject } from '../api/types';
import type { ObjectStore, StoreEvent } from '../store/store';
import { fromLabelSelectorObject, matchesLabels } from '../api/selectors';
import { RESOURCES, resourceKey } from '../api/resources';
import { createRng, randomSuffix, Rng } from '../util/rng';
import { parseQuantity } from '../util/quantity';
import { isoSeconds, ownerRef, podFromTemplate, templateHash } from './objects';
import type { PodLifecycle } from './podLifecycle';
import type { Scheduler } from './scheduler';
import {
  modelFromObject,
  PodRuntime,
  WorkloadModel,
  workloadKey,
} from './workloadModel';

const RS = 'apps/replicasets';
const DEPLOY = 'apps/deployments';
const STS = 'apps/statefulsets';
const HPA = 'autoscaling/horizontalpodautoscalers';
const PDB = 'policy/poddisruptionbudgets';
/** kube-controller-manager's defaults: --horizontal-pod-autoscaler-sync-period, tolerance, downscale window. */
const HPA_SYNC_MS = 15_000;
const HPA_TOLERANCE = 0.1;
const HPA_DOWNSCALE_WINDOW_MS = 300_000;

interface Ref {
  key: string;
  namespace: string;
  name: string;
}

const refId = (r: Ref) => `${r.key}|${r.namespace}|${r.name}`;
const parseRef = (id: string): Ref => {
  const [key, namespace, name] = id.split('|');
  return { key, namespace, name };
};

export class Controllers {
  /** owner uid → dependents */
  private readonly dependents = new Map<string, Map<string, Ref>>();
  private readonly dirty = new Set<string>();
  private readonly gcQueue: string[] = [];
  private readonly enrolQueue: Ref[] = [];
  private readonly deletedNamespaces: string[] = [];
  private readonly rng: Rng;
  /** Per HPA: its last sync and the recommendations of the scale-down window. */
  private readonly hpaSyncs = new Map<
    string,
    { atMs: number; recommendations: Array<{ atMs: number; replicas: number }> }
  >();

  constructor(
    private readonly store: ObjectStore,
    private readonly lifecycle: PodLifecycle,
    private readonly scheduler: Scheduler,
    private readonly models: Map<string, WorkloadModel>,
    private readonly now: () => number,
    seed: number,
  ) {
    this.rng = createRng(seed ^ 0x5eed);
    store.subscribe(e => this.onEvent(e));
  }

  private onEvent(e: StoreEvent): void {
    const m = e.obj.metadata;
    const ns = m.namespace ?? '';
    const ref: Ref = { key: e.key, namespace: ns, name: m.name ?? '' };
    // owner index
    for (const o of m.ownerReferences ?? []) {
      let deps = this.dependents.get(o.uid);
      if (e.type === 'DELETED') deps?.delete(refId(ref));
      else {
        if (!deps) this.dependents.set(o.uid, (deps = new Map()));
        deps.set(refId(ref), ref);
      }
      if (e.type === 'DELETED' && deps?.size === 0)
        this.dependents.delete(o.uid);
    }
    if (e.type === 'DELETED' && m.uid && this.dependents.has(m.uid))
      this.gcQueue.push(m.uid);
    const owner = m.ownerReferences?.find(o => o.controller);
    switch (e.key) {
      case 'pods':
        if (e.type === 'ADDED') this.enrolQueue.push(ref);
        if (e.type === 'DELETED') this.lifecycle.remove(ns, ref.name);
        if (owner) this.markOwner(owner.kind, ns, owner.name);
        break;
      case RS:
        this.dirty.add(refId(ref));
        if (owner) this.markOwner(owner.kind, ns, owner.name);
        break;
      case DEPLOY:
      case STS:
        if (e.type !== 'DELETED') this.dirty.add(refId(ref));
        else {
          const k = workloadKey(e.obj.kind, ns, ref.name);
          const model = this.models.get(k);
          if (model && !model.configured && model.pods.size === 0)
            this.models.delete(k);
        }
        break;
      case 'nodes':
        if (e.type === 'DELETED') this.scheduler.removeNode(ref.name);
        else this.scheduler.upsertNode(e.obj);
        break;
      case 'namespaces':
        if (e.type === 'DELETED') this.deletedNamespaces.push(ref.name);
        break;
      default:
        break;
    }
  }

  private markOwner(kind: string, ns: string, name: string): void {
    if (kind === 'ReplicaSet')
      this.dirty.add(refId({ key: RS, namespace: ns, name }));
    else if (kind === 'Deployment')
      this.dirty.add(refId({ key: DEPLOY, namespace: ns, name }));
    else if (kind === 'StatefulSet')
      this.dirty.add(refId({ key: STS, namespace: ns, name }));
  }

  /** Marks every workload dirty (e.g. after start-up). */
  markAll(): void {
    for (const key of [DEPLOY, STS, RS]) {
      for (const o of this.store.list(key)) {
        this.dirty.add(
          refId({
            key,
            namespace: o.metadata.namespace ?? '',
            name: o.metadata.name ?? '',
          }),
        );
      }
    }
  }

  hasWork(): boolean {
    return (
      this.dirty.size > 0 ||
      this.gcQueue.length > 0 ||
      this.enrolQueue.length > 0 ||
      this.deletedNamespaces.length > 0
    );
  }

  /** Runs until nothing is left to do (bounded). */
  reconcile(): void {
    for (let round = 0; round < 50 && this.hasWork(); round++) {
      while (this.deletedNamespaces.length)
        this.deleteNamespaceContents(this.deletedNamespaces.shift()!);
      while (this.gcQueue.length) this.collect(this.gcQueue.shift()!);
      while (this.enrolQueue.length) this.enrolPod(this.enrolQueue.shift()!);
      const batch = [...this.dirty];
      this.dirty.clear();
      // Deployments first (they create ReplicaSets), then ReplicaSets (pods), then the rest.
      const order = (id: string) => {
        if (id.startsWith(DEPLOY)) return 0;
        return id.startsWith(RS) ? 1 : 2;
      };
      batch.sort((a, b) => order(a) - order(b));
      for (const id of batch) {
        const ref = parseRef(id);
        if (ref.key === DEPLOY) this.reconcileDeployment(ref);
        else if (ref.key === RS) this.reconcileReplicaSet(ref);
        else if (ref.key === STS) this.reconcileStatefulSet(ref);
      }
    }
    this.reconcileHpas();
    this.reconcileDisruptionBudgets();
  }

  /**
   * PodDisruptionBudget status, as the disruption controller writes it: the pods it selects,
   * how many are healthy (Ready), how many must stay healthy (`minAvailable`, or the expected
   * pods less `maxUnavailable`; integers or percentages, rounded up) and so how many may be
   * disrupted now. Evictions are not modelled; clients read `disruptionsAllowed`.
   */
  private reconcileDisruptionBudgets(): void {
    for (const pdb of this.store.list(PDB)) {
      const selector = fromLabelSelectorObject(pdb.spec?.selector ?? {});
      const pods = this.store
        .list('pods', pdb.metadata.namespace)
        .filter(
          p =>
            !p.metadata.deletionTimestamp &&
            matchesLabels(selector, p.metadata.labels),
        );
      const expected = pods.length;
      const healthy = pods.filter(p => this.podRuntime(p)?.ready).length;
      const up = (x: number) => Math.ceil(x);
      const desired =
        pdb.spec?.minAvailable !== undefined
          ? intOrPercent(pdb.spec.minAvailable, expected, up)
          : Math.max(
              0,
              expected -
                intOrPercent(pdb.spec?.maxUnavailable ?? 0, expected, up),
            );
      this.writeStatus(PDB, pdb, {
        observedGeneration: pdb.metadata.generation,
        currentHealthy: healthy,
        desiredHealthy: desired,
        expectedPods: expected,
        disruptionsAllowed: Math.max(0, healthy - desired),
      });
    }
  }

  private deleteNamespaceContents(ns: string): void {
    for (const def of RESOURCES) {
      if (!def.namespaced || def.virtual) continue;
      const key = resourceKey(def);
      for (const o of this.store.list(key, ns)) {
        if (this.store.get(key, ns, o.metadata.name!))
          this.store.delete(key, ns, o.metadata.name!);
      }
    }
  }

  private collect(uid: string): void {
    const deps = this.dependents.get(uid);
    if (!deps) return;
    for (const ref of [...deps.values()]) {
      const obj = this.store.get(ref.key, ref.namespace || undefined, ref.name);
      if (obj && obj.metadata.ownerReferences?.some(o => o.uid === uid)) {
        this.store.delete(ref.key, ref.namespace || undefined, ref.name);
      }
    }
    this.dependents.delete(uid);
  }

  private modelFor(obj: KObject): WorkloadModel {
    const k = workloadKey(
      obj.kind,
      obj.metadata.namespace ?? '',
      obj.metadata.name ?? '',
    );
    let m = this.models.get(k);
    if (!m) {
      m = modelFromObject(obj);
      this.models.set(k, m);
    }
    return m;
  }

  /** The workload a pod serves: its Deployment (through the ReplicaSet) or StatefulSet. */
  private workloadOfPod(pod: KObject): WorkloadModel {
    const ns = pod.metadata.namespace ?? '';
    const owner = pod.metadata.ownerReferences?.find(o => o.controller);
    if (owner?.kind === 'ReplicaSet') {
      const rs = this.store.get(RS, ns, owner.name);
      const dOwner = rs?.metadata.ownerReferences?.find(
        o => o.controller && o.kind === 'Deployment',
      );
      const d = dOwner && this.store.get(DEPLOY, ns, dOwner.name);
      if (d) return this.modelFor(d);
      if (rs) return this.modelFor(rs);
    }
    if (owner?.kind === 'StatefulSet') {
      const s = this.store.get(STS, ns, owner.name);
      if (s) return this.modelFor(s);
    }
    return this.modelFor(pod);
  }

  private enrolPod(ref: Ref): void {
    if (this.lifecycle.get(ref.namespace, ref.name)) return;
    const pod = this.store.get('pods', ref.namespace, ref.name);
    if (!pod) return;
    this.lifecycle.enrol(pod, this.workloadOfPod(pod), this.now());
  }

  private ownedBy(key: string, owner: KObject): KObject[] {
    const deps = this.dependents.get(owner.metadata.uid!);
    if (!deps) return [];
    const out: KObject[] = [];
    for (const ref of deps.values()) {
      if (ref.key !== key) continue;
      const o = this.store.get(key, ref.namespace, ref.name);
      if (o) out.push(o);
    }
    return out;
  }

  private podRuntime(pod: KObject): PodRuntime | undefined {
    return this.lifecycle.get(pod.metadata.namespace!, pod.metadata.name!);
  }

  private createPod(
    owner: KObject,
    name: string,
    template: unknown,
    labels: Record<string, string>,
  ): void {
    const pod = this.store.create(
      'pods',
      podFromTemplate(template, name, owner.metadata.namespace!, owner, labels),
    );
    this.lifecycle.enrol(pod, this.workloadOfPod(pod), this.now());
  }

  private writeStatus(
    key: string,
    obj: KObject,
    status: Record<string, unknown>,
  ): void {
    const cur = JSON.stringify(obj.status ?? {});
    const clean = JSON.parse(JSON.stringify(status));
    if (JSON.stringify(clean) === cur) return;
    this.store.update(key, {
      ...obj,
      metadata: { ...obj.metadata, resourceVersion: undefined },
      status: clean,
    });
  }

  private reconcileDeployment(ref: Ref): void {
    const d = this.store.get(DEPLOY, ref.namespace, ref.name);
    if (!d) return;
    this.modelFor(d);
    const desired: number = d.spec?.replicas ?? 1;
    const hash = templateHash(d.spec?.template);
    const owned = this.ownedBy(RS, d);
    let current = owned.find(
      rs => rs.metadata.labels?.['pod-template-hash'] === hash,
    );
    const paused = d.spec?.paused === true;
    if (!current && !paused) {
      const revision =
        Math.max(
          0,
          ...owned.map(rs =>
            Number(
              rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ??
                0,
            ),
          ),
        ) + 1;
      const template = structuredClone(d.spec?.template ?? {});
      template.metadata = {
        ...(template.metadata ?? {}),
        labels: {
          ...(template.metadata?.labels ?? {}),
          'pod-template-hash': hash,
        },
      };
      current = this.store.create(RS, {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${d.metadata.name}-${hash}`,
          namespace: d.metadata.namespace,
          labels: {
            ...(d.spec?.template?.metadata?.labels ?? {}),
            'pod-template-hash': hash,
          },
          annotations: {
            'deployment.kubernetes.io/desired-replicas': String(desired),
            'deployment.kubernetes.io/max-replicas': String(
              desired + Math.ceil(desired * 0.25),
            ),
            'deployment.kubernetes.io/revision': String(revision),
          },
          ownerReferences: [ownerRef(d)],
        },
        spec: {
          // Rolling from older ReplicaSets: the new one grows as `rollingReplicas` allows.
          replicas: owned.some(rs => (rs.spec?.replicas ?? 0) > 0)
            ? 0
            : desired,
          selector: {
            ...d.spec?.selector,
            matchLabels: {
              ...(d.spec?.selector?.matchLabels ?? {}),
              'pod-template-hash': hash,
            },
          },
          template,
        },
      });
    }
    if (!paused) {
      if (current && !owned.includes(current)) owned.push(current);
      const wants = this.rollingReplicas(d, current!, owned, desired);
      for (const rs of owned) {
        const want = wants.get(rs.metadata.name!) ?? 0;
        if ((rs.spec?.replicas ?? 0) !== want) {
          this.store.update(RS, {
            ...rs,
            metadata: {
              ...rs.metadata,
              resourceVersion: undefined,
              annotations: {
                ...(rs.metadata.annotations ?? {}),
                'deployment.kubernetes.io/desired-replicas': String(desired),
              },
            },
            spec: { ...rs.spec, replicas: want },
          });
        }
      }
    }
    // Status from the pods of every owned ReplicaSet.
    let replicas = 0;
    let ready = 0;
    let updated = 0;
    for (const rs of this.ownedBy(RS, d)) {
      for (const p of this.ownedBy('pods', rs)) {
        replicas++;
        if (rs === current || rs.metadata.name === current?.metadata.name)
          updated++;
        if (this.podRuntime(p)?.ready) ready++;
      }
    }
    const maxUnavailable = Math.floor(desired * 0.25);
    const availableOk = ready >= desired - maxUnavailable;
    const complete =
      updated === desired && ready === desired && replicas === desired;
    const now = isoSeconds(this.now());
    const prev: {
      type: string;
      status: string;
      reason: string;
      lastUpdateTime: string;
      lastTransitionTime: string;
      message: string;
    }[] = d.status?.conditions ?? [];
    const cond = (
      type: string,
      status: string,
      reason: string,
      message: string,
    ) => {
      const p = prev.find(c => c.type === type);
      const same =
        p &&
        p.status === status &&
        p.reason === reason &&
        p.message === message;
      return {
        type,
        status,
        lastUpdateTime: same ? p!.lastUpdateTime : now,
        lastTransitionTime:
          p && p.status === status ? p.lastTransitionTime : now,
        reason,
        message,
      };
    };
    const rsName = current?.metadata.name ?? `${d.metadata.name}-${hash}`;
    const status = {
      observedGeneration: d.metadata.generation,
      replicas,
      updatedReplicas: updated,
      readyReplicas: ready,
      availableReplicas: ready,
      ...(desired - ready > 0 ? { unavailableReplicas: desired - ready } : {}),
      conditions: [
        availableOk
          ? cond(
              'Available',
              'True',
              'MinimumReplicasAvailable',
              'Deployment has minimum availability.',
            )
          : cond(
              'Available',
              'False',
              'MinimumReplicasUnavailable',
              'Deployment does not have minimum availability.',
            ),
        complete
          ? cond(
              'Progressing',
              'True',
              'NewReplicaSetAvailable',
              `ReplicaSet "${rsName}" has successfully progressed.`,
            )
          : cond(
              'Progressing',
              'True',
              'ReplicaSetUpdated',
              `ReplicaSet "${rsName}" is progressing.`,
            ),
      ],
    };
    if (replicas === 0 && !status.readyReplicas) {
      delete (status as Record<string, unknown>).readyReplicas;
      delete (status as Record<string, unknown>).availableReplicas;
    }
    this.writeStatus(
      DEPLOY,
      this.store.get(DEPLOY, ref.namespace, ref.name)!,
      status,
    );
  }

  /**
   * Replicas of each ReplicaSet of a Deployment: all on the current one when no older one has
   * pods (scaling), else a rolling update within `maxSurge` (default 25%, rounded up) pods above
   * `desired` and at most `maxUnavailable` (25%, rounded down; 1 if both are 0) below it Ready:
   * the new ReplicaSet grows as far as the surge allows and the old ones shrink as far as the
   * Ready pods allow (their not-Ready pods first). `Recreate` replaces them all at once.
   */
  private rollingReplicas(
    d: KObject,
    current: KObject,
    owned: KObject[],
    desired: number,
  ): Map<string, number> {
    const wants = new Map<string, number>();
    const old = owned.filter(
      rs =>
        rs.metadata.name !== current.metadata.name &&
        (rs.spec?.replicas ?? 0) > 0,
    );
    if (old.length === 0 || d.spec?.strategy?.type === 'Recreate') {
      wants.set(current.metadata.name!, desired);
      return wants;
    }
    const rolling = d.spec?.strategy?.rollingUpdate ?? {};
    let maxSurge = intOrPercent(rolling.maxSurge ?? '25%', desired, Math.ceil);
    const maxUnavailable = intOrPercent(
      rolling.maxUnavailable ?? '25%',
      desired,
      Math.floor,
    );
    if (maxSurge === 0 && maxUnavailable === 0) maxSurge = 1;
    // Ready pods a ReplicaSet keeps (pods above its replicas are about to go).
    const readyOf = (rs: KObject) =>
      Math.min(
        rs.spec?.replicas ?? 0,
        this.ownedBy('pods', rs).filter(p => this.podRuntime(p)?.ready).length,
      );
    const oldTotal = old.reduce((sum, rs) => sum + (rs.spec?.replicas ?? 0), 0);
    const newNow = Math.min(current.spec?.replicas ?? 0, desired);
    const newWant = Math.min(
      desired,
      Math.max(newNow, desired + maxSurge - oldTotal),
    );
    wants.set(current.metadata.name!, newWant);
    // Old pods may go while the Ready pods stay at desired - maxUnavailable or more.
    const ready =
      readyOf(current) + old.reduce((sum, rs) => sum + readyOf(rs), 0);
    let removable = Math.max(0, ready - (desired - maxUnavailable));
    // Not-Ready old pods do not count as available: they can always go.
    for (const rs of old)
      removable += Math.max(0, (rs.spec?.replicas ?? 0) - readyOf(rs));
    const oldest = [...old].sort(
      (a, b) =>
        Number(
          a.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0,
        ) -
        Number(
          b.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0,
        ),
    );
    // Never fewer pods than desired - maxUnavailable, counting the new ones asked for.
    let excess = Math.max(0, oldTotal + newWant - (desired - maxUnavailable));
    for (const rs of oldest) {
      const has = rs.spec?.replicas ?? 0;
      const cut = Math.min(has, removable, excess);
      wants.set(rs.metadata.name!, has - cut);
      removable -= cut;
      excess -= cut;
    }
    return wants;
  }

  /** Deletion order when scaling in: unscheduled, not started, not ready, then newest. */
  private deletionOrder(pods: KObject[]): KObject[] {
    const rank = (p: KObject) => {
      const rt = this.podRuntime(p);
      if (!rt || !rt.nodeName) return 0;
      if (!rt.started) return 1;
      if (!rt.ready) return 2;
      return 3;
    };
    return [...pods].sort((a, b) => {
      const r = rank(a) - rank(b);
      if (r !== 0) return r;
      const ta = this.podRuntime(a)?.createdAtMs ?? 0;
      const tb = this.podRuntime(b)?.createdAtMs ?? 0;
      return tb - ta || (b.metadata.name! < a.metadata.name! ? -1 : 1);
    });
  }

  private reconcileReplicaSet(ref: Ref): void {
    const rs = this.store.get(RS, ref.namespace, ref.name);
    if (!rs) return;
    const desired: number = rs.spec?.replicas ?? 1;
    let pods = this.ownedBy('pods', rs);
    if (pods.length < desired) {
      for (let i = pods.length; i < desired; i++) {
        let name: string;
        do name = `${rs.metadata.name}-${randomSuffix(this.rng)}`;
        while (this.store.get('pods', ref.namespace, name));
        this.createPod(rs, name, rs.spec?.template, {});
      }
    } else if (pods.length > desired) {
      for (const p of this.deletionOrder(pods).slice(
        0,
        pods.length - desired,
      )) {
        this.store.delete('pods', ref.namespace, p.metadata.name!);
      }
    }
    pods = this.ownedBy('pods', rs);
    const ready = pods.filter(p => this.podRuntime(p)?.ready).length;
    const selector = fromLabelSelectorObject(rs.spec?.selector);
    this.writeStatus(RS, rs, {
      replicas: pods.length,
      fullyLabeledReplicas: pods.filter(p =>
        matchesLabels(selector, p.metadata.labels),
      ).length,
      ...(ready > 0 ? { readyReplicas: ready, availableReplicas: ready } : {}),
      observedGeneration: rs.metadata.generation,
    });
  }

  private reconcileStatefulSet(ref: Ref): void {
    const s = this.store.get(STS, ref.namespace, ref.name);
    if (!s) return;
    this.modelFor(s);
    const name = s.metadata.name!;
    const desired: number = s.spec?.replicas ?? 1;
    const revision = `${name}-${templateHash(s.spec?.template)}`;
    const ordered =
      (s.spec?.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
    const byOrdinal = new Map<number, KObject>();
    for (const p of this.ownedBy('pods', s)) {
      const ord = Number(p.metadata.name!.slice(name.length + 1));
      if (Number.isInteger(ord)) byOrdinal.set(ord, p);
    }
    // scale in: highest ordinals first (deletion is immediate here)
    for (const [ord, p] of [...byOrdinal.entries()].sort(
      (a, b) => b[0] - a[0],
    )) {
      if (ord >= desired) {
        this.store.delete('pods', ref.namespace, p.metadata.name!);
        byOrdinal.delete(ord);
      }
    }
    for (let ord = 0; ord < desired; ord++) {
      if (byOrdinal.has(ord)) continue;
      if (ordered) {
        const allBeforeReady = [...Array(ord).keys()].every(i => {
          const p = byOrdinal.get(i);
          return p && this.podRuntime(p)?.ready;
        });
        if (!allBeforeReady) break;
      }
      const podName = `${name}-${ord}`;
      if (this.store.get('pods', ref.namespace, podName)) continue;
      this.createPod(s, podName, s.spec?.template, {
        'controller-revision-hash': revision,
        'statefulset.kubernetes.io/pod-name': podName,
        'apps.kubernetes.io/pod-index': String(ord),
      });
      byOrdinal.set(ord, this.store.get('pods', ref.namespace, podName)!);
      if (ordered) break;
    }
    const pods = this.ownedBy('pods', s);
    const ready = pods.filter(p => this.podRuntime(p)?.ready).length;
    this.writeStatus(STS, this.store.get(STS, ref.namespace, ref.name)!, {
      observedGeneration: s.metadata.generation,
      replicas: pods.length,
      readyReplicas: ready,
      currentReplicas: pods.length,
      updatedReplicas: pods.length,
      availableReplicas: ready,
      currentRevision: revision,
      updateRevision: revision,
      collisionCount: 0,
    });
  }

  /**
   * The HPA controller, as kube-controller-manager runs it for autoscaling/v2 objects with CPU
   * `Utilization` targets: every 15 s of simulated time, desired = ceil(current × mean utilisation
   * of ready pods / target), nothing within ±10%, the highest recommendation of the last 5 minutes
   * for scale-down, clamped to min/max, written to the target's spec.replicas. Other metric types
   * are stored and reported but not acted on. Status reports current and desired replicas.
   */
  private reconcileHpas(): void {
    const now = this.now();
    for (const h of this.store.list(HPA)) {
      const ref = h.spec?.scaleTargetRef ?? {};
      const key = (
        { StatefulSet: STS, Deployment: DEPLOY } as Record<
          string,
          string | undefined
        >
      )[ref.kind];
      let target = key && this.store.get(key, h.metadata.namespace, ref.name);
      if (!key || !target) continue;
      const uid =
        h.metadata.uid ?? `${h.metadata.namespace}/${h.metadata.name}`;
      const last = this.hpaSyncs.get(uid);
      if (!last || now - last.atMs >= HPA_SYNC_MS) {
        const current = target.spec?.replicas ?? 0;
        // As the real controller: a new HPA's window starts with the current replicas.
        const recommendations = (
          last?.recommendations ?? [{ atMs: now, replicas: current }]
        ).filter(r => now - r.atMs < HPA_DOWNSCALE_WINDOW_MS);
        const wanted = this.hpaRecommendation(h, target, current);
        let desired = current;
        if (wanted !== undefined && current > 0) {
          recommendations.push({ atMs: now, replicas: wanted });
          // Scale-down stabilisation: the highest recommendation of the window.
          desired = Math.max(...recommendations.map(r => r.replicas));
          desired = Math.min(
            h.spec?.maxReplicas ?? desired,
            Math.max(h.spec?.minReplicas ?? 1, desired),
          );
        }
        this.hpaSyncs.set(uid, { atMs: now, recommendations });
        if (desired !== current) {
          this.store.update(key, {
            ...target,
            spec: { ...target.spec, replicas: desired },
          });
          target = this.store.get(key, h.metadata.namespace, ref.name)!;
        }
      }
      const current = target.status?.replicas ?? 0;
      const desired = target.spec?.replicas ?? current;
      if (
        h.status?.currentReplicas === current &&
        h.status?.desiredReplicas === desired &&
        h.status?.observedGeneration === h.metadata.generation
      )
        continue;
      this.writeStatus(HPA, h, {
        ...(h.status ?? {}),
        observedGeneration: h.metadata.generation,
        currentReplicas: current,
        desiredReplicas: desired,
      });
    }
  }

  /** Replicas a CPU-utilisation HPA asks for now; undefined without such a metric or ready pods. */
  private hpaRecommendation(
    h: KObject,
    target: KObject,
    current: number,
  ): number | undefined {
    const metric = (h.spec?.metrics ?? []).find(
      (m: {
        type?: string;
        resource?: { name?: string; target?: { type?: string } };
      }) =>
        m.type === 'Resource' &&
        m.resource?.name === 'cpu' &&
        m.resource?.target?.type === 'Utilization',
    );
    const targetUtilization = Number(
      metric?.resource?.target?.averageUtilization,
    );
    if (!(targetUtilization > 0)) return undefined;
    const selector = fromLabelSelectorObject(target.spec?.selector ?? {});
    let used = 0;
    let requested = 0;
    for (const pod of this.store.list('pods', target.metadata.namespace)) {
      if (
        !matchesLabels(selector, pod.metadata.labels) ||
        pod.metadata.deletionTimestamp
      )
        continue;
      const rt = this.podRuntime(pod);
      if (!rt?.ready) continue;
      used += rt.load.cpuCores;
      requested += parseQuantity(
        pod.spec?.containers?.[0]?.resources?.requests?.cpu ?? 0,
      );
    }
    if (!(requested > 0)) return undefined;
    const ratio = ((used / requested) * 100) / targetUtilization;
    if (Math.abs(ratio - 1) <= HPA_TOLERANCE) return current;
    return Math.ceil(ratio * current);
  }
}

/** `maxSurge` / `maxUnavailable`: an integer, or a percentage of `desired` rounded as given. */
function intOrPercent(
  value: unknown,
  desired: number,
  round: (x: number) => number,
): number {
  if (typeof value === 'number' && Number.isFinite(value))
    return Math.max(0, Math.floor(value));
  const m = /^(\d+)%$/.exec(String(value));
  return m ? Math.max(0, round((Number(m[1]) * desired) / 100)) : 0;
}
