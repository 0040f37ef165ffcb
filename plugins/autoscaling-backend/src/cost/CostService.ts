import type {
  BudgetStatus,
  ClusterCost,
  CostBreakdown,
  TenantSummary,
  VerticalRecommendation,
  WorkloadCost,
  WorkloadSummary,
} from '@internal/plugin-autoscaling-common';
import {
  accumulateCost,
  allocateCost,
  budgetCaps,
  budgetStatus,
  clusterIdleCost,
  GIB,
  hourlyCostFromDemandForecast,
  lookupClusterPrice,
  monthOf,
  predictiveSavings,
  projectMonth,
  spotAdvice,
  tenantBudget,
  verticalSavings,
  type BudgetCap,
  type BudgetCapWorkload,
  type CostAccumulatorState,
  type CostSample,
  type IdleCost,
  type PriceCatalog,
  type TenantBudget,
} from '@internal/plugin-autoscaling-engine';
import type { StoredWorkload } from '../store/EngineStore';
import type { WorkloadEngineState } from '../store/WorkloadEngineState';
import { containerRecommendations } from './verticalRecommendations';
import { mapSliced } from '../util/mapSliced';
import type { TenantInfo } from '../workloads/WorkloadDiscovery';
import {
  DEFAULT_BUDGET_SETTINGS,
  type BudgetSettings,
} from './readPriceCatalog';

/** The engine state the cost service reads (the one `WorkloadEngineState`). */
export type CostEngineState = WorkloadEngineState;

export interface CostServiceOptions {
  catalog: PriceCatalog;
  budgets?: BudgetSettings;
  /** Vertical savings need this much history (days) before they are shown (default 1 h). */
  minVerticalConfidenceDays?: number;
  clock?: () => number;
}

/** One row of the CSV export: a workload's month so far and its projection. */
export interface CostExportRow {
  month: string;
  workloadId: string;
  entityRef: string;
  tenant: string;
  environment: string;
  cluster: string;
  namespace: string;
  kind: string;
  name: string;
  replicas: number;
  hourly: number;
  monthToDate: number;
  cpuCost: number;
  memoryCost: number;
  gpuCost: number;
  projectedMonth: number;
  projectedLower: number;
  projectedUpper: number;
  currency: string;
}

export type { ClusterCost };

function isCostState(value: unknown): value is CostAccumulatorState {
  const v = value as CostAccumulatorState | undefined;
  return (
    typeof v === 'object' &&
    v !== null &&
    v.version === 1 &&
    typeof v.month === 'string' &&
    Number.isFinite(v.monthToDate) &&
    Number.isFinite(v.hourly) &&
    typeof v.last === 'object'
  );
}

const round = (value: number, digits = 6) => Number(value.toFixed(digits));

/**
 * Cost of workloads and tenants from what the evaluator stored: the month accumulator
 * (`state.cost`), the vertical histograms and the last forecast. No I/O of its own.
 */
export class CostService {
  private readonly budgets: BudgetSettings;
  private readonly clock: () => number;

  constructor(private readonly options: CostServiceOptions) {
    this.budgets = options.budgets ?? DEFAULT_BUDGET_SETTINGS;
    this.clock = options.clock ?? Date.now;
  }

  /** `YYYY-MM` (UTC) of the service's clock. */
  currentMonth(): string {
    return monthOf(this.clock());
  }

  get currency(): string {
    return this.options.catalog.currency;
  }

  /** The prices of a cluster's workloads (its `clusters` entry, else the default). */
  pricesFor(cluster: string) {
    return lookupClusterPrice(this.options.catalog, cluster);
  }

  /**
   * The evaluator's per-tick call: adds the tick to the workload's month. Spot defaults to
   * the cluster's placement in the catalog.
   */
  accumulate(
    cluster: string,
    prior: unknown,
    sample: Omit<CostSample, 'spot'> & { spot?: boolean },
  ): CostAccumulatorState {
    const price = this.pricesFor(cluster);
    return accumulateCost(
      isCostState(prior) ? prior : undefined,
      { ...sample, spot: sample.spot ?? price.spot },
      price.prices,
    );
  }

