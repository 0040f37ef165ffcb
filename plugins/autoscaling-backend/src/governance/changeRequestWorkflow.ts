/**
 * The change-request workflow (four eyes): a policy write that crosses a guardrail is stored
 * as a request with its backtest and the approver group is told; approving and rejecting go
 * through one decide path (pending check, one transaction with the decision and its audit
 * row, the requester told). An approval applies the proposal only at the version the request
 * was made against; otherwise the request is superseded.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type {
  PolicyDocument,
  PolicyOverride,
} from '@internal/plugin-autoscaling-common';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { AuditLog } from './audit/AuditLog';
import { runBacktest, type DemandPoint } from './changes/backtest';
import {
  ChangeRequestStore,
  type ChangeRequestQuery,
  type GovernanceChangeRequest,
} from './changes/ChangeRequestStore';
import {
  supersededComment,
  supersededNotification,
  VERSION_CHECK_ACTOR,
} from './changes/supersede';
import type { GovernanceConfig } from './config';
import { replicaPricingOf, type GuardrailPricing } from './pricing';
import type { PolicyStore } from './policies/PolicyStore';
import {
  issueText,
  type Actor,
  type PolicyDocuments,
  type PolicyEvaluation,
  type UpdateInput,
} from './policyDocuments';
import type { TargetContext, TargetContexts } from './targetContexts';
import { CHANGE_REQUEST_TOPICS } from '../alerts/rules';

export interface ChangeRequestWorkflowOptions {
  knex: Knex;
  logger: LoggerService;
  config: GovernanceConfig;
  auditLog: AuditLog;
  notifications?: NotificationService;
  demandHistory: (entityRef: string) => Promise<DemandPoint[]>;
  /** The cost card's pricing of replicas, for backtest costs (configured price without it). */
  pricing?: GuardrailPricing;
  policies: PolicyStore;
  changeRequests: ChangeRequestStore;
  contexts: TargetContexts;
  documents: PolicyDocuments;
  clock?: () => Date;
}

/** What a decider decides: approve (optional comment) or reject (a comment is required). */
type Decision =
  | { outcome: 'applied'; comment: string | null }
  | { outcome: 'rejected'; comment: string };

interface NotificationPayload {
  title: string;
  description: string;
  link: string;
  severity: 'high' | 'normal';
  topic: string;
  scope: string;
}

export class ChangeRequestWorkflow {
  constructor(private readonly options: ChangeRequestWorkflowOptions) {}

  private get changeRequests(): ChangeRequestStore {
    return this.options.changeRequests;
  }

  private now(): string {
    return (this.options.clock?.() ?? new Date()).toISOString();
  }

  /** Stores a request for a write that crossed a guardrail, audits it and tells the approvers. */
  async create(
    context: TargetContext,
    input: UpdateInput,
    actor: Actor,
    result: PolicyEvaluation,
  ): Promise<GovernanceChangeRequest> {
    let backtest: GovernanceChangeRequest['backtest'] = null;
    let backtestNote: string | null;
    if (context.target.level !== 'service') {
      backtestNote = `no backtest for a ${context.target.level}-level change: it applies to many workloads`;
    } else {
      try {
        const history = await this.options.demandHistory(context.entityRef);
        const pricing = await replicaPricingOf(
          this.options.pricing,
          context.entityRef,
          this.options.config.guardrails.podHourlyPrice,
        );
        const outcome = runBacktest(history, result.before, result.after!, {
          ...this.options.config.backtest,
          podHourlyPrice: pricing.replicaHourly,
          currency: pricing.currency,
        });
        backtest = outcome.backtest;
        backtestNote = outcome.note;
      } catch (error) {
        this.options.logger.warn(
          `Backtest for ${context.entityRef} failed: ${error}`,
        );
        backtestNote = `the backtest could not run: ${
          (error as Error).message
        }`;
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
        description: `${
          actor.ref
        } asks to change the policy: ${request.guardrails
          .map(g => g.message)
          .join('; ')}. Reason: ${input.reason}`,
        link: `/autoscaling/change-requests/${request.id}`,
        severity: 'high',
        // One topic per event (alert rules change-request-*): users pick channels per topic.
        topic: CHANGE_REQUEST_TOPICS.created,
        scope: `autoscaling-change-request:${request.id}`,
      },
    );
    return request;
  }

  list(query: ChangeRequestQuery) {
    return this.changeRequests.list(query);
  }

  async get(id: string): Promise<GovernanceChangeRequest> {
    const request = await this.changeRequests.get(id);
    if (!request) throw new NotFoundError(`No change request ${id}`);
    return request;
  }

  approve(
    id: string,
    actor: Actor,
    comment: string | null,
  ): Promise<GovernanceChangeRequest> {
    return this.decide(id, actor, { outcome: 'applied', comment });
  }

  /** Rejects a pending request (the requester may withdraw their own). */
  reject(
    id: string,
    actor: Actor,
    comment: string,
  ): Promise<GovernanceChangeRequest> {
    return this.decide(id, actor, { outcome: 'rejected', comment });
  }

