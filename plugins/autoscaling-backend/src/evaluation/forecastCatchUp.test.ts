/**
 * A forecaster read back from its checkpoint and caught up with the demand stored since
 * (`observeStoredDemand`) carries on like the one kept in memory: what a restart or a second
 * replica does (issue 19).
 */
import {
  demandSeries,
  forecastPolicy,
  POD_CORES,
  STARTUP_S,
} from '../store/__testUtils__/liveForecastState';
import { decodeForecastRow, encodeForecastRow } from '../store/forecastRow';
import {
  createLiveForecastState,
  demandSeriesOf,
  observeStoredDemand,
  predictiveStep,
  refitDue,
  type LiveForecastState,
} from './predictiveStep';

const KEY = 'sim/acme/Deployment/web';

function step(
  state: LiveForecastState,
  points: Array<{ atMs: number; demand: number }>,
  i: number,
) {
  const { atMs: nowMs, demand } = points[i];
  const history = refitDue(state, nowMs, KEY)
    ? demandSeriesOf(points.slice(0, i + 1))
    : undefined;
  return predictiveStep(state, {
    key: KEY,
    nowMs,
    demand,
    policy: forecastPolicy(),
    podCapacity: POD_CORES,
    startupSeconds: STARTUP_S,
    history,
  }).plan;
}

describe('observeStoredDemand', () => {
  it('catches a checkpoint up with the stored points: the same samples observed, the same floors after', () => {
    const points = demandSeries(3);
    const checkpointAt = 2 * 1440 + 600; // a fitted forecaster, mid-day
    const lost = 10; // ticks stepped in memory after the checkpoint, then the process ends

    const memory = createLiveForecastState();
    let row = '';
    for (let i = 0; i <= checkpointAt + lost + 30; i++) {
      step(memory, points, i);
      if (i === checkpointAt)
        row = encodeForecastRow(memory as unknown as Record<string, unknown>);
    }

    const restarted = decodeForecastRow(
      row,
      KEY,
    ) as unknown as LiveForecastState;
    expect(restarted.predictive.forecaster).not.toBeNull();
    const resumeAt = checkpointAt + lost + 1;
    const observed = observeStoredDemand(
      restarted,
      points.slice(0, resumeAt + 1),
      {
        nowMs: points[resumeAt].atMs,
        policy: forecastPolicy(),
        startupSeconds: STARTUP_S,
      },
    );
    // The ten lost samples, not the checkpoint's own nor now's.
    expect(observed).toBe(lost);
    expect(restarted.predictive.lastObservedMs).toBe(points[resumeAt - 1].atMs);
    const floors: Array<number | undefined> = [];
    for (let i = resumeAt; i <= checkpointAt + lost + 30; i++)
      floors.push(step(restarted, points, i).decisionInput?.floorReplicas);

    const again = createLiveForecastState();
    const expected: Array<number | undefined> = [];
    for (let i = 0; i <= checkpointAt + lost + 30; i++) {
      const plan = step(again, points, i);
      if (i >= resumeAt) expected.push(plan.decisionInput?.floorReplicas);
    }
    expect(floors).toEqual(expected);
    expect(restarted.predictive.lastObservedMs).toBe(
      memory.predictive.lastObservedMs,
    );
  });
});
