import { createHash } from 'node:crypto';
import Docker from 'dockerode';
import type { PodObservation } from '@internal/plugin-autoscaling-engine';
import {
  ScaleConflictError,
  type ClusterClient,
  type OtherAutoscaler,
  type PodUsage,
  type ScaleState,
  type WorkloadCoordinates,
  type WorkloadObject,
} from '@internal/plugin-autoscaling-node';
import type { DockerHostConfig } from './config';
import { ServiceLocks } from './ServiceLocks';

/** The labels Docker Compose sets on every container of a project's service. */
export const COMPOSE_PROJECT_LABEL = 'com.docker.compose.project';
export const COMPOSE_SERVICE_LABEL = 'com.docker.compose.service';
export const COMPOSE_NUMBER_LABEL = 'com.docker.compose.container-number';
export const COMPOSE_ONEOFF_LABEL = 'com.docker.compose.oneoff';

/** Compose's default stop timeout (`stop_grace_period`), seconds. */
const DEFAULT_STOP_TIMEOUT_SECONDS = 10;

type ContainerSummary = Docker.ContainerInfo;
type ContainerDetails = Docker.ContainerInspectInfo;

/** `key=value`, `key==value` and bare `key` terms of a label selector, as Docker label filters. */
export function labelFilters(selector: string): string[] {
  const filters: string[] = [];
  for (const raw of selector.split(',')) {
    const term = raw.trim();
    if (!term) continue;
    const match = /^([A-Za-z0-9./_-]+)\s*(==|=)\s*([A-Za-z0-9._-]*)$/.exec(
      term,
    );
    if (match) {
      filters.push(`${match[1]}=${match[3]}`);
    } else if (/^[A-Za-z0-9./_-]+$/.test(term)) {
      filters.push(term);
    } else {
      throw new Error(
        `Label selector term '${term}' is not supported on Docker hosts: only key=value and key`,
      );
    }
  }
  return filters;
}

