/**
 * Governance routes of docs/api.md: policies, permissions, change requests and audit.
 * Every route checks a permission; mutating routes write exactly one audit row each.
 */
import type {
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  autoscalingAdminPermission,
  autoscalingAuditReadPermission,
  autoscalingChangeApprovePermission,
  autoscalingCostReadPermission,
  autoscalingManualScalePermission,
  autoscalingPolicyReadPermission,
  autoscalingPolicyUpdatePermission,
  autoscalingStateReadPermission,
  type TargetPermissions,
} from '@internal/plugin-autoscaling-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { TargetAuthorizer } from '../permissions/TargetAuthorizer';
import { prototypeKeyPath } from '../service/validation';
import { assertJsonShape } from '../util/jsonShape';
import { checkAuditText, textProblem } from '../util/text';
import { formatAnchor, parseAnchor } from './audit/anchors';
import {
  AUDIT_ACTIONS,
  auditEventsToCsv,
  type AuditLog,
} from './audit/AuditLog';
import type { GovernanceChangeRequest } from './changes/ChangeRequestStore';
import type { GovernanceService, TargetContext } from './GovernanceService';
import { normaliseEntityRef, quoteForMessage } from './targets';

export interface GovernanceRouterOptions {
  httpAuth: HttpAuthService;
  authorizer: TargetAuthorizer;
  governance: GovernanceService;
  auditLog: AuditLog;
}

/** `service:<subject>` for service principals, the user entity ref for users. */
export function actorOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as
    | { type: 'user'; userEntityRef: string }
    | { type: 'service'; subject: string }
    | { type: 'none' };
  if (principal.type === 'user') return principal.userEntityRef;
  if (principal.type === 'service') return `service:${principal.subject}`;
  return 'anonymous';
}

/** Parses with zod; a failure is a 400 naming the field. */
export function parseInput<T extends z.ZodType>(
  schema: T,
  value: unknown,
  prefix = '',
): z.output<T> {
  // Depth and size first, without recursion: everything below walks the value recursively.
  assertJsonShape(value, prefix);
  // An own `__proto__` key (JSON.parse keeps it) would become the prototype of the
  // object a zod record copies it into: refuse it before parsing.
  const reserved = prototypeKeyPath(value);
  if (reserved)
    throw new InputError(
      `${[prefix, reserved].filter(Boolean).join('.')}: is a reserved key`,
    );
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const message = parsed.error.issues
    .map(issue => {
      const path = [prefix, ...issue.path.map(String)]
        .filter(Boolean)
        .join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
  throw new InputError(message);
}

const isoTime = z
  .string()
  .refine(v => !Number.isNaN(Date.parse(v)), {
    message: 'must be an ISO-8601 time',
  })
  .transform(v => new Date(v).toISOString());

const entityRefParam = z
  .string({ error: 'is required' })
  .min(1, { message: 'is required' })
  .transform((value, ctx) => {
    try {
      return normaliseEntityRef(value);
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        message: `${quoteForMessage(value)} is not an entity ref: ${
          (error as Error).message
        }`,
      });
      return z.NEVER;
    }
  });

/**
 * Free text that enters the audit chain: well-formed UTF-16, no control characters, NFC,
 * something visible when required (util/text.ts); otherwise a 400 naming the field.
 */
const auditText = (required: boolean) =>
  z
    .string({ error: required ? 'is required' : 'must be a string' })
    .transform((value, ctx) => {
      const checked = checkAuditText(value, { required, maxLength: 2000 });
      if (!checked.ok) {
        ctx.addIssue({ code: 'custom', message: checked.message });
        return z.NEVER;
      }
      return checked.value;
    });

const updateBody = z.strictObject({
  override: z.record(z.string(), z.unknown(), { error: 'must be an object' }),
  version: z.number({ error: 'must be a number' }).int().min(0),
  reason: auditText(true),
});
const validateBody = z.strictObject({
  override: z.record(z.string(), z.unknown(), { error: 'must be an object' }),
  version: z.number().int().min(0).optional(),
  reason: z.string().optional(),
});
const approveBody = z.strictObject({ comment: auditText(false).optional() });
const rejectBody = z.strictObject({ comment: auditText(true) });
const changeRequestQuery = z.object({
  status: z.enum(['pending', 'applied', 'rejected', 'superseded']).optional(),
  entityRef: entityRefParam.optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});
/** A free-text filter: data, never refused for its content, but it must be storable text. */
const filterText = z
  .string()
  .min(1)
  .max(1000)
  .superRefine((value, ctx) => {
    const problem = textProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
const auditQuery = z.object({
  entityRef: filterText.optional(),
  target: filterText.optional(),
  actor: filterText.optional(),
  action: z.enum(AUDIT_ACTIONS as [string, ...string[]]).optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
  limit: z.coerce.number().int().min(1).max(10_000).optional(),
});
const verifyQuery = z.object({
  anchor: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      const parsed = parseAnchor(value);
      if (!parsed) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be <row id>:<64 hex digits> (an X-Audit-Anchor value)',
        });
        return z.NEVER;
      }
      return parsed;
    }),
});
const exportQuery = auditQuery.extend({
  format: z.enum(['json', 'csv']).optional(),
  limit: z.coerce.number().int().min(1).max(100_000).optional(),
});

