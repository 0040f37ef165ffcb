/*
 * The forecast in words: what the Forecast card, the Recent decisions card and the tenant's
 * "Next 24 hours" card say. Pure functions of the API's data, so each sentence is tested.
 * Times are the viewer's local time (the cards say so on their axes).
 */
import type {
  Decision,
  ForecastAccuracy,
  ForecastPoint,
  Reason,
  TenantForecast,
  WorkloadForecast,
} from '@internal/plugin-autoscaling-common';
import { formatDuration, formatMoney, formatNumber } from './format';

const clockFormat = (timeZone?: string) =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });

const dateTimeFormat = (timeZone?: string) =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });

/** "14:30" in the viewer's time zone (or the one given). */
export function localClock(at: string | number, timeZone?: string): string {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return '—';
  return clockFormat(timeZone).format(date);
}

/** "Thu 1 Jan, 14:30" in the viewer's time zone (or the one given). */
export function localDateTime(at: string | number, timeZone?: string): string {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return '—';
  return dateTimeFormat(timeZone).format(date);
}

/** "3.4 cores", "1,200 rps". */
export function formatDemand(value: number, unit: string): string {
  let digits = 2;
  if (Math.abs(value) >= 100) digits = 0;
  else if (Math.abs(value) >= 10) digits = 1;
  const text = formatNumber(value, digits);
  const one = text === '1' && unit === 'cores' ? 'core' : unit;
  return `${text} ${one}`.trim();
}

const replicas = (n: number) => `${n} ${n === 1 ? 'replica' : 'replicas'}`;

/** The highest forecast point of the horizon (the first one when several tie). */
export function forecastPeak(points: ForecastPoint[]): ForecastPoint | null {
  let peak: ForecastPoint | null = null;
  for (const p of points) if (!peak || p.forecast > peak.forecast) peak = p;
  return peak;
}

/** Whether the forecast has an 80% band to draw. */
export function hasBand(points: ForecastPoint[]): boolean {
  return points.some(p => p.lower !== null && p.upper !== null);
}

