/**
 * Policy governance: reading effective policies, validating and updating policy documents
 * under guardrails, and the change-request workflow (four eyes). Every state change writes
 * exactly one audit row, in the same transaction as the change.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import {
  formatPolicyPath,
  policyIssuesFromZod,
  policyOverrideSchema,
  type EffectivePolicy,
  type GuardrailFinding,
  type PolicyDiffEntry,
  type PolicyDocument,
  type PolicyLevel,
  type PolicyOverride,
  type PolicyTarget,
  type PolicyUpdateResult,
  type PolicyValidationResult,
  type ScalingPolicy,
  type TenantTier,
} from '@internal/plugin-autoscaling-common';
import {
  resolvePolicy,
  type PolicyLayer,
  type PolicyResolution,
} from '@internal/plugin-autoscaling-engine';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { Knex } from 'knex';
import { assertJsonShape } from '../util/jsonShape';
import { checkAuditText } from '../util/text';
import type { AuditLog } from './audit/AuditLog';
import { DEFAULT_REFUSAL_LIMITS, digestOf, RefusalLimiter } from './audit/refusals';
import { runBacktest, type DemandPoint } from './changes/backtest';
import { supersededComment, supersededNotification, VERSION_CHECK_ACTOR } from './changes/supersede';
import {
  ChangeRequestStore,
  type ChangeRequestQuery,
  type GovernanceChangeRequest,
} from './changes/ChangeRequestStore';
import type { GovernanceConfig } from './config';
import { diffOverrides, evaluateGuardrails } from './guardrails';
import { emptyDocument, PolicyStore } from './policies/PolicyStore';
import {
  normaliseEntityRef,
  quoteForMessage,
  tenantRefOf,
  type ResolvedTarget,
  type TargetResolver,
  type TenantInfo,
} from './targets';

export const POLICY_LEVEL_NAMES: readonly PolicyLevel[] = [
  'global',
  'environment',
  'tier',
  'tenant',
  'service',
];
const TIERS: readonly TenantTier[] = ['enterprise', 'premium', 'basic'];
const ENVIRONMENT_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Used by the evaluation loop every tick. */
export interface PolicyService {
  /**
   * The resolved policy of a service (or tenant) with provenance. Throws NotFoundError for an
   * unknown entity and ConflictError when the stored levels do not resolve to a valid policy.
   */
  getEffectivePolicy(entityRef: string): Promise<EffectivePolicy>;
}

/**
 * Where a policy document sits: the levels above it, the entity permissions are checked on,
 * and the context guardrails need.
 */
export interface TargetContext {
  target: PolicyTarget;
  /**
   * The catalog entity ref for service and tenant documents; a pseudo ref
   * `<level>:<name>` (e.g. `environment:production`) for platform-wide levels.
   */
  entityRef: string;
  /** Whether the document belongs to a catalog entity (service, tenant). */
  isEntity: boolean;
  resolved?: ResolvedTarget;
  tenant: TenantInfo | null;
  environment: string | null;
  /** The documents this level inherits from, outermost first. */
  parents: PolicyTarget[];
}

export interface Actor {
  ref: string;
  request?: Request;
}

export interface UpdateInput {
  override: unknown;
  version: number;
  reason: string;
}

export interface GovernanceServiceOptions {
  knex: Knex;
  logger: LoggerService;
  config: GovernanceConfig;
  targets: TargetResolver;
  auditLog: AuditLog;
  notifications?: NotificationService;
  demandHistory: (entityRef: string) => Promise<DemandPoint[]>;
  clock?: () => Date;
}

/** Issues shown in one error message; the rest are counted. */
const ISSUES_SHOWN = 20;

function issueText(issues: Array<{ path: string; message: string }>): string {
  const shown = issues
    .slice(0, ISSUES_SHOWN)
    .map(i => (i.path ? `${i.path}: ${i.message}` : i.message))
    .join('; ');
  const more = issues.length - ISSUES_SHOWN;
  return more > 0 ? `${shown}; and ${more} more issues` : shown;
}

