/**
 * Generic REST handlers for stored resources: get, list (selectors, pagination, Table output),
 * watch (streaming JSON lines), create, update, patch, delete, deletecollection, and the
 * `status` subresource.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClusterSim } from '../sim/cluster';
import { qualifiedResource, ResourceDef, resourceKey } from '../api/resources';
import {
  ApiError,
  badRequest,
  conflict,
  notFound,
  statusBody,
} from '../api/status';
import type { KObject } from '../api/types';
import {
  FieldSelector,
  LabelSelector,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from '../api/selectors';
import { applyPatch, patchTypeOf } from '../api/patch';
import { IncludeObject, toTable, wantsTable } from '../api/table';
import { validateAndDefault } from '../api/validate';
import { randomSuffix, createRng } from '../util/rng';
import type { ResourceRequest } from './requestInfo';
import { readJson, sendJson } from './respond';
import type { StoreEvent } from '../store/store';

export interface HandlerContext {
  sim: ClusterSim;
  req: IncomingMessage;
  res: ServerResponse;
  query: URLSearchParams;
  info: ResourceRequest;
  def: ResourceDef;
  /** Called for every open watch so the server can close them on stop. */
  trackWatch: (close: () => void) => () => void;
  /** Wall milliseconds between a watch's BOOKMARK events (default 10,000). */
  watchBookmarkMs?: number;
}

const nameRng = createRng(0x6e616d65);
const LIST_CHUNK = 500;

function selectors(ctx: HandlerContext): {
  labels: LabelSelector;
  fields: FieldSelector;
} {
  return {
    labels: parseLabelSelector(ctx.query.get('labelSelector')),
    fields: parseFieldSelector(
      ctx.query.get('fieldSelector'),
      ctx.def.resource,
    ),
  };
}

function tableOptions(ctx: HandlerContext) {
  const version = wantsTable(ctx.req.headers.accept);
  if (!version) return undefined;
  const inc = (ctx.query.get('includeObject') ?? 'Metadata') as IncludeObject;
  return {
    version,
    includeObject: ['None', 'Metadata', 'Object'].includes(inc)
      ? inc
      : ('Metadata' as IncludeObject),
  };
}

function listKind(def: ResourceDef) {
  return `${def.kind}List`;
}