  /** The month accumulator of a workload, if any and of the current month. */
  private costStateOf(stored: StoredWorkload, nowMs: number) {
    const raw = (stored.state as CostEngineState).cost;
    if (!isCostState(raw)) return undefined;
    return { state: raw, current: raw.month === monthOf(nowMs) };
  }

  /**
   * What one replica of the workload costs an hour at its requests: the cost card's prices
   * (the cluster's catalog entry, spot or on demand) and allocation, for one pod. The guardrail
   * ceilings and the backtests price replicas with it. Null while the pod's requests are unknown.
   */
  replicaHourly(stored: StoredWorkload): number | null {
    return this.hourlyAt(stored, 1);
  }

  /**
   * The workload's cost per hour at `replicas` and a usage (all pods: cores, bytes), as the
   * month accumulator charges a tick: max(request, usage) at the cluster's prices. Null while
   * the pod's requests are unknown.
   */
  hourlyAt(
    stored: StoredWorkload,
    replicas: number,
    usage: { cpuCores?: number | null; memoryBytes?: number | null } = {},
  ): number | null {
    const price = this.pricesFor(stored.cluster);
    const engine = stored.state as CostEngineState & {
      podCpuRequest?: number;
      podMemoryRequest?: number;
    };
    const last = isCostState(engine.cost) ? engine.cost.last : undefined;
    const cpuCores = last?.cpuRequestCores ?? engine.podCpuRequest ?? 0;
    const memoryBytes =
      last?.memoryRequestBytes ?? engine.podMemoryRequest ?? 0;
    const flat = price.prices.replicaHour !== undefined;
    if (!flat && !(cpuCores > 0) && !(memoryBytes > 0)) return null;
    return allocateCost(
      {
        replicas,
        hours: 1,
        request: { cpuCores, memoryBytes, gpus: last?.gpuRequest ?? 0 },
        usage,
        spot: last?.spot ?? price.spot,
      },
      price.prices,
    ).totalCost;
  }

  /** Memory one replica used at the last cost sample (bytes), when the sample had it. */
  memoryPerReplica(stored: StoredWorkload): number | null {
    const raw = (stored.state as CostEngineState).cost;
    if (!isCostState(raw)) return null;
    const { memoryUsageBytes, replicas } = raw.last;
    return typeof memoryUsageBytes === 'number' && replicas > 0
      ? memoryUsageBytes / replicas
      : null;
  }

  workloadCost(stored: StoredWorkload): WorkloadCost {
    return { workloadId: stored.id, ...this.breakdown(stored, this.clock()) };
  }

