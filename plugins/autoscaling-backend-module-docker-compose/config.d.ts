export interface Config {
  autoscaling?: {
    /**
     * Docker hosts whose Compose services the engine scales, beside the Kubernetes clusters
     * (plugin-autoscaling-backend-module-docker-compose). Each is a target named like a cluster.
     */
    dockerHosts?: Array<{
      /** Unique among clusters and hosts: the `cluster` part of workload ids. */
      name: string;
      title?: string;
      /** A local daemon socket, e.g. /var/run/docker.sock. */
      socketPath?: string;
      /** A remote daemon: tcp://host:2376 or https://host:2376 (TLS), http://host:2375. */
      url?: string;
      tls?: {
        /** @visibility secret */
        ca?: string;
        /** @visibility secret */
        cert?: string;
        /** @visibility secret */
        key?: string;
      };
      /** Seconds a removed replica gets to stop (default: its own stop timeout, else 10). */
      stopTimeoutSeconds?: number;
    }>;
  };
}
