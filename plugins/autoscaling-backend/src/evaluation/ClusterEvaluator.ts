import { LoggerService } from '@backstage/backend-plugin-api';
import type {
  BudgetStatus,
  DecisionOutcome,
  KillSwitchState,
  ScalingPolicy,
} from '@internal/plugin-autoscaling-common';
import {
  allocateTenantReplicas,
  budgetLimit,
  tighterLimit,
  decideHorizontal,
  forecastAt,
  planPredictive,
  emptyVerticalState,
  observeCpu,
  observeMemory,
  observeContainers,
  seedContainersFromHistory,
  confidenceDays,
  type PastCpuPoint,
  type HorizontalResult,
  type PodObservation,
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
  ScaleState,
} from '../kubernetes/types';
import {
  EngineStore,
  type TickReads,
  type TickWorkloadWrite,
  type WorkloadRecord,
} from '../store/EngineStore';
import type { WorkloadEngineState } from '../store/WorkloadEngineState';
import {
  DiscoveredWorkload,
  TenantInfo,
  WorkloadDiscovery,
} from '../workloads/WorkloadDiscovery';
import { mapConcurrent } from '../util/mapConcurrent';
import { paced } from '../util/eventLoopTurns';
import { filterSliced } from '../util/mapSliced';
import { ClusterHealth } from './ClusterHealth';
import { collectSamples } from './collectSamples';
import { withForecastCap } from './forecastCap';
import type { AuditSink, PolicyProvider } from './types';
import type {
  PrometheusHistory,
  WorkloadPast,
} from '../metrics/PrometheusHistory';
import {
  VerticalActuator,
  type VerticalChangeRequester,
} from './verticalActuator';
import {
  createLiveForecastState,
  demandSeriesOf,
  liveForecastStateOf,
  observeStoredDemand,
  predictiveStep,
  refitDue,
  storedPlanOf,
  type LiveForecastState,
} from './predictiveStep';
import type { Plan } from './plan';
import { writeScale } from './scaleWrite';
import {
  checkpointDue,
  DEFAULT_STATE_CHECKPOINT_SECONDS,
  mustWriteNow,
} from './rowCheckpoint';
import { reasonsOf, tickRecordOf } from './tickRecord';
import { writeGateOf } from './writeGate';

export type { WorkloadEngineState } from '../store/WorkloadEngineState';

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
  /**
   * How often each workload's forecaster is written to `workload_forecasts` (default 600 s,
   * spread by workload); also on a refit, at first sight and when this process takes it over.
   * Between checkpoints it lives in memory; a restart or another replica reads the checkpoint
   * and catches up from the metric points stored since.
   */
  forecastCheckpointSeconds?: number;
  /**
   * How often a workload's row is written when nothing material changed (default 60 s, spread
   * by workload; 0 writes every tick). See evaluation/rowCheckpoint.ts.
   */
  stateCheckpointSeconds?: number;
}

const DEFAULT_CONCURRENCY = 8;
const DEFAULT_STARTUP_SECONDS = 60;
const DEFAULT_CHECKPOINT_SECONDS = 600;
const HOUR_MS = 3600_000;

/** A workload's forecaster as a tick finds it (absent: first sight). */
interface PreparedForecast {
  state?: LiveForecastState;
  /** The row could not be read (the workload fails this tick, naming it). */
  error?: Error;
  /** When it was last written (ms); undefined when read back from its row this tick. */
  checkpointMs?: number;
  /** Demand stored since the checkpoint, observed before this tick's sample. */
  catchUp?: Array<{ atMs: number; demand: number }>;
  /** The stored demand a refit due this tick fits on (read for all such workloads at once). */
  history?: Array<{ atMs: number; demand: number }>;
}

/** What a tick read once for all its workloads. */
interface TickContext {
  /** The ids of the cluster's workloads this tick. */
  ids: Set<string>;
  reads: TickReads;
  /** Effective policies by workload id, when the provider reads them in one go. */
  policies?: Map<string, ScalingPolicy | Error>;
  forecasts: Map<string, PreparedForecast>;
}

