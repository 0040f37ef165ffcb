/**
 * Bearer-token authentication and RBAC-like authorisation. Tokens and their rules come from the
 * config. A rule grants verbs on resources ("deployments", "deployments/scale", "*", "*\/scale")
 * in API groups and namespaces (both default to all). A rule limited to namespaces works as a
 * Role: only for requests inside one of them (not across all namespaces, not cluster-scoped).
 */
import type { TokenConfig, TokenRule } from '../config/types';
import { ApiError } from '../api/status';

export interface User {
  name: string;
  groups: string[];
  rules: TokenRule[];
}

export interface Attributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export class Authorizer {
  private readonly byToken = new Map<string, User>();

  constructor(tokens: TokenConfig[]) {
    for (const t of tokens)
      this.byToken.set(t.token, {
        name: t.user,
        groups: t.groups,
        rules: t.rules,
      });
  }

  /** The user for an Authorization header; throws 401 for a missing or unknown token. */
  authenticate(header: string | undefined): User {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    const user = m ? this.byToken.get(m[1]) : undefined;
    if (!user) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
    return user;
  }

  allowed(user: User, a: Attributes): boolean {
    const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    return user.rules.some(
      r =>
        (r.verbs.includes('*') || r.verbs.includes(a.verb)) &&
        (r.apiGroups.includes('*') || r.apiGroups.includes(a.group)) &&
        // A rule limited to namespaces is a Role: it grants nothing across all namespaces
        // (a cluster-wide list) nor on cluster-scoped resources.
        (r.namespaces.includes('*') ||
          (a.namespace !== undefined && r.namespaces.includes(a.namespace))) &&
        r.resources.some(
          pattern =>
            pattern === '*' ||
            pattern === res ||
            pattern === '*/*' ||
            (a.subresource !== undefined && pattern === `*/${a.subresource}`) ||
            (a.subresource !== undefined && pattern === `${a.resource}/*`),
        ),
    );
  }

  /** Throws a Kubernetes-style 403 when the user may not do `a`. */
  authorize(user: User, a: Attributes): void {
    if (this.allowed(user, a)) return;
    const qualified = a.group ? `${a.resource}.${a.group}` : a.resource;
    const target = a.name ? `${qualified} "${a.name}"` : qualified;
    const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    const scope = a.namespace
      ? ` in the namespace "${a.namespace}"`
      : ' at the cluster scope';
    throw new ApiError(
      403,
      'Forbidden',
      `${target} is forbidden: User "${user.name}" cannot ${a.verb} resource "${res}" in API group "${a.group}"${scope}`,
      { name: a.name, group: a.group || undefined, kind: a.resource },
    );
  }
}
