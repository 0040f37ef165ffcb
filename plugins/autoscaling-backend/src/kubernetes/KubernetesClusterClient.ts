import type {
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  CustomObjectsApi,
  PolicyV1Api,
  V1LabelSelector,
  V1Container,
  V1Deployment,
  V1StatefulSet,
  VersionApi,
  V1Pod,
  V1Scale,
} from '@kubernetes/client-node';
import { parseQuantity } from '@internal/plugin-autoscaling-common';
import type { PodObservation } from '@internal/plugin-autoscaling-engine';
import type { ClusterConfig } from '../clusters/readClusters';
import { loadClientNode } from './clientNode';
import { clusterError } from './errors';
import { ApiTransport, KubeConfigTransport } from './apiTransport';
import { RawObject, WatchCache, WatchCacheOptions } from './WatchCache';
import { paced } from '../util/eventLoopTurns';
import {
  ClusterClient,
  ContainerResourcesUpdate,
  OtherAutoscaler,
  PodUsage,
  ScaleConflictError,
  ScaleState,
  WorkloadCoordinates,
  WorkloadObject,
} from './types';

/**
 * The real cluster client: @kubernetes/client-node over HTTP(S) with the cluster's
 * ServiceAccount token. Deployments, StatefulSets and Pods are served from list-and-watch
 * caches of the whole cluster (WatchCache.ts; started at the first read, which waits for the
 * initial lists), so observing a workload costs no request; pod metrics are read once per
 * namespace per round; the scale subresource is read only by `getScale` (before a write).
 * Writes go through the `scale` subresource (and, for vertical changes, a template patch).
 */
export class KubernetesClusterClient implements ClusterClient {
  private readonly apps: AppsV1Api;
  private readonly autoscaling: AutoscalingV2Api;
  private readonly core: CoreV1Api;
  private readonly policy: PolicyV1Api;
  private readonly custom: CustomObjectsApi;
  private readonly version: VersionApi;
  private readonly clusterName: string;

  private readonly deployments: WatchCache<WorkloadObject>;
  private readonly statefulSets: WatchCache<WorkloadObject>;
  private readonly pods: WatchCache<PodObservation>;
  /** This round's pod-metrics read per namespace. */
  private readonly metricsRound = new Map<
    string,
    Promise<Map<string, Map<string, PodUsage>>>
  >();
  /** This round's cluster-wide pod-metrics read. */
  private metricsAll: Promise<Map<string, Map<string, PodUsage>>> | undefined;
  private metricsClusterWide = true;
  private podReadsSinceList = true;
  /** Raw JSON reads (the watch caches, pod metrics): no client-node model objects. */
  private readonly transport: ApiTransport;

