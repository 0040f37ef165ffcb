/**
 * Writing: the scale subresource with the resourceVersion the decision was made on. A 409
 * means someone changed the workload since it was read: re-read, re-decide on the fresh count
 * and write once more; never blindly retry the old value.
 */
import type { DecisionOutcome } from '@internal/plugin-autoscaling-common';
import { ScaleConflictError, type ClusterClient } from '../kubernetes/types';
import type { Plan } from './plan';

export interface ScaleWriteResult {
  /** The plan the last write (or the last re-read) was made on. */
  plan: Plan;
  outcome: DecisionOutcome;
  /** Whether a write was sent (also when it failed). */
  wrote: boolean;
  error?: string;
}

export async function writeScale(
  planned: Plan,
  client: Pick<ClusterClient, 'replaceScale'>,
  /** Observes and decides the workload again (same limits), after a 409. */
  replan: (plan: Plan) => Promise<Plan>,
): Promise<ScaleWriteResult> {
  let plan = planned;
  let outcome: DecisionOutcome = 'unchanged';
  let error: string | undefined;
  let wrote = false;
  const { record } = plan.discovered;
  for (let attempt = 0; attempt < 2; attempt++) {
    if (plan.result.decision.kind !== 'scale') break;
    try {
      wrote = true;
      await client.replaceScale(
        record,
        plan.result.desiredReplicas,
        plan.scale.resourceVersion,
      );
      return { plan, outcome: 'applied', wrote };
    } catch (e) {
      if (!(e instanceof ScaleConflictError)) {
        return {
          plan,
          outcome: 'failed',
          wrote,
          error: String((e as Error).message ?? e),
        };
      }
      outcome = 'conflict';
      error = e.message;
      try {
        plan = await replan(plan);
      } catch (reread) {
        // Nothing was written; still record the decision and why it was not applied.
        return {
          plan,
          outcome,
          wrote,
          error: `${e.message}; re-reading it failed: ${
            (reread as Error).message ?? reread
          }`,
        };
      }
      if (plan.result.decision.kind !== 'scale') outcome = 'unchanged';
    }
  }
  return { plan, outcome, wrote, error };
}
