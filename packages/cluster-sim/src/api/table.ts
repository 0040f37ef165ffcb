/**
 * Server-side printing: `meta.k8s.io` Table responses, which kubectl asks for on `get`.
 * Columns follow kube-apiserver's printers for the kinds the simulator models.
 */
import type { KObject } from './types';
import { humanAge } from '../util/duration';
import { formatLabelSelector, fromLabelSelectorObject } from './selectors';

export interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

const col = (
  name: string,
  type = 'string',
  priority = 0,
  format = '',
): Column => ({
  name,
  type,
  format: name === 'Name' ? 'name' : format,
  description: name,
  priority,
});

type Cells = (o: KObject, age: string) => unknown[];

interface Printer {
  columns: Column[];
  cells: Cells;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
const containers = (o: KObject): any[] =>
  o.spec?.template?.spec?.containers ?? o.spec?.containers ?? [];
const names = (o: KObject) =>
  containers(o)
    .map(c => c.name)
    .join(',');
const images = (o: KObject) =>
  containers(o)
    .map(c => c.image)
    .join(',');

const PRINTERS: Record<string, Printer> = {
  Pod: {
    columns: [
      col('Name'),
      col('Ready'),
      col('Status'),
      col('Restarts', 'string'),
      col('Age'),
      col('IP', 'string', 1),
      col('Node', 'string', 1),
      col('Nominated Node', 'string', 1),
      col('Readiness Gates', 'string', 1),
    ],
    cells: (o, age) => {
      const cs: any[] = o.status?.containerStatuses ?? [];
      const total = o.spec?.containers?.length ?? cs.length;
      const ready = cs.filter(c => c.ready).length;
      let status = o.status?.phase ?? 'Pending';
      const waiting = cs.find(c => c.state?.waiting)?.state?.waiting?.reason;
      if (waiting) status = waiting;
      if (o.metadata.deletionTimestamp) status = 'Terminating';
      return [
        o.metadata.name,
        `${ready}/${total}`,
        status,
        '0',
        age,
        o.status?.podIP ?? '<none>',
        o.spec?.nodeName ?? '<none>',
        '<none>',
        '<none>',
      ];
    },
  },
  Deployment: {
    columns: [
      col('Name'),
      col('Ready'),
      col('Up-to-date', 'integer'),
      col('Available', 'integer'),
      col('Age'),
      col('Containers', 'string', 1),
      col('Images', 'string', 1),
      col('Selector', 'string', 1),
    ],
    cells: (o, age) => [
      o.metadata.name,
      `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`,
      o.status?.updatedReplicas ?? 0,
      o.status?.availableReplicas ?? 0,
      age,
      names(o),
      images(o),
      formatLabelSelector(fromLabelSelectorObject(o.spec?.selector)),
    ],
  },
  StatefulSet: {
    columns: [
      col('Name'),
      col('Ready'),
      col('Age'),
      col('Containers', 'string', 1),
      col('Images', 'string', 1),
    ],
    cells: (o, age) => [
      o.metadata.name,
      `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`,
      age,
      names(o),
      images(o),
    ],
  },
  ReplicaSet: {
    columns: [
      col('Name'),
      col('Desired', 'integer'),
      col('Current', 'integer'),
      col('Ready', 'integer'),
      col('Age'),
      col('Containers', 'string', 1),
      col('Images', 'string', 1),
      col('Selector', 'string', 1),
    ],
    cells: (o, age) => [
      o.metadata.name,
      o.spec?.replicas ?? 0,
      o.status?.replicas ?? 0,
      o.status?.readyReplicas ?? 0,
      age,
      names(o),
      images(o),
      formatLabelSelector(fromLabelSelectorObject(o.spec?.selector)),
    ],
  },
  Node: {
    columns: [
      col('Name'),
      col('Status'),
      col('Roles'),
      col('Age'),
      col('Version'),
      col('Internal-IP', 'string', 1),
      col('OS-Image', 'string', 1),
    ],
    cells: (o, age) => {
      const ready =
        (o.status?.conditions ?? []).find((c: any) => c.type === 'Ready')
          ?.status === 'True';
      const roles = Object.keys(o.metadata.labels ?? {})
        .filter(k => k.startsWith('node-role.kubernetes.io/'))
        .map(k => k.slice('node-role.kubernetes.io/'.length));
      return [
        o.metadata.name,
        `${ready ? 'Ready' : 'NotReady'}${
          o.spec?.unschedulable ? ',SchedulingDisabled' : ''
        }`,
        roles.join(',') || '<none>',
        age,
        o.status?.nodeInfo?.kubeletVersion ?? '',
        (o.status?.addresses ?? []).find((a: any) => a.type === 'InternalIP')
          ?.address ?? '<none>',
        o.status?.nodeInfo?.osImage ?? '',
      ];
    },
  },
  Namespace: {
    columns: [col('Name'), col('Status'), col('Age')],
    cells: (o, age) => [o.metadata.name, o.status?.phase ?? 'Active', age],
  },
  HorizontalPodAutoscaler: {
    columns: [
      col('Name'),
      col('Reference'),
      col('Targets'),
      col('MinPods', 'string'),
      col('MaxPods', 'integer'),
      col('Replicas', 'integer'),
      col('Age'),
    ],
    cells: (o, age) => [
      o.metadata.name,
      `${o.spec?.scaleTargetRef?.kind ?? ''}/${
        o.spec?.scaleTargetRef?.name ?? ''
      }`,
      (o.spec?.metrics ?? [])
        .map((m: any) => {
          const t =
            m.resource?.target ??
            m.pods?.target ??
            m.object?.target ??
            m.external?.target ??
            {};
          const v =
            t.averageUtilization !== undefined
              ? `${t.averageUtilization}%`
              : t.averageValue ?? t.value ?? '';
          return `<unknown>/${v}`;
        })
        .join(', ') || '<none>',
      String(o.spec?.minReplicas ?? 1),
      o.spec?.maxReplicas ?? 0,
      o.status?.currentReplicas ?? 0,
      age,
    ],
  },
};

const DEFAULT_PRINTER: Printer = {
  columns: [
    col('Name'),
    {
      ...col('Created At', 'date'),
      description:
        'CreationTimestamp is a timestamp representing the server time when this object was created.',
    },
  ],
  cells: o => [o.metadata.name, o.metadata.creationTimestamp],
};
/* eslint-enable @typescript-eslint/no-explicit-any */

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** The Table version the client asked for in its Accept header, if any. */
export function wantsTable(
  accept: string | undefined,
): 'v1' | 'v1beta1' | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(',')) {
    const p = part.replace(/\s+/g, '');
    if (p.includes('as=Table') && p.includes('g=meta.k8s.io')) {
      return p.includes('v=v1beta1') ? 'v1beta1' : 'v1';
    }
  }
  return undefined;
}

