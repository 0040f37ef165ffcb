/**
 * Policy governance, the router's and the evaluation loop's one entry point. It composes
 * three parts, each in its own file:
 * - target contexts (targetContexts.ts): where a document sits and what it inherits;
 * - policy documents (policyDocuments.ts): read, validate, update under guardrails;
 * - the change-request workflow (changeRequestWorkflow.ts): requests, and one decide path
 *   for approve and reject (four eyes).
 * Every state change writes exactly one audit row, in the same transaction as the change.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import { InputError } from '@backstage/errors';
import type {
  EffectivePolicy,
  GuardrailFinding,
  PolicyDocument,
  PolicyOverride,
  PolicyTarget,
  PolicyUpdateResult,
  PolicyValidationResult,
} from '@internal/plugin-autoscaling-common';
import type { Knex } from 'knex';
import type { AuditLog } from './audit/AuditLog';
import type { DemandPoint } from './changes/backtest';
import type { GuardrailPricing } from './pricing';
import {
  ChangeRequestStore,
  type ChangeRequestQuery,
  type GovernanceChangeRequest,
} from './changes/ChangeRequestStore';
import { ChangeRequestWorkflow } from './changeRequestWorkflow';
import type { GovernanceConfig } from './config';
import { PolicyStore } from './policies/PolicyStore';
import {
  PolicyDocuments,
  type Actor,
  type PolicyEvaluation,
  type UpdateInput,
} from './policyDocuments';
import { TargetContexts, type TargetContext } from './targetContexts';
import type { TargetResolver } from './targets';

export { POLICY_LEVEL_NAMES, type TargetContext } from './targetContexts';
export type { Actor, UpdateInput, PolicyEvaluation } from './policyDocuments';

/** Used by the evaluation loop every tick. */
export interface PolicyService {
  /**
   * The resolved policy of a service (or tenant) with provenance. Throws NotFoundError for an
   * unknown entity and ConflictError when the stored levels do not resolve to a valid policy.
   */
  getEffectivePolicy(entityRef: string): Promise<EffectivePolicy>;
  /** Many at once, with one read of the documents; an entity that fails gets its error. */
  getEffectivePolicies(
    entityRefs: string[],
  ): Promise<Array<EffectivePolicy | Error>>;
}

export interface GovernanceServiceOptions {
  knex: Knex;
  logger: LoggerService;
  config: GovernanceConfig;
  targets: TargetResolver;
  auditLog: AuditLog;
  notifications?: NotificationService;
  demandHistory: (entityRef: string) => Promise<DemandPoint[]>;
  /** The cost card's pricing of replicas (guardrail costs, backtests). */
  pricing?: GuardrailPricing;
  clock?: () => Date;
}

export class GovernanceService implements PolicyService {
  readonly policies: PolicyStore;
  readonly changeRequests: ChangeRequestStore;
  private readonly contexts: TargetContexts;
  private readonly documents: PolicyDocuments;
  private readonly workflow: ChangeRequestWorkflow;

  constructor(options: GovernanceServiceOptions) {
    this.policies = new PolicyStore(options.knex);
    this.changeRequests = new ChangeRequestStore(options.knex);
    this.contexts = new TargetContexts(options.targets);
    this.documents = new PolicyDocuments({
      knex: options.knex,
      logger: options.logger,
      config: options.config,
      auditLog: options.auditLog,
      policies: this.policies,
      contexts: this.contexts,
      requestChange: (context, input, actor, evaluation) =>
        this.workflow.create(context, input, actor, evaluation),
      pricing: options.pricing,
      clock: options.clock,
    });
    this.workflow = new ChangeRequestWorkflow({
      knex: options.knex,
      logger: options.logger,
      config: options.config,
      auditLog: options.auditLog,
      notifications: options.notifications,
      demandHistory: options.demandHistory,
      pricing: options.pricing,
      policies: this.policies,
      changeRequests: this.changeRequests,
      contexts: this.contexts,
      documents: this.documents,
      clock: options.clock,
    });
  }

