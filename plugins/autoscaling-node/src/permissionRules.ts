import {
  createConditionExports,
  createPermissionResourceRef,
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
  /**
   * The tenant Group and every Group below it in the catalog's hierarchy (its `parentOf`
   * relations, recursively): whoever is a member of one of them is a member of the tenant.
   */
  tenantMemberRefs?: string[];
}

/** Filter form of the rules, for listing targets a user may act on. */
export type AutoscalingTargetFilter =
  | {
      property: 'tenantRef' | 'ownerRef' | 'tenantMemberRefs';
      values: string[];
    }
  | { anyOf: AutoscalingTargetFilter[] }
  | { allOf: AutoscalingTargetFilter[] }
  | { not: AutoscalingTargetFilter };

/** Typed reference to the resource type, for rules, conditions and the registry. */
export const autoscalingTargetResourceRef = createPermissionResourceRef<
  AutoscalingTarget,
  AutoscalingTargetFilter
>().with({
  pluginId: 'autoscaling',
  resourceType: AUTOSCALING_TARGET_RESOURCE_TYPE,
});

const claimsSchema = z.object({
  claims: z
    .array(z.string())
    .describe('Ownership entity refs of the user, e.g. group:default/acme'),
});

/** The user is a member of the target's tenant Group: a tenant admin. */
export const isTenantAdmin = createPermissionRule({
  name: 'IS_TENANT_ADMIN',
  description: "Allow users who are members of the target's tenant group",
  resourceRef: autoscalingTargetResourceRef,
  paramsSchema: claimsSchema,
  apply: (resource, { claims }) =>
    resource.tenantRef !== undefined && claims.includes(resource.tenantRef),
  toQuery: ({ claims }) => ({
    property: 'tenantRef',
    values: claims,
  }),
});

/**
 * The user is a member of the target's tenant, directly or through a Group below the tenant
 * Group (a team whose parent is the tenant, and so on). Membership reads (cost and budget);
 * administering the tenant stays with the tenant Group's own members (IS_TENANT_ADMIN).
 */
export const isTenantMember = createPermissionRule({
  name: 'IS_TENANT_MEMBER',
  description:
    "Allow users who are members of the target's tenant group or of a group below it",
  resourceRef: autoscalingTargetResourceRef,
  paramsSchema: claimsSchema,
  apply: (resource, { claims }) => {
    const groups =
      resource.tenantMemberRefs ??
      (resource.tenantRef ? [resource.tenantRef] : []);
    return claims.some(claim => groups.includes(claim));
  },
  toQuery: ({ claims }) => ({
    property: 'tenantMemberRefs',
    values: claims,
  }),
});

/** The user owns the target Component (directly or through a team). */
export const isServiceOwner = createPermissionRule({
  name: 'IS_SERVICE_OWNER',
  description: 'Allow users who own the target service',
  resourceRef: autoscalingTargetResourceRef,
  paramsSchema: claimsSchema,
  apply: (resource, { claims }) =>
    resource.kind === 'component' &&
    resource.ownerRef !== undefined &&
    claims.includes(resource.ownerRef),
  toQuery: ({ claims }) => ({
    property: 'ownerRef',
    values: claims,
  }),
});

export const autoscalingTargetRules = {
  isTenantAdmin,
  isTenantMember,
  isServiceOwner,
};

/** Condition builders for permission policies, e.g. `autoscalingConditions.isTenantAdmin({claims})`. */
export const {
  conditions: autoscalingTargetConditions,
  createConditionalDecision: createAutoscalingTargetConditionalDecision,
} = createConditionExports({
  resourceRef: autoscalingTargetResourceRef,
  rules: autoscalingTargetRules,
});
