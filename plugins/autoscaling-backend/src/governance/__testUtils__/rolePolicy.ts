/**
 * A PermissionsService for tests that decides like the permission backend with the demo
 * role policy (packages/backend/src/modules/permissionPolicy.ts, mirrored here because a
 * plugin must not import the app's backend) and `permission.enabled: true`:
 * platform team → everything; approve/admin/audit → platform only; cost reads → CONDITIONAL
 * anyOf(isTenantMember, isServiceOwner), never the guest (costReadScope: tenant); other reads →
 * allowed; resource updates → CONDITIONAL anyOf(isTenantAdmin, isServiceOwner).
 * Catalog permissions are not asked here (the catalog is a mock); packages/backend's
 * permissionPolicy.test.ts covers them.
 */
import type {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isResourcePermission,
  type PolicyDecision,
  type Permission,
} from '@backstage/plugin-permission-common';
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
import { ownership } from './fixtures';

const PLATFORM_TEAM_REF = 'group:default/platform-team';
/** The guest provider's default user (owns nothing, reads only). */
export const GUEST_REF = 'user:development/guest';
const PLATFORM_ONLY = new Set([
  autoscalingChangeApprovePermission.name,
  autoscalingAdminPermission.name,
  autoscalingAuditReadPermission.name,
]);

export function decide(
  permission: Permission,
  credentials: BackstageCredentials,
): PolicyDecision {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
  };
  if (principal.type === 'service') return { result: AuthorizeResult.ALLOW };
  if (principal.type !== 'user') return { result: AuthorizeResult.DENY };
  if (!permission.name.startsWith('autoscaling.'))
    return { result: AuthorizeResult.ALLOW };
  const claims = ownership[principal.userEntityRef!] ?? [
    principal.userEntityRef!,
  ];
  if (claims.includes(PLATFORM_TEAM_REF))
    return { result: AuthorizeResult.ALLOW };
  if (PLATFORM_ONLY.has(permission.name))
    return { result: AuthorizeResult.DENY };
  if (permission.name === autoscalingCostReadPermission.name) {
    if (
      principal.userEntityRef === GUEST_REF ||
      !isResourcePermission(permission, AUTOSCALING_TARGET_RESOURCE_TYPE)
    ) {
      return { result: AuthorizeResult.DENY };
    }
    return createAutoscalingTargetConditionalDecision(permission, {
      anyOf: [
        autoscalingTargetConditions.isTenantMember({ claims }),
        autoscalingTargetConditions.isServiceOwner({ claims }),
      ],
    });
  }
  if (permission.attributes.action === 'read')
    return { result: AuthorizeResult.ALLOW };
  if (isResourcePermission(permission, AUTOSCALING_TARGET_RESOURCE_TYPE)) {
    return createAutoscalingTargetConditionalDecision(permission, {
      anyOf: [
        autoscalingTargetConditions.isTenantAdmin({ claims }),
        autoscalingTargetConditions.isServiceOwner({ claims }),
      ],
    });
  }
  return { result: AuthorizeResult.DENY };
}

export function rolePolicyPermissions(): PermissionsService {
  return {
    async authorize(requests, { credentials }) {
      // Without the apply-conditions round trip, a conditional decision counts as DENY here;
      // the code under test uses authorizeConditional for resource permissions.
      return requests.map(r => {
        const d = decide(r.permission, credentials);
        return {
          result:
            d.result === AuthorizeResult.ALLOW
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
        };
      }) as any;
    },
    async authorizeConditional(requests, { credentials }) {
      return requests.map(r => decide(r.permission, credentials)) as any;
    },
  };
}
