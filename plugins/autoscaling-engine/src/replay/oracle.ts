/**
 * The perfect-foresight oracle: the physical limit any autoscaler is read against. It knows the
 * whole trace, so at each step it holds exactly the pods the demand of the next `startup`
 * seconds needs at 100% of their capacity (pods asked for now are ready `startup` later, and
 * scale-down is immediate), never fewer than the policy's minimum. Overload is zero by
 * construction; its replica-hours are what a perfect forecast could reach.
 */
import type { Series } from './trace';

export interface OracleSummary {
  replicaHours: number;
  overloadedSeconds: 0;
  meanReplicas: number;
}

export function oracleReplay(
  series: Series,
  options: {
    capacityPerPod: number;
    startupSeconds: number;
    minReplicas: number;
  },
): OracleSummary {
  const n = series.demand.length;
  const needed = new Float64Array(n);
  for (let i = 0; i < n; i++)
    needed[i] = Math.max(
      options.minReplicas,
      Math.ceil(series.demand[i] / options.capacityPerPod - 1e-9),
    );
  // Sliding maximum over [i, i + lead] with a monotone deque: O(n).
  const lead = Math.max(
    0,
    Math.round(options.startupSeconds / series.stepSeconds),
  );
  const deque = new Int32Array(n);
  let head = 0;
  let tail = 0;
  let next = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (; next < n && next <= i + lead; next++) {
      while (tail > head && needed[deque[tail - 1]] <= needed[next]) tail--;
      deque[tail++] = next;
    }
    while (deque[head] < i) head++;
    total += needed[deque[head]];
  }
  const hours = (n * series.stepSeconds) / 3600;
  return {
    replicaHours: (total * series.stepSeconds) / 3600,
    overloadedSeconds: 0,
    meanReplicas: hours > 0 ? total / n : 0,
  };
}
