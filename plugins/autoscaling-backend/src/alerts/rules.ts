/**
 * The alert rules (issue 17), pure: given the alerts stored before and what one cluster tick
 * observed, which alerts fire, which stay firing without a new message (deduplicated), and
 * which recover. No I/O and no clock: time comes in with the observations (the sliced variant
 * only gives the event loop turns).
 *
 * An alert is identified by its key (rule and subject, e.g. `capped:<workload id>`). Its record
 * is `pending` while a condition that must last (capped for N minutes) has not lasted long
 * enough, and `firing` once its notice went out. A condition that ends removes the record: a
 * `pending` one silently, a `firing` one with a recovery notice.
 */
import type { Decision, ClampBy } from '@internal/plugin-autoscaling-common';
import { mapSliced } from '../util/mapSliced';

/** Every rule; the notification topic of a rule is `autoscaling-<rule>` (see `ALERT_RULES`). */
export type AlertRuleId =
  | 'actuation-failed'
  | 'circuit-open'
  | 'capped'
  | 'budget-projected-80'
  | 'budget-projected-100'
  | 'budget-actual-80'
  | 'budget-actual-100'
  | 'forecast-anomaly'
  | 'change-request-created'
  | 'change-request-approved'
  | 'change-request-rejected'
  | 'change-request-superseded';

/** Who an alert goes to: the service's owners, the tenant's group, the platform team. */
export type AlertAudience = 'owners' | 'tenant' | 'platform';

export type AlertSeverity = 'critical' | 'high' | 'normal' | 'low';

export interface AlertRuleDefinition {
  id: AlertRuleId;
  /** The Backstage notification topic: users choose channels per topic in their settings. */
  topic: string;
  /** What the rule watches, for the README and the settings page. */
  description: string;
  /** Who gets it unless `autoscaling.alerts.rules.<id>.recipients` says otherwise. */
  defaultRecipients: AlertAudience[];
}

const rule = (
  id: AlertRuleId,
  description: string,
  defaultRecipients: AlertAudience[],
): AlertRuleDefinition => ({
  id,
  topic: id === 'circuit-open' ? 'autoscaling-circuit' : `autoscaling-${id}`,
  description,
  defaultRecipients,
});

/** The rules, in the order the README lists them. */
export const ALERT_RULES: readonly AlertRuleDefinition[] = [
  rule(
    'actuation-failed',
    'a scale write to the cluster failed (one alert per workload until a decision succeeds)',
    ['owners'],
  ),
  rule(
    'circuit-open',
    "the cluster's circuit breaker opened: the engine stopped writing to it (recovers when it closes)",
    ['platform'],
  ),
  rule(
    'capped',
    'held at its maximum, the tenant quota or the budget ceiling for longer than `cappedMinutes` while the engine asks for more',
    ['owners', 'tenant'],
  ),
  rule(
    'budget-projected-80',
    "the tenant's projected month reached 80% of its monthly budget",
    ['tenant'],
  ),
  rule(
    'budget-projected-100',
    "the tenant's projected month reached its monthly budget",
    ['tenant', 'platform'],
  ),
  rule(
    'budget-actual-80',
    "the tenant's spend this month reached 80% of its monthly budget",
    ['tenant'],
  ),
  rule(
    'budget-actual-100',
    "the tenant's spend this month reached its monthly budget",
    ['tenant', 'platform'],
  ),
  rule(
    'forecast-anomaly',
    'demand of a production service left the forecast band (recovers after `anomalyQuietMinutes` without a new anomaly)',
    ['owners'],
  ),
  rule(
    'change-request-created',
    'a policy change crossed a guardrail and waits for approval (recovers when it is decided)',
    ['platform'],
  ),
  rule(
    'change-request-approved',
    'a change request was approved and applied (to its requester)',
    [],
  ),
  rule(
    'change-request-rejected',
    'a change request was rejected (to its requester)',
    [],
  ),
  rule(
    'change-request-superseded',
    'a change request was superseded: the policy changed since it was made (to its requester)',
    [],
  ),
];

