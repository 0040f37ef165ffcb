/** Builders for the objects the simulator creates (pure: inputs in, JSON out). */
import type {
  NamespaceConfig,
  NodePoolConfig,
  WorkloadConfig,
} from '../config/types';
import type { KObject, OwnerReference } from '../api/types';
import { hashString } from '../util/rng';

export const ANNOTATION_PREFIX = 'cluster-sim.dev/';

export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function namespaceObject(ns: NamespaceConfig): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: ns.name,
      labels: { 'kubernetes.io/metadata.name': ns.name, ...ns.labels },
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

export function nodeObjects(
  pools: NodePoolConfig[],
  gitVersion: string,
): KObject[] {
  const out: KObject[] = [];
  let ipIndex = 10;
  for (const pool of pools) {
    for (let i = 0; i < pool.count; i++) {
      const name = `${pool.namePrefix}${i}`;
      const zone = pool.zones[i % pool.zones.length];
      const capacity = {
        cpu: String(pool.cpuCores),
        memory: `${Math.round(pool.memoryBytes / 1024)}Ki`,
        pods: String(pool.maxPods),
        'ephemeral-storage': '104857600Ki',
      };
      const ip = `10.0.${Math.floor(ipIndex / 250)}.${(ipIndex % 250) + 1}`;
      ipIndex++;
      out.push({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name,
          labels: {
            'kubernetes.io/hostname': name,
            'kubernetes.io/os': 'linux',
            'kubernetes.io/arch': 'amd64',
            'node.kubernetes.io/instance-type': pool.instanceType,
            'topology.kubernetes.io/zone': zone,
            ...pool.labels,
          },
        },
        spec: { podCIDR: `10.244.${out.length}.0/24` },
        status: {
          capacity,
          allocatable: capacity,
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'KubeletReady',
              message: 'kubelet is posting ready status',
            },
          ],
          addresses: [
            { type: 'InternalIP', address: ip },
            { type: 'Hostname', address: name },
          ],
          nodeInfo: {
            kubeletVersion: gitVersion,
            kubeProxyVersion: gitVersion,
            containerRuntimeVersion: 'containerd://1.7.22',
            operatingSystem: 'linux',
            architecture: 'amd64',
            osImage: 'cluster-sim',
            kernelVersion: '6.1.0-sim',
            machineID: hashString(name).toString(16),
            systemUUID: hashString(`${name}/uuid`).toString(16),
            bootID: hashString(`${name}/boot`).toString(16),
          },
        },
      });
    }
  }
  return out;
}

/** The Deployment or StatefulSet manifest for a configured workload. */
export function workloadObject(w: WorkloadConfig): KObject {
  const resources: Record<string, Record<string, string>> = {
    requests: { ...w.resources.requests },
  };
  if (Object.keys(w.resources.limits).length > 0)
    resources.limits = { ...w.resources.limits };
  const template = {
    metadata: { labels: { ...w.labels } },
    spec: {
      containers: [
        {
          name: w.containerName,
          image: w.image,
          ports: [
            { name: 'http', containerPort: w.containerPort, protocol: 'TCP' },
          ],
          resources,
          readinessProbe: {
            httpGet: { path: '/healthz', port: w.containerPort },
            periodSeconds: 5,
          },
        },
      ],
    },
  };
  const metadata = {
    name: w.name,
    namespace: w.namespace,
    labels: { ...w.labels },
    annotations: { ...w.annotations },
  };
  const selector = { matchLabels: { app: w.labels.app } };
  if (w.kind === 'StatefulSet') {
    return {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata,
      spec: {
        replicas: w.replicas,
        selector,
        serviceName: w.name,
        podManagementPolicy: 'OrderedReady',
        template,
      },
    };
  }
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      replicas: w.replicas,
      selector,
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
      },
      template,
    },
  };
}

/** The pod-template-hash Kubernetes would put on a ReplicaSet (stable for equal templates). */
export function templateHash(template: unknown): string {
  const json = JSON.stringify(template ?? {});
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let s = '';
  for (const seed of [hashString(json), hashString(`${json}#`)]) {
    let n = seed;
    for (let i = 0; i < 5; i++) {
      s += alphabet[n % alphabet.length];
      n = Math.floor(n / alphabet.length);
    }
  }
  return s;
}

export function ownerRef(owner: KObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name!,
    uid: owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** A new pod from a template (before scheduling). */
export function podFromTemplate(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  template: any,
  name: string,
  namespace: string,
  owner: KObject,
  extraLabels: Record<string, string>,
): KObject {
  const spec = structuredClone(template?.spec ?? { containers: [] });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels: { ...(template?.metadata?.labels ?? {}), ...extraLabels },
      ...(template?.metadata?.annotations
        ? { annotations: { ...template.metadata.annotations } }
        : {}),
      ownerReferences: [ownerRef(owner)],
    },
    spec: {
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default',
      schedulerName: 'default-scheduler',
      enableServiceLinks: true,
      ...spec,
    },
    status: { phase: 'Pending', qosClass: qosClass(spec) },
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function qosClass(spec: any): string {
  const containers: any[] = spec?.containers ?? []; // eslint-disable-line @typescript-eslint/no-explicit-any
  let guaranteed = containers.length > 0;
  let any = false;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) any = true;
    if (
      !lim.cpu ||
      !lim.memory ||
      (req.cpu && req.cpu !== lim.cpu) ||
      (req.memory && req.memory !== lim.memory)
    ) {
      guaranteed = false;
    }
  }
  if (guaranteed) return 'Guaranteed';
  return any ? 'Burstable' : 'BestEffort';
}

