/**
 * The official JavaScript client drives the simulator over HTTP: list/get, scale subresource
 * patch, watch, 409 on a stale update, and 401/403/404 surfaced with Status bodies.
 *
 * @kubernetes/client-node is ESM-only and jest (without --experimental-vm-modules) cannot load
 * ES modules, so each scenario runs in a plain Node child process
 * (src/testing/clientNodeDriver.mjs) against the simulator started here; the assertions are on
 * what the client observed.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import type { RunningClusterSim } from '../start';
import { startTestSim } from '../testing/fixtures';

const DRIVER = resolve(__dirname, '../testing/clientNodeDriver.mjs');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function runScenario(sim: RunningClusterSim, scenario: string): Promise<any> {
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      [DRIVER, scenario, sim.url],
      { timeout: 30_000 },
      (err, stdout, stderr) => {
        if (err)
          fail(
            new Error(
              `client-node scenario ${scenario} failed: ${
                stderr || err.message
              }`,
            ),
          );
        else done(JSON.parse(stdout));
      },
    );
  });
}

describe('@kubernetes/client-node against the simulator', () => {
  let sim: RunningClusterSim;
  beforeEach(async () => {
    sim = await startTestSim();
  });
  afterEach(async () => {
    await sim.stop();
  });

  it('lists and gets pods, deployments and nodes', async () => {
    const r = await runScenario(sim, 'listGet');
    expect(r.podNames).toHaveLength(2);
    expect(r.podNames.every((n: string) => n.startsWith('web-'))).toBe(true);
    expect(r.phases).toEqual(['Running', 'Running']);
    expect(r.readUidMatches).toBe(true);
    expect(r.deployments).toEqual(['web']);
    expect(r.readyReplicas).toBe(2);
    expect(r.nodes).toBe(3);
  });

  it('patches the scale subresource (merge patch) with a resourceVersion precondition', async () => {
    const r = await runScenario(sim, 'scalePatch');
    expect(r.before).toBe(2);
    expect(r.selector).toBe('app=web');
    expect(r.patched).toBe(5);
    expect(r.stale.code).toBe(409);
    expect(r.stale.body).toMatchObject({
      kind: 'Status',
      reason: 'Conflict',
      code: 409,
    });
    expect(r.statefulSet).toBe(3);
    expect(r.deployment).toEqual({
      replicas: 5,
      generation: 2,
      observedGeneration: 2,
    });
    // the simulator agrees
    expect(
      sim.sim.store.get('apps/deployments', 'shop', 'web')!.spec.replicas,
    ).toBe(5);
    expect(
      sim.sim.store.get('apps/statefulsets', 'shop', 'db')!.spec.replicas,
    ).toBe(3);
  });

  it('gets 409 Conflict for an update with a stale resourceVersion', async () => {
    const r = await runScenario(sim, 'staleUpdate');
    expect(r.updatedTeam).toBe('one');
    expect(r.conflict.code).toBe(409);
    expect(r.conflict.body).toMatchObject({
      kind: 'Status',
      reason: 'Conflict',
    });
    expect(
      sim.sim.store.get('apps/deployments', 'shop', 'web')!.metadata.labels!
        .team,
    ).toBe('one');
  });

  it('surfaces 401, 403 and 404 with Status bodies', async () => {
    const r = await runScenario(sim, 'errors');
    expect(r.unauth).toMatchObject({
      code: 401,
      rawStatus: 401,
      body: { kind: 'Status', reason: 'Unauthorized', code: 401 },
    });
    expect(r.forbidden).toMatchObject({
      code: 403,
      body: { kind: 'Status', reason: 'Forbidden' },
    });
    expect(r.forbidden.body.message).toMatch(
      /cannot patch resource "deployments\/scale"/,
    );
    expect(r.missing).toMatchObject({
      code: 404,
      body: {
        kind: 'Status',
        reason: 'NotFound',
        message: 'deployments.apps "ghost" not found',
      },
    });
  });

  it('watches pods: ADDED on scale-out, MODIFIED when Ready after start-up, DELETED', async () => {
    const r = await runScenario(sim, 'watch');
    const types = r.events
      .filter((e: { name: string }) => e.name === r.added)
      .map((e: { type: string }) => e.type);
    expect(types[0]).toBe('ADDED');
    expect(types[types.length - 1]).toBe('DELETED');
    expect(types).toContain('MODIFIED');
    expect(r.addedReady).toBe(false);
    const rvs = r.events.map((e: { resourceVersion: string }) =>
      Number(e.resourceVersion),
    );
    expect(rvs.every((v: number) => v > Number(r.listResourceVersion))).toBe(
      true,
    );
    expect([...rvs].sort((a, b) => a - b)).toEqual(rvs);
    // the deleted pod was replaced by the ReplicaSet
    expect(
      sim.sim.store
        .list('pods', 'shop')
        .filter(p => p.metadata.labels?.app === 'web'),
    ).toHaveLength(3);
  });

  it('the informer (makeInformer) follows changes and, after 410 Expired, lists again', async () => {
    await sim.stop();
    sim = await startTestSim({}, { watchHistorySize: 5 });
    const r = await runScenario(sim, 'informer');
    expect(r.initial).toEqual(['other/api', 'shop/web']);
    expect(r.followed).toEqual(['other/api', 'shop/web']);
    // Ten scale writes and a delete while it was stopped: more than the window of 5 events, so
    // its watch from the old resourceVersion got 410 and it listed again.
    expect(r.after).toEqual(['shop/web']);
    expect(Number(r.relistedAt)).toBeGreaterThan(Number(r.stoppedAt) + 10);
    // (stop() aborts the open watch, which the informer reports as an error.)
    expect(r.errors.filter((e: string) => !/abort/i.test(e))).toEqual([]);
    const log = sim
      .requests()
      .filter(q => q.path === '/apis/apps/v1/deployments');
    // list, watch, (stop, start) the watch that got 410, list (and its watch).
    expect(log.length).toBeGreaterThanOrEqual(4);
  });
});
