/*
 * Whether a decision was clamped, and by what. The engine records the clamp as data
 * (`decision.clamp`: what bound it, at how many replicas, what it wanted, what else held it);
 * that is what this reads. Decisions stored before it have none, and for those the clamp is
 * read from the engine's reason codes and sentences:
 *
 * - TooManyReplicas (ScalingLimited): the policy's maxReplicas (the stabilised proposal → max);
 * - ScaleUpLimit (ScalingLimited): the scale-up rate of the behaviour;
 * - TenantQuotaLimited, GlobalMaxLimited, ClusterCapacityLimited: the tenant allocation
 *   ("granted 10 of 14 replicas: …");
 * - BudgetEmergency: a budget emergency ceiling, only when the engine applied it as the outer
 *   limit (a LimitApplied reason with the same sentence; enterprise tenants are not capped);
 * - TooFewReplicas: held up at the policy's minReplicas (not a shortage).
 *
 * The engine records a new decision whenever the set of reason codes changes, so the codes of a
 * workload's last decision are those of its latest evaluation; the numbers in the sentences are
 * those of the decision's time.
 */
import type {
  ClampBy,
  Decision,
  DecisionClamp,
  MetricStatus,
  Reason,
  WorkloadState,
} from '@internal/plugin-autoscaling-common';

export type { ClampBy };

export interface ClampLimit {
  by: ClampBy;
  /** The engine's sentence behind it. */
  message: string;
}

export interface Clamp {
  /** Every limit that held the decision, outermost (the binding one) first. */
  limits: ClampLimit[];
  /** The binding limit. */
  by: ClampBy;
  /** Replicas the engine asked for before the clamp, when its reasons say (null otherwise). */
  requested: number | null;
  /** Replicas it was held to. */
  granted: number;
  /** Whether the clamp holds the workload below what it asked for (max, quota, budget…). */
  holdsBack: boolean;
}

const LABELS: Record<ClampBy, string> = {
  max: 'maximum replicas',
  quota: 'tenant quota',
  'global-max': 'global maximum',
  'cluster-capacity': 'cluster capacity',
  budget: 'budget emergency',
  rate: 'scale-up rate limit',
  min: 'minimum replicas',
};

const SHORT_LABELS: Record<ClampBy, string> = {
  max: 'at max',
  quota: 'tenant quota',
  'global-max': 'global max',
  'cluster-capacity': 'cluster capacity',
  budget: 'budget',
  rate: 'rate limit',
  min: 'at min',
};

/** "maximum replicas", "tenant quota", "global maximum", "budget emergency"… */
export function clampLabel(by: ClampBy): string {
  return LABELS[by];
}

/** For chips and table cells: "at max", "tenant quota", "budget"… */
export function clampShortLabel(by: ClampBy): string {
  return SHORT_LABELS[by];
}

const ALLOCATION_CODES: Record<string, ClampBy> = {
  TenantQuotaLimited: 'quota',
  GlobalMaxLimited: 'global-max',
  ClusterCapacityLimited: 'cluster-capacity',
};

const firstNumber = (re: RegExp, reasons: Reason[]): number | null => {
  for (const r of reasons) {
    const m = re.exec(r.message);
    if (m) return Number(m[1]);
  }
  return null;
};

/** "floor capped at 12 by maxReplicas 12" in a forecast reason (see planPredictive). */
const FORECAST_CAPPED = /capped at \d+ by (maxReplicas|quota)/;

/** What the engine asked for before the clamps, from its sentences (null when none says). */
function requestedOf(reasons: Reason[]): number | null {
  const allocation = reasons.filter(r => r.code in ALLOCATION_CODES);
  const granted = firstNumber(/granted \d+ of (\d+) replicas/, allocation);
  const normalised = firstNumber(
    /\((\d+) → \d+\)/,
    reasons.filter(
      r => r.code === 'TooManyReplicas' || r.code === 'ScaleUpLimit',
    ),
  );
  const proposal = firstNumber(
    /asks for (?:at least )?(\d+) replicas|plans (\d+) replicas/,
    reasons.filter(r =>
      ['MetricsProposal', 'PredictivePlan', 'PredictiveFloor'].includes(r.code),
    ),
  );
  // A capped forecast states what it wanted: "… / 0.2 per pod = 24 replicas".
  const forecastWanted = firstNumber(
    /= (\d+) replicas/,
    reasons.filter(
      r =>
        (r.code === 'PredictiveFloor' || r.code === 'PredictivePlan') &&
        FORECAST_CAPPED.test(r.message),
    ),
  );
  // The allocator saw the normalised value; the normalised value came from the proposal.
  return normalised ?? granted ?? forecastWanted ?? proposal;
}