export interface PodPhaseInfo {
  nodeName?: string;
  hostIP?: string;
  podIP?: string;
  scheduledAtMs?: number;
  startedAtMs?: number;
  readyAtMs?: number;
  unschedulableMessage?: string;
  started: boolean;
  ready: boolean;
  /** Of the first container: restarts and its last termination (e.g. OOMKilled). */
  restartCount?: number;
  lastTermination?: {
    reason: string;
    exitCode: number;
    startedAtMs?: number;
    finishedAtMs: number;
  };
  /** Why the last in-place resize could not be applied (`PodResizePending`, Infeasible). */
  resizeInfeasible?: string;
}

/** The pod's status for its lifecycle stage. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function podStatus(
  pod: KObject,
  info: PodPhaseInfo,
  nowMs: number,
): any {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const containers: any[] = pod.spec?.containers ?? [];
  const t = (ms?: number) => (ms === undefined ? undefined : isoSeconds(ms));
  if (!info.nodeName) {
    return {
      phase: 'Pending',
      qosClass: pod.status?.qosClass,
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message: info.unschedulableMessage ?? '0/0 nodes are available',
          lastProbeTime: null,
          lastTransitionTime: t(nowMs),
        },
      ],
    };
  }
  const readyStatus = info.ready ? 'True' : 'False';
  const readyReason = info.ready
    ? {}
    : {
        reason: 'ContainersNotReady',
        message: `containers with unready status: [${containers
          .map(c => c.name)
          .join(' ')}]`,
      };
  const readyTime = info.ready ? info.readyAtMs : info.scheduledAtMs;
  return {
    phase: info.started ? 'Running' : 'Pending',
    qosClass: pod.status?.qosClass,
    hostIP: info.hostIP,
    hostIPs: info.hostIP ? [{ ip: info.hostIP }] : undefined,
    ...(info.started
      ? { podIP: info.podIP, podIPs: [{ ip: info.podIP }] }
      : {}),
    startTime: t(info.scheduledAtMs),
    conditions: [
      {
        type: 'PodReadyToStartContainers',
        status: info.started ? 'True' : 'False',
        lastProbeTime: null,
        lastTransitionTime: t(
          info.started ? info.startedAtMs : info.scheduledAtMs,
        ),
      },
      {
        type: 'Initialized',
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: t(info.scheduledAtMs),
      },
      {
        type: 'Ready',
        status: readyStatus,
        lastProbeTime: null,
        lastTransitionTime: t(readyTime),
        ...readyReason,
      },
      {
        type: 'ContainersReady',
        status: readyStatus,
        lastProbeTime: null,
        lastTransitionTime: t(readyTime),
        ...readyReason,
      },
      {
        type: 'PodScheduled',
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: t(info.scheduledAtMs),
      },
      ...(info.resizeInfeasible
        ? [
            {
              type: 'PodResizePending',
              status: 'True',
              reason: 'Infeasible',
              message: info.resizeInfeasible,
              lastProbeTime: null,
              lastTransitionTime: t(nowMs),
            },
          ]
        : []),
    ],
    containerStatuses: containers.map((c, i) => ({
      name: c.name,
      image: c.image,
      imageID: `${c.image}@sha256:${hashString(String(c.image))
        .toString(16)
        .padStart(8, '0')
        .repeat(8)}`,
      ...(info.started
        ? {
            containerID: `containerd://${hashString(
              `${pod.metadata.uid}/${c.name}`,
            )
              .toString(16)
              .padStart(8, '0')
              .repeat(8)}`,
          }
        : {}),
      ready: info.ready,
      started: info.started,
      restartCount: i === 0 ? info.restartCount ?? 0 : 0,
      // The resources the kubelet allocated (after an in-place resize: the new ones).
      ...(c.resources ? { resources: structuredClone(c.resources) } : {}),
      state: info.started
        ? { running: { startedAt: t(info.startedAtMs) } }
        : { waiting: { reason: 'ContainerCreating' } },
      lastState:
        i === 0 && info.lastTermination
          ? {
              terminated: {
                exitCode: info.lastTermination.exitCode,
                reason: info.lastTermination.reason,
                startedAt: t(info.lastTermination.startedAtMs),
                finishedAt: t(info.lastTermination.finishedAtMs),
              },
            }
          : {},
    })),
  };
}