function resolutionIssues(
  resolution: PolicyResolution,
): Array<{ path: string; message: string }> {
  if (resolution.ok) return [];
  return resolution.issues.map(issue => ({
    path: formatPolicyPath(issue.path),
    message: issue.level
      ? `${issue.message} (set at ${issue.level}${issue.levelName ? ` ${issue.levelName}` : ''})`
      : issue.message,
  }));
}

export class GovernanceService implements PolicyService {
  readonly policies: PolicyStore;
  readonly changeRequests: ChangeRequestStore;

  /** Which refused (409) writes get an audit row. */
  private readonly refusals = new RefusalLimiter();

  constructor(private readonly options: GovernanceServiceOptions) {
    this.policies = new PolicyStore(options.knex);
    this.changeRequests = new ChangeRequestStore(options.knex);
  }

  private now(): string {
    return (this.options.clock?.() ?? new Date()).toISOString();
  }

  // ------------------------------------------------------------------ targets

  /** Parses `:level/:name` into a target with its context; 400 for a bad level or name, 404 for an unknown entity. */
  async contextFor(level: string, name: string): Promise<TargetContext> {
    if (!POLICY_LEVEL_NAMES.includes(level as PolicyLevel)) {
      throw new InputError(
        `level: must be one of ${POLICY_LEVEL_NAMES.join(', ')} (got "${level}")`,
      );
    }
    const global: PolicyTarget = { level: 'global', name: 'default' };
    switch (level as PolicyLevel) {
      case 'global':
        if (name !== 'default') throw new InputError('name: the global policy is named "default"');
        return this.platformContext(global, []);
      case 'environment':
        if (!ENVIRONMENT_NAME.test(name)) {
          throw new InputError(`name: "${name}" is not an environment name (lower-case letters, digits, -)`);
        }
        return this.platformContext({ level: 'environment', name }, [global]);
      case 'tier':
        if (!TIERS.includes(name as TenantTier)) {
          throw new InputError(`name: tier must be one of ${TIERS.join(', ')} (got "${name}")`);
        }
        return this.platformContext({ level: 'tier', name }, [global]);
      case 'tenant': {
        let ref: string;
        try {
          ref = tenantRefOf(name);
        } catch (error) {
          // Control characters, emoji and other non-ASCII text are malformed input (the
          // catalog itself would refuse them); a printable name the catalog cannot hold
          // names no tenant group.
          if (!PRINTABLE_ASCII.test(name)) {
            throw new InputError(
              `name: ${quoteForMessage(name)} is not a tenant name: ${(error as Error).message}`,
            );
          }
          throw new NotFoundError(
            `No tenant group ${quoteForMessage(name)} in the catalog: ${(error as Error).message}`,
          );
        }
        const resolved = await this.options.targets.resolve(ref);
        if (!resolved?.tenant) throw new NotFoundError(`No tenant group ${ref} in the catalog`);
        const parents: PolicyTarget[] = [global];
        if (resolved.tenant.tier) parents.push({ level: 'tier', name: resolved.tenant.tier });
        return {
          target: { level: 'tenant', name: resolved.tenant.name },
          entityRef: ref,
          isEntity: true,
          resolved,
          tenant: resolved.tenant,
          environment: null,
          parents,
        };
      }
      default:
        return this.serviceContext(name);
    }
  }

  private platformContext(target: PolicyTarget, parents: PolicyTarget[]): TargetContext {
    return {
      target,
      entityRef: `${target.level}:${target.name}`,
      isEntity: false,
      tenant: null,
      environment: target.level === 'environment' ? target.name : null,
      parents,
    };
  }

  private async serviceContext(entityRef: string): Promise<TargetContext> {
    let ref: string;
    try {
      ref = normaliseEntityRef(entityRef);
    } catch (error) {
      throw new InputError(
        `name: ${quoteForMessage(entityRef)} is not an entity ref (e.g. component:default/checkout-api): ${
          (error as Error).message
        }`,
      );
    }
    const resolved = await this.options.targets.resolve(ref);
    if (!resolved) throw new NotFoundError(`No entity ${ref} in the catalog`);
    if (resolved.target.kind === 'group') {
      if (!resolved.tenant) throw new InputError(`entityRef: ${ref} is neither a service nor a tenant`);
      return this.contextFor('tenant', resolved.tenant.name);
    }
    const parents: PolicyTarget[] = [{ level: 'global', name: 'default' }];
    if (resolved.environment) parents.push({ level: 'environment', name: resolved.environment });
    if (resolved.tenant?.tier) parents.push({ level: 'tier', name: resolved.tenant.tier });
    if (resolved.tenant) parents.push({ level: 'tenant', name: resolved.tenant.name });
    return {
      target: { level: 'service', name: ref },
      entityRef: ref,
      isEntity: true,
      resolved,
      tenant: resolved.tenant,
      environment: resolved.environment,
      parents,
    };
  }

