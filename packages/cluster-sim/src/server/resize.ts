/**
 * The `resize` subresource of pods (in-place pod resize, Kubernetes 1.33+): a get returns the
 * pod; an update or patch may change only `spec.containers[*].resources`, which the kubelet
 * applies without a restart when the node has room (see `PodLifecycle.resize`). Clusters
 * reporting a version before 1.33 do not serve it (404), as such a cluster would not.
 */
import type { KObject } from '../api/types';
import { ApiError, badRequest, conflict, notFound } from '../api/status';
import { applyPatch, patchTypeOf } from '../api/patch';
import { parseQuantity } from '../util/quantity';
import type { HandlerContext } from './resourceHandlers';
import { readJson, sendJson } from './respond';

/** Whether a cluster of this version serves `pods/resize` (beta and on by default from 1.33). */
export function servesPodResize(gitVersion: string): boolean {
  const m = /^v(\d+)\.(\d+)/.exec(gitVersion);
  if (!m) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > 1 || (major === 1 && minor >= 33);
}

type Resources = {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
};

function quantity(value: unknown, field: string): number {
  try {
    return parseQuantity(String(value));
  } catch {
    throw badRequest(
      `${field}: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
    );
  }
}

function checkResources(
  name: string,
  resources: Resources,
  index: number,
): void {
  for (const r of ['cpu', 'memory']) {
    const request = resources.requests?.[r];
    const limit = resources.limits?.[r];
    const base = `spec.containers[${index}].resources`;
    const req =
      request === undefined
        ? undefined
        : quantity(request, `${base}.requests.${r}`);
    const lim =
      limit === undefined ? undefined : quantity(limit, `${base}.limits.${r}`);
    if (req !== undefined && lim !== undefined && req > lim + 1e-12) {
      throw new ApiError(
        422,
        'Invalid',
        `Pod "${name}" is invalid: ${base}.requests: Invalid value: "${request}": must be less than or equal to ${r} limit of ${limit}`,
      );
    }
  }
}

export async function handleResize(ctx: HandlerContext): Promise<void> {
  const name = ctx.info.name!;
  if (!servesPodResize(ctx.sim.config.cluster.gitVersion)) {
    throw notFound('pods/resize', name, '', 'pods');
  }
  const current = ctx.sim.store.get('pods', ctx.info.namespace, name);
  if (!current) throw notFound('pods', name, '', 'pods');
  const verb = ctx.info.verb;
  if (verb === 'get') {
    sendJson(ctx.res, 200, current);
    return;
  }
  let desired: KObject;
  if (verb === 'update') {
    desired = (await readJson(ctx.req)) as KObject;
    if (!desired || typeof desired !== 'object')
      throw badRequest('the request body must be a Pod');
  } else if (verb === 'patch') {
    const type = patchTypeOf(ctx.req.headers['content-type']);
    if (!type) {
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json',
      );
    }
    desired = applyPatch(type, current, await readJson(ctx.req)) as KObject;
  } else {
    throw new ApiError(
      405,
      'MethodNotAllowed',
      'the server does not allow this method on the requested resource',
    );
  }
  const pre = desired.metadata?.resourceVersion;
  if (verb === 'update' && pre && pre !== current.metadata.resourceVersion) {
    throw conflict('pods', name, '', 'pods');
  }
  // Only the containers' resources change through this subresource.
  const wanted: Array<{ name?: string; resources?: Resources }> =
    desired.spec?.containers ?? [];
  const containers = (current.spec?.containers ?? []).map(
    (c: { name: string; resources?: Resources }, i: number) => {
      const w = wanted.find(x => x?.name === c.name);
      if (!w) return c;
      const resources = w.resources ?? {};
      checkResources(name, resources, i);
      return { ...c, resources: structuredClone(resources) };
    },
  );
  for (const w of wanted) {
    if (
      !(current.spec?.containers ?? []).some(
        (c: { name: string }) => c.name === w?.name,
      )
    ) {
      throw new ApiError(
        422,
        'Invalid',
        `Pod "${name}" is invalid: spec.containers: Forbidden: containers may not be added or removed by a resize (no container "${w?.name}")`,
      );
    }
  }
  const next: KObject = {
    ...current,
    metadata: {
      ...current.metadata,
      resourceVersion: pre || current.metadata.resourceVersion,
    },
    spec: { ...current.spec, containers },
  };
  if (ctx.query.getAll('dryRun').includes('All')) {
    sendJson(ctx.res, 200, next);
    return;
  }
  ctx.sim.lifecycle.resize(next, ctx.sim.now());
  ctx.sim.reconcile();
  sendJson(ctx.res, 200, ctx.sim.store.get('pods', ctx.info.namespace, name));
}
