import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import type { ClusterEvaluator } from './ClusterEvaluator';
import type { EngineStore } from '../store/EngineStore';

/**
 * One scheduler task per cluster, `scope: 'global'`: several backend replicas on one
 * PostgreSQL share the work and never evaluate (or write to) a cluster twice at once.
 */
export async function scheduleEvaluation(options: {
  scheduler: SchedulerService;
  logger: LoggerService;
  evaluators: Map<string, ClusterEvaluator>;
  store: EngineStore;
  intervalSeconds: number;
  retentionDays: number;
  clock?: () => number;
  /** Runs after each cluster tick (the alert rules); a failure is logged, never the tick's. */
  afterTick?: (cluster: string, nowMs: number) => Promise<void>;
}): Promise<void> {
  const clock = options.clock ?? Date.now;
  for (const [cluster, evaluator] of options.evaluators) {
    await options.scheduler.scheduleTask({
      id: `autoscaling-evaluate-${cluster}`,
      scope: 'global',
      frequency: { seconds: options.intervalSeconds },
      timeout: { minutes: 2 },
      fn: async () => {
        const nowMs = clock();
        const { evaluated, failures } = await evaluator.tick(nowMs);
        options.logger.debug(
          `Evaluated ${evaluated} workloads on ${cluster} (${failures} failures)`,
        );
        try {
          await options.afterTick?.(cluster, nowMs);
        } catch (error) {
          options.logger.warn(
            `Alert evaluation of ${cluster} failed: ${error}`,
          );
        }
      },
    });
  }
  await options.scheduler.scheduleTask({
    id: 'autoscaling-retention',
    scope: 'global',
    frequency: { hours: 1 },
    timeout: { minutes: 5 },
    fn: async () => {
      const cutoff = clock() - options.retentionDays * 24 * 3600_000;
      const pruned = await options.store.prune(cutoff);
      options.logger.info(
        `Pruned ${pruned.decisions} decisions and ${pruned.points} metric points older than ${options.retentionDays} days`,
      );
    },
  });
}
