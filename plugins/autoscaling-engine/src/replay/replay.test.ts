import { policy } from '../testing/builders';
import { replay } from './replay';
import { resampleTrace } from './trace';

const hpaPolicy = policy({
  minReplicas: 2,
  maxReplicas: 50,
  metrics: [
    {
      type: 'Resource',
      resource: 'cpu',
      target: { type: 'Utilization', averageUtilization: 70 },
    },
  ],
});

function step(levels: Array<[minutes: number, rps: number]>) {
  const points = [];
  let t = 0;
  for (const [minutes, rps] of levels) {
    for (let m = 0; m < minutes; m++)
      points.push({ timeMs: (t + m) * 60_000, value: rps });
    t += minutes;
  }
  return resampleTrace(points, 15);
}

describe('replay', () => {
  it('starts sized for the first demand, scales up after a step and reports overload while pods start', () => {
    const series = step([
      [10, 500],
      [30, 2000],
    ]);
    const { rows, summary } = replay({
      series,
      policy: hpaPolicy,
      capacityPerPod: 100,
      startupSeconds: 60,
    });
    expect(rows[0]).toMatchObject({ desiredReplicas: 8, readyReplicas: 8 }); // ceil(500 / 70)
    const last = rows[rows.length - 1];
    expect(last.readyReplicas * 100).toBeGreaterThanOrEqual(2000);
    expect(last.readyReplicas).toBeLessThanOrEqual(
      Math.ceil(2000 / 70 / 0.9) + 1,
    );
    // Demand jumps at minute 10; pods need 60 s to become ready, so some seconds are overloaded.
    expect(summary.overloadedSeconds).toBeGreaterThan(0);
    expect(summary.overloadedSeconds).toBeLessThan(15 * 60);
    expect(summary.scaleUps).toBeGreaterThan(0);
  });

  it('makes new pods ready only after the start-up delay', () => {
    const series = step([
      [2, 500],
      [10, 3000],
    ]);
    const { rows } = replay({
      series,
      policy: hpaPolicy,
      capacityPerPod: 100,
      startupSeconds: 120,
    });
    const firstScale = rows.findIndex(
      r => r.desiredReplicas > rows[0].desiredReplicas,
    );
    expect(firstScale).toBeGreaterThan(0);
    expect(rows[firstScale].readyReplicas).toBe(rows[0].readyReplicas);
    // 120 s later (8 steps of 15 s) the pods created at that step are ready.
    expect(rows[firstScale + 8].readyReplicas).toBeGreaterThanOrEqual(
      rows[firstScale].desiredReplicas,
    );
  });

  it('scales down immediately once the stabilisation window has passed', () => {
    const series = step([
      [10, 3000],
      [20, 300],
    ]);
    const { rows, summary } = replay({
      series,
      policy: hpaPolicy,
      capacityPerPod: 100,
      startupSeconds: 60,
    });
    const last = rows[rows.length - 1];
    expect(last.desiredReplicas).toBe(last.readyReplicas);
    expect(last.desiredReplicas).toBeLessThan(10);
    expect(summary.scaleDowns).toBeGreaterThan(0);
    // Replica-hours add up the desired replicas of each 15 s step.
    const expected = rows.reduce(
      (a, r) => a + (r.desiredReplicas * 15) / 3600,
      0,
    );
    expect(summary.replicaHours).toBeCloseTo(expected, 9);
  });

  it('feeds the predictive floor hook and honours its floor', () => {
    const series = step([[20, 500]]);
    const seen: number[] = [];
    const { rows } = replay({
      series,
      policy: {
        ...hpaPolicy,
        predictive: { ...hpaPolicy.predictive, enabled: true },
      },
      capacityPerPod: 100,
      startupSeconds: 60,
      predictiveFloor: ({ history, nowMs }) => {
        seen.push(history.timeMs.length);
        expect(history.timeMs[history.timeMs.length - 1]).toBe(nowMs);
        return { floorReplicas: 20, message: 'test floor' };
      },
    });
    expect(seen[0]).toBe(1);
    expect(rows[rows.length - 1].desiredReplicas).toBe(20);
  });
});