  constructor(
    cluster: ClusterConfig,
    options: {
      /** Backoff and watch timeout of the caches (tests shorten them). */
      watch?: Pick<
        WatchCacheOptions<unknown>,
        'initialBackoffMs' | 'maxBackoffMs' | 'watchTimeoutSeconds' | 'pageSize'
      >;
      transport?: ApiTransport;
    } = {},
  ) {
    this.clusterName = cluster.name;
    const k8s = loadClientNode();
    const kubeConfig = new k8s.KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: [
        {
          name: cluster.name,
          server: cluster.url,
          skipTLSVerify: cluster.skipTLSVerify,
          caData: cluster.caData,
        },
      ],
      users: [{ name: 'autoscaling', token: cluster.serviceAccountToken }],
      contexts: [
        { name: cluster.name, cluster: cluster.name, user: 'autoscaling' },
      ],
      currentContext: cluster.name,
    });
    this.apps = kubeConfig.makeApiClient(k8s.AppsV1Api);
    this.autoscaling = kubeConfig.makeApiClient(k8s.AutoscalingV2Api);
    this.core = kubeConfig.makeApiClient(k8s.CoreV1Api);
    this.policy = kubeConfig.makeApiClient(k8s.PolicyV1Api);
    this.custom = kubeConfig.makeApiClient(k8s.CustomObjectsApi);
    this.version = kubeConfig.makeApiClient(k8s.VersionApi);
    const transport = options.transport ?? new KubeConfigTransport(kubeConfig);
    this.transport = transport;
    const cache = <T>(
      what: string,
      path: string,
      transform: (raw: RawObject) => T,
    ) =>
      new WatchCache<T>({
        what,
        path,
        transport,
        transform,
        ...options.watch,
        wrapError: error =>
          clusterError(error, this.clusterName, `listing and watching ${what}`),
      });
    this.deployments = cache('Deployments', '/apis/apps/v1/deployments', raw =>
      toWorkload('Deployment', raw as V1Deployment),
    );
    this.statefulSets = cache(
      'StatefulSets',
      '/apis/apps/v1/statefulsets',
      raw => toWorkload('StatefulSet', raw as V1StatefulSet),
    );
    this.pods = cache('Pods', '/api/v1/pods', raw =>
      toPodObservation(raw as V1Pod),
    );
  }

  /** Runs an API call; a failure becomes a clean error (errors.ts), never the raw client error. */
  private async call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw clusterError(error, this.clusterName, operation);
    }
  }

  /** Starts the caches' lists and watches now rather than at the first read. */
  start(): void {
    for (const cache of this.caches()) cache.start();
  }

  /** Stops every watch (the backend's shutdown, a replaced client). */
  async stop(): Promise<void> {
    await Promise.all(this.caches().map(c => c.stop()));
  }

  /** Per cache: lists, watches, relists after 410 Gone, failures (and how many objects). */
  watchStats(): Record<
    'Deployments' | 'StatefulSets' | 'Pods',
    WatchCache<unknown>['stats'] & { objects: number }
  > {
    const of = (c: WatchCache<unknown>) => ({ ...c.stats, objects: c.size });
    return {
      Deployments: of(this.deployments),
      StatefulSets: of(this.statefulSets),
      Pods: of(this.pods),
    };
  }

  private caches(): Array<WatchCache<unknown>> {
    return [this.deployments, this.statefulSets, this.pods] as Array<
      WatchCache<unknown>
    >;
  }

  /**
   * A tick reads the workloads first, then each workload's pods and metrics: the first
   * listWorkloads after pod reads starts a new round, in which pod metrics are read again and
   * events already received are applied before anything is served.
   */
  private async beginRoundIfNew(): Promise<void> {
    if (!this.podReadsSinceList) return;
    this.podReadsSinceList = false;
    this.metricsRound.clear();
    this.metricsAll = undefined;
    // Let the watch streams deliver what already arrived: turns of the event loop until one
    // brings no event (at least two, at most 50).
    const applied = () =>
      this.caches().reduce((sum, c) => sum + c.stats.events, 0);
    for (let i = 0, before = -1; i < 50; i++) {
      const now = applied();
      if (i >= 2 && now === before) break;
      before = now;
      await new Promise(r => setImmediate(r));
    }
  }

  async listWorkloads(options: {
    namespace?: string;
    labelSelector: string;
  }): Promise<WorkloadObject[]> {
    const { namespace, labelSelector } = options;
    // All three caches start at the first read, so the pod list overlaps the workload lists.
    this.start();
    await this.beginRoundIfNew();
    await Promise.all([this.deployments.ready(), this.statefulSets.ready()]);
    return [
      ...this.deployments.select(namespace, labelSelector),
      ...this.statefulSets.select(namespace, labelSelector),
    ].map(w => ({ ...w }));
  }

  async listOtherAutoscalers(): Promise<OtherAutoscaler[]> {
    const hpas = await this.call('listing HorizontalPodAutoscalers', () =>
      this.autoscaling.listHorizontalPodAutoscalerForAllNamespaces({}),
    );
    const found: OtherAutoscaler[] = hpas.items.map(h => ({
      kind: 'HorizontalPodAutoscaler',
      namespace: h.metadata?.namespace ?? 'default',
      name: h.metadata?.name ?? '',
      target: {
        kind: h.spec?.scaleTargetRef.kind ?? '',
        name: h.spec?.scaleTargetRef.name ?? '',
      },
      minReplicas: h.spec?.minReplicas,
      maxReplicas: h.spec?.maxReplicas,
      metrics: h.spec?.metrics ?? [],
      behavior: h.spec?.behavior,
    }));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    let scaledObjects: { items?: Array<Record<string, any>> } = {};
    try {
      scaledObjects = (await this.custom.listClusterCustomObject({
        group: 'keda.sh',
        version: 'v1alpha1',
        plural: 'scaledobjects',
      })) as typeof scaledObjects;
    } catch (error) {
      // No KEDA on this cluster (its CRD is not served): no ScaledObjects.
      if (!isApiError(error) || error.code !== 404) {
        throw clusterError(
          error,
          this.clusterName,
          'listing KEDA ScaledObjects',
        );
      }
    }
    for (const o of scaledObjects.items ?? []) {
      found.push({
        kind: 'ScaledObject',
        namespace: o.metadata?.namespace ?? 'default',
        name: o.metadata?.name ?? '',
        // KEDA's scaleTargetRef.kind defaults to Deployment.
        target: {
          kind: o.spec?.scaleTargetRef?.kind ?? 'Deployment',
          name: o.spec?.scaleTargetRef?.name ?? '',
        },
        minReplicas: o.spec?.minReplicaCount,
        maxReplicas: o.spec?.maxReplicaCount,
      });
    }
    return found;
  }

  async getScale(workload: WorkloadCoordinates): Promise<ScaleState> {
    assertKubernetesKind(workload);
    const params = { name: workload.name, namespace: workload.namespace };
    const scale = await this.call(
      `reading the scale of ${workload.kind} ${workload.namespace}/${workload.name}`,
      () =>
        workload.kind === 'Deployment'
          ? this.apps.readNamespacedDeploymentScale(params)
          : this.apps.readNamespacedStatefulSetScale(params),
    );
    return toScaleState(scale);
  }

  async replaceScale(
    workload: WorkloadCoordinates,
    replicas: number,
    resourceVersion: string,
  ): Promise<ScaleState> {
    assertKubernetesKind(workload);
    // PUT with metadata.resourceVersion: the API server refuses it with 409 when the
    // object changed since we read it, so a concurrent edit is never overwritten.
    const body: V1Scale = {
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: {
        name: workload.name,
        namespace: workload.namespace,
        resourceVersion,
      },
      spec: { replicas },
    };
    const params = { name: workload.name, namespace: workload.namespace, body };
    try {
      const scale = toScaleState(
        workload.kind === 'Deployment'
          ? await this.apps.replaceNamespacedDeploymentScale(params)
          : await this.apps.replaceNamespacedStatefulSetScale(params),
      );
      // Our own write is known before its watch event arrives: the cached object takes the
      // new count and version, unless the cache already moved past the version we wrote on.
      (workload.kind === 'Deployment'
        ? this.deployments
        : this.statefulSets
      ).replaceIfAt(workload.namespace, workload.name, resourceVersion, w => ({
        value: {
          ...w,
          replicas: scale.replicas,
          resourceVersion: scale.resourceVersion,
        },
        resourceVersion: scale.resourceVersion,
      }));
      return scale;
    } catch (error) {
      if (isApiError(error) && error.code === 409) {
        throw new ScaleConflictError(
          `${workload.kind} ${workload.namespace}/${workload.name} changed since it was read (409 Conflict)`,
        );
      }
      throw clusterError(
        error,
        this.clusterName,
        `writing the scale of ${workload.kind} ${workload.namespace}/${workload.name}`,
      );
    }
  }

  async listPods(
    namespace: string,
    labelSelector: string,
  ): Promise<PodObservation[]> {
    this.podReadsSinceList = true;
    await this.pods.ready();
    return this.pods.select(namespace, labelSelector);
  }

  async disruptionBudgetsBlocking(
    namespace: string,
    labelSelector: string,
  ): Promise<string[]> {
    const [budgets, pods] = await this.call(
      `reading the PodDisruptionBudgets of ${namespace}`,
      () =>
        Promise.all([
          this.policy.listNamespacedPodDisruptionBudget({ namespace }),
          this.core.listNamespacedPod({ namespace, labelSelector }),
        ]),
    );
    const labels = pods.items.map(p => p.metadata?.labels ?? {});
    return budgets.items
      .filter(
        b =>
          (b.status?.disruptionsAllowed ?? 0) < 1 &&
          labels.some(l => selectorMatches(b.spec?.selector, l)),
      )
      .map(
        b =>
          `PodDisruptionBudget ${b.metadata?.name} allows no disruption now (${
            b.status?.currentHealthy ?? '?'
          } healthy, ${b.status?.desiredHealthy ?? '?'} required)`,
      );
  }

  /**
   * metrics.k8s.io usage of the selected pods. The pod metrics are read once per round (see
   * beginRoundIfNew), cluster-wide, and shared by every workload; where the token may not list
   * them cluster-wide (403), once per namespace instead. The selection is by the names of the
   * cached pods the selector matches.
   */
  async podMetrics(
    namespace: string,
    labelSelector: string,
  ): Promise<Record<string, PodUsage>> {
    this.podReadsSinceList = true;
    const [usage] = await Promise.all([
      this.roundUsage(namespace),
      this.pods.ready(),
    ]);
    const selected: Record<string, PodUsage> = {};
    for (const pod of this.pods.select(namespace, labelSelector)) {
      const u = usage.get(pod.name);
      if (u) selected[pod.name] = u;
    }
    return selected;
  }

  /** This round's usage of a namespace's pods, by pod name. */
  private async roundUsage(namespace: string): Promise<Map<string, PodUsage>> {
    if (this.metricsClusterWide) {
      if (!this.metricsAll) {
        this.metricsAll = this.readPodMetrics(undefined);
        // Every caller of the round awaits it; this keeps a failure from being unhandled.
        this.metricsAll.catch(() => undefined);
      }
      try {
        return (await this.metricsAll).get(namespace) ?? new Map();
      } catch (error) {
        if ((error as { upstreamStatus?: number }).upstreamStatus !== 403)
          throw error;
        // Not allowed cluster-wide: per namespace from now on.
        this.metricsClusterWide = false;
      }
    }
    let read = this.metricsRound.get(namespace);
    if (!read) {
      read = this.readPodMetrics(namespace);
      read.catch(() => undefined);
      this.metricsRound.set(namespace, read);
    }
    return (await read).get(namespace) ?? new Map();
  }

  /** Pod metrics of one namespace or (undefined) of the cluster, by namespace and pod name. */
  private async readPodMetrics(
    namespace: string | undefined,
  ): Promise<Map<string, Map<string, PodUsage>>> {
    type PodMetricsList = {
      items?: Array<{
        metadata: { name: string; namespace?: string };
        containers: Array<{
          name?: string;
          usage: { cpu?: string; memory?: string };
        }>;
      }>;
    };
    const where = namespace ?? 'every namespace';
    // Raw JSON through the transport: 30,000 pods' metrics through client-node's model
    // deserialiser cost a tick of 10,000 workloads more than the rest of reading them.
    const path = namespace
      ? `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(
          namespace,
        )}/pods`
      : '/apis/metrics.k8s.io/v1beta1/pods';
    const list = (await this.call(
      `reading metrics.k8s.io pod metrics of ${where}`,
      () => this.transport.list(path, {}),
    )) as unknown as PodMetricsList;
    const byNamespace = new Map<string, NonNullable<PodMetricsList['items']>>();
    for (const item of list.items ?? []) {
      const ns = item.metadata.namespace ?? namespace ?? '';
      const items = byNamespace.get(ns) ?? [];
      items.push(item);
      byNamespace.set(ns, items);
    }
    const usage = new Map<string, Map<string, PodUsage>>();
    for (const [ns, items] of byNamespace) {
      // Quantities of many namespaces: requests get turns in between.
      await paced();
      usage.set(ns, new Map(Object.entries(podUsageOf(items))));
    }
    return usage;
  }

  async supportsPodResize(): Promise<boolean> {
    const info = await this.call('reading the server version', () =>
      this.version.getCode(),
    );
    return servesPodResize(info.major, info.minor);
  }

  async resizePod(
    namespace: string,
    pod: string,
    containers: ContainerResourcesUpdate[],
  ): Promise<void> {
    const k8s = loadClientNode();
    await this.call(`resizing pod ${namespace}/${pod} in place`, () =>
      this.core.patchNamespacedPodResize(
        {
          name: pod,
          namespace,
          body: { spec: { containers: containers.map(resourcesPatch) } },
        },
        k8s.setHeaderOptions(
          'Content-Type',
          k8s.PatchStrategy.StrategicMergePatch,
        ),
      ),
    );
  }

  async patchTemplateResources(
    workload: WorkloadCoordinates,
    containers: ContainerResourcesUpdate[],
    resourceVersion?: string,
  ): Promise<void> {
    assertKubernetesKind(workload);
    const k8s = loadClientNode();
    const body = {
      metadata: resourceVersion ? { resourceVersion } : {},
      spec: {
        template: { spec: { containers: containers.map(resourcesPatch) } },
      },
    };
    const params = { name: workload.name, namespace: workload.namespace, body };
    const options = k8s.setHeaderOptions(
      'Content-Type',
      k8s.PatchStrategy.StrategicMergePatch,
    );
    try {
      if (workload.kind === 'Deployment')
        await this.apps.patchNamespacedDeployment(params, options);
      else await this.apps.patchNamespacedStatefulSet(params, options);
    } catch (error) {
      if (isApiError(error) && error.code === 409) {
        throw new ScaleConflictError(
          `${workload.kind} ${workload.namespace}/${workload.name} changed since it was read (409 Conflict)`,
        );
      }
      throw clusterError(
        error,
        this.clusterName,
        `writing the container resources of ${workload.kind} ${workload.namespace}/${workload.name}`,
      );
    }
  }
}

