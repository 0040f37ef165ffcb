/**
 * Policy documents: reading (documents, effective policies), validating (schema, inheritance,
 * guardrails against their baseline) and updating under optimistic versions. A write within
 * the guardrails is applied with one audit row in its transaction; a write that crosses one
 * is handed to the change-request workflow (`requestChange`); a stale write (409) is audited
 * within the refusal limits.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import {
  formatPolicyPath,
  policyIssuesFromZod,
  policyOverrideSchema,
  type EffectivePolicy,
  type GuardrailFinding,
  type PolicyDiffEntry,
  type PolicyDocument,
  type PolicyOverride,
  type PolicyTarget,
  type PolicyUpdateResult,
  type PolicyValidationResult,
  type ScalingPolicy,
} from '@internal/plugin-autoscaling-common';
import {
  resolvePolicy,
  type PolicyLayer,
  type PolicyResolution,
} from '@internal/plugin-autoscaling-engine';
import type { Request } from 'express';
import type { Knex } from 'knex';
import { assertJsonShape } from '../util/jsonShape';
import { checkAuditText } from '../util/text';
import type { AuditLog } from './audit/AuditLog';
import {
  DEFAULT_REFUSAL_LIMITS,
  digestOf,
  RefusalLimiter,
} from './audit/refusals';
import type { GovernanceChangeRequest } from './changes/ChangeRequestStore';
import type { GovernanceConfig } from './config';
import { diffOverrides, evaluateGuardrails } from './guardrails';
import { replicaPricingOf, type GuardrailPricing } from './pricing';
import { emptyDocument, PolicyStore } from './policies/PolicyStore';
import type { TargetContext, TargetContexts } from './targetContexts';
import { paced } from '../util/eventLoopTurns';
import { mapConcurrent } from '../util/mapConcurrent';

const asError = (value: unknown): Error =>
  value instanceof Error ? value : new Error(String(value));

export interface Actor {
  ref: string;
  request?: Request;
}

export interface UpdateInput {
  override: unknown;
  version: number;
  reason: string;
}

/** Resolved policies kept (more than the workloads of a large fleet); then started afresh. */
const RESOLVED_POLICIES_KEPT = 50_000;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Issues shown in one error message; the rest are counted. */
const ISSUES_SHOWN = 20;

export function issueText(
  issues: Array<{ path: string; message: string }>,
): string {
  const shown = issues
    .slice(0, ISSUES_SHOWN)
    .map(i => (i.path ? `${i.path}: ${i.message}` : i.message))
    .join('; ');
  const more = issues.length - ISSUES_SHOWN;
  return more > 0 ? `${shown}; and ${more} more issues` : shown;
}

export function resolutionIssues(
  resolution: PolicyResolution,
): Array<{ path: string; message: string }> {
  if (resolution.ok) return [];
  return resolution.issues.map(issue => ({
    path: formatPolicyPath(issue.path),
    message: issue.level
      ? `${issue.message} (set at ${issue.level}${
          issue.levelName ? ` ${issue.levelName}` : ''
        })`
      : issue.message,
  }));
}

/** What `evaluate` finds about a proposed override. */
export type PolicyEvaluation = Awaited<ReturnType<PolicyDocuments['evaluate']>>;

export interface PolicyDocumentsOptions {
  knex: Knex;
  logger: LoggerService;
  config: GovernanceConfig;
  auditLog: AuditLog;
  policies: PolicyStore;
  contexts: TargetContexts;
  /** A write that crosses a guardrail becomes a change request (the workflow's `create`). */
  requestChange: (
    context: TargetContext,
    input: UpdateInput,
    actor: Actor,
    evaluation: PolicyEvaluation,
  ) => Promise<GovernanceChangeRequest>;
  /** The cost card's pricing of replicas, for the cost guardrails (configured price without it). */
  pricing?: GuardrailPricing;
  clock?: () => Date;
}

export class PolicyDocuments {
  /** Which refused (409) writes get an audit row. */
  private readonly refusals = new RefusalLimiter();
  /** Resolved policies by the versions of their documents (see effectiveOf). */
  private readonly resolvedPolicies = new Map<
    string,
    Pick<EffectivePolicy, 'policy' | 'provenance'>
  >();

