import { ReactElement } from 'react';
import { setupServer } from 'msw/node';
import { http, HttpResponse, type HttpHandler } from 'msw';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { identityApiRef } from '@backstage/core-plugin-api';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import { autoscalingApiRef, AutoscalingClient } from '../api';
import { rootRouteRef } from '../routes';

export const BASE_URL = 'http://localhost:7007/api/autoscaling';

/**
 * msw server with test hooks; each test file calls this once at top level. `defaults` answer
 * whatever a test does not override (restored after each test).
 */
export function setupMswServer(...defaults: HttpHandler[]) {
  const server = setupServer(...defaults);
  registerMswTestHooks(server);
  return server;
}

/** A JSON route on the backend base URL. */
export function route(
  method: 'get' | 'post' | 'put',
  path: string,
  body: unknown | (() => unknown),
  status = 200,
): HttpHandler {
  return http[method](`${BASE_URL}${path}`, () =>
    HttpResponse.json(
      (typeof body === 'function' ? (body as () => unknown)() : body) as any,
      { status },
    ),
  );
}

/** A route that never answers (loading state). */
export function pending(
  method: 'get' | 'post' | 'put',
  path: string,
): HttpHandler {
  return http[method](`${BASE_URL}${path}`, () => new Promise<never>(() => {}));
}

/** A route that fails with a Backstage error body. */
export function failing(
  method: 'get' | 'post' | 'put',
  path: string,
  status = 500,
  message = 'engine exploded',
) {
  const name =
    { 403: 'NotAllowedError', 404: 'NotFoundError', 409: 'ConflictError' }[
      status
    ] ?? 'Error';
  return http[method](`${BASE_URL}${path}`, () =>
    HttpResponse.json(
      { error: { name, message }, response: { statusCode: status } },
      { status },
    ),
  );
}

export const checkoutEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout-api',
    namespace: 'default',
    annotations: {
      'backstage.io/kubernetes-id': 'checkout-api',
      'autoscaling.io/tenant': 'acme',
    },
  },
  spec: { type: 'service', owner: 'acme-checkout', lifecycle: 'production' },
};

export const acmeEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: {
    name: 'acme',
    namespace: 'default',
    annotations: { 'autoscaling.io/tier': 'enterprise' },
  },
  spec: { type: 'tenant', children: [] },
};

/**
 * Renders with the real AutoscalingClient over a fixed discovery URL, so msw intercepts the
 * client's real fetches.
 */
export function renderWithApi(
  ui: ReactElement,
  options: { user?: string; entity?: Entity; routeEntries?: string[] } = {},
) {
  const client = new AutoscalingClient({
    discoveryApi: { getBaseUrl: async () => BASE_URL },
    fetchApi: { fetch: (input, init) => fetch(input, init) },
  });
  const identity = mockApis.identity({
    userEntityRef: options.user ?? 'user:default/alice',
  });
  const content = options.entity ? (
    <EntityProvider entity={options.entity}>{ui}</EntityProvider>
  ) : (
    ui
  );
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [autoscalingApiRef, client],
        [identityApiRef, identity],
      ]}
    >
      {content}
    </TestApiProvider>,
    // Links to the platform page (e.g. its approvals tab) resolve as in the app.
    {
      mountedRoutes: { '/autoscaling': rootRouteRef },
      routeEntries: options.routeEntries,
    },
  );
}
