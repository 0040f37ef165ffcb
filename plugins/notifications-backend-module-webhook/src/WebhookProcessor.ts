/**
 * A notifications processor (channel `Webhook`) that POSTs each notification it is given as
 * JSON to the configured endpoints, signed with HMAC-SHA256, retried with exponential backoff;
 * after the last retry the delivery is stored as a dead letter (`WebhookDeadLetterStore`).
 *
 * The notifications backend calls `postProcess` once per recipient user (after checking that
 * user's settings for this channel, origin and topic) and once for a broadcast; the body names
 * the user, so a receiver can route per person or fold by `notification.payload.scope`.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import {
  notificationSeverities,
  type Notification,
  type NotificationSeverity,
} from '@backstage/plugin-notifications-common';
import type {
  NotificationProcessor,
  NotificationSendOptions,
} from '@backstage/plugin-notifications-node';
import { createHmac, randomUUID } from 'node:crypto';
import type { WebhookDeadLetterStore } from './WebhookDeadLetterStore';

export const SIGNATURE_HEADER = 'x-backstage-webhook-signature';
export const TIMESTAMP_HEADER = 'x-backstage-webhook-timestamp';
export const DELIVERY_HEADER = 'x-backstage-webhook-delivery';

export interface WebhookEndpoint {
  name: string;
  url: string;
  secret: string;
  filter: {
    minSeverity?: NotificationSeverity;
    maxSeverity?: NotificationSeverity;
    includedTopics?: string[];
    excludedTopics?: string[];
  };
}

export interface WebhookSettings {
  endpoints: WebhookEndpoint[];
  retries: number;
  backoffMs: number;
  timeoutMs: number;
}

/** The signature a receiver recomputes: HMAC-SHA256 of `<timestamp>.<body>` with the secret. */
export function signWebhook(
  secret: string,
  timestamp: string,
  body: string,
): string {
  return `sha256=${createHmac('sha256', secret)
    .update(`${timestamp}.${body}`)
    .digest('hex')}`;
}

const severityRank = (s: NotificationSeverity | undefined) =>
  notificationSeverities.indexOf(s ?? 'normal');

