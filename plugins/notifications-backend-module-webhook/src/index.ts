/**
 * A generic, signed webhook channel for Backstage notifications.
 *
 * @packageDocumentation
 */
export { notificationsModuleWebhook as default } from './module';
export {
  WebhookProcessor,
  readWebhookSettings,
  signWebhook,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  DELIVERY_HEADER,
  type WebhookEndpoint,
  type WebhookSettings,
  type WebhookDelivery,
} from './WebhookProcessor';
export {
  WebhookDeadLetterStore,
  DEAD_LETTER_TABLE,
  type WebhookDeadLetter,
} from './WebhookDeadLetterStore';
export {
  WebhookPendingStore,
  PENDING_TABLE,
  type WebhookPendingDelivery,
} from './WebhookPendingStore';
