/**
 * Alerts end to end (issue 17): cluster-sim on a manual clock, the real autoscaling backend and
 * its alert rules after every tick, Backstage's notifications backend with the e-mail module on
 * a local SMTP server and the webhook module on local HTTP receivers. Drives each tick rule
 * (firing, deduplication, recovery) and the change-request events, and checks who received what
 * in the portal, by e-mail and by webhook.
 */
import type { Entity } from '@backstage/catalog-model';
import type { GovernanceService } from '../governance/GovernanceService';
import {
  startChannels,
  waitFor,
  type Channels,
} from '../alerts/__testUtils__/channels';
import {
  alertEntities,
  startAlertBackend,
  ALERT_CLUSTER,
  type AlertBackend,
} from '../alerts/__testUtils__/alertBackend';

jest.setTimeout(180_000);

const NAMESPACE = 'acme-production';
const WORKLOAD = 'checkout-api';
const ALICE = 'user:default/alice'; // owner (group acme-checkout)
const TOM = 'user:default/tom'; // tenant admin (group acme)
const PAT = 'user:default/pat'; // platform team

const SIM = `
cluster: { name: ${ALERT_CLUSTER} }
clock: { start: '2026-01-05T09:00:00Z' }
tokens:
  - token: scaler-token
    user: system:serviceaccount:autoscaling:scaler
    rules:
      - { verbs: [get, list, watch], resources: ['*'] }
      - { verbs: [get, update, patch], resources: [deployments/scale, statefulsets/scale] }
  - token: readonly-token
    user: system:serviceaccount:autoscaling:viewer
    rules:
      - { verbs: [get, list, watch], resources: ['*'] }
workloads:
  - name: ${WORKLOAD}
    namespace: ${NAMESPACE}
    replicas: 2
    labels: { backstage.io/kubernetes-id: ${WORKLOAD} }
    resources: { requests: { cpu: 500m, memory: 256Mi } }
    capacityPerPod: 100
    startupSeconds: 15
    demand: 800
`;

/** Up to 6 replicas at 70% CPU: 800 rps wants 12, so the maximum holds it once it is there. */
const POLICY = {
  minReplicas: 2,
  maxReplicas: 6,
  mode: 'auto',
  metrics: [
    {
      type: 'Resource',
      resource: 'cpu',
      target: { type: 'Utilization', averageUtilization: 70 },
    },
  ],
  behavior: {
    scaleUp: {
      stabilizationWindowSeconds: 0,
      policies: [{ type: 'Pods', value: 2, periodSeconds: 15 }],
    },
    scaleDown: {
      stabilizationWindowSeconds: 0,
      policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
    },
  },
};

/** Webhook channel off for the capped topic by default (users may turn it on). */
const DEFAULT_SETTINGS = {
  channels: [
    {
      id: 'Webhook',
      origins: [
        {
          id: 'plugin:autoscaling',
          enabled: true,
          topics: [{ id: 'autoscaling-capped', enabled: false }],
        },
      ],
    },
  ],
};