const MIB = 2 ** 20;

/**
 * The writes pick the Deployment or the StatefulSet API by kind; any other kind (a Compose
 * service routed here by a misconfigured cluster name) is refused, not written as a StatefulSet.
 */
function assertKubernetesKind(workload: WorkloadCoordinates): void {
  if (workload.kind !== 'Deployment' && workload.kind !== 'StatefulSet') {
    throw new Error(
      `${workload.kind} ${workload.namespace}/${workload.name} is not a Kubernetes workload: the Kubernetes client scales Deployments and StatefulSets only`,
    );
  }
}

/** A Deployment or StatefulSet (its JSON as the API serves it) as the engine needs it. */
export function toWorkload(
  kind: 'Deployment' | 'StatefulSet',
  item: V1Deployment | V1StatefulSet,
): WorkloadObject & { statusReplicas: number } {
  const containers = (item.spec?.template.spec?.containers ?? []).map(
    containerRequests,
  );
  return {
    kind,
    namespace: item.metadata?.namespace ?? 'default',
    name: item.metadata?.name ?? '',
    labels: item.metadata?.labels ?? {},
    podSelector: Object.entries(item.spec?.selector.matchLabels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(','),
    replicas: item.spec?.replicas ?? 1,
    readyReplicas: item.status?.readyReplicas ?? 0,
    statusReplicas: item.status?.replicas ?? 0,
    resourceVersion: item.metadata?.resourceVersion,
    rolling:
      (item.status?.observedGeneration ?? 0) <
        (item.metadata?.generation ?? 0) ||
      (item.status?.updatedReplicas ?? 0) < (item.spec?.replicas ?? 1) ||
      (item.status?.replicas ?? 0) > (item.status?.updatedReplicas ?? 0),
    podRequests: sumRequests(containers),
    containers,
  };
}

/** `pods/resize` is beta and on by default from Kubernetes 1.33 (`/version` major, minor). */
export function servesPodResize(major: string, minor: string): boolean {
  const ma = Number.parseInt(major, 10);
  const mi = Number.parseInt(minor, 10);
  if (!Number.isFinite(ma) || !Number.isFinite(mi)) return false;
  return ma > 1 || (ma === 1 && mi >= 33);
}

/** A strategic-merge-patch container entry: requests and the given limits, as quantities. */
function resourcesPatch(container: ContainerResourcesUpdate) {
  const quantities = (
    values: { cpu?: number; memory?: number } | undefined,
  ) => {
    const out: Record<string, string> = {};
    if (values?.cpu !== undefined)
      out.cpu = `${Math.max(1, Math.round(values.cpu * 1000))}m`;
    if (values?.memory !== undefined) {
      const bytes = Math.max(1, Math.round(values.memory));
      out.memory = bytes % MIB === 0 ? `${bytes / MIB}Mi` : String(bytes);
    }
    return out;
  };
  const limits = quantities(container.limits);
  return {
    name: container.name,
    resources: {
      requests: quantities(container.requests),
      ...(Object.keys(limits).length > 0 ? { limits } : {}),
    },
  };
}

/**
 * Whether a label selector selects these labels (matchLabels and matchExpressions). In
 * policy/v1 an empty selector selects every pod of the namespace; an absent one selects none.
 */
export function selectorMatches(
  selector: V1LabelSelector | undefined,
  labels: Record<string, string>,
): boolean {
  if (!selector) return false;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values = e.values ?? [];
    if (e.operator === 'In' && !(has && values.includes(labels[e.key])))
      return false;
    if (e.operator === 'NotIn' && has && values.includes(labels[e.key]))
      return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function isApiError(error: unknown): error is { code: number } {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as any).code === 'number'
  );
}