export async function createGovernanceRouter(
  options: GovernanceRouterOptions,
): Promise<express.Router> {
  const { httpAuth, authorizer, governance, auditLog } = options;
  const router = Router();
  // Policy documents are a few KB; 256 KB leaves room and keeps parsing cheap (413 above).
  router.use(express.json({ limit: '256kb' }));

  const credentialsOf = (req: express.Request) => httpAuth.credentials(req);

  /** policy.read on an entity level; for platform-wide levels, any policy.read grant. */
  async function requireRead(
    credentials: BackstageCredentials,
    context: TargetContext,
  ) {
    if (context.isEntity) {
      await authorizer.requireOnTarget(
        credentials,
        autoscalingPolicyReadPermission,
        context.entityRef,
      );
      return;
    }
    const { some } = await authorizer.isAllowedOnSome(
      credentials,
      autoscalingPolicyReadPermission,
    );
    if (!some)
      throw new NotAllowedError(
        `Missing permission ${autoscalingPolicyReadPermission.name}`,
      );
  }

  /**
   * policy.update on the service or tenant entity (rules: tenant admin, service owner);
   * environment, tier and global documents apply to every tenant and need engine administration.
   */
  async function requireUpdate(
    credentials: BackstageCredentials,
    context: TargetContext,
  ) {
    if (context.isEntity) {
      await authorizer.requireOnTarget(
        credentials,
        autoscalingPolicyUpdatePermission,
        context.entityRef,
      );
      return;
    }
    if (
      !(await authorizer.isAllowed(credentials, autoscalingAdminPermission))
    ) {
      throw new NotAllowedError(
        `Changing the ${context.target.level} policy needs ${autoscalingAdminPermission.name}: it applies to every tenant`,
      );
    }
  }

  /**
   * Change requests carry reasons, guardrail costs and backtests: each is shown to its
   * requester and to holders of autoscaling.cost.read on its service or tenant; requests on
   * platform-wide documents to anyone who may read some cost.
   */
  async function readableRequests(
    credentials: BackstageCredentials,
    requests: GovernanceChangeRequest[],
  ): Promise<boolean[]> {
    const onEntity = (r: GovernanceChangeRequest) =>
      r.target.level === 'service' || r.target.level === 'tenant';
    const entityRefs = requests.filter(onEntity).map(r => r.entityRef);
    const [allowed, anywhere] = await Promise.all([
      authorizer.allowedOnTargets(
        credentials,
        autoscalingCostReadPermission,
        entityRefs,
      ),
      authorizer.isAllowedOnSome(credentials, autoscalingCostReadPermission),
    ]);
    const byRef = new Map(entityRefs.map((ref, i) => [ref, allowed[i]]));
    const actor = actorOf(credentials);
    return requests.map(
      r =>
        r.requestedBy === actor ||
        (onEntity(r) ? byRef.get(r.entityRef) === true : anywhere.some),
    );
  }

  // ---------------------------------------------------------------- policies

  router.get('/policies/effective', async (req, res) => {
    const credentials = await credentialsOf(req);
    const { entityRef } = parseInput(
      z.object({ entityRef: entityRefParam }),
      req.query,
    );
    await authorizer.requireOnTarget(
      credentials,
      autoscalingPolicyReadPermission,
      entityRef,
    );
    res.json(await governance.getEffectivePolicy(entityRef));
  });

  router.get('/policies/:level/:name', async (req, res) => {
    const credentials = await credentialsOf(req);
    const context = await governance.contextFor(
      req.params.level,
      req.params.name,
    );
    await requireRead(credentials, context);
    res.json(await governance.getDocument(context.target));
  });

  router.get('/policies/:level/:name/history', async (req, res) => {
    const credentials = await credentialsOf(req);
    const context = await governance.contextFor(
      req.params.level,
      req.params.name,
    );
    await requireRead(credentials, context);
    res.json(await governance.policies.history(context.target));
  });

  router.post('/policies/:level/:name/validate', async (req, res) => {
    const credentials = await credentialsOf(req);
    const context = await governance.contextFor(
      req.params.level,
      req.params.name,
    );
    await requireRead(credentials, context);
    const body = parseInput(validateBody, req.body);
    res.json(await governance.validate(context, body.override));
  });

  router.put('/policies/:level/:name', async (req, res) => {
    const credentials = await credentialsOf(req);
    const context = await governance.contextFor(
      req.params.level,
      req.params.name,
    );
    await requireUpdate(credentials, context);
    const body = parseInput(updateBody, req.body);
    const result = await governance.update(context, body, {
      ref: actorOf(credentials),
      request: req,
    });
    res.status(result.status === 'applied' ? 200 : 202).json(result);
  });

  // ---------------------------------------------------------------- permissions

  router.get('/permissions', async (req, res) => {
    const credentials = await credentialsOf(req);
    const { entityRef } = parseInput(
      z.object({ entityRef: entityRefParam }),
      req.query,
    );
    const [canEditPolicy, canScale, canApprove, canAdminister, canReadAudit] =
      await Promise.all([
        authorizer.isAllowedOnTarget(
          credentials,
          autoscalingPolicyUpdatePermission,
          entityRef,
        ),
        authorizer.isAllowedOnTarget(
          credentials,
          autoscalingManualScalePermission,
          entityRef,
        ),
        authorizer.isAllowed(credentials, autoscalingChangeApprovePermission),
        authorizer.isAllowed(credentials, autoscalingAdminPermission),
        authorizer.isAllowed(credentials, autoscalingAuditReadPermission),
      ]);
    const body: TargetPermissions = {
      canEditPolicy,
      canScale,
      canApprove,
      canAdminister,
      canReadAudit,
    };
    res.json(body);
  });

  // ---------------------------------------------------------------- change requests

  router.get('/change-requests', async (req, res) => {
    const credentials = await credentialsOf(req);
    await authorizer.require(credentials, autoscalingStateReadPermission);
    const query = parseInput(changeRequestQuery, req.query);
    const requests = await governance.listChangeRequests(query);
    const readable = await readableRequests(credentials, requests);
    res.json(requests.filter((_, i) => readable[i]));
  });

  router.get('/change-requests/:id', async (req, res) => {
    const credentials = await credentialsOf(req);
    await authorizer.require(credentials, autoscalingStateReadPermission);
    const request = await governance.getChangeRequest(req.params.id);
    const [readable] = await readableRequests(credentials, [request]);
    if (!readable) {
      throw new NotAllowedError(
        `You are not allowed to read change request ${request.id} on ${request.entityRef} ` +
          `(${autoscalingCostReadPermission.name}): change requests and their costs are shown to ` +
          "the requester, the tenant's members, the service's owners and the platform team",
      );
    }
    res.json(request);
  });

  router.post('/change-requests/:id/approve', async (req, res) => {
    const credentials = await credentialsOf(req);
    await authorizer.require(credentials, autoscalingChangeApprovePermission);
    const body = parseInput(approveBody, req.body ?? {});
    res.json(
      await governance.approve(
        req.params.id,
        { ref: actorOf(credentials), request: req },
        body.comment || null,
      ),
    );
  });

  router.post('/change-requests/:id/reject', async (req, res) => {
    const credentials = await credentialsOf(req);
    await authorizer.require(credentials, autoscalingChangeApprovePermission);
    const body = parseInput(rejectBody, req.body ?? {});
    res.json(
      await governance.reject(
        req.params.id,
        { ref: actorOf(credentials), request: req },
        body.comment,
      ),
    );
  });

  // ---------------------------------------------------------------- audit

  router.get('/audit', async (req, res) => {
    const credentials = await credentialsOf(req);
    await authorizer.require(credentials, autoscalingAuditReadPermission);
    const query = parseInput(auditQuery, req.query);
    res.json(
      await auditLog.query({
        target: query.entityRef ?? query.target,
        actor: query.actor,
        action: query.action as any,
        from: query.from,
        to: query.to,
        limit: query.limit,
      }),
    );
  });

  router.get('/audit/verify', async (req, res) => {
    const credentials = await credentialsOf(req);
    await authorizer.require(credentials, autoscalingAuditReadPermission);
    const { anchor } = parseInput(verifyQuery, req.query);
    res.json(await auditLog.verify({ anchor }));
  });

  router.get('/audit/export', async (req, res) => {
    const credentials = await credentialsOf(req);
    await authorizer.require(credentials, autoscalingAuditReadPermission);
    const query = parseInput(exportQuery, req.query);
    // The export carries the chain head it was made at; the same anchor is stored and sent
    // to the auditor log, so a later truncation shows against any of the copies.
    const anchor = await auditLog.checkpoint('export');
    res.setHeader('X-Audit-Anchor', formatAnchor(anchor));
    res.setHeader('X-Audit-Anchor-At', anchor.at);
    const events = await auditLog.query({
      target: query.entityRef ?? query.target,
      actor: query.actor,
      action: query.action as any,
      from: query.from,
      to: query.to,
      limit: query.limit ?? 100_000,
      ascending: true,
    });
    if (query.format === 'csv') {
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader(
        'Content-Disposition',
        'attachment; filename="autoscaling-audit.csv"',
      );
      res.send(auditEventsToCsv(events));
      return;
    }
    res.setHeader(
      'Content-Disposition',
      'attachment; filename="autoscaling-audit.json"',
    );
    res.json(events);
  });

  return router;
}