  private breakdown(stored: StoredWorkload, nowMs: number): CostBreakdown {
    const currency = this.currency;
    const found = this.costStateOf(stored, nowMs);
    if (!found) {
      return {
        currency,
        hourly: 0,
        monthToDate: 0,
        projectedMonth: { value: 0, lower: 0, upper: 0 },
        savings: [],
        spot: null,
      };
    }
    const { state, current } = found;
    const monthToDate = current ? state.monthToDate : 0;
    const engine = stored.state as CostEngineState;
    const { prices } = this.pricesFor(stored.cluster);
    const last = state.last;
    const spot = last.spot ?? false;

    const projection = this.projectionOf(stored, state, monthToDate, nowMs);

    const savings: CostBreakdown['savings'] = [];
    const vertical = this.verticalSavingsOf(stored);
    if (vertical) savings.push(vertical);
    if (current && state.trackedHours > 0 && last.replicas > 0) {
      const monthly = predictiveSavings({
        peakReplicas: state.peakReplicas,
        replicaHours: state.replicaHours,
        trackedHours: state.trackedHours,
        costPerReplicaHour: state.hourly / last.replicas,
      });
      savings.push({
        kind: 'predictive',
        monthly: round(monthly),
        description: `autoscaling ran ${(
          state.replicaHours / state.trackedHours
        ).toFixed(1)} replicas on average this month instead of a static ${
          state.peakReplicas
        } (the peak)`,
      });
    }

    const allocatedCpu = Math.max(
      last.replicas * last.cpuRequestCores,
      last.cpuUsageCores ?? 0,
    );
    const allocatedMemory = Math.max(
      last.replicas * last.memoryRequestBytes,
      last.memoryUsageBytes ?? 0,
    );
    const advice = spotAdvice(
      {
        kind: stored.kind,
        replicas: last.replicas,
        hasDisruptionBudget: engine.spotReadiness?.hasDisruptionBudget,
        hasLocalState: engine.spotReadiness?.hasLocalState,
        onSpot: spot,
      },
      {
        cpuCores: allocatedCpu,
        memoryBytes: allocatedMemory,
        gpus: last.replicas * (last.gpuRequest ?? 0),
      },
      prices,
    );
    if (advice.suitable && advice.monthlySavings > 0) {
      savings.push({
        kind: 'spot',
        monthly: round(advice.monthlySavings),
        description:
          'running on spot capacity (advice only: spot-ready is not a guarantee)',
      });
    }

    return {
      currency,
      hourly: round(state.hourly),
      monthToDate: round(monthToDate),
      projectedMonth: {
        value: round(projection.value),
        lower: round(projection.lower),
        upper: round(projection.upper),
      },
      savings,
      spot: { ...advice, monthlySavings: round(advice.monthlySavings) },
    };
  }

  /** End of month from the demand forecast when there is one, else the current rate. */
  private projectionOf(
    stored: StoredWorkload,
    state: CostAccumulatorState,
    monthToDate: number,
    nowMs: number,
  ) {
    const engine = stored.state as CostEngineState;
    const last = state.last;
    const forecast =
      engine.lastForecast && last.cpuUsageCores
        ? hourlyCostFromDemandForecast({
            hourly: state.hourly,
            currentReplicas: last.replicas,
            currentDemand: last.cpuUsageCores,
            minReplicas: stored.status?.minReplicas ?? 0,
            maxReplicas:
              stored.status?.maxReplicas ?? Math.max(last.replicas, 1),
            points: engine.lastForecast.points.filter(
              p => Date.parse(p.at) >= nowMs,
            ),
          })
        : null;
    return projectMonth({ nowMs, monthToDate, hourly: state.hourly, forecast });
  }

  /**
   * Savings of right-sizing requests to the vertical recommendations (per container, within
   * the policy), once they have history.
   */
  private verticalSavingsOf(
    stored: StoredWorkload,
  ): CostBreakdown['savings'][number] | undefined {
    const engine = stored.state as CostEngineState;
    const last = engine.cost?.last;
    const priced = this.verticalRecommendations(stored);
    if (!priced || !last || priced.rows.length === 0) return undefined;
    const minDays = this.options.minVerticalConfidenceDays ?? 1 / 24;
    const days = Math.min(...priced.rows.map(r => r.confidenceDays));
    if (days < minDays) return undefined;
    const parts = priced.rows.map(r =>
      r.resource === 'cpu'
        ? `${r.container} CPU ${
            r.current === null ? '—' : r.current.toFixed(3)
          } → ${r.target.toFixed(3)} cores`
        : `${r.container} memory ${
            r.current === null ? '—' : (r.current / GIB).toFixed(2)
          } → ${(r.target / GIB).toFixed(2)} GiB`,
    );
    return {
      kind: 'vertical',
      monthly: priced.total,
      description: `requests right-sized per pod (${parts.join(', ')}) on ${
        last.replicas
      } replicas, from ${(days * 24).toFixed(1)} h of history`,
    };
  }

