/**
 * Fault injection end to end: the real evaluator (createAutoscalingService → ClusterEvaluator
 * → KubernetesClusterClient → @kubernetes/client-node) against cluster-sim while the simulator
 * injects API 5xx, latency, 409 conflicts, 403 for the backend's token, a full outage and a
 * metrics outage. Under every fault the evaluator keeps ticking and no decision is lost: every
 * tick that wrote to the cluster has its decision row, whose outcome says how the write ended.
 * Faults that fail whole ticks (outage, 5xx, a token that may not read) or every write of a
 * tick (a token that may not write) open the cluster's circuit breaker at its threshold, with
 * one notification; it closes after recovery (after a failed-write opening: on a working write).
 */
import type { Decision } from '@internal/plugin-autoscaling-common';
import {
  isScaleWrite,
  NAMESPACE,
  SimBackend,
  startSimBackend,
  WORKLOAD,
  WORKLOAD_ID,
} from './__testUtils__/simBackend';

jest.setTimeout(60_000);

type Tick = Awaited<ReturnType<SimBackend['tick']>>;

/** 1,500 rps on pods that serve 100 rps each: the engine wants more pods on every tick. */
const CROWD_RPS = 1500;

/**
 * The no-lost-decision invariant for one tick, from the simulator's request log and the store:
 * a tick that sent a scale write has exactly one decision row at that tick, and the row's
 * outcome matches how the last write ended (200 applied; 409 conflict, or unchanged when the
 * re-read decided to hold; anything else failed with the error). A tick that evaluated the
 * workload and decided to scale without writing (circuit open) has its row too.
 */
async function expectNoLostDecision(
  b: SimBackend,
  tick: Tick,
): Promise<Decision[]> {
  const writes = b.requestsAt(tick.at).filter(isScaleWrite);
  const rows = await b.decisionsAt(tick.at);
  if (writes.length > 0) {
    expect(rows).toHaveLength(1);
    const [row] = rows;
    const last = writes[writes.length - 1].status;
    if (last === 200) {
      expect(row).toMatchObject({ kind: 'scale', outcome: 'applied' });
      expect(b.specReplicas()).toBe(row.to);
    } else if (last === 409) {
      expect(['conflict', 'unchanged']).toContain(row.outcome);
    } else {
      expect(row).toMatchObject({
        kind: 'scale',
        outcome: 'failed',
        error: expect.any(String),
      });
    }
    // A 409 is re-read and re-decided once; nothing is retried blindly.
    expect(writes.length).toBeLessThanOrEqual(2);
  }
  const stored = await b.service.store.getWorkload(WORKLOAD_ID);
  const status = stored?.status;
  if (status?.lastEvaluatedAt === new Date(tick.at).toISOString()) {
    if (status.desiredReplicas !== status.currentReplicas) {
      expect(rows).toHaveLength(1);
      expect(rows[0].kind).toBe('scale');
    }
  }
  return rows;
}