interface Actuated {
  plan: Plan;
  outcome: DecisionOutcome;
  wrote: boolean;
  error?: string;
  vertical: { wrote: boolean; error?: string };
  record: TickWorkloadWrite;
}

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

  async tick(
    nowMs: number,
  ): Promise<{ evaluated: number; failures: number; writes: number }> {
    const { cluster, client, discovery, health, logger } = this.options;
    let tenants: Map<string, TenantInfo>;
    let discovered: DiscoveredWorkload[];
    try {
      tenants = await discovery.tenants();
      discovered = await discovery.discover(cluster.name, client, tenants);
    } catch (error) {
      await this.recordClusterFailure(nowMs, `discovery failed: ${error}`);
      return { evaluated: 0, failures: 1, writes: 0 };
    }

    const { store } = this.options;
    let context: TickContext;
    try {
      const reads = await store.readTick(cluster.name, nowMs);
      const policies = await this.policiesOf(discovered);
      context = {
        ids: new Set(discovered.map(d => d.record.id)),
        reads,
        policies,
        forecasts: await this.forecastsOf(discovered, reads, policies, nowMs),
      };
    } catch (error) {
      logger.warn(
        `Cluster ${cluster.name}: reading the store failed: ${error}`,
      );
      return { evaluated: 0, failures: discovered.length, writes: 0 };
    }

    const concurrency = this.options.concurrency ?? DEFAULT_CONCURRENCY;
    const plans: Plan[] = [];
    let failures = 0;
    const planned = await mapConcurrent(discovered, concurrency, w =>
      this.plan(w, nowMs, context),
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
    const done: Actuated[] = [];
    const actuated = await mapConcurrent(plans, concurrency, plan =>
      this.actuate(plan, killSwitch, nowMs, context),
    );
    actuated.forEach((result, i) => {
      if (result.status === 'rejected') {
        failures += 1;
        logger.warn(
          `Actuation of ${plans[i].discovered.record.id} failed: ${result.reason}`,
        );
        return;
      }
      done.push(result.value);
      const { outcome, wrote, error, vertical } = result.value;
      if (wrote) writes += 1;
      if (wrote && outcome === 'failed')
        failedWrites.push(error ?? 'write failed');
      if (vertical.wrote) writes += 1;
      if (vertical.wrote && vertical.error) failedWrites.push(vertical.error);
    });
    failures += await this.record(done, context, nowMs);

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
    return { evaluated: plans.length, failures, writes };
  }

  /**
   * Records every actuated workload of the tick in one transaction (`EngineStore.writeTick`),
   * with the forecaster checkpoints due, and keeps the forecasters in memory. Returns the
   * workloads that failed (all of them when the transaction does).
   */
  private async record(
    done: Actuated[],
    context: TickContext,
    nowMs: number,
  ): Promise<number> {
    const { store, logger, cluster } = this.options;
    const periodMs =
      (this.options.forecastCheckpointSeconds ?? DEFAULT_CHECKPOINT_SECONDS) *
      1000;
    const checkpoints = await filterSliced(done, ({ plan }) => {
      const id = plan.discovered.record.id;
      const last = context.forecasts.get(id)?.checkpointMs;
      if (last === undefined || plan.refitted) return true;
      return checkpointDue(id, last, nowMs, periodMs);
    });
    const statePeriodMs =
      (this.options.stateCheckpointSeconds ??
        DEFAULT_STATE_CHECKPOINT_SECONDS) * 1000;
    const now: TickWorkloadWrite[] = [];
    const deferred: TickWorkloadWrite[] = [];
    for (const { record } of done) {
      // Comparing 10,000 rows' material fields is 50 ms or more: in slices.
      await paced();
      const stored = context.reads.workloads.get(record.record.id);
      const writeNow =
        !stored ||
        mustWriteNow(
          { record: stored, state: stored.state, status: stored.status },
          record,
        ) ||
        checkpointDue(record.record.id, stored.updatedAt, nowMs, statePeriodMs);
      (writeNow ? now : deferred).push(record);
    }
    try {
      await store.writeTick(
        {
          workloads: now,
          deferred,
          forecasts: checkpoints.map(({ plan }) => ({
            workloadId: plan.discovered.record.id,
            state: plan.forecastState as unknown as Record<string, unknown>,
          })),
          recentPointMs: context.reads.recentPointMs,
        },
        nowMs,
      );
    } catch (error) {
      logger.warn(
        `Cluster ${cluster.name}: recording the tick of ${done.length} workloads failed: ${error}`,
      );
      return done.length;
    }
    const written = new Set(checkpoints);
    // Forecasters of workloads the cluster no longer has are not kept. Both loops run over
    // every workload (10,000): in slices, like the comparison above.
    const prefix = `${cluster.name}/`;
    for (const id of store.forecasts.keys()) {
      await paced();
      if (id.startsWith(prefix) && !context.ids.has(id))
        store.forecasts.delete(id);
    }
    for (const d of done) {
      await paced();
      const id = d.plan.discovered.record.id;
      store.forecasts.set(id, {
        state: d.plan.forecastState as unknown as Record<string, unknown>,
        checkpointMs: written.has(d)
          ? nowMs
          : context.forecasts.get(id)?.checkpointMs ?? nowMs,
      });
    }
    return 0;
  }

  /** Every workload's effective policy in one go, when the provider can (else per workload). */
  private async policiesOf(
    discovered: DiscoveredWorkload[],
  ): Promise<Map<string, ScalingPolicy | Error> | undefined> {
    const { policies } = this.options;
    if (!policies.effectivePolicies || discovered.length === 0)
      return undefined;
    const records = discovered.map(d => d.record);
    const found = await policies.effectivePolicies(records);
    return new Map(records.map((r, i) => [r.id, found[i]]));
  }

  /**
   * Each workload's forecaster: the one in memory when this process stepped it last (the
   * workload's stored `forecastOwner`), else its checkpoint (one query for all) caught up with
   * the demand stored since (one more); absent at first sight.
   */
  private async forecastsOf(
    discovered: DiscoveredWorkload[],
    reads: TickReads,
    policies: Map<string, ScalingPolicy | Error> | undefined,
    nowMs: number,
  ): Promise<Map<string, PreparedForecast>> {
    const { store } = this.options;
    const prepared = new Map<string, PreparedForecast>();
    const reload: string[] = [];
    for (const { record } of discovered) {
      await paced(); // 10,000 workloads: requests get turns in between
      const live = store.forecasts.get(record.id);
      const owner = reads.workloads.get(record.id)?.state.forecastOwner;
      const state =
        live && owner === store.instanceId
          ? liveForecastStateOf(live.state)
          : undefined;
      if (live && state) {
        prepared.set(record.id, { state, checkpointMs: live.checkpointMs });
      } else {
        store.forecasts.delete(record.id);
        reload.push(record.id);
      }
    }
    if (reload.length > 0) await this.reload(reload, prepared);
    await this.prefetchHistories(discovered, prepared, policies, nowMs);
    return prepared;
  }

  /**
   * The stored demand of every workload whose refit is due this tick, in one query: those with
   * a forecaster, and new ones when no Prometheus past is written first (`forecastStateOf`).
   */
  private async prefetchHistories(
    discovered: DiscoveredWorkload[],
    prepared: Map<string, PreparedForecast>,
    policies: Map<string, ScalingPolicy | Error> | undefined,
    nowMs: number,
  ) {
    const since = new Map<string, number>();
    for (const { record } of discovered) {
      await paced();
      const policy = policies?.get(record.id);
      const found = prepared.get(record.id);
      if (!policy || policy instanceof Error || found?.error) continue;
      const due = found?.state
        ? refitDue(
            found.state,
            nowMs,
            record.id,
            this.options.refitEverySeconds,
          )
        : !this.options.demandHistory;
      if (due)
        since.set(
          record.id,
          nowMs - policy.predictive.maxHistorySeconds * 1000 - 1,
        );
    }
    if (since.size === 0) return;
    const points = await this.options.store.demandSince(since);
    for (const id of since.keys()) {
      const entry = prepared.get(id) ?? {};
      entry.history = points.get(id) ?? [];
      prepared.set(id, entry);
    }
  }

  /** Checkpoints of `ids` (one query), caught up with the demand stored since (one more). */
  private async reload(ids: string[], prepared: Map<string, PreparedForecast>) {
    const { store } = this.options;
    const rows = await store.getForecastStates(ids);
    const since = new Map<string, number>();
    for (const [id, row] of rows) {
      if (row instanceof Error) {
        prepared.set(id, { error: row });
        continue;
      }
      const state = liveForecastStateOf(row);
      if (!state) continue; // another version: a fresh one, as at first sight
      prepared.set(id, { state });
      const seen = state.predictive.lastObservedMs;
      if (seen !== null) since.set(id, seen);
    }
    if (since.size > 0) {
      for (const [id, points] of await store.demandSince(since))
        prepared.get(id)!.catchUp = points;
    }
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
    context: TickContext,
    carried?: LiveForecastState,
  ): Promise<Plan> {
    const { client, metricSources } = this.options;
    const { record, object } = discovered;
    const policy = await this.policyOf(record, context);
    const prior: WorkloadEngineState =
      context.reads.workloads.get(record.id)?.state ?? {};

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
      : await this.forecastStateOf(discovered, nowMs, context);
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
    const catchUp = carried
      ? undefined
      : context.forecasts.get(record.id)?.catchUp;
    if (catchUp)
      observeStoredDemand(forecastState, catchUp, {
        nowMs,
        policy,
        startupSeconds,
      });
    const history = refitDue(
      forecastState,
      nowMs,
      record.id,
      this.options.refitEverySeconds,
    )
      ? await this.demandHistoryOf(
          record.id,
          policy,
          nowMs,
          demand,
          carried ? undefined : context.forecasts.get(record.id)?.history,
        )
      : undefined;
    const { plan: predictivePlan, refitted } = predictiveStep(forecastState, {
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
      refitted,
      predictivePlan,
      forecast,
      vertical,
      containers,
      result,
      allocationReasons: [],
    };
  }

  private async policyOf(
    record: WorkloadRecord,
    context: TickContext,
  ): Promise<ScalingPolicy> {
    const found = context.policies?.get(record.id);
    if (found instanceof Error) throw found;
    return found ?? this.options.policies.effectivePolicy(record);
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
    // Only tenants with a monthly budget can be in an emergency: the others need no pricing of
    // every stored workload (a tick of 10,000 workloads spent about a tenth of its time there).
    const budgeted = [
      ...new Set(plans.map(p => p.discovered.record.tenant)),
    ].filter(name => (tenants.get(name)?.monthlyBudget ?? null) !== null);
    if (budgeted.length === 0) return;
    const ofBudgeted = (
      await Promise.all(budgeted.map(tenant => store.listWorkloads({ tenant })))
    ).flat();
    const budgets = cost.tenantBudgets(tenants, ofBudgeted, budgeted);
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

  /**
   * One workload after its decision: whether to write (`writeGateOf`), writing the scale
   * (`writeScale`, re-deciding after a 409), its audit event, the vertical step, and what to
   * record (`tickRecordOf`; the store writes the tick's records together).
   */
  private async actuate(
    planned: Plan,
    killSwitch: KillSwitchState,
    nowMs: number,
    context: TickContext,
  ): Promise<Actuated> {
    const { audit, client, health, store } = this.options;
    const { record } = planned.discovered;
    const gate = writeGateOf({
      kind: planned.result.decision.kind,
      mode: planned.policy.mode,
      otherAutoscaler: planned.otherAutoscaler,
      killSwitch,
      writesAllowed: health.allowsWrites(nowMs),
      cluster: record.cluster,
    });
    const written = gate.write
      ? await writeScale(planned, client, plan =>
          this.replan(plan, nowMs, context),
        )
      : {
          plan: planned,
          outcome: gate.outcome,
          wrote: false,
          error: gate.error,
        };
    const { plan, outcome, wrote, error } = written;

    const decided = plan.result.decision;
    if (outcome === 'applied' && decided.kind === 'scale') {
      await audit.append({
        actor: 'autoscaling-engine',
        action: 'engine.actuate',
        target: record.entityRef,
        before: { workload: record.id, replicas: decided.from },
        after: { workload: record.id, replicas: decided.to },
        reason: reasonsOf(plan, outcome, killSwitch)
          .map(r => r.message)
          .join('; '),
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
    const cost = this.options.cost;
    return {
      plan,
      outcome,
      wrote,
      error,
      vertical: { wrote: verticalStep.wrote, error: verticalStep.error },
      record: tickRecordOf({
        plan,
        outcome,
        wrote,
        error,
        killSwitch,
        previous: context.reads.lastDecisions.get(record.id),
        vertical: {
          containers: verticalStep.containers,
          state: verticalStep.state,
        },
        accumulateCost: cost
          ? (...args) => cost.accumulate(...args)
          : undefined,
        forecastOwner: store.instanceId,
        nowMs,
      }),
    };
  }

  /** After a 409: observe and decide again on the fresh count, with the tick's limits. */
  private async replan(
    plan: Plan,
    nowMs: number,
    context: TickContext,
  ): Promise<Plan> {
    const fresh = await this.plan(
      plan.discovered,
      nowMs,
      context,
      plan.forecastState,
    );
    fresh.refitted = fresh.refitted || plan.refitted;
    fresh.limit = plan.limit;
    fresh.allocationReasons = plan.allocationReasons;
    fresh.budgetReason = plan.budgetReason;
    if (fresh.limit) fresh.result = this.redecide(fresh, fresh.scale, nowMs);
    return fresh;
  }

  /**
   * The workload's forecaster (`forecastsOf`); at first sight a fresh one, and its past from
   * Prometheus (when configured) written as metric points, so charts and the first fit have it.
   */
  private async forecastStateOf(
    discovered: DiscoveredWorkload,
    nowMs: number,
    context: TickContext,
  ): Promise<{ state: LiveForecastState; past?: WorkloadPast }> {
    const { store, demandHistory, logger } = this.options;
    const { record } = discovered;
    const prepared = context.forecasts.get(record.id);
    if (prepared?.error) throw prepared.error;
    if (prepared?.state) return { state: prepared.state };
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
    prefetched?: Array<{ atMs: number; demand: number }>,
  ) {
    const samples =
      prefetched ??
      (
        await this.options.store.listMetricPoints(
          workloadId,
          nowMs - policy.predictive.maxHistorySeconds * 1000,
        )
      ).flatMap(p =>
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
