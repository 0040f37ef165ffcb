import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Resource type of the things autoscaling permissions are checked against: a catalog
 * entity that carries a policy (a Component for a service, a Group for a tenant).
 * The resource ref is the entity ref. Rules (tenant membership, ownership) are
 * registered by the backend with the permissions registry.
 */
export const AUTOSCALING_TARGET_RESOURCE_TYPE = 'autoscaling-target';

/** Read scaling state, history, forecasts, recommendations and cost. */
export const autoscalingStateReadPermission = createPermission({
  name: 'autoscaling.state.read',
  attributes: { action: 'read' },
});

/** Read a target's policy and its provenance. */
export const autoscalingPolicyReadPermission = createPermission({
  name: 'autoscaling.policy.read',
  attributes: { action: 'read' },
  resourceType: AUTOSCALING_TARGET_RESOURCE_TYPE,
});

/** Change a target's policy (guardrail crossings still need approval). */
export const autoscalingPolicyUpdatePermission = createPermission({
  name: 'autoscaling.policy.update',
  attributes: { action: 'update' },
  resourceType: AUTOSCALING_TARGET_RESOURCE_TYPE,
});

/** Manually scale or roll back a workload, with a reason. */
export const autoscalingManualScalePermission = createPermission({
  name: 'autoscaling.workload.scale',
  attributes: { action: 'update' },
  resourceType: AUTOSCALING_TARGET_RESOURCE_TYPE,
});

/** Approve or reject change requests (four eyes: never one's own). */
export const autoscalingChangeApprovePermission = createPermission({
  name: 'autoscaling.change.approve',
  attributes: { action: 'update' },
});

/** Engine administration: the global kill switch. */
export const autoscalingAdminPermission = createPermission({
  name: 'autoscaling.engine.admin',
  attributes: { action: 'update' },
});

/** Read, verify and export the audit log. */
export const autoscalingAuditReadPermission = createPermission({
  name: 'autoscaling.audit.read',
  attributes: { action: 'read' },
});

/**
 * Read a target's cost and budget data: a tenant's cost summary and budget, the spend export,
 * a workload's cost and change requests (their reasons and projected costs). Checked against
 * the tenant Group or the service Component. The demo role policy grants it to the tenant's
 * members, the service's owners and the platform team (`autoscaling.governance.costReadScope`,
 * docs/governance.md).
 */
export const autoscalingCostReadPermission = createPermission({
  name: 'autoscaling.cost.read',
  attributes: { action: 'read' },
  resourceType: AUTOSCALING_TARGET_RESOURCE_TYPE,
});

export const autoscalingPermissions = [
  autoscalingStateReadPermission,
  autoscalingPolicyReadPermission,
  autoscalingPolicyUpdatePermission,
  autoscalingManualScalePermission,
  autoscalingChangeApprovePermission,
  autoscalingAdminPermission,
  autoscalingAuditReadPermission,
  autoscalingCostReadPermission,
];
