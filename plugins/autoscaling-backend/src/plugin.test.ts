import {
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { autoscalingPlugin } from './plugin';

describe('autoscaling backend plugin', () => {
  it('answers the health endpoint without credentials', async () => {
    const backend = await startTestBackend({
      features: [autoscalingPlugin],
    });
    try {
      const response = await request(backend.server).get(
        '/api/autoscaling/health',
      );
      expect(response.status).toBe(200);
      expect(response.body.status).toBe('ok');
    } finally {
      await backend.stop();
    }
  });

  it('mounts the cost routes: export, and 404 for an unknown tenant or workload', async () => {
    const backend = await startTestBackend({
      features: [autoscalingPlugin],
    });
    const auth = `Bearer ${mockCredentials.user.token()}`;
    try {
      const exported = await request(backend.server)
        .get('/api/autoscaling/cost/export?format=json')
        .set('Authorization', auth);
      expect(exported.status).toBe(200);
      expect(exported.body).toEqual([]);

      const csv = await request(backend.server)
        .get('/api/autoscaling/cost/export')
        .set('Authorization', auth);
      expect(csv.status).toBe(200);
      expect(csv.headers['content-type']).toMatch(/text\/csv/);

      const tenant = await request(backend.server)
        .get('/api/autoscaling/tenants/nobody/summary')
        .set('Authorization', auth);
      expect(tenant.status).toBe(404);

      const workload = await request(backend.server)
        .get('/api/autoscaling/workloads/none/cost')
        .set('Authorization', auth);
      expect(workload.status).toBe(404);
    } finally {
      await backend.stop();
    }
  });
});