describe('alerts against cluster-sim, delivered by the portal, e-mail and webhook', () => {
  let channels: Channels | undefined;
  let backend: AlertBackend | undefined;
  let entities: Entity[];
  afterEach(async () => {
    await backend?.stop();
    await channels?.stop();
    backend = undefined;
    channels = undefined;
  });

  async function start() {
    entities = alertEntities({ workload: WORKLOAD, namespace: NAMESPACE });
    channels = await startChannels({
      entities,
      defaultSettings: DEFAULT_SETTINGS,
    });
    backend = await startAlertBackend({
      simConfig: SIM,
      entities,
      notifications: channels.notifications,
      autoscaling: {
        policies: { globalDefault: POLICY },
        alerts: { cappedMinutes: 1 },
      },
    });
    return { c: channels, b: backend };
  }

  const setBudget = (monthly: number) => {
    const tenant = entities.find(e => e.metadata.name === 'acme')!;
    tenant.metadata.annotations!['autoscaling.io/monthly-budget'] =
      String(monthly);
  };

  it('actuation failed, circuit open/closed and capped: fire once, fold repeats, recover; per-topic channel defaults apply', async () => {
    const { c, b } = await start();

    // --- actuation failed: the token may not write the scale subresource (403).
    b.useToken('readonly-token');
    let first = await b.tick();
    // The first sight only observes; the first write comes with the next tick.
    for (let i = 0; i < 3 && first.notices.length === 0; i++)
      first = await b.tick();
    expect(first.notices.map(n => `${n.kind}:${n.rule}`)).toEqual([
      'firing:actuation-failed',
    ]);
    const failedTitle = `Scaling ${WORKLOAD} failed`;
    expect(await c.portalTitles(ALICE)).toEqual([failedTitle]);
    await waitFor('the failure e-mail to alice', () =>
      c.mailsTo('alice@acme.test').includes(failedTitle),
    );
    await waitFor('the failure webhook for alice', () =>
      c.webhooksFor(ALICE).includes(failedTitle),
    );
    const mail = c.mails.find(m => m.subject === failedTitle)!;
    expect(mail.from).toBe('autoscaling@portal.test');
    expect(mail.text).toContain(
      `http://portal.test/catalog/default/component/${WORKLOAD}/autoscaling`,
    );
    const hook = c.webhooks.find(w => w.title === failedTitle)!;
    expect(hook).toMatchObject({
      signatureValid: true,
      topic: 'autoscaling-actuation-failed',
      link: `http://portal.test/catalog/default/component/${WORKLOAD}/autoscaling`,
    });
    expect(hook.body.origin).toBe('plugin:autoscaling');
    // Nobody else: tom (tenant) and pat (platform) are not owners.
    expect(await c.portalTitles(TOM)).toEqual([]);
    expect(await c.portalTitles(PAT)).toEqual([]);

    // More failing writes: folded into the same alert; the fifth opens the circuit.
    for (let i = 0; i < 8 && b.circuit() === 'closed'; i++) await b.tick();
    expect(b.circuit()).toBe('open');
    expect(b.sentTitles()).toEqual([
      failedTitle,
      `Autoscaling stopped writing to cluster ${ALERT_CLUSTER}`,
    ]);
    const stored = await b.service.alerts.alertStore.get(
      `actuation-failed:${ALERT_CLUSTER}/${NAMESPACE}/Deployment/${WORKLOAD}`,
    );
    expect(stored?.count).toBe(5);
    expect(await c.portalTitles(PAT)).toEqual([
      `Autoscaling stopped writing to cluster ${ALERT_CLUSTER}`,
    ]);
    await waitFor(
      'the circuit e-mail to pat',
      () => c.mailsTo('pat@platform.test').length === 1,
    );
    // The broken receiver takes only the circuit topic: 1 attempt + 2 retries, then a dead letter.
    await waitFor(
      'three attempts at the broken receiver',
      () => c.failingWebhooks.length === 3,
    );
    expect(c.failingWebhooks.every(w => w.signatureValid)).toBe(true);
    expect(new Set(c.failingWebhooks.map(w => w.topic))).toEqual(
      new Set(['autoscaling-circuit']),
    );

    // --- recovery: the right token again; after the cool-off a trial write closes the circuit.
    b.useToken('scaler-token');
    let recovered: Awaited<ReturnType<AlertBackend['tick']>> | undefined;
    for (let i = 0; i < 8 && b.circuit() === 'open'; i++)
      recovered = await b.tick();
    expect(b.circuit()).toBe('closed');
    expect(recovered!.notices.map(n => `${n.kind}:${n.rule}`).sort()).toEqual([
      'recovered:actuation-failed',
      'recovered:circuit-open',
    ]);
    // In the portal the recovery replaces the alert (same scope): one entry per alert.
    expect(await c.portalTitles(ALICE)).toEqual([
      `Scaling ${WORKLOAD} works again`,
    ]);
    expect(await c.portalTitles(PAT)).toEqual([
      `Autoscaling writes to cluster ${ALERT_CLUSTER} again`,
    ]);
    await waitFor(
      'the recovery e-mails',
      () =>
        c.mailsTo('alice@acme.test').length === 2 &&
        c.mailsTo('pat@platform.test').length === 2,
    );
    expect(c.mailsTo('alice@acme.test')).toEqual([
      failedTitle,
      `Scaling ${WORKLOAD} works again`,
    ]);

    // --- capped at the maximum: the engine wants 12, the policy allows 6; fires after 1 min.
    const before = b.sent.length;
    let cappedTick: Awaited<ReturnType<AlertBackend['tick']>> | undefined;
    const ticksAt: number[] = [];
    for (let i = 0; i < 20 && !cappedTick; i++) {
      const t = await b.tick();
      ticksAt.push(t.at);
      if (t.notices.some(n => n.rule === 'capped')) cappedTick = t;
    }
    expect(cappedTick).toBeDefined();
    const capKey = `capped:${ALERT_CLUSTER}/${NAMESPACE}/Deployment/${WORKLOAD}`;
    const capRecord = await b.service.alerts.alertStore.get(capKey);
    expect(capRecord).toMatchObject({ status: 'firing' });
    // It waited the configured minute of being held before firing.
    expect(cappedTick!.at - capRecord!.since).toBeGreaterThanOrEqual(60_000);
    const cappedTitle = `${WORKLOAD} is held at its maximum (6 replicas)`;
    expect(b.sentTitles().slice(before)).toEqual([cappedTitle]);
    expect(b.sent.at(-1)!.recipients).toEqual({
      type: 'entity',
      entityRef: ['component:default/checkout-api', 'group:default/acme'],
    });
    expect(await c.portalTitles(TOM)).toEqual([cappedTitle]);
    expect(await c.portalTitles(ALICE)).toContain(cappedTitle);
    // Deduplicated while it holds.
    for (let i = 0; i < 4; i++) await b.tick();
    expect(b.sentTitles().slice(before)).toEqual([cappedTitle]);

    // Recovery: demand drops, the engine no longer asks for more than the maximum.
    b.sim.setDemand(NAMESPACE, WORKLOAD, 150);
    let uncapped: Awaited<ReturnType<AlertBackend['tick']>> | undefined;
    for (let i = 0; i < 6 && !uncapped; i++) {
      const t = await b.tick();
      if (t.notices.some(n => n.rule === 'capped')) uncapped = t;
    }
    expect(uncapped!.notices).toEqual([
      expect.objectContaining({
        kind: 'recovered',
        rule: 'capped',
        title: `${WORKLOAD} is no longer held at a cap`,
      }),
    ]);
    await waitFor(
      'capped e-mails to alice and tom',
      () => c.mailsTo('tom@acme.test').length === 2,
    );
    expect(c.mailsTo('tom@acme.test')).toEqual([
      cappedTitle,
      `${WORKLOAD} is no longer held at a cap`,
    ]);

    // Webhooks: the capped topic is off for the Webhook channel by default; everything else
    // alice received went out signed.
    await waitFor(
      'the recovery webhooks',
      () =>
        c.webhooksFor(PAT).length === 2 && c.webhooksFor(ALICE).length === 2,
    );
    expect(c.webhooks.some(w => w.topic === 'autoscaling-capped')).toBe(false);
    expect(c.webhooks.every(w => w.signatureValid)).toBe(true);
    expect(c.webhooksFor(ALICE)).toEqual([
      failedTitle,
      `Scaling ${WORKLOAD} works again`,
    ]);
    expect(c.webhooksFor(TOM)).toEqual([]);
  });

  it('budget at 80% and 100% (projected and actual), and a restart that neither re-fires nor forgets', async () => {
    const { c, b } = await start();
    // 300 rps: 5 replicas, within the maximum (no capped alert here).
    b.sim.setDemand(NAMESPACE, WORKLOAD, 300);
    // Some history so the month has a cost and a projection.
    for (let i = 0; i < 8; i++) await b.tick(60);
    const costOf = async () => {
      const summary = b.service.costService.tenantSummary(
        {
          name: 'acme',
          entityRef: 'group:default/acme',
          tier: 'enterprise',
          replicaQuota: 60,
          monthlyBudget: null,
        },
        await b.service.store.listWorkloads(),
      );
      return {
        projected: summary.cost.projectedMonth.value,
        actual: summary.cost.monthToDate,
      };
    };
    const cost = await costOf();
    expect(cost.projected).toBeGreaterThan(0);
    expect(cost.actual).toBeGreaterThan(0);
    expect(cost.actual).toBeLessThan(cost.projected * 0.5);

    // Projected at about 90% of the budget: the 80% alert, to the tenant only.
    setBudget(Math.round((cost.projected / 0.9) * 100) / 100);
    let t = await b.tick(60);
    expect(t.notices.map(n => `${n.kind}:${n.rule}`)).toEqual([
      'firing:budget-projected-80',
    ]);
    expect(t.notices[0].link).toBe('/catalog/default/group/acme/autoscaling');
    const p80 = t.notices[0].title;
    expect(p80).toMatch(
      /^Tenant acme: projected cost of the month at (89|9\d)% of the budget$/,
    );
    expect(await c.portalTitles(TOM)).toEqual([p80]);
    expect(await c.portalTitles(PAT)).toEqual([]);
    t = await b.tick(60);
    expect(t.notices).toEqual([]);

    // Below the spend so far: projected and actual past 100% (the actual 80% folds into it).
    setBudget(cost.actual * 0.5);
    t = await b.tick(60);
    expect(t.notices.map(n => `${n.kind}:${n.rule}`).sort()).toEqual([
      'firing:budget-actual-100',
      'firing:budget-projected-100',
    ]);
    const titles100 = t.notices.map(n => n.title).sort();
    expect(await c.portalTitles(PAT)).toEqual(titles100);
    expect((await c.portalTitles(TOM)).sort()).toEqual(
      [p80, ...titles100].sort(),
    );
    await waitFor(
      'budget e-mails to pat',
      () => c.mailsTo('pat@platform.test').length === 2,
    );
    expect(c.mailsTo('pat@platform.test').sort()).toEqual(titles100);

    // --- restart on the same database: nothing fires again...
    const sentBefore = b.sent.length;
    await b.stop({ keepDatabase: true, keepSim: true });
    backend = await startAlertBackend({
      simConfig: SIM,
      sim: b.sim,
      knex: b.knex,
      entities,
      notifications: c.notifications,
      autoscaling: {
        policies: { globalDefault: POLICY },
        alerts: { cappedMinutes: 1 },
      },
    });
    const restarted = backend;
    t = await restarted.tick(60);
    expect(t.notices).toEqual([]);
    expect(restarted.sent).toEqual([]);
    expect(b.sent.length).toBe(sentBefore);

    // ...and nothing is forgotten: a budget raised far above the spend recovers all of them.
    setBudget(1_000_000);
    t = await restarted.tick(60);
    expect(t.notices.map(n => `${n.kind}:${n.rule}`).sort()).toEqual([
      'recovered:budget-actual-100',
      'recovered:budget-projected-100',
      'recovered:budget-projected-80',
    ]);
    expect(t.notices.map(n => n.title).sort()).toEqual([
      'Tenant acme: projected cost of the month back under 100% of the budget',
      'Tenant acme: projected cost of the month back under 80% of the budget',
      'Tenant acme: spend this month back under 100% of the budget',
    ]);
    expect(await restarted.service.alerts.alertStore.list()).toEqual(new Map());
    await waitFor(
      'budget recovery e-mails to tom',
      () => c.mailsTo('tom@acme.test').length === 6,
    );
  });

  it('change requests: created to the approvers, decided to the requester, and the approvers told it no longer waits', async () => {
    const { c, b } = await start();
    b.sim.setDemand(NAMESPACE, WORKLOAD, 300);
    await b.tick();
    const governance = b.service.governance
      .policies as unknown as GovernanceService;
    const alice = { ref: ALICE };
    const pat = { ref: PAT };
    const ctx = () =>
      governance.contextFor('service', `component:default/${WORKLOAD}`);
    const request = async (maxReplicas: number) => {
      const result = await governance.update(
        await ctx(),
        {
          override: { maxReplicas },
          version: (await governance.getDocument((await ctx()).target)).version,
          reason: 'sale',
        },
        alice,
      );
      if (result.status !== 'pending-approval')
        throw new Error(`expected a change request, got ${result.status}`);
      return result.changeRequest.id;
    };

    // Created → pat (platform team); approved → alice, and pat's alert recovers.
    const first = await request(80);
    expect(await c.portalTitles(PAT)).toEqual([
      `Approval needed: service policy component:default/${WORKLOAD}`,
    ]);
    await governance.approve(first, pat, 'ok');
    expect(await c.portalTitles(ALICE)).toEqual([
      `Approved: service policy component:default/${WORKLOAD}`,
    ]);
    // Same scope per request: pat's entry now says it no longer waits.
    expect(await c.portalTitles(PAT)).toEqual([
      `No longer waiting for approval: change request ${first} was approved`,
    ]);

    // Rejected.
    const second = await request(90);
    await governance.reject(second, pat, 'not now');
    // Superseded: the document moves on (a change within the guardrails) before the approval.
    const third = await request(100);
    const doc = await governance.getDocument((await ctx()).target);
    await governance.update(
      await ctx(),
      {
        override: { maxReplicas: 50 },
        version: doc.version,
        reason: 'small step',
      },
      pat,
    );
    await expect(governance.approve(third, pat, null)).rejects.toThrow(
      /superseded/,
    );

    const topics = b.sent.map(
      n =>
        `${n.payload.topic} → ${JSON.stringify(
          n.recipients.type === 'entity' ? n.recipients.entityRef : 'all',
        )}`,
    );
    expect(topics).toEqual([
      'autoscaling-change-request-created → "group:default/platform-team"',
      'autoscaling-change-request-approved → "user:default/alice"',
      'autoscaling-change-request-created → "group:default/platform-team"',
      'autoscaling-change-request-created → "group:default/platform-team"',
      'autoscaling-change-request-rejected → "user:default/alice"',
      'autoscaling-change-request-created → "group:default/platform-team"',
      'autoscaling-change-request-created → "group:default/platform-team"',
      'autoscaling-change-request-superseded → "user:default/alice"',
      'autoscaling-change-request-created → "group:default/platform-team"',
    ]);
    await waitFor(
      'change-request e-mails',
      () =>
        c.mailsTo('alice@acme.test').length === 3 &&
        c.mailsTo('pat@platform.test').length === 6,
    );
    // Each e-mail goes out on its own SMTP connection, so they arrive in any order (the
    // notifications above are asserted in order).
    expect([...c.mailsTo('alice@acme.test')].sort()).toEqual([
      `Approved: service policy component:default/${WORKLOAD}`,
      `Rejected: service policy component:default/${WORKLOAD}`,
      `Superseded: service policy component:default/${WORKLOAD}`,
    ]);
    await waitFor(
      'change-request webhooks',
      () =>
        c.webhooksFor(ALICE).length === 3 && c.webhooksFor(PAT).length === 6,
    );
    expect(new Set(c.webhooks.map(w => w.topic))).toEqual(
      new Set([
        'autoscaling-change-request-created',
        'autoscaling-change-request-approved',
        'autoscaling-change-request-rejected',
        'autoscaling-change-request-superseded',
      ]),
    );
    expect(await b.service.alerts.alertStore.list()).toEqual(new Map());
  });
});
