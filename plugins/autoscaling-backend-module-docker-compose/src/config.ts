import type { Config } from '@backstage/config';

/** One Docker host from `autoscaling.dockerHosts[]`: a local socket, or TCP with TLS. */
export interface DockerHostConfig {
  name: string;
  title?: string;
  socketPath?: string;
  /** `tcp://host:2376` or `https://host:2376` (TLS), `http://host:2375` (no TLS). */
  url?: string;
  /** PEM client certificate, key and CA for a TCP+TLS daemon (server-side only). */
  tls?: { ca?: string; cert?: string; key?: string };
  /** Seconds a removed replica gets to stop before it is killed (default: the container's own stop timeout, else 10, as Compose). */
  stopTimeoutSeconds?: number;
}

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * Reads `autoscaling.dockerHosts`. Throws naming the field on bad input (a missing name, both
 * or neither of socketPath and url, a URL that is not tcp/http/https, a duplicate name).
 */
export function readDockerHosts(config: Config): DockerHostConfig[] {
  const hosts: DockerHostConfig[] = [];
  const entries = config.getOptionalConfigArray('autoscaling.dockerHosts');
  for (const [i, host] of (entries ?? []).entries()) {
    const at = `autoscaling.dockerHosts[${i}]`;
    const name = host.getOptionalString('name');
    if (!name || !NAME.test(name)) {
      throw new Error(
        `Invalid configuration: ${at}.name must be a lower-case name (letters, digits, '-', '.'), got ${JSON.stringify(
          name ?? null,
        )}`,
      );
    }
    if (hosts.some(h => h.name === name)) {
      throw new Error(
        `Invalid configuration: ${at}.name '${name}' is used twice in autoscaling.dockerHosts`,
      );
    }
    const socketPath = host.getOptionalString('socketPath');
    const url = host.getOptionalString('url');
    if (Boolean(socketPath) === Boolean(url)) {
      throw new Error(
        `Invalid configuration: ${at} needs exactly one of socketPath and url`,
      );
    }
    if (url) {
      let protocol: string;
      try {
        protocol = new URL(url).protocol;
      } catch {
        throw new Error(`Invalid configuration: ${at}.url is not a URL`);
      }
      if (!['tcp:', 'http:', 'https:'].includes(protocol)) {
        throw new Error(
          `Invalid configuration: ${at}.url must be tcp://, https:// or http://, got ${protocol}`,
        );
      }
    }
    const stopTimeoutSeconds = host.getOptionalNumber('stopTimeoutSeconds');
    if (
      stopTimeoutSeconds !== undefined &&
      !(Number.isInteger(stopTimeoutSeconds) && stopTimeoutSeconds >= 0)
    ) {
      throw new Error(
        `Invalid configuration: ${at}.stopTimeoutSeconds must be a whole number of seconds ≥ 0`,
      );
    }
    const tls = host.getOptionalConfig('tls');
    hosts.push({
      name,
      title: host.getOptionalString('title'),
      socketPath,
      url,
      tls: tls
        ? {
            ca: tls.getOptionalString('ca'),
            cert: tls.getOptionalString('cert'),
            key: tls.getOptionalString('key'),
          }
        : undefined,
      stopTimeoutSeconds,
    });
  }
  return hosts;
}
