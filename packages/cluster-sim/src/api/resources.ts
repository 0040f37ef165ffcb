/**
 * The API resources the simulator serves: group/version, kind, scope, verbs, subresources.
 * Every listed resource is stored generically (so create/get/list/watch work for all of them);
 * the controllers give life to namespaces, nodes, pods, replicasets, deployments and statefulsets.
 * Kinds the product does not model (services, configmaps, jobs, ...) start empty, which is what
 * the Backstage Kubernetes plugin needs to show a workload's pods.
 */

export interface ResourceDef {
  group: string;
  version: string;
  /** Plural, lower case: "deployments". */
  resource: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs: string[];
  subresources?: SubresourceDef[];
  /** Served by a special handler (metrics.k8s.io) instead of the object store. */
  virtual?: boolean;
}

export interface SubresourceDef {
  name: string;
  kind: string;
  group: string;
  version: string;
  verbs: string[];
}

const ALL = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];
const scale = (): SubresourceDef => ({
  name: 'scale',
  kind: 'Scale',
  group: 'autoscaling',
  version: 'v1',
  verbs: ['get', 'patch', 'update'],
});
const status = (
  kind: string,
  group: string,
  version: string,
): SubresourceDef => ({
  name: 'status',
  kind,
  group,
  version,
  verbs: ['get', 'patch', 'update'],
});

const core = (
  resource: string,
  kind: string,
  namespaced: boolean,
  extra: Partial<ResourceDef> = {},
): ResourceDef => ({
  group: '',
  version: 'v1',
  resource,
  singular: kind.toLowerCase(),
  kind,
  namespaced,
  verbs: ALL,
  ...extra,
});
const grouped = (
  group: string,
  version: string,
  resource: string,
  kind: string,
  namespaced: boolean,
  extra: Partial<ResourceDef> = {},
): ResourceDef => ({
  group,
  version,
  resource,
  singular: kind.toLowerCase(),
  kind,
  namespaced,
  verbs: ALL,
  ...extra,
});

export const RESOURCES: ResourceDef[] = [
  core('namespaces', 'Namespace', false, {
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: [status('Namespace', '', 'v1')],
  }),
  core('nodes', 'Node', false, {
    shortNames: ['no'],
    subresources: [status('Node', '', 'v1')],
  }),
  core('pods', 'Pod', true, {
    shortNames: ['po'],
    categories: ['all'],
    subresources: [
      status('Pod', '', 'v1'),
      // In-place pod resize (1.33+); served only when cluster.kubernetesVersion is 1.33 or later.
      {
        name: 'resize',
        kind: 'Pod',
        group: '',
        version: 'v1',
        verbs: ['get', 'patch', 'update'],
      },
    ],
  }),
  core('services', 'Service', true, {
    shortNames: ['svc'],
    categories: ['all'],
  }),
  core('endpoints', 'Endpoints', true, { shortNames: ['ep'] }),
  core('configmaps', 'ConfigMap', true, { shortNames: ['cm'] }),
  core('secrets', 'Secret', true),
  core('serviceaccounts', 'ServiceAccount', true, { shortNames: ['sa'] }),
  core('events', 'Event', true, { shortNames: ['ev'] }),
  core('limitranges', 'LimitRange', true, { shortNames: ['limits'] }),
  core('resourcequotas', 'ResourceQuota', true, { shortNames: ['quota'] }),
  core('persistentvolumeclaims', 'PersistentVolumeClaim', true, {
    shortNames: ['pvc'],
  }),
  core('persistentvolumes', 'PersistentVolume', false, { shortNames: ['pv'] }),
  grouped('apps', 'v1', 'deployments', 'Deployment', true, {
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: [scale(), status('Deployment', 'apps', 'v1')],
  }),
  grouped('apps', 'v1', 'statefulsets', 'StatefulSet', true, {
    shortNames: ['sts'],
    categories: ['all'],
    subresources: [scale(), status('StatefulSet', 'apps', 'v1')],
  }),
  grouped('apps', 'v1', 'replicasets', 'ReplicaSet', true, {
    shortNames: ['rs'],
    categories: ['all'],
    subresources: [scale(), status('ReplicaSet', 'apps', 'v1')],
  }),
  grouped('apps', 'v1', 'daemonsets', 'DaemonSet', true, {
    shortNames: ['ds'],
    categories: ['all'],
  }),
  grouped('apps', 'v1', 'controllerrevisions', 'ControllerRevision', true),
  grouped(
    'autoscaling',
    'v2',
    'horizontalpodautoscalers',
    'HorizontalPodAutoscaler',
    true,
    {
      shortNames: ['hpa'],
      categories: ['all'],
      subresources: [status('HorizontalPodAutoscaler', 'autoscaling', 'v2')],
    },
  ),
  grouped('batch', 'v1', 'jobs', 'Job', true, { categories: ['all'] }),
  grouped('batch', 'v1', 'cronjobs', 'CronJob', true, {
    shortNames: ['cj'],
    categories: ['all'],
  }),
  grouped('networking.k8s.io', 'v1', 'ingresses', 'Ingress', true, {
    shortNames: ['ing'],
  }),
  grouped('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true, {
    shortNames: ['pdb'],
  }),
  grouped('metrics.k8s.io', 'v1beta1', 'pods', 'PodMetrics', true, {
    verbs: ['get', 'list'],
    virtual: true,
  }),
  grouped('metrics.k8s.io', 'v1beta1', 'nodes', 'NodeMetrics', false, {
    verbs: ['get', 'list'],
    virtual: true,
  }),
];

/** Group order as `/apis` lists it. */
export const GROUPS = [
  'apps',
  'autoscaling',
  'batch',
  'networking.k8s.io',
  'policy',
  'metrics.k8s.io',
];

export function groupVersion(def: { group: string; version: string }): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

/** Store key of a resource: "pods", "apps/deployments". */
export function resourceKey(def: { group: string; resource: string }): string {
  return def.group ? `${def.group}/${def.resource}` : def.resource;
}

/** "deployments.apps" as Kubernetes messages name it. */
export function qualifiedResource(def: {
  group: string;
  resource: string;
}): string {
  return def.group ? `${def.resource}.${def.group}` : def.resource;
}

export function findResource(
  group: string,
  version: string,
  resource: string,
): ResourceDef | undefined {
  return RESOURCES.find(
    r => r.group === group && r.version === version && r.resource === resource,
  );
}

export function findByKind(
  apiVersion: string,
  kind: string,
): ResourceDef | undefined {
  const [group, version] = apiVersion.includes('/')
    ? apiVersion.split('/')
    : ['', apiVersion];
  return RESOURCES.find(
    r => r.group === group && r.version === version && r.kind === kind,
  );
}

export function byKey(key: string): ResourceDef {
  const def = RESOURCES.find(r => resourceKey(r) === key);
  if (!def) throw new Error(`unknown resource ${key}`);
  return def;
}

/** Versions served per group. */
export function groupVersions(): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const r of RESOURCES) {
    if (!r.group) continue;
    const list = m.get(r.group) ?? [];
    if (!list.includes(r.version)) list.push(r.version);
    m.set(r.group, list);
  }
  return m;
}
