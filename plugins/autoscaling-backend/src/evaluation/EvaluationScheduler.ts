import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import type { ClusterEvaluator } from './ClusterEvaluator';
import type { EngineStore } from '../store/EngineStore';
import type { ClusterHealthStore } from '../store/ClusterHealthStore';
import { newerHealth, type ClusterHealth } from './ClusterHealth';

/**
 * One scheduler task per cluster, `scope: 'global'`: several backend replicas on one
 * PostgreSQL share the work and never evaluate (or write to) a cluster twice at once. Each
 * tick starts from the cluster's health as the last tick left it, on whichever replica, and
 * shares its own (`ClusterHealthStore`). A replica with `evaluate: false` schedules no tick:
 * it serves the API while others evaluate (the backend README, "Replicas").
 */
export async function scheduleEvaluation(options: {
  scheduler: SchedulerService;
  logger: LoggerService;
  evaluators: Map<string, ClusterEvaluator>;
  /** Whether this replica evaluates clusters (`autoscaling.evaluationEnabled`). */
  evaluate: boolean;
  health: ReadonlyMap<string, ClusterHealth>;
  healthStore: ClusterHealthStore;
  store: EngineStore;
  intervalSeconds: number;
  retentionDays: number;
  clock?: () => number;
  /** Runs after each cluster tick (the alert rules); a failure is logged, never the tick's. */
  afterTick?: (cluster: string, nowMs: number) => Promise<void>;
}): Promise<void> {
  const clock = options.clock ?? Date.now;
  const { health, healthStore, logger } = options;
  const evaluators = options.evaluate ? options.evaluators : new Map();
  for (const [cluster, evaluator] of evaluators) {
    await options.scheduler.scheduleTask({
      id: `autoscaling-evaluate-${cluster}`,
      scope: 'global',
      frequency: { seconds: options.intervalSeconds },
      timeout: { minutes: 2 },
      fn: async () => {
        const nowMs = clock();
        const clusterHealth = health.get(cluster);
        try {
          // Another replica's newer tick (this one's own is already in memory).
          const shared = await healthStore.load(cluster);
          if (
            shared &&
            clusterHealth &&
            newerHealth(clusterHealth.snapshot(), shared) === shared
          )
            clusterHealth.restore(shared);
        } catch (error) {
          logger.warn(
            `Reading the shared health of ${cluster} failed (this replica's own stands): ${error}`,
          );
        }
        const { evaluated, failures } = await evaluator.tick(nowMs);
        logger.debug(
          `Evaluated ${evaluated} workloads on ${cluster} (${failures} failures)`,
        );
        try {
          if (clusterHealth)
            await healthStore.save(cluster, clusterHealth.snapshot(), nowMs);
        } catch (error) {
          logger.warn(`Sharing the health of ${cluster} failed: ${error}`);
        }
        try {
          await options.afterTick?.(cluster, nowMs);
        } catch (error) {
          logger.warn(`Alert evaluation of ${cluster} failed: ${error}`);
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
