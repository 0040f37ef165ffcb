/** Validation and defaulting of objects written through the API (422 Invalid with field causes). */
import type { ResourceDef } from './resources';
import type { KObject } from './types';
import { invalid } from './status';
import { parseQuantity } from '../util/quantity';
import { fromLabelSelectorObject, matchesLabels } from './selectors';

const DNS1123_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

type Cause = { field: string; message: string };

/* eslint-disable @typescript-eslint/no-explicit-any */
function validateContainers(
  containers: any,
  path: string,
  causes: Cause[],
): void {
  if (!Array.isArray(containers) || containers.length === 0) {
    causes.push({ field: path, message: 'Required value' });
    return;
  }
  containers.forEach((c, i) => {
    const p = `${path}[${i}]`;
    if (!c || typeof c.name !== 'string' || !DNS1123_LABEL.test(c.name))
      causes.push({
        field: `${p}.name`,
        message: 'Required value: a DNS-1123 label',
      });
    if (!c || typeof c.image !== 'string' || !c.image)
      causes.push({ field: `${p}.image`, message: 'Required value' });
    for (const kind of ['requests', 'limits']) {
      for (const [res, q] of Object.entries(c?.resources?.[kind] ?? {})) {
        try {
          if (parseQuantity(q as string) < 0) throw new Error('negative');
        } catch {
          causes.push({
            field: `${p}.resources.${kind}.${res}`,
            message: `Invalid value: ${JSON.stringify(
              q,
            )}: must be a valid quantity`,
          });
        }
      }
    }
  });
}

function validateReplicas(v: any, path: string, causes: Cause[]): void {
  if (v === undefined) return;
  if (!Number.isInteger(v) || v < 0)
    causes.push({
      field: path,
      message: `Invalid value: ${JSON.stringify(
        v,
      )}: must be greater than or equal to 0`,
    });
}

export function validateReplicasValue(
  v: unknown,
  kind: string,
  name: string,
  group: string,
  path = 'spec.replicas',
): void {
  const causes: Cause[] = [];
  if (v === undefined || v === null)
    causes.push({ field: path, message: 'Required value' });
  else validateReplicas(v, path, causes);
  if (causes.length) throw invalid(kind, name, causes, group);
}

/** Applies API defaults (in place) and throws 422 when the object is invalid. */
export function validateAndDefault(def: ResourceDef, obj: KObject): void {
  const causes: Cause[] = [];
  const m = obj.metadata;
  const name = m.name ?? '';
  const nameRe =
    def.resource === 'namespaces' ? DNS1123_LABEL : DNS1123_SUBDOMAIN;
  if (!name)
    causes.push({
      field: 'metadata.name',
      message: 'Required value: name or generateName is required',
    });
  else if (!nameRe.test(name) || name.length > 253) {
    causes.push({
      field: 'metadata.name',
      message: `Invalid value: "${name}": a lowercase RFC 1123 ${
        def.resource === 'namespaces' ? 'label' : 'subdomain'
      } must consist of lower case alphanumeric characters, '-' or '.'`,
    });
  }
  for (const [k, v] of Object.entries(m.labels ?? {})) {
    if (!LABEL_KEY.test(k))
      causes.push({
        field: 'metadata.labels',
        message: `Invalid value: "${k}": invalid label key`,
      });
    if (typeof v !== 'string' || !LABEL_VALUE.test(v) || v.length > 63)
      causes.push({
        field: 'metadata.labels',
        message: `Invalid value: ${JSON.stringify(v)}: invalid label value`,
      });
  }
  const spec = obj.spec;
  switch (def.kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'ReplicaSet': {
      if (!spec || typeof spec !== 'object') {
        causes.push({ field: 'spec', message: 'Required value' });
        break;
      }
      if (spec.replicas === undefined) spec.replicas = 1;
      validateReplicas(spec.replicas, 'spec.replicas', causes);
      if (
        !spec.selector ||
        (!spec.selector.matchLabels && !spec.selector.matchExpressions)
      ) {
        causes.push({ field: 'spec.selector', message: 'Required value' });
      } else if (
        !matchesLabels(
          fromLabelSelectorObject(spec.selector),
          spec.template?.metadata?.labels,
        )
      ) {
        causes.push({
          field: 'spec.template.metadata.labels',
          message: 'Invalid value: `selector` does not match template `labels`',
        });
      }
      validateContainers(
        spec.template?.spec?.containers,
        'spec.template.spec.containers',
        causes,
      );
      if (def.kind === 'Deployment') {
        spec.strategy ??= {
          type: 'RollingUpdate',
          rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
        };
        spec.revisionHistoryLimit ??= 10;
        spec.progressDeadlineSeconds ??= 600;
      }
      if (def.kind === 'StatefulSet') {
        spec.podManagementPolicy ??= 'OrderedReady';
        spec.updateStrategy ??= {
          type: 'RollingUpdate',
          rollingUpdate: { partition: 0 },
        };
      }
      break;
    }
    case 'Pod':
      validateContainers(spec?.containers, 'spec.containers', causes);
      break;
    case 'HorizontalPodAutoscaler': {
      if (!spec?.scaleTargetRef?.kind || !spec?.scaleTargetRef?.name) {
        causes.push({
          field: 'spec.scaleTargetRef',
          message: 'Required value: kind and name',
        });
      }
      if (!Number.isInteger(spec?.maxReplicas) || spec.maxReplicas < 1) {
        causes.push({
          field: 'spec.maxReplicas',
          message: 'Invalid value: must be greater than or equal to 1',
        });
      }
      if (
        spec?.minReplicas !== undefined &&
        (!Number.isInteger(spec.minReplicas) ||
          spec.minReplicas < 1 ||
          spec.minReplicas > spec.maxReplicas)
      ) {
        causes.push({
          field: 'spec.minReplicas',
          message: 'Invalid value: must be between 1 and maxReplicas',
        });
      }
      break;
    }
    default:
      break;
  }
  if (causes.length > 0) throw invalid(def.kind, name, causes, def.group);
}
/* eslint-enable @typescript-eslint/no-explicit-any */