/** The cap of a capped floor from the engine's reason ("floor capped at 12 by maxReplicas 12"). */
export function floorCap(
  reasons: Reason[],
): { replicas: number; by: string } | null {
  for (const r of reasons) {
    const m = /floor capped at (\d+) by (.+?)(?: \(|$)/.exec(r.message);
    if (m) return { replicas: Number(m[1]), by: m[2] };
  }
  return null;
}

/** Why the engine only reacts: the floor's or the forecaster's first reason. */
function reactiveWhy(forecast: WorkloadForecast): string {
  const reason = forecast.floor?.reasons?.[0] ?? forecast.reasons[0];
  const text = reason?.message?.replace(/[.\s]+$/, '');
  return text ? text : 'predictive scaling is not enabled for this service';
}

/**
 * The card's headline: the expected peak of the next 24 h and what the floor does about it.
 * "Expected peak 3.4 cores at 14:30; the floor keeps at least 9 replicas from 14:25."
 */
export function forecastHeadline(forecast: WorkloadForecast): string {
  const peak = forecastPeak(forecast.points);
  if (!peak) return 'No forecast yet.';
  const unit = forecast.unit ?? '';
  const lead = forecast.floor?.leadTimeSeconds ?? 0;
  const ready = localClock(Date.parse(peak.at) - lead * 1000);
  const start = `Expected peak ${formatDemand(
    peak.forecast,
    unit,
  )} at ${localClock(peak.at)}`;
  const status = forecast.floor?.status ?? 'reactive';
  const keeps =
    forecast.floor?.strategy === 'plan'
      ? `the plan sets ${replicas(peak.replicas)} from ${ready}`
      : `the floor keeps at least ${replicas(peak.replicas)} from ${ready}`;
  switch (status) {
    case 'applied':
      return `${start}; ${keeps}.`;
    case 'capped': {
      const cap = floorCap(forecast.floor.reasons);
      if (cap && peak.replicas > cap.replicas) {
        return `${start}, which needs ${replicas(
          peak.replicas,
        )}; the floor is capped at ${cap.replicas} by ${cap.by}.`;
      }
      return `${start}; ${keeps}.`;
    }
    case 'reported':
      return `${start}; the floor would keep at least ${replicas(
        peak.replicas,
      )} from ${ready}, but in forecast-only mode it is only reported.`;
    default:
      return `${start}; the engine does not act on it (${reactiveWhy(
        forecast,
      )}) and scales on observed demand only.`;
  }
}

/** What the floor does right now, one sentence per status. */
export function floorStatusSentence(forecast: WorkloadForecast): string {
  const floor = forecast.floor;
  const unit = forecast.unit ?? '';
  const lead = formatDuration(floor?.leadTimeSeconds ?? 0);
  const behind = floor?.peak
    ? ` for ${formatDemand(floor.peak.demand, unit)} expected at ${localClock(
        floor.peak.at,
      )} (looking ${lead} ahead)`
    : '';
  const n = floor?.replicas;
  switch (floor?.status) {
    case 'applied':
      return floor.strategy === 'plan'
        ? `Applied: the forecast plans ${replicas(n ?? 0)} now${behind}.`
        : `Applied: the forecast keeps at least ${replicas(
            n ?? 0,
          )} now${behind}.`;
    case 'capped': {
      const cap = floorCap(floor.reasons);
      return cap
        ? `Capped: the forecast asks for more, but the floor is held at ${replicas(
            cap.replicas,
          )} by ${cap.by}${behind}.`
        : `Capped: the floor of ${replicas(
            n ?? 0,
          )} is limited by the service's maximum or the tenant's quota${behind}.`;
    }
    case 'reported':
      return `Reported only: in forecast-only mode the floor would be ${replicas(
        n ?? 0,
      )} now${behind}; the engine does not apply it.`;
    default:
      return `Reactive only: ${reactiveWhy(
        forecast,
      )}, so the engine scales on observed demand alone.`;
  }
}

export const FLOOR_STATUS_LABEL = {
  applied: 'Floor applied',
  capped: 'Floor capped',
  reported: 'Reported only',
  reactive: 'Reactive only',
} as const;

function relativeError(ratio: number): string {
  const pct = Math.round(Math.abs(1 - ratio) * 100);
  if (pct < 3) return 'about as large as repeating yesterday';
  return ratio < 1
    ? `${pct}% smaller than repeating yesterday`
    : `${pct}% larger than repeating yesterday`;
}

/**
 * Accuracy in a service owner's words: "In backtests 1 h ahead its errors are 38% smaller than
 * repeating yesterday; 81% of actual values fell inside the 80% band (as intended)."
 */
export function accuracySentence(accuracy: ForecastAccuracy | null): string {
  if (!accuracy) return 'Accuracy is not measured yet.';
  const parts: string[] = [];
  if (accuracy.mase !== null && Number.isFinite(accuracy.mase)) {
    parts.push(
      `In backtests ${formatDuration(
        accuracy.horizonSeconds,
      )} ahead its errors are ${relativeError(accuracy.mase)}`,
    );
  }
  if (accuracy.bandCoverage !== null) {
    const pct = Math.round(accuracy.bandCoverage * 100);
    let judgement = 'as intended';
    if (pct < 70) judgement = 'the band is too narrow';
    else if (pct > 90) judgement = 'the band is wider than it needs to be';
    parts.push(
      `${pct}% of actual values fell inside the 80% band (${judgement})`,
    );
  }
  if (accuracy.liveRelativeError !== null && accuracy.liveComparisons > 0) {
    parts.push(
      `since it went live its errors are ${relativeError(
        accuracy.liveRelativeError,
      )} (${accuracy.liveComparisons} comparisons)`,
    );
  }
  if (parts.length === 0) return 'Accuracy is not measured yet.';
  const text = parts.join('; ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/** The empty state: when the first forecast will exist, and why there is none yet. */
export function firstForecastSentence(
  forecast: WorkloadForecast,
  now = Date.now(),
): string {
  const why = forecast.reasons
    .map(r => r.message.replace(/[.\s]+$/, ''))
    .filter(Boolean)
    .join('; ');
  const because = why ? ` ${why.charAt(0).toUpperCase()}${why.slice(1)}.` : '';
  const at = forecast.firstForecastAt
    ? Date.parse(forecast.firstForecastAt)
    : NaN;
  let when = 'When the first forecast will exist is not known yet.';
  if (Number.isFinite(at) && at <= now) {
    when = `The first forecast is due now (it was expected at ${localDateTime(
      at,
    )}).`;
  } else if (Number.isFinite(at)) {
    when = `The first forecast is expected at ${localDateTime(
      at,
    )} (in ${formatDuration(roundUpMinutes((at - now) / 1000))}).`;
  }
  return `${when}${because} Until then the engine scales on observed demand only.`;
}

function roundUpMinutes(seconds: number): number {
  if (seconds < 60) return Math.ceil(seconds);
  if (seconds < 3600) return Math.ceil(seconds / 60) * 60;
  return Math.round(seconds / 300) * 300;
}

/** What a decision owes to the forecast, from its PredictiveFloor / PredictivePlan reason. */
export interface ForecastInfluence {
  kind: 'plan' | 'raised' | 'held';
  replicas: number | null;
  peak: { demand: number; at: string } | null;
  text: string;
}

const PEAK =
  /peak forecast (\d+(?:\.\d+)?)(?: \(p\d+\))? at (\d{4}-\d\d-\d\dT[\d:.]+Z)/;
const FLOOR_REPLICAS = /forecast (?:asks for at least|plans) (\d+) replicas?/;

/**
 * Whether the forecast raised or set this decision's replica count; null when it did not (a
 * floor below what observed demand asked for is only listed among the reasons).
 */
export function forecastInfluence(
  decision: Decision,
): ForecastInfluence | null {
  const reason = decision.reasons.find(
    r => r.code === 'PredictivePlan' || r.code === 'PredictiveFloor',
  );
  if (!reason) return null;
  const rm = FLOOR_REPLICAS.exec(reason.message);
  const n = rm ? Number(rm[1]) : null;
  const pm = PEAK.exec(reason.message);
  const peak = pm ? { demand: Number(pm[1]), at: pm[2] } : null;
  const behind = peak
    ? ` for a forecast peak of ${formatNumber(peak.demand)} at ${localClock(
        peak.at,
      )}`
    : '';
  if (reason.code === 'PredictivePlan') {
    return {
      kind: 'plan',
      replicas: n,
      peak,
      text: `Set by the forecast: the plan asks for ${
        n === null ? 'its replicas' : replicas(n)
      }${behind}.`,
    };
  }
  if (n === null || n !== decision.to) return null;
  if (decision.to > decision.from) {
    return {
      kind: 'raised',
      replicas: n,
      peak,
      text: `Raised by the forecast: the floor asks for at least ${replicas(
        n,
      )}${behind}.`,
    };
  }
  return {
    kind: 'held',
    replicas: n,
    peak,
    text: `Held by the forecast: the floor keeps at least ${replicas(
      n,
    )}${behind}.`,
  };
}

/** Cost of the tenant's next 24 h: sum of hourly cost × step; null when any step has no price. */
export function tenantForecastCost(forecast: TenantForecast): number | null {
  if (forecast.points.length === 0) return null;
  let total = 0;
  for (const p of forecast.points) {
    if (p.hourlyCost === null) return null;
    total += (p.hourlyCost * forecast.stepSeconds) / 3600;
  }
  return total;
}

/** "Peak 38 replicas at 19:00 (quota 60); about $12.40 over the next 24 h." */
export function tenantForecastSentence(forecast: TenantForecast): string {
  let peak = forecast.points[0];
  for (const p of forecast.points) if (p.replicas > peak.replicas) peak = p;
  if (!peak) return 'No projection yet.';
  const quota =
    forecast.replicaQuota === null
      ? ' (no quota)'
      : ` (quota ${forecast.replicaQuota})`;
  const cost = tenantForecastCost(forecast);
  const money =
    cost === null
      ? 'cost unknown (no prices for these workloads)'
      : `about ${formatMoney(
          cost,
          forecast.currency ?? 'USD',
        )} over the next 24 h`;
  let text = `Peak ${replicas(peak.replicas)} at ${localClock(
    peak.at,
  )}${quota}; ${money}.`;
  if (forecast.replicaQuota !== null) {
    const over = forecast.points.find(p => p.replicas > forecast.replicaQuota!);
    const upperOver = forecast.points.find(
      p => p.replicasUpper > forecast.replicaQuota!,
    );
    if (over) {
      text += ` The forecast exceeds the quota from ${localClock(over.at)}.`;
    } else if (upperOver) {
      text += ` The upper band rises above the quota at ${localClock(
        upperOver.at,
      )}.`;
    }
  }
  return text;
}
