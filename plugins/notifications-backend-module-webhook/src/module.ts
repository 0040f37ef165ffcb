import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { notificationsProcessingExtensionPoint } from '@backstage/plugin-notifications-node';
import { WebhookDeadLetterStore } from './WebhookDeadLetterStore';
import { WebhookPendingStore } from './WebhookPendingStore';
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
        lifecycle: coreServices.lifecycle,
        notifications: notificationsProcessingExtensionPoint,
      },
      async init({ config, logger, database, lifecycle, notifications }) {
        if (!config.has('notifications.processors.webhook')) {
          logger.info(
            'notifications.processors.webhook is not configured: no webhook channel',
          );
          return;
        }
        const settings = readWebhookSettings(config);
        const knex = await database.getClient();
        const deadLetters = await WebhookDeadLetterStore.create(knex);
        const pending = await WebhookPendingStore.create(knex);
        const processor = new WebhookProcessor({
          settings,
          deadLetters,
          pending,
          logger,
          frontendBaseUrl: config.getString('app.baseUrl'),
        });
        notifications.addProcessor(processor);
        // Deliveries left pending by a restart: resumed in the background, not awaited.
        lifecycle.addStartupHook(() => {
          processor
            .resume()
            .catch(error =>
              logger.error(`Webhook: pending deliveries not resumed: ${error}`),
            );
        });
        lifecycle.addShutdownHook(() => processor.stop());
      },
    });
  },
});
