import { InputError } from '@backstage/errors';
import type { ActuationTarget } from '@internal/plugin-autoscaling-node';
import type { ClusterClient } from '../kubernetes/types';
import type { ClusterConfig } from './readClusters';

/**
 * Hosts of other target kinds (Docker Compose, ...) added by backend modules, as entries of the
 * cluster list: each gets its evaluator, scheduler task and circuit breaker like a cluster, and
 * is listed beside the clusters. Throws naming a target whose name is taken.
 */
export function actuationTargetClusters(
  targets: readonly ActuationTarget[],
  clusters: readonly ClusterConfig[],
): { clusters: ClusterConfig[]; clients: Map<string, ClusterClient> } {
  const added: ClusterConfig[] = [];
  const clients = new Map<string, ClusterClient>();
  for (const target of targets) {
    if (
      clusters.some(c => c.name === target.name) ||
      clients.has(target.name)
    ) {
      throw new InputError(
        `Duplicate target name '${target.name}' (${target.kind}): clusters and actuation targets share one namespace of names`,
      );
    }
    clients.set(target.name, target.client);
    added.push({
      name: target.name,
      title: target.title,
      url: target.endpoint ?? '',
      skipTLSVerify: false,
      kind: target.kind,
    });
  }
  return { clusters: added, clients };
}
