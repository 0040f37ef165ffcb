import { createApiRef } from '@backstage/core-plugin-api';
import type {
  AuditEvent,
  AuditVerification,
  ChangeRequest,
  ChangeRequestStatus,
  ClusterCost,
  ClusterStatus,
  Decision,
  EffectivePolicy,
  EngineStatus,
  EntityScalingState,
  HealthResponse,
  KillSwitchState,
  PolicyDocument,
  PolicyLevel,
  PolicyOverride,
  PolicyUpdateResult,
  PolicyValidationResult,
  TargetPermissions,
  TenantForecast,
  TenantTrends,
  TenantSummary,
  WorkloadCost,
  OtherAutoscalerImport,
  WorkloadForecast,
  WorkloadHistory,
  WorkloadRecommendations,
  WorkloadSummary,
  MetricSourceDryRunRequest,
  MetricSourceDryRunResult,
  MetricSourcesResponse,
} from '@internal/plugin-autoscaling-common';

/** Filters of the audit log (`GET /audit`). */
export interface AuditQuery {
  entityRef?: string;
  actor?: string;
  action?: string;
  from?: string;
  to?: string;
  limit?: number;
}

/** Client of the autoscaling backend's REST API: one method per route of docs/api.md. */
export interface AutoscalingApi {
  getHealth(): Promise<HealthResponse>;
  getEngineStatus(): Promise<EngineStatus>;
  setKillSwitch(body: {
    enabled: boolean;
    reason: string;
  }): Promise<KillSwitchState>;
  getClusters(): Promise<ClusterStatus[]>;
  getWorkloads(filter?: {
    tenant?: string;
    cluster?: string;
  }): Promise<WorkloadSummary[]>;
  getEntityState(entityRef: string): Promise<EntityScalingState>;
  getWorkloadHistory(
    workloadId: string,
    hours?: number,
  ): Promise<WorkloadHistory>;
  getWorkloadForecast(workloadId: string): Promise<WorkloadForecast>;
  getWorkloadRecommendations(
    workloadId: string,
  ): Promise<WorkloadRecommendations>;
  getWorkloadCost(workloadId: string): Promise<WorkloadCost>;
  getOtherAutoscalerImport(workloadId: string): Promise<OtherAutoscalerImport>;
  scaleWorkload(
    workloadId: string,
    body: { replicas: number; reason: string },
  ): Promise<Decision>;
  rollbackWorkload(
    workloadId: string,
    body: { reason: string },
  ): Promise<Decision>;
  getTenantSummary(tenant: string): Promise<TenantSummary>;
  /** The tenant's next 24 h of replicas and cost, summed from its workloads' forecasts. */
  getTenantForecast(tenant: string): Promise<TenantForecast>;
  /** Replicas against the quota and spend against the budget over the last `hours`. */
  getTenantTrends(tenant: string, hours?: number): Promise<TenantTrends>;
  /** The cost CSV export (`GET /cost/export`), fetched with the user's identity. */
  exportCost(tenant?: string): Promise<Blob>;
  getClusterCosts(): Promise<ClusterCost[]>;
  getEffectivePolicy(entityRef: string): Promise<EffectivePolicy>;
  getPolicy(level: PolicyLevel, name: string): Promise<PolicyDocument>;
  /** The metric sources installed backend modules added (the policy form's picker). */
  getMetricSources(entityRef: string): Promise<MetricSourcesResponse>;
  /** Runs a query on a source for a workload of the entity: its current value or the error. */
  dryRunMetricQuery(
    body: MetricSourceDryRunRequest,
  ): Promise<MetricSourceDryRunResult>;
  validatePolicy(
    level: PolicyLevel,
    name: string,
    override: PolicyOverride,
  ): Promise<PolicyValidationResult>;
  updatePolicy(
    level: PolicyLevel,
    name: string,
    body: { override: PolicyOverride; version: number; reason: string },
  ): Promise<PolicyUpdateResult>;
  getPermissions(entityRef?: string): Promise<TargetPermissions>;
  getChangeRequests(status?: ChangeRequestStatus): Promise<ChangeRequest[]>;
  approveChangeRequest(id: string, comment: string): Promise<ChangeRequest>;
  rejectChangeRequest(id: string, comment: string): Promise<ChangeRequest>;
  getAuditEvents(query?: AuditQuery): Promise<AuditEvent[]>;
  verifyAudit(): Promise<AuditVerification>;
  /** The audit export (`GET /audit/export`), fetched with the user's identity. */
  exportAudit(format: 'csv' | 'json'): Promise<Blob>;
}

export const autoscalingApiRef = createApiRef<AutoscalingApi>({
  id: 'plugin.autoscaling.service',
});
