/**
 * The minimum a policy's schedules pin for most of the week. A schedule that is always open
 * (`* * * * *` for 10,080 minutes) raises the minimum as surely as `minReplicas` does, so the
 * bounds guardrail compares this value, not only `minReplicas`.
 *
 * Computed without a cron library and without stepping through fire times: the minute, hour
 * and day-of-week fields give a weekly pattern of openings (10,080 minutes), each window is
 * laid over the week, and the floor is read per minute. Day-of-month and month restrictions
 * are ignored, which can only make a schedule look more open than it is (the guardrail errs
 * towards asking); an expression this parser does not understand (`L`, `W`, `#`) counts as
 * always open for the same reason.
 */
import type {
  ScalingPolicy,
  Schedule,
} from '@internal/plugin-autoscaling-common';

export const MINUTES_PER_WEEK = 7 * 24 * 60;

/** The floor counts as pinned when it holds for at least this share of the week. */
export const PINNED_SHARE = 0.5;

/** More schedules than this that raise the minimum are taken as always open (bounded work). */
const MAX_SCHEDULES = 100;

const MONTHS = [
  'jan',
  'feb',
  'mar',
  'apr',
  'may',
  'jun',
  'jul',
  'aug',
  'sep',
  'oct',
  'nov',
  'dec',
];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** Values of one cron field, or undefined when the syntax is not the plain kind. */
function fieldValues(
  text: string,
  min: number,
  max: number,
  names: string[] = [],
): { values: Set<number>; wildcard: boolean } | undefined {
  const values = new Set<number>();
  let wildcard = false;
  const value = (token: string): number | undefined => {
    const named = names.indexOf(token.toLowerCase());
    if (named >= 0) return named + (names === MONTHS ? 1 : 0);
    if (!/^\d+$/.test(token)) return undefined;
    return Number(token);
  };
  for (const item of text.split(',')) {
    const [range, stepText] = item.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) return undefined;
    let from: number | undefined;
    let to: number | undefined;
    if (range === '*' || range === '?') {
      from = min;
      to = max;
      if (stepText === undefined) wildcard = true;
    } else if (range.includes('-')) {
      const [a, b] = range.split('-');
      from = value(a);
      to = value(b);
    } else {
      from = value(range);
      to = stepText === undefined ? from : max;
    }
    if (
      from === undefined ||
      to === undefined ||
      from < min ||
      to > max ||
      from > to
    ) {
      return undefined;
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return { values, wildcard };
}

/** Minutes of the week (Sunday 00:00 = 0, in the expression's own time zone) it fires at. */
export function weeklyFireMinutes(expression: string): number[] | undefined {
  const trimmed = expression.trim().toLowerCase();
  const fields = (MACROS[trimmed] ?? trimmed).split(/\s+/);
  // Six fields start with seconds: any second within the minute is that minute.
  if (fields.length === 6) fields.shift();
  if (fields.length !== 5) return undefined;
  const minutes = fieldValues(fields[0], 0, 59);
  const hours = fieldValues(fields[1], 0, 23);
  const dom = fieldValues(fields[2], 1, 31);
  const months = fieldValues(fields[3], 1, 12, MONTHS);
  const dow = fieldValues(fields[4], 0, 7, DAYS);
  if (!minutes || !hours || !dom || !months || !dow) return undefined;
  // With a day-of-month restriction a schedule fires on some days of some weeks: take every
  // day (a superset). Otherwise the days of the week, 7 being Sunday too.
  const days = new Set<number>();
  if (!dom.wildcard) for (let d = 0; d < 7; d++) days.add(d);
  else for (const d of dow.values) days.add(d % 7);
  const byNumber = (a: number, b: number) => a - b;
  const dayList = [...days].sort(byNumber);
  const hourList = [...hours.values].sort(byNumber);
  const minuteList = [...minutes.values].sort(byNumber);
  const out: number[] = [];
  for (const d of dayList) {
    for (const h of hourList) {
      for (const m of minuteList) out.push(d * 1440 + h * 60 + m);
    }
  }
  return out;
}

/** Formatters by time zone (creating one is the expensive part); null for an unknown zone. */
const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatterFor(timeZone: string): Intl.DateTimeFormat | null {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
      });
    } catch {
      formatter = null;
    }
    if (formatters.size > 1000) formatters.clear();
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The zone's offset from UTC in minutes at `atMs` (0 for an unknown zone). */
function offsetMinutes(timeZone: string, atMs: number): number {
  const formatter = formatterFor(timeZone);
  if (!formatter) return 0;
  try {
    const parts = formatter.formatToParts(new Date(atMs));
    const get = (type: string) =>
      Number(parts.find(p => p.type === type)?.value);
    const local = Date.UTC(
      get('year'),
      get('month') - 1,
      get('day'),
      get('hour'),
      get('minute'),
    );
    return Math.round((local - Math.floor(atMs / 60_000) * 60_000) / 60_000);
  } catch {
    return 0;
  }
}