/** metrics.k8s.io PodMetrics items as usage per pod, summed and per container. */
export function podUsageOf(
  items: Array<{
    metadata: { name: string };
    containers: Array<{
      name?: string;
      usage: { cpu?: string; memory?: string };
    }>;
  }>,
): Record<string, PodUsage> {
  const usage: Record<string, PodUsage> = {};
  for (const item of items) {
    let cpu = 0;
    let memory = 0;
    const containers: Record<string, { cpu: number; memory: number }> = {};
    for (const [i, container] of item.containers.entries()) {
      const c = parseQuantity(container.usage.cpu ?? '0') ?? 0;
      const m = parseQuantity(container.usage.memory ?? '0') ?? 0;
      cpu += c;
      memory += m;
      containers[container.name ?? `container-${i}`] = { cpu: c, memory: m };
    }
    usage[item.metadata.name] = { cpu, memory, containers };
  }
  return usage;
}

function quantityOf(value: unknown): number | undefined {
  return value !== undefined && value !== null
    ? parseQuantity(String(value))
    : undefined;
}

function containerRequests(container: V1Container) {
  const requests = container.resources?.requests ?? {};
  const limits = container.resources?.limits ?? {};
  return {
    name: container.name,
    cpu: quantityOf(requests.cpu),
    memory: quantityOf(requests.memory),
    limits: { cpu: quantityOf(limits.cpu), memory: quantityOf(limits.memory) },
  };
}

