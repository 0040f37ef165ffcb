export interface Config {
  notifications?: {
    processors?: {
      /** The generic webhook channel (`@internal/plugin-notifications-backend-module-webhook`). */
      webhook?: {
        /** Where notifications are POSTed, each signed with its own secret. */
        endpoints: Array<{
          /** A name for logs and dead letters. */
          name: string;
          url: string;
          /**
           * HMAC-SHA256 key: the `X-Backstage-Webhook-Signature` header is
           * `sha256=<hex of HMAC(secret, "<timestamp>.<body>")>`.
           * @visibility secret
           */
          secret: string;
          /** Only these notifications (same keys as the e-mail processor's `filter`). */
          filter?: {
            minSeverity?: 'critical' | 'high' | 'normal' | 'low';
            maxSeverity?: 'critical' | 'high' | 'normal' | 'low';
            includedTopics?: string[];
            excludedTopics?: string[];
          };
        }>;
        /** Retries after the first attempt (default 4); then a dead letter is stored. */
        retries?: number;
        /** Delay before the first retry in milliseconds, doubled each retry (default 1000). */
        backoffMs?: number;
        /** Per-request timeout in milliseconds (default 10000). */
        timeoutMs?: number;
      };
    };
  };
}