export const ALERT_RULE_IDS = ALERT_RULES.map(r => r.id);

export function ruleOf(id: AlertRuleId): AlertRuleDefinition {
  return ALERT_RULES.find(r => r.id === id)!;
}

/** What an alert is about, and where the page that explains it is. */
export type AlertSubject =
  | {
      kind: 'workload';
      workloadId: string;
      entityRef: string;
      tenant: string;
      tenantRef: string | null;
    }
  | { kind: 'cluster'; cluster: string }
  | { kind: 'tenant'; tenant: string; tenantRef: string }
  | { kind: 'change-request'; id: string };

/** The stored state of one alert (table `autoscaling_alerts`). */
export interface AlertRecord {
  key: string;
  rule: AlertRuleId;
  status: 'pending' | 'firing';
  /** When its condition started (ms). */
  since: number;
  /** When its notice went out (ms), null while pending. */
  firedAt: number | null;
  /** The last tick that saw the condition (ms). */
  lastSeen: number;
  /** Occurrences folded into this alert (new failures, new anomalies) since it fired. */
  count: number;
  subject: AlertSubject;
  /** What the rule needs to tell a new occurrence from the same one. */
  detail: Record<string, unknown>;
}

/** A message to send: an alert that fired, or one that recovered. */
export interface AlertNotice {
  kind: 'firing' | 'recovered';
  rule: AlertRuleId;
  key: string;
  severity: AlertSeverity;
  title: string;
  description: string;
  /** A portal path: the service's Autoscaling tab, the tenant's, or the platform page. */
  link: string;
  subject: AlertSubject;
}

export interface AlertSettings {
  /** Minutes a cap must hold while the engine wants more before `capped` fires (default 30). */
  cappedMinutes: number;
  /** Minutes without a new anomaly before `forecast-anomaly` recovers (default 30). */
  anomalyQuietMinutes: number;
}

export const DEFAULT_ALERT_SETTINGS: AlertSettings = {
  cappedMinutes: 30,
  anomalyQuietMinutes: 30,
};

export interface WorkloadObservation {
  id: string;
  entityRef: string;
  /** `<cluster>/<namespace>/<kind>/<name>` is the id; the name is for messages. */
  name: string;
  tenant: string;
  tenantRef: string | null;
  production: boolean;
  /** The workload's latest decision row (the engine records a row when what it says changes). */
  lastDecision: Decision | null;
  /** The newest anomaly of its forecast state, null when none (or not a production service). */
  latestAnomaly: { atMs: number; value: number; score: number } | null;
}

export interface BudgetObservation {
  tenant: string;
  tenantRef: string;
  monthlyBudget: number;
  /** Projected cost of the month. */
  projected: number;
  /** Cost so far this month. */
  actual: number;
  currency: string;
}

/** What one cluster tick observed. */
export interface TickObservations {
  nowMs: number;
  cluster: string;
  circuit: { state: 'open' | 'closed'; lastError: string | null };
  workloads: WorkloadObservation[];
  /** Budgets of the tenants that have one; undefined when not evaluated this tick. */
  budgets?: BudgetObservation[];
}

export interface RuleEvaluation {
  /** Records to store (new or changed). */
  upserts: AlertRecord[];
  /** Keys to delete (recovered, or pending conditions that ended). */
  removals: string[];
  notices: AlertNotice[];
}

// ------------------------------------------------------------------ links and names

const entityPath = (ref: string) => {
  const match = /^([^:]+):(?:([^/]+)\/)?(.+)$/.exec(ref);
  if (!match) return '/catalog';
  const [, kind, namespace, name] = match;
  return `/catalog/${namespace ?? 'default'}/${kind.toLowerCase()}/${name}`;
};

/** The portal page that explains an alert. */
export function linkOf(subject: AlertSubject): string {
  switch (subject.kind) {
    case 'workload':
      return `${entityPath(subject.entityRef)}/autoscaling`;
    case 'tenant':
      return `${entityPath(subject.tenantRef)}/autoscaling`;
    case 'change-request':
      return `/autoscaling/change-requests/${subject.id}`;
    default:
      return '/autoscaling';
  }
}

