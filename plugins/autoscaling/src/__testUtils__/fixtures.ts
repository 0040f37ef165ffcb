/* Wire-shaped fixtures for component tests (the numbers are what the cards must show). */
import type {
  ChangeRequest,
  EffectivePolicy,
  ClusterCost,
  EngineStatus,
  EntityScalingState,
  PolicyDocument,
  TargetPermissions,
  TenantForecast,
  TenantSummary,
  WorkloadCost,
  WorkloadForecast,
  WorkloadHistory,
  WorkloadRecommendations,
  WorkloadState,
  AuditEvent,
} from '@internal/plugin-autoscaling-common';

export const ENTITY_REF = 'component:default/checkout-api';
export const WORKLOAD_ID = 'prod-eu/shop/Deployment/checkout-api';

export const workloadState: WorkloadState = {
  id: WORKLOAD_ID,
  ref: {
    cluster: 'prod-eu',
    namespace: 'shop',
    kind: 'Deployment',
    name: 'checkout-api',
  },
  entityRef: ENTITY_REF,
  tenant: 'acme',
  environment: 'production',
  tier: 'enterprise',
  mode: 'auto',
  currentReplicas: 4,
  readyReplicas: 4,
  desiredReplicas: 6,
  minReplicas: 2,
  maxReplicas: 20,
  cpuUtilization: 91,
  hourlyCost: 1.25,
  lastEvaluatedAt: '2026-01-01T11:59:45Z',
  conditions: [
    {
      type: 'AbleToScale',
      status: 'True',
      reason: 'SucceededRescale',
      message: 'scaled to 4',
    },
    {
      type: 'ScalingLimited',
      status: 'False',
      reason: 'DesiredWithinRange',
      message: 'within bounds',
    },
  ],
  metrics: [{ name: 'cpu', current: 91, target: 70, unit: '%' }],
  lastDecision: {
    id: 'd2',
    workloadId: WORKLOAD_ID,
    at: '2026-01-01T11:30:00Z',
    kind: 'scale',
    from: 3,
    to: 4,
    mode: 'auto',
    outcome: 'applied',
    reasons: [
      {
        code: 'METRIC_ABOVE_TARGET',
        message: 'CPU at 91% of requests is above the 70% target.',
      },
    ],
  },
  predictiveFloor: 5,
};

export const entityState: EntityScalingState = {
  entityRef: ENTITY_REF,
  workloads: [workloadState],
};

export const history: WorkloadHistory = {
  workloadId: WORKLOAD_ID,
  points: [
    {
      at: '2026-01-01T11:00:00Z',
      replicas: 3,
      readyReplicas: 3,
      desiredReplicas: 3,
      demand: 2.5,
      cpuUtilization: 60,
    },
    {
      at: '2026-01-01T11:30:00Z',
      replicas: 4,
      readyReplicas: 4,
      desiredReplicas: 4,
      demand: 3.6,
      cpuUtilization: 85,
    },
  ],
  decisions: [
    workloadState.lastDecision!,
    {
      id: 'd1',
      workloadId: WORKLOAD_ID,
      at: '2026-01-01T11:00:00Z',
      kind: 'hold',
      from: 3,
      to: 3,
      mode: 'auto',
      outcome: 'unchanged',
      reasons: [
        {
          code: 'WITHIN_TOLERANCE',
          message: 'CPU is within 10% of its target.',
        },
      ],
    },
  ],
};

/**
 * Forecast generated at 12:00 UTC: 24 h at 5-minute steps of a daily curve peaking at 3.4 cores
 * at 14:30 UTC (0.4 cores per pod at the target, so 9 replicas at the peak), with its 80% band.
 * The floor looks 10 minutes ahead and is applied.
 */
