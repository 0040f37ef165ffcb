/**
 * Permission checks of the autoscaling API. Basic permissions go through
 * `permissions.authorize`. Resource permissions (policy read/update, manual scale) go through
 * `permissions.authorizeConditional`; a CONDITIONAL decision is evaluated here against the
 * target from the catalog with the rules registered for `autoscaling-target`, which is what
 * the permission backend would do through the registry's apply-conditions endpoint, without
 * the round trip.
 */
import type {
  BackstageCredentials,
  PermissionsRegistryService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type BasicPermission,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import { createConditionAuthorizer } from '@backstage/plugin-permission-node';
import {
  autoscalingPermissions,
  type AUTOSCALING_TARGET_RESOURCE_TYPE,
} from '@internal/plugin-autoscaling-common';
import {
  autoscalingTargetResourceRef,
  autoscalingTargetRules,
  type AutoscalingTarget,
} from '@internal/plugin-autoscaling-node';

export type TargetPermission = ResourcePermission<
  typeof AUTOSCALING_TARGET_RESOURCE_TYPE
>;

export interface TargetLookup {
  resolveResources(
    refs: string[],
  ): Promise<Array<AutoscalingTarget | undefined>>;
}

/** Registers the resource type, its permissions and rules with the permissions registry. */
export function registerAutoscalingPermissions(
  registry: PermissionsRegistryService,
  targets: TargetLookup,
) {
  registry.addResourceType({
    resourceRef: autoscalingTargetResourceRef,
    permissions: autoscalingPermissions,
    rules: Object.values(autoscalingTargetRules),
    getResources: refs => targets.resolveResources(refs),
  });
}

export class TargetAuthorizer {
  constructor(
    private readonly options: {
      permissions: PermissionsService;
      permissionsRegistry: PermissionsRegistryService;
      targets: TargetLookup;
    },
  ) {}

  async isAllowed(
    credentials: BackstageCredentials,
    permission: BasicPermission,
  ): Promise<boolean> {
    const [decision] = await this.options.permissions.authorize(
      [{ permission }],
      {
        credentials,
      },
    );
    return decision.result === AuthorizeResult.ALLOW;
  }

  /**
   * Whether the principal holds a resource permission on the entity. A conditional decision
   * is applied to the catalog's view of the entity; an unknown entity is denied.
   */
  async isAllowedOnTarget(
    credentials: BackstageCredentials,
    permission: TargetPermission,
    entityRef: string,
  ): Promise<boolean> {
    const [decision] = await this.options.permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.ALLOW) return true;
    if (decision.result === AuthorizeResult.DENY) return false;
    const [resource] = await this.options.targets.resolveResources([entityRef]);
    if (!resource) return false;
    const authorize = createConditionAuthorizer(
      this.options.permissionsRegistry.getPermissionRuleset(
        autoscalingTargetResourceRef,
      ),
    );
    return authorize(decision, resource);
  }

  /**
   * For each entity ref, whether the principal holds the resource permission on it: one
   * decision, applied to each target from the catalog (unknown entities are denied).
   */
  async allowedOnTargets(
    credentials: BackstageCredentials,
    permission: TargetPermission,
    entityRefs: string[],
  ): Promise<boolean[]> {
    if (entityRefs.length === 0) return [];
    const [decision] = await this.options.permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.CONDITIONAL) {
      return entityRefs.map(() => decision.result === AuthorizeResult.ALLOW);
    }
    const unique = [...new Set(entityRefs)];
    const resources = await this.options.targets.resolveResources(unique);
    const authorize = createConditionAuthorizer(
      this.options.permissionsRegistry.getPermissionRuleset(
        autoscalingTargetResourceRef,
      ),
    );
    const allowed = new Map(
      unique.map((ref, i) => {
        const resource = resources[i];
        return [ref, resource ? authorize(decision, resource) : false] as const;
      }),
    );
    return entityRefs.map(ref => allowed.get(ref) ?? false);
  }

  /** Whether any resource of the type may be acted on (ALLOW or CONDITIONAL). */
  async isAllowedOnSome(
    credentials: BackstageCredentials,
    permission: TargetPermission,
  ): Promise<{ unconditional: boolean; some: boolean }> {
    const [decision] = await this.options.permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    return {
      unconditional: decision.result === AuthorizeResult.ALLOW,
      some: decision.result !== AuthorizeResult.DENY,
    };
  }

  async require(
    credentials: BackstageCredentials,
    permission: BasicPermission,
  ) {
    if (!(await this.isAllowed(credentials, permission))) {
      throw new NotAllowedError(`Missing permission ${permission.name}`);
    }
  }

  async requireOnTarget(
    credentials: BackstageCredentials,
    permission: TargetPermission,
    entityRef: string,
  ) {
    if (!(await this.isAllowedOnTarget(credentials, permission, entityRef))) {
      throw new NotAllowedError(
        `Missing permission ${permission.name} on ${entityRef}`,
      );
    }
  }
}
