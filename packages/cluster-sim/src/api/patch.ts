/** Patch formats the API accepts: JSON merge patch, strategic merge patch (subset), JSON patch. */
import { ApiError, badRequest } from './status';

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Record<string, Json> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/**
 * Strategic merge patch for the fields this simulator models: like a merge patch, except that
 * lists of objects that all carry a `name` (containers, env, ports, volumes, conditions with
 * `type`) merge element-wise by that key, and `$patch: delete` / `$patch: replace` directives work.
 */
export function strategicMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _ignored, ...rest } = patch;
    return structuredClone(rest);
  }
  const out: Record<string, Json> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$setElementOrder/') || k === '$retainKeys') continue;
    if (v === null) delete out[k];
    else if (Array.isArray(v) && Array.isArray(out[k]))
      out[k] = mergeList(out[k] as Json[], v);
    else if (isObject(v) && v.$patch === 'delete') delete out[k];
    else out[k] = strategicMergePatch(out[k], v);
  }
  return out;
}

function mergeKeyOf(items: Json[]): string | undefined {
  for (const key of ['name', 'type', 'containerPort', 'mountPath', 'ip']) {
    if (
      items.length > 0 &&
      items.every(i => isObject(i) && i[key] !== undefined)
    )
      return key;
  }
  return undefined;
}

function mergeList(target: Json[], patch: Json[]): Json[] {
  const key = mergeKeyOf(
    patch.filter(p => !(isObject(p) && p.$patch === 'replace')),
  );
  if (!key || !target.every(t => isObject(t))) return structuredClone(patch);
  const out = target.map(t => structuredClone(t)) as Record<string, Json>[];
  for (const p of patch as Record<string, Json>[]) {
    const idx = out.findIndex(t => t[key] === p[key]);
    if (p.$patch === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
    } else if (idx >= 0)
      out[idx] = strategicMergePatch(out[idx], p) as Record<string, Json>;
    else out.push(structuredClone(p));
  }
  return out;
}

interface JsonPatchOp {
  op: string;
  path: string;
  from?: string;
  value?: Json;
}

function parsePointer(ptr: string): string[] {
  if (ptr === '') return [];
  if (!ptr.startsWith('/')) throw badRequest(`invalid JSON pointer "${ptr}"`);
  return ptr
    .slice(1)
    .split('/')
    .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const unprocessable = (msg: string) => new ApiError(422, 'Invalid', msg);

function getAt(doc: Json, tokens: string[], ptr: string): Json {
  let cur = doc;
  for (const t of tokens) {
    if (Array.isArray(cur)) {
      const i = Number(t);
      if (!Number.isInteger(i) || i < 0 || i >= cur.length)
        throw unprocessable(`jsonpatch: path "${ptr}" does not exist`);
      cur = cur[i];
    } else if (isObject(cur) && Object.prototype.hasOwnProperty.call(cur, t))
      cur = cur[t];
    else throw unprocessable(`jsonpatch: path "${ptr}" does not exist`);
  }
  return cur;
}

function parentOf(
  doc: Json,
  tokens: string[],
  ptr: string,
): { parent: Json; key: string } {
  if (tokens.length === 0)
    throw unprocessable(`jsonpatch: cannot operate on the document root`);
  return {
    parent: getAt(doc, tokens.slice(0, -1), ptr),
    key: tokens[tokens.length - 1],
  };
}

function deepEqual(a: Json, b: Json): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function addAt(doc: Json, tokens: string[], path: string, value: Json): Json {
  if (tokens.length === 0) return value;
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) {
    const i = key === '-' ? parent.length : Number(key);
    if (!Number.isInteger(i) || i < 0 || i > parent.length)
      throw unprocessable(`jsonpatch: index out of range in "${path}"`);
    parent.splice(i, 0, value);
  } else if (isObject(parent)) parent[key] = value;
  else throw unprocessable(`jsonpatch: parent of "${path}" is not a container`);
  return doc;
}

function removeAt(doc: Json, tokens: string[], path: string): Json {
  const existing = getAt(doc, tokens, path);
  const { parent, key } = parentOf(doc, tokens, path);
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete (parent as Record<string, Json>)[key];
  return existing;
}

/** Applies one operation to `doc` (mutating it) and returns the resulting document. */
function applyOp(doc: Json, op: JsonPatchOp): Json {
  const tokens = parsePointer(op.path);
  switch (op.op) {
    case 'add':
      return addAt(doc, tokens, op.path, structuredClone(op.value));
    case 'remove':
      removeAt(doc, tokens, op.path);
      return doc;
    case 'replace': {
      getAt(doc, tokens, op.path);
      if (tokens.length === 0) return structuredClone(op.value);
      const { parent, key } = parentOf(doc, tokens, op.path);
      if (Array.isArray(parent))
        parent[Number(key)] = structuredClone(op.value);
      else (parent as Record<string, Json>)[key] = structuredClone(op.value);
      return doc;
    }
    case 'move': {
      if (typeof op.from !== 'string') throw badRequest('"move" needs "from"');
      const value = removeAt(doc, parsePointer(op.from), op.from);
      return addAt(doc, tokens, op.path, value);
    }
    case 'copy':
      if (typeof op.from !== 'string') throw badRequest('"copy" needs "from"');
      return addAt(
        doc,
        tokens,
        op.path,
        structuredClone(getAt(doc, parsePointer(op.from), op.from)),
      );
    case 'test':
      if (!deepEqual(getAt(doc, tokens, op.path), op.value)) {
        throw unprocessable(
          `jsonpatch: test operation for path "${op.path}" failed`,
        );
      }
      return doc;
    default:
      throw badRequest(`unknown JSON patch operation "${op.op}"`);
  }
}

/** RFC 6902 JSON patch; returns a new document. */
export function jsonPatch(target: Json, ops: Json): Json {
  if (!Array.isArray(ops))
    throw badRequest('a JSON patch must be a list of operations');
  let doc = structuredClone(target);
  for (const raw of ops as JsonPatchOp[]) {
    if (
      !isObject(raw) ||
      typeof raw.op !== 'string' ||
      typeof raw.path !== 'string'
    ) {
      throw badRequest('every JSON patch operation needs "op" and "path"');
    }
    doc = applyOp(doc, raw);
  }
  return doc;
}

export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';

export function patchTypeOf(
  contentType: string | undefined,
): PatchType | undefined {
  const ct = (contentType ?? '').split(';')[0].trim().toLowerCase();
  switch (ct) {
    case 'application/merge-patch+json':
      return 'merge';
    case 'application/strategic-merge-patch+json':
      return 'strategic';
    case 'application/json-patch+json':
      return 'json';
    case 'application/apply-patch+yaml':
      return 'apply';
    default:
      return undefined;
  }
}

export function applyPatch(type: PatchType, target: Json, patch: Json): Json {
  switch (type) {
    case 'merge':
      return mergePatch(target, patch);
    case 'strategic':
      return strategicMergePatch(target, patch);
    case 'json':
      return jsonPatch(target, patch);
    default:
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        'server-side apply is not supported by cluster-sim; use a merge, strategic-merge or JSON patch',
      );
  }
}
