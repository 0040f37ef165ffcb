import { TENANT_TIER_ANNOTATION } from '@internal/plugin-autoscaling-common';

interface GroupLike {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec?: { type?: unknown } | Record<string, unknown>;
}

/** A Group is a tenant when its type is `tenant` or it carries the tier annotation. */
export function isTenantGroup(entity: GroupLike): boolean {
  if (entity.kind.toLocaleLowerCase('en-US') !== 'group') return false;
  return (
    (entity.spec as { type?: unknown } | undefined)?.type === 'tenant' ||
    Boolean(entity.metadata.annotations?.[TENANT_TIER_ANNOTATION])
  );
}