  /**
   * The one path that decides a pending request. Approving: never by the requester (four
   * eyes), only at the request's base version (else superseded), only if the proposal still
   * resolves; the document, the decision and one `change.approve` row in one transaction.
   * Rejecting: the decision and one `change.reject` row. The requester is told (not of their
   * own withdrawal).
   */
  private async decide(
    id: string,
    actor: Actor,
    decision: Decision,
  ): Promise<GovernanceChangeRequest> {
    const request = await this.pending(id);
    const approving = decision.outcome === 'applied';
    let current: PolicyDocument | undefined;
    if (approving) {
      if (request.requestedBy === actor.ref) {
        throw new NotAllowedError(
          `Four-eyes rule: ${actor.ref} requested this change and cannot approve it; another approver must`,
        );
      }
      current = await this.checkApprovable(request, actor, decision.comment);
    }
    const at = this.now();
    let written: PolicyDocument | undefined;
    try {
      written = await this.options.knex.transaction(async trx => {
        const document = approving
          ? await this.options.policies.write(trx, {
              target: request.target,
              expectedVersion: request.baseVersion,
              override: request.proposed,
              actor: actor.ref,
              at,
              reason: `${request.reason} (change request ${id} by ${request.requestedBy}, approved by ${actor.ref})`,
              changeRequestId: id,
            })
          : undefined;
        const moved = await this.changeRequests.decide(trx, id, {
          status: decision.outcome,
          decidedBy: actor.ref,
          decidedAt: at,
          comment: decision.comment,
        });
        if (!moved)
          throw new ConflictError(
            `Change request ${id} was decided by someone else meanwhile`,
          );
        await this.options.auditLog.append(
          document
            ? {
                actor: actor.ref,
                action: 'change.approve',
                target: request.entityRef,
                before: current,
                after: { changeRequestId: id, status: 'applied', document },
                reason: decision.comment || `approved change request ${id}`,
                request: actor.request,
              }
            : {
                actor: actor.ref,
                action: 'change.reject',
                target: request.entityRef,
                before: {
                  changeRequestId: id,
                  status: 'pending',
                  proposed: request.proposed,
                },
                after: { changeRequestId: id, status: 'rejected' },
                reason: decision.comment ?? '',
                request: actor.request,
              },
          trx,
        );
        return document;
      });
    } catch (error) {
      if (
        approving &&
        error instanceof ConflictError &&
        /changed since version/.test(error.message)
      ) {
        const now = await this.options.documents.getDocument(request.target);
        return this.supersede(request, actor, now.version, decision.comment);
      }
      throw error;
    }
    if (request.requestedBy !== actor.ref) {
      await this.notify(
        { type: 'entity', entityRef: request.requestedBy },
        {
          title: `${written ? 'Approved' : 'Rejected'}: ${
            request.target.level
          } policy ${request.target.name}`,
          description: written
            ? `${actor.ref} approved your change; version ${
                written.version
              } is live.${
                decision.comment ? ` Comment: ${decision.comment}` : ''
              }`
            : `${actor.ref} rejected your change: ${decision.comment}`,
          link: `/autoscaling/change-requests/${id}`,
          severity: 'normal',
          topic: written
            ? CHANGE_REQUEST_TOPICS.approved
            : CHANGE_REQUEST_TOPICS.rejected,
          scope: `autoscaling-change-request:${id}`,
        },
      );
    }
    return this.get(id);
  }

  /**
   * The current document when the request can still be applied: superseded (409) when the
   * document moved on since the request, 409 when the proposal no longer resolves.
   */
  private async checkApprovable(
    request: GovernanceChangeRequest,
    actor: Actor,
    comment: string | null,
  ): Promise<PolicyDocument> {
    const context = await this.options.contexts.contextFor(
      request.target.level,
      request.target.name,
    );
    const current = await this.options.documents.getDocument(request.target);
    if (current.version !== request.baseVersion) {
      return this.supersede(request, actor, current.version, comment);
    }
    const evaluation = await this.options.documents.evaluate(
      context,
      request.proposed,
    );
    if (evaluation.issues.length > 0) {
      throw new ConflictError(
        `Change request ${
          request.id
        } no longer resolves to a valid policy: ${issueText(
          evaluation.issues,
        )}`,
      );
    }
    return current;
  }

  private async pending(id: string): Promise<GovernanceChangeRequest> {
    const request = await this.get(id);
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
          before: {
            changeRequestId: request.id,
            status: 'pending',
            baseVersion: request.baseVersion,
          },
          after: {
            changeRequestId: request.id,
            status: 'superseded',
            currentVersion,
          },
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
        {
          ...supersededNotification(request, currentVersion),
          topic: CHANGE_REQUEST_TOPICS.superseded,
        },
      );
    }
    throw new ConflictError(
      `Change request ${request.id} was made against version ${request.baseVersion} of the ${request.target.level} policy "${request.target.name}", which is now at version ${currentVersion}; it is superseded and cannot be approved`,
    );
  }

  private async notify(
    recipients: { type: 'entity'; entityRef: string },
    payload: NotificationPayload,
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
