import { LoggerService } from '@backstage/backend-plugin-api';
import {
  parseQuantity,
  type BudgetStatus,
  type Condition,
  type Decision as DecisionDto,
  type DecisionClamp,
  type DecisionOutcome,
  type KillSwitchState,
  type MetricStatus as MetricStatusDto,
  type Reason,
  type ScalingPolicy,
  type WorkloadState,
} from '@internal/plugin-autoscaling-common';
import {
  allocateTenantReplicas,
  budgetLimit,
  tighterLimit,
  decideHorizontal,
  emptyHorizontalState,
  forecastAt,
  planPredictive,
  emptyVerticalState,
  observeCpu,
  observeMemory,
  observeContainers,
  seedContainersFromHistory,
  confidenceDays,
  type PastCpuPoint,
  type ContainerVerticalState,
  type HorizontalResult,
  type HorizontalState,
  type MetricSample,
  type CostAccumulatorState,
  type PodObservation,
  type PredictiveFloor,
  type PredictivePlan,
  type ReplicaLimit,
  type TenantBudget,
  type VerticalState,
} from '@internal/plugin-autoscaling-engine';
import type { MetricSource } from '@internal/plugin-autoscaling-node';
import type { ClusterConfig } from '../clusters/readClusters';
import type { CostService } from '../cost/CostService';
import {
  ClusterClient,
  OtherAutoscaler,
  PodUsage,
  ScaleConflictError,
  ScaleState,
} from '../kubernetes/types';
import { EngineStore } from '../store/EngineStore';
import {
  DiscoveredWorkload,
  TenantInfo,
  WorkloadDiscovery,
} from '../workloads/WorkloadDiscovery';
import { mapConcurrent } from '../util/mapConcurrent';
import { ClusterHealth } from './ClusterHealth';
import { collectSamples } from './collectSamples';
import { withForecastCap } from './forecastCap';
import type { AuditSink, PolicyProvider } from './types';
import type {
  PrometheusHistory,
  WorkloadPast,
} from '../metrics/PrometheusHistory';
import {
  rightSizingPolicyOf,
  type RightSizingPolicy,
} from '../cost/verticalRecommendations';
import {
  VerticalActuator,
  type VerticalChangeRequester,
} from './verticalActuator';
import type { VerticalApplyState } from './verticalActuation';
import {
  createLiveForecastState,
  demandSeriesOf,
  liveForecastStateOf,
  predictiveStep,
  refitDue,
  storedPlanOf,
  type LiveForecastState,
} from './predictiveStep';

/** What the engine keeps per workload between ticks (bounded size). */
export interface WorkloadEngineState {
  horizontal?: HorizontalState;
  vertical?: VerticalState;
  /**
   * Per container of the pod template: the recommender (usage and OOM kills), the template's
   * requests and limits (bounded, see `observeContainers`).
   */
  containers?: Record<string, ContainerVerticalState>;
  /** What right-sizing reads of the policy at the last tick (`rightSizingPolicyOf`). */
  rightSizing?: RightSizingPolicy;
  /** What vertical `Initial`/`Auto` wrote and when (verticalActuation.ts). */
  verticalApply?: VerticalApplyState;
  /**
   * The next 24 h of demand at hourly steps (cores), for the cost projection; the forecaster
   * itself lives in `workload_forecasts`.
   */
  lastForecast?: {
    generatedAt: string;
    points: Array<{
      at: string;
      forecast: number;
      lower: number;
      upper: number;
    }>;
  };
  /** Sum of one pod's container CPU requests, cores (for backtests and cost). */
  podCpuRequest?: number;
  podMemoryRequest?: number;
  /** The month's cost so far (`CostService.accumulate`). */
  cost?: CostAccumulatorState;
}

interface Plan {
  discovered: DiscoveredWorkload;
  policy: ScalingPolicy;
  prior: WorkloadEngineState;
  scale: ScaleState;
  pods: PodObservation[];
  samples: Record<string, MetricSample>;
  demand: number | null;
  /** Memory in use by all pods, bytes; null without metrics. */
  memoryUsage: number | null;
  cpuUtilization: number | null;
  predictive?: PredictiveFloor;
  /** The workload's forecaster state after this tick (saved with the tick). */
  forecastState: LiveForecastState;
  predictivePlan: PredictivePlan;
  forecast: WorkloadEngineState['lastForecast'];
  vertical: VerticalState;
  containers: Record<string, ContainerVerticalState>;
  result: HorizontalResult;
  limit?: ReplicaLimit;
  allocationReasons: Reason[];
  /** Why the tenant's budget emergency caps (or, for enterprise, does not cap) this workload. */
  budgetReason?: Reason;
  /** An HPA or KEDA ScaledObject that also targets the workload: the engine writes nothing. */
  otherAutoscaler?: OtherAutoscaler;
}

