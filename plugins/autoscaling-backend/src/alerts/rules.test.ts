import type { Decision } from '@internal/plugin-autoscaling-common';
import {
  DEFAULT_ALERT_SETTINGS,
  evaluateAlertRules,
  evaluateAlertRulesSliced,
  evaluateChangeRequestEvent,
  evaluateCircuitRule,
  type AlertRecord,
  type RuleEvaluation,
  type TickObservations,
  type WorkloadObservation,
} from './rules';

const T0 = Date.parse('2026-01-05T09:00:00Z');
const MIN = 60_000;
const ID = 'c1/shop/Deployment/checkout';

function decision(overrides: Partial<Decision> = {}): Decision {
  return {
    id: '1',
    workloadId: ID,
    at: new Date(T0).toISOString(),
    kind: 'scale',
    from: 2,
    to: 4,
    mode: 'auto',
    outcome: 'applied',
    reasons: [],
    ...overrides,
  };
}

function workload(
  overrides: Partial<WorkloadObservation> = {},
): WorkloadObservation {
  return {
    id: ID,
    entityRef: 'component:default/checkout',
    name: 'checkout',
    tenant: 'acme',
    tenantRef: 'group:default/acme',
    production: true,
    lastDecision: decision(),
    latestAnomaly: null,
    ...overrides,
  };
}

function observe(
  nowMs: number,
  overrides: Partial<TickObservations> = {},
): TickObservations {
  return {
    nowMs,
    cluster: 'c1',
    circuit: { state: 'closed', lastError: null },
    workloads: [workload()],
    ...overrides,
  };
}

/** Applies an evaluation to a state map, as the store does. */
function apply(state: Map<string, AlertRecord>, result: RuleEvaluation) {
  for (const r of result.upserts) state.set(r.key, r);
  for (const k of result.removals) state.delete(k);
}

