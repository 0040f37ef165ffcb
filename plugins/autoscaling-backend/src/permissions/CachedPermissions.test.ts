import type { PermissionsService } from '@backstage/backend-plugin-api';
import { CacheManager } from '@backstage/backend-defaults/cache';
import { mockCredentials } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  AuthorizeResult,
  createPermission,
  type AuthorizePermissionRequest,
  type QueryPermissionRequest,
} from '@backstage/plugin-permission-common';
import { CachedPermissions, principalKeyOf } from './CachedPermissions';

const read = createPermission({
  name: 'autoscaling.state.read',
  attributes: { action: 'read' },
});
const update = createPermission({
  name: 'autoscaling.policy.update',
  attributes: { action: 'update' },
  resourceType: 'autoscaling-target',
});

/** A permission backend whose answers the test changes, counting what it is asked. */
function policyBackend() {
  const allowed = new Set<string>();
  const calls: string[] = [];
  const decide = (principal: string, name: string) =>
    allowed.has(`${principal}:${name}`)
      ? AuthorizeResult.ALLOW
      : AuthorizeResult.DENY;
  const inner: PermissionsService = {
    async authorize(requests: AuthorizePermissionRequest[], options) {
      const principal = principalKeyOf(options.credentials) ?? 'none';
      calls.push(`authorize ${principal}`);
      return requests.map(r => ({
        result: decide(principal, r.permission.name),
      })) as any;
    },
    async authorizeConditional(requests: QueryPermissionRequest[], options) {
      const principal = principalKeyOf(options.credentials) ?? 'none';
      calls.push(`conditional ${principal}`);
      return requests.map(r => ({
        result: decide(principal, r.permission.name),
      })) as any;
    },
  };
  return { inner, allowed, calls };
}

function setUp(ttlMs = 10_000) {
  const backend = policyBackend();
  let now = 1_000_000;
  const cache = CacheManager.fromConfig(new ConfigReader({})).forPlugin(
    'autoscaling',
  );
  const permissions = new CachedPermissions(backend.inner, cache, {
    ttlMs,
    clock: () => now,
  });
  return {
    ...backend,
    permissions,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const alice = mockCredentials.user('user:default/alice');
const bob = mockCredentials.user('user:default/bob');

describe('CachedPermissions', () => {
  it('asks the permission backend once per principal and permission within the TTL', async () => {
    const t = setUp();
    t.allowed.add('user:user:default/alice:autoscaling.state.read');
    for (let i = 0; i < 5; i++) {
      const [d] = await t.permissions.authorize([{ permission: read }], {
        credentials: alice,
      });
      expect(d.result).toBe(AuthorizeResult.ALLOW);
    }
    const [forBob] = await t.permissions.authorize([{ permission: read }], {
      credentials: bob,
    });
    expect(forBob.result).toBe(AuthorizeResult.DENY);
    expect(t.calls).toEqual([
      'authorize user:user:default/alice',
      'authorize user:user:default/bob',
    ]);
  });

  it('a revoked permission takes effect once the TTL has passed, not before', async () => {
    const t = setUp(10_000);
    t.allowed.add('user:user:default/alice:autoscaling.policy.update');
    const ask = async () =>
      (
        await t.permissions.authorizeConditional([{ permission: update }], {
          credentials: alice,
        })
      )[0].result;
    expect(await ask()).toBe(AuthorizeResult.ALLOW);
    t.allowed.clear();
    t.advance(9_999);
    expect(await ask()).toBe(AuthorizeResult.ALLOW);
    t.advance(1);
    expect(await ask()).toBe(AuthorizeResult.DENY);
    expect(t.calls).toHaveLength(2);
  });

  it('a burst of concurrent requests makes one call', async () => {
    const t = setUp();
    t.allowed.add('user:user:default/alice:autoscaling.state.read');
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        t.permissions.authorize([{ permission: read }], {
          credentials: alice,
        }),
      ),
    );
    expect(results.every(([d]) => d.result === AuthorizeResult.ALLOW)).toBe(
      true,
    );
    expect(t.calls).toHaveLength(1);
  });

  it('past half the TTL, answers from the cache at once and asks again in the background', async () => {
    const t = setUp(10_000);
    t.allowed.add('user:user:default/alice:autoscaling.state.read');
    const ask = async () =>
      (
        await t.permissions.authorize([{ permission: read }], {
          credentials: alice,
        })
      )[0].result;
    expect(await ask()).toBe(AuthorizeResult.ALLOW);
    t.advance(4_999);
    expect(await ask()).toBe(AuthorizeResult.ALLOW);
    expect(t.calls).toHaveLength(1);

    // Revoked; the refresh-ahead starts at 5 s and its answer replaces the entry.
    t.allowed.clear();
    let release!: () => void;
    const held = new Promise<void>(r => {
      release = r;
    });
    const inner = t.inner.authorize;
    t.inner.authorize = async (requests, options) => {
      await held;
      return inner(requests, options);
    };
    t.advance(1);
    // Served while the background call is still waiting on the permission backend.
    expect(await ask()).toBe(AuthorizeResult.ALLOW);
    expect(await ask()).toBe(AuthorizeResult.ALLOW);
    release();
    await new Promise(r => setImmediate(r));
    expect(t.calls).toHaveLength(2);
    expect(await ask()).toBe(AuthorizeResult.DENY);
    expect(t.calls).toHaveLength(2);
  });

  it('does not cache resource refs, batches, anonymous principals or a zero TTL', async () => {
    const t = setUp();
    await t.permissions.authorize(
      [{ permission: update, resourceRef: 'component:default/a' }],
      { credentials: alice },
    );
    await t.permissions.authorize(
      [{ permission: update, resourceRef: 'component:default/a' }],
      { credentials: alice },
    );
    await t.permissions.authorize(
      [{ permission: read }, { permission: read }],
      {
        credentials: alice,
      },
    );
    await t.permissions.authorize(
      [{ permission: read }, { permission: read }],
      {
        credentials: alice,
      },
    );
    await t.permissions.authorize([{ permission: read }], {
      credentials: mockCredentials.none(),
    });
    await t.permissions.authorize([{ permission: read }], {
      credentials: mockCredentials.none(),
    });
    expect(t.calls).toHaveLength(6);

    const off = setUp(0);
    await off.permissions.authorize([{ permission: read }], {
      credentials: alice,
    });
    await off.permissions.authorize([{ permission: read }], {
      credentials: alice,
    });
    expect(off.calls).toHaveLength(2);
  });

  it('does not cache a failed call', async () => {
    const t = setUp();
    let fail = true;
    const inner = t.inner;
    const flaky = new CachedPermissions(
      {
        ...inner,
        authorize: async (requests, options) => {
          if (fail) throw new Error('permission backend unreachable');
          return inner.authorize(requests, options);
        },
      },
      CacheManager.fromConfig(new ConfigReader({})).forPlugin('autoscaling'),
    );
    await expect(
      flaky.authorize([{ permission: read }], { credentials: alice }),
    ).rejects.toThrow('unreachable');
    fail = false;
    t.allowed.add('user:user:default/alice:autoscaling.state.read');
    const [d] = await flaky.authorize([{ permission: read }], {
      credentials: alice,
    });
    expect(d.result).toBe(AuthorizeResult.ALLOW);
  });
});