function sumRequests(containers: Array<{ cpu?: number; memory?: number }>) {
  const cpu = containers.some(c => c.cpu !== undefined)
    ? containers.reduce((sum, c) => sum + (c.cpu ?? 0), 0)
    : undefined;
  const memory = containers.some(c => c.memory !== undefined)
    ? containers.reduce((sum, c) => sum + (c.memory ?? 0), 0)
    : undefined;
  return { cpu, memory };
}

function toScaleState(scale: V1Scale): ScaleState {
  return {
    replicas: scale.spec?.replicas ?? 0,
    statusReplicas: scale.status?.replicas ?? 0,
    resourceVersion: scale.metadata?.resourceVersion ?? '',
  };
}

/** Containers whose last termination was an OOM kill, from the pod's container statuses. */
function oomKillsOf(
  pod: V1Pod,
  containers: ReturnType<typeof containerRequests>[],
): NonNullable<PodObservation['oomKills']> {
  const kills: NonNullable<PodObservation['oomKills']> = [];
  for (const status of pod.status?.containerStatuses ?? []) {
    const terminated = status.lastState?.terminated;
    if (terminated?.reason !== 'OOMKilled') continue;
    const at = terminated.finishedAt ?? terminated.startedAt;
    const atMs = at ? new Date(at).getTime() : NaN;
    if (!Number.isFinite(atMs)) continue;
    const spec = containers.find(c => c.name === status.name);
    kills.push({
      container: status.name,
      atMs,
      memoryRequest: spec?.memory,
      memoryLimit: spec?.limits.memory,
    });
  }
  return kills;
}

export function toPodObservation(pod: V1Pod): PodObservation {
  const ready = pod.status?.conditions?.find(c => c.type === 'Ready');
  const containers = (pod.spec?.containers ?? []).map(containerRequests);
  const oomKills = oomKillsOf(pod, containers);
  return {
    name: pod.metadata?.name ?? '',
    phase: (pod.status?.phase as PodObservation['phase']) ?? 'Unknown',
    ready: ready ? ready.status === 'True' : undefined,
    deleting: Boolean(pod.metadata?.deletionTimestamp),
    startTimeMs: pod.status?.startTime
      ? new Date(pod.status.startTime).getTime()
      : undefined,
    readyTransitionMs: ready?.lastTransitionTime
      ? new Date(ready.lastTransitionTime).getTime()
      : undefined,
    requests: sumRequests(containers),
    containerRequests: Object.fromEntries(
      containers.map(c => [c.name, { cpu: c.cpu, memory: c.memory }]),
    ),
    ...(oomKills.length > 0 ? { oomKills } : {}),
  };
}
