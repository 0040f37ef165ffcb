import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
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
import { AuditQuery, AutoscalingApi } from './AutoscalingApi';

const enc = encodeURIComponent;

function queryString(
  params: Record<string, string | number | undefined>,
): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** The one client class: discovery for the base URL, fetchApi for identity. */
export class AutoscalingClient implements AutoscalingApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  getHealth(): Promise<HealthResponse> {
    return this.request('/health');
  }

  getEngineStatus(): Promise<EngineStatus> {
    return this.request('/engine/status');
  }

  getClusterCosts(): Promise<ClusterCost[]> {
    return this.request('/cost/clusters');
  }

  setKillSwitch(body: {
    enabled: boolean;
    reason: string;
  }): Promise<KillSwitchState> {
    return this.request('/engine/kill-switch', { method: 'PUT', body });
  }

  getClusters(): Promise<ClusterStatus[]> {
    return this.request('/clusters');
  }

  getWorkloads(
    filter: { tenant?: string; cluster?: string } = {},
  ): Promise<WorkloadSummary[]> {
    return this.request(`/workloads${queryString(filter)}`);
  }

  getEntityState(entityRef: string): Promise<EntityScalingState> {
    return this.request(`/entities/${entityPath(entityRef)}/state`);
  }

  getWorkloadHistory(workloadId: string, hours = 24): Promise<WorkloadHistory> {
    return this.request(
      `/workloads/${enc(workloadId)}/history${queryString({ hours })}`,
    );
  }

  getWorkloadForecast(workloadId: string): Promise<WorkloadForecast> {
    return this.request(`/workloads/${enc(workloadId)}/forecast`);
  }

  getWorkloadRecommendations(
    workloadId: string,
  ): Promise<WorkloadRecommendations> {
    return this.request(`/workloads/${enc(workloadId)}/recommendations`);
  }

  getOtherAutoscalerImport(workloadId: string): Promise<OtherAutoscalerImport> {
    return this.request(`/workloads/${enc(workloadId)}/other-autoscaler`);
  }

  getWorkloadCost(workloadId: string): Promise<WorkloadCost> {
    return this.request(`/workloads/${enc(workloadId)}/cost`);
  }

  scaleWorkload(
    workloadId: string,
    body: { replicas: number; reason: string },
  ): Promise<Decision> {
    return this.request(`/workloads/${enc(workloadId)}/scale`, {
      method: 'POST',
      body,
    });
  }

  rollbackWorkload(
    workloadId: string,
    body: { reason: string },
  ): Promise<Decision> {
    return this.request(`/workloads/${enc(workloadId)}/rollback`, {
      method: 'POST',
      body,
    });
  }

  getTenantSummary(tenant: string): Promise<TenantSummary> {
    return this.request(`/tenants/${enc(tenant)}/summary`);
  }

  getTenantForecast(tenant: string): Promise<TenantForecast> {
    return this.request(`/tenants/${enc(tenant)}/forecast`);
  }

  getTenantTrends(tenant: string, hours = 24): Promise<TenantTrends> {
    return this.request(
      `/tenants/${enc(tenant)}/trends${queryString({ hours })}`,
    );
  }

  exportCost(tenant?: string): Promise<Blob> {
    return this.download(
      `/cost/export${queryString({ tenant, format: 'csv' })}`,
    );
  }

  getEffectivePolicy(entityRef: string): Promise<EffectivePolicy> {
    return this.request(`/policies/effective${queryString({ entityRef })}`);
  }

  getPolicy(level: PolicyLevel, name: string): Promise<PolicyDocument> {
    return this.request(`/policies/${level}/${enc(name)}`);
  }

  getMetricSources(entityRef: string): Promise<MetricSourcesResponse> {
    return this.request(`/metric-sources${queryString({ entityRef })}`);
  }

  dryRunMetricQuery(
    body: MetricSourceDryRunRequest,
  ): Promise<MetricSourceDryRunResult> {
    return this.request('/metric-sources/dry-run', { method: 'POST', body });
  }

  validatePolicy(
    level: PolicyLevel,
    name: string,
    override: PolicyOverride,
  ): Promise<PolicyValidationResult> {
    return this.request(`/policies/${level}/${enc(name)}/validate`, {
      method: 'POST',
      body: { override },
    });
  }

  updatePolicy(
    level: PolicyLevel,
    name: string,
    body: { override: PolicyOverride; version: number; reason: string },
  ): Promise<PolicyUpdateResult> {
    return this.request(`/policies/${level}/${enc(name)}`, {
      method: 'PUT',
      body,
    });
  }

  getPermissions(entityRef?: string): Promise<TargetPermissions> {
    return this.request(`/permissions${queryString({ entityRef })}`);
  }

  getChangeRequests(status?: ChangeRequestStatus): Promise<ChangeRequest[]> {
    return this.request(`/change-requests${queryString({ status })}`);
  }

  approveChangeRequest(id: string, comment: string): Promise<ChangeRequest> {
    return this.request(`/change-requests/${enc(id)}/approve`, {
      method: 'POST',
      body: { comment },
    });
  }

  rejectChangeRequest(id: string, comment: string): Promise<ChangeRequest> {
    return this.request(`/change-requests/${enc(id)}/reject`, {
      method: 'POST',
      body: { comment },
    });
  }

  getAuditEvents(query: AuditQuery = {}): Promise<AuditEvent[]> {
    return this.request(`/audit${queryString({ ...query })}`);
  }

  verifyAudit(): Promise<AuditVerification> {
    return this.request('/audit/verify');
  }

  exportAudit(format: 'csv' | 'json'): Promise<Blob> {
    return this.download(`/audit/export${queryString({ format })}`);
  }

  private async download(path: string): Promise<Blob> {
    const response = await this.fetchApi.fetch(
      `${await this.baseUrl()}${path}`,
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response.blob();
  }

  private baseUrl(): Promise<string> {
    return this.discoveryApi.getBaseUrl('autoscaling');
  }

  protected async request<T>(
    path: string,
    init: { method?: string; body?: unknown } = {},
  ): Promise<T> {
    const response = await this.fetchApi.fetch(
      `${await this.baseUrl()}${path}`,
      {
        method: init.method ?? 'GET',
        headers:
          init.body !== undefined
            ? { 'Content-Type': 'application/json' }
            : undefined,
        body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
      },
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}

/** `component:default/checkout-api` becomes `default/component/checkout-api`. */
export function entityPath(entityRef: string): string {
  const match = /^([^:]+):(?:([^/]+)\/)?(.+)$/.exec(entityRef);
  if (!match) throw new Error(`Invalid entity ref "${entityRef}"`);
  const [, kind, namespace = 'default', name] = match;
  return [namespace, kind.toLocaleLowerCase('en-US'), name].map(enc).join('/');
}
