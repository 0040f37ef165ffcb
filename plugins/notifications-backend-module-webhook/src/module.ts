import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { notificationsProcessingExtensionPoint } from '@backstage/plugin-notifications-node';
import { WebhookDeadLetterStore } from './WebhookDeadLetterStore';
import { readWebhookSettings, WebhookProcessor } from './WebhookProcessor';

/**
 * The `Webhook` notification channel: every notification a user's settings send to this
 * channel is POSTed, signed, to `notifications.processors.webhook.endpoints`. Without that
 * config the module registers nothing.
 */
export const notificationsModuleWebhook = createBackendModule({
  pluginId: 'notifications',
  moduleId: 'webhook',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        notifications: notificationsProcessingExtensionPoint,
      },
      async init({ config, logger, database, notifications }) {
        if (!config.has('notifications.processors.webhook')) {
          logger.info(
            'notifications.processors.webhook is not configured: no webhook channel',
          );
          return;
        }
        const settings = readWebhookSettings(config);
        const deadLetters = await WebhookDeadLetterStore.create(
          await database.getClient(),
        );
        notifications.addProcessor(
          new WebhookProcessor({
            settings,
            deadLetters,
            logger,
            frontendBaseUrl: config.getString('app.baseUrl'),
          }),
        );
      },
    });
  },
});
