/**
 * The engine scales a real Docker Compose service: a private dockerd, a Compose project brought
 * up by docker-compose 1.29, and the real backend plugin with this module (SQLite, the real
 * scheduler ticking every second). Load is switched on and off through a file every replica
 * reads; the engine's writes are the containers it creates and removes.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { WorkloadState } from '@internal/plugin-autoscaling-common';
import knexFactory, { type Knex } from 'knex';
import request from 'supertest';
import {
  burnerComposeFile,
  startDockerDaemon,
  type ComposeProject,
  type DockerDaemon,
} from './__testUtils__/dockerDaemon';
import {
  ACME_TENANT,
  composeComponent,
  HOST,
  startComposeBackend,
  waitFor,
  type Run,
} from './__testUtils__/composeBackend';

jest.setTimeout(300_000);

const PROJECT = 'shop';
const SERVICE = 'web';
const WORKLOAD_ID = `${HOST}/${PROJECT}/ComposeService/${SERVICE}`;

interface DecisionRow {
  at: number;
  kind: string;
  outcome: string;
  from: number;
  to: number;
  reasons: string;
  error: string | null;
}

describe('a Docker Compose service scaled by the engine (real dockerd)', () => {
  let daemon: DockerDaemon | undefined;
  let project: ComposeProject;
  let knex: Knex;
  let backend: Awaited<ReturnType<typeof startComposeBackend>> | undefined;
  const runs: Run[] = [];
  const notifications: Array<Parameters<NotificationService['send']>[0]> = [];

  beforeAll(async () => {
    daemon = await startDockerDaemon();
    project = await daemon.composeUp(
      PROJECT,
      burnerComposeFile({ service: SERVICE, cpus: 0.2 }),
    );
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
    backend = await startComposeBackend({
      name: 'only',
      knex,
      socketPath: daemon.socketPath,
      entities: [composeComponent(PROJECT, SERVICE), ACME_TENANT],
      runs,
      notifications,
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await knex?.destroy();
    await daemon?.stop();
  });

  const decisions = async (): Promise<DecisionRow[]> =>
    (
      await knex('decisions').where({ workload_id: WORKLOAD_ID }).orderBy('at')
    ).map(row => ({
      at: Number(row.at),
      kind: row.kind,
      outcome: row.outcome,
      from: row.from_replicas,
      to: row.to_replicas,
      reasons: row.reasons_json,
      error: row.error,
    }));
  /** The service's containers by Compose's labels, name → number, and their states. */
  const containers = async () =>
    (
      await daemon!.docker.listContainers({
        all: true,
        filters: {
          label: [
            `com.docker.compose.project=${PROJECT}`,
            `com.docker.compose.service=${SERVICE}`,
          ],
        },
      })
    )
      .map(c => ({
        id: c.Id,
        name: c.Names[0].replace(/^\//, ''),
        number: Number(c.Labels['com.docker.compose.container-number']),
        state: c.State,
        status: c.Status,
      }))
      .sort((a, b) => a.number - b.number);
  const api = (method: 'get' | 'put' | 'post', path: string) =>
    request(backend!.server)
      [method](`/api/autoscaling${path}`)
      .set('Authorization', mockCredentials.user.header());
  /** What the engine saw and decided, for a failure message. */
  const describeState = async () =>
    JSON.stringify({
      decisions: (await decisions()).slice(-6),
      status: (await knex('workloads').select('status_json')).map(r =>
        JSON.parse(r.status_json ?? 'null'),
      ),
      containers: await containers(),
    });
  const afterDecisions = async (since: number) =>
    (await decisions()).filter(d => d.at > since);

  it('scales up under load, holds max and the kill switch, scales down after the window, and survives a stopped daemon', async () => {
    // Idle: the engine finds the service and keeps its one replica (the minimum).
    await waitFor(
      'the first decisions',
      async () => (await decisions()).length >= 1,
      90_000,
      describeState,
    );
    expect((await decisions()).every(d => d.to === 1)).toBe(true);
    const status = await api('get', '/engine/status');
    expect(status.status).toBe(200);
    expect(status.body.clusters).toEqual([
      expect.objectContaining({
        name: HOST,
        kind: 'docker-compose',
        circuit: 'closed',
        workloads: 1,
      }),
    ]);
    // A Compose service is stored and served as one, not as a Kubernetes Deployment.
    expect(
      await knex('workloads').select('id', 'kind', 'namespace', 'name'),
    ).toEqual([
      {
        id: WORKLOAD_ID,
        kind: 'ComposeService',
        namespace: PROJECT,
        name: SERVICE,
      },
    ]);
    const entityState = await api(
      'get',
      `/entities/default/component/${PROJECT}-${SERVICE}/state`,
    );
    expect(entityState.status).toBe(200);
    expect(entityState.body.workloads.map((w: WorkloadState) => w.ref)).toEqual(
      [
        {
          cluster: HOST,
          namespace: PROJECT,
          kind: 'ComposeService',
          name: SERVICE,
        },
      ],
    );

    // The kill switch on, then load: the engine decides to scale but writes nothing. The
    // replica's CPU counts once it has been ready a full 30 s sample window (HPA rules).
    const killed = await api('put', '/engine/kill-switch').send({
      enabled: true,
      reason: 'compose kill switch test',
    });
    expect(killed.status).toBe(200);
    const loadOn = Date.now();
    await project.setBurn(true);
    const held = await waitFor(
      'a decision held by the kill switch',
      async () =>
        (await afterDecisions(loadOn)).find(d => d.outcome === 'kill-switch'),
      90_000,
      describeState,
    );
    expect(held).toMatchObject({ kind: 'scale', from: 1, to: 3 });
    expect(held.reasons).toContain('kill switch');
    expect(await containers()).toHaveLength(1);
    expect(await project.ps(SERVICE)).toHaveLength(1);

    // Kill switch off: one applied decision 1 → 3. One burning replica at its whole CPU limit
    // against a 30% target asks for 4; max 3 holds.
    expect(
      (
        await api('put', '/engine/kill-switch').send({
          enabled: false,
          reason: 'compose kill switch test done',
        })
      ).status,
    ).toBe(200);
    const up = await waitFor(
      'the scale-up',
      async () =>
        (await afterDecisions(held.at)).find(d => d.outcome === 'applied'),
      30_000,
      describeState,
    );
    expect(up).toMatchObject({ kind: 'scale', from: 1, to: 3 });
    expect(up.reasons).toMatch(/max/i);
    const scaled = await containers();
    expect(scaled.map(c => [c.name, c.number])).toEqual([
      [`${PROJECT}_${SERVICE}_1`, 1],
      [`${PROJECT}_${SERVICE}_2`, 2],
      [`${PROJECT}_${SERVICE}_3`, 3],
    ]);
    // docker-compose itself counts the clones as the service's containers.
    expect((await project.ps(SERVICE)).sort()).toEqual(
      scaled.map(c => c.id).sort(),
    );
    await waitFor(
      'the clones healthy',
      async () =>
        (
          await containers()
        ).every(c => c.state === 'running' && c.status.includes('(healthy)')),
      30_000,
      describeState,
    );

    // Manual scale above max is refused, nothing changes.
    const manual = await api(
      'post',
      `/workloads/${encodeURIComponent(WORKLOAD_ID)}/scale`,
    ).send({ replicas: 5, reason: 'over the maximum' });
    expect(manual.status).toBe(400);
    expect(manual.body.error.message).toContain('outside the policy');
    expect(await containers()).toHaveLength(3);

    // Load off: the window holds the replicas a while, then the engine scales down to the
    // minimum (usage ~0 asks for 0), removing the newest replicas first.
    await project.setBurn(false);
    const down = await waitFor(
      'the scale-down',
      async () =>
        (
          await afterDecisions(up.at)
        ).find(d => d.outcome === 'applied' && d.to < d.from),
      90_000,
      describeState,
    );
    expect(down).toMatchObject({ from: 3, to: 1 });
    // Between the two the three replicas were held (recorded once): by the 5 s window, or,
    // when the containers had no CPU sample for a while after the load stopped (unready), by
    // the missing metrics, which hold the replicas too (the HPA's rule), until the window
    // had passed.
    const heldAtThree = (await afterDecisions(up.at)).filter(
      d => d.at < down.at && d.to === 3,
    );
    expect(heldAtThree.map(d => d.reasons).join(' ')).toMatch(
      /ScaleDownStabilized|MetricsFailed/,
    );
    const remaining = await containers();
    expect(remaining.map(c => c.name)).toEqual([`${PROJECT}_${SERVICE}_1`]);
    expect(await project.ps(SERVICE)).toEqual([remaining[0].id]);
    // Never below min or above max, never a failed write.
    const all = await decisions();
    expect(all.every(d => d.to >= 1 && d.to <= 3)).toBe(true);
    expect(all.filter(d => d.outcome === 'failed')).toEqual([]);

    // The daemon stops: five failing ticks open the circuit (one notification), no write is
    // tried, and the containers keep running (--live-restore).
    const before = await decisions();
    await daemon!.stopDaemon();
    await waitFor(
      'the circuit to open',
      async () => {
        const s = await api('get', '/engine/status');
        return s.body.clusters?.[0]?.circuit === 'open' && s.body.clusters[0];
      },
      60_000,
      describeState,
    );
    expect(
      notifications.filter(n => n.payload.topic === 'autoscaling-circuit'),
    ).toEqual([
      expect.objectContaining({
        payload: expect.objectContaining({
          title: `Autoscaling stopped writing to cluster ${HOST}`,
        }),
      }),
    ]);
    // Nothing stored is lost, and nothing was written while the daemon was away (a tick
    // straddling the stop may record that its metrics failed).
    const during = await decisions();
    expect(during.slice(0, before.length)).toEqual(before);
    expect(
      during.slice(before.length).filter(d => d.outcome === 'applied'),
    ).toEqual([]);

    // Back: the containers are all there and running, the next tick closes the circuit, and
    // the history is intact.
    await daemon!.startDaemon();
    const back = await containers();
    expect(back.map(c => [c.id, c.state])).toEqual(
      remaining.map(c => [c.id, 'running']),
    );
    const restarted = Date.now();
    await waitFor(
      'the circuit to close',
      async () => {
        const s = await api('get', '/engine/status');
        return s.body.clusters?.[0]?.circuit === 'closed';
      },
      60_000,
      describeState,
    );
    // The workload is evaluated again (a hold like the last one is not recorded twice).
    await waitFor(
      'an evaluation after the restart',
      async () => {
        const [row] = await knex('workloads')
          .where({ id: WORKLOAD_ID })
          .select('status_json');
        const evaluated = JSON.parse(row.status_json).lastEvaluatedAt;
        return Date.parse(evaluated) > restarted;
      },
      30_000,
      describeState,
    );
    expect((await decisions()).slice(0, before.length)).toEqual(before);
    expect(await project.ps(SERVICE)).toEqual([remaining[0].id]);

    // The service's Autoscaling tab reads its state like a Kubernetes workload's.
    const state = await api(
      'get',
      '/entities/default/Component/shop-web/state',
    );
    expect(state.status).toBe(200);
    expect(JSON.stringify(state.body)).toContain(WORKLOAD_ID);

    // Dry-run for this service: under load the engine records the scale-up and writes nothing.
    const dry = await api(
      'put',
      `/policies/service/${encodeURIComponent('component:default/shop-web')}`,
    ).send({
      override: { mode: 'dry-run' },
      version: 0,
      reason: 'compose dry-run test',
    });
    expect(dry.status).toBe(200);
    // Effective policies are cached for a moment: load only once a tick evaluated in dry-run.
    await waitFor(
      'an evaluation in dry-run',
      async () => {
        const [row] = await knex('workloads')
          .where({ id: WORKLOAD_ID })
          .select('status_json');
        return JSON.parse(row.status_json).mode === 'dry-run';
      },
      60_000,
      describeState,
    );
    const dryFrom = (await decisions()).slice(-1)[0].at;
    await project.setBurn(true);
    const dryRun = await waitFor(
      'a dry-run decision',
      async () =>
        (await afterDecisions(dryFrom)).find(d => d.outcome === 'dry-run'),
      60_000,
      describeState,
    );
    expect({ dryRun, state: await describeState() }).toMatchObject({
      dryRun: { kind: 'scale', from: 1, to: 3 },
    });
    expect(await containers()).toHaveLength(1);

    // Manual scale within the bounds goes through the same client: replica 2 is a clone.
    const manualUp = await api(
      'post',
      `/workloads/${encodeURIComponent(WORKLOAD_ID)}/scale`,
    ).send({ replicas: 2, reason: 'manual compose scale' });
    expect(manualUp.status).toBe(200);
    const manual2 = await containers();
    expect(manual2.map(c => c.name)).toEqual([
      `${PROJECT}_${SERVICE}_1`,
      `${PROJECT}_${SERVICE}_2`,
    ]);
    expect((await project.ps(SERVICE)).sort()).toEqual(
      manual2.map(c => c.id).sort(),
    );
    await project.setBurn(false);
    expect(runs.filter(r => r.error)).toEqual([]);
  });
});
