/**
 * Runs the alert rules after each cluster tick and sends what fires or recovers through
 * Backstage's notification service, one topic per rule (`ALERT_RULES`): the notifications
 * backend then delivers it to the portal's bell and to every processor (e-mail, webhook) the
 * recipient's per-topic settings allow. State lives in `autoscaling_alerts` (AlertStore).
 *
 * Reads per tick: the cluster's workloads (ids and versions; whole rows only where changed since
 * this process last read or wrote them, see `EngineStore`; each carries its latest decision with
 * the clamp), every workload once more for tenant budgets (budgets span clusters), the anomalies
 * of the cluster's production workloads (from the forecasters in memory, else their checkpoints)
 * and the stored alerts.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import type { Knex } from 'knex';
import type { TenantInfo } from '../catalog/catalogModel';
import type { CostService } from '../cost';
import type { ClusterHealth } from '../evaluation/ClusterHealth';
import type { EngineStore } from '../store/EngineStore';
import { decodeForecastRow } from '../store/forecastRow';
import { mapSliced } from '../util/mapSliced';
import { AlertStore } from './AlertStore';
import type { AlertConfig } from './config';
import {
  CHANGE_REQUEST_TOPICS,
  evaluateAlertRulesSliced,
  evaluateChangeRequestEvent,
  evaluateCircuitRule,
  ruleOf,
  type AlertNotice,
  type BudgetObservation,
  type ChangeRequestEventKind,
  type RuleEvaluation,
  type WorkloadObservation,
} from './rules';

/** Workload ids per checkpoint query (under every database's bound-parameter limit). */
const ANOMALY_IDS_PER_QUERY = 1_000;

export interface AlertServiceOptions {
  knex: Knex;
  store: EngineStore;
  config: AlertConfig;
  logger: LoggerService;
  notifications?: NotificationService;
  approverGroup: string;
  productionEnvironments: readonly string[];
  tenants: () => Promise<Map<string, TenantInfo>>;
  cost?: CostService;
  health: ReadonlyMap<string, ClusterHealth>;
  clock: () => number;
}

const isRecipientRef = (ref: string) => /^(user|group|component):/i.test(ref);

export class AlertService {
  readonly alertStore: AlertStore;

  constructor(private readonly options: AlertServiceOptions) {
    this.alertStore = new AlertStore(options.knex);
  }

  /** Evaluates the rules for one cluster after its tick and sends what fired or recovered. */
  async evaluateCluster(
    cluster: string,
    nowMs: number = this.options.clock(),
  ): Promise<AlertNotice[]> {
    const { store, config, health } = this.options;
    if (!config.enabled) return [];
    const tenants = await this.options.tenants();
    const workloads = await store.listWorkloads({ cluster });
    const production = new Set(this.options.productionEnvironments);
    const anomalies = await this.latestAnomalies(
      workloads.filter(w => production.has(w.environment)).map(w => w.id),
    );
    // One observation per workload of the cluster (10,000): in slices of the event loop.
    const observed: WorkloadObservation[] = await mapSliced(workloads, w => ({
      id: w.id,
      entityRef: w.entityRef,
      name: w.name,
      tenant: w.tenant,
      tenantRef: tenants.get(w.tenant)?.entityRef ?? null,
      production: production.has(w.environment),
      lastDecision: w.status?.lastDecision ?? null,
      latestAnomaly: anomalies.get(w.id) ?? null,
    }));
    const circuit = health.get(cluster);
    const result = await evaluateAlertRulesSliced(
      await this.alertStore.list(),
      {
        nowMs,
        cluster,
        circuit: {
          state: circuit?.circuit ?? 'closed',
          lastError: circuit?.lastError ?? null,
        },
        workloads: observed,
        budgets: await this.budgets(tenants),
      },
      config,
    );
    return this.commit(result);
  }

  /** The evaluator's circuit callback: tells the platform team in the tick that opened it. */
  async circuitOpened(
    cluster: string,
    error: string,
    nowMs: number = this.options.clock(),
  ): Promise<AlertNotice[]> {
    if (!this.options.config.enabled) return [];
    return this.commit(
      evaluateCircuitRule(await this.alertStore.list(), {
        cluster,
        nowMs,
        circuit: { state: 'open', lastError: error },
      }),
    );
  }

  /**
   * The notification service governance's change-request workflow sends through: its
   * messages go out as they are (per-event topics), and the `change-request-created` alert is
   * kept so a decision tells the approvers the request no longer waits.
   */
  changeRequestNotifications(): NotificationService {
    return {
      send: async request => {
        const { topic, scope, title } = request.payload;
        const kind = (
          Object.entries(CHANGE_REQUEST_TOPICS) as Array<
            [ChangeRequestEventKind, string]
          >
        ).find(([, t]) => t === topic)?.[0];
        const id = /^autoscaling-change-request:(.+)$/.exec(scope ?? '')?.[1];
        if (this.ruleEnabled(kind && `change-request-${kind}`))
          await this.options.notifications?.send(request);
        if (!kind || !id || !this.options.config.enabled) return;
        const key = `change-request-created:${id}`;
        const result = evaluateChangeRequestEvent(
          await this.alertStore.get(key),
          { kind, id, title },
          this.options.clock(),
        );
        await this.commit(result);
      },
    };
  }