  constructor(private readonly options: PolicyDocumentsOptions) {}

  private get policies(): PolicyStore {
    return this.options.policies;
  }

  private now(): string {
    return (this.options.clock?.() ?? new Date()).toISOString();
  }

  /** The stored document, or version 0 (the configured default for global, else empty). */
  async getDocument(target: PolicyTarget, db?: Knex): Promise<PolicyDocument> {
    return this.withGlobalDefault(await this.policies.getOrEmpty(target, db));
  }

  private withGlobalDefault(doc: PolicyDocument): PolicyDocument {
    if (doc.version === 0 && doc.target.level === 'global') {
      return {
        ...doc,
        override: structuredClone(this.options.config.globalDefault),
      };
    }
    return doc;
  }

  /** All levels in one query (the evaluator asks for every workload on every tick). */
  async documentsOf(targets: PolicyTarget[]): Promise<PolicyDocument[]> {
    const stored = await this.policies.getMany(targets);
    return targets.map(t =>
      this.withGlobalDefault(
        stored.find(
          d => d.target.level === t.level && d.target.name === t.name,
        ) ?? emptyDocument(t),
      ),
    );
  }

  resolve(
    documents: PolicyDocument[],
    override?: { target: PolicyTarget; value: unknown },
  ) {
    const layers: PolicyLayer[] = documents.map(doc => ({
      level: doc.target.level,
      name: doc.target.name,
      policy:
        override &&
        override.target.level === doc.target.level &&
        override.target.name === doc.target.name
          ? override.value
          : doc.override,
    }));
    return resolvePolicy(layers);
  }

  async getEffectivePolicy(entityRef: string): Promise<EffectivePolicy> {
    const context = await this.options.contexts.contextForEntity(entityRef);
    const documents = await this.documentsOf([
      ...context.parents,
      context.target,
    ]);
    return this.effectiveOf(context, documents);
  }

  /**
   * The effective policies of many entities with one read of the policy documents (the
   * evaluator asks for every workload of a cluster on every tick), in the order of
   * `entityRefs`; an entity whose context or policy fails gets its error.
   */
  async getEffectivePolicies(
    entityRefs: string[],
  ): Promise<Array<EffectivePolicy | Error>> {
    await this.options.contexts.prefetch(entityRefs);
    const contexts = await mapConcurrent(entityRefs, 16, ref =>
      this.options.contexts.contextForEntity(ref),
    );
    const stored = new Map(
      (await this.policies.list()).map(d => [
        `${d.target.level}/${d.target.name}`,
        d,
      ]),
    );
    // Many workloads share their parents' documents (global, tenant): one copy of each.
    const documentOf = new Map<string, PolicyDocument>();
    const document = (t: PolicyTarget) => {
      const key = `${t.level}/${t.name}`;
      let doc = documentOf.get(key);
      if (!doc) {
        doc = this.withGlobalDefault(stored.get(key) ?? emptyDocument(t));
        documentOf.set(key, doc);
      }
      return doc;
    };
    const out: Array<EffectivePolicy | Error> = [];
    for (const settled of contexts) {
      // A tick asks for every workload: give the event loop to requests now and then.
      await paced();
      if (settled.status === 'rejected') {
        out.push(asError(settled.reason));
        continue;
      }
      const context = settled.value;
      const documents = [...context.parents, context.target].map(document);
      try {
        out.push(this.effectiveOf(context, documents));
      } catch (error) {
        out.push(asError(error));
      }
    }
    return out;
  }

  private effectiveOf(
    context: TargetContext,
    documents: PolicyDocument[],
  ): EffectivePolicy {
    // The same documents (each level's version) resolve to the same policy: resolving and
    // validating is about a millisecond, and a tick asks again for every workload.
    const key = documents
      .map(
        d => `${d.target.level}/${d.target.name}@${d.version}@${d.updatedAt}`,
      )
      .join('|');
    const hit = this.resolvedPolicies.get(key);
    if (hit) return { entityRef: context.entityRef, ...hit, documents };
    const effective = this.resolveEffective(context, documents);
    if (this.resolvedPolicies.size >= RESOLVED_POLICIES_KEPT) {
      this.resolvedPolicies.clear();
    }
    // Shared by every later caller: frozen, so a caller that changed it would throw.
    this.resolvedPolicies.set(
      key,
      deepFreeze({
        policy: effective.policy,
        provenance: effective.provenance,
      }),
    );
    return effective;
  }

