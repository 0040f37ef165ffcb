/**
 * Wire types of the REST API under /api/autoscaling. The backend's OpenAPI document
 * (plugins/autoscaling-backend/src/schema/openapi.yaml) describes the same shapes.
 * Times are ISO-8601 strings; money is in the price catalog's currency.
 */
import type { PolicyMode, PolicyOverride, ScalingPolicy } from './policy';

export interface HealthResponse {
  status: 'ok';
  engine: { killSwitch: boolean; clusters: number; workloads: number };
}

/** A machine code plus a sentence a person understands. */
export interface Reason {
  code: string;
  message: string;
}

export type ConditionType = 'AbleToScale' | 'ScalingActive' | 'ScalingLimited';
export interface Condition {
  type: ConditionType;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

export type TenantTier = 'enterprise' | 'premium' | 'basic';

export interface WorkloadRef {
  cluster: string;
  namespace: string;
  /** Kubernetes Deployment or StatefulSet, or a Docker Compose service. */
  kind: 'Deployment' | 'StatefulSet' | 'ComposeService';
  name: string;
}

/** What happened to a decision after the engine made it. */
export type DecisionOutcome =
  | 'applied'
  | 'dry-run'
  | 'forecast-only'
  | 'unchanged'
  | 'kill-switch'
  | 'conflict'
  | 'failed'
  | 'off'
  /** Another autoscaler (an HPA or a KEDA ScaledObject) targets the workload: nothing written. */
  | 'other-autoscaler';

/**
 * What limited a decision: the policy's maximum or minimum (or an open schedule window's), the
 * scale-up rate of the behaviour, the tenant quota, the global maximum, the cluster's capacity,
 * or a budget emergency ceiling.
 */
export type ClampBy =
  | 'max'
  | 'min'
  | 'rate'
  | 'quota'
  | 'global-max'
  | 'cluster-capacity'
  | 'budget';

/** A decision's clamp, as the engine applied it (decisions stored before it have none). */
export interface DecisionClamp {
  /** The binding limit: the one applied last. */
  by: ClampBy;
  /** Replicas the decision was held to. */
  limit: number;
  /** Replicas the engine asked for before any limit (metrics or forecast); null when unknown. */
  wanted: number | null;
  /** Other limits that also held it, innermost first. */
  also: ClampBy[];
}

export interface Decision {
  id: string;
  workloadId: string;
  at: string;
  kind: 'scale' | 'hold' | 'blocked';
  from: number;
  to: number;
  mode: PolicyMode;
  outcome: DecisionOutcome;
  reasons: Reason[];
  /** Set when a limit held the decision (see `DecisionClamp`). */
  clamp?: DecisionClamp;
  /** Set when the decision was a manual scale or rollback. */
  actor?: string;
  error?: string;
}

export interface MetricStatus {
  name: string;
  current: number | null;
  target: number;
  unit: string;
}

export interface WorkloadSummary {
  id: string;
  ref: WorkloadRef;
  entityRef: string;
  tenant: string;
  environment: string;
  tier: TenantTier;
  mode: PolicyMode;
  currentReplicas: number;
  readyReplicas: number;
  desiredReplicas: number;
  minReplicas: number;
  maxReplicas: number;
  /**
   * CPU utilisation, percent, when known: of the pods' CPU requests (Kubernetes), of the
   * container's CPU limit (a Compose service, which has no requests).
   */
  cpuUtilization: number | null;
  hourlyCost: number | null;
  lastEvaluatedAt: string | null;
}

export interface WorkloadState extends WorkloadSummary {
  conditions: Condition[];
  metrics: MetricStatus[];
  lastDecision: Decision | null;
  predictiveFloor: number | null;
  /**
   * An HPA or KEDA ScaledObject that also targets this workload: the engine writes nothing while
   * it exists (absent on rows written before the check).
   */
  otherAutoscaler?: OtherAutoscalerRef | null;
}

/** `GET /workloads/:id/other-autoscaler`: the other autoscaler's settings as a policy override. */
export interface OtherAutoscalerImport {
  autoscaler: OtherAutoscalerRef;
  override: PolicyOverride;
  /** What could not be imported, in sentences. */
  notes: string[];
  /** How to delete the object once its settings are in the policy. */
  deleteCommand: string;
}

/** Another autoscaler found on the cluster targeting a workload. */
export interface OtherAutoscalerRef {
  kind: 'HorizontalPodAutoscaler' | 'ScaledObject';
  namespace: string;
  name: string;
  minReplicas: number | null;
  maxReplicas: number | null;
}

export interface EntityScalingState {
  entityRef: string;
  workloads: WorkloadState[];
}

export interface HistoryPoint {
  at: string;
  replicas: number;
  readyReplicas: number;
  desiredReplicas: number;
  demand: number | null;
  cpuUtilization: number | null;
}

export interface WorkloadHistory {
  workloadId: string;
  points: HistoryPoint[];
  decisions: Decision[];
}

export interface ForecastPoint {
  at: string;
  /** Demand, in the forecast's `unit`. */
  forecast: number;
  /** The 80% band (10% and 90% quantiles); NaN-free: null when the model has no band yet. */
  lower: number | null;
  upper: number | null;
  /** The same in replicas: demand / one pod's demand at the policy's target, rounded up. */
  replicas: number;
  replicasLower: number | null;
  replicasUpper: number | null;
}

/** How the chosen model did: rolling-origin backtest at fit time, and live since. */
export interface ForecastAccuracy {
  /** Mean absolute scaled error against seasonal naive (below 1 beats repeating yesterday). */
  mase: number | null;
  /** Horizon the MASE is measured at, seconds. */
  horizonSeconds: number;
  /** Share of observed values inside the 80% band (0..1), null until measured. */
  bandCoverage: number | null;
  /** Live error relative to the seasonal naive's at the lead horizon (null until scored). */
  liveRelativeError: number | null;
  liveComparisons: number;
}

export interface ForecastFloor {
  strategy: 'floor' | 'plan';
  /** applied: raised or set replicas; capped: applied but capped; reported: forecast-only;
   *  reactive: no floor (no model yet, not trusted, predictive off). */
  status: 'applied' | 'capped' | 'reported' | 'reactive';
  /** Replicas the forecast asks for now (null when reactive only). */
  replicas: number | null;
  /** The forecast peak over the lead time behind it. */
  peak: { at: string; demand: number } | null;
  leadTimeSeconds: number;
  reasons: Reason[];
}

export interface WorkloadForecast {
  workloadId: string;
  generatedAt: string | null;
  /** Unit of demand values, e.g. "cores" (CPU used by the workload) or "rps". */
  unit: string;
  /** Demand one pod carries at the policy's target, in `unit` (turns demand into replicas). */
  perPodTarget: number | null;
  model: string | null;
  /** Why the forecaster chose its model, or why it only reacts (short history). */
  reasons: Reason[];
  stepSeconds: number;
  horizonSeconds: number;
  /** The next 24 h at 5-minute steps. */
  points: ForecastPoint[];
  accuracy: ForecastAccuracy | null;
  /** Replicas the forecast asks for over the lead time, before clamps (= floor.replicas). */
  predictiveFloor: number | null;
  floor: ForecastFloor;
  /** Anomalies of the last 7 days. */
  anomalies: Array<{ at: string; value: number; score: number }>;
  /** When there is no model yet: when the first forecast is expected (null if unknown). */
  firstForecastAt: string | null;
}

/**
 * How much history stands behind a vertical recommendation: `none` under 1 h (no usable range),
 * `low` under a day, `medium` under a week, `high` from a week.
 */
export type VerticalConfidenceLevel = 'none' | 'low' | 'medium' | 'high';

export interface VerticalRecommendation {
  container: string;
  resource: 'cpu' | 'memory';
  /** The pod template's request. Unit: cores for cpu, bytes for memory. */
  current: number | null;
  /** The pod template's limit, same unit; null without one. */
  currentLimit: number | null;
  target: number;
  lowerBound: number;
  upperBound: number;
  /**
   * 0–1: c / (1 + c) for c days of history, the ratio of the P95 estimate to the upper bound
   * (0.5 = one day, 0.875 = a week). Not a probability.
   */
  confidence: number;
  /** c, the history behind the bounds in days. */
  confidenceDays: number;
  confidenceLevel: VerticalConfidenceLevel;
  /** OOM kills of the container observed (they raise the memory recommendation). */
  oomKills: number;
  /** Monthly cost of lowering the request to the target on the current replicas; 0 when it rises. */
  monthlySavings: number | null;
}

export interface WorkloadRecommendations {
  workloadId: string;
  /**
   * The replicas the horizontal engine would set with the recommended requests (Resource
   * utilisation is relative to requests), within the policy's bounds.
   */
  horizontal: {
    minReplicas: number;
    maxReplicas: number;
    currentReplicas: number;
    replicas: number;
    reasons: Reason[];
  } | null;
  vertical: VerticalRecommendation[];
  /** Sum of the rows' monthlySavings, with the cost card's prices; null without cost data. */
  monthlySavings: number | null;
  currency: string | null;
  /** `vertical.mode` at the last evaluation (`Off` before the first). */
  mode: 'Off' | 'Initial' | 'Auto';
  /** What `Initial`/`Auto` did or would have done, newest first (at most 10). */
  actions: VerticalActionRecord[];
  /** `Initial`: the changes waiting for the workload's next rollout. */
  waiting: VerticalChangeRecord[];
}

/** One request change of a vertical action (cores for cpu, bytes for memory). */
export interface VerticalChangeRecord {
  container: string;
  resource: 'cpu' | 'memory';
  from: number | null;
  to: number;
}

/** A vertical write (or why it was not made). */
export interface VerticalActionRecord {
  at: string;
  mode: 'Initial' | 'Auto';
  /** `in-place`: pods/resize, no restart; `rolling-update`: the pod template (Auto); `template`: onto a rollout under way (Initial). */
  method: 'in-place' | 'rolling-update' | 'template';
  outcome:
    | 'applied'
    | 'dry-run'
    | 'forecast-only'
    | 'off'
    | 'kill-switch'
    | 'failed'
    | 'conflict'
    | 'change-request'
    /** A rolling update waits: a PodDisruptionBudget allows no disruption now (in `error`). */
    | 'disruption-budget';
  changes: VerticalChangeRecord[];
  /** In place: pods resized. */
  pods?: number;
  changeRequestId?: string;
  error?: string;
  reason: string;
}

export interface SpotAdvice {
  suitable: boolean;
  checklist: Array<{ item: string; ok: boolean }>;
  monthlySavings: number;
}

export interface CostBreakdown {
  currency: string;
  hourly: number;
  monthToDate: number;
  projectedMonth: { value: number; lower: number; upper: number };
  savings: Array<{
    kind: 'vertical' | 'predictive' | 'spot';
    monthly: number;
    description: string;
  }>;
  spot: SpotAdvice | null;
}

export interface WorkloadCost extends CostBreakdown {
  workloadId: string;
}

export type BudgetStatus = 'ok' | 'warning' | 'emergency';

export interface TenantSummary {
  tenant: string;
  entityRef: string;
  tier: TenantTier;
  replicaQuota: number | null;
  monthlyBudget: number | null;
  totalReplicas: number;
  budgetStatus: BudgetStatus;
  cost: CostBreakdown;
  workloads: WorkloadSummary[];
}

export interface ClusterStatus {
  name: string;
  url: string;
  /** `kubernetes`, or the kind of a module's target such as `docker-compose`. */
  kind?: string;
  circuit: 'closed' | 'open';
  consecutiveFailures: number;
  workloads: number;
  lastTickAt: string | null;
  lastError: string | null;
}

export interface KillSwitchState {
  enabled: boolean;
  changedBy: string | null;
  changedAt: string | null;
  reason: string | null;
}

/** `GET /cost/clusters`: a cluster's cost per hour; idle needs a configured capacity. */
export interface ClusterCost {
  cluster: string;
  currency: string;
  hourly: { allocated: number; capacity: number | null; idle: number | null };
  idleFraction: number | null;
}

export interface EngineStatus {
  killSwitch: KillSwitchState;
  clusters: ClusterStatus[];
}

/** Levels of policy inheritance, outermost first. */
export type PolicyLevel =
  | 'global'
  | 'environment'
  | 'tier'
  | 'tenant'
  | 'service';

export interface PolicyTarget {
  level: PolicyLevel;
  /** 'default' for global; environment, tier or tenant name; service entity ref. */
  name: string;
}

export interface PolicyDocument {
  target: PolicyTarget;
  version: number;
  override: PolicyOverride;
  updatedBy: string | null;
  updatedAt: string | null;
}

export interface EffectivePolicy {
  entityRef: string;
  policy: ScalingPolicy;
  /** For each field path (dot notation), the level that set it. */
  provenance: Record<string, PolicyLevel | 'default'>;
  documents: PolicyDocument[];
}

export interface GuardrailFinding {
  code:
    | 'ABOVE_TENANT_QUOTA'
    | 'PRODUCTION_BOUNDS_CHANGE'
    | 'PRODUCTION_DISABLED'
    | 'COST_INCREASE'
    | 'ABOVE_BUDGET';
  message: string;
  path?: string;
}

export interface PolicyDiffEntry {
  path: string;
  before: unknown;
  after: unknown;
}

export interface BacktestSummary {
  overloadedSeconds: number;
  replicaHours: number;
  monthlyCost: number;
}

export interface Backtest {
  from: string;
  to: string;
  old: BacktestSummary;
  new: BacktestSummary;
  /**
   * The cost model behind `monthlyCost`: the service's price of one replica-hour (the cost
   * card's prices and requests) and its currency. Absent on backtests stored before.
   */
  pricing?: { currency: string; replicaHourly: number };
  series: Array<{
    at: string;
    demand: number;
    oldReplicas: number;
    newReplicas: number;
  }>;
}

export type ChangeRequestStatus =
  | 'pending'
  | 'applied'
  | 'rejected'
  | 'superseded';

export interface ChangeRequest {
  id: string;
  target: PolicyTarget;
  entityRef: string;
  requestedBy: string;
  requestedAt: string;
  reason: string;
  status: ChangeRequestStatus;
  baseVersion: number;
  proposed: PolicyOverride;
  diff: PolicyDiffEntry[];
  guardrails: GuardrailFinding[];
  backtest: Backtest | null;
  decidedBy: string | null;
  decidedAt: string | null;
  comment: string | null;
}

export interface PolicyValidationResult {
  valid: boolean;
  issues: Array<{ path: string; message: string }>;
  guardrails: GuardrailFinding[];
  diff: PolicyDiffEntry[];
}

export type PolicyUpdateResult =
  | { status: 'applied'; document: PolicyDocument }
  | { status: 'pending-approval'; changeRequest: ChangeRequest };

export interface AuditEvent {
  id: number;
  at: string;
  actor: string;
  action:
    | 'policy.update'
    | 'change.request'
    | 'change.approve'
    | 'change.reject'
    | 'workload.scale'
    | 'workload.rollback'
    | 'engine.kill-switch'
    | 'engine.actuate';
  target: string;
  before: unknown;
  after: unknown;
  reason: string;
  prevHash: string;
  hash: string;
}

/** One problem `GET /audit/verify` found. */
export interface AuditBrokenRow {
  /** The row at fault (the first missing id for a gap or a truncated tail). */
  id: number;
  message: string;
}

/** A copy of the audit chain head kept outside the audit table (an export's X-Audit-Anchor). */
export interface AuditAnchor {
  /** The last audit row id when anchored (the chain's length). */
  lastId: number;
  /** The hash of that row. */
  hash: string;
  at: string;
  /** `checkpoint` (periodic), `export` or `manual`. */
  source: string;
}

/** `GET /audit/verify` (optionally `?anchor=<row id>:<hash>`). */
export interface AuditVerification {
  /** No broken row, and every anchor matched. */
  ok: boolean;
  /** Rows walked. */
  checked: number;
  /** The lowest broken row id. */
  firstBrokenId: number | null;
  /** A summary: the first five problems and how many more. */
  message: string;
  /** Every problem in chain order, at most 1000 (a truncated tail is one entry). */
  broken: AuditBrokenRow[];
  /** How many problems there are. */
  brokenTotal: number;
  /** The latest stored anchor the chain was checked against, null before the first. */
  anchor: AuditAnchor | null;
}

/** Whether the current user may do each action on a target, and why not. */
export interface TargetPermissions {
  canEditPolicy: boolean;
  canScale: boolean;
  canApprove: boolean;
  canAdminister: boolean;
  canReadAudit: boolean;
}

/** The next 24 h of a tenant's replicas and cost, summed from its workloads' forecasts. */
export interface TenantTrendPoint {
  at: string;
  /** Replicas of the tenant's workloads then (each at its last recorded count). */
  replicas: number;
  /**
   * Spend rate then, per month (cost per hour × 730, the cost card's model: max of requests
   * and CPU usage at the catalog's prices); null for a caller without autoscaling.cost.read.
   */
  monthlyRate: number | null;
}

/** The tenant's past: replicas against its quota and spend against its budget. */
export interface TenantTrends {
  tenant: string;
  /** Hours looked back. */
  hours: number;
  stepSeconds: number;
  /** Null for a caller without autoscaling.cost.read on the tenant. */
  currency: string | null;
  replicaQuota: number | null;
  /** Null without a budget, or for a caller without autoscaling.cost.read. */
  monthlyBudget: number | null;
  points: TenantTrendPoint[];
}

export interface TenantForecastPoint {
  at: string;
  /** Sum over the tenant's workloads of forecast replicas (workloads without a model count at their current replicas). */
  replicas: number;
  replicasLower: number;
  replicasUpper: number;
  /** Cost per hour at those replicas, in the price catalog's currency (null without prices). */
  hourlyCost: number | null;
}

export interface TenantForecast {
  tenant: string;
  generatedAt: string;
  stepSeconds: number;
  currency: string | null;
  /** Workloads of the tenant, and how many of them have a forecast (the rest are flat). */
  workloads: number;
  forecasted: number;
  replicaQuota: number | null;
  points: TenantForecastPoint[];
}