const workloadKey = (w: { namespace: string; kind: string; name: string }) =>
  `${w.namespace}/${w.kind}/${w.name}`;

/** A tenant's budget status moved into or out of `emergency`. */
export interface BudgetStatusChange {
  tenant: TenantInfo;
  from: BudgetStatus | null;
  to: BudgetStatus;
  budget: TenantBudget;
}

export interface ClusterEvaluatorOptions {
  cluster: ClusterConfig;
  client: ClusterClient;
  store: EngineStore;
  discovery: WorkloadDiscovery;
  policies: PolicyProvider;
  audit: AuditSink;
  metricSources: ReadonlyMap<string, MetricSource>;
  /** Where a workload seen for the first time gets its past (else the stored points only). */
  demandHistory?: PrometheusHistory;
  /** Pod start-up time the forecast looks ahead at least (default 60 s). */
  startupSeconds?: number;
  /** How often each workload's model is chosen again (default one day, spread by workload). */
  refitEverySeconds?: number;
  /** Metric-point retention: backfilled points older than this are not stored. */
  historyRetentionDays?: number;
  health: ClusterHealth;
  logger: LoggerService;
  killSwitch: () => Promise<KillSwitchState>;
  globalMaxReplicas?: number;
  onCircuitOpened?: (cluster: string, error: string) => Promise<void>;
  /** Prices the workloads each tick and caps scale-up of tenants in a budget emergency. */
  cost?: CostService;
  onBudgetStatusChanged?: (change: BudgetStatusChange) => Promise<void>;
  /** Workloads observed and actuated at once (each is a few sequential API calls). */
  concurrency?: number;
  /** Environments whose services are production (the vertical guardrail applies). */
  productionEnvironments?: readonly string[];
  /** Files a change request for a vertical raise over its guardrail. */
  requestVerticalChange?: VerticalChangeRequester;
}

const DEFAULT_CONCURRENCY = 8;
const DEFAULT_STARTUP_SECONDS = 60;
const HOUR_MS = 3600_000;

/**
 * One evaluation tick of one cluster: observe every managed workload, decide, allocate
 * replicas across tenants by tier, then actuate through the scale subresource.
 * `dry-run` and `forecast-only` never write; the kill switch stops all writes.
 */
export class ClusterEvaluator {
  /** Last budget status seen per tenant, so notifications go out on changes only. */
  private readonly budgetStatuses = new Map<string, BudgetStatus>();
  private readonly vertical: VerticalActuator;
  private lastOtherAutoscalers = new Map<string, OtherAutoscaler>();

  constructor(private readonly options: ClusterEvaluatorOptions) {
    this.vertical = new VerticalActuator({
      client: options.client,
      audit: options.audit,
      health: options.health,
      productionEnvironments: options.productionEnvironments ?? ['production'],
      requestChange: options.requestVerticalChange,
    });
  }

  async tick(nowMs: number): Promise<{ evaluated: number; failures: number }> {
    const { cluster, client, discovery, health, logger } = this.options;
    let tenants: Map<string, TenantInfo>;
    let discovered: DiscoveredWorkload[];
    try {
      tenants = await discovery.tenants();
      discovered = await discovery.discover(cluster.name, client, tenants);
    } catch (error) {
      await this.recordClusterFailure(nowMs, `discovery failed: ${error}`);
      return { evaluated: 0, failures: 1 };
    }

    const concurrency = this.options.concurrency ?? DEFAULT_CONCURRENCY;
    const plans: Plan[] = [];
    let failures = 0;
    const planned = await mapConcurrent(discovered, concurrency, w =>
      this.plan(w, nowMs),
    );
    planned.forEach((result, i) => {
      if (result.status === 'fulfilled') {
        plans.push(result.value);
      } else {
        failures += 1;
        logger.warn(
          `Evaluation of ${discovered[i].record.id} failed: ${result.reason}`,
        );
      }
    });

    const others = await this.otherAutoscalers();
    for (const p of plans)
      p.otherAutoscaler = others.get(workloadKey(p.discovered.record));

    this.allocate(plans, tenants, nowMs);
    await this.applyBudgetCaps(plans, tenants, nowMs);

    const killSwitch = await this.options.killSwitch();
    let writes = 0;
    const failedWrites: string[] = [];
    const actuated = await mapConcurrent(plans, concurrency, plan =>
      this.actuateAndRecord(plan, killSwitch, nowMs),
    );
    actuated.forEach((result, i) => {
      if (result.status === 'rejected') {
        failures += 1;
        logger.warn(
          `Actuation of ${plans[i].discovered.record.id} failed: ${result.reason}`,
        );
        return;
      }
      const { outcome, wrote, error, vertical } = result.value;
      if (wrote) writes += 1;
      if (wrote && outcome === 'failed')
        failedWrites.push(error ?? 'write failed');
      if (vertical.wrote) writes += 1;
      if (vertical.wrote && vertical.error) failedWrites.push(vertical.error);
    });

    if (failures > 0 && failures >= discovered.length) {
      await this.recordClusterFailure(
        nowMs,
        `all ${failures} workloads failed`,
      );
    } else if (writes > 0 && failedWrites.length === writes) {
      // Reads work but every write is refused (a token that lost `deployments/scale`, a
      // webhook rejecting it): that is a cluster failure too, or nobody would hear of it.
      await this.recordClusterFailure(
        nowMs,
        `all ${writes} writes failed: ${failedWrites[0]}`,
        'write',
      );
    } else if (writes === 0 && health.openedBy === 'write') {
      // Only a write can show that writing works again; a read-only tick proves nothing.
      health.recordNeutral(nowMs);
    } else {
      health.recordSuccess(nowMs);
    }
    return { evaluated: plans.length, failures };
  }