  /** Context of an entity (Component → its service document, tenant Group → its tenant document). */
  async contextForEntity(entityRef: string): Promise<TargetContext> {
    return this.serviceContext(entityRef);
  }

  // ------------------------------------------------------------------ reading

  /** The stored document, or version 0 (the configured default for global, else empty). */
  async getDocument(target: PolicyTarget, db?: Knex): Promise<PolicyDocument> {
    return this.withGlobalDefault(await this.policies.getOrEmpty(target, db));
  }

  private withGlobalDefault(doc: PolicyDocument): PolicyDocument {
    if (doc.version === 0 && doc.target.level === 'global') {
      return { ...doc, override: structuredClone(this.options.config.globalDefault) };
    }
    return doc;
  }

  /** All levels in one query (the evaluator asks for every workload on every tick). */
  private async documentsOf(targets: PolicyTarget[]): Promise<PolicyDocument[]> {
    const stored = await this.policies.getMany(targets);
    return targets.map(t =>
      this.withGlobalDefault(
        stored.find(d => d.target.level === t.level && d.target.name === t.name) ??
          emptyDocument(t),
      ),
    );
  }

  private resolve(documents: PolicyDocument[], override?: { target: PolicyTarget; value: unknown }) {
    const layers: PolicyLayer[] = documents.map(doc => ({
      level: doc.target.level,
      name: doc.target.name,
      policy:
        override && override.target.level === doc.target.level && override.target.name === doc.target.name
          ? override.value
          : doc.override,
    }));
    return resolvePolicy(layers);
  }