  /**
   * The vertical recommendations per container within the policy stored at the last tick, each
   * priced with the cost card's prices: lowering the request to the target on the current
   * replicas for a month (a rise saves 0). Null before the first cost sample.
   */
  verticalRecommendations(
    stored: StoredWorkload,
  ): { rows: VerticalRecommendation[]; total: number } | null {
    const engine = stored.state as CostEngineState;
    const last = engine.cost?.last;
    // A state from before per-container observation: the pod's requests as last costed.
    const rows = containerRecommendations(
      {
        ...engine,
        podCpuRequest:
          engine.podCpuRequest ?? (last?.cpuRequestCores || undefined),
        podMemoryRequest:
          engine.podMemoryRequest ?? (last?.memoryRequestBytes || undefined),
      },
      stored.name,
    );
    if (!last) {
      return rows.length > 0
        ? { rows: rows.map(r => ({ ...r, monthlySavings: null })), total: 0 }
        : null;
    }
    const { prices } = this.pricesFor(stored.cluster);
    const priced = rows.map(r => {
      const key = r.resource === 'cpu' ? 'cpuCores' : 'memoryBytes';
      const s = verticalSavings({
        replicas: last.replicas,
        current: { [key]: r.current },
        target: { [key]: r.target },
        prices,
        spot: last.spot ?? false,
      });
      return { ...r, monthlySavings: round(s.total) };
    });
    return {
      rows: priced,
      total: round(priced.reduce((sum, r) => sum + (r.monthlySavings ?? 0), 0)),
    };
  }

  /** Monthly savings per vertical recommendation resource, for the recommendations route. */
  verticalMonthlySavings(
    stored: StoredWorkload,
  ): { cpu: number; memory: number } | null {
    const priced = this.verticalRecommendations(stored);
    if (!priced || !(stored.state as CostEngineState).cost?.last) return null;
    const sum = (resource: 'cpu' | 'memory') =>
      round(
        priced.rows
          .filter(r => r.resource === resource)
          .reduce((total, r) => total + (r.monthlySavings ?? 0), 0),
      );
    return { cpu: sum('cpu'), memory: sum('memory') };
  }

  /** A tenant's projected month against its budget. */
  tenantBudget(
    tenant: TenantInfo,
    workloads: readonly StoredWorkload[],
  ): TenantBudget {
    const nowMs = this.clock();
    const projected = workloads
      .filter(w => w.tenant === tenant.name)
      .reduce((sum, w) => {
        const found = this.costStateOf(w, nowMs);
        if (!found) return sum;
        const mtd = found.current ? found.state.monthToDate : 0;
        return sum + this.projectionOf(w, found.state, mtd, nowMs).value;
      }, 0);
    return tenantBudget(
      projected,
      tenant.monthlyBudget,
      this.currency,
      this.budgets.thresholds,
    );
  }

  /**
   * Emergency caps for the workloads about to be decided (`candidates`), from every stored
   * workload of their tenants (a tenant's budget spans clusters).
   */
  budgetCaps(
    tenants: ReadonlyMap<string, TenantInfo>,
    allWorkloads: readonly StoredWorkload[],
    candidates: readonly BudgetCapWorkload[],
  ): BudgetCap[] {
    const budgets = this.tenantBudgets(
      tenants,
      allWorkloads,
      candidates.map(c => c.tenant),
    );
    return this.capsFromBudgets(candidates, budgets);
  }

  /** The budgets of the named tenants (unknown names are left out), by tenant name. */
  tenantBudgets(
    tenants: ReadonlyMap<string, TenantInfo>,
    allWorkloads: readonly StoredWorkload[],
    names: Iterable<string>,
  ): Record<string, TenantBudget> {
    const budgets: Record<string, TenantBudget> = {};
    for (const name of new Set(names)) {
      const tenant = tenants.get(name);
      if (tenant) budgets[name] = this.tenantBudget(tenant, allWorkloads);
    }
    return budgets;
  }