  /**
   * HPAs and ScaledObjects of the cluster by the workload they target (one list per tick). When
   * listing fails, the last list seen stands: a failed read must not let the engine write a
   * workload another autoscaler owns, nor block every workload of the cluster.
   */
  private async otherAutoscalers(): Promise<Map<string, OtherAutoscaler>> {
    const { client, logger, cluster } = this.options;
    try {
      const found = await client.listOtherAutoscalers();
      this.lastOtherAutoscalers = new Map(
        found.map(o => [
          workloadKey({
            namespace: o.namespace,
            kind: o.target.kind,
            name: o.target.name,
          }),
          o,
        ]),
      );
    } catch (error) {
      logger.warn(
        `Listing other autoscalers on cluster ${cluster.name} failed (keeping the last list): ${error}`,
      );
    }
    return this.lastOtherAutoscalers;
  }

  /** Observe and decide one workload, without tenant limits yet. */
  private async plan(
    discovered: DiscoveredWorkload,
    nowMs: number,
    carried?: LiveForecastState,
  ): Promise<Plan> {
    const { client, store, metricSources } = this.options;
    const { record, object } = discovered;
    const policy = await this.options.policies.effectivePolicy(record);
    const stored = await store.getWorkload(record.id);
    const prior = (stored?.state ?? {}) as WorkloadEngineState;

    // The watched object stands in for the scale subresource (count, status count, version);
    // the scale is read only where a write is due (below), after a 409 (`carried`: the
    // re-plan), or when the client's objects do not carry the status count and version.
    const watched = carried ? undefined : watchedScaleOf(object);
    const [observedScale, pods, podUsage] = await Promise.all([
      watched ?? client.getScale(record),
      client.listPods(record.namespace, object.podSelector),
      client
        .podMetrics(record.namespace, object.podSelector)
        .catch((error: Error) => error),
    ]);
    const samples = await collectSamples(policy, {
      cluster: record.cluster,
      namespace: record.namespace,
      workload: record.name,
      podUsage,
      sources: metricSources,
      nowMs,
    });

    // Demand is the workload's CPU use in cores: every workload has it, and one pod's
    // capacity at the policy's target follows from its request.
    const usage =
      podUsage instanceof Error ? undefined : Object.values(podUsage);
    const demand = usage ? usage.reduce((sum, u) => sum + u.cpu, 0) : null;
    const memoryUsage = usage
      ? usage.reduce((sum, u) => sum + u.memory, 0)
      : null;
    const cpuUtilization = utilizationOf(usage, pods);
    const vertical = observeVertical(
      prior.vertical ?? emptyVerticalState(),
      usage,
      nowMs,
    );
    // One forecasting path with the replay: the engine's predictive state, fed every tick. At
    // first sight it reads the workload's past, which also seeds the right-sizing recommender.
    const { state: forecastState, past } = carried
      ? { state: carried, past: undefined }
      : await this.forecastStateOf(discovered, nowMs);
    const seeded =
      prior.containers === undefined && past
        ? seedContainersFromHistory(
            object.containers,
            pastCpuOf(past, nowMs),
            (this.options.demandHistory?.stepSeconds ?? 300) * 1000,
          )
        : undefined;
    if (seeded) {
      this.options.logger.info(
        `Workload ${record.id}: right-sizing seeded with ${Math.round(
          confidenceDays(Object.values(seeded)[0].vertical) * 24,
        )} h of past CPU use from Prometheus`,
      );
    }
    const containers = observeContainers(prior.containers ?? seeded, {
      template: object.containers,
      usage: usage?.map(u => u.containers ?? {}),
      oomKills: pods.flatMap(p => p.oomKills ?? []),
      nowMs,
    });
    const podCapacity = object.podRequests.cpu;
    const startupSeconds =
      this.options.startupSeconds ?? DEFAULT_STARTUP_SECONDS;
    const history = refitDue(
      forecastState,
      nowMs,
      record.id,
      this.options.refitEverySeconds,
    )
      ? await this.demandHistoryOf(record.id, policy, nowMs, demand)
      : undefined;
    const { plan: predictivePlan } = predictiveStep(forecastState, {
      key: record.id,
      nowMs,
      demand,
      policy,
      podCapacity,
      startupSeconds,
      refitEverySeconds: this.options.refitEverySeconds,
      history,
    });
    markDisabled(forecastState, policy);
    const predictive = policy.predictive.enabled
      ? withForecastCap(predictivePlan.decisionInput, predictivePlan)
      : undefined;
    const forecast = hourlyForecastOf(forecastState, nowMs);

    const decide = (current: ScaleState) =>
      decideHorizontal({
        policy,
        workload: {
          currentReplicas: current.replicas,
          statusReplicas: current.statusReplicas,
          pods,
        },
        samples,
        // None yet: decideHorizontal seeds it with the current count (recordInitialRecommendation).
        state: prior.horizontal ?? undefined,
        nowMs,
        predictive,
      });
    let scale = observedScale;
    let result = decide(scale);
    if (
      watched &&
      result.decision.kind === 'scale' &&
      policy.mode === 'auto' &&
      this.options.health.allowsWrites(nowMs) &&
      !this.lastOtherAutoscalers.has(workloadKey(record))
    ) {
      // A write is due: the write is conditional on the scale's resourceVersion, so read it
      // now, and decide again if the cache was behind.
      scale = await client.getScale(record);
      if (
        scale.replicas !== watched.replicas ||
        scale.statusReplicas !== watched.statusReplicas
      )
        result = decide(scale);
    }
    return {
      discovered,
      policy,
      prior,
      scale,
      pods,
      samples,
      demand,
      memoryUsage,
      cpuUtilization,
      predictive,
      forecastState,
      predictivePlan,
      forecast,
      vertical,
      containers,
      result,
      allocationReasons: [],
    };
  }