const nameOf = (c: { Names?: string[]; Name?: string }) =>
  (c.Names?.[0] ?? c.Name ?? '').replace(/^\//, '');
const numberOf = (labels: Record<string, string> | undefined) =>
  Number(labels?.[COMPOSE_NUMBER_LABEL] ?? 0) || 0;
const timeMs = (iso: string | undefined) => {
  const ms = iso ? Date.parse(iso) : NaN;
  // Docker writes 0001-01-01T00:00:00Z for "never".
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
};

/** Container CPU limit in cores: `cpus:` (NanoCpus), else CpuQuota/CpuPeriod. */
export function cpuLimitOf(host: ContainerDetails['HostConfig']) {
  if (host.NanoCpus) return host.NanoCpus / 1e9;
  if (host.CpuQuota && host.CpuQuota > 0)
    return host.CpuQuota / (host.CpuPeriod || 100_000);
  return undefined;
}

/** Container memory limit (bytes), else its reservation. */
export function memoryLimitOf(host: ContainerDetails['HostConfig']) {
  return host.Memory || host.MemoryReservation || undefined;
}

/** Cores used over the stats sample, as `docker stats` computes it. */
export function coresOf(stats: Docker.ContainerStats): number {
  const cpu = stats.cpu_stats;
  const pre = stats.precpu_stats;
  const cpuDelta =
    cpu.cpu_usage.total_usage - (pre?.cpu_usage?.total_usage ?? 0);
  const systemDelta =
    (cpu.system_cpu_usage ?? 0) - (pre?.system_cpu_usage ?? 0);
  const online = cpu.online_cpus || cpu.cpu_usage.percpu_usage?.length || 1;
  if (!(systemDelta > 0) || !(cpuDelta > 0) || !pre?.system_cpu_usage) return 0;
  return (cpuDelta / systemDelta) * online;
}

/** Memory in use without the page cache (cgroup v2 inactive_file, v1 total_inactive_file). */
export function memoryOf(stats: Docker.ContainerStats): number {
  const usage = stats.memory_stats?.usage ?? 0;
  const s = (stats.memory_stats?.stats ?? {}) as Record<string, number>;
  const cache = s.inactive_file ?? s.total_inactive_file ?? s.cache ?? 0;
  return Math.max(0, usage - cache);
}

function phaseOf(state: ContainerDetails['State']): PodObservation['phase'] {
  switch (state.Status) {
    case 'running':
    case 'paused':
      return 'Running';
    case 'created':
    case 'restarting':
      return 'Pending';
    case 'exited':
      return state.ExitCode === 0 ? 'Succeeded' : 'Failed';
    case 'dead':
      return 'Failed';
    default:
      return 'Unknown';
  }
}

/** Ready: running, and healthy when the image or service has a health check. */
function readinessOf(state: ContainerDetails['State']): {
  ready: boolean;
  transitionMs?: number;
} {
  const running = state.Running && !state.Paused && !state.Restarting;
  const health = state.Health;
  if (!running) return { ready: false, transitionMs: timeMs(state.FinishedAt) };
  if (!health) return { ready: true, transitionMs: timeMs(state.StartedAt) };
  const ready = health.Status === 'healthy';
  // The first probe of the streak that ends in the current status. Docker keeps the last five
  // probes only: when they all agree, the status has held since the start as far as we know.
  const log = health.Log ?? [];
  let k = log.length;
  while (k > 0 && (log[k - 1].ExitCode === 0) === ready) k -= 1;
  const flipped = k > 0 ? log[k] : undefined;
  return {
    ready,
    transitionMs:
      (flipped && timeMs(flipped.End as unknown as string)) ??
      timeMs(state.StartedAt),
  };
}

/**
 * A Docker host's Compose services as the engine's workloads (namespace = project, name =
 * service, one "pod" per container), scaled the way `docker compose up --scale` does.
 * See the package README for what it relies on to serialise writes.
 */
export class DockerComposeClient implements ClusterClient {
  readonly docker: Docker;
  private readonly locks = new ServiceLocks();

  constructor(private readonly host: DockerHostConfig, docker?: Docker) {
    this.docker = docker ?? new Docker(dockerOptionsOf(host));
  }

  /** Containers of Compose services matching the filters (one-off `run` containers left out). */
  private async containers(
    filters: string[],
    project?: string,
  ): Promise<ContainerSummary[]> {
    const label = [...filters, COMPOSE_SERVICE_LABEL];
    if (project) label.push(`${COMPOSE_PROJECT_LABEL}=${project}`);
    const list = await this.docker.listContainers({
      all: true,
      filters: { label },
    });
    return list.filter(c => c.Labels?.[COMPOSE_ONEOFF_LABEL] !== 'True');
  }

  private serviceContainers(workload: WorkloadCoordinates) {
    return this.containers(
      [`${COMPOSE_SERVICE_LABEL}=${workload.name}`],
      workload.namespace,
    );
  }

  private scaleOf(containers: ContainerSummary[]): ScaleState {
    const ids = containers.map(c => c.Id).sort();
    return {
      replicas: containers.length,
      statusReplicas: containers.filter(c => c.State === 'running').length,
      resourceVersion: createHash('sha256')
        .update(ids.join(','))
        .digest('hex')
        .slice(0, 16),
    };
  }

  /** The replica new ones are cloned from: the newest running one, else the newest. */
  private templateOf(containers: ContainerSummary[]) {
    const byNumber = [...containers].sort(
      (a, b) => numberOf(b.Labels) - numberOf(a.Labels),
    );
    return byNumber.find(c => c.State === 'running') ?? byNumber[0];
  }

  async listWorkloads(options: {
    namespace?: string;
    labelSelector: string;
  }): Promise<WorkloadObject[]> {
    const found = await this.containers(
      labelFilters(options.labelSelector),
      options.namespace,
    );
    const services = new Map<string, ContainerSummary[]>();
    for (const c of found) {
      const key = `${c.Labels[COMPOSE_PROJECT_LABEL]}/${c.Labels[COMPOSE_SERVICE_LABEL]}`;
      services.set(key, [...(services.get(key) ?? []), c]);
    }
    const workloads: WorkloadObject[] = [];
    for (const [key, members] of services) {
      const [project, service] = key.split('/');
      // All replicas of the service, not only those the selector matched.
      const all = await this.serviceContainers({
        namespace: project,
        kind: 'ComposeService',
        name: service,
      });
      const template = await this.docker
        .getContainer(this.templateOf(all.length ? all : members).Id)
        .inspect();
      const cpu = cpuLimitOf(template.HostConfig);
      const memory = memoryLimitOf(template.HostConfig);
      const scale = this.scaleOf(all);
      workloads.push({
        namespace: project,
        // Its own kind, not Deployment: the workload id says so and the page words it so.
        kind: 'ComposeService',
        name: service,
        labels: template.Config.Labels ?? {},
        podSelector: `${COMPOSE_PROJECT_LABEL}=${project},${COMPOSE_SERVICE_LABEL}=${service}`,
        replicas: scale.replicas,
        readyReplicas: all.filter(
          c =>
            c.State === 'running' &&
            !/\((unhealthy|health: starting)\)/.test(c.Status),
        ).length,
        statusReplicas: scale.statusReplicas,
        podRequests: { cpu, memory },
        containers: [
          {
            name: service,
            cpu,
            memory,
            limits: { cpu, memory },
          },
        ],
        resourceVersion: scale.resourceVersion,
      });
    }
    return workloads;
  }

  async getScale(workload: WorkloadCoordinates): Promise<ScaleState> {
    return this.scaleOf(await this.serviceContainers(workload));
  }

  async replaceScale(
    workload: WorkloadCoordinates,
    replicas: number,
    resourceVersion: string,
  ): Promise<ScaleState> {
    if (!Number.isInteger(replicas) || replicas < 1) {
      throw new Error(
        `replicas must be a whole number ≥ 1 for Compose service ${workload.namespace}/${workload.name} (new replicas are cloned from an existing one), got ${replicas}`,
      );
    }
    return this.locks.run(
      `${workload.namespace}/${workload.name}`,
      async () => {
        const containers = await this.serviceContainers(workload);
        const current = this.scaleOf(containers);
        if (current.resourceVersion !== resourceVersion) {
          throw new ScaleConflictError(
            `Compose service ${workload.namespace}/${workload.name} changed since it was read (${current.replicas} containers now)`,
          );
        }
        if (containers.length === 0) {
          throw new Error(
            `Compose service ${workload.namespace}/${workload.name} has no container to clone`,
          );
        }
        if (replicas > containers.length) {
          await this.scaleUp(
            workload,
            containers,
            replicas - containers.length,
          );
        } else if (replicas < containers.length) {
          await this.scaleDown(containers, containers.length - replicas);
        }
        return this.getScale(workload);
      },
    );
  }

  /** New replicas cloned from the template with the next container numbers, then started. */
  private async scaleUp(
    workload: WorkloadCoordinates,
    containers: ContainerSummary[],
    count: number,
  ) {
    const template = await this.docker
      .getContainer(this.templateOf(containers).Id)
      .inspect();
    const templateName = nameOf(template);
    const project = workload.namespace;
    const service = workload.name;
    // Compose v1 names containers project_service_N, v2 project-service-N.
    const separator = templateName.startsWith(`${project}-${service}-`)
      ? '-'
      : '_';
    let next = Math.max(...containers.map(c => numberOf(c.Labels))) + 1;
    for (let i = 0; i < count; i++, next++) {
      const options = cloneOptions(template, {
        name: `${project}${separator}${service}${separator}${next}`,
        number: next,
        service,
      });
      let created: Docker.Container;
      try {
        created = await this.docker.createContainer(options.create);
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 409) {
          // Another writer took this container number first (Docker's names are unique).
          throw new ScaleConflictError(
            `Compose service ${project}/${service}: container ${options.create.name} exists already (another writer)`,
          );
        }
        throw error;
      }
      for (const [network, endpoint] of options.moreNetworks) {
        await this.docker
          .getNetwork(network)
          .connect({ Container: created.id, EndpointConfig: endpoint });
      }
      await created.start();
    }
  }

  /** Removes the newest replicas first, each stopped gracefully within its stop timeout. */
  private async scaleDown(containers: ContainerSummary[], count: number) {
    const newest = [...containers]
      .sort((a, b) => numberOf(b.Labels) - numberOf(a.Labels))
      .slice(0, count);
    await Promise.all(
      newest.map(async summary => {
        const container = this.docker.getContainer(summary.Id);
        const details = await container.inspect();
        const t =
          this.host.stopTimeoutSeconds ??
          (details.Config as { StopTimeout?: number }).StopTimeout ??
          DEFAULT_STOP_TIMEOUT_SECONDS;
        if (details.State.Running) {
          try {
            await container.stop({ t });
          } catch (error) {
            // 304: it stopped on its own meanwhile.
            if ((error as { statusCode?: number }).statusCode !== 304)
              throw error;
          }
        }
        await container.remove({ v: true });
      }),
    );
  }

  async listPods(
    namespace: string,
    labelSelector: string,
  ): Promise<PodObservation[]> {
    const containers = await this.containers(
      labelFilters(labelSelector),
      namespace,
    );
    return Promise.all(
      containers.map(async summary => {
        const details = await this.docker.getContainer(summary.Id).inspect();
        const service = details.Config.Labels?.[COMPOSE_SERVICE_LABEL] ?? '';
        const cpu = cpuLimitOf(details.HostConfig);
        const memory = memoryLimitOf(details.HostConfig);
        const { ready, transitionMs } = readinessOf(details.State);
        const pod: PodObservation = {
          name: nameOf(details),
          phase: phaseOf(details.State),
          ready,
          startTimeMs: timeMs(details.State.StartedAt),
          readyTransitionMs: transitionMs,
          deleting: details.State.Status === 'removing',
          requests: { cpu, memory },
          containerRequests: { [service]: { cpu, memory } },
        };
        if (details.State.OOMKilled) {
          pod.oomKills = [
            {
              container: service,
              atMs: timeMs(details.State.FinishedAt) ?? Date.now(),
              memoryLimit: memory,
            },
          ];
        }
        return pod;
      }),
    );
  }

  async podMetrics(
    namespace: string,
    labelSelector: string,
  ): Promise<Record<string, PodUsage>> {
    const running = (
      await this.containers(labelFilters(labelSelector), namespace)
    ).filter(c => c.State === 'running');
    const usage: Record<string, PodUsage> = {};
    await Promise.all(
      running.map(async summary => {
        const stats = (await this.docker
          .getContainer(summary.Id)
          .stats({ stream: false })) as Docker.ContainerStats;
        const cpu = coresOf(stats);
        const memory = memoryOf(stats);
        usage[nameOf(summary)] = {
          cpu,
          memory,
          containers: {
            [summary.Labels[COMPOSE_SERVICE_LABEL]]: { cpu, memory },
          },
        };
      }),
    );
    return usage;
  }

  /** Docker has no HPA or KEDA: nothing else scales a Compose service. */
  async listOtherAutoscalers(): Promise<OtherAutoscaler[]> {
    return [];
  }

  /** Docker has no PodDisruptionBudgets (and this client does no template rollouts). */
  async disruptionBudgetsBlocking(): Promise<string[]> {
    return [];
  }
}

