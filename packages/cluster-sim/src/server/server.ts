/**
 * The HTTP front: routes a request to discovery, resources, scale, metrics or admin handlers,
 * after authentication, authorisation and fault injection. `/version`, `/healthz`, `/livez`,
 * `/readyz`, `/metrics` and the Prometheus API under `/prometheus` need no token.
 */
import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { ServingCert } from './tls';
import type { AddressInfo } from 'node:net';
import type { ClusterSim } from '../sim/cluster';
import { findResource } from '../api/resources';
import { ApiError } from '../api/status';
import { renderExposition, WorkloadReplicas } from '../metrics/exposition';
import { parseRequestInfo, ResourceRequest } from './requestInfo';
import { discovery, versionInfo } from './discovery';
import { sendError, sendJson, sendRaw } from './respond';
import {
  handleCreate,
  handleDelete,
  handleDeleteCollection,
  handleGet,
  handleList,
  handlePatch,
  handleUpdate,
  handleWatch,
  HandlerContext,
} from './resourceHandlers';
import { handleScale } from './scale';
import { handleResize } from './resize';
import { handleMetricsApi } from './metricsApi';
import { handleAdmin } from './admin';
import { handlePrometheusApi, PROMETHEUS_PREFIX } from './prometheusApi';
import type { RequestLog } from './requestLog';

export interface Listener {
  port: number;
  host: string;
  /** Serve HTTPS with this certificate. */
  tls?: ServingCert;
}

export interface SimServer {
  /** One URL per listener, in order. */
  urls: string[];
  ports: number[];
  close(): Promise<void>;
}

const notFoundResource = () =>
  new ApiError(
    404,
    'NotFound',
    'the server could not find the requested resource',
  );

export function prometheusText(sim: ClusterSim): string {
  const replicas: WorkloadReplicas[] = [];
  for (const key of ['apps/deployments', 'apps/statefulsets']) {
    for (const o of sim.store.list(key)) {
      replicas.push({
        kind: o.kind,
        namespace: o.metadata.namespace!,
        name: o.metadata.name!,
        specReplicas: o.spec?.replicas ?? 0,
        readyReplicas: o.status?.readyReplicas ?? 0,
        availableReplicas: o.status?.availableReplicas ?? 0,
      });
    }
  }
  const mode = sim.config.metrics.timestamps;
  const timestamps =
    mode === 'always' ||
    (mode === 'auto' &&
      (sim.clock.factor !== 1 ||
        !sim.clock.running ||
        Math.abs(sim.now() - Date.now()) > 2000));
  return renderExposition({
    workloads: sim.models.values(),
    replicas,
    nowMs: sim.now(),
    timestamps,
    demandOf: w => w.override ?? w.demand.at(sim.now()),
  });
}

async function handleResource(ctx: HandlerContext): Promise<void> {
  const { info, def } = ctx;
  if (def.virtual) return handleMetricsApi(ctx);
  if (info.subresource) {
    const sub = (def.subresources ?? []).find(s => s.name === info.subresource);
    if (!sub || !info.name) throw notFoundResource();
    if (sub.name === 'scale') return handleScale(ctx);
    if (sub.name === 'resize') return handleResize(ctx);
    // status
    if (info.verb === 'get') return handleGet(ctx);
    if (info.verb === 'update') return handleUpdate(ctx);
    if (info.verb === 'patch') return handlePatch(ctx);
    throw new ApiError(
      405,
      'MethodNotAllowed',
      'the server does not allow this method on the requested resource',
    );
  }
  switch (info.verb) {
    case 'get':
      return handleGet(ctx);
    case 'list':
      return handleList(ctx);
    case 'watch':
      return handleWatch(ctx);
    case 'create':
      return handleCreate(ctx);
    case 'update':
      return handleUpdate(ctx);
    case 'patch':
      return handlePatch(ctx);
    case 'delete':
      return handleDelete(ctx);
    case 'deletecollection':
      return handleDeleteCollection(ctx);
    default:
      throw new ApiError(
        405,
        'MethodNotAllowed',
        'the server does not allow this method on the requested resource',
      );
  }
}

const WRITE_VERBS = new Set([
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
]);

