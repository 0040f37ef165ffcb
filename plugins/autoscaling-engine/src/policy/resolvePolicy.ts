/**
 * Policy inheritance: global → environment → tier → tenant → service. Each level overrides
 * the fields it sets (nested objects field by field, arrays as a whole); a preset expands at
 * the level that names it, under that level's explicit fields. The result records, for every
 * field path, which level set it.
 */
import {
  POLICY_PRESETS,
  formatPolicyPath,
  policyOverrideSchema,
  policyIssuesFromZod,
  type ParsedPolicyOverride,
  type PolicyCheckOptions,
  type PolicyIssue,
  type PresetName,
  type ScalingPolicy,
} from '@internal/plugin-autoscaling-common';
import { validatePolicy } from './validatePolicy';

export const POLICY_LEVELS = [
  'global',
  'environment',
  'tier',
  'tenant',
  'service',
] as const;
export type PolicyLevel = (typeof POLICY_LEVELS)[number];

export interface PolicyLayer {
  level: PolicyLevel;
  /** Which environment, tier, tenant or service, for provenance (e.g. "production"). */
  name?: string;
  /** The override as stored; validated here. */
  policy: unknown;
}

export interface FieldSource {
  level: PolicyLevel | 'default';
  name?: string;
  /** Set when the value came from this level's preset rather than an explicit field. */
  preset?: PresetName;
}

/** Field path (as `formatPolicyPath` writes it) → where the value came from. */
export type Provenance = Record<string, FieldSource>;

export interface ResolutionIssue extends PolicyIssue {
  /** The level whose value is at fault, when one can be named. */
  level?: PolicyLevel;
  levelName?: string;
}

export type PolicyResolution =
  | { ok: true; policy: ScalingPolicy; provenance: Provenance; issues?: never }
  | {
      ok: false;
      issues: ResolutionIssue[];
      policy?: never;
      provenance?: never;
    };

type Plain = Record<string, unknown>;

const isPlainObject = (value: unknown): value is Plain =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function resolvePolicy(
  layers: readonly PolicyLayer[],
  options: PolicyCheckOptions = {},
): PolicyResolution {
  const issues: ResolutionIssue[] = [];
  const ordered = [...layers].sort(
    (a, b) => POLICY_LEVELS.indexOf(a.level) - POLICY_LEVELS.indexOf(b.level),
  );

  let merged: Plain = {};
  const provenance: Provenance = {};
  for (const layer of ordered) {
    const parsed = policyOverrideSchema.safeParse(layer.policy ?? {});
    if (!parsed.success) {
      for (const issue of policyIssuesFromZod(parsed.error)) {
        issues.push({ ...issue, level: layer.level, levelName: layer.name });
      }
      continue;
    }
    const source: FieldSource = { level: layer.level, name: layer.name };
    const preset = parsed.data.preset;
    if (preset) {
      const expanded = presetFields(preset);
      merged = mergeLayer(merged, expanded, [], provenance, {
        ...source,
        preset,
      });
    }
    merged = mergeLayer(
      merged,
      withoutUndefined(parsed.data),
      [],
      provenance,
      source,
    );
  }
  if (issues.length > 0) return { ok: false, issues };

  const validation = validatePolicy(merged, options);
  if (!validation.ok) {
    return {
      ok: false,
      issues: validation.issues.map(issue => {
        const source = sourceOf(provenance, issue.path);
        return source && source.level !== 'default'
          ? { ...issue, level: source.level, levelName: source.name }
          : issue;
      }),
    };
  }
  markDefaults(validation.policy, [], provenance);
  return { ok: true, policy: validation.policy, provenance };
}

function presetFields(preset: PresetName): Plain {
  const { behavior, cooldownSeconds } = POLICY_PRESETS[preset];
  return structuredClone({ behavior, cooldownSeconds }) as Plain;
}

/** Deep-merges `override` into `base`, recording the source of every leaf it sets. */
function mergeLayer(
  base: Plain,
  override: Plain,
  path: string[],
  provenance: Provenance,
  source: FieldSource,
): Plain {
  const result: Plain = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const fieldPath = [...path, key];
    if (isPlainObject(value)) {
      const inherited = isPlainObject(base[key]) ? (base[key] as Plain) : {};
      result[key] = mergeLayer(inherited, value, fieldPath, provenance, source);
    } else {
      // Arrays and scalars replace whatever was inherited, including its provenance below.
      const prefix = `${formatPolicyPath(fieldPath)}`;
      for (const existing of Object.keys(provenance)) {
        if (
          existing.startsWith(`${prefix}.`) ||
          existing.startsWith(`${prefix}[`)
        ) {
          delete provenance[existing];
        }
      }
      result[key] = structuredClone(value);
      provenance[prefix] = source;
    }
  }
  return result;
}

/** Every leaf of the resolved policy not set by a level comes from the schema defaults. */
function markDefaults(value: unknown, path: string[], provenance: Provenance) {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) {
      if (child !== undefined) markDefaults(child, [...path, key], provenance);
    }
    return;
  }
  if (path.length === 0) return;
  const key = formatPolicyPath(path);
  if (!sourceOf(provenance, path)) provenance[key] = { level: 'default' };
}

/** The source recorded for the path or its closest recorded ancestor. */
export function sourceOf(
  provenance: Provenance,
  path: ReadonlyArray<string | number>,
): FieldSource | undefined {
  for (let length = path.length; length > 0; length--) {
    const source = provenance[formatPolicyPath(path.slice(0, length))];
    if (source) return source;
  }
  return undefined;
}

function withoutUndefined(override: ParsedPolicyOverride): Plain {
  return JSON.parse(JSON.stringify(override)) as Plain;
}
