/**
 * End-of-month projection: month to date plus the hours left in the (UTC) month at an hourly
 * rate. The rate is the forecast's when there is one (with its band), else the current rate
 * with a fixed ±band (15% by default: the HPA's default tolerance band is ±10%, and the
 * diurnal swing of a service makes its current cost a noisy guide to the average).
 */
import { nextMonthStartMs } from './accumulator';

const HOUR_MS = 3600_000;
export const DEFAULT_PROJECTION_BAND = 0.15;

export interface HourlyForecast {
  /** Expected average cost per hour over the rest of the month. */
  value: number;
  lower: number;
  upper: number;
}

export interface MonthProjection {
  value: number;
  lower: number;
  upper: number;
  /** Hours left in the month after `nowMs`. */
  remainingHours: number;
  basis: 'forecast' | 'current';
}

/** Hours from `nowMs` to the first instant of the next UTC month. */
export function hoursLeftInMonth(nowMs: number): number {
  return (nextMonthStartMs(nowMs) - nowMs) / HOUR_MS;
}

export function projectMonth(input: {
  nowMs: number;
  monthToDate: number;
  /** Current cost per hour. */
  hourly: number;
  forecast?: HourlyForecast | null;
  /** Relative half-width of the band without a forecast. */
  band?: number;
}): MonthProjection {
  const remainingHours = hoursLeftInMonth(input.nowMs);
  const mtd = Math.max(0, input.monthToDate);
  if (input.forecast) {
    const { value, lower, upper } = input.forecast;
    return {
      value: mtd + remainingHours * Math.max(0, value),
      lower: mtd + remainingHours * Math.max(0, Math.min(lower, value)),
      upper: mtd + remainingHours * Math.max(0, upper, value),
      remainingHours,
      basis: 'forecast',
    };
  }
  const band = input.band ?? DEFAULT_PROJECTION_BAND;
  const hourly = Math.max(0, input.hourly);
  return {
    value: mtd + remainingHours * hourly,
    lower: mtd + remainingHours * hourly * Math.max(0, 1 - band),
    upper: mtd + remainingHours * hourly * (1 + band),
    remainingHours,
    basis: 'current',
  };
}

/**
 * Turns a demand forecast into an hourly cost forecast. Under a target-tracking autoscaler
 * replicas follow demand, so cost scales with forecast demand / current demand, with replicas
 * clamped to the workload's min..max. Each point's forecast, lower and upper is averaged over
 * the points given. Returns null when the current demand or the points are unusable.
 */
export function hourlyCostFromDemandForecast(input: {
  hourly: number;
  currentReplicas: number;
  currentDemand: number;
  minReplicas: number;
  maxReplicas: number;
  points: ReadonlyArray<{ forecast: number; lower: number; upper: number }>;
}): HourlyForecast | null {
  const { hourly, currentReplicas, currentDemand, points } = input;
  if (!(currentDemand > 0) || !(currentReplicas > 0) || points.length === 0)
    return null;
  const perReplica = hourly / currentReplicas;
  const costAt = (demand: number) => {
    const replicas = Math.min(
      Math.max(
        currentReplicas * (Math.max(0, demand) / currentDemand),
        input.minReplicas,
      ),
      Math.max(input.maxReplicas, input.minReplicas),
    );
    return replicas * perReplica;
  };
  const mean = (pick: (p: (typeof points)[number]) => number) =>
    points.reduce((sum, p) => sum + costAt(pick(p)), 0) / points.length;
  return {
    value: mean(p => p.forecast),
    lower: mean(p => p.lower),
    upper: mean(p => p.upper),
  };
}