function apiVersionOf(def: ResourceDef) {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

function errName(def: ResourceDef) {
  return { q: qualifiedResource(def), group: def.group, kind: def.resource };
}

function getOr404(ctx: HandlerContext, name: string): KObject {
  const obj = ctx.sim.store.get(resourceKey(ctx.def), ctx.info.namespace, name);
  if (!obj) {
    const e = errName(ctx.def);
    throw notFound(e.q, name, e.group, e.kind);
  }
  return obj;
}

export function handleGet(ctx: HandlerContext): void {
  const obj = getOr404(ctx, ctx.info.name!);
  const table = tableOptions(ctx);
  if (ctx.info.subresource === 'status') {
    sendJson(ctx.res, 200, obj);
    return;
  }
  if (table) {
    sendJson(
      ctx.res,
      200,
      toTable(ctx.def.kind, [obj], ctx.sim.now(), {
        ...table,
        resourceVersion: obj.metadata.resourceVersion,
      }),
    );
    return;
  }
  sendJson(ctx.res, 200, ctx.sim.store.json(resourceKey(ctx.def), obj));
}

interface ContinueToken {
  rv: string;
  after: string;
}

export function handleList(ctx: HandlerContext): void {
  const { labels, fields } = selectors(ctx);
  const key = resourceKey(ctx.def);
  const store = ctx.sim.store;
  const rv = store.resourceVersion();
  const filter = (o: KObject) =>
    (labels.length === 0 || matchesLabels(labels, o.metadata.labels)) &&
    (fields.length === 0 || matchesFields(fields, o));
  const limit = Number(ctx.query.get('limit') ?? 0);
  const cont = ctx.query.get('continue');
  const table = tableOptions(ctx);
  let objects: KObject[] | undefined;
  let continueToken: string | undefined;
  let remaining: number | undefined;
  if ((Number.isInteger(limit) && limit > 0) || cont) {
    let all = store.list(key, ctx.info.namespace).filter(filter);
    if (cont) {
      let token: ContinueToken;
      try {
        token = JSON.parse(Buffer.from(cont, 'base64url').toString('utf8'));
      } catch {
        throw badRequest('invalid continue token');
      }
      all = all.filter(
        o => `${o.metadata.namespace ?? ''}/${o.metadata.name}` > token.after,
      );
    }
    if (limit > 0 && all.length > limit) {
      objects = all.slice(0, limit);
      const last = objects[objects.length - 1];
      continueToken = Buffer.from(
        JSON.stringify({
          rv,
          after: `${last.metadata.namespace ?? ''}/${last.metadata.name}`,
        } satisfies ContinueToken),
      ).toString('base64url');
      remaining = all.length - limit;
    } else objects = all;
  }
  if (table) {
    const objs = objects ?? store.list(key, ctx.info.namespace).filter(filter);
    sendJson(
      ctx.res,
      200,
      toTable(ctx.def.kind, objs, ctx.sim.now(), {
        ...table,
        resourceVersion: rv,
        continueToken,
      }),
    );
    return;
  }
  const items = objects
    ? objects.map(o => store.json(key, o))
    : store.listJson(
        key,
        ctx.info.namespace,
        labels.length || fields.length ? filter : undefined,
      );
  const meta: Record<string, unknown> = { resourceVersion: rv };
  if (continueToken) {
    meta.continue = continueToken;
    meta.remainingItemCount = remaining;
  }
  const head = `{"kind":"${listKind(ctx.def)}","apiVersion":"${apiVersionOf(
    ctx.def,
  )}","metadata":${JSON.stringify(meta)},"items":[`;
  if (items.length <= LIST_CHUNK) {
    sendJson(ctx.res, 200, `${head}${items.join(',')}]}`);
    return;
  }
  // Large lists: stream in chunks instead of building one huge string.
  ctx.res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
  });
  ctx.res.write(head);
  for (let i = 0; i < items.length; i += LIST_CHUNK) {
    ctx.res.write(
      `${i === 0 ? '' : ','}${items.slice(i, i + LIST_CHUNK).join(',')}`,
    );
  }
  ctx.res.end(']}');
}