  private resolveEffective(
    context: TargetContext,
    documents: PolicyDocument[],
  ): EffectivePolicy {
    const resolution = this.resolve(documents);
    if (!resolution.ok) {
      throw new ConflictError(
        `The policy of ${context.entityRef} does not resolve: ${issueText(
          resolutionIssues(resolution),
        )}`,
      );
    }
    const provenance: EffectivePolicy['provenance'] = {};
    for (const [path, source] of Object.entries(resolution.provenance)) {
      provenance[path] = source.level;
    }
    return {
      entityRef: context.entityRef,
      policy: resolution.policy,
      provenance,
      documents,
    };
  }

  // ------------------------------------------------------------------ validation

  /** Everything about a proposed override without saving it. */
  async evaluate(context: TargetContext, override: unknown) {
    // Before anything recursive (schema, resolution, diff, canonical JSON) sees it.
    assertJsonShape(override, 'override');
    const parsed = policyOverrideSchema.safeParse(override ?? {});
    const current = await this.getDocument(context.target);
    const parents = await this.documentsOf(context.parents);
    const beforeResolution = this.resolve([...parents, current]);
    const before = beforeResolution.ok ? beforeResolution.policy : undefined;
    if (!parsed.success) {
      return {
        current,
        before,
        after: undefined as ScalingPolicy | undefined,
        issues: policyIssuesFromZod(parsed.error).map(i => ({
          path: formatPolicyPath(i.path),
          message: i.message,
        })),
        guardrails: [] as GuardrailFinding[],
        diff: diffOverrides(current.override, override) as PolicyDiffEntry[],
      };
    }
    const afterResolution = this.resolve([...parents, current], {
      target: context.target,
      value: override,
    });
    const diff = diffOverrides(current.override, override);
    if (!afterResolution.ok) {
      return {
        current,
        before,
        after: undefined,
        issues: resolutionIssues(afterResolution),
        guardrails: [],
        diff,
      };
    }
    const baseline = await this.baselineOf(context, parents, current, before);
    // Services are priced by their own replicas; levels above them by the configured price.
    const pricing = await replicaPricingOf(
      this.options.pricing,
      context.target.level === 'service' ? context.entityRef : null,
      this.options.config.guardrails.podHourlyPrice,
    );
    const guardrails = evaluateGuardrails(before, afterResolution.policy, {
      baseline,
      pricing,
      level: context.target.level,
      name: context.target.name,
      environment: context.environment ?? undefined,
      tenant: context.tenant
        ? {
            name: context.tenant.name,
            replicaQuota: context.tenant.replicaQuota,
            monthlyBudget: context.tenant.monthlyBudget,
          }
        : undefined,
      config: this.options.config.guardrails,
    });
    return {
      current,
      before,
      after: afterResolution.policy,
      issues: [],
      guardrails,
      diff,
    };
  }

  /**
   * What guardrails measure a change from: the policy as of the document's last approved
   * version (written by a change request), or, for a document that never had one, the
   * inherited policy (the platform-set global, environment and tier levels; the configured
   * default for global). Unapproved small steps do not move it, so their sum crosses the
   * guardrail like a single step would. Falls back to the current policy when the baseline no
   * longer resolves against the current parents.
   */
  private async baselineOf(
    context: TargetContext,
    parents: PolicyDocument[],
    current: PolicyDocument,
    before: ScalingPolicy | undefined,
  ): Promise<{ policy: ScalingPolicy; source: string } | undefined> {
    const approved = await this.policies.lastApproved(context.target);
    let override: unknown = {};
    let source = 'the inherited policy';
    if (approved) {
      override = approved.override;
      source = `version ${approved.version}, approved in change request ${approved.changeRequestId}`;
    } else if (context.target.level === 'global') {
      override = this.options.config.globalDefault;
      source = 'the configured global default';
    }
    if (approved?.version === current.version) {
      return before ? { policy: before, source } : undefined;
    }
    const resolution = this.resolve([...parents, current], {
      target: context.target,
      value: override,
    });
    if (resolution.ok) return { policy: resolution.policy, source };
    return before
      ? { policy: before, source: 'the current policy' }
      : undefined;
  }