export const FORECAST_START = Date.parse('2026-01-01T12:05:00Z');
const PER_POD = 0.4;
function forecastPoint(i: number) {
  const at = FORECAST_START + i * 300_000;
  // Peak (exactly 3.4) only at i = 29 (14:30), trough 1.0 twelve hours later.
  const value = 2.2 + 1.2 * Math.cos(((i - 29) * 2 * Math.PI) / 288);
  return {
    at: new Date(at).toISOString(),
    forecast: value,
    lower: value * 0.85,
    upper: value * 1.2,
    replicas: Math.ceil(value / PER_POD - 1e-9),
    replicasLower: Math.ceil((value * 0.85) / PER_POD - 1e-9),
    replicasUpper: Math.ceil((value * 1.2) / PER_POD - 1e-9),
  };
}

export const forecast: WorkloadForecast = {
  workloadId: WORKLOAD_ID,
  generatedAt: '2026-01-01T12:00:00Z',
  unit: 'cores',
  perPodTarget: PER_POD,
  model: 'holt-winters (daily season)',
  reasons: [
    {
      code: 'SEASONAL_MODEL',
      message: 'A daily pattern explains 87% of the variance.',
    },
  ],
  stepSeconds: 300,
  horizonSeconds: 86_400,
  points: Array.from({ length: 288 }, (_, i) => forecastPoint(i)),
  accuracy: {
    mase: 0.62,
    horizonSeconds: 3600,
    bandCoverage: 0.81,
    liveRelativeError: null,
    liveComparisons: 0,
  },
  predictiveFloor: 5,
  floor: {
    strategy: 'floor',
    status: 'applied',
    replicas: 5,
    peak: { at: '2026-01-01T12:10:00Z', demand: 1.9 },
    leadTimeSeconds: 600,
    reasons: [
      {
        code: 'PredictiveFloor',
        message:
          'peak forecast 1.9 (p90) at 2026-01-01T12:10:00.000Z within 10 min / 0.4 per pod = 5 replicas (holt-winters)',
      },
    ],
  },
  anomalies: [{ at: '2026-01-01T10:00:00Z', value: 6.1, score: 5.2 }],
  firstForecastAt: null,
};

/** No model yet: 2 h of history, the first forecast at 15:00 UTC. */
export const noForecast: WorkloadForecast = {
  ...forecast,
  generatedAt: null,
  model: null,
  reasons: [
    {
      code: 'NoForecast',
      message: 'needs 24 h of history for a daily pattern, has 2 h',
    },
  ],
  points: [],
  accuracy: null,
  predictiveFloor: null,
  floor: {
    strategy: 'floor',
    status: 'reactive',
    replicas: null,
    peak: null,
    leadTimeSeconds: 600,
    reasons: [],
  },
  anomalies: [],
  firstForecastAt: '2026-01-01T15:00:00Z',
};

/** The tenant's next 24 h: peak 38 replicas at 19:00 UTC, $0.40 per replica-hour. */
export const tenantForecast: TenantForecast = {
  tenant: 'acme',
  generatedAt: '2026-01-01T12:00:00Z',
  stepSeconds: 3600,
  currency: 'USD',
  workloads: 3,
  forecasted: 2,
  replicaQuota: 60,
  points: Array.from({ length: 24 }, (_, i) => {
    const at = Date.parse('2026-01-01T12:00:00Z') + i * 3600_000;
    const replicas = i === 7 ? 38 : 20 + (i % 5);
    return {
      at: new Date(at).toISOString(),
      replicas,
      replicasLower: replicas - 4,
      replicasUpper: replicas + 6,
      hourlyCost: Math.round(replicas * 0.4 * 100) / 100,
    };
  }),
};

export const recommendations: WorkloadRecommendations = {
  workloadId: WORKLOAD_ID,
  horizontal: null,
  vertical: [
    {
      container: 'app',
      resource: 'cpu',
      current: 1,
      currentLimit: null,
      target: 0.5,
      lowerBound: 0.4,
      upperBound: 0.7,
      confidence: 0.9,
      confidenceDays: 9,
      confidenceLevel: 'high',
      oomKills: 0,
      monthlySavings: 42.5,
    },
  ],
  monthlySavings: 42.5,
  currency: 'USD',
  mode: 'Off',
  actions: [],
  waiting: [],
};

