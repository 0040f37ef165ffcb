/**
 * Two backend replicas on one PostgreSQL database, both with this module and the same Docker
 * host, against a real dockerd: the load of a Compose service toggles, so the engine scales it
 * up and down many times. Every container the daemon creates or destroys (its event stream) must
 * belong to exactly one applied decision: one write per applied decision, never two replicas
 * writing one service, including across a hand-over when one replica stops.
 */
// The scratch database helper of the plugin this module extends (its replica tests use it too).
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import { ScratchPostgresDatabase } from '@internal/plugin-autoscaling-backend/testUtils';
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

const PROJECT = 'duo';
const SERVICE = 'api';
const WORKLOAD_ID = `${HOST}/${PROJECT}/ComposeService/${SERVICE}`;
const TASK = `autoscaling-evaluate-${HOST}`;
/** Applied decisions with both replicas up, then with the survivor alone. */
const SHARED_APPLIED = 4;
/** A run the stopped replica had claimed as it stopped may still start this soon after. */
const STOP_GRACE_MS = 5_000;
const ALONE_APPLIED = 2;

interface ContainerEvent {
  action: string;
  name: string;
}

describe('two backend replicas scaling one Compose service on one PostgreSQL database', () => {
  const database = new ScratchPostgresDatabase('autoscaling_compose_two');
  let daemon: DockerDaemon | undefined;
  let project: ComposeProject;
  const backends: Array<{ stop(): Promise<void> } | undefined> = [];
  const events: ContainerEvent[] = [];
  let eventStream: NodeJS.ReadableStream | undefined;
  let toggle: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    daemon = await startDockerDaemon();
    project = await daemon.composeUp(
      PROJECT,
      burnerComposeFile({ service: SERVICE, cpus: 0.2 }),
    );
    await database.create();
  });

  afterAll(async () => {
    if (toggle) clearInterval(toggle);
    for (const backend of backends) await backend?.stop().catch(() => {});
    (eventStream as unknown as { destroy?: () => void })?.destroy?.();
    await daemon?.stop();
    await database.drop();
  });

  it('writes once per applied decision, from one replica at a time', async () => {
    // Container creations and removals of the project, as the daemon reports them.
    eventStream = (await daemon!.docker.getEvents({
      filters: {
        type: ['container'],
        event: ['create', 'destroy'],
        label: [`com.docker.compose.project=${PROJECT}`],
      },
    })) as NodeJS.ReadableStream;
    let buffered = '';
    eventStream.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines.filter(Boolean)) {
        const event = JSON.parse(line);
        events.push({
          action: event.Action ?? event.status,
          name: event.Actor?.Attributes?.name,
        });
      }
    });

    const runs: Run[] = [];
    const entities = [composeComponent(PROJECT, SERVICE), ACME_TENANT];
    const db = database.connect();
    const first = await startComposeBackend({
      name: 'first',
      knex: db,
      socketPath: daemon!.socketPath,
      entities,
      runs,
    });
    backends.push(first);
    const second = await startComposeBackend({
      name: 'second',
      knex: database.connect(),
      socketPath: daemon!.socketPath,
      entities,
      runs,
    });
    backends.push(second);

    const applied = async () =>
      (
        await db('decisions')
          .where({ workload_id: WORKLOAD_ID, outcome: 'applied' })
          .orderBy('at')
      ).map(row => ({
        at: Number(row.at),
        from: row.from_replicas as number,
        to: row.to_replicas as number,
      }));

    // Load on for 12 s, off for 12 s: up to 3 (max) under load, down to 1 (min) after the
    // 5 s window without it.
    let burning = true;
    await project.setBurn(true);
    toggle = setInterval(() => {
      burning = !burning;
      project.setBurn(burning).catch(() => {});
    }, 12_000);

    await waitFor(
      'applied decisions with both replicas up',
      async () => (await applied()).length >= SHARED_APPLIED,
      150_000,
    );
    const evaluations = (backend: string) =>
      runs.filter(r => r.backend === backend && r.taskId === TASK).length;
    const [stopped, survivor] =
      evaluations('first') >= evaluations('second')
        ? ['first', 'second']
        : ['second', 'first'];
    const stoppedIndex = stopped === 'first' ? 0 : 1;
    await backends[stoppedIndex]!.stop();
    backends[stoppedIndex] = undefined;
    const stoppedAt = Date.now();
    const appliedBefore = (await applied()).length;
    await waitFor(
      'applied decisions by the survivor',
      async () => (await applied()).length >= appliedBefore + ALONE_APPLIED,
      120_000,
    );

    clearInterval(toggle);
    toggle = undefined;
    await backends[1 - stoppedIndex]!.stop();
    backends[1 - stoppedIndex] = undefined;
    await waitFor(
      'the last runs',
      () => runs.every(r => r.end !== undefined),
      30_000,
    );

    // One run of the host's task at a time across both replicas; the survivor took over.
    const hostRuns = runs
      .filter(r => r.taskId === TASK)
      .sort((a, b) => a.start - b.start);
    expect(hostRuns.filter(r => r.error)).toEqual([]);
    for (let k = 1; k < hostRuns.length; k++)
      expect(hostRuns[k].start).toBeGreaterThanOrEqual(hostRuns[k - 1].end!);
    expect(evaluations(stopped)).toBeGreaterThan(0);
    expect(
      hostRuns.filter(r => r.backend === survivor && r.start >= stoppedAt)
        .length,
    ).toBeGreaterThan(0);
    // Backstage's task worker can still start a run it claimed while the shutdown was under
    // way (the abort races the claim); what must not happen is the stopped replica running on.
    expect(
      hostRuns.filter(
        r => r.backend === stopped && r.start > stoppedAt + STOP_GRACE_MS,
      ),
    ).toEqual([]);

    // Every applied decision moved the service from where the previous one left it, and no
    // write failed or raced another (a conflict would show as 'conflict' or 'failed').
    const decisions = await applied();
    expect(decisions.length).toBeGreaterThanOrEqual(
      SHARED_APPLIED + ALONE_APPLIED,
    );
    const outcomes = (
      await db('decisions').where({ workload_id: WORKLOAD_ID })
    ).map(row => row.outcome as string);
    expect(outcomes.filter(o => o === 'failed' || o === 'conflict')).toEqual(
      [],
    );
    expect(decisions[0].from).toBe(1);
    for (let k = 1; k < decisions.length; k++) {
      expect(decisions[k].from).toBe(decisions[k - 1].to);
      expect(decisions[k].to).not.toBe(decisions[k].from);
    }
    for (const d of decisions) {
      expect(d.to).toBeGreaterThanOrEqual(1);
      expect(d.to).toBeLessThanOrEqual(3);
    }

    // The daemon's own record: exactly the containers the applied decisions call for.
    const ups = decisions.reduce((n, d) => n + Math.max(0, d.to - d.from), 0);
    const downs = decisions.reduce((n, d) => n + Math.max(0, d.from - d.to), 0);
    // (docker-compose up created the first replica before the stream was opened.)
    const count = (action: string) =>
      events.filter(e => e.action === action).length;
    await waitFor(
      'the daemon events',
      () => count('create') >= ups && count('destroy') >= downs,
      10_000,
      async () => JSON.stringify({ ups, downs, events, decisions }),
    );
    expect(count('create')).toBe(ups);
    expect(count('destroy')).toBe(downs);

    const last = decisions[decisions.length - 1].to;
    expect(await project.ps(SERVICE)).toHaveLength(last);

    // Each applied decision was audited once, by the replica that made it.
    const audits = await db('audit_events').where({ action: 'engine.actuate' });
    expect(
      audits.filter(a => JSON.parse(a.before_json).workload === WORKLOAD_ID),
    ).toHaveLength(decisions.length);
  });
});