describe('fault injection against the real evaluator and cluster-sim', () => {
  let b: SimBackend;

  beforeEach(async () => {
    b = await startSimBackend({ mode: 'auto' });
    // The first tick only sees pods that just became Ready (no usable CPU metric yet); from the
    // second tick on, the crowd makes the engine ask for more pods on every tick.
    await ticks(1);
    b.sim.setDemand(NAMESPACE, WORKLOAD, CROWD_RPS);
  });
  afterEach(async () => {
    await b?.stop();
  });

  /**
   * Ticks `n` times, checking the invariant after each. A tick that threw instead of
   * recording the failure would reject here and fail the test.
   */
  async function ticks(n: number): Promise<Tick[]> {
    const out: Tick[] = [];
    for (let i = 0; i < n; i++) {
      const tick = await b.tick();
      await expectNoLostDecision(b, tick);
      out.push(tick);
    }
    return out;
  }

  it('full API outage: the circuit opens at the threshold, notifies once, blocks writes and closes after recovery', async () => {
    const { threshold } = b.health;
    expect(threshold).toBeGreaterThan(1);
    expect((await b.engineStatus()).clusters[0]).toMatchObject({
      circuit: 'closed',
      consecutiveFailures: 0,
    });

    b.sim.setFaults({ api: { outage: true } });
    for (let i = 1; i <= threshold + 3; i++) {
      const tick = await b.tick();
      expect(tick).toMatchObject({ evaluated: 0, failures: 1 });
      // Every request of the tick hit the outage; nothing was written.
      const requests = b.requestsAt(tick.at);
      expect(requests.length).toBeGreaterThan(0);
      expect(requests.every(r => r.status === 503)).toBe(true);
      await expectNoLostDecision(b, tick);

      const cluster = (await b.engineStatus()).clusters[0];
      expect(cluster.consecutiveFailures).toBe(i);
      expect(cluster.circuit).toBe(i < threshold ? 'closed' : 'open');
      expect(cluster.lastError).toMatch(/discovery failed/);
      // One notification, when the circuit opened; none before, none again while it stays open.
      expect(b.circuitNotifications()).toHaveLength(i < threshold ? 0 : 1);
    }
    expect(b.circuitNotifications()[0]).toMatchObject({
      recipients: { type: 'entity', entityRef: 'group:default/platform-team' },
      payload: {
        title: expect.stringContaining('sim-e2e'),
        topic: 'autoscaling-circuit',
      },
    });

    // Recovery: the first tick reads again and closes the circuit, but the write it wants
    // is still inside the cool-off, so it is recorded as failed and not sent.
    b.sim.clearFaults();
    const recovered = await b.tick();
    expect(recovered).toMatchObject({ evaluated: 1, failures: 0 });
    const [blocked] = await expectNoLostDecision(b, recovered);
    expect(blocked).toMatchObject({
      kind: 'scale',
      outcome: 'failed',
      error: expect.stringMatching(/circuit open/),
    });
    expect(b.requestsAt(recovered.at).filter(isScaleWrite)).toEqual([]);
    expect((await b.engineStatus()).clusters[0]).toMatchObject({
      circuit: 'closed',
      consecutiveFailures: 0,
      lastError: null,
    });

    // And the next tick writes again.
    const [next] = await ticks(1);
    expect(
      b
        .requestsAt(next.at)
        .filter(isScaleWrite)
        .map(r => r.status),
    ).toEqual([200]);
    expect(b.specReplicas()).toBeGreaterThan(2);
    expect(b.circuitNotifications()).toHaveLength(1);
  });

  it('5xx error rate: the breaker follows the consecutive failed ticks and writes exactly; failed writes have failed rows', async () => {
    const { threshold } = b.health;
    // Reads are served by the watch caches, so a tick sends few requests (pod metrics, the
    // scale before a write, the write, the other autoscalers): half of them failing is what
    // fails enough ticks in a row to open the circuit.
    b.sim.setFaults({ api: { errorRate: 0.5 } });

    let consecutive = 0;
    let openedBy: 'read' | 'write' = 'read';
    let openings = 0;
    let sawOpen = false;
    const all: Tick[] = [];
    for (let i = 0; i < 100; i++) {
      const tick = await b.tick();
      await expectNoLostDecision(b, tick);
      all.push(tick);
      // One managed workload: a tick failed when discovery or that workload failed, or when
      // its write failed (a 409 is an answer, not a failure). While a circuit opened by failed
      // writes is open, a tick that wrote nothing neither fails nor closes it.
      const writes = b.requestsAt(tick.at).filter(isScaleWrite);
      const lastWrite = writes[writes.length - 1];
      const writeFailed =
        !!lastWrite && lastWrite.status !== 200 && lastWrite.status !== 409;
      if (tick.failures > 0 || writeFailed) {
        consecutive += 1;
        openedBy = tick.failures > 0 ? 'read' : 'write';
        if (consecutive === threshold) openings += 1;
      } else if (
        !(
          writes.length === 0 &&
          consecutive >= threshold &&
          openedBy === 'write'
        )
      ) {
        consecutive = 0;
      }
      expect(b.health.consecutiveFailures).toBe(consecutive);
      expect(b.health.circuit).toBe(
        consecutive >= threshold ? 'open' : 'closed',
      );
      sawOpen ||= b.health.circuit === 'open';
      // One notification per opening, none while it stays open.
      expect(b.circuitNotifications()).toHaveLength(openings);
    }
    // The error rate really opened the circuit...
    expect(sawOpen).toBe(true);
    // ...and hit writes, each of which has its failed decision row naming the error.
    const failedWrites = all.filter(t =>
      b.requestsAt(t.at).some(r => isScaleWrite(r) && r.status === 500),
    );
    expect(failedWrites.length).toBeGreaterThan(0);
    for (const tick of failedWrites) {
      const [row] = await b.decisionsAt(tick.at);
      expect(row).toMatchObject({
        outcome: 'failed',
        error: expect.stringMatching(/500|Internal/i),
      });
    }

    b.sim.clearFaults();
    const [first] = await ticks(2);
    expect(first).toMatchObject({ evaluated: 1, failures: 0 });
    expect((await b.engineStatus()).clusters[0]).toMatchObject({
      circuit: 'closed',
      consecutiveFailures: 0,
    });
    expect(b.circuitNotifications()).toHaveLength(openings);
  });

  it('added API latency: the evaluator keeps scaling, only slower', async () => {
    b.sim.setFaults({ api: { latencyMs: 120 } });
    const started = Date.now();
    const first = await b.tick();
    // Discovery, then the workload's reads, then the write: at least three round trips.
    expect(Date.now() - started).toBeGreaterThanOrEqual(3 * 120);
    await expectNoLostDecision(b, first);
    const rest = await ticks(3);
    for (const tick of [first, ...rest])
      expect(tick).toMatchObject({ evaluated: 1, failures: 0 });
    // (A new pod's CPU only counts once it is past its initialization, as with the HPA, so the
    // engine holds for a while after each scale-up.)
    const applied = (await b.decisions()).filter(d => d.outcome === 'applied');
    expect(applied.length).toBeGreaterThanOrEqual(1);
    expect(b.specReplicas()).toBe(applied[applied.length - 1].to);
    expect(b.specReplicas()).toBeGreaterThan(2);
    expect(b.health.circuit).toBe('closed');
  });

  it('every write answered 409: re-read and re-decided once, recorded as a conflict, never blindly retried', async () => {
    b.sim.setFaults({ api: { conflictRate: 1 } });
    const all = await ticks(4);
    for (const tick of all) {
      const writes = b.requestsAt(tick.at).filter(isScaleWrite);
      expect(writes.map(w => w.status)).toEqual([409, 409]);
      // Between the two writes the scale subresource was read again.
      const requests = b.requestsAt(tick.at);
      const firstWrite = requests.findIndex(isScaleWrite);
      const secondWrite = requests.findIndex(
        (r, i) => i > firstWrite && isScaleWrite(r),
      );
      expect(
        requests
          .slice(firstWrite + 1, secondWrite)
          .some(
            r =>
              r.method === 'GET' &&
              r.path.endsWith(`/deployments/${WORKLOAD}/scale`),
          ),
      ).toBe(true);
      const [row] = await b.decisionsAt(tick.at);
      expect(row).toMatchObject({
        kind: 'scale',
        outcome: 'conflict',
        error: expect.stringMatching(/409/),
      });
    }
    expect(b.specReplicas()).toBe(2);

    b.sim.clearFaults();
    const [recovered] = await ticks(1);
    expect(
      b
        .requestsAt(recovered.at)
        .filter(isScaleWrite)
        .map(w => w.status),
    ).toEqual([200]);
    expect(b.specReplicas()).toBeGreaterThan(2);
  });

  it('409s together with 5xx: a write whose re-read fails still has its decision row', async () => {
    b.sim.setFaults({ api: { conflictRate: 1, errorRate: 0.2 } });
    const all = await ticks(60);
    // The combination happened: a 409, then re-reading the workload failed in the same tick.
    const conflictThenError = all.filter(t => {
      const requests = b.requestsAt(t.at);
      const conflict = requests.findIndex(
        r => isScaleWrite(r) && r.status === 409,
      );
      return (
        conflict >= 0 &&
        requests
          .slice(conflict + 1)
          .some(r => r.method === 'GET' && r.status === 500)
      );
    });
    expect(conflictThenError.length).toBeGreaterThan(0);
    for (const tick of conflictThenError) {
      const rows = await b.decisionsAt(tick.at);
      expect(rows).toHaveLength(1);
      expect(rows[0].outcome).not.toBe('applied');
      expect(rows[0].error).toEqual(expect.any(String));
    }
  });

  it('a read-only token (403 on writes): failed decisions name the refusal, the circuit opens on failed writes, a working write closes it', async () => {
    const { threshold, coolOffMs } = b.health;
    b.useToken('readonly-token');
    for (let i = 1; i <= threshold; i++) {
      const [tick] = await ticks(1);
      expect(tick).toMatchObject({ evaluated: 1 });
      expect(
        b
          .requestsAt(tick.at)
          .filter(isScaleWrite)
          .map(w => w.status),
      ).toEqual([403]);
      const [row] = await b.decisionsAt(tick.at);
      expect(row).toMatchObject({
        kind: 'scale',
        outcome: 'failed',
        error: expect.stringMatching(/403|forbidden/i),
      });
      expect(b.health.circuit).toBe(i < threshold ? 'closed' : 'open');
    }
    expect(b.specReplicas()).toBe(2);
    expect(b.circuitNotifications()).toHaveLength(1);
    expect((await b.engineStatus()).clusters[0]).toMatchObject({
      circuit: 'open',
      lastError: expect.stringMatching(/writes failed.*(403|forbidden)/i),
    });

    // While open, reads go on but nothing is written, and read-only ticks do not close it.
    const [blocked] = await ticks(1);
    expect(b.requestsAt(blocked.at).filter(isScaleWrite)).toEqual([]);
    expect(b.health.circuit).toBe('open');

    // The token is fixed; after the cool-off the trial write succeeds and closes the circuit.
    b.useToken('scaler-token');
    const [recovered] = await b
      .tick(Math.ceil(coolOffMs / 1000))
      .then(t => [t]);
    await expectNoLostDecision(b, recovered);
    expect(
      b
        .requestsAt(recovered.at)
        .filter(isScaleWrite)
        .map(w => w.status),
    ).toEqual([200]);
    expect(b.specReplicas()).toBeGreaterThan(2);
    expect(b.health.circuit).toBe('closed');
    expect(b.circuitNotifications()).toHaveLength(1);
  });

  it('a token forbidden to read: the circuit opens at the threshold and closes once the token works again', async () => {
    const { threshold } = b.health;
    b.useToken('configmaps-token');
    for (let i = 1; i <= threshold; i++) {
      const tick = await b.tick();
      expect(tick).toMatchObject({ evaluated: 0, failures: 1 });
      expect(b.requestsAt(tick.at).some(r => r.status === 403)).toBe(true);
      await expectNoLostDecision(b, tick);
      expect(b.health.circuit).toBe(i < threshold ? 'closed' : 'open');
    }
    expect(b.circuitNotifications()).toHaveLength(1);
    expect((await b.engineStatus()).clusters[0]).toMatchObject({
      circuit: 'open',
      consecutiveFailures: threshold,
      lastError: expect.stringMatching(/forbidden|403/i),
    });

    b.useToken('scaler-token');
    await ticks(1);
    expect((await b.engineStatus()).clusters[0]).toMatchObject({
      circuit: 'closed',
      consecutiveFailures: 0,
    });
  });

  it('metrics outage: no scaling on missing metrics, a recorded reason, no circuit trip; scaling resumes after', async () => {
    const [before] = await ticks(1);
    expect(
      b
        .requestsAt(before.at)
        .filter(isScaleWrite)
        .map(r => r.status),
    ).toEqual([200]);
    const replicas = b.specReplicas();
    b.sim.setFaults({ metricsOutage: true });
    const during = await ticks(6);
    for (const tick of during) {
      expect(tick).toMatchObject({ evaluated: 1, failures: 0 });
      expect(b.requestsAt(tick.at).filter(isScaleWrite)).toEqual([]);
      expect(
        b
          .requestsAt(tick.at)
          .some(
            r => r.path.startsWith('/apis/metrics.k8s.io') && r.status === 503,
          ),
      ).toBe(true);
    }
    expect(b.specReplicas()).toBe(replicas);
    const rows = (await b.decisions()).filter(
      d => Date.parse(d.at) >= during[0].at,
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every(d => d.kind !== 'scale')).toBe(true);
    expect(
      rows[0].reasons.map(r => `${r.code} ${r.message}`).join('\n'),
    ).toMatch(/metrics\.k8s\.io|FailedGet/);
    expect(b.health.circuit).toBe('closed');

    b.sim.clearFaults();
    const after = await ticks(2);
    expect(
      after.some(t =>
        b.requestsAt(t.at).some(r => isScaleWrite(r) && r.status === 200),
      ),
    ).toBe(true);
    expect(b.specReplicas()).toBeGreaterThan(replicas);
  });
});