  /** Emergency caps from budgets the caller already has (see `tenantBudgets`). */
  capsFromBudgets(
    candidates: readonly BudgetCapWorkload[],
    budgets: Readonly<Record<string, TenantBudget>>,
  ): BudgetCap[] {
    return budgetCaps(candidates, budgets, this.budgets.caps);
  }

  tenantSummary(
    tenant: TenantInfo,
    workloads: readonly StoredWorkload[],
  ): TenantSummary {
    const nowMs = this.clock();
    const own = workloads.filter(w => w.tenant === tenant.name);
    return this.summaryOf(
      tenant,
      own,
      own.map(w => this.breakdown(w, nowMs)),
    );
  }

  /**
   * `tenantSummary` with the workloads priced in event-loop slices (util/mapSliced.ts): the
   * alert rules price every tenant's workloads after each tick, 10,000 of them in a large fleet.
   */
  async tenantSummarySliced(
    tenant: TenantInfo,
    workloads: readonly StoredWorkload[],
  ): Promise<TenantSummary> {
    const nowMs = this.clock();
    const own = workloads.filter(w => w.tenant === tenant.name);
    return this.summaryOf(
      tenant,
      own,
      await mapSliced(own, w => this.breakdown(w, nowMs)),
    );
  }

  private summaryOf(
    tenant: TenantInfo,
    own: readonly StoredWorkload[],
    breakdowns: readonly CostBreakdown[],
  ): TenantSummary {
    const sum = (pick: (b: CostBreakdown) => number) =>
      round(breakdowns.reduce((total, b) => total + pick(b), 0));
    const savings: CostBreakdown['savings'] = [];
    for (const kind of ['vertical', 'predictive', 'spot'] as const) {
      const items = breakdowns.flatMap(b =>
        b.savings.filter(s => s.kind === kind),
      );
      if (items.length === 0) continue;
      savings.push({
        kind,
        monthly: round(items.reduce((total, s) => total + s.monthly, 0)),
        description: `${items.length} of ${own.length} workloads`,
      });
    }
    const projectedMonth = {
      value: sum(b => b.projectedMonth.value),
      lower: sum(b => b.projectedMonth.lower),
      upper: sum(b => b.projectedMonth.upper),
    };
    const status: BudgetStatus = budgetStatus(
      projectedMonth.value,
      tenant.monthlyBudget,
      this.budgets.thresholds,
    );
    return {
      tenant: tenant.name,
      entityRef: tenant.entityRef,
      tier: tenant.tier,
      replicaQuota: tenant.replicaQuota,
      monthlyBudget: tenant.monthlyBudget,
      totalReplicas: own.reduce((total, w) => total + replicasOf(w), 0),
      budgetStatus: status,
      cost: {
        currency: this.currency,
        hourly: sum(b => b.hourly),
        monthToDate: sum(b => b.monthToDate),
        projectedMonth,
        savings,
        spot: null,
      },
      workloads: own.flatMap((w, index) => {
        const summary = summaryOf(w);
        if (!summary) return [];
        return [
          {
            ...summary,
            hourlyCost: summary.hourlyCost ?? breakdowns[index].hourly,
          },
        ];
      }),
    };
  }

