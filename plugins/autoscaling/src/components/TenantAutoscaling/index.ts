export { EntityTenantAutoscalingCard } from './EntityTenantAutoscalingCard';
export { EntityTenantAutoscalingContent } from './EntityTenantAutoscalingContent';