export function handleWatch(ctx: HandlerContext): void {
  const { labels, fields } = selectors(ctx);
  const key = resourceKey(ctx.def);
  const store = ctx.sim.store;
  const ns = ctx.info.namespace;
  const nameFilter = ctx.info.name;
  const table = tableOptions(ctx);
  const rvParam = ctx.query.get('resourceVersion');
  const matches = (o: KObject, lbls?: Record<string, string>) =>
    (ns === undefined || o.metadata.namespace === ns) &&
    (nameFilter === undefined || o.metadata.name === nameFilter) &&
    matchesLabels(labels, lbls ?? o.metadata.labels) &&
    matchesFields(fields, o);

  let backlog: StoreEvent[] | undefined;
  if (rvParam && rvParam !== '0') {
    const rv = Number(rvParam);
    if (!Number.isInteger(rv) || rv < 0)
      throw badRequest(`invalid resourceVersion "${rvParam}"`);
    backlog = store.eventsSince(rv);
  }
  const res = ctx.res;
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Transfer-Encoding': 'chunked',
    'Cache-Control': 'no-cache, private',
  });
  res.flushHeaders();
  const write = (type: string, obj: KObject | Record<string, unknown>) => {
    let payload: string;
    if (type === 'ERROR' || type === 'BOOKMARK' || !table) {
      payload =
        type !== 'ERROR' && type !== 'BOOKMARK'
          ? store.json(key, obj as KObject)
          : JSON.stringify(obj);
    } else {
      payload = JSON.stringify(
        toTable(ctx.def.kind, [obj as KObject], ctx.sim.now(), {
          ...table,
          columns: true,
        }),
      );
    }
    res.write(`{"type":"${type}","object":${payload}}\n`);
  };
  if (rvParam && rvParam !== '0' && backlog === undefined) {
    write(
      'ERROR',
      statusBody(
        410,
        'Expired',
        `too old resource version: ${rvParam} (${store.resourceVersion()})`,
      ),
    );
    res.end();
    return;
  }
  if (backlog === undefined) {
    // No resourceVersion (or "0"): synthetic ADDED events for the current state first.
    for (const o of store.list(key, ns)) if (matches(o)) write('ADDED', o);
  }
  const deliver = (e: StoreEvent): void => {
    if (e.key !== key) return;
    const now = matches(e.obj);
    if (
      e.type === 'MODIFIED' &&
      e.prevLabels !== undefined &&
      labels.length > 0
    ) {
      // An object whose labels moved it in or out of the selection is ADDED / DELETED for us.
      const before = matches(e.obj, e.prevLabels);
      if (before && !now) {
        write('DELETED', e.obj);
        return;
      }
      if (!before && now) {
        write('ADDED', e.obj);
        return;
      }
    }
    if (now) write(e.type, e.obj);
  };
  for (const e of backlog ?? []) deliver(e);
  const unsubscribe = store.subscribe(deliver);
  let bookmarkTimer: NodeJS.Timeout | undefined;
  if (ctx.query.get('allowWatchBookmarks') === 'true') {
    bookmarkTimer = setInterval(() => {
      write('BOOKMARK', {
        kind: ctx.def.kind,
        apiVersion: apiVersionOf(ctx.def),
        metadata: { resourceVersion: store.resourceVersion() },
      });
    }, ctx.watchBookmarkMs ?? 10_000);
    bookmarkTimer.unref();
  }
  const timeoutSeconds = Number(ctx.query.get('timeoutSeconds') ?? 0);
  let timeout: NodeJS.Timeout | undefined;
  let closed = false;
  let untrack: () => void = () => undefined;
  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
    untrack();
    if (bookmarkTimer) clearInterval(bookmarkTimer);
    if (timeout) clearTimeout(timeout);
    res.end();
  };
  untrack = ctx.trackWatch(close);
  if (timeoutSeconds > 0) timeout = setTimeout(close, timeoutSeconds * 1000);
  ctx.req.on('close', close);
  res.on('close', close);
}

/** Prepares a written object: kind/apiVersion, namespace and name consistent with the URL. */
function normaliseBody(
  ctx: HandlerContext,
  body: unknown,
  nameFromUrl?: string,
): KObject {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw badRequest('the request body must be a JSON object');
  const obj = structuredClone(body) as KObject;
  const av = apiVersionOf(ctx.def);
  if (obj.kind !== undefined && obj.kind !== ctx.def.kind) {
    throw badRequest(
      `the API version in the data (${obj.apiVersion}) and kind (${obj.kind}) do not match the request (${av}, ${ctx.def.kind})`,
    );
  }
  if (obj.apiVersion !== undefined && obj.apiVersion !== av) {
    throw badRequest(
      `the API version in the data (${obj.apiVersion}) does not match the expected API version (${av})`,
    );
  }
  obj.kind = ctx.def.kind;
  obj.apiVersion = av;
  obj.metadata = { ...(obj.metadata ?? {}) };
  if (ctx.def.namespaced) {
    if (
      obj.metadata.namespace &&
      ctx.info.namespace &&
      obj.metadata.namespace !== ctx.info.namespace
    ) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    obj.metadata.namespace = ctx.info.namespace ?? obj.metadata.namespace;
    if (!obj.metadata.namespace)
      throw badRequest('a namespace is required for a namespaced resource');
  } else delete obj.metadata.namespace;
  if (
    nameFromUrl !== undefined &&
    obj.metadata.name !== undefined &&
    obj.metadata.name !== nameFromUrl
  ) {
    throw badRequest(
      `the name of the object (${obj.metadata.name}) does not match the name on the URL (${nameFromUrl})`,
    );
  }
  if (nameFromUrl !== undefined) obj.metadata.name = nameFromUrl;
  return obj;
}

