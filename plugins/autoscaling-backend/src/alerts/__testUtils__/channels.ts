/**
 * The delivery side of the alert tests, all real and local: Backstage's notifications backend
 * (in a test backend) with the e-mail module on an SMTP transport to an `smtp-server` on a free
 * port, and this repo's webhook module posting to two local HTTP receivers (one verifies the
 * HMAC and answers 200, one always fails). The autoscaling backend sends through Backstage's
 * own `DefaultNotificationService` over HTTP, as in the portal.
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import emailModule from '@backstage/plugin-notifications-backend-module-email';
import type { Notification } from '@backstage/plugin-notifications-common';
import { DefaultNotificationService } from '@backstage/plugin-notifications-node';
import webhookModule, {
  SIGNATURE_HEADER,
  signWebhook,
  TIMESTAMP_HEADER,
} from '@internal/plugin-notifications-backend-module-webhook';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export const WEBHOOK_SECRET = 'alerts-e2e-secret';

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
}

export interface ReceivedWebhook {
  signatureValid: boolean;
  user: string | null;
  topic: string | undefined;
  title: string;
  link: string | undefined;
  body: Record<string, any>;
}

async function startSmtp() {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', chunk => {
        raw += chunk;
      });
      stream.on('end', () => {
        const split = raw.indexOf('\r\n\r\n');
        // Unfold the header lines (RFC 5322 folding) before reading the subject.
        const headers = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
        mails.push({
          from: session.envelope.mailFrom
            ? session.envelope.mailFrom.address
            : '',
          to: session.envelope.rcptTo.map(r => r.address),
          subject: /^Subject: (.*)$/im.exec(headers)?.[1] ?? '',
          text: raw.slice(split + 4),
        });
        callback();
      });
    },
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = (server as any).server.address() as AddressInfo;
  return {
    port,
    mails,
    stop: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}

async function startReceiver(status: number) {
  const received: ReceivedWebhook[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', chunk => {
      raw += chunk;
    });
    req.on('end', () => {
      const body = JSON.parse(raw);
      received.push({
        signatureValid:
          req.headers[SIGNATURE_HEADER] ===
          signWebhook(
            WEBHOOK_SECRET,
            String(req.headers[TIMESTAMP_HEADER]),
            raw,
          ),
        user: body.user,
        topic: body.payload?.topic,
        title: body.payload?.title,
        link: body.payload?.link,
        body,
      });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    stop: () =>
      new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Waits (polling every 25 ms, up to 30 s on a loaded machine) until `check` holds; fails naming `what` if it never does. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  attempts = 1200,
) {
  for (let i = 0; i < attempts; i++) {
    if (await check()) return;
    await new Promise(resolve => setTimeout(resolve, 25));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

export async function startChannels(options: {
  entities: Entity[];
  /** `notifications.defaultSettings`: per channel, origin and topic defaults. */
  defaultSettings?: object;
  webhookRetries?: number;
}) {
  const smtp = await startSmtp();
  const hook = await startReceiver(200);
  const failing = await startReceiver(500);
  const backend = await startTestBackend({
    features: [
      notificationsPlugin,
      emailModule,
      webhookModule,
      catalogServiceMock.factory({ entities: options.entities }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://portal.test' },
          notifications: {
            processors: {
              email: {
                transportConfig: {
                  transport: 'smtp',
                  hostname: '127.0.0.1',
                  port: smtp.port,
                },
                sender: 'autoscaling@portal.test',
                throttleInterval: { milliseconds: 1 },
              },
              webhook: {
                endpoints: [
                  { name: 'ops', url: hook.url, secret: WEBHOOK_SECRET },
                  {
                    name: 'broken',
                    url: failing.url,
                    secret: WEBHOOK_SECRET,
                    filter: { includedTopics: ['autoscaling-circuit'] },
                  },
                ],
                retries: options.webhookRetries ?? 2,
                backoffMs: 5,
              },
            },
            ...(options.defaultSettings
              ? { defaultSettings: options.defaultSettings }
              : {}),
          },
        },
      }),
    ],
  });
  const baseUrl = `http://localhost:${backend.server.port()}/api`;
  const notifications = DefaultNotificationService.create({
    auth: mockServices.auth({ pluginId: 'autoscaling' }),
    discovery: {
      getBaseUrl: async pluginId => `${baseUrl}/${pluginId}`,
      getExternalBaseUrl: async pluginId => `${baseUrl}/${pluginId}`,
    },
  });

  /** The user's notifications in the portal (the bell), newest first. */
  async function inPortal(user: string): Promise<Notification[]> {
    const response = await fetch(
      `${baseUrl}/notifications/notifications?limit=200`,
      {
        headers: { Authorization: mockCredentials.user.header(user) },
      },
    );
    if (!response.ok) throw new Error(`GET notifications: ${response.status}`);
    return (await response.json()).notifications;
  }

  return {
    notifications,
    mails: smtp.mails,
    webhooks: hook.received,
    failingWebhooks: failing.received,
    inPortal,
    /** Portal titles per user, sorted. */
    async portalTitles(user: string): Promise<string[]> {
      return (await inPortal(user)).map(n => n.payload.title).sort();
    },
    mailsTo: (address: string) =>
      smtp.mails.filter(m => m.to.includes(address)).map(m => m.subject),
    webhooksFor: (user: string) =>
      hook.received.filter(w => w.user === user).map(w => w.title),
    async stop() {
      await backend.stop();
      await smtp.stop();
      await hook.stop();
      await failing.stop();
    },
  };
}

export type Channels = Awaited<ReturnType<typeof startChannels>>;
