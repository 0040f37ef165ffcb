import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import type { Decision } from '@internal/plugin-autoscaling-common';
import type { Knex } from 'knex';
import {
  createTestDatabases,
  migratedDatabase,
} from '../governance/__testUtils__/database';
import { EngineStore, type WorkloadRecord } from '../store/EngineStore';
import { AlertService } from './AlertService';
import { readAlertConfig } from './config';

const T0 = Date.parse('2026-01-05T09:00:00Z');
const RECORD: WorkloadRecord = {
  id: 'c1/shop/Deployment/checkout',
  entityRef: 'component:default/checkout',
  cluster: 'c1',
  namespace: 'shop',
  kind: 'Deployment',
  name: 'checkout',
  tenant: 'acme',
  environment: 'production',
  tier: 'enterprise',
};

const decision = (id: string, outcome: Decision['outcome']): Decision => ({
  id,
  workloadId: RECORD.id,
  at: new Date(T0).toISOString(),
  kind: 'scale',
  from: 2,
  to: 4,
  mode: 'auto',
  outcome,
  reasons: [],
  ...(outcome === 'failed' ? { error: '403 Forbidden' } : {}),
});

describe('AlertService on the store', () => {
  const databases = createTestDatabases();

  async function setup(knex: Knex, sent: NotificationSendOptions[]) {
    return new AlertService({
      knex,
      store: new EngineStore(knex),
      config: readAlertConfig(new ConfigReader({})),
      logger: mockServices.logger.mock(),
      notifications: { send: async n => void sent.push(n) },
      approverGroup: 'group:default/platform-team',
      productionEnvironments: ['production'],
      tenants: async () =>
        new Map([
          [
            'acme',
            {
              name: 'acme',
              entityRef: 'group:default/acme',
              tier: 'enterprise' as const,
              replicaQuota: 60,
              monthlyBudget: null,
            },
          ],
        ]),
      health: new Map(),
      clock: () => T0,
    });
  }

  it.each(databases.eachSupportedId())(
    'reads decisions and stored anomalies in one pass, keeps alert state across a restart, %p',
    async id => {
      const knex = await migratedDatabase(databases, id);
      const store = new EngineStore(knex);
      await store.upsertWorkload(
        RECORD,
        {},
        { lastDecision: decision('7', 'failed') } as any,
        T0,
      );
      await store.saveForecastState(
        RECORD.id,
        { anomalies: [{ atMs: T0 - 60_000, value: 9.5, score: 4.2 }] },
        T0,
      );
      const sent: NotificationSendOptions[] = [];
      const first = await (await setup(knex, sent)).evaluateCluster('c1', T0);
      expect(first.map(n => `${n.kind}:${n.rule}`).sort()).toEqual([
        'firing:actuation-failed',
        'firing:forecast-anomaly',
      ]);
      expect(sent.map(n => n.payload.topic).sort()).toEqual([
        'autoscaling-actuation-failed',
        'autoscaling-forecast-anomaly',
      ]);
      expect(sent[0].recipients).toEqual({
        type: 'entity',
        entityRef: 'component:default/checkout',
      });

      // A new service on the same database (a restart): nothing is sent again.
      const restarted = await setup(knex, sent);
      expect(await restarted.evaluateCluster('c1', T0 + 15_000)).toEqual([]);
      expect(sent).toHaveLength(2);

      // The write succeeds: the restarted service recovers the alert it did not fire.
      await store.upsertWorkload(
        RECORD,
        {},
        { lastDecision: decision('8', 'applied') } as any,
        T0 + 30_000,
      );
      const recovered = await restarted.evaluateCluster('c1', T0 + 30_000);
      expect(recovered.map(n => `${n.kind}:${n.rule}`)).toEqual([
        'recovered:actuation-failed',
      ]);
      expect([...(await restarted.alertStore.list()).keys()]).toEqual([
        `forecast-anomaly:${RECORD.id}`,
      ]);
      await knex.destroy();
    },
  );

  it('refuses bad alert configuration, naming the key', () => {
    const read = (alerts: object) =>
      readAlertConfig(new ConfigReader({ autoscaling: { alerts } }));
    expect(() => read({ cappedMinutes: -5 })).toThrow(
      /autoscaling\.alerts\.cappedMinutes must be a number of minutes ≥ 0/,
    );
    expect(() => read({ rules: { 'capped-forever': {} } })).toThrow(
      /autoscaling\.alerts\.rules\.capped-forever is not an alert rule/,
    );
    expect(() =>
      read({ rules: { capped: { recipients: ['owners', 'everyone'] } } }),
    ).toThrow(
      /autoscaling\.alerts\.rules\.capped\.recipients: 'everyone' is not one of owners, tenant, platform/,
    );
    const config = read({
      cappedMinutes: 45,
      rules: {
        capped: { recipients: ['platform'] },
        'forecast-anomaly': { enabled: false },
      },
    });
    expect(config.cappedMinutes).toBe(45);
    expect(config.anomalyQuietMinutes).toBe(30);
    expect(config.rules.capped.recipients).toEqual(['platform']);
    expect(config.rules['forecast-anomaly'].enabled).toBe(false);
    expect(config.rules['actuation-failed']).toEqual({
      enabled: true,
      recipients: ['owners'],
    });
  });
});
