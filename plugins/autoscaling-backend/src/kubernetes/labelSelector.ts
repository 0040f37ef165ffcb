/**
 * Label selectors in their string form (`app=web,tier!=cache,env in (prod,qa),!legacy`), parsed
 * once and matched locally against cached objects, as the API server would match them.
 */

export interface LabelRequirement {
  key: string;
  operator: 'Equals' | 'NotEquals' | 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

/** Splits at commas outside parentheses. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (c === '(') depth += 1;
    else if (c === ')') depth -= 1;
    else if (c === ',' && depth === 0) {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms.map(t => t.trim()).filter(t => t.length > 0);
}

const KEY = /^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$/;

function checkKey(key: string, selector: string): string {
  if (!KEY.test(key))
    throw new Error(
      `labelSelector "${selector}": "${key}" is not a valid label key`,
    );
  return key;
}

/** Parsed selectors by their text: a tick selects by the same 10,000 selectors each time. */
const parsed = new Map<string, readonly LabelRequirement[]>();
const MAX_PARSED = 100_000;

/**
 * `parseLabelSelector`, remembered by selector text (the result is shared: read-only). Invalid
 * selectors are not remembered; each call throws again.
 */
export function parseLabelSelectorCached(
  selector: string,
): readonly LabelRequirement[] {
  let requirements = parsed.get(selector);
  if (!requirements) {
    requirements = parseLabelSelector(selector);
    if (parsed.size >= MAX_PARSED) parsed.clear();
    parsed.set(selector, requirements);
  }
  return requirements;
}

/** Parses a label selector; throws an error naming the selector when it is not valid. */
export function parseLabelSelector(selector: string): LabelRequirement[] {
  const out: LabelRequirement[] = [];
  for (const term of splitTerms(selector)) {
    const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
    if (set) {
      out.push({
        key: checkKey(set[1], selector),
        operator: set[2] === 'in' ? 'In' : 'NotIn',
        values: set[3]
          .split(',')
          .map(v => v.trim())
          .filter(v => v.length > 0),
      });
      continue;
    }
    const eq = /^([^!=\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
    if (eq) {
      out.push({
        key: checkKey(eq[1], selector),
        operator: eq[2] === '!=' ? 'NotEquals' : 'Equals',
        values: [eq[3]],
      });
      continue;
    }
    if (term.startsWith('!')) {
      out.push({
        key: checkKey(term.slice(1).trim(), selector),
        operator: 'DoesNotExist',
        values: [],
      });
      continue;
    }
    out.push({ key: checkKey(term, selector), operator: 'Exists', values: [] });
  }
  return out;
}

export function matchesRequirements(
  requirements: readonly LabelRequirement[],
  labels: Record<string, string>,
): boolean {
  for (const r of requirements) {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    const value = labels[r.key];
    switch (r.operator) {
      case 'Equals':
        if (!has || value !== r.values[0]) return false;
        break;
      case 'NotEquals':
        if (has && value === r.values[0]) return false;
        break;
      case 'In':
        if (!has || !r.values.includes(value)) return false;
        break;
      case 'NotIn':
        if (has && r.values.includes(value)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      default:
        if (has) return false;
    }
  }
  return true;
}
