/**
 * What the catalog says about tenants and services, read one way by the engine (workload
 * discovery) and by governance (policy targets, permissions). Before this module the two
 * disagreed: a tenant Group without a tier was `basic` to the engine and tier-less to governance,
 * a Component without an environment annotation was production to the engine and had no
 * environment (so no production guardrails) in governance.
 *
 * - A tenant is a Group with `spec.type: tenant` or an `autoscaling.io/tier` annotation.
 * - Its tier is `autoscaling.io/tier` (enterprise, premium, basic); missing or unknown: basic.
 * - Its replica quota and monthly budget are non-negative numbers; anything else: none.
 * - A service's tenant is `autoscaling.io/tenant`, else the Component's catalog namespace.
 * - A service's environment is `autoscaling.io/environment`, else production (the safe reading:
 *   production guardrails apply until the owner says otherwise).
 * Pure.
 */
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import {
  TENANT_MONTHLY_BUDGET_ANNOTATION,
  TENANT_REPLICA_QUOTA_ANNOTATION,
  TENANT_TIER_ANNOTATION,
  type TenantTier,
} from '@internal/plugin-autoscaling-common';

/** Component annotations naming the service's tenant and environment. */
export const TENANT_ANNOTATION = 'autoscaling.io/tenant';
export const ENVIRONMENT_ANNOTATION = 'autoscaling.io/environment';

export const DEFAULT_TIER: TenantTier = 'basic';
export const DEFAULT_ENVIRONMENT = 'production';
const TIERS: readonly TenantTier[] = ['enterprise', 'premium', 'basic'];

export interface TenantInfo {
  name: string;
  entityRef: string;
  tier: TenantTier;
  replicaQuota: number | null;
  monthlyBudget: number | null;
}

const annotationsOf = (entity: Entity) => entity.metadata.annotations ?? {};

/** Whether a catalog entity is a tenant Group. */
export function isTenantGroup(entity: Entity): boolean {
  return (
    entity.kind.toLowerCase() === 'group' &&
    ((entity.spec as { type?: unknown } | undefined)?.type === 'tenant' ||
      annotationsOf(entity)[TENANT_TIER_ANNOTATION] !== undefined)
  );
}

/** A non-negative number from an annotation; null when missing, blank or anything else. */
export function annotationNumber(value: string | undefined): number | null {
  if (value === undefined || value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : null;
}

/** A tenant Group as the engine and governance see it. */
export function tenantInfoOf(group: Entity): TenantInfo {
  const annotations = annotationsOf(group);
  const tier = annotations[TENANT_TIER_ANNOTATION] as TenantTier | undefined;
  return {
    name: group.metadata.name,
    entityRef: stringifyEntityRef(group),
    tier: tier && TIERS.includes(tier) ? tier : DEFAULT_TIER,
    replicaQuota: annotationNumber(
      annotations[TENANT_REPLICA_QUOTA_ANNOTATION],
    ),
    monthlyBudget: annotationNumber(
      annotations[TENANT_MONTHLY_BUDGET_ANNOTATION],
    ),
  };
}

/** The tenant a service belongs to: its annotation, else its catalog namespace. */
export function serviceTenantNameOf(component: Entity): string {
  return (
    annotationsOf(component)[TENANT_ANNOTATION] ??
    component.metadata.namespace ??
    'default'
  );
}

/** The environment a service runs in: its annotation, else production. */
export function serviceEnvironmentOf(component: Entity): string {
  return (
    annotationsOf(component)[ENVIRONMENT_ANNOTATION] ?? DEFAULT_ENVIRONMENT
  );
}