export const cost: WorkloadCost = {
  workloadId: WORKLOAD_ID,
  currency: 'USD',
  hourly: 1.25,
  monthToDate: 312.4,
  projectedMonth: { value: 905, lower: 820, upper: 990 },
  savings: [
    {
      kind: 'vertical',
      monthly: 42.5,
      description: 'Right-size app CPU from 1 core to 500m',
    },
    { kind: 'spot', monthly: 120, description: 'Run on spot instances' },
  ],
  spot: {
    suitable: true,
    checklist: [
      { item: 'Stateless', ok: true },
      { item: 'More than one replica', ok: true },
      { item: 'Has a disruption budget', ok: true },
      { item: 'No local state', ok: true },
    ],
    monthlySavings: 120,
  },
};

export const allowAll: TargetPermissions = {
  canEditPolicy: true,
  canScale: true,
  canApprove: true,
  canAdminister: true,
  canReadAudit: true,
};

export const denyAll: TargetPermissions = {
  canEditPolicy: false,
  canScale: false,
  canApprove: false,
  canAdminister: false,
  canReadAudit: false,
};

export const servicePolicy: PolicyDocument = {
  target: { level: 'service', name: ENTITY_REF },
  version: 3,
  override: { maxReplicas: 20, preset: 'balanced' },
  updatedBy: 'user:default/alice',
  updatedAt: '2026-01-01T10:00:00Z',
};

export const effectivePolicy: EffectivePolicy = {
  entityRef: ENTITY_REF,
  policy: {
    preset: 'balanced',
    minReplicas: 2,
    maxReplicas: 20,
    metrics: [
      {
        type: 'Resource',
        resource: 'cpu',
        target: { type: 'Utilization', averageUtilization: 70 },
      },
    ],
    queries: {},
    cooldownSeconds: 0,
    evaluationIntervalSeconds: 15,
    mode: 'auto',
    predictive: {
      enabled: true,
      leadTimeSeconds: 300,
      minHistorySeconds: 86400,
      maxHistorySeconds: 1209600,
      quantile: 0.9,
      honorMaxReplicas: true,
      strategy: 'floor',
      targetUtilization: 85,
      maxPeakMultiple: 1.5,
    },
    schedules: [],
    vertical: {
      mode: 'Off',
      minAllowed: {},
      maxAllowed: {},
      controlledResources: ['cpu', 'memory'],
    },
  },
  provenance: {
    minReplicas: 'environment',
    maxReplicas: 'service',
    preset: 'service',
    mode: 'default',
    'predictive.enabled': 'tier',
  },
  documents: [servicePolicy],
};

export const changeRequest: ChangeRequest = {
  id: 'cr-1',
  target: { level: 'service', name: ENTITY_REF },
  entityRef: ENTITY_REF,
  requestedBy: 'user:default/alice',
  requestedAt: '2026-01-01T11:00:00Z',
  reason: 'Black Friday',
  status: 'pending',
  baseVersion: 3,
  proposed: { maxReplicas: 80 },
  diff: [{ path: 'maxReplicas', before: 20, after: 80 }],
  guardrails: [
    {
      code: 'ABOVE_TENANT_QUOTA',
      message: 'maxReplicas 80 is above the tenant quota of 60',
      path: 'maxReplicas',
    },
  ],
  backtest: {
    from: '2025-12-31T12:00:00Z',
    to: '2026-01-01T12:00:00Z',
    old: { overloadedSeconds: 1800, replicaHours: 96, monthlyCost: 900 },
    new: { overloadedSeconds: 0, replicaHours: 110, monthlyCost: 1030 },
    series: [
      {
        at: '2026-01-01T10:00:00Z',
        demand: 18,
        oldReplicas: 20,
        newReplicas: 20,
      },
      {
        at: '2026-01-01T11:00:00Z',
        demand: 30,
        oldReplicas: 20,
        newReplicas: 30,
      },
    ],
  },
  decidedBy: null,
  decidedAt: null,
  comment: null,
};

