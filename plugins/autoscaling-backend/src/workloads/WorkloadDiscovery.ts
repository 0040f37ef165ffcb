import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  isAutoscalingAvailable,
  KUBERNETES_CLUSTER_ANNOTATION,
  KUBERNETES_ID_ANNOTATION,
  KUBERNETES_LABEL_SELECTOR_ANNOTATION,
  KUBERNETES_NAMESPACE_ANNOTATION,
} from '@internal/plugin-autoscaling-common';
import {
  DEFAULT_TIER,
  isTenantGroup,
  serviceEnvironmentOf,
  serviceTenantNameOf,
  tenantInfoOf,
  type TenantInfo,
} from '../catalog/catalogModel';
import type { ClusterClient } from '../kubernetes/types';
import type { WorkloadObject } from '../kubernetes/types';
import type { WorkloadRecord } from '../store/EngineStore';
import { paced } from '../util/eventLoopTurns';

export {
  ENVIRONMENT_ANNOTATION,
  TENANT_ANNOTATION,
} from '../catalog/catalogModel';
export type { TenantInfo } from '../catalog/catalogModel';

export interface DiscoveredWorkload {
  record: WorkloadRecord;
  object: WorkloadObject;
}

/** The label selector the Kubernetes plugin would use for this entity. */
export function labelSelectorOf(entity: Entity): string {
  const annotations = entity.metadata.annotations ?? {};
  return (
    annotations[KUBERNETES_LABEL_SELECTOR_ANNOTATION] ??
    `${KUBERNETES_ID_ANNOTATION}=${
      annotations[KUBERNETES_ID_ANNOTATION] ?? entity.metadata.name
    }`
  );
}

/** Tenant Groups (see catalog/catalogModel.ts). */
export function tenantFromGroup(group: Entity): TenantInfo | undefined {
  return isTenantGroup(group) ? tenantInfoOf(group) : undefined;
}

/**
 * Finds the workloads of catalog Components on a cluster, the way the Kubernetes
 * plugin links them (kubernetes-id / label-selector / namespace / cluster annotations),
 * and places each in its tenant and environment.
 */
export class WorkloadDiscovery {
  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly logger: LoggerService,
  ) {}

  async tenants(): Promise<Map<string, TenantInfo>> {
    const credentials = await this.auth.getOwnServiceCredentials();
    const { items } = await this.catalog.getEntities(
      { filter: { kind: 'Group' } },
      { credentials },
    );
    const tenants = new Map<string, TenantInfo>();
    for (const group of items) {
      const tenant = tenantFromGroup(group);
      if (tenant) tenants.set(tenant.name, tenant);
    }
    return tenants;
  }

  async components(): Promise<Entity[]> {
    const credentials = await this.auth.getOwnServiceCredentials();
    const { items } = await this.catalog.getEntities(
      { filter: { kind: 'Component' } },
      { credentials },
    );
    return items.filter(isAutoscalingAvailable);
  }

  async discover(
    cluster: string,
    client: ClusterClient,
    tenants: Map<string, TenantInfo>,
  ): Promise<DiscoveredWorkload[]> {
    const found: DiscoveredWorkload[] = [];
    for (const entity of await this.components()) {
      // The informer caches answer without I/O: without a turn, 10,000 components are one
      // block of the event loop.
      await paced();
      const annotations = entity.metadata.annotations ?? {};
      const wantedCluster = annotations[KUBERNETES_CLUSTER_ANNOTATION];
      if (wantedCluster && wantedCluster !== cluster) continue;
      const tenantName = serviceTenantNameOf(entity);
      const tenant = tenants.get(tenantName);
      let objects: WorkloadObject[];
      try {
        objects = await client.listWorkloads({
          namespace: annotations[KUBERNETES_NAMESPACE_ANNOTATION],
          labelSelector: labelSelectorOf(entity),
        });
      } catch (error) {
        this.logger.warn(
          `Could not list workloads of ${stringifyEntityRef(
            entity,
          )} on ${cluster}: ${error}`,
        );
        throw error;
      }
      for (const object of objects) {
        found.push({
          object,
          record: {
            id: `${cluster}/${object.namespace}/${object.kind}/${object.name}`,
            entityRef: stringifyEntityRef(entity),
            cluster,
            namespace: object.namespace,
            kind: object.kind,
            name: object.name,
            tenant: tenantName,
            environment: serviceEnvironmentOf(entity),
            tier: tenant?.tier ?? DEFAULT_TIER,
          },
        });
      }
    }
    return found;
  }
}
