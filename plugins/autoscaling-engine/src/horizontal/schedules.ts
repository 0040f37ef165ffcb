/**
 * Scheduled windows (cron in a time zone) that raise the minimum or lower the maximum while
 * they are open. A window opened at the latest `cron` fire time at or before now and closes
 * `durationMinutes` later, or at the first `end` fire time after it opened.
 */
import type {
  Schedule,
  ScalingPolicy,
} from '@internal/plugin-autoscaling-common';
import { CronExpressionParser } from 'cron-parser';

export interface ActiveSchedule {
  name: string;
  openedMs: number;
  minReplicas?: number;
  maxReplicas?: number;
}

export interface ReplicaBounds {
  minReplicas: number;
  maxReplicas: number;
  active: ActiveSchedule[];
}

/** Latest fire time at or before `nowMs` (cron-parser's prev() is strictly before its date). */
function lastFireMs(
  expression: string,
  timezone: string,
  nowMs: number,
): number | undefined {
  try {
    const cron = CronExpressionParser.parse(expression, {
      currentDate: new Date(nowMs + 1),
      tz: timezone,
    });
    return cron.prev().getTime();
  } catch {
    return undefined;
  }
}

export function activeWindow(
  schedule: Schedule,
  nowMs: number,
): ActiveSchedule | undefined {
  const openedMs = lastFireMs(schedule.cron, schedule.timezone, nowMs);
  if (openedMs === undefined) return undefined;
  if (schedule.durationMinutes !== undefined) {
    if (nowMs >= openedMs + schedule.durationMinutes * 60_000) return undefined;
  } else if (schedule.end !== undefined) {
    const closedMs = lastFireMs(schedule.end, schedule.timezone, nowMs);
    // Open while the last start is more recent than the last end.
    if (closedMs !== undefined && closedMs >= openedMs) return undefined;
  }
  return {
    name: schedule.name,
    openedMs,
    minReplicas: schedule.minReplicas,
    maxReplicas: schedule.maxReplicas,
  };
}

/**
 * The policy's bounds with every open window applied: the highest scheduled minimum and the
 * highest scheduled maximum win, always within the policy's own min..max.
 */
export function replicaBoundsAt(
  policy: ScalingPolicy,
  nowMs: number,
): ReplicaBounds {
  let minReplicas = policy.minReplicas;
  let scheduledMax: number | undefined;
  const active: ActiveSchedule[] = [];
  for (const schedule of policy.schedules) {
    const window = activeWindow(schedule, nowMs);
    if (!window) continue;
    active.push(window);
    if (window.minReplicas !== undefined)
      minReplicas = Math.max(minReplicas, window.minReplicas);
    if (window.maxReplicas !== undefined) {
      scheduledMax = Math.max(scheduledMax ?? 0, window.maxReplicas);
    }
  }
  let maxReplicas = Math.min(
    policy.maxReplicas,
    scheduledMax ?? policy.maxReplicas,
  );
  minReplicas = Math.min(minReplicas, policy.maxReplicas);
  if (maxReplicas < minReplicas) maxReplicas = minReplicas;
  return { minReplicas, maxReplicas, active };
}
