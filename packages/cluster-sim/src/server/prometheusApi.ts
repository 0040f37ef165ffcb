/**
 * The Prometheus HTTP API, under /prometheus, over the simulator's own series (its simulated past
 * and its live state): GET or POST (form-encoded) `/prometheus/api/v1/query` and
 * `/prometheus/api/v1/query_range`, answering the PromQL subset of ../prometheus/promql.ts with
 * Prometheus' JSON shapes and error codes (400 bad_data, 422 for what the subset lacks, 503 when
 * the metrics outage fault is on). Times are simulated times.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClusterSim } from '../sim/cluster';
import {
  parsePromQL,
  QueryParseError,
  UnsupportedQueryError,
  parseDurationMs,
} from '../prometheus/promql';
import {
  evaluateInstant,
  evaluateRange,
  MAX_POINTS,
  rangePoints,
  seriesSource,
} from '../prometheus/evaluate';
import { readBody, sendJson } from './respond';

export const PROMETHEUS_PREFIX = '/prometheus';

class PromApiError extends Error {
  constructor(
    readonly code: number,
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

const badData = (message: string) => new PromApiError(400, 'bad_data', message);

/** Prometheus renders sample values as strings ("NaN", "+Inf" included). */
function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  return String(v);
}

/** Epoch seconds (float) or RFC 3339, as Prometheus accepts; returns epoch ms. */
export function parseTime(name: string, raw: string): number {
  const s = raw.trim();
  if (/^-?[0-9]+(\.[0-9]+)?$/.test(s)) return Math.round(Number(s) * 1000);
  if (/^[0-9]{4}-[0-9]{2}-[0-9]{2}T/.test(s)) {
    const t = Date.parse(s);
    if (Number.isFinite(t)) return t;
  }
  throw badData(
    `invalid parameter "${name}": cannot parse "${raw}" to a valid timestamp`,
  );
}

/** Float seconds or a PromQL duration ("5m"); returns ms. */
export function parseStep(raw: string): number {
  const s = raw.trim();
  if (/^[0-9]*\.?[0-9]+$/.test(s)) return Math.round(Number(s) * 1000);
  if (/^(?:[0-9]+(?:ms|s|m|h|d|w|y))+$/.test(s)) return parseDurationMs(s);
  throw badData(
    `invalid parameter "step": cannot parse "${raw}" to a valid duration`,
  );
}

async function params(
  req: IncomingMessage,
  query: URLSearchParams,
): Promise<URLSearchParams> {
  if (req.method !== 'POST') return query;
  const type = req.headers['content-type'] ?? '';
  const body = await readBody(req);
  const merged = new URLSearchParams(query);
  if (
    type.startsWith('application/x-www-form-urlencoded') ||
    (body.trim() && !type)
  ) {
    for (const [k, v] of new URLSearchParams(body)) merged.set(k, v);
  } else if (body.trim()) {
    throw badData(
      `unsupported Content-Type "${type}" (use application/x-www-form-urlencoded)`,
    );
  }
  return merged;
}

function parseQuery(p: URLSearchParams) {
  const q = p.get('query');
  if (q === null || q.trim() === '')
    throw badData('invalid parameter "query": query must not be empty');
  try {
    return parsePromQL(q);
  } catch (e) {
    if (e instanceof UnsupportedQueryError) {
      throw new PromApiError(
        422,
        'execution',
        `unsupported expression: ${e.message} (cluster-sim answers a PromQL subset: selectors, rate(), sum, sum by)`,
      );
    }
    if (e instanceof QueryParseError)
      throw badData(`invalid parameter "query": parse error: ${e.message}`);
    throw e;
  }
}

/** Handles a request under /prometheus; `path` has the prefix. */
export async function handlePrometheusApi(
  sim: ClusterSim,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: URLSearchParams,
): Promise<void> {
  try {
    const sub = path.slice(PROMETHEUS_PREFIX.length) || '/';
    if (sub === '/-/healthy' || sub === '/-/ready') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('OK\n');
      return;
    }
    if (sub !== '/api/v1/query' && sub !== '/api/v1/query_range') {
      throw new PromApiError(
        404,
        'not_found',
        `no such endpoint ${path} (cluster-sim serves /prometheus/api/v1/query and /prometheus/api/v1/query_range)`,
      );
    }
    if (req.method !== 'GET' && req.method !== 'POST')
      throw new PromApiError(
        405,
        'bad_data',
        `method ${req.method} not allowed (GET or POST)`,
      );
    const p = await params(req, query);
    if (sim.faults.metricsDown())
      throw new PromApiError(
        503,
        'unavailable',
        'metrics outage (fault injection)',
      );
    sim.sync();
    if (sub === '/api/v1/query') {
      const expr = parseQuery(p);
      const timeRaw = p.get('time');
      const t =
        timeRaw === null || timeRaw === ''
          ? Math.round(sim.now())
          : parseTime('time', timeRaw);
      const result = evaluateInstant(
        expr,
        t,
        seriesSource(sim.prometheusSeries()),
      );
      sendJson(res, 200, {
        status: 'success',
        data: {
          resultType: 'vector',
          result: result.map(r => ({
            metric: r.metric,
            value: [t / 1000, formatValue(r.value)],
          })),
        },
      });
      return;
    }
    const expr = parseQuery(p);
    for (const name of ['start', 'end', 'step']) {
      if (!p.get(name)) throw badData(`invalid parameter "${name}": missing`);
    }
    const start = parseTime('start', p.get('start')!);
    const end = parseTime('end', p.get('end')!);
    const step = parseStep(p.get('step')!);
    if (end < start)
      throw badData(
        'invalid parameter "end": end timestamp must not be before start time',
      );
    if (step <= 0)
      throw badData(
        'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
      );
    if (rangePoints(start, end, step) > MAX_POINTS) {
      throw badData(
        'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
      );
    }
    const result = evaluateRange(
      expr,
      start,
      end,
      step,
      seriesSource(sim.prometheusSeries()),
    );
    sendJson(res, 200, {
      status: 'success',
      data: {
        resultType: 'matrix',
        result: result.map(r => ({
          metric: r.metric,
          values: r.points.map(([t, v]) => [t / 1000, formatValue(v)]),
        })),
      },
    });
  } catch (e) {
    req.resume();
    if (e instanceof PromApiError) {
      sendJson(res, e.code, {
        status: 'error',
        errorType: e.errorType,
        error: e.message,
      });
      return;
    }
    throw e;
  }
}
