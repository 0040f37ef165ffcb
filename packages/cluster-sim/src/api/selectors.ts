/** Label selectors (equality- and set-based) and field selectors, as the API server parses them. */
import { badRequest } from './status';

export type LabelRequirement =
  | { op: 'eq'; key: string; value: string }
  | { op: 'neq'; key: string; value: string }
  | { op: 'in'; key: string; values: string[] }
  | { op: 'notin'; key: string; values: string[] }
  | { op: 'exists'; key: string }
  | { op: 'notexists'; key: string };

export type LabelSelector = LabelRequirement[];

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map(x => x.trim()).filter(x => x.length > 0);
}

const KEY =
  /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export function parseLabelSelector(
  input: string | null | undefined,
): LabelSelector {
  if (!input) return [];
  const reqs: LabelSelector = [];
  const check = (key: string, values: string[]) => {
    if (!KEY.test(key))
      throw badRequest(
        `unable to parse requirement: invalid label key "${key}"`,
      );
    for (const v of values) {
      if (!VALUE.test(v))
        throw badRequest(
          `unable to parse requirement: invalid label value: "${v}"`,
        );
    }
  };
  const forms: [RegExp, (m: RegExpExecArray) => LabelRequirement][] = [
    [
      /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/,
      m => {
        const values = m[3]
          .split(',')
          .map(v => v.trim())
          .filter(v => v.length > 0);
        check(m[1], values);
        return { op: m[2] === 'in' ? 'in' : 'notin', key: m[1], values };
      },
    ],
    [
      /^([^=!\s]+)\s*!=\s*(\S*)$/,
      m => {
        check(m[1], [m[2]]);
        return { op: 'neq', key: m[1], value: m[2] };
      },
    ],
    [
      /^([^=!\s]+)\s*==?\s*(\S*)$/,
      m => {
        check(m[1], [m[2]]);
        return { op: 'eq', key: m[1], value: m[2] };
      },
    ],
    [
      /^!\s*(\S+)$/,
      m => {
        check(m[1], []);
        return { op: 'notexists', key: m[1] };
      },
    ],
    [
      /^(\S+)$/,
      m => {
        check(m[1], []);
        return { op: 'exists', key: m[1] };
      },
    ],
  ];
  for (const part of splitTopLevel(input)) {
    let parsed: LabelRequirement | undefined;
    for (const [re, build] of forms) {
      const m = re.exec(part);
      if (m) {
        parsed = build(m);
        break;
      }
    }
    if (!parsed) throw badRequest(`unable to parse requirement: "${part}"`);
    reqs.push(parsed);
  }
  return reqs;
}

export function matchesLabels(
  sel: LabelSelector,
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {};
  for (const r of sel) {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case 'eq':
        if (!has || v !== r.value) return false;
        break;
      case 'neq':
        if (has && v === r.value) return false;
        break;
      case 'in':
        if (!has || !r.values.includes(v)) return false;
        break;
      case 'notin':
        if (has && r.values.includes(v)) return false;
        break;
      case 'exists':
        if (!has) return false;
        break;
      case 'notexists':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** `spec.selector` of a workload (matchLabels + matchExpressions) as requirements. */
export function fromLabelSelectorObject(sel: unknown): LabelSelector {
  const out: LabelSelector = [];
  if (!sel || typeof sel !== 'object') return out;
  const s = sel as {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
  };
  for (const [key, value] of Object.entries(s.matchLabels ?? {}))
    out.push({ op: 'eq', key, value });
  for (const e of s.matchExpressions ?? []) {
    const op = e.operator;
    if (op === 'In') out.push({ op: 'in', key: e.key, values: e.values ?? [] });
    else if (op === 'NotIn')
      out.push({ op: 'notin', key: e.key, values: e.values ?? [] });
    else if (op === 'Exists') out.push({ op: 'exists', key: e.key });
    else if (op === 'DoesNotExist') out.push({ op: 'notexists', key: e.key });
  }
  return out;
}

/** The string form ("app=x,tier in (a,b)") used in Scale.status.selector. */
export function formatLabelSelector(sel: LabelSelector): string {
  return sel
    .map(r => {
      switch (r.op) {
        case 'eq':
          return `${r.key}=${r.value}`;
        case 'neq':
          return `${r.key}!=${r.value}`;
        case 'in':
          return `${r.key} in (${r.values.join(',')})`;
        case 'notin':
          return `${r.key} notin (${r.values.join(',')})`;
        case 'exists':
          return r.key;
        default:
          return `!${r.key}`;
      }
    })
    .join(',');
}

export interface FieldRequirement {
  field: string;
  value: string;
  negate: boolean;
}

export type FieldSelector = FieldRequirement[];

const SUPPORTED_FIELDS: Record<string, string[]> = {
  '*': ['metadata.name', 'metadata.namespace'],
  pods: [
    'spec.nodeName',
    'status.phase',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'status.podIP',
  ],
  events: [
    'involvedObject.kind',
    'involvedObject.name',
    'involvedObject.namespace',
    'involvedObject.uid',
    'reason',
    'type',
  ],
  nodes: ['spec.unschedulable'],
  namespaces: ['status.phase'],
};

export function parseFieldSelector(
  input: string | null | undefined,
  resource: string,
): FieldSelector {
  if (!input) return [];
  const allowed = [
    ...SUPPORTED_FIELDS['*'],
    ...(SUPPORTED_FIELDS[resource] ?? []),
  ];
  return splitTopLevel(input).map(part => {
    const m = /^([^=!]+)(!=|==|=)(.*)$/.exec(part);
    if (!m)
      throw badRequest(
        `invalid selector: '${input}'; can't understand '${part}'`,
      );
    const field = m[1].trim();
    if (!allowed.includes(field)) {
      throw badRequest(`field label not supported: ${field}`);
    }
    return { field, value: m[3].trim(), negate: m[2] === '!=' };
  });
}

function getPath(obj: unknown, path: string): string {
  let cur: unknown = obj;
  for (const p of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur === undefined || cur === null ? '' : String(cur);
}

export function matchesFields(sel: FieldSelector, obj: unknown): boolean {
  for (const r of sel) {
    const equal = getPath(obj, r.field) === r.value;
    if (equal === r.negate) return false;
  }
  return true;
}
