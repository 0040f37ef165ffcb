import { startTestBackend } from '@backstage/backend-test-utils';
import request from 'supertest';
import { autoscalingPlugin } from './plugin';

describe('autoscaling backend plugin', () => {
  it('answers the health endpoint without credentials', async () => {
    const { server, stop } = await startTestBackend({
      features: [autoscalingPlugin],
    });
    try {
      const response = await request(server).get('/api/autoscaling/health');
      expect(response.status).toBe(200);
      expect(response.body.status).toBe('ok');
    } finally {
      await stop();
    }
  });
});
