import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import {
  AuthorizeResult,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  AUTOSCALING_TARGET_RESOURCE_TYPE,
  autoscalingAdminPermission,
  autoscalingAuditReadPermission,
  autoscalingChangeApprovePermission,
  autoscalingCostReadPermission,
} from '@internal/plugin-autoscaling-common';
import {
  autoscalingTargetConditions,
  createAutoscalingTargetConditionalDecision,
} from '@internal/plugin-autoscaling-node';

/** The group whose members run the platform: everything, approvals, kill switch. */
export const PLATFORM_TEAM_REF = 'group:default/platform-team';

const PLATFORM_ONLY = new Set([
  autoscalingChangeApprovePermission.name,
  autoscalingAdminPermission.name,
  autoscalingAuditReadPermission.name,
]);

/**
 * Permissions of other plugins that only the platform team holds. `kubernetes.proxy` sends any
 * request to a cluster's API server with the Kubernetes backend's own credentials (exec, pod
 * logs, deleting pods, editing Deployments, reading Secrets): the Kubernetes tab's resource
 * and cluster reads stay open, the proxy does not.
 */
const OTHER_PLUGINS_PLATFORM_ONLY = new Set(['kubernetes.proxy']);

/** The catalog's resource type (entities); its write permissions are conditional on ownership. */
const CATALOG_ENTITY_RESOURCE_TYPE = 'catalog-entity';

/** Catalog permissions that write nothing though they carry no `read` action. */
const CATALOG_SIDE_EFFECT_FREE = new Set([
  'catalog.entity.validate',
  'catalog.location.analyze',
]);

/**
 * Who reads tenant cost and budget data (`autoscaling.cost.read`: a tenant's cost summary and
 * budget, the spend export, a workload's cost, change requests):
 * - `tenant` (default): members of the tenant Group or of a Group below it (its teams), owners
 *   of the service, the platform team;
 * - `all-users`: every signed-in catalog user (not the guest);
 * - `platform`: the platform team only.
 */
export type CostReadScope = 'tenant' | 'all-users' | 'platform';
const COST_READ_SCOPES: readonly CostReadScope[] = [
  'tenant',
  'all-users',
  'platform',
];

export interface RolePolicyOptions {
  costReadScope: CostReadScope;
  /** The guest sign-in's user ref: it reads the catalog and autoscaling state, nothing more. */
  guestUserRef: string;
}

/** `autoscaling.governance.costReadScope` and the guest provider's user from app-config. */
export function readRolePolicyOptions(config: Config): RolePolicyOptions {
  const scope =
    config.getOptionalString('autoscaling.governance.costReadScope') ??
    'tenant';
  if (!COST_READ_SCOPES.includes(scope as CostReadScope)) {
    throw new Error(
      `autoscaling.governance.costReadScope must be one of ${COST_READ_SCOPES.join(
        ', ',
      )}, not '${scope}'`,
    );
  }
  return {
    costReadScope: scope as CostReadScope,
    guestUserRef:
      config.getOptionalString('auth.providers.guest.userEntityRef') ??
      'user:development/guest',
  };
}

/**
 * The demo organisation's roles, expressed as a Backstage permission policy:
 * - platform team: everything, including approvals, the kill switch, the audit log and
 *   every catalog write;
 * - tenant admin (member of a tenant Group): their tenant's policies, workloads and cost;
 * - service owner (owner of a Component): their services' policies and cost, within the
 *   tenant's guardrails (crossings become change requests the platform team approves);
 * - everyone else: read what they can see in the catalog and the scaling state, nothing else;
 * - the guest: reads only (no catalog writes, no cost).
 * Catalog writes: deleting or refreshing an entity needs to own it; creating entities,
 * registering or deleting locations and managing ingestion are the platform team's.
 * Permissions of other plugins (Kubernetes reads, notifications, signals) are allowed, as in
 * the default Backstage app, except the Kubernetes proxy (`kubernetes.proxy`): the platform
 * team's only.
 */