/** Reads `notifications.processors.webhook`; throws naming the key on a bad value. */
export function readWebhookSettings(config: Config): WebhookSettings {
  const root = 'notifications.processors.webhook';
  const webhook = config.getConfig(root);
  const nonNegative = (key: string, fallback: number) => {
    const value = webhook.getOptionalNumber(key) ?? fallback;
    if (!Number.isFinite(value) || value < 0)
      throw new Error(`${root}.${key} must be a number ≥ 0, got ${value}`);
    return value;
  };
  const severity = (c: Config | undefined, key: string) => {
    const value = c?.getOptionalString(key);
    if (
      value !== undefined &&
      !notificationSeverities.includes(value as NotificationSeverity)
    ) {
      throw new Error(
        `${root}.endpoints[].filter.${key}: '${value}' is not one of ${notificationSeverities.join(
          ', ',
        )}`,
      );
    }
    return value as NotificationSeverity | undefined;
  };
  const endpoints = webhook.getConfigArray('endpoints').map((e, i) => {
    const url = e.getString('url');
    if (!/^https?:\/\//.test(url))
      throw new Error(`${root}.endpoints[${i}].url must be http(s): ${url}`);
    const secret = e.getString('secret');
    if (secret.length === 0)
      throw new Error(`${root}.endpoints[${i}].secret must not be empty`);
    const filter = e.getOptionalConfig('filter');
    return {
      name: e.getString('name'),
      url,
      secret,
      filter: {
        minSeverity: severity(filter, 'minSeverity'),
        maxSeverity: severity(filter, 'maxSeverity'),
        includedTopics: filter?.getOptionalStringArray('includedTopics'),
        excludedTopics: filter?.getOptionalStringArray('excludedTopics'),
      },
    };
  });
  return {
    endpoints,
    retries: Math.floor(nonNegative('retries', 4)),
    backoffMs: nonNegative('backoffMs', 1000),
    timeoutMs: nonNegative('timeoutMs', 10_000),
  };
}

function accepts(endpoint: WebhookEndpoint, notification: Notification) {
  const { filter } = endpoint;
  const { severity, topic } = notification.payload;
  if (
    filter.minSeverity &&
    severityRank(severity) > severityRank(filter.minSeverity)
  )
    return false;
  if (
    filter.maxSeverity &&
    severityRank(severity) < severityRank(filter.maxSeverity)
  )
    return false;
  if (filter.excludedTopics && topic && filter.excludedTopics.includes(topic))
    return false;
  if (
    filter.includedTopics &&
    (!topic || !filter.includedTopics.includes(topic))
  )
    return false;
  return true;
}

/** Outcome of one delivery: delivered after `attempts`, or dead-lettered. */
export interface WebhookDelivery {
  endpoint: string;
  deliveryId: string;
  attempts: number;
  delivered: boolean;
  lastError: string | null;
}

export class WebhookProcessor implements NotificationProcessor {
  /** Deliveries still retrying (tests and shutdown wait on them). */
  private readonly inFlight = new Set<Promise<WebhookDelivery>>();

  constructor(
    private readonly options: {
      settings: WebhookSettings;
      deadLetters: WebhookDeadLetterStore;
      logger: LoggerService;
      frontendBaseUrl: string;
      fetch?: typeof fetch;
      sleep?: (ms: number) => Promise<void>;
    },
  ) {}

  getName(): string {
    return 'Webhook';
  }

  async postProcess(
    notification: Notification,
    options: NotificationSendOptions,
  ): Promise<void> {
    const deliveries = this.options.settings.endpoints
      .filter(endpoint => accepts(endpoint, notification))
      .map(endpoint =>
        this.track(this.deliver(endpoint, notification, options)),
      );
    await Promise.all(deliveries);
  }

  /** Resolves when every delivery started so far has been delivered or dead-lettered. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private track(delivery: Promise<WebhookDelivery>) {
    this.inFlight.add(delivery);
    return delivery.finally(() => this.inFlight.delete(delivery));
  }

  private bodyOf(notification: Notification, options: NotificationSendOptions) {
    const { link } = notification.payload;
    const base = this.options.frontendBaseUrl.replace(/\/$/, '');
    return JSON.stringify({
      id: notification.id,
      origin: notification.origin,
      user: notification.user,
      created: new Date(notification.created).toISOString(),
      recipients: options.recipients,
      payload: {
        ...notification.payload,
        link: link && link.startsWith('/') ? `${base}${link}` : link,
      },
    });
  }

  private async deliver(
    endpoint: WebhookEndpoint,
    notification: Notification,
    options: NotificationSendOptions,
  ): Promise<WebhookDelivery> {
    const { settings, logger } = this.options;
    const doFetch = this.options.fetch ?? fetch;
    const sleep =
      this.options.sleep ??
      ((ms: number) => new Promise<void>(r => setTimeout(r, ms)));
    const body = this.bodyOf(notification, options);
    const deliveryId = randomUUID();
    let lastError: string | null = null;
    let attempts = 0;
    for (let attempt = 0; attempt <= settings.retries; attempt++) {
      if (attempt > 0) await sleep(settings.backoffMs * 2 ** (attempt - 1));
      attempts += 1;
      const timestamp = String(Math.floor(Date.now() / 1000));
      try {
        const response = await doFetch(endpoint.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [TIMESTAMP_HEADER]: timestamp,
            [DELIVERY_HEADER]: deliveryId,
            [SIGNATURE_HEADER]: signWebhook(endpoint.secret, timestamp, body),
          },
          body,
          signal: AbortSignal.timeout(settings.timeoutMs),
        });
        if (response.ok) {
          return {
            endpoint: endpoint.name,
            deliveryId,
            attempts,
            delivered: true,
            lastError: null,
          };
        }
        lastError = `HTTP ${response.status} ${response.statusText}`.trim();
        // A client error other than timeout / rate limit will not pass on a retry.
        if (
          response.status < 500 &&
          response.status !== 408 &&
          response.status !== 429
        )
          break;
      } catch (error) {
        lastError = String((error as Error)?.message ?? error);
      }
      logger.warn(
        `Webhook ${endpoint.name}: attempt ${attempts} of notification ${notification.id} failed: ${lastError}`,
      );
    }
    logger.error(
      `Webhook ${endpoint.name}: notification ${notification.id} not delivered after ${attempts} attempts (${lastError}); stored as a dead letter`,
    );
    try {
      await this.options.deadLetters.add({
        deliveryId,
        endpoint: endpoint.name,
        url: endpoint.url,
        notificationId: notification.id,
        user: notification.user,
        topic: notification.payload.topic ?? null,
        body,
        attempts,
        lastError: lastError ?? 'unknown error',
      });
    } catch (error) {
      logger.error(
        `Webhook ${endpoint.name}: dead letter not stored: ${error}`,
      );
    }
    return {
      endpoint: endpoint.name,
      deliveryId,
      attempts,
      delivered: false,
      lastError,
    };
  }
}
