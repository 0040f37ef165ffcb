/** The library entry point: start a simulated cluster in-process (tests) or from the CLI. */
import { createAcceleratedClock, createManualClock, SimClock } from './clock';
import { loadConfigFile, parseConfig } from './config/parse';
import type { ClusterSimConfig } from './config/types';
import { ClusterSim, WorkloadSummary } from './sim/cluster';
import { Listener, startServer } from './server/server';
import { selfSignedCert, ServingCert } from './server/tls';
import { FaultSpec, mergeFaults } from './faults/faults';
import { RequestLog, RequestLogEntry } from './server/requestLog';

export interface StartOptions {
  /** YAML text or an already-parsed (raw) config object. */
  config?: string | Record<string, unknown>;
  /** A config file (relative trace paths resolve against its directory). */
  configFile?: string;
  /** HTTP port (0 = a free port; default 0). `null` = no HTTP listener. */
  port?: number | null;
  /**
   * Also serve HTTPS on this port (0 = a free port) with a self-signed certificate (or `cert`).
   * kubectl sends bearer tokens only over HTTPS.
   */
  tlsPort?: number;
  cert?: ServingCert;
  host?: string;
  /**
   * The simulation clock: a SimClock, `'manual'` (time moves only with `advance`, starting at the
   * config's clock.start or 2025-01-06T00:00Z), or undefined for the config's accelerated clock.
   */
  clock?: SimClock | 'manual';
  /** Wall milliseconds between background model steps for a running clock (default 250). */
  tickIntervalMs?: number;
  /** How many of the most recent requests `requests()` keeps (default 10,000). */
  requestLogSize?: number;
  /**
   * Store events kept for watches that resume from a resourceVersion (default 50,000); a watch
   * from an older one gets `410 Expired` (the watch cache's window of a real API server).
   */
  watchHistorySize?: number;
  /** Wall milliseconds between BOOKMARK events of a watch with allowWatchBookmarks (default 10,000). */
  watchBookmarkMs?: number;
}

export interface RunningClusterSim {
  /** Base URL of the first listener (HTTP unless only HTTPS was asked), e.g. http://127.0.0.1:6550 */
  url: string;
  port: number;
  /** HTTPS base URL when `tlsPort` was given. */
  tlsUrl?: string;
  /** PEM of the serving certificate (self-signed: it is its own CA) when HTTPS is on. */
  caPem?: string;
  /** A kubeconfig (YAML) for the HTTPS listener (or HTTP), authenticating with `token`. */
  kubeconfig(token: string, contextName?: string): string;
  config: ClusterSimConfig;
  sim: ClusterSim;
  clock: SimClock;
  /** Current simulated time (epoch ms). */
  now(): number;
  /** Moves simulated time forward and advances the model (works with every clock). */
  advance(seconds: number): void;
  /** Overrides a workload's demand (rps); `undefined` restores the configured demand. */
  setDemand(namespace: string, name: string, rps: number | undefined): void;
  /** Merges faults into the current ones (same shape as the config's `faults`). */
  setFaults(faults: Partial<FaultSpec> | Record<string, unknown>): void;
  clearFaults(): void;
  workloads(): WorkloadSummary[];
  /** The requests received (method, path, simulated arrival time, status), oldest first. */
  requests(): RequestLogEntry[];
  clearRequests(): void;
  stop(): Promise<void>;
}

export async function startClusterSim(
  options: StartOptions,
): Promise<RunningClusterSim> {
  // Resolve the clock first so relative times ("+10m") in the config count from its start.
  let clock: SimClock;
  const parse = (nowMs?: number) =>
    options.configFile
      ? loadConfigFile(options.configFile, { nowMs })
      : parseConfig(options.config ?? {}, { nowMs });
  const draft = parse(Date.now());
  if (options.clock && options.clock !== 'manual') {
    clock = options.clock;
  } else if (options.clock === 'manual') {
    clock = createManualClock(draft.clock.startMs);
  } else {
    clock = createAcceleratedClock({
      factor: draft.clock.factor,
      startMs: draft.clock.startMs,
    });
  }
  const config: ClusterSimConfig = parse(clock.now());

  const sim = new ClusterSim(config, clock, {
    watchHistorySize: options.watchHistorySize,
  });
  const host = options.host ?? '127.0.0.1';
  const listeners: Listener[] = [];
  if (options.port !== null) listeners.push({ port: options.port ?? 0, host });
  const cert =
    options.tlsPort !== undefined
      ? options.cert ?? selfSignedCert([host, 'localhost', '127.0.0.1'])
      : undefined;
  if (options.tlsPort !== undefined)
    listeners.push({ port: options.tlsPort, host, tls: cert });
  if (listeners.length === 0)
    throw new Error(
      'startClusterSim: nothing to listen on (port: null and no tlsPort)',
    );
  const requestLog = new RequestLog(options.requestLogSize ?? 10_000);
  const server = await startServer(sim, listeners, {
    requestLog,
    watchBookmarkMs: options.watchBookmarkMs,
  });
  const tlsIndex = options.tlsPort !== undefined ? listeners.length - 1 : -1;
  const tlsUrl = tlsIndex >= 0 ? server.urls[tlsIndex] : undefined;
  let timer: NodeJS.Timeout | undefined;
  if (clock.running) {
    timer = setInterval(() => sim.syncRunning(), options.tickIntervalMs ?? 250);
    timer.unref();
  }
  const kubeconfig = (token: string, contextName = config.cluster.name) => {
    const server0 = tlsUrl ?? server.urls[0];
    const caLine = cert
      ? `    certificate-authority-data: ${Buffer.from(cert.cert).toString(
          'base64',
        )}\n`
      : '';
    return (
      `apiVersion: v1\nkind: Config\nclusters:\n- name: ${contextName}\n  cluster:\n    server: ${server0}\n${caLine}` +
      `users:\n- name: ${contextName}-user\n  user:\n    token: ${token}\n` +
      `contexts:\n- name: ${contextName}\n  context:\n    cluster: ${contextName}\n    user: ${contextName}-user\n` +
      `current-context: ${contextName}\n`
    );
  };
  return {
    url: server.urls[0],
    port: server.ports[0],
    tlsUrl,
    caPem: cert?.cert,
    kubeconfig,
    config,
    sim,
    clock,
    now: () => sim.now(),
    advance: seconds => sim.advance(seconds),
    setDemand: (ns, name, rps) => {
      if (!sim.setDemandOverride(ns, name, rps))
        throw new Error(`no workload ${ns}/${name}`);
    },
    setFaults: f => sim.faults.set(mergeFaults(sim.faults.current, f)),
    clearFaults: () =>
      sim.faults.set(
        mergeFaults(sim.faults.current, {
          api: { latencyMs: 0, errorRate: 0, conflictRate: 0, outage: false },
          metricsOutage: false,
          workloads: [],
        }),
      ),
    workloads: () => sim.summaries(),
    requests: () => requestLog.list(),
    clearRequests: () => requestLog.clear(),
    stop: async () => {
      if (timer) clearInterval(timer);
      await server.close();
    },
  };
}