  /** Cost per hour of a cluster's workloads and, with a configured capacity, its idle cost. */
  clusterCost(
    cluster: string,
    workloads: readonly StoredWorkload[],
  ): ClusterCost {
    const nowMs = this.clock();
    const placement = this.options.catalog.clusters[cluster];
    const { prices, spot } = this.pricesFor(cluster);
    const allocations = workloads
      .filter(w => w.cluster === cluster)
      .flatMap(w => {
        const found = this.costStateOf(w, nowMs);
        if (!found) return [];
        const { rate } = found.state;
        return [
          {
            cpuCoreHours: 0,
            memoryGiBHours: 0,
            gpuHours: 0,
            cpuCost: rate.cpu,
            memoryCost: rate.memory,
            gpuCost: rate.gpu,
            totalCost: rate.cpu + rate.memory + rate.gpu,
          },
        ];
      });
    const allocated = round(
      allocations.reduce((total, a) => total + a.totalCost, 0),
    );
    // Idle cost compares resource prices; a flat replica price has none to compare.
    if (!placement?.capacity || prices.replicaHour) {
      return {
        cluster,
        currency: this.currency,
        hourly: { allocated, capacity: null, idle: null },
        idleFraction: null,
      };
    }
    const idle: IdleCost = clusterIdleCost(
      { capacity: placement.capacity, hours: 1, spot },
      allocations,
      prices,
    );
    return {
      cluster,
      currency: this.currency,
      hourly: {
        allocated,
        capacity: round(idle.capacity.totalCost),
        idle: round(idle.idle.totalCost),
      },
      idleFraction: round(idle.idleFraction, 4),
    };
  }

  exportRows(workloads: readonly StoredWorkload[]): CostExportRow[] {
    const nowMs = this.clock();
    return workloads.map(w => {
      const b = this.breakdown(w, nowMs);
      const found = this.costStateOf(w, nowMs);
      const breakdown = found?.current
        ? found.state.breakdown
        : { cpu: 0, memory: 0, gpu: 0 };
      return {
        month: monthOf(nowMs),
        workloadId: w.id,
        entityRef: w.entityRef,
        tenant: w.tenant,
        environment: w.environment,
        cluster: w.cluster,
        namespace: w.namespace,
        kind: w.kind,
        name: w.name,
        replicas: replicasOf(w),
        hourly: b.hourly,
        monthToDate: b.monthToDate,
        cpuCost: round(breakdown.cpu),
        memoryCost: round(breakdown.memory),
        gpuCost: round(breakdown.gpu),
        projectedMonth: b.projectedMonth.value,
        projectedLower: b.projectedMonth.lower,
        projectedUpper: b.projectedMonth.upper,
        currency: b.currency,
      };
    });
  }

  exportCsv(rows: readonly CostExportRow[]): string {
    return toCsv(rows);
  }
}

const CSV_COLUMNS: ReadonlyArray<[keyof CostExportRow, string]> = [
  ['month', 'month'],
  ['workloadId', 'workload_id'],
  ['entityRef', 'entity_ref'],
  ['tenant', 'tenant'],
  ['environment', 'environment'],
  ['cluster', 'cluster'],
  ['namespace', 'namespace'],
  ['kind', 'kind'],
  ['name', 'name'],
  ['replicas', 'replicas'],
  ['hourly', 'hourly_cost'],
  ['monthToDate', 'month_to_date'],
  ['cpuCost', 'cpu_cost_mtd'],
  ['memoryCost', 'memory_cost_mtd'],
  ['gpuCost', 'gpu_cost_mtd'],
  ['projectedMonth', 'projected_month'],
  ['projectedLower', 'projected_lower'],
  ['projectedUpper', 'projected_upper'],
  ['currency', 'currency'],
];

/**
 * RFC 4180 CSV. Text cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR)
 * get a leading apostrophe (OWASP CSV injection guidance); numbers are written as numbers.
 */
export function toCsv(rows: readonly CostExportRow[]): string {
  const cell = (value: string | number): string => {
    if (typeof value === 'number') return String(value);
    let text = value;
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [CSV_COLUMNS.map(([, header]) => header).join(',')];
  for (const row of rows)
    lines.push(CSV_COLUMNS.map(([key]) => cell(row[key])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

function replicasOf(w: StoredWorkload): number {
  return (
    w.status?.currentReplicas ??
    (w.state as CostEngineState).cost?.last.replicas ??
    0
  );
}

function summaryOf(w: StoredWorkload): WorkloadSummary | null {
  if (!w.status) return null;
  const {
    conditions: _conditions,
    metrics: _metrics,
    lastDecision: _lastDecision,
    predictiveFloor: _predictiveFloor,
    ...summary
  } = w.status;
  return summary;
}