describe('alert rules', () => {
  it('the sliced evaluation gives what the one-pass evaluation gives, over many workloads', async () => {
    const workloads = Array.from({ length: 3_000 }, (_, i) =>
      workload({
        id: `c1/shop/Deployment/svc-${i}`,
        name: `svc-${i}`,
        lastDecision: decision({
          id: String(i),
          outcome: i % 7 === 0 ? 'failed' : 'applied',
          kind: i % 5 === 0 ? 'hold' : 'scale',
          clamp:
            i % 5 === 0
              ? { by: 'max', limit: 10, wanted: 14, also: [] }
              : undefined,
        }),
        latestAnomaly:
          i % 11 === 0 ? { atMs: T0 - MIN, value: 9, score: 4 } : null,
      }),
    );
    const state = new Map<string, AlertRecord>();
    let nowMs = T0;
    for (const step of [0, 31, 45]) {
      nowMs = T0 + step * MIN;
      const obs = observe(nowMs, {
        workloads: step === 45 ? workloads.slice(100) : workloads,
      });
      const sliced = await evaluateAlertRulesSliced(state, obs);
      expect(sliced).toEqual(evaluateAlertRules(state, obs));
      apply(state, sliced);
    }
    expect(state.size).toBeGreaterThan(0);
  });

  it('actuation failed: fires once per workload, folds further failures, recovers on success', () => {
    const state = new Map<string, AlertRecord>();
    const failed = (id: string) =>
      workload({
        lastDecision: decision({
          id,
          outcome: 'failed',
          error: '403 Forbidden',
        }),
      });
    let r = evaluateAlertRules(
      state,
      observe(T0, { workloads: [failed('1')] }),
    );
    expect(r.notices).toEqual([
      expect.objectContaining({
        kind: 'firing',
        rule: 'actuation-failed',
        severity: 'high',
        title: 'Scaling checkout failed',
        link: '/catalog/default/component/checkout/autoscaling',
        description: expect.stringContaining('403 Forbidden'),
      }),
    ]);
    apply(state, r);
    r = evaluateAlertRules(
      state,
      observe(T0 + MIN, { workloads: [failed('2')] }),
    );
    expect(r.notices).toEqual([]);
    apply(state, r);
    expect(state.get(`actuation-failed:${ID}`)?.count).toBe(2);
    r = evaluateAlertRules(state, observe(T0 + 2 * MIN));
    expect(r.notices).toEqual([
      expect.objectContaining({
        kind: 'recovered',
        rule: 'actuation-failed',
        title: 'Scaling checkout works again',
        description: expect.stringContaining('after 2 failed attempts'),
      }),
    ]);
    apply(state, r);
    expect(state.size).toBe(0);
  });

  it('capped: pending until it has held for cappedMinutes while the engine wants more, then fires once and recovers', () => {
    const state = new Map<string, AlertRecord>();
    const capped = workload({
      lastDecision: decision({
        kind: 'hold',
        from: 10,
        to: 10,
        at: new Date(T0).toISOString(),
        clamp: { by: 'max', limit: 10, wanted: 14, also: [] },
      }),
    });
    let r = evaluateAlertRules(state, observe(T0, { workloads: [capped] }));
    expect(r.notices).toEqual([]);
    expect(r.upserts[0]).toMatchObject({ status: 'pending', since: T0 });
    apply(state, r);
    r = evaluateAlertRules(
      state,
      observe(T0 + 29 * MIN, { workloads: [capped] }),
    );
    expect(r.notices).toEqual([]);
    apply(state, r);
    r = evaluateAlertRules(
      state,
      observe(T0 + 30 * MIN, { workloads: [capped] }),
    );
    expect(r.notices).toEqual([
      expect.objectContaining({
        kind: 'firing',
        rule: 'capped',
        title: 'checkout is held at its maximum (10 replicas)',
        description: expect.stringContaining('asked for 14 replicas'),
      }),
    ]);
    apply(state, r);
    r = evaluateAlertRules(
      state,
      observe(T0 + 40 * MIN, { workloads: [capped] }),
    );
    expect(r.notices).toEqual([]);
    apply(state, r);
    // A cap the engine does not push against (wanted = limit) is not an alert.
    const satisfied = workload({
      lastDecision: decision({
        kind: 'hold',
        clamp: { by: 'max', limit: 10, wanted: 10, also: [] },
      }),
    });
    r = evaluateAlertRules(
      state,
      observe(T0 + 41 * MIN, { workloads: [satisfied] }),
    );
    expect(r.notices.map(n => [n.kind, n.rule])).toEqual([
      ['recovered', 'capped'],
    ]);
  });

  it('capped: a pending cap that ends before N minutes never fires; the rate limit is not a cap', () => {
    const state = new Map<string, AlertRecord>();
    const quota = workload({
      lastDecision: decision({
        clamp: { by: 'quota', limit: 6, wanted: 9, also: [] },
      }),
    });
    apply(
      state,
      evaluateAlertRules(state, observe(T0, { workloads: [quota] })),
    );
    const r = evaluateAlertRules(state, observe(T0 + 5 * MIN));
    expect(r.notices).toEqual([]);
    expect(r.removals).toEqual([`capped:${ID}`]);
    const rate = workload({
      lastDecision: decision({
        clamp: { by: 'rate', limit: 6, wanted: 9, also: [] },
      }),
    });
    expect(
      evaluateAlertRules(new Map(), observe(T0, { workloads: [rate] }), {
        ...DEFAULT_ALERT_SETTINGS,
        cappedMinutes: 0,
      }).notices,
    ).toEqual([]);
  });

  it('circuit: the callback fires it, the tick folds it, closing recovers it', () => {
    const state = new Map<string, AlertRecord>();
    let r = evaluateCircuitRule(state, {
      cluster: 'c1',
      nowMs: T0,
      circuit: { state: 'open', lastError: 'discovery failed: 503' },
    });
    expect(r.notices).toEqual([
      expect.objectContaining({
        rule: 'circuit-open',
        title: 'Autoscaling stopped writing to cluster c1',
        link: '/autoscaling',
      }),
    ]);
    apply(state, r);
    r = evaluateAlertRules(
      state,
      observe(T0 + MIN, { circuit: { state: 'open', lastError: 'x' } }),
    );
    expect(r.notices).toEqual([]);
    apply(state, r);
    r = evaluateAlertRules(state, observe(T0 + 3 * MIN));
    expect(r.notices).toEqual([
      expect.objectContaining({
        kind: 'recovered',
        title: 'Autoscaling writes to cluster c1 again',
        description: expect.stringContaining('after 3 min'),
      }),
    ]);
  });

  it('budgets: 80% and 100%, projected and actual; a jump past 100% tells once; recovery per threshold', () => {
    const state = new Map<string, AlertRecord>();
    const budget = (projected: number, actual: number) => ({
      budgets: [
        {
          tenant: 'acme',
          tenantRef: 'group:default/acme',
          monthlyBudget: 100,
          projected,
          actual,
          currency: 'USD',
        },
      ],
    });
    let r = evaluateAlertRules(state, observe(T0, budget(85, 10)));
    expect(r.notices.map(n => n.rule)).toEqual(['budget-projected-80']);
    expect(r.notices[0]).toMatchObject({
      link: '/catalog/default/group/acme/autoscaling',
      title: 'Tenant acme: projected cost of the month at 85% of the budget',
    });
    apply(state, r);
    r = evaluateAlertRules(state, observe(T0 + MIN, budget(120, 100)));
    // projected 100 fires; actual jumps past 100 in one tick: only its 100% alert is sent.
    expect(r.notices.map(n => `${n.kind}:${n.rule}`).sort()).toEqual([
      'firing:budget-actual-100',
      'firing:budget-projected-100',
    ]);
    expect(r.notices.find(n => n.rule === 'budget-actual-100')?.severity).toBe(
      'critical',
    );
    apply(state, r);
    expect(state.has('budget-actual-80:acme')).toBe(true);
    r = evaluateAlertRules(state, observe(T0 + 2 * MIN, budget(90, 90)));
    expect(r.notices.map(n => `${n.kind}:${n.rule}`).sort()).toEqual([
      'recovered:budget-actual-100',
      'recovered:budget-projected-100',
    ]);
    apply(state, r);
    // The 80% alerts recover when under 80%; the actual one never told, so it stays silent.
    r = evaluateAlertRules(state, observe(T0 + 3 * MIN, budget(10, 10)));
    expect(r.notices.map(n => `${n.kind}:${n.rule}`)).toEqual([
      'recovered:budget-projected-80',
    ]);
    expect(r.removals.sort()).toEqual([
      'budget-actual-80:acme',
      'budget-projected-80:acme',
    ]);
    apply(state, r);
    // A tick that does not evaluate budgets leaves them alone.
    apply(
      state,
      evaluateAlertRules(state, observe(T0 + 4 * MIN, budget(85, 0))),
    );
    r = evaluateAlertRules(state, observe(T0 + 5 * MIN));
    expect(r.removals).toEqual([]);
    expect(state.has('budget-projected-80:acme')).toBe(true);
  });

  it('forecast anomaly: production only, folded while anomalies continue, recovers after the quiet window', () => {
    const state = new Map<string, AlertRecord>();
    const anomalous = (atMs: number, production = true) =>
      workload({ production, latestAnomaly: { atMs, value: 9.5, score: 4.2 } });
    expect(
      evaluateAlertRules(
        state,
        observe(T0, { workloads: [anomalous(T0, false)] }),
      ).notices,
    ).toEqual([]);
    let r = evaluateAlertRules(
      state,
      observe(T0, { workloads: [anomalous(T0)] }),
    );
    expect(r.notices).toEqual([
      expect.objectContaining({
        rule: 'forecast-anomaly',
        title: 'Unusual demand on checkout',
      }),
    ]);
    apply(state, r);
    r = evaluateAlertRules(
      state,
      observe(T0 + 10 * MIN, { workloads: [anomalous(T0 + 10 * MIN)] }),
    );
    expect(r.notices).toEqual([]);
    apply(state, r);
    expect(state.get(`forecast-anomaly:${ID}`)?.count).toBe(2);
    r = evaluateAlertRules(
      state,
      observe(T0 + 41 * MIN, { workloads: [anomalous(T0 + 10 * MIN)] }),
    );
    expect(r.notices).toEqual([
      expect.objectContaining({
        kind: 'recovered',
        description: expect.stringContaining('2 anomalies'),
      }),
    ]);
  });

  it('a workload that left the cluster recovers its alerts; other clusters are left alone', () => {
    const state = new Map<string, AlertRecord>();
    const failed = workload({
      lastDecision: decision({ outcome: 'failed', error: 'boom' }),
    });
    apply(
      state,
      evaluateAlertRules(state, observe(T0, { workloads: [failed] })),
    );
    expect(
      evaluateAlertRules(
        state,
        observe(T0 + MIN, { cluster: 'c2', workloads: [] }),
      ).removals,
    ).toEqual([]);
    const r = evaluateAlertRules(state, observe(T0 + MIN, { workloads: [] }));
    expect(r.notices).toEqual([
      expect.objectContaining({
        kind: 'recovered',
        rule: 'actuation-failed',
        description: expect.stringContaining('no longer evaluated'),
      }),
    ]);
  });

  it('change requests: created is kept once; a decision recovers it with a message', () => {
    const created = evaluateChangeRequestEvent(
      undefined,
      { kind: 'created', id: 'cr1', title: 'Approval needed' },
      T0,
    );
    expect(created.upserts).toHaveLength(1);
    expect(
      evaluateChangeRequestEvent(
        created.upserts[0],
        { kind: 'created', id: 'cr1', title: 'Approval needed' },
        T0,
      ).upserts,
    ).toEqual([]);
    const decided = evaluateChangeRequestEvent(
      created.upserts[0],
      { kind: 'approved', id: 'cr1', title: 'Approved: service policy x' },
      T0 + MIN,
    );
    expect(decided.removals).toEqual(['change-request-created:cr1']);
    expect(decided.notices).toEqual([
      expect.objectContaining({
        kind: 'recovered',
        rule: 'change-request-created',
        link: '/autoscaling/change-requests/cr1',
        title: expect.stringContaining('was approved'),
      }),
    ]);
  });
});
