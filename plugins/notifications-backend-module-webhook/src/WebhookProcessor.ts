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
import type {
  WebhookPendingDelivery,
  WebhookPendingStore,
} from './WebhookPendingStore';

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

/** Outcome of one delivery: delivered after `attempts`, dead-lettered, or left pending. */
export interface WebhookDelivery {
  endpoint: string;
  deliveryId: string;
  attempts: number;
  delivered: boolean;
  /**
   * True when this instance stopped (shut down) or another instance claimed the next attempt:
   * the delivery stays in the pending table for whoever resumes it.
   */
  pending?: boolean;
  lastError: string | null;
}

/** Beyond the request timeout, how long a claim covers the database writes of an attempt. */
const CLAIM_MARGIN_MS = 30_000;

export class WebhookProcessor implements NotificationProcessor {
  /** Deliveries still retrying (tests and shutdown wait on them). */
  private readonly inFlight = new Set<Promise<WebhookDelivery>>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private stopped = false;
  private stopWaiting: () => void = () => {};
  private readonly whenStopped = new Promise<void>(resolve => {
    this.stopWaiting = resolve;
  });

  constructor(
    private readonly options: {
      settings: WebhookSettings;
      deadLetters: WebhookDeadLetterStore;
      /** Deliveries with attempts left, kept across restarts. */
      pending: WebhookPendingStore;
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
    const body = this.bodyOf(notification, options);
    const deliveries = this.options.settings.endpoints
      .filter(endpoint => accepts(endpoint, notification))
      .map(endpoint =>
        this.track(
          this.start(endpoint, {
            deliveryId: randomUUID(),
            endpoint: endpoint.name,
            url: endpoint.url,
            notificationId: notification.id,
            user: notification.user,
            topic: notification.payload.topic ?? null,
            body,
            attempts: 0,
            nextAttemptAt: Date.now(),
            lastError: null,
          }),
        ),
      );
    await Promise.all(deliveries);
  }

  /**
   * Picks up the deliveries stored as pending (by this or another instance before a restart):
   * those due are attempted now, the others when their next attempt is due. Whichever instance
   * claims a row first makes the attempt; the others leave it.
   */
  async resume(): Promise<WebhookDelivery[]> {
    const stored = await this.options.pending.list();
    if (stored.length > 0)
      this.options.logger.info(
        `Webhook: resuming ${stored.length} pending deliveries`,
      );
    return Promise.all(
      stored.map(delivery =>
        this.track(
          this.attempts(
            delivery,
            // A row still claimed (e.g. by an instance that died mid-attempt) waits for the claim to run out.
            Math.max(delivery.nextAttemptAt, (delivery.claimedUntil ?? 0) + 1) -
              Date.now(),
            false,
          ),
        ),
      ),
    );
  }

  /** Clears the backoff timers; deliveries waiting in them stay pending in the database. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.stopWaiting();
  }

  /** Resolves when every delivery started so far has been delivered, dead-lettered or left pending. */
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

  private claimUntil(now: number) {
    return now + this.options.settings.timeoutMs + CLAIM_MARGIN_MS;
  }

  /** Stores a new delivery (claimed by this instance), then makes its attempts. */
  private async start(
    endpoint: WebhookEndpoint,
    delivery: WebhookPendingDelivery,
  ): Promise<WebhookDelivery> {
    let durable = true;
    try {
      await this.options.pending.add(delivery, this.claimUntil(Date.now()));
    } catch (error) {
      // Still deliver from memory; only a restart during the backoff would lose it.
      durable = false;
      this.options.logger.error(
        `Webhook ${endpoint.name}: delivery ${delivery.deliveryId} not stored as pending: ${error}`,
      );
    }
    return this.attempts(delivery, 0, true, durable);
  }

  private async wait(ms: number): Promise<void> {
    if (this.stopped) return;
    const sleep =
      this.options.sleep ??
      ((delay: number) =>
        new Promise<void>(resolve => {
          const timer = setTimeout(() => {
            this.timers.delete(timer);
            resolve();
          }, delay);
          this.timers.add(timer);
        }));
    await Promise.race([sleep(ms), this.whenStopped]);
  }

  /** Claims the row for the next attempt; a database error still lets the attempt go out. */
  private async claim(
    delivery: WebhookPendingDelivery,
    attempts: number,
  ): Promise<boolean> {
    const now = Date.now();
    try {
      return await this.options.pending.claim(
        delivery.deliveryId,
        attempts,
        now,
        this.claimUntil(now),
      );
    } catch (error) {
      this.options.logger.error(
        `Webhook ${delivery.endpoint}: could not claim pending delivery ${delivery.deliveryId}, attempting anyway: ${error}`,
      );
      return true;
    }
  }

  private async forget(delivery: WebhookPendingDelivery) {
    try {
      await this.options.pending.remove(delivery.deliveryId);
    } catch (error) {
      this.options.logger.error(
        `Webhook ${delivery.endpoint}: pending delivery ${delivery.deliveryId} not removed: ${error}`,
      );
    }
  }

  /**
   * Makes the remaining attempts of `delivery` (whose `attempts` were made already), the first
   * after `delayMs`. Each attempt is made only after claiming the row, unless `claimed` (a new
   * delivery inserted claimed) or the row could not be stored (`durable` false).
   */
  private async attempts(
    delivery: WebhookPendingDelivery,
    delayMs: number,
    claimed: boolean,
    durable = true,
  ): Promise<WebhookDelivery> {
    const { settings, logger } = this.options;
    const doFetch = this.options.fetch ?? fetch;
    const { deliveryId, body } = delivery;
    let { attempts, lastError } = delivery;
    const outcome = (delivered: boolean, pending = false) => ({
      endpoint: delivery.endpoint,
      deliveryId,
      attempts,
      delivered,
      pending,
      lastError,
    });
    const endpoint = settings.endpoints.find(e => e.name === delivery.endpoint);
    let delay = delayMs;
    let ownsClaim = claimed || !durable;
    for (;;) {
      if (delay > 0) await this.wait(delay);
      if (this.stopped) return outcome(false, true);
      if (!ownsClaim && !(await this.claim(delivery, attempts)))
        return outcome(false, true);
      ownsClaim = false;
      if (!endpoint) {
        lastError = `endpoint ${delivery.endpoint} is no longer configured`;
        break;
      }
      attempts += 1;
      const timestamp = String(Math.floor(Date.now() / 1000));
      let retryable = true;
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
          if (durable) await this.forget(delivery);
          return outcome(true);
        }
        lastError = `HTTP ${response.status} ${response.statusText}`.trim();
        // A client error other than timeout / rate limit will not pass on a retry.
        retryable =
          response.status >= 500 ||
          response.status === 408 ||
          response.status === 429;
      } catch (error) {
        lastError = String((error as Error)?.message ?? error);
      }
      logger.warn(
        `Webhook ${endpoint.name}: attempt ${attempts} of notification ${delivery.notificationId} failed: ${lastError}`,
      );
      if (!retryable || attempts > settings.retries) break;
      delay = settings.backoffMs * 2 ** (attempts - 1);
      if (durable) {
        try {
          await this.options.pending.reschedule(deliveryId, {
            attempts,
            nextAttemptAt: Date.now() + delay,
            lastError,
          });
        } catch (error) {
          logger.error(
            `Webhook ${endpoint.name}: pending delivery ${deliveryId} not updated: ${error}`,
          );
        }
      }
    }
    logger.error(
      `Webhook ${delivery.endpoint}: notification ${delivery.notificationId} not delivered after ${attempts} attempts (${lastError}); stored as a dead letter`,
    );
    try {
      await this.options.deadLetters.add({
        deliveryId,
        endpoint: delivery.endpoint,
        url: endpoint?.url ?? delivery.url,
        notificationId: delivery.notificationId,
        user: delivery.user,
        topic: delivery.topic,
        body,
        attempts,
        lastError: lastError ?? 'unknown error',
      });
      if (durable) await this.forget(delivery);
    } catch (error) {
      // The pending row stays: the next start-up tries again rather than losing the delivery.
      logger.error(
        `Webhook ${delivery.endpoint}: dead letter not stored: ${error}`,
      );
    }
    return outcome(false);
  }
}
