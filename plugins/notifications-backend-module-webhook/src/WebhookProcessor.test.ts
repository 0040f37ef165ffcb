import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { Notification } from '@backstage/plugin-notifications-common';
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

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
  signatureValid: boolean;
}

/** A real HTTP receiver on a free port: verifies the signature, answers with `status()`. */
async function startReceiver(secret: string, status: () => number) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', chunk => {
      body += chunk;
    });
    req.on('end', () => {
      const timestamp = String(req.headers[TIMESTAMP_HEADER]);
      received.push({
        headers: req.headers,
        body,
        signatureValid:
          req.headers[SIGNATURE_HEADER] ===
          signWebhook(secret, timestamp, body),
      });
      res.statusCode = status();
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

const notification = (overrides: Partial<Notification> = {}): Notification => ({
  id: 'n-1',
  user: 'user:default/alice',
  origin: 'plugin:autoscaling',
  created: new Date('2026-01-05T09:00:00Z'),
  payload: {
    title: 'Autoscaling stopped writing to cluster c1',
    description: 'The circuit breaker opened',
    link: '/autoscaling',
    severity: 'high',
    topic: 'autoscaling-circuit',
  },
  ...overrides,
});

describe('WebhookProcessor', () => {
  let knex: Knex;
  let deadLetters: WebhookDeadLetterStore;
  let pending: WebhookPendingStore;
  const stops: Array<() => Promise<void>> = [];
  const sleeps: number[] = [];

  beforeEach(async () => {
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
    deadLetters = await WebhookDeadLetterStore.create(knex);
    pending = await WebhookPendingStore.create(knex);
    sleeps.length = 0;
  });
  afterEach(async () => {
    while (stops.length) await stops.pop()!();
    await knex.destroy();
  });

  function processor(config: object) {
    const settings = readWebhookSettings(
      new ConfigReader({ notifications: { processors: { webhook: config } } }),
    );
    return new WebhookProcessor({
      settings,
      deadLetters,
      pending,
      logger: mockServices.logger.mock(),
      frontendBaseUrl: 'http://portal.example',
      // Backoff delays are recorded, not waited for: the schedule is what is checked.
      sleep: async ms => {
        sleeps.push(ms);
      },
    });
  }

  it('POSTs the notification as JSON with a valid HMAC-SHA256 signature', async () => {
    const receiver = await startReceiver('s3cret', () => 204);
    stops.push(receiver.stop);
    const p = processor({
      endpoints: [{ name: 'ops', url: receiver.url, secret: 's3cret' }],
    });
    await p.postProcess(notification(), {
      recipients: { type: 'entity', entityRef: 'group:default/platform-team' },
      payload: { title: 'x' },
    });
    expect(receiver.received).toHaveLength(1);
    const [hit] = receiver.received;
    expect(hit.signatureValid).toBe(true);
    expect(hit.headers['content-type']).toBe('application/json');
    expect(hit.headers[DELIVERY_HEADER]).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(hit.body)).toEqual({
      id: 'n-1',
      origin: 'plugin:autoscaling',
      user: 'user:default/alice',
      created: '2026-01-05T09:00:00.000Z',
      recipients: { type: 'entity', entityRef: 'group:default/platform-team' },
      payload: expect.objectContaining({
        title: 'Autoscaling stopped writing to cluster c1',
        link: 'http://portal.example/autoscaling',
        severity: 'high',
        topic: 'autoscaling-circuit',
      }),
    });
    // A receiver with another secret does not accept the signature.
    expect(
      signWebhook('other', String(hit.headers[TIMESTAMP_HEADER]), hit.body),
    ).not.toBe(hit.headers[SIGNATURE_HEADER]);
    expect(await deadLetters.list()).toEqual([]);
    expect(await pending.list()).toEqual([]);
  });

  it('retries a failing receiver with doubling backoff, then stores a dead letter', async () => {
    const failing = await startReceiver('k', () => 503);
    stops.push(failing.stop);
    const p = processor({
      endpoints: [{ name: 'flaky', url: failing.url, secret: 'k' }],
      retries: 3,
      backoffMs: 200,
    });
    await p.postProcess(notification(), {
      recipients: { type: 'entity', entityRef: 'user:default/alice' },
      payload: { title: 'x' },
    });
    expect(failing.received).toHaveLength(4);
    expect(failing.received.every(r => r.signatureValid)).toBe(true);
    // One delivery id for every attempt of the same delivery (receivers deduplicate by it).
    expect(
      new Set(failing.received.map(r => r.headers[DELIVERY_HEADER])).size,
    ).toBe(1);
    expect(sleeps).toEqual([200, 400, 800]);
    const letters = await deadLetters.list();
    expect(letters).toEqual([
      expect.objectContaining({
        endpoint: 'flaky',
        url: failing.url,
        notificationId: 'n-1',
        user: 'user:default/alice',
        topic: 'autoscaling-circuit',
        attempts: 4,
        lastError: 'HTTP 503 Service Unavailable',
        body: failing.received[0].body,
      }),
    ]);
    // The dead letter replaces the pending row.
    expect(await pending.list()).toEqual([]);
  });

  it('recovers on a later attempt; a 4xx is not retried; an unreachable receiver is dead-lettered', async () => {
    let calls = 0;
    const recovering = await startReceiver('k', () =>
      ++calls < 3 ? 500 : 200,
    );
    const rejecting = await startReceiver('k', () => 400);
    stops.push(recovering.stop, rejecting.stop);
    const closed = await startReceiver('k', () => 200);
    await closed.stop();
    const p = processor({
      endpoints: [
        { name: 'recovering', url: recovering.url, secret: 'k' },
        { name: 'rejecting', url: rejecting.url, secret: 'k' },
        { name: 'closed', url: closed.url, secret: 'k' },
      ],
      retries: 2,
      backoffMs: 1,
    });
    await p.postProcess(notification(), {
      recipients: { type: 'broadcast' },
      payload: { title: 'x' },
    });
    expect(recovering.received).toHaveLength(3);
    expect(rejecting.received).toHaveLength(1);
    const letters = await deadLetters.list();
    expect(letters.map(l => [l.endpoint, l.attempts]).sort()).toEqual([
      ['closed', 3],
      ['rejecting', 1],
    ]);
    expect(letters.find(l => l.endpoint === 'rejecting')?.lastError).toBe(
      'HTTP 400 Bad Request',
    );
  });

  it('sends only what an endpoint filter accepts', async () => {
    const receiver = await startReceiver('k', () => 200);
    stops.push(receiver.stop);
    const p = processor({
      endpoints: [
        {
          name: 'circuit-only',
          url: receiver.url,
          secret: 'k',
          filter: {
            includedTopics: ['autoscaling-circuit'],
            minSeverity: 'high',
          },
        },
      ],
    });
    const send = {
      recipients: { type: 'broadcast' as const },
      payload: { title: 'x' },
    };
    await p.postProcess(notification(), send);
    await p.postProcess(
      notification({
        payload: { title: 'a', topic: 'autoscaling-capped', severity: 'high' },
      }),
      send,
    );
    await p.postProcess(
      notification({
        payload: {
          title: 'b',
          topic: 'autoscaling-circuit',
          severity: 'normal',
        },
      }),
      send,
    );
    expect(
      receiver.received.map(r => JSON.parse(r.body).payload.title),
    ).toEqual(['Autoscaling stopped writing to cluster c1']);
  });

  it('refuses bad configuration, naming the key', () => {
    expect(() =>
      processor({ endpoints: [{ name: 'x', url: 'ftp://x', secret: 'k' }] }),
    ).toThrow(/endpoints\[0\]\.url must be http\(s\)/);
    expect(() =>
      processor({
        endpoints: [{ name: 'x', url: 'http://x', secret: 'k' }],
        retries: -1,
      }),
    ).toThrow(
      /notifications\.processors\.webhook\.retries must be a number ≥ 0/,
    );
    expect(() =>
      processor({
        endpoints: [
          {
            name: 'x',
            url: 'http://x',
            secret: 'k',
            filter: { minSeverity: 'loud' },
          },
        ],
      }),
    ).toThrow(/filter\.minSeverity: 'loud' is not one of/);
  });
});
