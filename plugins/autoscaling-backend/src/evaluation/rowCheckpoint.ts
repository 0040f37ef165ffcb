/**
 * When a tick writes a workload's row (issue 19). Every tick changes every row a little: the
 * usage histograms' weights, the month's cost so far, the metrics' current values, the time of
 * the evaluation. Writing all 10,000 rows of about 3 kB every 15 s was most of a PostgreSQL
 * tick and most of the garbage a tick made.
 *
 * So a row is written at once when something a reader acts on changed (replicas, a decision,
 * a condition, the limits, the policy's targets, a scale event, a template's requests, the
 * catalog's tenant, environment or tier), and otherwise once per checkpoint period, spread over
 * the period by workload: the VPA recommender keeps its histograms in memory the same way and
 * writes a checkpoint a minute. In between, this process's store keeps the newer row and
 * answers its own reads from it (`EngineStore.writeTick` `deferred`); a restart, or another
 * replica that takes the workload over, starts from the last row written (at most one period
 * of histogram samples and metric values older; the cost accumulator counts the gap at the
 * next tick's rate).
 */
import type { WorkloadState } from '@internal/plugin-autoscaling-common';
import { spreadOffsetMs } from '@internal/plugin-autoscaling-engine';
import type { WorkloadEngineState } from '../store/WorkloadEngineState';
import type { WorkloadRecord } from '../store/EngineStore';

/** Default checkpoint period of a row with no material change (the VPA's checkpoint cadence). */
export const DEFAULT_STATE_CHECKPOINT_SECONDS = 60;

interface WorkloadRow {
  record: WorkloadRecord;
  state: WorkloadEngineState;
  status: WorkloadState | null;
}

/**
 * Whether a checkpoint of `key` last written at `lastMs` is due at `nowMs`: once `nowMs` is in a
 * later period than `lastMs`, periods shifted by the key's offset. A period of 0 or less writes
 * every time.
 */
export function checkpointDue(
  key: string,
  lastMs: number,
  nowMs: number,
  periodMs: number,
): boolean {
  if (!(periodMs > 0)) return true;
  const offset = spreadOffsetMs(key, periodMs);
  return (
    Math.floor((nowMs - offset) / periodMs) >
    Math.floor((lastMs - offset) / periodMs)
  );
}

/**
 * Material strings by state object, valid while the row's state and status are the same
 * objects: a tick's row is the next tick's stored row (the same objects in the store's cache),
 * so each row's string is built once, not twice.
 */
const materialByState = new WeakMap<
  object,
  { status: WorkloadState | null; material: string }
>();

/** What of a row's state and status a reader or the next decision acts on, as a string. */
function materialOf(row: Omit<WorkloadRow, 'record'>): string {
  const known = materialByState.get(row.state);
  if (known && known.status === row.status) return known.material;
  const material = materialStringOf(row);
  materialByState.set(row.state, { status: row.status, material });
  return material;
}

function materialStringOf(row: Omit<WorkloadRow, 'record'>): string {
  const { state, status } = row;
  const h = state.horizontal;
  const containers = Object.entries(state.containers ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, c]) => [name, c.requests, c.limits, c.oomKills]);
  return JSON.stringify([
    h
      ? [
          h.recommendations.map(([, replicas]) => replicas),
          h.scaleUpEvents.length,
          h.scaleDownEvents.length,
          h.lastScaleMs ?? null,
          h.metricFailures,
        ]
      : null,
    containers,
    state.rightSizing ?? null,
    state.verticalApply ?? null,
    state.podCpuRequest ?? null,
    state.podMemoryRequest ?? null,
    state.spotReadiness ?? null,
    state.forecastOwner ?? null,
    status
      ? [
          status.mode,
          status.currentReplicas,
          status.readyReplicas,
          status.desiredReplicas,
          status.minReplicas,
          status.maxReplicas,
          status.predictiveFloor,
          status.lastDecision?.id ?? null,
          status.otherAutoscaler ?? null,
          status.conditions.map(c => [c.type, c.status, c.reason]),
          status.metrics.map(m => [m.name, m.target, m.unit]),
        ]
      : null,
  ]);
}

/**
 * Whether `next` must be written now rather than at its checkpoint: no row is stored yet, it
 * carries a decision, or something material differs from the stored row.
 */
export function mustWriteNow(
  stored: WorkloadRow | undefined,
  next: WorkloadRow & { decision?: unknown },
): boolean {
  if (!stored || next.decision) return true;
  const a = stored.record;
  const b = next.record;
  return (
    a.entityRef !== b.entityRef ||
    a.tenant !== b.tenant ||
    a.environment !== b.environment ||
    a.tier !== b.tier ||
    materialOf(stored) !== materialOf(next)
  );
}