  /** Tenant quotas and the global maximum, by tier, never below any minimum. */
  private allocate(
    plans: Plan[],
    tenants: Map<string, TenantInfo>,
    nowMs: number,
  ) {
    const tenantQuotas: Record<string, number> = {};
    for (const tenant of tenants.values()) {
      if (tenant.replicaQuota !== null)
        tenantQuotas[tenant.name] = tenant.replicaQuota;
    }
    const { allocations } = allocateTenantReplicas(
      plans.map(plan => ({
        workload: plan.discovered.record.id,
        tenant: plan.discovered.record.tenant,
        tier: plan.discovered.record.tier,
        minReplicas: plan.policy.minReplicas,
        requestedReplicas: plan.result.desiredReplicas,
      })),
      { tenantQuotas, globalMaxReplicas: this.options.globalMaxReplicas },
    );
    const byWorkload = new Map(allocations.map(a => [a.workload, a]));
    for (const plan of plans) {
      const allocation = byWorkload.get(plan.discovered.record.id);
      if (
        !allocation ||
        allocation.grantedReplicas >= plan.result.desiredReplicas
      )
        continue;
      const reason =
        allocation.reasons.find(r => r.code !== 'Granted') ??
        allocation.reasons[0];
      plan.limit = {
        maxReplicas: allocation.grantedReplicas,
        code: reason?.code ?? 'TenantQuotaLimited',
        message: reason?.message ?? 'limited by the tenant allocation',
      };
      plan.allocationReasons = allocation.reasons;
      plan.result = this.redecide(plan, plan.scale, nowMs);
    }
  }

  /**
   * Budget emergency ceilings, lowest tiers first (basic holds, premium grows a little,
   * enterprise still scales), from every stored workload of the tenant (budgets span
   * clusters). Tighter of the quota allocation and the budget wins; never below minimum.
   */
  private async applyBudgetCaps(
    plans: Plan[],
    tenants: Map<string, TenantInfo>,
    nowMs: number,
  ) {
    const { cost, store } = this.options;
    if (!cost || plans.length === 0) return;
    const budgets = cost.tenantBudgets(
      tenants,
      await store.listWorkloads(),
      plans.map(p => p.discovered.record.tenant),
    );
    await this.notifyBudgetChanges(tenants, budgets);
    const caps = cost.capsFromBudgets(
      plans.map(plan => ({
        workload: plan.discovered.record.id,
        tenant: plan.discovered.record.tenant,
        tier: plan.discovered.record.tier,
        currentReplicas: plan.scale.replicas,
        minReplicas: plan.policy.minReplicas,
      })),
      budgets,
    );
    const byWorkload = new Map(caps.map(cap => [cap.workload, cap]));
    for (const plan of plans) {
      const cap = byWorkload.get(plan.discovered.record.id);
      if (!cap) continue;
      plan.budgetReason = cap.reason;
      const limit = tighterLimit(plan.limit, budgetLimit(cap));
      if (limit === plan.limit || !limit) continue;
      if (limit.maxReplicas >= plan.result.desiredReplicas) continue;
      plan.limit = limit;
      plan.result = this.redecide(plan, plan.scale, nowMs);
    }
  }