/**
 * Which minutes of a UTC week (Sunday 00:00 UTC = 0) the schedule is open, or undefined when
 * its expressions are beyond this parser.
 */
export function weeklyOpenMinutes(
  schedule: Schedule,
  atMs = Date.now(),
): Uint8Array | undefined {
  const starts = weeklyFireMinutes(schedule.cron);
  if (!starts) return undefined;
  const shift = -offsetMinutes(schedule.timezone ?? 'UTC', atMs);
  const utc = (minute: number) =>
    (((minute + shift) % MINUTES_PER_WEEK) + MINUTES_PER_WEEK) %
    MINUTES_PER_WEEK;
  const open = new Uint8Array(MINUTES_PER_WEEK);
  if (schedule.durationMinutes !== undefined) {
    // Windows laid over two weeks, folded: a window may run past the end of the week.
    const delta = new Int32Array(2 * MINUTES_PER_WEEK + 1);
    const length = Math.min(schedule.durationMinutes, MINUTES_PER_WEEK);
    for (const start of starts) {
      delta[start]++;
      delta[Math.min(start + length, 2 * MINUTES_PER_WEEK)]--;
    }
    let depth = 0;
    for (let t = 0; t < 2 * MINUTES_PER_WEEK; t++) {
      depth += delta[t];
      if (depth > 0) open[utc(t % MINUTES_PER_WEEK)] = 1;
    }
    return open;
  }
  if (schedule.end === undefined) return open;
  const ends = weeklyFireMinutes(schedule.end);
  if (!ends) return undefined;
  const isStart = new Uint8Array(MINUTES_PER_WEEK);
  const isEnd = new Uint8Array(MINUTES_PER_WEEK);
  for (const s of starts) isStart[s] = 1;
  for (const e of ends) isEnd[e] = 1;
  // Open while the last start is more recent than the last end (an end in the same minute
  // closes it); the second week is the steady state.
  let lastStart = -Infinity;
  let lastEnd = -Infinity;
  for (let t = 0; t < 2 * MINUTES_PER_WEEK; t++) {
    const minute = t % MINUTES_PER_WEEK;
    if (isStart[minute]) lastStart = t;
    if (isEnd[minute]) lastEnd = t;
    if (t >= MINUTES_PER_WEEK && lastStart > lastEnd) open[utc(minute)] = 1;
  }
  return open;
}

export interface PinnedMinimum {
  /** The lowest floor that holds for at least PINNED_SHARE of the week. */
  minReplicas: number;
  /** The schedules that lift it above the policy's own minReplicas. */
  schedules: string[];
  /** Share of the week the pinned floor (or more) holds. */
  share: number;
}

/**
 * The minimum the policy keeps for most of the week: its minReplicas, or higher where
 * schedules that are open at least half the week raise it (capped at maxReplicas, as the
 * engine caps it).
 */
export function pinnedMinimum(
  policy: ScalingPolicy,
  atMs = Date.now(),
): PinnedMinimum {
  const raising = policy.schedules.filter(
    s => s.minReplicas !== undefined && s.minReplicas > policy.minReplicas,
  );
  const base: PinnedMinimum = {
    minReplicas: policy.minReplicas,
    schedules: [],
    share: 1,
  };
  if (raising.length === 0) return base;
  const floor = new Int32Array(MINUTES_PER_WEEK).fill(policy.minReplicas);
  const contributors = new Map<number, string[]>();
  // Identical windows (same expressions, length and zone) are computed once.
  const windows = new Map<string, Uint8Array | undefined>();
  for (const [i, schedule] of raising.entries()) {
    const target = Math.min(schedule.minReplicas!, policy.maxReplicas);
    let open: Uint8Array | undefined;
    if (i < MAX_SCHEDULES) {
      const key = [
        schedule.cron,
        schedule.end,
        schedule.durationMinutes,
        schedule.timezone,
      ].join('\u0000');
      if (!windows.has(key))
        windows.set(key, weeklyOpenMinutes(schedule, atMs));
      open = windows.get(key);
    }
    for (let t = 0; t < MINUTES_PER_WEEK; t++) {
      if ((open === undefined || open[t]) && floor[t] < target)
        floor[t] = target;
    }
    contributors.set(target, [
      ...(contributors.get(target) ?? []),
      schedule.name,
    ]);
  }
  // Ascending typed sort: the value with PINNED_SHARE of the week at or above it.
  const sorted = floor.slice().sort();
  const pinned =
    sorted[MINUTES_PER_WEEK - Math.ceil(PINNED_SHARE * MINUTES_PER_WEEK)];
  if (pinned <= policy.minReplicas) return base;
  const held = floor.reduce((n, value) => n + (value >= pinned ? 1 : 0), 0);
  const names = [...contributors.entries()]
    .filter(([target]) => target >= pinned)
    .flatMap(([, scheduleNames]) => scheduleNames);
  return {
    minReplicas: pinned,
    schedules: names,
    share: held / MINUTES_PER_WEEK,
  };
}