export function toTable(
  kind: string,
  objects: KObject[],
  nowMs: number,
  opts: {
    version: 'v1' | 'v1beta1';
    includeObject: IncludeObject;
    resourceVersion?: string;
    continueToken?: string;
    columns?: boolean;
  },
): Record<string, unknown> {
  const printer = PRINTERS[kind] ?? DEFAULT_PRINTER;
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${opts.version}`,
    metadata: {
      ...(opts.resourceVersion
        ? { resourceVersion: opts.resourceVersion }
        : {}),
      ...(opts.continueToken ? { continue: opts.continueToken } : {}),
    },
    columnDefinitions: opts.columns === false ? null : printer.columns,
    rows: objects.map(o => {
      const created = Date.parse(o.metadata.creationTimestamp ?? '');
      const age = Number.isFinite(created)
        ? humanAge((nowMs - created) / 1000)
        : '<unknown>';
      const row: Record<string, unknown> = { cells: printer.cells(o, age) };
      if (opts.includeObject === 'Object') row.object = o;
      else if (opts.includeObject === 'Metadata') {
        row.object = {
          kind: 'PartialObjectMetadata',
          apiVersion: `meta.k8s.io/${opts.version}`,
          metadata: o.metadata,
        };
      }
      return row;
    }),
  };
}