  private async notifyBudgetChanges(
    tenants: Map<string, TenantInfo>,
    budgets: Record<string, TenantBudget>,
  ) {
    const { onBudgetStatusChanged, logger } = this.options;
    for (const [name, budget] of Object.entries(budgets)) {
      const tenant = tenants.get(name);
      if (!tenant || tenant.monthlyBudget === null) continue;
      const from = this.budgetStatuses.get(name) ?? null;
      this.budgetStatuses.set(name, budget.status);
      const entered = budget.status === 'emergency' && from !== 'emergency';
      const left = from === 'emergency' && budget.status !== 'emergency';
      if (!entered && !left) continue;
      try {
        await onBudgetStatusChanged?.({
          tenant,
          from,
          to: budget.status,
          budget,
        });
      } catch (error) {
        logger.warn(`Budget notification for tenant ${name} failed: ${error}`);
      }
    }
  }

  private redecide(
    plan: Plan,
    scale: ScaleState,
    nowMs: number,
  ): HorizontalResult {
    if (plan.limit && plan.predictivePlan.decisionInput) {
      // The tenant allocation or budget caps the forecast too, and the plan says so.
      const replanned = planPredictive(plan.forecastState.predictive, {
        policy: plan.policy,
        nowMs,
        podCapacity: plan.discovered.object.podRequests.cpu ?? 0,
        startupSeconds: this.options.startupSeconds ?? DEFAULT_STARTUP_SECONDS,
        observedDemand: plan.demand ?? undefined,
        quotaMaxReplicas: plan.limit.maxReplicas,
      });
      plan.predictivePlan = replanned;
      plan.predictive = plan.policy.predictive.enabled
        ? withForecastCap(replanned.decisionInput, replanned)
        : undefined;
      plan.forecastState.lastPlan = storedPlanOf(replanned, nowMs);
      markDisabled(plan.forecastState, plan.policy);
    }
    return decideHorizontal({
      policy: plan.policy,
      workload: {
        currentReplicas: scale.replicas,
        statusReplicas: scale.statusReplicas,
        pods: plan.pods,
      },
      samples: plan.samples,
      state: plan.prior.horizontal ?? undefined,
      nowMs,
      predictive: plan.predictive,
      limit: plan.limit,
    });
  }