const CAP_NAMES: Partial<Record<ClampBy, string>> = {
  max: 'its maximum',
  'global-max': 'the global maximum',
  quota: "the tenant's replica quota",
  budget: "the tenant's budget ceiling",
};

const percent = (fraction: number) => `${Math.round(fraction * 100)}%`;
const money = (value: number, currency: string) =>
  `${value.toFixed(2)} ${currency}`;
const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;

// ------------------------------------------------------------------ conditions

/** One rule's view of one subject this tick: whether its condition holds, and how to say it. */
interface Condition {
  key: string;
  rule: AlertRuleId;
  subject: AlertSubject;
  holds: boolean;
  /** When the condition started, if the observation knows (else: now). */
  startedAt?: number;
  /** Minutes it must hold before firing (0: fire at once). */
  holdMs: number;
  /** A new occurrence of an alert already firing (counted, not re-sent). */
  occurrence?: string;
  detail: Record<string, unknown>;
  severity: AlertSeverity;
  firing: () => { title: string; description: string };
  recovered: (record: AlertRecord) => { title: string; description: string };
}

function workloadConditions(
  w: WorkloadObservation,
  nowMs: number,
  settings: AlertSettings,
): Condition[] {
  const subject: AlertSubject = {
    kind: 'workload',
    workloadId: w.id,
    entityRef: w.entityRef,
    tenant: w.tenant,
    tenantRef: w.tenantRef,
  };
  const d = w.lastDecision;
  const failed = d?.outcome === 'failed';
  const clamp = d?.clamp;
  const capName = clamp ? CAP_NAMES[clamp.by] : undefined;
  const capped =
    !!clamp &&
    capName !== undefined &&
    clamp.wanted !== null &&
    clamp.wanted > clamp.limit;
  const anomaly = w.production ? w.latestAnomaly : null;
  const quietMs = settings.anomalyQuietMinutes * 60_000;
  return [
    {
      key: `actuation-failed:${w.id}`,
      rule: 'actuation-failed',
      subject,
      holds: failed,
      holdMs: 0,
      occurrence: failed ? d!.id : undefined,
      detail: failed ? { decisionId: d!.id, error: d!.error ?? null } : {},
      severity: 'high',
      firing: () => ({
        title: `Scaling ${w.name} failed`,
        description: `The engine could not set ${w.name} from ${d!.from} to ${
          d!.to
        } replicas: ${
          d!.error ?? 'the write failed'
        }. Further failures of this workload are folded into this alert until a decision succeeds.`,
      }),
      recovered: record => ({
        title: `Scaling ${w.name} works again`,
        description: `The engine's latest decision for ${w.name} is ${
          d ? `${d.outcome} (${d.from} → ${d.to})` : 'no longer failed'
        }, after ${record.count} failed attempt${
          record.count === 1 ? '' : 's'
        }.`,
      }),
    },
    {
      key: `capped:${w.id}`,
      rule: 'capped',
      subject,
      holds: capped,
      startedAt: capped ? Math.min(Date.parse(d!.at), nowMs) : undefined,
      holdMs: settings.cappedMinutes * 60_000,
      detail: capped
        ? { by: clamp!.by, limit: clamp!.limit, wanted: clamp!.wanted }
        : {},
      severity: clamp?.by === 'max' ? 'normal' : 'high',
      firing: () => ({
        title: `${w.name} is held at ${capName} (${clamp!.limit} replicas)`,
        description: `For ${
          settings.cappedMinutes
        } minutes or more the engine has asked for ${
          clamp!.wanted
        } replicas but ${capName} holds ${w.name} at ${clamp!.limit}. ${
          clamp!.by === 'max'
            ? 'Raise maxReplicas in the service policy if the demand is real.'
            : 'Ask the tenant admins to raise the quota or the budget, or lower other services.'
        }`,
      }),
      recovered: record => ({
        title: `${w.name} is no longer held at a cap`,
        description: `The engine gets the replicas it asks for again (held for ${minutes(
          nowMs - record.since,
        )}).`,
      }),
    },
    {
      key: `forecast-anomaly:${w.id}`,
      rule: 'forecast-anomaly',
      subject,
      holds: !!anomaly && nowMs - anomaly.atMs <= quietMs,
      holdMs: 0,
      occurrence: anomaly ? String(anomaly.atMs) : undefined,
      detail: anomaly ? { lastAnomalyAt: anomaly.atMs } : {},
      severity: 'normal',
      firing: () => ({
        title: `Unusual demand on ${w.name}`,
        description: `Demand of the production service ${
          w.name
        } left its forecast band at ${new Date(
          anomaly!.atMs,
        ).toISOString()} (observed ${anomaly!.value}, z-score ${
          anomaly!.score
        }). The forecast discounts it; check for an incident or a launch.`,
      }),
      recovered: record => ({
        title: `Demand of ${w.name} is back within its forecast band`,
        description: `No new anomaly for ${
          settings.anomalyQuietMinutes
        } minutes (${record.count} anomal${
          record.count === 1 ? 'y' : 'ies'
        } in this episode).`,
      }),
    },
  ];
}

