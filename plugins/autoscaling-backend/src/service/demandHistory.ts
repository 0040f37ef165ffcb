import type { WorkloadEngineState } from '../evaluation/ClusterEvaluator';
import { EngineStore } from '../store/EngineStore';

/** Requests per second one pod serves at 100% CPU in backtests (see governance config). */
export const BACKTEST_CAPACITY_PER_POD = 100;

/**
 * Recent demand of an entity's workloads for backtests of policy changes. The engine
 * measures demand in CPU cores; expressed as "requests" at BACKTEST_CAPACITY_PER_POD per
 * pod-request, the replay's utilisation (demand / (ready × capacity)) equals the CPU
 * utilisation the real engine sees.
 */
export async function demandHistoryFor(
  store: EngineStore,
  entityRef: string,
  nowMs: number,
  days = 7,
): Promise<Array<{ t: number; value: number }>> {
  const [workload] = await store.listWorkloads({ entityRef });
  if (!workload) return [];
  const request = (workload.state as WorkloadEngineState).podCpuRequest;
  if (!request || request <= 0) return [];
  const points = await store.listMetricPoints(
    workload.id,
    nowMs - days * 86_400_000,
  );
  return points
    .filter(p => p.demand !== null)
    .map(p => ({
      t: Date.parse(p.at),
      value: (p.demand! / request) * BACKTEST_CAPACITY_PER_POD,
    }));
}
