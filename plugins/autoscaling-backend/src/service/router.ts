import { LoggerService } from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import type { HealthResponse } from '@internal/plugin-autoscaling-common';

export interface RouterOptions {
  logger: LoggerService;
}

export async function createRouter(_options: RouterOptions): Promise<express.Router> {
  const router = Router();
  router.use(express.json());

  router.get('/health', (_req, res) => {
    const body: HealthResponse = {
      status: 'ok',
      engine: { killSwitch: false, clusters: 0, workloads: 0 },
    };
    res.json(body);
  });

  return router;
}
