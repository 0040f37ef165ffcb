/** Parses a request path into Kubernetes request attributes (like kube-apiserver's RequestInfo). */

export interface ResourceRequest {
  type: 'resource';
  verb: string;
  group: string;
  version: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  watch: boolean;
}

export interface DiscoveryRequest {
  type: 'discovery';
  /** "/api", "/api/v1", "/apis", "/apis/apps", "/apis/apps/v1" */
  group?: string;
  version?: string;
  legacy: boolean;
}

export type RequestInfo =
  | ResourceRequest
  | DiscoveryRequest
  | { type: 'other'; path: string };

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export function parseRequestInfo(
  method: string,
  pathname: string,
  query: URLSearchParams,
): RequestInfo {
  const parts = pathname
    .split('/')
    .filter(p => p.length > 0)
    .map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api') {
    if (parts.length === 1) return { type: 'discovery', legacy: true };
    group = '';
    version = parts[1];
    if (parts.length === 2)
      return { type: 'discovery', legacy: true, group: '', version };
    rest = parts.slice(2);
  } else if (parts[0] === 'apis') {
    if (parts.length === 1) return { type: 'discovery', legacy: false };
    if (parts.length === 2)
      return { type: 'discovery', legacy: false, group: parts[1] };
    group = parts[1];
    version = parts[2];
    if (parts.length === 3)
      return { type: 'discovery', legacy: false, group, version };
    rest = parts.slice(3);
  } else {
    return { type: 'other', path: pathname };
  }
  let watch = false;
  if (rest[0] === 'watch') {
    watch = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1];
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2]))
      rest = rest.slice(2);
  }
  const [resource, name, subresource] = rest;
  if (resource === 'namespaces') namespace = undefined;
  const w = query.get('watch');
  if (w === '1' || w === 'true') watch = true;
  let verb: string;
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (watch) verb = 'watch';
      else verb = name ? 'get' : 'list';
      break;
    case 'POST':
      verb = 'create';
      break;
    case 'PUT':
      verb = 'update';
      break;
    case 'PATCH':
      verb = 'patch';
      break;
    case 'DELETE':
      verb = name ? 'delete' : 'deletecollection';
      break;
    default:
      verb = method.toLowerCase();
  }
  return {
    type: 'resource',
    verb,
    group,
    version,
    resource: resource ?? '',
    subresource,
    namespace,
    name,
    watch,
  };
}
