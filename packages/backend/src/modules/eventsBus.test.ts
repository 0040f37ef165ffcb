/*
 * The events backend (issue 14 item 7). Without it, every plugin's events service gets a 404 from
 * /api/events/bus and logs "events backend not found" (signals, the notification bell's live
 * updates, then never leave the process that published them). With it, the bus answers: a
 * subscription is created, and an event published to its topic (as a plugin's events service
 * publishes a signal) is stored for it and read back; users (not services) get 403.
 */
import {
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
import eventsPlugin from '@backstage/plugin-events-backend';
import request from 'supertest';

jest.setTimeout(60_000);

describe('events backend wiring', () => {
  it('serves the event bus the plugins publish signals to', async () => {
    const backend = await startTestBackend({ features: [eventsPlugin] });
    try {
      const service = mockCredentials.service.header();
      for (const id of ['signals.bell', 'other.bell']) {
        const sub = await request(backend.server)
          .put(`/api/events/bus/v1/subscriptions/${id}`)
          .set('Authorization', service)
          .send({ topics: ['signals'] });
        expect(sub.status).toBe(201);
      }

      const signal = {
        channel: 'notifications',
        message: { action: 'new_notification' },
      };
      const published = await request(backend.server)
        .post('/api/events/bus/v1/events')
        .set('Authorization', service)
        .send({
          event: { topic: 'signals', payload: signal },
          notifiedSubscribers: ['signals.bell'],
        });
      expect(published.status).toBe(201);

      const read = await request(backend.server)
        .get('/api/events/bus/v1/subscriptions/other.bell/events')
        .set('Authorization', service);
      expect(read.status).toBe(200);
      expect(read.body.events).toEqual([{ topic: 'signals', payload: signal }]);

      // users cannot use the bus
      const asUser = await request(backend.server)
        .put('/api/events/bus/v1/subscriptions/x')
        .set('Authorization', mockCredentials.user.header('user:default/bob'))
        .send({ topics: ['signals'] });
      expect(asUser.status).toBe(403);
    } finally {
      await backend.stop();
    }
  });
});