/** Reason codes behind each kind of clamp, to quote the engine's sentence next to it. */
const CLAMP_CODES: Record<ClampBy, string[]> = {
  max: ['TooManyReplicas', 'PredictiveFloor', 'PredictivePlan'],
  min: ['TooFewReplicas'],
  rate: ['ScaleUpLimit'],
  quota: ['TenantQuotaLimited', 'PredictiveFloor', 'PredictivePlan'],
  'global-max': ['GlobalMaxLimited'],
  'cluster-capacity': ['ClusterCapacityLimited'],
  budget: ['BudgetEmergency'],
};

function limitOf(by: ClampBy, reasons: Reason[]): ClampLimit {
  const reason = reasons.find(r => CLAMP_CODES[by].includes(r.code));
  return { by, message: reason?.message ?? clampLabel(by) };
}

/** The engine's structured clamp, as the portal shows it. */
function fromRecorded(clamp: DecisionClamp, decision: Decision): Clamp {
  const limits = [clamp.by, ...clamp.also].map(by =>
    limitOf(by, decision.reasons),
  );
  return {
    limits,
    by: clamp.by,
    requested: clamp.wanted,
    granted: clamp.limit,
    holdsBack:
      clamp.by !== 'min' &&
      (clamp.wanted === null || clamp.wanted > clamp.limit),
  };
}

/** The clamp of a decision, or null when nothing held it. */
export function clampOf(decision: Decision | null | undefined): Clamp | null {
  if (!decision) return null;
  if (decision.clamp) return fromRecorded(decision.clamp, decision);
  return clampFromReasons(decision);
}

/** Decisions stored before the engine recorded clamps: read them from the reasons. */
function clampFromReasons(decision: Decision): Clamp | null {
  const { reasons } = decision;
  const limits: ClampLimit[] = [];
  const applied = new Set(
    reasons.filter(r => r.code === 'LimitApplied').map(r => r.message),
  );
  for (const r of reasons) {
    const by = ALLOCATION_CODES[r.code];
    if (by) limits.push({ by, message: r.message });
  }
  for (const r of reasons) {
    if (r.code === 'BudgetEmergency' && applied.has(r.message)) {
      limits.push({ by: 'budget', message: r.message });
    }
  }
  for (const r of reasons) {
    if (r.code === 'TooManyReplicas')
      limits.push({ by: 'max', message: r.message });
    // The forecast's floor or plan held at maxReplicas (or the quota) inside the engine: the
    // decision then reads "metrics ask for the current N", but the forecast wanted more.
    if (
      (r.code === 'PredictiveFloor' || r.code === 'PredictivePlan') &&
      FORECAST_CAPPED.test(r.message)
    ) {
      const quotaCap = /capped at \d+ by quota/.test(r.message);
      limits.push({ by: quotaCap ? 'quota' : 'max', message: r.message });
    }
    if (r.code === 'ScaleUpLimit')
      limits.push({ by: 'rate', message: r.message });
  }
  for (const r of reasons) {
    if (r.code === 'TooFewReplicas')
      limits.push({ by: 'min', message: r.message });
  }
  if (limits.length === 0) return null;
  // The limit the engine applied last (LimitApplied names it) is the binding one.
  limits.sort(
    (a, b) => Number(applied.has(b.message)) - Number(applied.has(a.message)),
  );
  const granted = decision.to;
  const requested = requestedOf(reasons);
  const by = limits[0].by;
  return {
    limits,
    by,
    requested,
    granted,
    holdsBack: by !== 'min' && (requested === null || requested > granted),
  };
}

/** "Clamped by the tenant quota at 10 replicas; the engine asked for 14." */
export function describeClamp(clamp: Clamp): string {
  const held =
    clamp.by === 'max'
      ? `Clamped at the maximum of ${clamp.granted} replicas`
      : `Clamped by the ${clampLabel(clamp.by)} at ${clamp.granted} replicas`;
  const also = clamp.limits
    .slice(1)
    .filter(l => l.by !== clamp.by)
    .map(l => clampLabel(l.by));
  const alsoText = also.length
    ? ` (also ${[...new Set(also)].join(', ')})`
    : '';
  const asked =
    clamp.requested !== null && clamp.requested !== clamp.granted
      ? `; the engine asked for ${clamp.requested}`
      : '';
  return `${held}${alsoText}${asked}.`;
}

/** A metric above its target beyond the 10% tolerance. */
export function aboveTarget(metric: MetricStatus): boolean {
  return (
    metric.current !== null &&
    metric.target > 0 &&
    metric.current / metric.target > 1.1
  );
}

/**
 * Under-provisioned: a clamp holds the workload below what it asked for, or a metric is above
 * target while the workload is at its maximum. No savings are offered then.
 */
export function underProvisioned(
  state: Pick<
    WorkloadState,
    'lastDecision' | 'metrics' | 'currentReplicas' | 'maxReplicas'
  >,
): boolean {
  if (clampOf(state.lastDecision)?.holdsBack) return true;
  return (
    state.currentReplicas >= state.maxReplicas &&
    state.metrics.some(aboveTarget)
  );
}