function requireNamespace(ctx: HandlerContext, ns: string | undefined): void {
  if (
    ctx.def.namespaced &&
    ns &&
    !ctx.sim.store.get('namespaces', undefined, ns)
  ) {
    throw notFound('namespaces', ns, '', 'namespaces');
  }
}

const dryRun = (ctx: HandlerContext) =>
  ctx.query.getAll('dryRun').includes('All');

function hasStatus(def: ResourceDef) {
  return (def.subresources ?? []).some(s => s.name === 'status');
}

export async function handleCreate(ctx: HandlerContext): Promise<void> {
  if (ctx.info.name)
    throw new ApiError(
      405,
      'MethodNotAllowed',
      'the server does not allow this method on the requested resource',
    );
  const obj = normaliseBody(ctx, await readJson(ctx.req));
  if (!obj.metadata.name && obj.metadata.generateName) {
    do
      obj.metadata.name = `${obj.metadata.generateName}${randomSuffix(
        nameRng,
      )}`;
    while (
      ctx.sim.store.get(
        resourceKey(ctx.def),
        obj.metadata.namespace,
        obj.metadata.name,
      )
    );
  }
  for (const f of [
    'uid',
    'resourceVersion',
    'creationTimestamp',
    'generation',
    'deletionTimestamp',
  ])
    delete obj.metadata[f];
  requireNamespace(ctx, obj.metadata.namespace);
  // Status is the controllers' business: reset it (pods get theirs from the lifecycle).
  if (hasStatus(ctx.def))
    obj.status = ctx.def.kind === 'Namespace' ? { phase: 'Active' } : {};
  if (ctx.def.kind === 'Pod') delete obj.status;
  validateAndDefault(ctx.def, obj);
  if (dryRun(ctx)) {
    sendJson(ctx.res, 201, obj);
    return;
  }
  const created = ctx.sim.store.create(resourceKey(ctx.def), obj);
  ctx.sim.reconcile();
  sendJson(
    ctx.res,
    201,
    ctx.sim.store.get(
      resourceKey(ctx.def),
      created.metadata.namespace,
      created.metadata.name!,
    ) ?? created,
  );
}

/** Writes `next` over `current`, keeping the other half when writing to the main resource or /status. */
function writeOver(
  ctx: HandlerContext,
  current: KObject,
  input: KObject,
  code: number,
): void {
  const key = resourceKey(ctx.def);
  let next = input;
  if (ctx.info.subresource === 'status') {
    next = {
      ...current,
      metadata: {
        ...current.metadata,
        resourceVersion: input.metadata.resourceVersion,
      },
      status: input.status,
    };
  } else if (hasStatus(ctx.def)) {
    next.status = current.status;
  }
  for (const f of ['uid', 'creationTimestamp'])
    next.metadata[f] = current.metadata[f];
  if (ctx.info.subresource !== 'status') validateAndDefault(ctx.def, next);
  if (dryRun(ctx)) {
    if (
      next.metadata.resourceVersion &&
      next.metadata.resourceVersion !== current.metadata.resourceVersion
    ) {
      const e = errName(ctx.def);
      throw conflict(e.q, current.metadata.name!, e.group, e.kind);
    }
    sendJson(ctx.res, code, next);
    return;
  }
  const written = ctx.sim.store.update(key, next);
  ctx.sim.reconcile();
  sendJson(ctx.res, code, ctx.sim.store.json(key, written));
}

