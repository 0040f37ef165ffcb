/** Discovery documents: /version, /api, /api/v1, /apis, /apis/<group>, /apis/<group>/<version>. */
import {
  GROUPS,
  groupVersion,
  groupVersions,
  RESOURCES,
} from '../api/resources';
import { ApiError } from '../api/status';
import type { DiscoveryRequest } from './requestInfo';

export function versionInfo(gitVersion: string): Record<string, string> {
  const m = /^v(\d+)\.(\d+)/.exec(gitVersion);
  return {
    major: m?.[1] ?? '1',
    minor: m?.[2] ?? '31',
    gitVersion,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2025-01-01T00:00:00Z',
    goVersion: 'go1.22.8',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

function apiGroup(name: string): Record<string, unknown> {
  const versions = groupVersions().get(name) ?? [];
  const list = versions.map(v => ({
    groupVersion: `${name}/${v}`,
    version: v,
  }));
  return { name, versions: list, preferredVersion: list[0] };
}

export function resourceList(
  group: string,
  version: string,
): Record<string, unknown> {
  const defs = RESOURCES.filter(
    r => r.group === group && r.version === version,
  );
  if (defs.length === 0)
    throw new ApiError(
      404,
      'NotFound',
      'the server could not find the requested resource',
    );
  const resources: Record<string, unknown>[] = [];
  for (const d of defs) {
    resources.push({
      name: d.resource,
      singularName: d.singular,
      namespaced: d.namespaced,
      kind: d.kind,
      verbs: d.verbs,
      ...(d.shortNames ? { shortNames: d.shortNames } : {}),
      ...(d.categories ? { categories: d.categories } : {}),
    });
    for (const s of d.subresources ?? []) {
      resources.push({
        name: `${d.resource}/${s.name}`,
        singularName: '',
        namespaced: d.namespaced,
        ...(s.group !== d.group || s.version !== d.version
          ? { group: s.group, version: s.version }
          : {}),
        kind: s.kind,
        verbs: s.verbs,
      });
    }
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersion({ group, version }),
    resources,
  };
}

export function discovery(
  req: DiscoveryRequest,
  serverAddress: string,
): Record<string, unknown> {
  if (req.legacy) {
    if (req.version === undefined) {
      return {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [
          { clientCIDR: '0.0.0.0/0', serverAddress },
        ],
      };
    }
    return resourceList('', req.version);
  }
  if (req.group === undefined) {
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: GROUPS.map(apiGroup),
    };
  }
  if (!GROUPS.includes(req.group)) {
    throw new ApiError(
      404,
      'NotFound',
      'the server could not find the requested resource',
    );
  }
  if (req.version === undefined)
    return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(req.group) };
  return resourceList(req.group, req.version);
}