function circuitCondition(obs: TickObservations): Condition {
  const { cluster } = obs;
  return {
    key: `circuit-open:${cluster}`,
    rule: 'circuit-open',
    subject: { kind: 'cluster', cluster },
    holds: obs.circuit.state === 'open',
    holdMs: 0,
    detail: { lastError: obs.circuit.lastError },
    severity: 'high',
    firing: () => ({
      title: `Autoscaling stopped writing to cluster ${cluster}`,
      description: `The circuit breaker opened after repeated failures: ${
        obs.circuit.lastError ?? 'unknown error'
      }`,
    }),
    recovered: record => ({
      title: `Autoscaling writes to cluster ${cluster} again`,
      description: `The circuit breaker closed after ${minutes(
        obs.nowMs - record.since,
      )}: the cluster answers and writes succeed.`,
    }),
  };
}

function budgetSeverity(
  measure: 'projected' | 'actual',
  threshold: 80 | 100,
): AlertSeverity {
  if (threshold === 80) return 'normal';
  return measure === 'actual' ? 'critical' : 'high';
}

function budgetConditions(b: BudgetObservation): Condition[] {
  const subject: AlertSubject = {
    kind: 'tenant',
    tenant: b.tenant,
    tenantRef: b.tenantRef,
  };
  const out: Condition[] = [];
  for (const measure of ['projected', 'actual'] as const) {
    const value = b[measure];
    const fraction = b.monthlyBudget > 0 ? value / b.monthlyBudget : 0;
    const what =
      measure === 'projected'
        ? 'projected cost of the month'
        : 'spend this month';
    for (const threshold of [80, 100] as const) {
      const id = `budget-${measure}-${threshold}` as AlertRuleId;
      out.push({
        key: `${id}:${b.tenant}`,
        rule: id,
        subject,
        holds: fraction >= threshold / 100,
        holdMs: 0,
        detail: { fraction: Math.round(fraction * 1000) / 1000 },
        severity: budgetSeverity(measure, threshold),
        firing: () => ({
          title: `Tenant ${b.tenant}: ${what} at ${percent(
            fraction,
          )} of the budget`,
          description: `The ${what} is ${money(
            value,
            b.currency,
          )} against a monthly budget of ${money(
            b.monthlyBudget,
            b.currency,
          )} (${threshold}% threshold).${
            threshold === 100 && measure === 'projected'
              ? ' Budget emergency caps apply: basic-tier services hold their replicas, premium grows slowly, enterprise still scales.'
              : ''
          }`,
        }),
        recovered: () => ({
          title: `Tenant ${b.tenant}: ${what} back under ${threshold}% of the budget`,
          description: `The ${what} is ${money(
            value,
            b.currency,
          )} against ${money(b.monthlyBudget, b.currency)} (${percent(
            fraction,
          )}).`,
        }),
      });
    }
  }
  return out;
}

