import type { ScalingPolicy } from '@internal/plugin-autoscaling-common';
import { resolvePolicy } from '@internal/plugin-autoscaling-engine';
import type { WorkloadRecord } from '../store/EngineStore';
import type { PolicyProvider } from './types';

/**
 * The built-in global level, used when nothing else is configured: what a plain HPA
 * with an 80% CPU target would do, bounded to 1..10 replicas, in dry-run so a fresh
 * install never writes to a cluster before someone chooses `auto`.
 */
export const BUILT_IN_GLOBAL_POLICY = {
  minReplicas: 1,
  maxReplicas: 10,
  mode: 'dry-run',
  metrics: [
    { type: 'Resource', resource: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
  ],
} as const;

/** Resolves only the global level; used before the policy store has documents. */
export class GlobalDefaultPolicyProvider implements PolicyProvider {
  private readonly policy: ScalingPolicy;

  constructor(globalOverride: unknown = BUILT_IN_GLOBAL_POLICY) {
    const resolution = resolvePolicy([{ level: 'global', name: 'default', policy: globalOverride }]);
    if (!resolution.ok) {
      throw new Error(
        `Invalid global policy: ${resolution.issues.map(i => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    }
    this.policy = resolution.policy;
  }

  async effectivePolicy(_record: WorkloadRecord): Promise<ScalingPolicy> {
    return this.policy;
  }
}