  private async actuateAndRecord(
    planned: Plan,
    killSwitch: KillSwitchState,
    nowMs: number,
  ): Promise<{
    outcome: DecisionOutcome;
    wrote: boolean;
    error?: string;
    vertical: { wrote: boolean; error?: string };
  }> {
    let plan = planned;
    const { store, audit, client, health } = this.options;
    const { record } = plan.discovered;
    let { result, scale } = plan;
    let outcome: DecisionOutcome = 'unchanged';
    let error: string | undefined;
    let wrote = false;
    const mode = plan.policy.mode;

    if (result.decision.kind === 'scale') {
      if (mode === 'off') outcome = 'off';
      else if (mode === 'dry-run') outcome = 'dry-run';
      else if (mode === 'forecast-only') outcome = 'forecast-only';
      else if (plan.otherAutoscaler) outcome = 'other-autoscaler';
      else if (killSwitch.enabled) outcome = 'kill-switch';
      else if (!health.allowsWrites(nowMs)) {
        outcome = 'failed';
        error = `circuit open for cluster ${record.cluster}`;
      } else {
        // A 409 means someone changed the workload since we read it: re-read, re-decide
        // on the fresh count, and write once more; never blindly retry the old value.
        for (let attempt = 0; attempt < 2; attempt++) {
          if (result.decision.kind !== 'scale') break;
          try {
            wrote = true;
            await client.replaceScale(
              record,
              result.desiredReplicas,
              scale.resourceVersion,
            );
            outcome = 'applied';
            error = undefined;
            break;
          } catch (e) {
            if (!(e instanceof ScaleConflictError)) {
              outcome = 'failed';
              error = String((e as Error).message ?? e);
              break;
            }
            outcome = 'conflict';
            error = e.message;
            let fresh: Plan;
            try {
              fresh = await this.plan(
                plan.discovered,
                nowMs,
                plan.forecastState,
              );
            } catch (reread) {
              // Nothing was written; still record the decision and why it was not applied.
              error = `${e.message}; re-reading it failed: ${
                (reread as Error).message ?? reread
              }`;
              break;
            }
            fresh.limit = plan.limit;
            fresh.allocationReasons = plan.allocationReasons;
            fresh.budgetReason = plan.budgetReason;
            if (fresh.limit)
              fresh.result = this.redecide(fresh, fresh.scale, nowMs);
            plan = fresh;
            ({ result, scale } = plan);
            if (result.decision.kind !== 'scale') outcome = 'unchanged';
          }
        }
      }
    }

    const decided = result.decision;
    const from = decided.kind === 'scale' ? decided.from : decided.replicas;
    const to = decided.kind === 'scale' ? decided.to : decided.replicas;
    const reasons: Reason[] = [...decided.reasons];
    if (plan.limit && !reasons.some(r => r.code === plan.limit!.code)) {
      reasons.push({ code: plan.limit.code, message: plan.limit.message });
    }
    if (
      plan.budgetReason &&
      !reasons.some(r => r.message === plan.budgetReason!.message)
    ) {
      reasons.push(plan.budgetReason);
    }
    if (plan.otherAutoscaler) {
      const o = plan.otherAutoscaler;
      reasons.push({
        code: 'OtherAutoscaler',
        message: `${o.kind} ${o.namespace}/${o.name} also scales this ${record.kind}: the engine writes nothing while it exists (two controllers on one replica count oscillate). Import its spec as this service's policy, then delete it`,
      });
    }
    if (outcome === 'kill-switch') {
      reasons.push({
        code: 'KillSwitch',
        message: `not applied: the global kill switch is on (${
          killSwitch.reason ?? 'no reason given'
        })`,
      });
    } else if (outcome === 'dry-run' || outcome === 'forecast-only') {
      reasons.push({
        code: 'NotApplied',
        message: `not applied: the workload is in ${outcome} mode`,
      });
    }
    if (
      plan.predictivePlan.status === 'reported' &&
      plan.policy.predictive.enabled
    ) {
      // forecast-only: the floor is computed and recorded (ForecastOnly), never applied.
      for (const r of plan.predictivePlan.reasons) {
        if (!reasons.some(x => x.code === r.code))
          reasons.push({ code: r.code, message: r.message });
      }
    }

    // Scale events only count when the write happened (they drive the rate limits).
    const horizontal: HorizontalState =
      outcome === 'applied'
        ? result.state
        : {
            ...result.state,
            scaleUpEvents: (plan.prior.horizontal ?? emptyHorizontalState())
              .scaleUpEvents,
            scaleDownEvents: (plan.prior.horizontal ?? emptyHorizontalState())
              .scaleDownEvents,
            lastScaleMs: plan.prior.horizontal?.lastScaleMs,
          };

    const at = new Date(nowMs).toISOString();
    const previous = await store.lastDecision(record.id);
    let decisionDto: DecisionDto | null = previous ?? null;
    // A tick that sent a write always leaves its row, even when a 409 re-decision holds.
    if (
      wrote ||
      shouldRecord(decided.kind, outcome, reasons, previous, decided.clamp)
    ) {
      decisionDto = await store.recordDecision({
        workloadId: record.id,
        at,
        kind: decided.kind,
        from,
        to,
        mode,
        outcome,
        reasons,
        ...(decided.clamp ? { clamp: decided.clamp } : {}),
        ...(error ? { error } : {}),
      });
    }
    if (outcome === 'applied') {
      await audit.append({
        actor: 'autoscaling-engine',
        action: 'engine.actuate',
        target: record.entityRef,
        before: { workload: record.id, replicas: from },
        after: { workload: record.id, replicas: to },
        reason: reasons.map(r => r.message).join('; '),
      });
    }

    // Vertical: requests under vertical.mode, after the horizontal write of this tick.
    const verticalStep = await this.vertical.step({
      discovered: plan.discovered,
      policy: plan.policy,
      pods: plan.pods,
      containers: plan.containers,
      prior: plan.prior.verticalApply,
      killSwitch,
      nowMs,
    });

    const current = outcome === 'applied' ? to : scale.replicas;
    // What the pods request: the template's, or what vertical Auto set in place.
    const podRequests = verticalStep.state.applied
      ? podRequestsOf(
          verticalStep.containers,
          plan.discovered.object.podRequests,
        )
      : plan.discovered.object.podRequests;
    const cost = this.options.cost?.accumulate(
      record.cluster,
      plan.prior.cost,
      {
        nowMs,
        replicas: current,
        cpuRequestCores: podRequests.cpu ?? 0,
        memoryRequestBytes: podRequests.memory ?? 0,
        cpuUsageCores: plan.demand,
        memoryUsageBytes: plan.memoryUsage,
      },
    );
    const status: WorkloadState = {
      id: record.id,
      ref: {
        cluster: record.cluster,
        namespace: record.namespace,
        kind: record.kind,
        name: record.name,
      },
      entityRef: record.entityRef,
      tenant: record.tenant,
      environment: record.environment,
      tier: record.tier,
      mode,
      currentReplicas: current,
      readyReplicas: plan.pods.filter(p => p.phase === 'Running' && p.ready)
        .length,
      // In dry-run and forecast-only the engine keeps `desiredReplicas` at current;
      // show what it would have done.
      desiredReplicas: to,
      minReplicas: plan.policy.minReplicas,
      maxReplicas: plan.policy.maxReplicas,
      cpuUtilization: plan.cpuUtilization,
      hourlyCost: cost ? cost.hourly : null,
      lastEvaluatedAt: at,
      conditions: result.conditions as Condition[],
      metrics: result.metrics.map(toMetricStatus(plan.policy)),
      lastDecision: decisionDto,
      predictiveFloor: plan.forecastState.lastPlan?.replicas ?? null,
      otherAutoscaler: plan.otherAutoscaler
        ? {
            kind: plan.otherAutoscaler.kind,
            namespace: plan.otherAutoscaler.namespace,
            name: plan.otherAutoscaler.name,
            minReplicas: plan.otherAutoscaler.minReplicas ?? null,
            maxReplicas: plan.otherAutoscaler.maxReplicas ?? null,
          }
        : null,
    };
    const state: WorkloadEngineState = {
      horizontal,
      vertical: plan.vertical,
      containers: verticalStep.containers,
      rightSizing: rightSizingPolicyOf(plan.policy),
      verticalApply: verticalStep.state,
      lastForecast: plan.forecast,
      podCpuRequest: podRequests.cpu,
      podMemoryRequest: podRequests.memory,
      ...(cost ? { cost } : {}),
    };
    await store.upsertWorkload(
      record,
      state as Record<string, unknown>,
      status,
      nowMs,
    );
    await store.saveForecastState(
      record.id,
      plan.forecastState as unknown as Record<string, unknown>,
      nowMs,
    );
    await store.recordMetricPoint(record.id, {
      at,
      replicas: current,
      readyReplicas: status.readyReplicas,
      desiredReplicas: result.desiredReplicas,
      demand: plan.demand,
      cpuUtilization: plan.cpuUtilization,
    });
    return {
      outcome,
      wrote,
      error,
      vertical: { wrote: verticalStep.wrote, error: verticalStep.error },
    };
  }