/** Whether a stored alert belongs to what this tick observed (others are left alone). */
function inScope(record: AlertRecord, obs: TickObservations): boolean {
  const s = record.subject;
  if (s.kind === 'workload') return s.workloadId.startsWith(`${obs.cluster}/`);
  if (s.kind === 'cluster') return s.cluster === obs.cluster;
  if (s.kind === 'tenant') return obs.budgets !== undefined;
  return false;
}

/** Runs conditions against the stored alerts: fire, fold into a firing one, or recover. */
function applyConditions(
  previous: ReadonlyMap<string, AlertRecord>,
  conditions: Condition[],
  nowMs: number,
) {
  const result: RuleEvaluation = { upserts: [], removals: [], notices: [] };
  const seen = new Set<string>();
  const firingNow = new Set<string>();
  for (const c of conditions) {
    seen.add(c.key);
    const before = previous.get(c.key);
    if (!c.holds) {
      if (!before) continue;
      result.removals.push(c.key);
      // A silent alert (its firing was folded into a bigger one) recovers silently too.
      if (before.status === 'firing' && !before.detail.silent) {
        result.notices.push({
          kind: 'recovered',
          rule: c.rule,
          key: c.key,
          severity: 'normal',
          ...c.recovered(before),
          link: linkOf(c.subject),
          subject: c.subject,
        });
      }
      continue;
    }
    const since = before?.since ?? c.startedAt ?? nowMs;
    if (before?.status === 'firing') {
      const isNew =
        c.occurrence !== undefined && c.occurrence !== before.detail.occurrence;
      result.upserts.push({
        ...before,
        lastSeen: nowMs,
        count: before.count + (isNew ? 1 : 0),
        subject: c.subject,
        detail: {
          ...c.detail,
          occurrence: c.occurrence,
          ...(before.detail.silent ? { silent: true } : {}),
        },
      });
      continue;
    }
    const due = nowMs - since >= c.holdMs;
    result.upserts.push({
      key: c.key,
      rule: c.rule,
      status: due ? 'firing' : 'pending',
      since,
      firedAt: due ? nowMs : null,
      lastSeen: nowMs,
      count: due ? 1 : 0,
      subject: c.subject,
      detail: { ...c.detail, occurrence: c.occurrence },
    });
    if (due) {
      firingNow.add(c.key);
      result.notices.push({
        kind: 'firing',
        rule: c.rule,
        key: c.key,
        severity: c.severity,
        ...c.firing(),
        link: linkOf(c.subject),
        subject: c.subject,
      });
    }
  }

  return { result, seen, firingNow };
}

/**
 * The circuit rule alone, at the moment the breaker opens (the evaluator's callback), so the
 * platform team hears it in the tick that opened it; the tick's full evaluation then folds it.
 */
export function evaluateCircuitRule(
  previous: ReadonlyMap<string, AlertRecord>,
  obs: Pick<TickObservations, 'cluster' | 'circuit' | 'nowMs'>,
): RuleEvaluation {
  return applyConditions(
    previous,
    [circuitCondition({ ...obs, workloads: [] })],
    obs.nowMs,
  ).result;
}

/**
 * Evaluates every tick rule for one cluster tick. `previous` holds the stored alerts (any
 * cluster; only those in this tick's scope are looked at).
 */
export function evaluateAlertRules(
  previous: ReadonlyMap<string, AlertRecord>,
  obs: TickObservations,
  settings: AlertSettings = DEFAULT_ALERT_SETTINGS,
): RuleEvaluation {
  return evaluateConditions(
    previous,
    obs,
    obs.workloads.map(w => workloadConditions(w, obs.nowMs, settings)),
  );
}

/**
 * `evaluateAlertRules` with the workloads' conditions built in event-loop slices
 * (util/mapSliced.ts): the service evaluates every workload of a cluster after each tick, and
 * 10,000 of them held the event loop for tens of milliseconds.
 */
export async function evaluateAlertRulesSliced(
  previous: ReadonlyMap<string, AlertRecord>,
  obs: TickObservations,
  settings: AlertSettings = DEFAULT_ALERT_SETTINGS,
): Promise<RuleEvaluation> {
  return evaluateConditions(
    previous,
    obs,
    await mapSliced(obs.workloads, w =>
      workloadConditions(w, obs.nowMs, settings),
    ),
  );
}

