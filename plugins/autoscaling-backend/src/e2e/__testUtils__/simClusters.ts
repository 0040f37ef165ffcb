/** A simulated cluster as the backend's `kubernetes` configuration names it. */
export interface SimCluster {
  name: string;
  url: string;
  /** The simulator's service-account token; its `scaler-token` may scale, `admin-token` may do all. */
  token?: 'scaler-token' | 'admin-token';
}

/**
 * The `kubernetes` configuration block for simulated clusters, as an operator writes it for
 * real ones (the simulator serves HTTPS with a self-signed certificate, hence `skipTLSVerify`).
 */
export function simClustersConfig(clusters: SimCluster[]) {
  return {
    clusterLocatorMethods: [
      {
        type: 'config',
        clusters: clusters.map(cluster => ({
          name: cluster.name,
          url: cluster.url,
          authProvider: 'serviceAccount',
          serviceAccountToken: cluster.token ?? 'scaler-token',
          skipTLSVerify: true,
        })),
      },
    ],
  };
}
