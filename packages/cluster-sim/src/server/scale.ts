/** The `scale` subresource of deployments, statefulsets and replicasets (autoscaling/v1 Scale). */
import type { KObject } from '../api/types';
import { qualifiedResource, resourceKey } from '../api/resources';
import { ApiError, badRequest, conflict, notFound } from '../api/status';
import { applyPatch, patchTypeOf } from '../api/patch';
import { formatLabelSelector, fromLabelSelectorObject } from '../api/selectors';
import { validateReplicasValue } from '../api/validate';
import type { HandlerContext } from './resourceHandlers';
import { readJson, sendJson } from './respond';

export function scaleOf(obj: KObject): KObject {
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: obj.spec?.replicas ?? 0 },
    status: {
      replicas: obj.status?.replicas ?? 0,
      selector: formatLabelSelector(
        fromLabelSelectorObject(obj.spec?.selector),
      ),
    },
  };
}

function target(ctx: HandlerContext): KObject {
  const obj = ctx.sim.store.get(
    resourceKey(ctx.def),
    ctx.info.namespace,
    ctx.info.name!,
  );
  if (!obj)
    throw notFound(
      qualifiedResource(ctx.def),
      ctx.info.name!,
      ctx.def.group,
      ctx.def.resource,
    );
  return obj;
}

export async function handleScale(ctx: HandlerContext): Promise<void> {
  const current = target(ctx);
  const verb = ctx.info.verb;
  if (verb === 'get') {
    sendJson(ctx.res, 200, scaleOf(current));
    return;
  }
  let desired: KObject;
  if (verb === 'update') {
    const body = (await readJson(ctx.req)) as KObject;
    if (!body || typeof body !== 'object')
      throw badRequest('the request body must be a Scale object');
    if (body.kind !== undefined && body.kind !== 'Scale')
      throw badRequest(`expected kind Scale, got ${body.kind}`);
    desired = body;
  } else if (verb === 'patch') {
    const type = patchTypeOf(ctx.req.headers['content-type']);
    if (!type)
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json',
      );
    desired = applyPatch(
      type,
      scaleOf(current),
      await readJson(ctx.req),
    ) as KObject;
  } else {
    throw new ApiError(
      405,
      'MethodNotAllowed',
      `the server does not allow this method on the requested resource`,
    );
  }
  if (
    desired.metadata?.name !== undefined &&
    desired.metadata.name !== current.metadata.name
  ) {
    throw badRequest(
      `the name of the object (${desired.metadata.name}) does not match the name on the URL (${current.metadata.name})`,
    );
  }
  const replicas = desired.spec?.replicas;
  validateReplicasValue(
    replicas,
    'Scale',
    current.metadata.name!,
    'autoscaling',
    'spec.replicas',
  );
  const pre = desired.metadata?.resourceVersion;
  if (pre && pre !== current.metadata.resourceVersion) {
    throw conflict(
      qualifiedResource(ctx.def),
      current.metadata.name!,
      ctx.def.group,
      ctx.def.resource,
    );
  }
  if (ctx.query.getAll('dryRun').includes('All')) {
    sendJson(
      ctx.res,
      200,
      scaleOf({ ...current, spec: { ...current.spec, replicas } }),
    );
    return;
  }
  const written = ctx.sim.store.update(resourceKey(ctx.def), {
    ...current,
    metadata: {
      ...current.metadata,
      resourceVersion: pre || current.metadata.resourceVersion,
    },
    spec: { ...current.spec, replicas },
  });
  ctx.sim.reconcile();
  sendJson(ctx.res, 200, scaleOf(written));
}