  /**
   * The workload's stored forecaster state; at first sight a fresh one, and its past from
   * Prometheus (when configured) written as metric points, so charts and the first fit have it.
   */
  private async forecastStateOf(
    discovered: DiscoveredWorkload,
    nowMs: number,
  ): Promise<{ state: LiveForecastState; past?: WorkloadPast }> {
    const { store, demandHistory, logger } = this.options;
    const { record } = discovered;
    const stored = liveForecastStateOf(
      (await store.getForecastState(record.id))?.state,
    );
    if (stored) return { state: stored };
    let past: WorkloadPast | undefined;
    if (demandHistory) {
      try {
        past = await demandHistory.read(record, nowMs);
        const since =
          nowMs - (this.options.historyRetentionDays ?? 14) * 86_400_000;
        const points = past.points.filter(p => {
          const at = Date.parse(p.at);
          return at >= since && at < nowMs;
        });
        const written = await store.backfillMetricPoints(record.id, points);
        logger.info(
          `Workload ${record.id}: ${written} past metric points from Prometheus (${past.demand.length} demand samples)`,
        );
      } catch (error) {
        // No past is not a failure: the workload starts from its own points.
        logger.warn(
          `Workload ${record.id}: no history from Prometheus, starting without it: ${error}`,
        );
      }
    }
    return { state: createLiveForecastState(), past };
  }

  /** Stored demand up to now (plus now's sample) as the regular series the fit reads. */
  private async demandHistoryOf(
    workloadId: string,
    policy: ScalingPolicy,
    nowMs: number,
    demand: number | null,
  ) {
    const points = await this.options.store.listMetricPoints(
      workloadId,
      nowMs - policy.predictive.maxHistorySeconds * 1000,
    );
    const samples = points.flatMap(p =>
      p.demand === null ? [] : [{ atMs: Date.parse(p.at), demand: p.demand }],
    );
    const past = samples.filter(p => p.atMs < nowMs);
    if (demand !== null) past.push({ atMs: nowMs, demand });
    return demandSeriesOf(past);
  }

  private async recordClusterFailure(
    nowMs: number,
    message: string,
    kind: 'read' | 'write' = 'read',
  ) {
    const opened = this.options.health.recordFailure(nowMs, message, kind);
    this.options.logger.warn(
      `Cluster ${this.options.cluster.name}: ${message}`,
    );
    if (opened)
      await this.options.onCircuitOpened?.(this.options.cluster.name, message);
  }
}

/** Predictive scaling off in the policy: the floor is shown, never applied. */
function markDisabled(state: LiveForecastState, policy: ScalingPolicy) {
  const plan = state.lastPlan;
  if (policy.predictive.enabled || !plan || plan.status === 'reactive') return;
  plan.status = 'reactive';
  plan.reasons = [
    ...plan.reasons,
    {
      code: 'PredictiveDisabled',
      message:
        'predictive scaling is off in the policy: the floor is shown, not applied',
    },
  ];
}

