/**
 * The forecast-anomaly alert end to end (issue 17): cluster-sim with a diurnal load, the
 * forecaster seeded from a Prometheus past at first sight, a surge the forecast did not expect
 * on a production service, and the alert in the owner's portal, mailbox and webhook; it folds
 * the anomalies of the surge into one alert and recovers once demand is back in its band.
 */
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
import {
  DIURNAL_SIM,
  predictivePolicy,
  startPastServer,
  NAMESPACE,
  WORKLOAD,
} from './__testUtils__/predictiveBackend';
import { startClusterSim } from '@internal/cluster-sim';

jest.setTimeout(300_000);

const WEEKDAY_DEMAND =
  'synthetic: { base: 400, dailyAmplitude: 0.5, peakHour: 14, weekly: [1, 1, 1, 1, 1, 0.6, 0.6], noise: 0.05, noiseInterval: 5m, seed: 7 }';

const ALICE = 'user:default/alice';
const TOM = 'user:default/tom';

describe('forecast anomaly alert against cluster-sim', () => {
  let channels: Channels | undefined;
  let backend: AlertBackend | undefined;
  let past: Awaited<ReturnType<typeof startPastServer>> | undefined;
  afterEach(async () => {
    await past?.close();
    await backend?.stop();
    await channels?.stop();
  });

  it('fires on a surge of a production service, folds the surge, recovers after the quiet window', async () => {
    // Quieter weekends: the backtest picks the seasonal mean model, which flags anomalies.
    const simConfig = DIURNAL_SIM.replace(
      /cluster: \{ name: [^}]+\}/,
      `cluster: { name: ${ALERT_CLUSTER} }`,
    ).replace(/synthetic: \{[^\n]*\}/, WEEKDAY_DEMAND);
    const sim = await startClusterSim({ config: simConfig, clock: 'manual' });
    past = await startPastServer(sim);
    const entities = alertEntities({
      workload: WORKLOAD,
      namespace: NAMESPACE,
    });
    channels = await startChannels({ entities });
    backend = await startAlertBackend({
      simConfig,
      sim,
      entities,
      notifications: channels.notifications,
      autoscaling: {
        policies: { globalDefault: predictivePolicy('auto') },
        predictive: { startupSeconds: 120 },
        demandHistory: {
          prometheus: { baseUrl: past.baseUrl, days: 14, stepSeconds: 300 },
        },
        alerts: { anomalyQuietMinutes: 20 },
      },
    });
    const b = backend;
    const c = channels;
    const anomalyNotices = (t: Awaited<ReturnType<AlertBackend['tick']>>) =>
      t.notices.filter(n => n.rule === 'forecast-anomaly');

    // Half an hour of ordinary diurnal demand: the forecast expects it, no alert.
    for (let i = 0; i < 30; i++) {
      const t = await b.tick(60);
      expect(anomalyNotices(t)).toEqual([]);
    }

    // A surge of four times the demand for half an hour.
    b.sim.setDemand(NAMESPACE, WORKLOAD, 1600);
    const fired: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t = await b.tick(60);
      if (anomalyNotices(t).some(n => n.kind === 'firing')) fired.push(t.at);
    }
    expect(fired).toHaveLength(1);
    const title = `Unusual demand on ${WORKLOAD}`;
    const key = `forecast-anomaly:${ALERT_CLUSTER}/${NAMESPACE}/Deployment/${WORKLOAD}`;
    const record = await b.service.alerts.alertStore.get(key);
    expect(record).toMatchObject({ status: 'firing' });
    // The surge's later anomalies were folded into it, not sent.
    expect(record!.count).toBeGreaterThan(1);
    expect(b.sentTitles().filter(t => t === title)).toHaveLength(1);
    expect(await c.portalTitles(ALICE)).toEqual([title]);
    expect(await c.portalTitles(TOM)).toEqual([]);

    // Back to the diurnal load: recovers once no anomaly came for 20 minutes.
    b.sim.setDemand(NAMESPACE, WORKLOAD, undefined);
    let recoveredAt: number | undefined;
    for (let i = 0; i < 90 && recoveredAt === undefined; i++) {
      const t = await b.tick(60);
      if (anomalyNotices(t).some(n => n.kind === 'recovered'))
        recoveredAt = t.at;
    }
    expect(recoveredAt).toBeDefined();
    const recovered = `Demand of ${WORKLOAD} is back within its forecast band`;
    expect(await c.portalTitles(ALICE)).toEqual([recovered]);
    await waitFor(
      'the anomaly e-mails to alice',
      () => c.mailsTo('alice@acme.test').length === 2,
    );
    expect(c.mailsTo('alice@acme.test')).toEqual([title, recovered]);
    await waitFor(
      'the anomaly webhooks for alice',
      () => c.webhooksFor(ALICE).length === 2,
    );
    expect(
      c.webhooks.every(
        w => w.signatureValid && w.topic === 'autoscaling-forecast-anomaly',
      ),
    ).toBe(true);
  });
});