  async validate(
    context: TargetContext,
    override: unknown,
  ): Promise<PolicyValidationResult> {
    const result = await this.evaluate(context, override);
    return {
      valid: result.issues.length === 0,
      issues: result.issues,
      guardrails: result.guardrails,
      diff: result.diff,
    };
  }

  // ------------------------------------------------------------------ updating

  private async refuseStale(
    context: TargetContext,
    actor: Actor,
    input: UpdateInput,
    error: ConflictError,
  ): Promise<never> {
    // Bounded in size (the proposal by hash and size, the current document by version) and
    // in rate (audit/refusals.ts): a refusal changed nothing.
    const admitted = this.refusals.admit(
      actor.ref,
      context.entityRef,
      (this.options.clock?.() ?? new Date()).getTime(),
    );
    if (!admitted.write) {
      if (!admitted.firstSuppressed) throw error;
      this.options.logger.warn(
        `Not auditing another stale-version write by ${actor.ref} on ${context.entityRef}: over ${DEFAULT_REFUSAL_LIMITS.perWindow} refusals a minute; counted in the next refusal row`,
      );
      throw error;
    }
    const current = await this.policies.get(context.target);
    await this.options.auditLog.append({
      actor: actor.ref,
      action: 'policy.update',
      target: context.entityRef,
      before: current
        ? {
            target: current.target,
            version: current.version,
            updatedBy: current.updatedBy,
            updatedAt: current.updatedAt,
          }
        : null,
      after: {
        outcome: 'refused',
        expectedVersion: input.version,
        currentVersion: current?.version ?? 0,
        override: digestOf(input.override),
        ...(admitted.suppressedBefore > 0
          ? { unauditedRefusalsBefore: admitted.suppressedBefore }
          : {}),
      },
      reason: `refused (stale version): ${input.reason}`,
      request: actor.request,
    });
    throw error;
  }

  async update(
    context: TargetContext,
    uncheckedInput: UpdateInput,
    actor: Actor,
  ): Promise<PolicyUpdateResult> {
    const reason = checkAuditText(String(uncheckedInput.reason ?? ''));
    if (!reason.ok) throw new InputError(`reason: ${reason.message}`);
    const input: UpdateInput = { ...uncheckedInput, reason: reason.value };
    const result = await this.evaluate(context, input.override);
    if (result.issues.length > 0) {
      throw new InputError(
        issueText(
          result.issues.map(i => ({
            path: `override.${i.path}`,
            message: i.message,
          })),
        ),
      );
    }
    const override = input.override as PolicyOverride;
    if (result.current.version !== input.version) {
      return this.refuseStale(
        context,
        actor,
        input,
        new ConflictError(
          `The ${context.target.level} policy "${context.target.name}" is at version ${result.current.version}, not ${input.version}; reload it and apply your change again`,
        ),
      );
    }

    if (result.guardrails.length > 0) {
      const request = await this.options.requestChange(
        context,
        input,
        actor,
        result,
      );
      return { status: 'pending-approval', changeRequest: request };
    }

    const at = this.now();
    try {
      const document = await this.options.knex.transaction(async trx => {
        const written = await this.policies.write(trx, {
          target: context.target,
          expectedVersion: input.version,
          override,
          actor: actor.ref,
          at,
          reason: input.reason,
        });
        await this.options.auditLog.append(
          {
            actor: actor.ref,
            action: 'policy.update',
            target: context.entityRef,
            before: result.current,
            after: written,
            reason: input.reason,
            request: actor.request,
          },
          trx,
        );
        return written;
      });
      return { status: 'applied', document };
    } catch (error) {
      if (error instanceof ConflictError)
        return this.refuseStale(context, actor, input, error);
      throw error;
    }
  }
}
