import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
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
 * The demo organisation's roles, expressed as a Backstage permission policy:
 * - platform team: everything, including approvals, the kill switch and the audit log;
 * - tenant admin (member of a tenant Group): their tenant's policies and workloads;
 * - service owner (owner of a Component): their services' policies, within the tenant's
 *   guardrails (crossings become change requests the platform team approves);
 * - everyone else: read what they can see in the catalog, nothing else.
 * Permissions of other plugins are allowed, as in the default Backstage app.
 */
export class AutoscalingRolePolicy implements PermissionPolicy {
  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    if (!permission.name.startsWith('autoscaling.')) {
      return { result: AuthorizeResult.ALLOW };
    }
    const claims = user?.info.ownershipEntityRefs ?? [];
    if (claims.includes(PLATFORM_TEAM_REF)) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (PLATFORM_ONLY.has(permission.name)) {
      return { result: AuthorizeResult.DENY };
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
}

export const autoscalingPermissionPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'autoscaling-role-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new AutoscalingRolePolicy());
      },
    });
  },
});
