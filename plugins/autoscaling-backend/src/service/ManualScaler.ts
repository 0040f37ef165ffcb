import { ConflictError, InputError } from '@backstage/errors';
import type { Decision } from '@internal/plugin-autoscaling-common';
import type { AuditSink, PolicyProvider } from '../evaluation/types';
import type { ClusterClient } from '../kubernetes/types';
import { ScaleConflictError } from '../kubernetes/types';
import { EngineStore, StoredWorkload } from '../store/EngineStore';

/**
 * Manual scale and rollback with a reason. Both respect the policy's min/max and the
 * kill switch, write with a resourceVersion precondition, and are audited.
 */
export class ManualScaler {
  constructor(
    private readonly store: EngineStore,
    private readonly clientFor: (cluster: string) => ClusterClient,
    private readonly policies: PolicyProvider,
    private readonly audit: AuditSink,
    private readonly killSwitchEnabled: () => Promise<boolean>,
    private readonly clock: () => number = Date.now,
  ) {}

  async scale(
    workload: StoredWorkload,
    replicas: number,
    actor: string,
    reason: string,
  ): Promise<Decision> {
    await this.checkBounds(workload, replicas, `${replicas}`);
    return this.write(workload, replicas, actor, reason, 'workload.scale');
  }

  /** Manual scale and rollback both stay within the policy's min and max. */
  private async checkBounds(
    workload: StoredWorkload,
    replicas: number,
    what: string,
  ) {
    const policy = await this.policies.effectivePolicy(workload);
    if (replicas < policy.minReplicas || replicas > policy.maxReplicas) {
      throw new InputError(
        `replicas: ${what} is outside the policy's bounds [${policy.minReplicas}, ${policy.maxReplicas}]`,
      );
    }
  }

  /** Back to the replica count before the last applied change. */
  async rollback(
    workload: StoredWorkload,
    actor: string,
    reason: string,
  ): Promise<Decision> {
    const decisions = await this.store.listDecisions(workload.id, {
      limit: 200,
    });
    const last = decisions.find(
      d => d.outcome === 'applied' && d.from !== d.to,
    );
    if (!last) {
      throw new InputError('workload: there is no applied change to roll back');
    }
    await this.checkBounds(workload, last.from, `rolling back to ${last.from}`);
    return this.write(workload, last.from, actor, reason, 'workload.rollback');
  }

  private async write(
    workload: StoredWorkload,
    replicas: number,
    actor: string,
    reason: string,
    action: 'workload.scale' | 'workload.rollback',
  ): Promise<Decision> {
    if (await this.killSwitchEnabled()) {
      throw new ConflictError(
        'The global kill switch is on: no writes to clusters',
      );
    }
    const client = this.clientFor(workload.cluster);
    const scale = await client.getScale(workload);
    try {
      await client.replaceScale(workload, replicas, scale.resourceVersion);
    } catch (error) {
      if (error instanceof ScaleConflictError) {
        throw new ConflictError(`${error.message}; reload and try again`);
      }
      throw error;
    }
    const decision = await this.store.recordDecision({
      workloadId: workload.id,
      at: new Date(this.clock()).toISOString(),
      kind: 'scale',
      from: scale.replicas,
      to: replicas,
      mode: workload.status?.mode ?? 'auto',
      outcome: 'applied',
      actor,
      reasons: [
        {
          code: action === 'workload.scale' ? 'ManualScale' : 'Rollback',
          message: `${
            action === 'workload.scale' ? 'manual scale' : 'rollback'
          } by ${actor}: ${reason}`,
        },
      ],
    });
    await this.audit.append({
      actor,
      action,
      target: workload.entityRef,
      before: { workload: workload.id, replicas: scale.replicas },
      after: { workload: workload.id, replicas },
      reason,
    });
    return decision;
  }
}
