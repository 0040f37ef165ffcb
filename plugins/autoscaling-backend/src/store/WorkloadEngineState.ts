/**
 * The one shape of `workloads.state_json`: what the engine keeps per workload between ticks
 * (bounded size). The evaluator writes it; the routes, the cost service and right-sizing read
 * the parts they need (`RightSizingState`, `CostEngineState` are views of it).
 */
import type {
  ContainerVerticalState,
  CostAccumulatorState,
  HorizontalState,
  VerticalState,
} from '@internal/plugin-autoscaling-engine';
import type { RightSizingPolicy } from '../cost/verticalRecommendations';
import type { VerticalApplyState } from '../evaluation/verticalActuation';

export interface WorkloadEngineState {
  horizontal?: HorizontalState;
  vertical?: VerticalState;
  /**
   * Per container of the pod template: the recommender (usage and OOM kills), the template's
   * requests and limits (bounded, see `observeContainers`).
   */
  containers?: Record<string, ContainerVerticalState>;
  /** What right-sizing reads of the policy at the last tick (`rightSizingPolicyOf`). */
  rightSizing?: RightSizingPolicy;
  /** What vertical `Initial`/`Auto` wrote and when (verticalActuation.ts). */
  verticalApply?: VerticalApplyState;
  /**
   * The next 24 h of demand at hourly steps (cores), for the cost projection; the forecaster
   * itself lives in `workload_forecasts`.
   */
  lastForecast?: {
    /** Absent in states written before it was stored. */
    generatedAt?: string;
    points: Array<{
      at: string;
      forecast: number;
      lower: number;
      upper: number;
    }>;
  };
  /** Sum of one pod's container CPU requests, cores (for backtests and cost). */
  podCpuRequest?: number;
  podMemoryRequest?: number;
  /** The month's cost so far (`CostService.accumulate`). */
  cost?: CostAccumulatorState;
  /** Spot-readiness facts when something knows them (PDB, writable local volumes). */
  spotReadiness?: { hasDisruptionBudget?: boolean; hasLocalState?: boolean };
  /**
   * Which backend process stepped the workload's forecaster last (`EngineStore.instanceId`).
   * That process keeps the forecaster in memory between ticks; any other process reloads it
   * from `workload_forecasts` and catches up from the stored metric points.
   */
  forecastOwner?: string;
}
