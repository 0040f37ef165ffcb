/**
 * The forecaster behind the replay's predictive seam. It runs exactly what the live backend runs
 * per workload (`src/forecast/predictive.ts`): one `PredictiveState`, fed each sample the replay
 * hands it (never beyond now), refitted when `isRefitDue` says so on the history so far, and
 * turned into a floor or a plan by `planPredictive`.
 */
import type {
  PredictiveContext,
  PredictiveFloorProvider,
} from '../replay/replay';
import type { PredictiveFloor } from '../horizontal/types';
import type { ForecasterOptions } from './forecaster';
import {
  createPredictiveState,
  isRefitDue,
  observeDemand,
  planPredictive,
  refitPredictive,
  type PredictivePlan,
  type PredictiveState,
} from './predictive';

export interface ReplayFloorOptions {
  /** How often the model is chosen again (default one day; AWS refreshes every 6 h). */
  refitEverySeconds?: number;
  forecaster?: Partial<ForecasterOptions>;
  /** Keep every evaluation's result in `records` (forecast-only replays read it). */
  record?: boolean;
  /** Key that places the refits in the day (the live backend uses the workload id). */
  key?: string;
}

export interface ReplayFloorRecord {
  timeMs: number;
  result: PredictivePlan;
}

export interface ReplayFloorProvider extends PredictiveFloorProvider {
  /** Evaluations, floors applied, floors only recorded (forecast-only), refits. */
  stats: {
    evaluations: number;
    applied: number;
    recordedOnly: number;
    untrusted: number;
    refits: number;
    chosen: string[];
  };
  records: ReplayFloorRecord[];
  state: PredictiveState;
}

/** Observed demand as the CPU metric sees it: the mean of the last 60 s. */
const OBSERVED_WINDOW_SECONDS = 60;

export function createReplayFloorProvider(
  options: ReplayFloorOptions = {},
): ReplayFloorProvider {
  const state = createPredictiveState();
  let fed = 0;

  const provider = ((
    context: PredictiveContext,
  ): PredictiveFloor | undefined => {
    const { history, nowMs, policy } = context;
    const count = history.demand.length;
    const leadSeconds = Math.max(
      policy.predictive.leadTimeSeconds,
      context.startupSeconds,
    );
    const refit = {
      key: options.key ?? 'replay',
      refitEverySeconds: options.refitEverySeconds,
    };
    if (isRefitDue(state, nowMs, refit)) {
      // Samples up to now go to the fit; the model is then fed only what comes after.
      for (; fed < count; fed++)
        observeDemand(state, history.timeMs[fed], history.demand[fed], {
          leadSeconds,
        });
      const fit = refitPredictive(
        state,
        {
          timeMs: history.timeMs,
          values: history.demand,
          stepSeconds: context.stepSeconds,
        },
        nowMs,
        {
          policy,
          startupSeconds: context.startupSeconds,
          forecaster: options.forecaster,
        },
      );
      if (fit.ok) {
        provider.stats.refits++;
        provider.stats.chosen.push(state.forecaster!.fit.chosen);
      }
    }
    for (; fed < count; fed++)
      observeDemand(state, history.timeMs[fed], history.demand[fed], {
        leadSeconds,
      });
    const window = Math.max(
      1,
      Math.round(OBSERVED_WINDOW_SECONDS / context.stepSeconds),
    );
    let sum = 0;
    const from = Math.max(0, count - window);
    for (let i = from; i < count; i++) sum += history.demand[i];
    const result = planPredictive(state, {
      policy,
      nowMs,
      podCapacity: context.capacityPerPod,
      startupSeconds: context.startupSeconds,
      observedDemand: count > from ? sum / (count - from) : undefined,
      currentReplicas: context.currentReplicas,
    });
    provider.stats.evaluations++;
    if (!result.trust.trusted) provider.stats.untrusted++;
    if (options.record) provider.records.push({ timeMs: nowMs, result });
    if (result.decisionInput) {
      provider.stats.applied++;
      return result.decisionInput;
    }
    if (result.wouldBeReplicas !== undefined) provider.stats.recordedOnly++;
    return undefined;
  }) as ReplayFloorProvider;
  provider.stats = {
    evaluations: 0,
    applied: 0,
    recordedOnly: 0,
    untrusted: 0,
    refits: 0,
    chosen: [],
  };
  provider.records = [];
  provider.state = state;
  return provider;
}
