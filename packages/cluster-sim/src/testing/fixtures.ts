/** Test helpers: a small config, a started simulator with a manual clock, an HTTP helper. */
import { startClusterSim, RunningClusterSim, StartOptions } from '../start';

export const START = Date.UTC(2025, 0, 6, 12, 0, 0); // a Monday, noon UTC

export function testConfig(
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    cluster: { name: 'test' },
    clock: { start: new Date(START).toISOString(), tickSeconds: 1 },
    seed: 42,
    tokens: [
      {
        token: 'admin-token',
        user: 'admin',
        rules: [{ verbs: ['*'], resources: ['*'] }],
      },
      {
        token: 'scaler-token',
        user: 'scaler',
        rules: [
          { verbs: ['get', 'list', 'watch'], resources: ['*'] },
          {
            verbs: ['get', 'update', 'patch'],
            resources: ['deployments/scale', 'statefulsets/scale'],
          },
        ],
      },
      {
        token: 'readonly-token',
        user: 'viewer',
        rules: [{ verbs: ['get', 'list', 'watch'], resources: ['*'] }],
      },
    ],
    nodes: [{ count: 3, cpu: '8', memory: '32Gi' }],
    namespaces: [{ name: 'shop', labels: { tenant: 'acme' } }, 'other'],
    workloads: [
      {
        name: 'web',
        namespace: 'shop',
        replicas: 2,
        labels: { app: 'web', 'backstage.io/kubernetes-id': 'web' },
        capacityPerPod: 50,
        startupSeconds: 30,
        resources: {
          requests: { cpu: '500m', memory: '256Mi' },
          limits: { cpu: '500m', memory: '512Mi' },
        },
        demand: { constant: 60 },
      },
      {
        name: 'db',
        namespace: 'shop',
        kind: 'StatefulSet',
        replicas: 2,
        startupSeconds: 10,
        demand: { constant: 10 },
      },
      {
        name: 'api',
        namespace: 'other',
        replicas: 1,
        labels: { app: 'api', 'backstage.io/kubernetes-id': 'api' },
        demand: { constant: 5 },
      },
    ],
    ...overrides,
  };
}

export async function startTestSim(
  overrides: Record<string, unknown> = {},
  options: Partial<StartOptions> = {},
): Promise<RunningClusterSim> {
  return startClusterSim({
    config: testConfig(overrides),
    clock: 'manual',
    ...options,
  });
}

export interface HttpResult {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  text: string;
  headers: Headers;
}

/** fetch + JSON parse, with a bearer token unless `token` is null. */
export async function call(
  sim: { url: string },
  method: string,
  path: string,
  opts: {
    token?: string | null;
    body?: unknown;
    contentType?: string;
    accept?: string;
  } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = {};
  const token = opts.token === undefined ? 'admin-token' : opts.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (opts.body !== undefined)
    headers['Content-Type'] = opts.contentType ?? 'application/json';
  if (opts.accept) headers.Accept = opts.accept;
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers,
    body:
      typeof opts.body === 'string' || opts.body === undefined
        ? opts.body
        : JSON.stringify(opts.body),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text, headers: res.headers };
}
