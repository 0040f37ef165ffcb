/**
 * Targets: what the catalog says about the entity a policy or a permission is about.
 * A service is a Component (tenant and environment from annotations, owner from spec.owner);
 * a tenant is a Group with `spec.type: tenant` (tier, replica quota, monthly budget from
 * annotations).
 */
import type { AuthService } from '@backstage/backend-plugin-api';
import {
  makeValidator,
  parseEntityRef,
  stringifyEntityRef,
  type CompoundEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { AutoscalingTarget } from '@internal/plugin-autoscaling-node';
import { paced } from '../util/eventLoopTurns';
import {
  isTenantGroup,
  serviceEnvironmentOf,
  serviceTenantNameOf,
  tenantInfoOf,
  type TenantInfo,
} from '../catalog/catalogModel';

export {
  ENVIRONMENT_ANNOTATION,
  TENANT_ANNOTATION,
} from '../catalog/catalogModel';
export type { TenantInfo } from '../catalog/catalogModel';

export interface ResolvedTarget {
  entityRef: string;
  /** What permission rules see. */
  target: AutoscalingTarget;
  entity: Entity;
  tenant: TenantInfo | null;
  /** The service's environment; null for tenants and unannotated services. */
  environment: string | null;
}

export interface TargetResolver {
  /** The target, or undefined when the entity does not exist or is not a Component/Group. */
  resolve(entityRef: string): Promise<ResolvedTarget | undefined>;
  /** The tenant Group by name or ref, or undefined. */
  tenant(nameOrRef: string): Promise<TenantInfo | undefined>;
  /**
   * Looks up many entities at once ahead of `resolve` calls for them (a tick asks for every
   * workload); optional, `resolve` alone gives the same answers.
   */
  prefetch?(entityRefs: string[]): Promise<void>;
  /** For the permissions registry: resources in the order of the refs. */
  resolveResources(
    refs: string[],
  ): Promise<Array<AutoscalingTarget | undefined>>;
}

const validators = makeValidator();

/** A value for an error message: JSON-quoted (control characters escaped), at most 100 characters. */
export function quoteForMessage(value: string): string {
  return JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}…` : value);
}

/**
 * Refuses refs the catalog would refuse (NUL, emoji, spaces, over-long parts), so callers
 * answer a 400 naming their field instead of passing the catalog's ResponseError on.
 */
function checkedRef(ref: CompoundEntityRef): string {
  if (!validators.isValidKind(ref.kind)) {
    throw new Error(
      `kind ${quoteForMessage(
        ref.kind,
      )} is not an entity kind (letters and digits)`,
    );
  }
  if (!validators.isValidNamespace(ref.namespace)) {
    throw new Error(
      `namespace ${quoteForMessage(
        ref.namespace,
      )} is not an entity namespace (a-z, 0-9 and -, at most 63)`,
    );
  }
  if (!validators.isValidEntityName(ref.name)) {
    throw new Error(
      `name ${quoteForMessage(
        ref.name,
      )} is not an entity name (letters, digits and - _ ., at most 63)`,
    );
  }
  return stringifyEntityRef(ref);
}

/** `acme` or `group:default/acme` → `group:default/acme`; throws on malformed refs. */
export function tenantRefOf(nameOrRef: string): string {
  return checkedRef(
    parseEntityRef(nameOrRef, {
      defaultKind: 'group',
      defaultNamespace: 'default',
    }),
  );
}

/**
 * Normalises an entity ref (lower-cased kind, default namespace); throws on malformed refs
 * and on kinds, namespaces or names the catalog does not accept, with a message saying which.
 */
export function normaliseEntityRef(ref: string): string {
  return checkedRef(parseEntityRef(ref));
}

export { tenantInfoOf } from '../catalog/catalogModel';

/** Entity lookups kept (more than the workloads, tenants and groups of a large fleet). */
const ENTITIES_CACHED = 100_000;
/** Refs per catalog `getEntitiesByRefs` call of a prefetch. */
const ENTITIES_PER_BATCH = 1_000;

/** How far below a tenant Group its member groups are looked for, and how many at most. */
const MEMBER_GROUP_DEPTH = 10;
const MEMBER_GROUP_LIMIT = 500;

/**
 * The Groups directly below a Group: its `parentOf` relations (the catalog emits them from
 * both the parent's `spec.children` and each child's `spec.parent`) and its `spec.children`.
 */
function childGroupRefs(group: Entity): string[] {
  const refs = new Set<string>();
  for (const relation of group.relations ?? []) {
    if (relation.type === 'parentOf') refs.add(relation.targetRef);
  }
  const children = (group.spec as any)?.children;
  for (const child of Array.isArray(children) ? children : []) {
    if (typeof child !== 'string') continue;
    try {
      refs.add(
        stringifyEntityRef(
          parseEntityRef(child, {
            defaultKind: 'group',
            defaultNamespace: group.metadata.namespace ?? 'default',
          }),
        ),
      );
    } catch {
      // A malformed child ref names no group.
    }
  }
  return [...refs].filter(ref => ref.startsWith('group:'));
}

export class CatalogTargetResolver implements TargetResolver {
  private readonly cache = new Map<
    string,
    { at: number; value: Entity | undefined }
  >();

  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      /** Entity lookups are cached this long (0 disables the cache). */
      cacheSeconds?: number;
      clock?: () => Date;
    },
  ) {}

  private now() {
    return (this.options.clock?.() ?? new Date()).getTime();
  }

  private get ttlMs(): number {
    return (this.options.cacheSeconds ?? 30) * 1000;
  }

  private cached(ref: string): { value: Entity | undefined } | undefined {
    const hit = this.cache.get(ref);
    return hit && this.ttlMs > 0 && this.now() - hit.at < this.ttlMs
      ? hit
      : undefined;
  }

  private remember(ref: string, value: Entity | undefined) {
    if (this.ttlMs <= 0) return;
    if (this.cache.size >= ENTITIES_CACHED) this.cache.clear();
    this.cache.set(ref, { at: this.now(), value });
  }

  private async entity(ref: string): Promise<Entity | undefined> {
    const hit = this.cached(ref);
    if (hit) return hit.value;
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const value = await this.options.catalog.getEntityByRef(ref, {
      credentials,
    });
    this.remember(ref, value);
    return value;
  }

  /**
   * The refs not cached fresh, looked up ENTITIES_PER_BATCH at a time (`getEntitiesByRefs`):
   * when the cache of a 10,000-workload tick expires, ten catalog calls instead of 10,000.
   */
  async prefetch(entityRefs: string[]): Promise<void> {
    if (this.ttlMs <= 0) return;
    const due = new Set<string>();
    for (const entityRef of entityRefs) {
      await paced(); // 10,000 refs to parse: requests get turns in between
      try {
        const ref = normaliseEntityRef(entityRef);
        if (!this.cached(ref)) due.add(ref);
      } catch {
        // resolve() answers a malformed ref itself
      }
    }
    const refs = [...due];
    if (refs.length === 0) return;
    const credentials = await this.options.auth.getOwnServiceCredentials();
    for (let i = 0; i < refs.length; i += ENTITIES_PER_BATCH) {
      const batch = refs.slice(i, i + ENTITIES_PER_BATCH);
      const { items } = await this.options.catalog.getEntitiesByRefs(
        { entityRefs: batch },
        { credentials },
      );
      batch.forEach((ref, k) => this.remember(ref, items[k] ?? undefined));
    }
  }

  async tenant(nameOrRef: string): Promise<TenantInfo | undefined> {
    let ref: string;
    try {
      ref = tenantRefOf(nameOrRef);
    } catch {
      return undefined;
    }
    const entity = await this.entity(ref);
    return entity && isTenantGroup(entity) ? tenantInfoOf(entity) : undefined;
  }

  /**
   * The tenant Group and every Group below it (breadth first through the catalog's
   * hierarchy, cycles ignored, at most MEMBER_GROUP_DEPTH levels and MEMBER_GROUP_LIMIT
   * groups): a member of any of them is a member of the tenant.
   */
  private async tenantMemberRefs(tenant: Entity): Promise<string[]> {
    const seen = new Set([stringifyEntityRef(tenant)]);
    let level: Entity[] = [tenant];
    for (
      let depth = 0;
      depth < MEMBER_GROUP_DEPTH && level.length > 0;
      depth++
    ) {
      const next = level
        .flatMap(childGroupRefs)
        .filter(ref => !seen.has(ref))
        .slice(0, Math.max(0, MEMBER_GROUP_LIMIT - seen.size));
      next.forEach(ref => seen.add(ref));
      const entities = await Promise.all(next.map(ref => this.entity(ref)));
      level = entities.filter((e): e is Entity => e !== undefined);
    }
    return [...seen];
  }

  async resolve(entityRef: string): Promise<ResolvedTarget | undefined> {
    let ref: string;
    try {
      ref = normaliseEntityRef(entityRef);
    } catch {
      return undefined;
    }
    const entity = await this.entity(ref);
    if (!entity) return undefined;
    const kind = entity.kind.toLowerCase();
    if (kind === 'group') {
      const tenant = isTenantGroup(entity) ? tenantInfoOf(entity) : null;
      return {
        entityRef: ref,
        entity,
        tenant,
        environment: null,
        target: {
          entityRef: ref,
          kind: 'group',
          tenantRef: tenant ? ref : undefined,
          tenantMemberRefs: tenant
            ? await this.tenantMemberRefs(entity)
            : undefined,
        },
      };
    }
    if (kind !== 'component') return undefined;
    const tenant = (await this.tenant(serviceTenantNameOf(entity))) ?? null;
    const tenantEntity = tenant
      ? await this.entity(tenant.entityRef)
      : undefined;
    const owner = (entity.spec as any)?.owner;
    let ownerRef: string | undefined;
    if (typeof owner === 'string' && owner) {
      try {
        ownerRef = stringifyEntityRef(
          parseEntityRef(owner, {
            defaultKind: 'group',
            defaultNamespace: entity.metadata.namespace ?? 'default',
          }),
        );
      } catch {
        ownerRef = undefined;
      }
    }
    return {
      entityRef: ref,
      entity,
      tenant,
      environment: serviceEnvironmentOf(entity),
      target: {
        entityRef: ref,
        kind: 'component',
        tenantRef: tenant?.entityRef,
        ownerRef,
        tenantMemberRefs: tenantEntity
          ? await this.tenantMemberRefs(tenantEntity)
          : undefined,
      },
    };
  }

  async resolveResources(
    refs: string[],
  ): Promise<Array<AutoscalingTarget | undefined>> {
    return Promise.all(
      refs.map(async ref => (await this.resolve(ref))?.target),
    );
  }
}
