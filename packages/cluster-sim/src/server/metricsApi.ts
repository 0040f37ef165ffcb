/** metrics.k8s.io/v1beta1: pod and node metrics from the load model (like metrics-server). */
import { ApiError, badRequest } from '../api/status';
import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from '../api/selectors';
import { nodeMetrics, podMetrics } from '../metrics/metricsApi';
import type { PodRuntime } from '../sim/workloadModel';
import type { HandlerContext } from './resourceHandlers';
import { sendJson } from './respond';

export function handleMetricsApi(ctx: HandlerContext): void {
  const { sim, info } = ctx;
  if (sim.faults.metricsDown()) {
    throw new ApiError(
      503,
      'ServiceUnavailable',
      'the server is currently unable to handle the request (get pods.metrics.k8s.io)',
    );
  }
  if (info.verb !== 'get' && info.verb !== 'list') {
    throw new ApiError(
      405,
      'MethodNotAllowed',
      'the server does not allow this method on the requested resource',
    );
  }
  if (info.subresource)
    throw badRequest(`unknown subresource ${info.subresource}`);
  const labels = parseLabelSelector(ctx.query.get('labelSelector'));
  const fields = parseFieldSelector(
    ctx.query.get('fieldSelector'),
    info.resource,
  );
  const now = sim.now();
  if (info.resource === 'pods') {
    const items: Record<string, unknown>[] = [];
    const pods = info.name
      ? [sim.store.get('pods', info.namespace, info.name)].filter(p => p)
      : sim.store.list('pods', info.namespace);
    for (const pod of pods) {
      const rt = sim.lifecycle.get(
        pod!.metadata.namespace!,
        pod!.metadata.name!,
      );
      if (!rt || !rt.started) continue;
      if (
        !matchesLabels(labels, pod!.metadata.labels) ||
        !matchesFields(fields, pod)
      )
        continue;
      items.push(podMetrics(pod!, rt, now));
    }
    if (info.name) {
      if (items.length === 0) {
        throw new ApiError(
          404,
          'NotFound',
          `podmetrics.metrics.k8s.io "${info.namespace}/${info.name}" not found`,
          {
            name: info.name,
            group: 'metrics.k8s.io',
            kind: 'pods',
          },
        );
      }
      sendJson(ctx.res, 200, items[0]);
      return;
    }
    sendJson(ctx.res, 200, {
      kind: 'PodMetricsList',
      apiVersion: 'metrics.k8s.io/v1beta1',
      metadata: {},
      items,
    });
    return;
  }
  // nodes
  const byNode = new Map<string, PodRuntime[]>();
  for (const rt of sim.lifecycle.pods.values()) {
    if (!rt.nodeName) continue;
    const l = byNode.get(rt.nodeName) ?? [];
    l.push(rt);
    byNode.set(rt.nodeName, l);
  }
  const nodes = info.name
    ? [sim.store.get('nodes', undefined, info.name)].filter(n => n)
    : sim.store.list('nodes');
  const items = nodes
    .filter(
      n =>
        matchesLabels(labels, n!.metadata.labels) && matchesFields(fields, n),
    )
    .map(n => nodeMetrics(n!, byNode.get(n!.metadata.name!) ?? [], now));
  if (info.name) {
    if (items.length === 0) {
      throw new ApiError(
        404,
        'NotFound',
        `nodemetrics.metrics.k8s.io "${info.name}" not found`,
        { name: info.name, group: 'metrics.k8s.io', kind: 'nodes' },
      );
    }
    sendJson(ctx.res, 200, items[0]);
    return;
  }
  sendJson(ctx.res, 200, {
    kind: 'NodeMetricsList',
    apiVersion: 'metrics.k8s.io/v1beta1',
    metadata: {},
    items,
  });
}