export class AutoscalingRolePolicy implements PermissionPolicy {
  private readonly options: RolePolicyOptions;

  constructor(options?: Partial<RolePolicyOptions>) {
    this.options = {
      costReadScope: options?.costReadScope ?? 'tenant',
      guestUserRef: options?.guestUserRef ?? 'user:development/guest',
    };
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    const claims = user?.info.ownershipEntityRefs ?? [];
    const isPlatform = claims.includes(PLATFORM_TEAM_REF);
    const isGuest =
      !user || user.info.userEntityRef === this.options.guestUserRef;
    if (permission.name.startsWith('catalog.')) {
      return this.catalog(request, user, { claims, isPlatform, isGuest });
    }
    if (OTHER_PLUGINS_PLATFORM_ONLY.has(permission.name)) {
      return {
        result: isPlatform ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      };
    }
    if (!permission.name.startsWith('autoscaling.')) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (isPlatform) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (PLATFORM_ONLY.has(permission.name)) {
      return { result: AuthorizeResult.DENY };
    }
    if (permission.name === autoscalingCostReadPermission.name) {
      return this.costRead(request, { claims, isGuest });
    }
    if (permission.attributes.action === 'read') {
      return { result: AuthorizeResult.ALLOW };
    }
    if (
      isResourcePermission(permission, AUTOSCALING_TARGET_RESOURCE_TYPE) &&
      user
    ) {
      return createAutoscalingTargetConditionalDecision(permission, {
        anyOf: [
          autoscalingTargetConditions.isTenantAdmin({ claims }),
          autoscalingTargetConditions.isServiceOwner({ claims }),
        ],
      });
    }
    return { result: AuthorizeResult.DENY };
  }

  /** Reads for everyone; writes for the platform team and, on entities, their owners. */
  private catalog(
    request: PolicyQuery,
    user: PolicyQueryUser | undefined,
    who: { claims: string[]; isPlatform: boolean; isGuest: boolean },
  ): PolicyDecision {
    const { permission } = request;
    if (permission.attributes.action === 'read') {
      return { result: AuthorizeResult.ALLOW };
    }
    if (who.isPlatform) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (who.isGuest || !user) {
      return { result: AuthorizeResult.DENY };
    }
    if (CATALOG_SIDE_EFFECT_FREE.has(permission.name)) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (isResourcePermission(permission, CATALOG_ENTITY_RESOURCE_TYPE)) {
      return createCatalogConditionalDecision(
        permission,
        catalogConditions.isEntityOwner({ claims: who.claims }),
      );
    }
    return { result: AuthorizeResult.DENY };
  }

  /** `autoscaling.cost.read` for someone outside the platform team, by the configured scope. */
  private costRead(
    request: PolicyQuery,
    who: { claims: string[]; isGuest: boolean },
  ): PolicyDecision {
    const { permission } = request;
    if (who.isGuest || this.options.costReadScope === 'platform') {
      return { result: AuthorizeResult.DENY };
    }
    if (this.options.costReadScope === 'all-users') {
      return { result: AuthorizeResult.ALLOW };
    }
    if (!isResourcePermission(permission, AUTOSCALING_TARGET_RESOURCE_TYPE)) {
      return { result: AuthorizeResult.DENY };
    }
    // Members of the tenant directly or through a group below it (a team of the tenant).
    return createAutoscalingTargetConditionalDecision(permission, {
      anyOf: [
        autoscalingTargetConditions.isTenantMember({ claims: who.claims }),
        autoscalingTargetConditions.isServiceOwner({ claims: who.claims }),
      ],
    });
  }
}

export const autoscalingPermissionPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'autoscaling-role-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint, config: coreServices.rootConfig },
      async init({ policy, config }) {
        policy.setPolicy(
          new AutoscalingRolePolicy(readRolePolicyOptions(config)),
        );
      },
    });
  },
});
