/**
 * Issue 15 item 10: a Kubernetes API outage during a manual scale is a 502/503 with a clear
 * message; the response carries neither the raw client error nor the upstream headers or
 * body, and no stack trace with production settings.
 */
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockServices } from '@backstage/backend-test-utils';
import { scalingPolicySchema } from '@internal/plugin-autoscaling-common';
import express from 'express';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { ManualScaler } from '../service/ManualScaler';
import { clusterError, ClusterApiError } from './errors';
import { KubernetesClusterClient } from './KubernetesClusterClient';

jest.setTimeout(60_000);

const SECRET = 'upstream-s3cr3t-value';

/** A fake API server that answers every request with `status` and revealing headers. */
async function fakeApiServer(
  status: number,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(status, {
      'Content-Type': 'application/json',
      'X-Upstream-Secret': SECRET,
      'Audit-Id': 'abc-123',
    });
    res.end(
      JSON.stringify({
        kind: 'Status',
        message: `internal detail ${SECRET}`,
        code: status,
      }),
    );
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise(resolve => server.close(() => resolve())),
  };
}

/** A port nothing listens on. */
async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

const WORKLOAD: any = {
  id: 'prod-eu/acme/Deployment/checkout-api',
  cluster: 'prod-eu',
  namespace: 'acme',
  kind: 'Deployment',
  name: 'checkout-api',
  entityRef: 'component:default/checkout-api',
};

/** The manual-scale route in small, behind Backstage's error handler as production runs it. */
function app(url: string) {
  const client = new KubernetesClusterClient({
    name: 'prod-eu',
    url,
    serviceAccountToken: 'sa-token-value',
    skipTLSVerify: true,
  });
  const audit = { append: jest.fn() };
  const scaler = new ManualScaler(
    {} as any,
    () => client,
    {
      effectivePolicy: async () =>
        scalingPolicySchema.parse({ minReplicas: 1, maxReplicas: 20 }),
    },
    audit,
    async () => false,
  );
  const router = express();
  router.post('/scale', async (_req, res, next) => {
    try {
      res.json(await scaler.scale(WORKLOAD, 4, 'user:default/bob', 'more'));
    } catch (error) {
      next(error);
    }
  });
  const middleware = MiddlewareFactory.create({
    config: mockServices.rootConfig(),
    logger: mockServices.logger.mock(),
  });
  router.use(middleware.error({ showStackTraces: false }));
  return { router, audit };
}

function expectNothingRaw(res: request.Response) {
  const text = JSON.stringify(res.body);
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain('abc-123');
  expect(text).not.toMatch(/HTTP-Code|Headers:|Body:|sa-token-value/);
  expect(text).not.toMatch(/\bat .*\.(ts|js):\d+/);
  expect(res.body.error.stack).toBeUndefined();
  expect(res.body.error.headers).toBeUndefined();
  expect(res.body.error.body).toBeUndefined();
  expect(res.body.error.cause).toBeUndefined();
}

describe('Kubernetes API outages during a manual scale', () => {
  it.each([
    [
      503,
      503,
      /^Kubernetes API of cluster "prod-eu" failed reading the scale of Deployment acme\/checkout-api: it answered 503 Service Unavailable; try again shortly$/,
    ],
    [500, 502, /it answered 500 Internal Server Error$/],
    [403, 502, /it answered 403 Forbidden$/],
    [
      404,
      404,
      /^reading the scale of Deployment acme\/checkout-api in cluster "prod-eu": not found \(404\)$/,
    ],
  ])(
    'upstream %p is answered with %p and a clear message',
    async (upstream, expected, message) => {
      const api = await fakeApiServer(upstream);
      try {
        const { router, audit } = app(api.url);
        const res = await request(router).post('/scale');
        expect(res.status).toBe(expected);
        expect(res.body.error.message).toMatch(message);
        expectNothingRaw(res);
        expect(audit.append).not.toHaveBeenCalled();
      } finally {
        await api.close();
      }
    },
  );

  it('an unreachable API server is a 503', async () => {
    const { router } = app(await closedPortUrl());
    const res = await request(router).post('/scale');
    expect(res.status).toBe(503);
    expect(res.body.error).toEqual(
      expect.objectContaining({
        name: 'ClusterApiError',
        message:
          'Kubernetes API of cluster "prod-eu" is unreachable reading the scale of Deployment acme/checkout-api (ECONNREFUSED); try again shortly',
      }),
    );
    expect(res.body.error.message).not.toContain('127.0.0.1');
    expectNothingRaw(res);
  });

  it('keeps the original error off the serialised error', () => {
    const raw = Object.assign(
      new Error(`HTTP-Code: 502 Headers: {"x": "${SECRET}"}`),
      {
        code: 502,
        headers: { x: SECRET },
      },
    );
    const error = clusterError(raw, 'c', 'doing x') as ClusterApiError;
    expect(error.statusCode).toBe(502);
    expect(Object.keys(error)).not.toContain('original');
    expect(JSON.stringify(error)).not.toContain(SECRET);
    expect((error as any).original).toBe(raw);
  });
});

describe('a workload of another kind routed to the Kubernetes client', () => {
  it('is refused without a request, not written through the StatefulSet API', async () => {
    let requests = 0;
    const server = http.createServer((_req, res) => {
      requests++;
      res.writeHead(500).end();
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const client = new KubernetesClusterClient({
        name: 'prod-eu',
        url: `http://127.0.0.1:${port}`,
        serviceAccountToken: 'sa-token-value',
        skipTLSVerify: true,
      });
      const compose = {
        namespace: 'demo',
        kind: 'ComposeService' as const,
        name: 'web',
      };
      const refusal =
        /^ComposeService demo\/web is not a Kubernetes workload: the Kubernetes client scales Deployments and StatefulSets only$/;
      await expect(client.getScale(compose)).rejects.toThrow(refusal);
      await expect(client.replaceScale(compose, 3, '1')).rejects.toThrow(
        refusal,
      );
      await expect(
        client.patchTemplateResources(compose, [
          { name: 'web', requests: { cpu: 0.5 } },
        ]),
      ).rejects.toThrow(refusal);
      expect(requests).toBe(0);
    } finally {
      await new Promise(resolve => server.close(resolve));
    }
  });
});