/** The create options of a replica cloned from `template`, with its number and name. */
export function cloneOptions(
  template: ContainerDetails,
  replica: { name: string; number: number; service: string },
): {
  create: Docker.ContainerCreateOptions & { name: string };
  moreNetworks: Array<[string, Docker.EndpointSettings]>;
} {
  const config = template.Config as ContainerDetails['Config'] & {
    StopTimeout?: number;
    Healthcheck?: unknown;
  };
  const networkMode = template.HostConfig.NetworkMode ?? 'default';
  const networks = Object.keys(template.NetworkSettings?.Networks ?? {});
  const userNetworks =
    ['none', 'host', 'default', 'bridge'].includes(networkMode) ||
    networkMode.startsWith('container:')
      ? []
      : networks;
  const endpoint = (): Docker.EndpointSettings => ({
    Aliases: [replica.service],
  });
  return {
    create: {
      name: replica.name,
      Image: config.Image,
      Cmd: config.Cmd ?? undefined,
      Entrypoint: (config.Entrypoint as string[] | undefined) ?? undefined,
      Env: config.Env ?? undefined,
      WorkingDir: config.WorkingDir || undefined,
      User: config.User || undefined,
      Tty: config.Tty,
      OpenStdin: config.OpenStdin,
      StdinOnce: config.StdinOnce,
      ExposedPorts: config.ExposedPorts ?? undefined,
      Volumes: config.Volumes ?? undefined,
      StopSignal: (config as { StopSignal?: string }).StopSignal || undefined,
      StopTimeout: config.StopTimeout,
      Healthcheck: config.Healthcheck as Docker.HealthConfig | undefined,
      Labels: {
        ...(config.Labels ?? {}),
        [COMPOSE_NUMBER_LABEL]: String(replica.number),
      },
      HostConfig: template.HostConfig as Docker.HostConfig,
      NetworkingConfig: userNetworks.length
        ? { EndpointsConfig: { [userNetworks[0]]: endpoint() } }
        : undefined,
    },
    moreNetworks: userNetworks.slice(1).map(n => [n, endpoint()]),
  };
}

/** dockerode options for a host: its socket, or TCP with the TLS material from config. */
export function dockerOptionsOf(host: DockerHostConfig): Docker.DockerOptions {
  if (host.socketPath) return { socketPath: host.socketPath };
  const url = new URL(host.url!);
  const tls =
    Boolean(host.tls?.cert || host.tls?.ca) || url.protocol === 'https:';
  return {
    host: url.hostname,
    port: url.port || (tls ? 2376 : 2375),
    protocol: tls ? 'https' : 'http',
    ca: host.tls?.ca,
    cert: host.tls?.cert,
    key: host.tls?.key,
  };
}