/** The next 24 h at hourly steps (demand, 80% band), for the cost projection. */
function hourlyForecastOf(
  state: LiveForecastState,
  nowMs: number,
): WorkloadEngineState['lastForecast'] {
  const forecaster = state.predictive.forecaster;
  if (!forecaster) return undefined;
  const targets = Array.from(
    { length: 24 },
    (_, i) => nowMs + (i + 1) * HOUR_MS,
  );
  const points = forecastAt(forecaster, targets, 0.8).flatMap(p =>
    Number.isFinite(p.forecast)
      ? [
          {
            at: new Date(p.timeMs).toISOString(),
            forecast: p.forecast,
            lower: Number.isFinite(p.lower) ? p.lower : p.forecast,
            upper: Number.isFinite(p.upper) ? p.upper : p.forecast,
          },
        ]
      : [],
  );
  return { generatedAt: new Date(nowMs).toISOString(), points };
}

/** One pod's requests summed over its containers' (effective) requests. */
function podRequestsOf(
  containers: Record<string, ContainerVerticalState>,
  fallback: { cpu?: number; memory?: number },
): { cpu?: number; memory?: number } {
  const all = Object.values(containers);
  if (all.length === 0) return fallback;
  const sum = (resource: 'cpu' | 'memory') =>
    all.some(c => c.requests[resource] !== undefined)
      ? all.reduce((total, c) => total + (c.requests[resource] ?? 0), 0)
      : fallback[resource];
  return { cpu: sum('cpu'), memory: sum('memory') };
}

/** Keeps history meaningful: every scale and every change of what the engine says. */
function shouldRecord(
  kind: string,
  outcome: DecisionOutcome,
  reasons: Reason[],
  previous: DecisionDto | undefined,
  clamp?: DecisionClamp,
): boolean {
  if (kind === 'scale' || !previous) return true;
  if (previous.kind !== kind || previous.outcome !== outcome) return true;
  // A clamp that starts, ends or changes what binds it is news.
  if ((previous.clamp?.by ?? null) !== (clamp?.by ?? null)) return true;
  const codes = (rs: Reason[]) =>
    rs
      .map(r => r.code)
      .sort()
      .join(',');
  return codes(previous.reasons) !== codes(reasons);
}

function utilizationOf(
  usage: PodUsage[] | undefined,
  pods: PodObservation[],
): number | null {
  if (!usage) return null;
  const requested = pods.reduce((sum, p) => sum + (p.requests?.cpu ?? 0), 0);
  if (requested <= 0) return null;
  const used = usage.reduce((sum, u) => sum + u.cpu, 0);
  return Math.round((used / requested) * 100);
}

/** The past's CPU use and ready pods per step, before now (for the right-sizing seed). */
function pastCpuOf(past: WorkloadPast, nowMs: number): PastCpuPoint[] {
  return past.points.flatMap(p => {
    const atMs = Date.parse(p.at);
    if (!(atMs < nowMs) || p.demand === null) return [];
    return [{ atMs, cores: p.demand, pods: p.readyReplicas }];
  });
}

function observeVertical(
  state: VerticalState,
  usage: PodUsage[] | undefined,
  nowMs: number,
): VerticalState {
  let next = state;
  for (const pod of usage ?? []) {
    next = observeCpu(next, pod.cpu, nowMs);
    next = observeMemory(next, pod.memory, nowMs);
  }
  return next;
}

function toMetricStatus(_policy: ScalingPolicy) {
  return (metric: HorizontalResult['metrics'][number]): MetricStatusDto => {
    const current = metric.current;
    const value =
      current?.averageUtilization ??
      current?.averageValue ??
      current?.value ??
      null;
    return {
      name: metric.name,
      current: value,
      target: targetOf(_policy, metric.name),
      unit: current?.averageUtilization !== undefined ? '%' : '',
    };
  };
}

function targetOf(policy: ScalingPolicy, name: string): number {
  for (const metric of policy.metrics) {
    const key =
      metric.type === 'Resource' ? metric.name ?? metric.resource : metric.name;
    if (key !== name) continue;
    const target = metric.target as {
      averageUtilization?: number;
      averageValue?: unknown;
      value?: unknown;
    };
    const raw =
      target.averageUtilization ?? target.averageValue ?? target.value;
    return typeof raw === 'number' ? raw : parseQuantity(String(raw)) ?? 0;
  }
  return 0;
}

/**
 * The scale subresource as the watched object shows it: spec and status replicas and the
 * object's resourceVersion (the scale's is the object's). Undefined when the client's objects
 * do not carry the status count or the version.
 */
function watchedScaleOf(object: {
  replicas: number;
  resourceVersion?: string;
}): ScaleState | undefined {
  const statusReplicas = (object as { statusReplicas?: unknown })
    .statusReplicas;
  if (typeof statusReplicas !== 'number' || !object.resourceVersion)
    return undefined;
  return {
    replicas: object.replicas,
    statusReplicas,
    resourceVersion: object.resourceVersion,
  };
}
