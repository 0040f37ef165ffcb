import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import knexFactory, { type Knex } from 'knex';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookDeadLetterStore } from './WebhookDeadLetterStore';
import { WebhookPendingStore } from './WebhookPendingStore';
import {
  DELIVERY_HEADER,
  readWebhookSettings,
  SIGNATURE_HEADER,
  signWebhook,
  TIMESTAMP_HEADER,
  WebhookProcessor,
} from './WebhookProcessor';

/** A real HTTP receiver on a free port; `status()` decides each answer. */
async function startReceiver(secret: string, status: () => number) {
  const received: Array<{
    deliveryId: string;
    body: string;
    status: number;
    signatureValid: boolean;
  }> = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', chunk => {
      body += chunk;
    });
    req.on('end', () => {
      const answer = status();
      received.push({
        deliveryId: String(req.headers[DELIVERY_HEADER]),
        body,
        status: answer,
        signatureValid:
          req.headers[SIGNATURE_HEADER] ===
          signWebhook(secret, String(req.headers[TIMESTAMP_HEADER]), body),
      });
      res.statusCode = answer;
      res.end();
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    stop: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}

const send = {
  recipients: { type: 'entity' as const, entityRef: 'user:default/alice' },
  payload: { title: 'x' },
};
const notification = {
  id: 'n-1',
  user: 'user:default/alice',
  origin: 'plugin:autoscaling',
  created: new Date('2026-01-05T09:00:00Z'),
  payload: {
    title: 'Autoscaling stopped writing to cluster c1',
    severity: 'high' as const,
    topic: 'autoscaling-circuit',
  },
};

describe('WebhookProcessor pending deliveries (durable across restarts)', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  /**
   * One backend instance on `knex`. `sleep` 'hold' parks every backoff until `stop()` (and
   * calls `onBackoff`); 'skip' records the delay and goes on at once.
   */
  async function instance(
    knex: Knex,
    url: string,
    sleep: 'hold' | 'skip',
    onBackoff: (ms: number) => void = () => {},
  ) {
    const settings = readWebhookSettings(
      new ConfigReader({
        notifications: {
          processors: {
            webhook: {
              endpoints: [{ name: 'ops', url, secret: 'k' }],
              retries: 2,
              backoffMs: 60_000,
            },
          },
        },
      }),
    );
    const deadLetters = await WebhookDeadLetterStore.create(knex);
    const pending = await WebhookPendingStore.create(knex);
    const processor = new WebhookProcessor({
      settings,
      deadLetters,
      pending,
      logger: mockServices.logger.mock(),
      frontendBaseUrl: 'http://portal.example',
      sleep: ms => {
        onBackoff(ms);
        return sleep === 'hold'
          ? new Promise<void>(() => {})
          : Promise.resolve();
      },
    });
    cleanups.push(() => processor.stop());
    return { processor, deadLetters, pending };
  }

  /** First attempt fails (503), then the instance stops during the backoff. */
  async function failThenStop(knex: Knex, url: string) {
    let reachedBackoff: () => void = () => {};
    const backoff = new Promise<void>(resolve => {
      reachedBackoff = resolve;
    });
    const first = await instance(knex, url, 'hold', () => reachedBackoff());
    const delivering = first.processor.postProcess(notification, send);
    await backoff;
    first.processor.stop();
    await delivering;
    await first.processor.idle();
    return first;
  }

  it.each(databases.eachSupportedId())(
    'a delivery pending at a stop is delivered exactly once by the next start, %p',
    async id => {
      const knex = await databases.init(id);
      let status = 503;
      const receiver = await startReceiver('k', () => status);
      cleanups.push(receiver.stop);

      const first = await failThenStop(knex, receiver.url);
      expect(receiver.received.map(r => r.status)).toEqual([503]);
      const [stored] = await first.pending.list();
      expect(stored).toEqual(
        expect.objectContaining({
          endpoint: 'ops',
          notificationId: 'n-1',
          attempts: 1,
          lastError: 'HTTP 503 Service Unavailable',
          body: receiver.received[0].body,
          deliveryId: receiver.received[0].deliveryId,
        }),
      );

      status = 200;
      const delays: number[] = [];
      const second = await instance(knex, receiver.url, 'skip', ms =>
        delays.push(ms),
      );
      const outcomes = await second.processor.resume();
      await second.processor.idle();

      expect(outcomes).toEqual([
        expect.objectContaining({ delivered: true, attempts: 2 }),
      ]);
      // The resumed attempt waited for the rest of the stored backoff, not a new one.
      expect(delays).toHaveLength(1);
      expect(delays[0]).toBeGreaterThan(0);
      expect(delays[0]).toBeLessThanOrEqual(60_000);
      expect(receiver.received.map(r => r.status)).toEqual([503, 200]);
      expect(receiver.received.every(r => r.signatureValid)).toBe(true);
      // Same delivery id and the same body as before the restart.
      expect(new Set(receiver.received.map(r => r.deliveryId)).size).toBe(1);
      expect(receiver.received[1].body).toBe(receiver.received[0].body);
      expect(await second.pending.list()).toEqual([]);
      expect(await second.deadLetters.list()).toEqual([]);

      // A third start finds nothing left to send.
      const third = await instance(knex, receiver.url, 'skip');
      expect(await third.processor.resume()).toEqual([]);
      expect(receiver.received).toHaveLength(2);
    },
  );

  it.each(databases.eachSupportedId())(
    'after a restart the last attempt still makes a dead letter and removes the pending row, %p',
    async id => {
      const knex = await databases.init(id);
      const receiver = await startReceiver('k', () => 503);
      cleanups.push(receiver.stop);
      await failThenStop(knex, receiver.url);

      const second = await instance(knex, receiver.url, 'skip');
      const outcomes = await second.processor.resume();
      await second.processor.idle();

      // retries: 2 → 3 attempts in all, 1 before the stop and 2 after it.
      expect(outcomes).toEqual([
        expect.objectContaining({ delivered: false, attempts: 3 }),
      ]);
      expect(receiver.received).toHaveLength(3);
      expect(await second.deadLetters.list()).toEqual([
        expect.objectContaining({
          deliveryId: receiver.received[0].deliveryId,
          attempts: 3,
          lastError: 'HTTP 503 Service Unavailable',
          body: receiver.received[0].body,
        }),
      ]);
      expect(await second.pending.list()).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'only one of two concurrent claims of a pending row wins, %p',
    async id => {
      const knex = await databases.init(id);
      const store = await WebhookPendingStore.create(knex);
      await store.add(
        {
          deliveryId: 'd-1',
          endpoint: 'ops',
          url: 'http://127.0.0.1:9/hook',
          notificationId: 'n-1',
          user: null,
          topic: null,
          body: '{}',
          attempts: 1,
          nextAttemptAt: 1000,
          lastError: 'HTTP 503',
        },
        0,
      );
      const claims = await Promise.all([
        store.claim('d-1', 1, 2000, 5000),
        store.claim('d-1', 1, 2000, 5000),
      ]);
      expect(claims.sort()).toEqual([false, true]);
      // Still claimed at 4000; claimable again once the claim ran out.
      expect(await store.claim('d-1', 1, 4000, 9000)).toBe(false);
      expect(await store.claim('d-1', 1, 9001, 12000)).toBe(true);
      // After the owner recorded attempt 2 and released the row, a claim for attempt 2 (stale) fails.
      await store.reschedule('d-1', {
        attempts: 2,
        nextAttemptAt: 20000,
        lastError: 'HTTP 503',
      });
      expect(await store.claim('d-1', 1, 20000, 25000)).toBe(false);
      expect(await store.claim('d-1', 2, 20000, 25000)).toBe(true);
      // A row that is gone cannot be claimed.
      await store.remove('d-1');
      expect(await store.claim('d-1', 2, 30000, 40000)).toBe(false);
    },
  );

  it.each(databases.eachSupportedId())(
    'a start-up leaves a row claimed by another instance alone until the claim runs out, %p',
    async id => {
      const knex = await databases.init(id);
      const receiver = await startReceiver('k', () => 200);
      cleanups.push(receiver.stop);
      const delays: number[] = [];
      const { processor, pending } = await instance(
        knex,
        receiver.url,
        'skip',
        ms => delays.push(ms),
      );
      const claimedUntil = Date.now() + 45_000;
      await pending.add(
        {
          deliveryId: 'd-claimed',
          endpoint: 'ops',
          url: receiver.url,
          notificationId: 'n-1',
          user: null,
          topic: null,
          body: '{}',
          attempts: 1,
          nextAttemptAt: Date.now() - 1000,
          lastError: 'HTTP 503',
        },
        claimedUntil,
      );
      // Due, but claimed: scheduled for the end of the claim ('skip' does not move the clock,
      // so the claim is still running and nothing is sent).
      const outcomes = await processor.resume();
      expect(delays).toHaveLength(1);
      expect(delays[0]).toBeGreaterThan(30_000);
      expect(outcomes).toEqual([
        expect.objectContaining({ delivered: false, pending: true }),
      ]);
      expect(receiver.received).toEqual([]);
      expect(await pending.list()).toEqual([
        expect.objectContaining({ deliveryId: 'd-claimed', attempts: 1 }),
      ]);
    },
  );

  it('two instances on one PostgreSQL database deliver a pending row once', async () => {
    if (!databases.eachSupportedId().some(([id]) => id === 'POSTGRES_15'))
      throw new Error(
        'PostgreSQL 15 is not available: set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING',
      );
    const knexA = await databases.init('POSTGRES_15');
    // A second connection pool on the same database, as a second replica has.
    const knexB = knexFactory({
      client: 'pg',
      connection: (knexA.client as { config: Knex.Config }).config.connection,
    });
    cleanups.push(() => knexB.destroy());
    let status = 503;
    const receiver = await startReceiver('k', () => status);
    cleanups.push(receiver.stop);
    await failThenStop(knexA, receiver.url);
    expect(await (await WebhookPendingStore.create(knexB)).list()).toHaveLength(
      1,
    );

    status = 200;
    const a = await instance(knexA, receiver.url, 'skip');
    const b = await instance(knexB, receiver.url, 'skip');
    const [fromA, fromB] = await Promise.all([
      a.processor.resume(),
      b.processor.resume(),
    ]);
    await Promise.all([a.processor.idle(), b.processor.idle()]);

    const delivered = [...fromA, ...fromB].filter(o => o.delivered);
    expect(delivered).toHaveLength(1);
    expect(receiver.received.map(r => r.status)).toEqual([503, 200]);
    expect(await a.pending.list()).toEqual([]);
    expect(await a.deadLetters.list()).toEqual([]);
  });
});
