/**
 * What each recommendation would save per month (730 h). These are allocation savings: they
 * become real spend only when nodes scale down with them (Kubecost: "your idle allocation will
 * increase" otherwise). Savings are never negative: a recommendation that costs more saves 0.
 */
import type { SpotAdvice } from '@internal/plugin-autoscaling-common';
import {
  GIB,
  HOURS_PER_MONTH,
  unitPrices,
  type ResourcePrices,
} from './prices';

const pos = (value: number) =>
  Number.isFinite(value) && value > 0 ? value : 0;

export interface VerticalSavings {
  cpu: number;
  memory: number;
  total: number;
}

/**
 * Right-sizing requests to the recommender's targets:
 * (current − target) × replicas × hours × price, per resource, never negative.
 */
export function verticalSavings(input: {
  replicas: number;
  current: { cpuCores?: number | null; memoryBytes?: number | null };
  target: { cpuCores?: number | null; memoryBytes?: number | null };
  prices: ResourcePrices;
  spot?: boolean;
  hours?: number;
}): VerticalSavings {
  // A flat price per replica-hour does not move with requests.
  if (input.prices.replicaHour) return { cpu: 0, memory: 0, total: 0 };
  const unit = unitPrices(input.prices, input.spot ?? false);
  const hours = input.hours ?? HOURS_PER_MONTH;
  const replicas = pos(input.replicas);
  const gap = (current?: number | null, target?: number | null) =>
    typeof current === 'number' && typeof target === 'number'
      ? pos(current - target)
      : 0;
  const cpu =
    gap(input.current.cpuCores, input.target.cpuCores) *
    replicas *
    hours *
    unit.cpuCoreHour;
  const memory =
    (gap(input.current.memoryBytes, input.target.memoryBytes) / GIB) *
    replicas *
    hours *
    unit.memoryGiBHour;
  return { cpu, memory, total: cpu + memory };
}

/**
 * Autoscaling (reactive plus predictive) against static provisioning for the peak: a static
 * deployment would have run `peakReplicas` all the time; the workload ran `replicaHours` over
 * `trackedHours`. The saving per month is the gap in replica-hours, scaled to 730 h, at the
 * cost of one replica-hour.
 */
export function predictiveSavings(input: {
  peakReplicas: number;
  replicaHours: number;
  trackedHours: number;
  costPerReplicaHour: number;
  hours?: number;
}): number {
  const tracked = pos(input.trackedHours);
  if (tracked === 0) return 0;
  const staticReplicaHours = pos(input.peakReplicas) * tracked;
  const saved = pos(staticReplicaHours - pos(input.replicaHours));
  return (
    (saved / tracked) *
    (input.hours ?? HOURS_PER_MONTH) *
    pos(input.costPerReplicaHour)
  );
}

export interface SpotCandidate {
  kind: 'Deployment' | 'StatefulSet' | 'ComposeService';
  replicas: number;
  /** A PodDisruptionBudget covers the pods; unknown counts as not ready. */
  hasDisruptionBudget?: boolean;
  /** Writable local state (e.g. an emptyDir); unknown counts as not ready. */
  hasLocalState?: boolean;
  /** Already on spot capacity: nothing more to save. */
  onSpot?: boolean;
}

/** The checklist's words for a kind (a Compose service is not a Kubernetes controller). */
const KIND_WORDS: Record<SpotCandidate['kind'], string> = {
  Deployment: 'a Deployment',
  StatefulSet: 'a StatefulSet',
  ComposeService: 'a Docker Compose service, not on Kubernetes',
};

/**
 * The Kubecost spot-readiness rules that can be checked mechanically, plus a saving of
 * (on-demand − spot) × allocated resources × 730 h. Advice only: "spot ready" is not a
 * guarantee, and the engine never moves a workload.
 */
export function spotAdvice(
  workload: SpotCandidate,
  allocated: { cpuCores: number; memoryBytes: number; gpus?: number },
  prices: ResourcePrices,
  hours = HOURS_PER_MONTH,
): SpotAdvice {
  const unknown = (flag: boolean | undefined) =>
    flag === undefined ? ' (unknown)' : '';
  const checklist = [
    {
      item: `Stateless controller: Deployment, not StatefulSet (is ${
        KIND_WORDS[workload.kind]
      })`,
      ok: workload.kind === 'Deployment',
    },
    {
      item: `More than one replica (has ${workload.replicas})`,
      ok: workload.replicas > 1,
    },
    {
      item: `A PodDisruptionBudget protects the pods${unknown(
        workload.hasDisruptionBudget,
      )}`,
      ok: workload.hasDisruptionBudget === true,
    },
    {
      item: `No local state such as a writable emptyDir${unknown(
        workload.hasLocalState,
      )}`,
      ok: workload.hasLocalState === false,
    },
  ];
  const perHour = prices.replicaHour
    ? pos(workload.replicas) *
      (prices.replicaHour.onDemand - prices.replicaHour.spot)
    : pos(allocated.cpuCores) *
        (prices.cpuCoreHour.onDemand - prices.cpuCoreHour.spot) +
      (pos(allocated.memoryBytes) / GIB) *
        (prices.memoryGiBHour.onDemand - prices.memoryGiBHour.spot) +
      pos(allocated.gpus ?? 0) *
        (prices.gpuHour.onDemand - prices.gpuHour.spot);
  return {
    suitable: checklist.every(c => c.ok),
    checklist,
    monthlySavings: workload.onSpot ? 0 : pos(perHour * hours),
  };
}
