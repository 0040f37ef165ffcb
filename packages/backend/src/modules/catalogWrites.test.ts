/*
 * Catalog writes through the real catalog backend, decided by the demo role policy (issue 15
 * item 11: a guest `DELETE /api/catalog/entities/by-uid/…` used to answer 204). The
 * permissions service asks AutoscalingRolePolicy directly, with the demo users' ownership
 * refs, as the permission backend would.
 */
import {
  coreServices,
  createServiceFactory,
  type BackstageCredentials,
  type PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { PolicyQueryUser } from '@backstage/plugin-permission-node';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import request from 'supertest';
import { AutoscalingRolePolicy } from './permissionPolicy';

jest.setTimeout(120_000);

const claims: Record<string, string[]> = {
  'user:default/pat': ['user:default/pat', 'group:default/platform-team'],
  'user:default/bob': ['user:default/bob', 'group:default/acme-checkout'],
  'user:default/gus': ['user:default/gus', 'group:default/globex-finance'],
  'user:development/guest': ['user:development/guest'],
};
const as = (ref: string) => mockCredentials.user.header(ref);

const CHECKOUT_API_YAML = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout-api
  namespace: default
spec:
  type: service
  lifecycle: production
  owner: group:default/acme-checkout
`;

function rolePolicyPermissions(): PermissionsService {
  const policy = new AutoscalingRolePolicy();
  const decide = (permission: any, credentials: BackstageCredentials) => {
    const principal = credentials.principal as {
      type: string;
      userEntityRef?: string;
    };
    if (principal.type === 'service')
      return Promise.resolve({ result: AuthorizeResult.ALLOW });
    const ref = principal.userEntityRef!;
    const user = {
      credentials,
      info: { userEntityRef: ref, ownershipEntityRefs: claims[ref] ?? [ref] },
    } as PolicyQueryUser;
    return policy.handle({ permission }, user);
  };
  return {
    async authorize(requests, { credentials }) {
      return Promise.all(
        requests.map(async r => {
          const d = await decide(r.permission, credentials);
          return {
            result:
              d.result === AuthorizeResult.ALLOW
                ? AuthorizeResult.ALLOW
                : AuthorizeResult.DENY,
          };
        }),
      ) as any;
    },
    async authorizeConditional(requests, { credentials }) {
      return Promise.all(
        requests.map(r => decide(r.permission, credentials)),
      ) as any;
    },
  };
}

describe('catalog writes under the demo role policy', () => {
  let server: any;
  let stop: () => Promise<void>;
  let uid = '';

  const directory = createMockDirectory({
    content: { 'catalog.yaml': CHECKOUT_API_YAML },
  });

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        mockServices.rootConfig.factory({
          data: {
            permission: { enabled: true },
            catalog: {
              processingInterval: { seconds: 1 },
              locations: [
                { type: 'file', target: directory.resolve('catalog.yaml') },
              ],
            },
          },
        }),
        createServiceFactory({
          service: coreServices.permissions,
          deps: {},
          factory: () => rolePolicyPermissions(),
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
    for (let i = 0; i < 200 && !uid; i++) {
      const res = await request(server)
        .get('/api/catalog/entities/by-name/component/default/checkout-api')
        .set('Authorization', as('user:default/pat'));
      if (res.status === 200) uid = res.body.metadata.uid;
      else await new Promise(resolve => setTimeout(resolve, 100));
    }
    if (!uid) throw new Error('checkout-api never appeared in the catalog');
  });
  afterAll(() => stop?.());

  it('lets everyone, the guest included, read the entity', async () => {
    for (const user of Object.keys(claims)) {
      const res = await request(server)
        .get(`/api/catalog/entities/by-uid/${uid}`)
        .set('Authorization', as(user));
      expect([user, res.status]).toEqual([user, 200]);
    }
  });

  it('refuses the guest and non-owners to register locations or delete the entity', async () => {
    for (const user of [
      'user:development/guest',
      'user:default/gus',
      'user:default/bob',
    ]) {
      const location = await request(server)
        .post('/api/catalog/locations')
        .set('Authorization', as(user))
        .send({ type: 'url', target: 'https://example.com/evil.yaml' });
      expect([user, location.status]).toEqual([user, 403]);
    }
    for (const user of ['user:development/guest', 'user:default/gus']) {
      const deleted = await request(server)
        .delete(`/api/catalog/entities/by-uid/${uid}`)
        .set('Authorization', as(user));
      expect([user, deleted.status]).toEqual([user, 403]);
    }
    const still = await request(server)
      .get(`/api/catalog/entities/by-uid/${uid}`)
      .set('Authorization', as('user:default/pat'));
    expect(still.status).toBe(200);
  });

  it('lets the owner delete the entity', async () => {
    const deleted = await request(server)
      .delete(`/api/catalog/entities/by-uid/${uid}`)
      .set('Authorization', as('user:default/bob'));
    expect(deleted.status).toBe(204);
  });
});