export async function handleUpdate(ctx: HandlerContext): Promise<void> {
  if (!ctx.info.name)
    throw new ApiError(
      405,
      'MethodNotAllowed',
      'the server does not allow this method on the requested resource',
    );
  const body = normaliseBody(ctx, await readJson(ctx.req), ctx.info.name);
  const current = getOr404(ctx, ctx.info.name);
  writeOver(ctx, current, body, 200);
}

export async function handlePatch(ctx: HandlerContext): Promise<void> {
  if (!ctx.info.name)
    throw new ApiError(
      405,
      'MethodNotAllowed',
      'the server does not allow this method on the requested resource',
    );
  const type = patchTypeOf(ctx.req.headers['content-type']);
  if (!type) {
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`,
    );
  }
  const patch = await readJson(ctx.req);
  const current = getOr404(ctx, ctx.info.name);
  const patched = applyPatch(type, current, patch) as KObject;
  if (!patched || typeof patched !== 'object')
    throw badRequest('the patch did not produce an object');
  const next = normaliseBody(
    ctx,
    {
      ...patched,
      metadata: {
        ...(patched.metadata ?? {}),
        namespace: current.metadata.namespace,
      },
    },
    ctx.info.name,
  );
  writeOver(ctx, current, next, 200);
}

function deleteOptions(body: unknown): { precondition?: string; uid?: string } {
  if (!body || typeof body !== 'object') return {};
  const pre = (
    body as { preconditions?: { resourceVersion?: string; uid?: string } }
  ).preconditions;
  return { precondition: pre?.resourceVersion, uid: pre?.uid };
}

export async function handleDelete(ctx: HandlerContext): Promise<void> {
  const name = ctx.info.name!;
  const text = await (async () => {
    const chunks: Buffer[] = [];
    for await (const c of ctx.req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  })();
  let body: unknown;
  try {
    body = text.trim() ? JSON.parse(text) : undefined;
  } catch {
    throw badRequest('the request body is not valid JSON');
  }
  const current = getOr404(ctx, name);
  const opts = deleteOptions(body);
  const e = errName(ctx.def);
  if (
    (opts.precondition &&
      opts.precondition !== current.metadata.resourceVersion) ||
    (opts.uid && opts.uid !== current.metadata.uid)
  ) {
    throw conflict(e.q, name, e.group, e.kind);
  }
  if (dryRun(ctx)) {
    sendJson(ctx.res, 200, current);
    return;
  }
  const deleted = ctx.sim.store.delete(
    resourceKey(ctx.def),
    ctx.info.namespace,
    name,
  );
  ctx.sim.reconcile();
  if (ctx.def.kind === 'Pod' || ctx.def.kind === 'Namespace') {
    sendJson(ctx.res, 200, deleted);
    return;
  }
  sendJson(ctx.res, 200, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: {
      name,
      group: ctx.def.group || undefined,
      kind: ctx.def.resource,
      uid: deleted.metadata.uid,
    },
  });
}

export async function handleDeleteCollection(
  ctx: HandlerContext,
): Promise<void> {
  const { labels, fields } = selectors(ctx);
  const key = resourceKey(ctx.def);
  const victims = ctx.sim.store
    .list(key, ctx.info.namespace)
    .filter(
      o => matchesLabels(labels, o.metadata.labels) && matchesFields(fields, o),
    );
  if (!dryRun(ctx)) {
    for (const v of victims) {
      if (ctx.sim.store.get(key, v.metadata.namespace, v.metadata.name!))
        ctx.sim.store.delete(key, v.metadata.namespace, v.metadata.name!);
    }
    ctx.sim.reconcile();
  }
  sendJson(
    ctx.res,
    200,
    `{"kind":"${listKind(ctx.def)}","apiVersion":"${apiVersionOf(
      ctx.def,
    )}","metadata":{"resourceVersion":"${ctx.sim.store.resourceVersion()}"},"items":${JSON.stringify(
      victims,
    )}}`,
  );
}
