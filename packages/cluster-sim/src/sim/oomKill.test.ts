import { createManualClock } from '../clock';
import { parseConfig } from '../config/parse';
import { testConfig, START } from '../testing/fixtures';
import { ClusterSim } from './cluster';

function newSim(enforceMemoryLimits: boolean) {
  const raw = testConfig();
  raw.cluster = { name: 'test', enforceMemoryLimits };
  const config = parseConfig(raw, { nowMs: START });
  return new ClusterSim(config, createManualClock(START));
}

const webPods = (sim: ClusterSim) =>
  sim.store.list('pods', 'shop').filter(p => p.metadata.labels?.app === 'web');

describe('memory limits', () => {
  it('OOM-kills a container over its memory limit: OOMKilled lastState, a restart, not Ready for its start-up', () => {
    const sim = newSim(true);
    // web: 256Mi request, 512Mi limit, 128Mi baseline + 512Ki per rps: 2 pods at 2000 rps pass it.
    sim.setDemandOverride('shop', 'web', 2000);
    sim.advance(2);
    const pods = webPods(sim);
    const killed = pods.filter(
      p => p.status.containerStatuses[0].restartCount > 0,
    );
    expect(killed.length).toBeGreaterThan(0);
    const status = killed[0].status.containerStatuses[0];
    expect(status.lastState.terminated).toMatchObject({
      reason: 'OOMKilled',
      exitCode: 137,
    });
    expect(
      Date.parse(status.lastState.terminated.finishedAt),
    ).toBeLessThanOrEqual(sim.now());
    expect(status.ready).toBe(false);
    expect(killed[0].spec.containers[0].resources).toEqual({
      requests: { cpu: '500m', memory: '256Mi' },
      limits: { cpu: '500m', memory: '512Mi' },
    });
    // Back under the limit, the container is Ready again after its 30 s start-up.
    sim.setDemandOverride('shop', 'web', 60);
    sim.advance(31);
    const again = sim.store.get('pods', 'shop', killed[0].metadata.name!)!;
    expect(again.status.containerStatuses[0].ready).toBe(true);
    expect(again.status.containerStatuses[0].lastState.terminated.reason).toBe(
      'OOMKilled',
    );
  });

  it('kills nothing unless cluster.enforceMemoryLimits is on', () => {
    const sim = newSim(false);
    sim.setDemandOverride('shop', 'web', 2000);
    sim.advance(5);
    for (const p of webPods(sim)) {
      expect(p.status.containerStatuses[0]).toMatchObject({
        restartCount: 0,
        lastState: {},
      });
    }
  });
});