export async function startServer(
  sim: ClusterSim,
  listeners: Listener[],
  options: { requestLog?: RequestLog; watchBookmarkMs?: number } = {},
): Promise<SimServer> {
  const watches = new Set<() => void>();
  const trackWatch = (close: () => void) => {
    watches.add(close);
    return () => watches.delete(close);
  };
  // An API outage drops the open watches too, as a dead API server would; clients reconnect
  // (and get 503) until it ends.
  const unsubscribeFaults = sim.faults.onChange(spec => {
    if (spec.api.outage) for (const close of [...watches]) close();
  });

  const handle = async (
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const query = url.searchParams;
    // A running clock is also advanced by a background tick; requests only catch up when a
    // noticeable amount of simulated time (and a whole model step) has passed.
    if (sim.clock.running) sim.syncRunning(100 * sim.clock.factor);
    else sim.sync();

    // Unauthenticated endpoints.
    if (path === '/healthz' || path === '/livez' || path === '/readyz') {
      sendRaw(
        res,
        sim.faults.current.api.outage ? 503 : 200,
        sim.faults.current.api.outage ? 'outage' : 'ok',
        'text/plain',
      );
      return;
    }
    if (path === '/metrics') {
      if (sim.faults.metricsDown()) {
        sendRaw(res, 503, 'metrics outage (fault injection)\n', 'text/plain');
        return;
      }
      sendRaw(
        res,
        200,
        prometheusText(sim),
        'text/plain; version=0.0.4; charset=utf-8',
      );
      return;
    }
    // Read-only metrics, unauthenticated like /metrics (what a Prometheus without auth offers).
    if (
      path === PROMETHEUS_PREFIX ||
      path.startsWith(`${PROMETHEUS_PREFIX}/`)
    ) {
      await handlePrometheusApi(sim, req, res, path, query);
      return;
    }
    if (path === '/version') {
      sendJson(res, 200, versionInfo(sim.config.cluster.gitVersion));
      return;
    }

    const user = sim.authorizer.authenticate(req.headers.authorization);

    if (path === '/sim' || path.startsWith('/sim/')) {
      sim.authorizer.authorize(user, {
        verb: req.method === 'GET' ? 'get' : 'update',
        group: 'cluster-sim.dev',
        resource: 'sim',
      });
      await handleAdmin(sim, req, res, path, query);
      return;
    }

    const info = parseRequestInfo(req.method ?? 'GET', path, query);
    const decision = sim.faults.decideApi(
      info.type === 'resource' && WRITE_VERBS.has(info.verb),
    );
    const latency = sim.faults.apiLatencyMs();
    if (latency > 0) await new Promise(r => setTimeout(r, latency));
    if (decision.kind === 'outage')
      throw new ApiError(
        503,
        'ServiceUnavailable',
        'the server is currently unable to handle the request (fault injection: outage)',
      );
    if (decision.kind === 'error')
      throw new ApiError(
        500,
        'InternalError',
        'Internal error occurred: fault injection',
      );

    if (info.type === 'discovery') {
      sendJson(
        res,
        200,
        discovery(
          info,
          `${req.socket.localAddress ?? '127.0.0.1'}:${
            req.socket.localPort ?? 0
          }`,
        ),
      );
      return;
    }
    if (info.type === 'other') {
      if (path === '/openapi/v2' || path.startsWith('/openapi/v3'))
        throw notFoundResource();
      throw notFoundResource();
    }
    const def = findResource(info.group, info.version, info.resource);
    if (!def) throw notFoundResource();
    if (info.namespace !== undefined && !def.namespaced)
      throw notFoundResource();
    if (!def.verbs.includes(info.verb) && !info.subresource) {
      throw new ApiError(
        405,
        'MethodNotAllowed',
        `the server does not allow this method on the requested resource`,
      );
    }
    sim.authorizer.authorize(user, {
      verb: info.verb,
      group: info.group,
      resource: info.resource,
      subresource: info.subresource,
      namespace: def.namespaced ? info.namespace : undefined,
      name: info.name,
    });
    if (decision.kind === 'conflict' && info.name) {
      const q = def.group ? `${def.resource}.${def.group}` : def.resource;
      throw new ApiError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${q} "${info.name}": the object has been modified; please apply your changes to the latest version and try again (fault injection)`,
        {
          name: info.name,
          group: def.group || undefined,
          kind: def.resource,
        },
      );
    }
    const ctx: HandlerContext = {
      sim,
      req,
      res,
      query,
      info: info as ResourceRequest,
      def,
      trackWatch,
      watchBookmarkMs: options.watchBookmarkMs,
    };
    await handleResource(ctx);
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    if (options.requestLog) {
      // The clock's time, not the model's: the model of a running clock is up to a step behind.
      const entry = options.requestLog.start(
        sim.clock.now(),
        req.method ?? 'GET',
        (req.url ?? '/').split('?')[0],
      );
      res.once('close', () => {
        entry.status = res.statusCode;
      });
    }
    handle(req, res).catch(err => {
      // Drain the body so keep-alive connections stay usable after an early error.
      req.resume();
      sendError(res, err);
    });
  };
  const servers: Server[] = [];
  const urls: string[] = [];
  const ports: number[] = [];
  try {
    for (const l of listeners) {
      const server: Server = l.tls
        ? createHttpsServer({ cert: l.tls.cert, key: l.tls.key }, onRequest)
        : createServer(onRequest);
      server.keepAliveTimeout = 30_000;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(l.port, l.host, () => resolve());
      });
      servers.push(server);
      const addr = server.address() as AddressInfo;
      ports.push(addr.port);
      urls.push(
        `${l.tls ? 'https' : 'http'}://${
          l.host.includes(':') ? `[${l.host}]` : l.host
        }:${addr.port}`,
      );
    }
  } catch (e) {
    for (const s of servers) s.close();
    throw e;
  }
  return {
    urls,
    ports,
    close: async () => {
      unsubscribeFaults();
      for (const close of [...watches]) close();
      await Promise.all(
        servers.map(
          server =>
            new Promise<void>(done => {
              server.close(() => done());
              server.closeAllConnections();
            }),
        ),
      );
    },
  };
}