export const tenantSummary: TenantSummary = {
  tenant: 'acme',
  entityRef: 'group:default/acme',
  tier: 'enterprise',
  replicaQuota: 60,
  monthlyBudget: 9000,
  totalReplicas: 27,
  budgetStatus: 'warning',
  cost: {
    currency: 'USD',
    hourly: 10.5,
    monthToDate: 5200,
    projectedMonth: { value: 7650, lower: 7100, upper: 8200 },
    savings: [
      {
        kind: 'predictive',
        monthly: 300,
        description: 'Predictive scaling instead of static peak',
      },
    ],
    spot: null,
  },
  workloads: [
    workloadState,
    {
      ...workloadState,
      id: 'w2',
      entityRef: 'component:default/storefront',
      ref: { ...workloadState.ref, name: 'storefront' },
      currentReplicas: 23,
      hourlyCost: 9.25,
    },
  ],
};

/** prod-eu has a configured capacity (idle known), staging has none. */
export const clusterCosts: ClusterCost[] = [
  {
    cluster: 'prod-eu',
    currency: 'USD',
    hourly: { allocated: 3.2, capacity: 4, idle: 0.8 },
    idleFraction: 0.2,
  },
  {
    cluster: 'staging',
    currency: 'USD',
    hourly: { allocated: 0.45, capacity: null, idle: null },
    idleFraction: null,
  },
];

export const engineStatus: EngineStatus = {
  killSwitch: {
    enabled: false,
    changedBy: null,
    changedAt: null,
    reason: null,
  },
  clusters: [
    {
      name: 'prod-eu',
      url: 'https://k8s',
      circuit: 'closed',
      consecutiveFailures: 0,
      workloads: 5,
      lastTickAt: '2026-01-01T11:59:50Z',
      lastError: null,
    },
    {
      name: 'staging',
      url: 'https://k8s2',
      circuit: 'open',
      consecutiveFailures: 4,
      workloads: 2,
      lastTickAt: null,
      lastError: 'ECONNREFUSED',
    },
  ],
};

export const auditEvents: AuditEvent[] = [
  {
    id: 2,
    at: '2026-01-01T11:00:00Z',
    actor: 'user:default/alice',
    action: 'policy.update',
    target: 'service:component:default/checkout-api',
    before: { maxReplicas: 10 },
    after: { maxReplicas: 20 },
    reason: 'more headroom',
    prevHash: 'a',
    hash: 'b',
  },
];

/**
 * storefront-web of the issue: 12 of 12 replicas at 155% CPU while the engine asks for 28, held
 * at its maximum (the engine's reasons, as decideHorizontal writes them).
 */
export const clampedDecision: WorkloadState['lastDecision'] = {
  id: 'd-clamped',
  workloadId: WORKLOAD_ID,
  at: '2026-01-01T11:45:00Z',
  kind: 'hold',
  from: 12,
  to: 12,
  mode: 'auto',
  outcome: 'unchanged',
  reasons: [
    { code: 'MetricsProposal', message: 'cpu asks for 28 replicas (now 12)' },
    {
      code: 'TooManyReplicas',
      message:
        'the desired replica count is more than the maximum replica count (28 → 12)',
    },
  ],
};

export const clampedState: WorkloadState = {
  ...workloadState,
  currentReplicas: 12,
  readyReplicas: 12,
  desiredReplicas: 12,
  minReplicas: 2,
  maxReplicas: 12,
  cpuUtilization: 155,
  conditions: [
    workloadState.conditions[0],
    {
      type: 'ScalingLimited',
      status: 'True',
      reason: 'TooManyReplicas',
      message:
        'the desired replica count is more than the maximum replica count',
    },
  ],
  metrics: [{ name: 'cpu', current: 155, target: 70, unit: '%' }],
  lastDecision: clampedDecision,
};