  async getEffectivePolicy(entityRef: string): Promise<EffectivePolicy> {
    const context = await this.contextForEntity(entityRef);
    const documents = await this.documentsOf([...context.parents, context.target]);
    const resolution = this.resolve(documents);
    if (!resolution.ok) {
      throw new ConflictError(
        `The policy of ${context.entityRef} does not resolve: ${issueText(resolutionIssues(resolution))}`,
      );
    }
    const provenance: EffectivePolicy['provenance'] = {};
    for (const [path, source] of Object.entries(resolution.provenance)) {
      provenance[path] = source.level;
    }
    return { entityRef: context.entityRef, policy: resolution.policy, provenance, documents };
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
    const guardrails = evaluateGuardrails(before, afterResolution.policy, {
      baseline,
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
    return { current, before, after: afterResolution.policy, issues: [], guardrails, diff };
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
    return before ? { policy: before, source: 'the current policy' } : undefined;
  }

  async validate(context: TargetContext, override: unknown): Promise<PolicyValidationResult> {
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
        issueText(result.issues.map(i => ({ path: `override.${i.path}`, message: i.message }))),
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
      const request = await this.createChangeRequest(context, input, actor, result);
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
      if (error instanceof ConflictError) return this.refuseStale(context, actor, input, error);
      throw error;
    }
  }

  // ------------------------------------------------------------------ change requests

  private async createChangeRequest(
    context: TargetContext,
    input: UpdateInput,
    actor: Actor,
    result: Awaited<ReturnType<GovernanceService['evaluate']>>,
  ): Promise<GovernanceChangeRequest> {
    let backtest: GovernanceChangeRequest['backtest'] = null;
    let backtestNote: string | null;
    if (context.target.level !== 'service') {
      backtestNote = `no backtest for a ${context.target.level}-level change: it applies to many workloads`;
    } else {
      try {
        const history = await this.options.demandHistory(context.entityRef);
        const outcome = runBacktest(history, result.before, result.after!, {
          ...this.options.config.backtest,
          podHourlyPrice: this.options.config.guardrails.podHourlyPrice,
        });
        backtest = outcome.backtest;
        backtestNote = outcome.note;
      } catch (error) {
        this.options.logger.warn(`Backtest for ${context.entityRef} failed: ${error}`);
        backtestNote = `the backtest could not run: ${(error as Error).message}`;
      }
    }
    const request: GovernanceChangeRequest = {
      id: randomUUID(),
      target: context.target,
      entityRef: context.entityRef,
      requestedBy: actor.ref,
      requestedAt: this.now(),
      reason: input.reason,
      status: 'pending',
      baseVersion: input.version,
      proposed: input.override as PolicyOverride,
      diff: result.diff,
      guardrails: result.guardrails,
      backtest,
      backtestNote,
      decidedBy: null,
      decidedAt: null,
      comment: null,
    };
    await this.options.knex.transaction(async trx => {
      await this.changeRequests.create(request, trx);
      await this.options.auditLog.append(
        {
          actor: actor.ref,
          action: 'change.request',
          target: context.entityRef,
          before: result.current,
          after: {
            changeRequestId: request.id,
            proposed: request.proposed,
            guardrails: request.guardrails,
            baseVersion: request.baseVersion,
          },
          reason: input.reason,
          request: actor.request,
        },
        trx,
      );
    });
    await this.notify(
      { type: 'entity', entityRef: this.options.config.approverGroup },
      {
        title: `Approval needed: ${context.target.level} policy ${context.target.name}`,
        description: `${actor.ref} asks to change the policy: ${request.guardrails
          .map(g => g.message)
          .join('; ')}. Reason: ${input.reason}`,
        link: `/autoscaling/change-requests/${request.id}`,
        severity: 'high',
        topic: 'autoscaling-change-request',
        scope: `autoscaling-change-request:${request.id}`,
      },
    );
    return request;
  }

  listChangeRequests(query: ChangeRequestQuery) {
    return this.changeRequests.list(query);
  }

  async getChangeRequest(id: string): Promise<GovernanceChangeRequest> {
    const request = await this.changeRequests.get(id);
    if (!request) throw new NotFoundError(`No change request ${id}`);
    return request;
  }

  private async pending(id: string): Promise<GovernanceChangeRequest> {
    const request = await this.getChangeRequest(id);
    if (request.status !== 'pending') {
      throw new ConflictError(
        `Change request ${id} is already ${request.status}${
          request.decidedBy ? ` (by ${request.decidedBy})` : ''
        }`,
      );
    }
    return request;
  }

  private async supersede(
    request: GovernanceChangeRequest,
    actor: Actor,
    currentVersion: number,
    comment: string | null,
  ): Promise<never> {
    const at = this.now();
    // The version check supersedes it, not the approver: the request records the system.
    const moved = await this.options.knex.transaction(async trx => {
      const decided = await this.changeRequests.decide(trx, request.id, {
        status: 'superseded',
        decidedBy: VERSION_CHECK_ACTOR,
        decidedAt: at,
        comment: supersededComment(request, currentVersion, actor.ref, comment),
      });
      if (!decided) return false;
      await this.options.auditLog.append(
        {
          actor: actor.ref,
          action: 'change.approve',
          target: request.entityRef,
          before: { changeRequestId: request.id, status: 'pending', baseVersion: request.baseVersion },
          after: { changeRequestId: request.id, status: 'superseded', currentVersion },
          reason: `refused: the policy changed since the request (version ${request.baseVersion} → ${currentVersion})`,
          request: actor.request,
        },
        trx,
      );
      return true;
    });
    if (moved) {
      await this.notify(
        { type: 'entity', entityRef: request.requestedBy },
        supersededNotification(request, currentVersion),
      );
    }
    throw new ConflictError(
      `Change request ${request.id} was made against version ${request.baseVersion} of the ${request.target.level} policy "${request.target.name}", which is now at version ${currentVersion}; it is superseded and cannot be approved`,
    );
  }

  async approve(id: string, actor: Actor, comment: string | null): Promise<GovernanceChangeRequest> {
    const request = await this.pending(id);
    if (request.requestedBy === actor.ref) {
      throw new NotAllowedError(
        `Four-eyes rule: ${actor.ref} requested this change and cannot approve it; another approver must`,
      );
    }
    const context = await this.contextFor(request.target.level, request.target.name);
    const current = await this.getDocument(request.target);
    if (current.version !== request.baseVersion) {
      return this.supersede(request, actor, current.version, comment);
    }
    const evaluation = await this.evaluate(context, request.proposed);
    if (evaluation.issues.length > 0) {
      throw new ConflictError(
        `Change request ${id} no longer resolves to a valid policy: ${issueText(evaluation.issues)}`,
      );
    }
    const at = this.now();
    let written: PolicyDocument;
    try {
      written = await this.options.knex.transaction(async trx => {
        const document = await this.policies.write(trx, {
          target: request.target,
          expectedVersion: request.baseVersion,
          override: request.proposed,
          actor: actor.ref,
          at,
          reason: `${request.reason} (change request ${id} by ${request.requestedBy}, approved by ${actor.ref})`,
          changeRequestId: id,
        });
        const moved = await this.changeRequests.decide(trx, id, {
          status: 'applied',
          decidedBy: actor.ref,
          decidedAt: at,
          comment,
        });
        if (!moved) throw new ConflictError(`Change request ${id} was decided by someone else meanwhile`);
        await this.options.auditLog.append(
          {
            actor: actor.ref,
            action: 'change.approve',
            target: request.entityRef,
            before: current,
            after: { changeRequestId: id, status: 'applied', document },
            reason: comment || `approved change request ${id}`,
            request: actor.request,
          },
          trx,
        );
        return document;
      });
    } catch (error) {
      if (error instanceof ConflictError && /changed since version/.test(error.message)) {
        const now = await this.getDocument(request.target);
        return this.supersede(request, actor, now.version, comment);
      }
      throw error;
    }
    const decided = await this.getChangeRequest(id);
    await this.notify(
      { type: 'entity', entityRef: request.requestedBy },
      {
        title: `Approved: ${request.target.level} policy ${request.target.name}`,
        description: `${actor.ref} approved your change; version ${written.version} is live.${
          comment ? ` Comment: ${comment}` : ''
        }`,
        link: `/autoscaling/change-requests/${id}`,
        severity: 'normal',
        topic: 'autoscaling-change-request',
        scope: `autoscaling-change-request:${id}`,
      },
    );
    return decided;
  }

  /** Rejects a pending request (the requester may withdraw their own). */
  async reject(id: string, actor: Actor, comment: string): Promise<GovernanceChangeRequest> {
    const request = await this.pending(id);
    const at = this.now();
    await this.options.knex.transaction(async trx => {
      const moved = await this.changeRequests.decide(trx, id, {
        status: 'rejected',
        decidedBy: actor.ref,
        decidedAt: at,
        comment,
      });
      if (!moved) throw new ConflictError(`Change request ${id} was decided by someone else meanwhile`);
      await this.options.auditLog.append(
        {
          actor: actor.ref,
          action: 'change.reject',
          target: request.entityRef,
          before: { changeRequestId: id, status: 'pending', proposed: request.proposed },
          after: { changeRequestId: id, status: 'rejected' },
          reason: comment,
          request: actor.request,
        },
        trx,
      );
    });
    if (request.requestedBy !== actor.ref) {
      await this.notify(
        { type: 'entity', entityRef: request.requestedBy },
        {
          title: `Rejected: ${request.target.level} policy ${request.target.name}`,
          description: `${actor.ref} rejected your change: ${comment}`,
          link: `/autoscaling/change-requests/${id}`,
          severity: 'normal',
          topic: 'autoscaling-change-request',
          scope: `autoscaling-change-request:${id}`,
        },
      );
    }
    return this.getChangeRequest(id);
  }

  private async notify(
    recipients: { type: 'entity'; entityRef: string },
    payload: {
      title: string;
      description: string;
      link: string;
      severity: 'high' | 'normal';
      topic: string;
      scope: string;
    },
  ) {
    const { notifications, logger } = this.options;
    if (!notifications) return;
    // Only user and group entities can receive notifications (not service principals).
    if (!/^(user|group):/.test(recipients.entityRef)) return;
    try {
      await notifications.send({ recipients, payload });
    } catch (error) {
      logger.warn(`Could not send notification "${payload.title}": ${error}`);
    }
  }
}
