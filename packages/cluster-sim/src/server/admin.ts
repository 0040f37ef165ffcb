/**
 * Admin endpoints for demos and tests (a token whose rules grant resource "sim" is required;
 * the admin token's "*" does):
 *   GET    /sim/state                      clock, resourceVersion, per-workload summary
 *   GET    /sim/workloads                  per-workload demand, pods, capacity, latency
 *   GET    /sim/faults                     current faults
 *   PUT    /sim/faults                     replace faults (body: partial FaultSpec)
 *   PATCH  /sim/faults                     merge into current faults
 *   DELETE /sim/faults                     clear faults
 *   POST   /sim/clock/advance              body {"seconds": n} (or ?seconds=n)
 *   PUT    /sim/demand/<ns>/<name>         body {"rps": n} overrides demand (?kind=StatefulSet)
 *   DELETE /sim/demand/<ns>/<name>         back to the configured demand
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClusterSim } from '../sim/cluster';
import { ApiError, badRequest, notFound } from '../api/status';
import { emptyFaults, mergeFaults } from '../faults/faults';
import { readBody, sendJson } from './respond';

async function optionalJson(
  req: IncomingMessage,
): Promise<Record<string, unknown>> {
  const text = await readBody(req);
  if (!text.trim()) return {};
  try {
    const v = JSON.parse(text);
    if (!v || typeof v !== 'object' || Array.isArray(v))
      throw new Error('not an object');
    return v;
  } catch (e) {
    throw badRequest(
      `the request body must be a JSON object: ${(e as Error).message}`,
    );
  }
}

export async function handleAdmin(
  sim: ClusterSim,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
): Promise<void> {
  const method = req.method ?? 'GET';
  const parts = path.split('/').filter(Boolean).slice(1); // drop "sim"
  const [head, a, b] = parts;
  if (head === 'state' && method === 'GET') {
    // `?gc=1` collects garbage first when node runs with --expose-gc (the benchmark does).
    const gc = (globalThis as { gc?: () => void }).gc;
    if (query.get('gc') === '1' && gc) gc();
    sendJson(res, 200, {
      time: new Date(sim.now()).toISOString(),
      timeMs: sim.now(),
      clockFactor: sim.clock.factor,
      clockRunning: sim.clock.running,
      resourceVersion: sim.store.resourceVersion(),
      pods: sim.lifecycle.pods.size,
      workloads: sim.summaries(),
      faults: sim.faults.current,
      process: (({ rss, heapUsed, heapTotal, external }) => ({
        rss,
        heapUsed,
        heapTotal,
        external,
      }))(process.memoryUsage()),
    });
    return;
  }
  if (head === 'workloads' && method === 'GET') {
    sendJson(res, 200, { items: sim.summaries() });
    return;
  }
  if (head === 'faults') {
    const toSpec = (fn: () => ReturnType<typeof mergeFaults>) => {
      try {
        return fn();
      } catch (e) {
        throw badRequest((e as Error).message);
      }
    };
    if (method === 'GET') {
      sendJson(res, 200, sim.faults.current);
      return;
    }
    if (method === 'PUT' || method === 'PATCH' || method === 'POST') {
      const body = await optionalJson(req);
      const base =
        method === 'PUT'
          ? emptyFaults(sim.faults.current.seed)
          : sim.faults.current;
      sim.faults.set(toSpec(() => mergeFaults(base, body)));
      sendJson(res, 200, sim.faults.current);
      return;
    }
    if (method === 'DELETE') {
      sim.faults.set(emptyFaults(sim.faults.current.seed));
      sendJson(res, 200, sim.faults.current);
      return;
    }
  }
  if (head === 'clock' && a === 'advance' && method === 'POST') {
    const body = await optionalJson(req);
    const seconds = Number(body.seconds ?? query.get('seconds'));
    if (!Number.isFinite(seconds) || seconds < 0 || seconds > 366 * 86400) {
      throw badRequest('seconds: must be a number between 0 and 31622400');
    }
    sim.advance(seconds);
    sendJson(res, 200, {
      time: new Date(sim.now()).toISOString(),
      timeMs: sim.now(),
    });
    return;
  }
  if (head === 'demand' && a && b) {
    const kind = query.get('kind') ?? undefined;
    if (method === 'GET') {
      const d = sim.demandOf(a, b, kind);
      if (d === undefined) throw notFound('workloads', `${a}/${b}`);
      sendJson(res, 200, { namespace: a, name: b, rps: d });
      return;
    }
    if (method === 'PUT' || method === 'POST') {
      const body = await optionalJson(req);
      const rps = Number(body.rps);
      if (body.rps === undefined || !Number.isFinite(rps) || rps < 0)
        throw badRequest('rps: must be a non-negative number');
      if (!sim.setDemandOverride(a, b, rps, kind))
        throw notFound('workloads', `${a}/${b}`);
      sendJson(res, 200, { namespace: a, name: b, rps });
      return;
    }
    if (method === 'DELETE') {
      if (!sim.setDemandOverride(a, b, undefined, kind))
        throw notFound('workloads', `${a}/${b}`);
      sendJson(res, 200, {
        namespace: a,
        name: b,
        rps: sim.demandOf(a, b, kind),
      });
      return;
    }
  }
  throw new ApiError(404, 'NotFound', `no admin endpoint ${method} ${path}`);
}
