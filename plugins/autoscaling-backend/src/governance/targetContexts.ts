/**
 * Target contexts: where a policy document sits. Parses `:level/:name` (or an entity ref)
 * into the document's target, the levels it inherits from, the entity permissions are
 * checked on, and what guardrails need (tenant, environment).
 */
import { InputError, NotFoundError } from '@backstage/errors';
import type {
  PolicyLevel,
  PolicyTarget,
  TenantTier,
} from '@internal/plugin-autoscaling-common';
import {
  normaliseEntityRef,
  quoteForMessage,
  tenantRefOf,
  type ResolvedTarget,
  type TargetResolver,
  type TenantInfo,
} from './targets';

export const POLICY_LEVEL_NAMES: readonly PolicyLevel[] = [
  'global',
  'environment',
  'tier',
  'tenant',
  'service',
];
const TIERS: readonly TenantTier[] = ['enterprise', 'premium', 'basic'];
const ENVIRONMENT_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * Where a policy document sits: the levels above it, the entity permissions are checked on,
 * and the context guardrails need.
 */
export interface TargetContext {
  target: PolicyTarget;
  /**
   * The catalog entity ref for service and tenant documents; a pseudo ref
   * `<level>:<name>` (e.g. `environment:production`) for platform-wide levels.
   */
  entityRef: string;
  /** Whether the document belongs to a catalog entity (service, tenant). */
  isEntity: boolean;
  resolved?: ResolvedTarget;
  tenant: TenantInfo | null;
  environment: string | null;
  /** The documents this level inherits from, outermost first. */
  parents: PolicyTarget[];
}

export class TargetContexts {
  constructor(private readonly targets: TargetResolver) {}

  /** Parses `:level/:name` into a target with its context; 400 for a bad level or name, 404 for an unknown entity. */
  async contextFor(level: string, name: string): Promise<TargetContext> {
    if (!POLICY_LEVEL_NAMES.includes(level as PolicyLevel)) {
      throw new InputError(
        `level: must be one of ${POLICY_LEVEL_NAMES.join(
          ', ',
        )} (got "${level}")`,
      );
    }
    const global: PolicyTarget = { level: 'global', name: 'default' };
    switch (level as PolicyLevel) {
      case 'global':
        if (name !== 'default')
          throw new InputError('name: the global policy is named "default"');
        return this.platformContext(global, []);
      case 'environment':
        if (!ENVIRONMENT_NAME.test(name)) {
          throw new InputError(
            `name: "${name}" is not an environment name (lower-case letters, digits, -)`,
          );
        }
        return this.platformContext({ level: 'environment', name }, [global]);
      case 'tier':
        if (!TIERS.includes(name as TenantTier)) {
          throw new InputError(
            `name: tier must be one of ${TIERS.join(', ')} (got "${name}")`,
          );
        }
        return this.platformContext({ level: 'tier', name }, [global]);
      case 'tenant': {
        let ref: string;
        try {
          ref = tenantRefOf(name);
        } catch (error) {
          // Control characters, emoji and other non-ASCII text are malformed input (the
          // catalog itself would refuse them); a printable name the catalog cannot hold
          // names no tenant group.
          if (!PRINTABLE_ASCII.test(name)) {
            throw new InputError(
              `name: ${quoteForMessage(name)} is not a tenant name: ${
                (error as Error).message
              }`,
            );
          }
          throw new NotFoundError(
            `No tenant group ${quoteForMessage(name)} in the catalog: ${
              (error as Error).message
            }`,
          );
        }
        const resolved = await this.targets.resolve(ref);
        if (!resolved?.tenant)
          throw new NotFoundError(`No tenant group ${ref} in the catalog`);
        const parents: PolicyTarget[] = [global];
        if (resolved.tenant.tier)
          parents.push({ level: 'tier', name: resolved.tenant.tier });
        return {
          target: { level: 'tenant', name: resolved.tenant.name },
          entityRef: ref,
          isEntity: true,
          resolved,
          tenant: resolved.tenant,
          environment: null,
          parents,
        };
      }
      default:
        return this.serviceContext(name);
    }
  }

  /**
   * Looks the entities up in batches ahead of `contextForEntity` for each (see targets.ts). A
   * failed batch is no failure here: each entity's own lookup then answers, or fails, alone.
   */
  async prefetch(entityRefs: string[]): Promise<void> {
    await this.targets.prefetch?.(entityRefs).catch(() => undefined);
  }

  /** Context of an entity (Component → its service document, tenant Group → its tenant document). */
  async contextForEntity(entityRef: string): Promise<TargetContext> {
    return this.serviceContext(entityRef);
  }

  private platformContext(
    target: PolicyTarget,
    parents: PolicyTarget[],
  ): TargetContext {
    return {
      target,
      entityRef: `${target.level}:${target.name}`,
      isEntity: false,
      tenant: null,
      environment: target.level === 'environment' ? target.name : null,
      parents,
    };
  }

  private async serviceContext(entityRef: string): Promise<TargetContext> {
    let ref: string;
    try {
      ref = normaliseEntityRef(entityRef);
    } catch (error) {
      throw new InputError(
        `name: ${quoteForMessage(
          entityRef,
        )} is not an entity ref (e.g. component:default/checkout-api): ${
          (error as Error).message
        }`,
      );
    }
    const resolved = await this.targets.resolve(ref);
    if (!resolved) throw new NotFoundError(`No entity ${ref} in the catalog`);
    if (resolved.target.kind === 'group') {
      if (!resolved.tenant)
        throw new InputError(
          `entityRef: ${ref} is neither a service nor a tenant`,
        );
      return this.contextFor('tenant', resolved.tenant.name);
    }
    const parents: PolicyTarget[] = [{ level: 'global', name: 'default' }];
    if (resolved.environment)
      parents.push({ level: 'environment', name: resolved.environment });
    if (resolved.tenant?.tier)
      parents.push({ level: 'tier', name: resolved.tenant.tier });
    if (resolved.tenant)
      parents.push({ level: 'tenant', name: resolved.tenant.name });
    return {
      target: { level: 'service', name: ref },
      entityRef: ref,
      isEntity: true,
      resolved,
      tenant: resolved.tenant,
      environment: resolved.environment,
      parents,
    };
  }
}