function evaluateConditions(
  previous: ReadonlyMap<string, AlertRecord>,
  obs: TickObservations,
  perWorkload: Condition[][],
): RuleEvaluation {
  const { nowMs } = obs;
  const conditions: Condition[] = [
    circuitCondition(obs),
    ...perWorkload.flat(),
    ...(obs.budgets ?? []).flatMap(budgetConditions),
  ];
  const { result, seen, firingNow } = applyConditions(
    previous,
    conditions,
    nowMs,
  );

  // A budget that jumps past 100% in one tick tells once: the 100% alert, not also the 80%.
  // It is stored as firing but silent, so it recovers silently too.
  result.notices = result.notices.filter(n => {
    const m = /^budget-(projected|actual)-80:(.*)$/.exec(n.key);
    const folded =
      n.kind === 'firing' &&
      m !== null &&
      firingNow.has(`budget-${m[1]}-100:${m[2]}`);
    if (folded) {
      const record = result.upserts.find(u => u.key === n.key)!;
      record.detail = { ...record.detail, silent: true };
    }
    return !folded;
  });

  // Stored alerts of this scope whose subject is gone (workload removed): recovered.
  for (const [key, record] of previous) {
    if (seen.has(key) || !inScope(record, obs)) continue;
    result.removals.push(key);
    if (record.status === 'firing') {
      result.notices.push({
        kind: 'recovered',
        rule: record.rule,
        key,
        severity: 'normal',
        title: `Resolved: ${record.rule} (${subjectName(record.subject)})`,
        description: `${subjectName(
          record.subject,
        )} is no longer evaluated (removed from the cluster or the catalog), so this alert is closed.`,
        link: linkOf(record.subject),
        subject: record.subject,
      });
    }
  }
  return result;
}

export function subjectName(subject: AlertSubject): string {
  switch (subject.kind) {
    case 'workload':
      return subject.workloadId.split('/').pop() ?? subject.workloadId;
    case 'cluster':
      return `cluster ${subject.cluster}`;
    case 'tenant':
      return `tenant ${subject.tenant}`;
    default:
      return `change request ${subject.id}`;
  }
}

// ------------------------------------------------------------------ change requests

export type ChangeRequestEventKind =
  | 'created'
  | 'approved'
  | 'rejected'
  | 'superseded';

export const CHANGE_REQUEST_TOPICS: Record<ChangeRequestEventKind, string> = {
  created: ruleOf('change-request-created').topic,
  approved: ruleOf('change-request-approved').topic,
  rejected: ruleOf('change-request-rejected').topic,
  superseded: ruleOf('change-request-superseded').topic,
};

/**
 * A change-request event against the stored alerts: `created` fires an alert (deduplicated by
 * request id); a decision recovers it, so the approvers learn it no longer waits.
 */
export function evaluateChangeRequestEvent(
  previous: AlertRecord | undefined,
  event: { kind: ChangeRequestEventKind; id: string; title: string },
  nowMs: number,
): RuleEvaluation {
  const key = `change-request-created:${event.id}`;
  const subject: AlertSubject = { kind: 'change-request', id: event.id };
  if (event.kind === 'created') {
    if (previous) return { upserts: [], removals: [], notices: [] };
    return {
      upserts: [
        {
          key,
          rule: 'change-request-created',
          status: 'firing',
          since: nowMs,
          firedAt: nowMs,
          lastSeen: nowMs,
          count: 1,
          subject,
          detail: {},
        },
      ],
      removals: [],
      notices: [],
    };
  }
  if (!previous) return { upserts: [], removals: [], notices: [] };
  return {
    upserts: [],
    removals: [key],
    notices: [
      {
        kind: 'recovered',
        rule: 'change-request-created',
        key,
        severity: 'normal',
        title: `No longer waiting for approval: change request ${event.id} was ${event.kind}`,
        description: `${event.title}. Nothing more to decide.`,
        link: linkOf(subject),
        subject,
      },
    ],
  };
}
