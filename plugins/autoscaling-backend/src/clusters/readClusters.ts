import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/** A cluster the engine may read and actuate, with server-side credentials. */
export interface ClusterConfig {
  name: string;
  title?: string;
  url: string;
  /** Bearer token of a ServiceAccount that may get/update `deployments/scale`. */
  serviceAccountToken?: string;
  caData?: string;
  skipTLSVerify: boolean;
  /** The target kind; absent for Kubernetes (`kubernetes`), e.g. `docker-compose` for a module's host. */
  kind?: string;
}

/**
 * Reads the same `kubernetes.clusterLocatorMethods` (type `config`) that
 * @backstage/plugin-kubernetes-backend reads, so adopters register a cluster once.
 * Only server-side auth can actuate: clusters with client-side auth providers
 * (google, oidc, aks) are skipped with a warning by the caller.
 */
export function readClusters(config: Config): {
  clusters: ClusterConfig[];
  skipped: Array<{ name: string; reason: string }>;
} {
  const clusters: ClusterConfig[] = [];
  const skipped: Array<{ name: string; reason: string }> = [];
  const methods =
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  for (const method of methods) {
    if (method.getString('type') !== 'config') continue;
    for (const cluster of method.getOptionalConfigArray('clusters') ?? []) {
      const name = cluster.getString('name');
      const authProvider =
        cluster.getOptionalString('authProvider') ??
        cluster.getOptionalString('authMetadata.kubernetes.io/auth-provider');
      if (authProvider !== 'serviceAccount') {
        skipped.push({
          name,
          reason: `authProvider '${authProvider}' is client-side; actuation needs serviceAccount`,
        });
        continue;
      }
      if (clusters.some(c => c.name === name)) {
        throw new InputError(
          `Duplicate cluster name '${name}' in kubernetes.clusterLocatorMethods`,
        );
      }
      clusters.push({
        name,
        title: cluster.getOptionalString('title'),
        url: cluster.getString('url'),
        serviceAccountToken: cluster.getOptionalString('serviceAccountToken'),
        caData: cluster.getOptionalString('caData'),
        skipTLSVerify: cluster.getOptionalBoolean('skipTLSVerify') ?? false,
      });
    }
  }
  return { clusters, skipped };
}