  private ruleEnabled(ruleId: string | undefined): boolean {
    if (!ruleId) return true;
    const own = this.options.config.rules[ruleId as keyof AlertConfig['rules']];
    return own ? own.enabled : true;
  }

  private async commit(result: RuleEvaluation): Promise<AlertNotice[]> {
    await this.alertStore.apply(result.upserts, result.removals);
    const sent: AlertNotice[] = [];
    for (const notice of result.notices) {
      if (!this.ruleEnabled(notice.rule)) continue;
      const recipients = this.recipientsOf(notice);
      if (recipients.length === 0) continue;
      sent.push(notice);
      const send: NotificationSendOptions = {
        recipients: {
          type: 'entity',
          entityRef: recipients.length === 1 ? recipients[0] : recipients,
        },
        payload: {
          title: notice.title,
          description: notice.description,
          link: notice.link,
          severity: notice.severity,
          topic: ruleOf(notice.rule).topic,
          // One notification per alert and recipient: the recovery replaces the firing one
          // (for a change request, the workflow's own message of the request).
          scope:
            notice.subject.kind === 'change-request'
              ? `autoscaling-change-request:${notice.subject.id}`
              : notice.key,
        },
      };
      try {
        await this.options.notifications?.send(send);
      } catch (error) {
        this.options.logger.warn(
          `Could not send alert "${notice.title}" (${notice.key}): ${error}`,
        );
      }
    }
    return sent;
  }

  /** The entity refs an alert goes to: owners (the Component), the tenant group, the platform. */
  private recipientsOf(notice: AlertNotice): string[] {
    const { subject } = notice;
    const refs = new Set<string>();
    for (const who of this.options.config.rules[notice.rule].recipients) {
      if (who === 'platform') refs.add(this.options.approverGroup);
      if (who === 'owners' && subject.kind === 'workload')
        refs.add(subject.entityRef);
      if (
        who === 'tenant' &&
        (subject.kind === 'workload' || subject.kind === 'tenant') &&
        subject.tenantRef
      )
        refs.add(subject.tenantRef);
    }
    return [...refs].filter(isRecipientRef);
  }

  /** Budgets of the tenants that have one: projected month and month-to-date. */
  private async budgets(
    tenants: Map<string, TenantInfo>,
  ): Promise<BudgetObservation[] | undefined> {
    const { cost, store } = this.options;
    if (!cost) return undefined;
    const withBudget = [...tenants.values()].filter(
      t => t.monthlyBudget !== null && t.monthlyBudget > 0,
    );
    if (withBudget.length === 0) return [];
    const all = await store.listWorkloads();
    const observed: BudgetObservation[] = [];
    for (const tenant of withBudget) {
      const summary = await cost.tenantSummarySliced(tenant, all);
      observed.push({
        tenant: tenant.name,
        tenantRef: tenant.entityRef,
        monthlyBudget: tenant.monthlyBudget!,
        projected: summary.cost.projectedMonth.value,
        actual: summary.cost.monthToDate,
        currency: summary.cost.currency,
      });
    }
    return observed;
  }

  /**
   * The newest anomaly of each of `ids` (the cluster's production workloads). The forecasters
   * this process stepped in the tick just run are in memory (`EngineStore.forecasts`) and newer
   * than their checkpoints; the others are read from their checkpoints (chunked `in` lists),
   * forecast rows with an empty anomaly list skipped in SQL, the rest decoded.
   */
  private async latestAnomalies(
    ids: string[],
  ): Promise<Map<string, { atMs: number; value: number; score: number }>> {
    const { knex, logger, store } = this.options;
    type Anomaly = { atMs: number; value: number; score: number };
    const latest = new Map<string, Anomaly>();
    const newestOf = (id: string, state: Record<string, unknown>) => {
      const list = state.anomalies as Anomaly[] | undefined;
      const newest = list?.reduce<Anomaly | undefined>(
        (best, a) => (!best || a.atMs > best.atMs ? a : best),
        undefined,
      );
      if (newest) latest.set(id, newest);
    };
    const checkpointed: string[] = [];
    for (const id of ids) {
      const live = store.forecasts.get(id);
      if (live) newestOf(id, live.state);
      else checkpointed.push(id);
    }
    for (let i = 0; i < checkpointed.length; i += ANOMALY_IDS_PER_QUERY) {
      const rows: Array<{ workload_id: string; state_json: string }> =
        await knex('workload_forecasts')
          .whereIn(
            'workload_id',
            checkpointed.slice(i, i + ANOMALY_IDS_PER_QUERY),
          )
          .where('state_json', 'like', '%"anomalies"%')
          .whereNot('state_json', 'like', '%"anomalies":[]%')
          .select('workload_id', 'state_json');
      for (const row of rows) {
        try {
          newestOf(
            row.workload_id,
            decodeForecastRow(row.state_json, row.workload_id),
          );
        } catch (error) {
          logger.warn(String(error));
        }
      }
    }
    return latest;
  }
}