  // ------------------------------------------------------------------ targets

  /** Parses `:level/:name` into a target with its context; 400 for a bad level or name, 404 for an unknown entity. */
  contextFor(level: string, name: string): Promise<TargetContext> {
    return this.contexts.contextFor(level, name);
  }

  /** Context of an entity (Component → its service document, tenant Group → its tenant document). */
  contextForEntity(entityRef: string): Promise<TargetContext> {
    return this.contexts.contextForEntity(entityRef);
  }

  // ------------------------------------------------------------------ policy documents

  /** The stored document, or version 0 (the configured default for global, else empty). */
  getDocument(target: PolicyTarget, db?: Knex): Promise<PolicyDocument> {
    return this.documents.getDocument(target, db);
  }

  getEffectivePolicy(entityRef: string): Promise<EffectivePolicy> {
    return this.documents.getEffectivePolicy(entityRef);
  }

  getEffectivePolicies(
    entityRefs: string[],
  ): Promise<Array<EffectivePolicy | Error>> {
    return this.documents.getEffectivePolicies(entityRefs);
  }

  /** Everything about a proposed override without saving it. */
  evaluate(
    context: TargetContext,
    override: unknown,
  ): Promise<PolicyEvaluation> {
    return this.documents.evaluate(context, override);
  }

  validate(
    context: TargetContext,
    override: unknown,
  ): Promise<PolicyValidationResult> {
    return this.documents.validate(context, override);
  }

  update(
    context: TargetContext,
    input: UpdateInput,
    actor: Actor,
  ): Promise<PolicyUpdateResult> {
    return this.documents.update(context, input, actor);
  }

  // ------------------------------------------------------------------ change requests

  listChangeRequests(
    query: ChangeRequestQuery,
  ): Promise<GovernanceChangeRequest[]> {
    return this.workflow.list(query);
  }

  getChangeRequest(id: string): Promise<GovernanceChangeRequest> {
    return this.workflow.get(id);
  }

  approve(
    id: string,
    actor: Actor,
    comment: string | null,
  ): Promise<GovernanceChangeRequest> {
    return this.workflow.approve(id, actor, comment);
  }

  /**
   * A change request the engine files for a change it may not make alone (a vertical raise over
   * its guardrail): `propose` turns the service document's override into the proposal, stored
   * against the document's version with `finding` as the guardrail it crosses. Approving it
   * applies the proposal like any other request. While an earlier request of the same actor
   * on the entity is pending, that one is returned and nothing new is filed.
   */
  async requestEngineChange(input: {
    entityRef: string;
    propose: (current: PolicyOverride) => PolicyOverride;
    finding: GuardrailFinding;
    reason: string;
    actor: Actor;
  }): Promise<GovernanceChangeRequest> {
    const context = await this.contexts.contextForEntity(input.entityRef);
    // One pending request of the engine per entity: while it waits, it is the answer.
    const [pending] = await this.workflow.list({
      status: 'pending',
      entityRef: context.entityRef,
      requestedBy: input.actor.ref,
      limit: 1,
    });
    if (pending) return pending;
    const document = await this.documents.getDocument(context.target);
    const override = input.propose(document.override);
    const evaluation = await this.documents.evaluate(context, override);
    if (evaluation.issues.length > 0) {
      throw new InputError(
        evaluation.issues.map(i => `${i.path}: ${i.message}`).join('; '),
      );
    }
    return this.workflow.create(
      context,
      { override, version: document.version, reason: input.reason },
      input.actor,
      { ...evaluation, guardrails: [...evaluation.guardrails, input.finding] },
    );
  }

  /** Rejects a pending request (the requester may withdraw their own). */
  reject(
    id: string,
    actor: Actor,
    comment: string,
  ): Promise<GovernanceChangeRequest> {
    return this.workflow.reject(id, actor, comment);
  }
}
