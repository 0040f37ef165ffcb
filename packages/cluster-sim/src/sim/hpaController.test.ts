import { createManualClock } from '../clock';
import { parseConfig } from '../config/parse';
import { testConfig, START } from '../testing/fixtures';
import { ClusterSim } from './cluster';

function newSim() {
  const config = parseConfig(testConfig(), { nowMs: START });
  return new ClusterSim(config, createManualClock(START));
}

const replicas = (sim: ClusterSim) =>
  sim.store.get('apps/deployments', 'shop', 'web')!.spec.replicas;

function hpa(targetUtilization: number, min = 1, max = 10) {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      scaleTargetRef: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'web',
      },
      minReplicas: min,
      maxReplicas: max,
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: {
              type: 'Utilization',
              averageUtilization: targetUtilization,
            },
          },
        },
      ],
    },
  };
}

describe('the simulated HPA controller', () => {
  it('scales the target on CPU utilisation, within min/max, and down only after the 5-minute window', () => {
    const sim = newSim();
    expect(replicas(sim)).toBe(2);
    // 60 rps on 2 pods of 50 rps capacity: well above a 20% CPU target.
    sim.store.create('autoscaling/horizontalpodautoscalers', hpa(20, 1, 5));
    sim.advance(15);
    sim.advance(15);
    expect(replicas(sim)).toBeGreaterThan(2);
    for (let s = 0; s < 120; s += 15) sim.advance(15);
    expect(replicas(sim)).toBe(5); // capped at maxReplicas
    const status = sim.store.get(
      'autoscaling/horizontalpodautoscalers',
      'shop',
      'web',
    )!.status;
    expect(status).toMatchObject({ desiredReplicas: 5 });

    // Demand falls to almost nothing: the HPA holds for the stabilisation window, then scales in.
    sim.setDemandOverride('shop', 'web', 1);
    for (let s = 0; s < 240; s += 15) sim.advance(15);
    expect(replicas(sim)).toBe(5);
    for (let s = 0; s < 120; s += 15) sim.advance(15);
    expect(replicas(sim)).toBe(1); // minReplicas
  });

  it('leaves the target alone without a CPU utilisation metric (other metric types are stored, not acted on)', () => {
    const sim = newSim();
    const stored = hpa(50);
    stored.spec.metrics = [];
    sim.store.create('autoscaling/horizontalpodautoscalers', stored);
    for (let s = 0; s < 600; s += 15) sim.advance(15);
    expect(replicas(sim)).toBe(2);
  });
});
