import { createManualClock } from '../clock';
import { parseConfig } from '../config/parse';
import { testConfig, START } from '../testing/fixtures';
import { ClusterSim } from './cluster';

function newSim() {
  const config = parseConfig(testConfig(), { nowMs: START });
  return new ClusterSim(config, createManualClock(START));
}

const status = (sim: ClusterSim) =>
  sim.store.get('policy/poddisruptionbudgets', 'shop', 'web')!.status;

describe('PodDisruptionBudget status', () => {
  it('counts healthy pods against minAvailable and says how many may be disrupted', () => {
    const sim = newSim();
    sim.store.create('policy/poddisruptionbudgets', {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } },
    });
    sim.reconcile();
    expect(status(sim)).toMatchObject({
      expectedPods: 2,
      currentHealthy: 2,
      desiredHealthy: 2,
      disruptionsAllowed: 0,
    });

    const d = sim.store.get('apps/deployments', 'shop', 'web')!;
    sim.store.update('apps/deployments', {
      ...d,
      spec: { ...d.spec, replicas: 3 },
    });
    sim.reconcile();
    // The new pod is not Ready yet: nothing may be disrupted until it is.
    expect(status(sim)).toMatchObject({
      expectedPods: 3,
      currentHealthy: 2,
      disruptionsAllowed: 0,
    });
    sim.advance(30);
    expect(status(sim)).toMatchObject({
      currentHealthy: 3,
      disruptionsAllowed: 1,
    });
  });

  it('reads maxUnavailable as a percentage of the selected pods, rounded up', () => {
    const sim = newSim();
    sim.store.create('policy/poddisruptionbudgets', {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'web', namespace: 'shop' },
      spec: {
        maxUnavailable: '50%',
        selector: { matchLabels: { app: 'web' } },
      },
    });
    sim.reconcile();
    expect(status(sim)).toMatchObject({
      expectedPods: 2,
      desiredHealthy: 1,
      disruptionsAllowed: 1,
    });
  });
});
