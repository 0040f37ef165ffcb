import { startTestBackend } from '@backstage/backend-test-utils';
import request from 'supertest';
import { autoscalingPlugin } from './plugin';

describe('autoscaling backend plugin', () => {
  it('answers the health endpoint without credentials', async () => {
    const backend = await startTestBackend({
      features: [autoscalingPlugin],
    });
    try {
      const response = await request(backend.server).get('/api/autoscaling/health');
      expect(response.status).toBe(200);
      expect(response.body.status).toBe('ok');
    } finally {
      await backend.stop();
    }
  });
});
