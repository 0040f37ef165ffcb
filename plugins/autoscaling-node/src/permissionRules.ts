import {
  createConditionExports,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import { AUTOSCALING_TARGET_RESOURCE_TYPE } from '@internal/plugin-autoscaling-common';
import { z } from 'zod';

/** What permission rules see of a policy target (a service Component or a tenant Group). */
export interface AutoscalingTarget {
  entityRef: string;
  kind: 'component' | 'group';
  /** The tenant Group the target belongs to (itself, for a tenant). */
  tenantRef?: string;
  /** The entity's owner (for a Component). */
  ownerRef?: string;
}

/** Filter form of the rules, for listing targets a user may act on. */
export type AutoscalingTargetFilter =
  | { property: 'tenantRef' | 'ownerRef'; values: string[] }
  | { anyOf: AutoscalingTargetFilter[] }
  | { allOf: AutoscalingTargetFilter[] }
  | { not: AutoscalingTargetFilter };

const claimsSchema = z.object({
  claims: z
    .array(z.string())
    .describe('Ownership entity refs of the user, e.g. group:default/acme'),
});

/** The user is a member of the target's tenant Group: a tenant admin. */
export const isTenantAdmin = createPermissionRule({
  name: 'IS_TENANT_ADMIN',
  description: "Allow users who are members of the target's tenant group",
  resourceType: AUTOSCALING_TARGET_RESOURCE_TYPE,
  paramsSchema: claimsSchema,
  apply: (resource: AutoscalingTarget, { claims }) =>
    resource.tenantRef !== undefined && claims.includes(resource.tenantRef),
  toQuery: ({ claims }): AutoscalingTargetFilter => ({
    property: 'tenantRef',
    values: claims,
  }),
});

/** The user owns the target Component (directly or through a team). */
export const isServiceOwner = createPermissionRule({
  name: 'IS_SERVICE_OWNER',
  description: 'Allow users who own the target service',
  resourceType: AUTOSCALING_TARGET_RESOURCE_TYPE,
  paramsSchema: claimsSchema,
  apply: (resource: AutoscalingTarget, { claims }) =>
    resource.kind === 'component' &&
    resource.ownerRef !== undefined &&
    claims.includes(resource.ownerRef),
  toQuery: ({ claims }): AutoscalingTargetFilter => ({
    property: 'ownerRef',
    values: claims,
  }),
});

export const autoscalingTargetRules = { isTenantAdmin, isServiceOwner };

/** Condition builders for permission policies, e.g. `autoscalingConditions.isTenantAdmin({claims})`. */
export const {
  conditions: autoscalingTargetConditions,
  createConditionalDecision: createAutoscalingTargetConditionalDecision,
} = createConditionExports({
  pluginId: 'autoscaling',
  resourceType: AUTOSCALING_TARGET_RESOURCE_TYPE,
  rules: autoscalingTargetRules,
});
