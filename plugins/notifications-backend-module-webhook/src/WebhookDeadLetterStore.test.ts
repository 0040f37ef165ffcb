import { TestDatabases } from '@backstage/backend-test-utils';
import { WebhookDeadLetterStore } from './WebhookDeadLetterStore';

describe('WebhookDeadLetterStore', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

  it.each(databases.eachSupportedId())(
    'creates its table once and lists dead letters newest first, %p',
    async id => {
      const knex = await databases.init(id);
      const store = await WebhookDeadLetterStore.create(knex);
      // A second start finds the table.
      await WebhookDeadLetterStore.create(knex);
      const letter = (n: number) => ({
        deliveryId: `d-${n}`,
        endpoint: 'ops',
        url: 'http://127.0.0.1:9/hook',
        notificationId: `n-${n}`,
        user: 'user:default/alice',
        topic: 'autoscaling-circuit',
        body: JSON.stringify({ n }),
        attempts: 5,
        lastError: 'HTTP 503 Service Unavailable',
        failedAt: `2026-01-05T09:0${n}:00.000Z`,
      });
      await store.add(letter(1));
      await store.add(letter(2));
      expect(await store.list()).toEqual([letter(2), letter(1)]);
      expect(await store.list({ limit: 1 })).toEqual([letter(2)]);
    },
  );
});
