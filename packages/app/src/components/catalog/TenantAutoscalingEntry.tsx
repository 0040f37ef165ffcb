// Placeholder seam for the tenant (Group) Autoscaling tab; filled when the tenant views exist.
export const TenantAutoscalingEntry = null;
