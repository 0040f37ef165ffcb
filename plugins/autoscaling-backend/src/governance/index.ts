/**
 * Governance of the autoscaling backend: RBAC-checked policy editing, guardrails with
 * platform approvals (four eyes), and the hash-chained audit log. `createGovernance` builds
 * it from services; plugin.ts mounts the router and hands the other parts to the engine.
 */
import type {
  AuditorService,
  AuthService,
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsRegistryService,
  PermissionsService,
  RootConfigService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { Request, Router } from 'express';
import type { Knex } from 'knex';
import {
  registerAutoscalingPermissions,
  TargetAuthorizer,
  type TargetPermission,
} from '../permissions/TargetAuthorizer';
import { DatabaseAuditLog, type AuditLog } from './audit/AuditLog';
import { readGovernanceConfig } from './config';
import { GovernanceService, type PolicyService } from './GovernanceService';
import type { GuardrailPricing } from './pricing';
import { createGovernanceRouter } from './router';
import { CatalogTargetResolver, type TargetResolver } from './targets';

export type {
  AuditLog,
  AuditEntry,
  AuditQuery,
  AuditAction,
  AuditVerificationReport,
} from './audit/AuditLog';
export type { AuditAnchor } from './audit/anchors';
export { AUDIT_SEVERITY } from './audit/AuditLog';
export type { PolicyService, TargetContext } from './GovernanceService';
export type { TargetResolver, ResolvedTarget, TenantInfo } from './targets';
export { TENANT_ANNOTATION, ENVIRONMENT_ANNOTATION } from './targets';
export type { GovernanceChangeRequest } from './changes/ChangeRequestStore';
export type { DemandPoint } from './changes/backtest';
export type { GuardrailPricing } from './pricing';
export {
  DEFAULT_GOVERNANCE_CONFIG,
  readGovernanceConfig,
  type GovernanceConfig,
  type GuardrailConfig,
} from './config';
export {
  evaluateGuardrails,
  ceilingMonthlyCost,
  diffOverrides,
} from './guardrails';

export interface GovernanceOptions {
  /** Plugin database; the migrations directory must already be applied. */
  knex: Knex;
  logger: LoggerService;
  config: RootConfigService;
  catalog: CatalogService;
  permissions: PermissionsService;
  permissionsRegistry: PermissionsRegistryService;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  auth: AuthService;
  auditor: AuditorService;
  notifications?: NotificationService;
  /** Recent demand (rps) of a service for backtests; `t` in epoch ms. */
  demandHistory: (
    entityRef: string,
  ) => Promise<Array<{ t: number; value: number }>>;
  /** The cost card's pricing of replicas, for guardrail costs and backtests. */
  pricing?: GuardrailPricing;
  clock?: () => Date;
}

export interface Governance {
  /** Policies, permissions, change-requests and audit routes (mount at the plugin root). */
  router: Router;
  /** Append-only audit log (actuations, manual scale, kill switch are appended by the caller). */
  auditLog: AuditLog;
  /** Effective policies for the evaluation loop. */
  policies: PolicyService;
  /** entityRef → target, tenant (tier, quota, budget) and environment from the catalog. */
  targets: TargetResolver;
  /** Change requests the engine files (vertical raises over their guardrail). */
  requestEngineChange: GovernanceService['requestEngineChange'];
  /** Who approves change requests; also told of open circuits and budget emergencies. */
  approverGroup: string;
  /**
   * Throws NotAllowedError unless the request's principal holds the resource permission on
   * the entity (e.g. `autoscalingManualScalePermission` for a manual scale).
   */
  authorizeTarget(
    req: Request,
    permission: TargetPermission,
    entityRef: string,
  ): Promise<void>;
  /**
   * For each entity ref, whether the request's principal holds the resource permission on it
   * (one decision, applied to each target), e.g. `autoscalingCostReadPermission` for cost rows.
   */
  allowedOnTargets(
    req: Request,
    permission: TargetPermission,
    entityRefs: string[],
  ): Promise<boolean[]>;
  /** Same check for credentials the caller already has. */
  authorizeCredentials(
    credentials: BackstageCredentials,
    permission: TargetPermission,
    entityRef: string,
  ): Promise<void>;
}

export async function createGovernance(
  options: GovernanceOptions,
): Promise<Governance> {
  const config = readGovernanceConfig(options.config);
  const targets = new CatalogTargetResolver({
    catalog: options.catalog,
    auth: options.auth,
    cacheSeconds: config.targetCacheSeconds,
    clock: options.clock,
  });
  registerAutoscalingPermissions(options.permissionsRegistry, targets);
  const authorizer = new TargetAuthorizer({
    permissions: options.permissions,
    permissionsRegistry: options.permissionsRegistry,
    targets,
  });
  const auditLog = new DatabaseAuditLog({
    knex: options.knex,
    auditor: options.auditor,
    logger: options.logger,
    clock: options.clock,
  });
  // The anchors table (audit/anchors.ts) exists before the first request.
  await auditLog.prepare();
  const governance = new GovernanceService({
    knex: options.knex,
    logger: options.logger,
    config,
    targets,
    auditLog,
    notifications: options.notifications,
    demandHistory: options.demandHistory,
    pricing: options.pricing,
    clock: options.clock,
  });
  const router = await createGovernanceRouter({
    httpAuth: options.httpAuth,
    authorizer,
    governance,
    auditLog,
  });
  return {
    router,
    auditLog,
    policies: governance,
    requestEngineChange: input => governance.requestEngineChange(input),
    targets,
    approverGroup: config.approverGroup,
    async authorizeTarget(req, permission, entityRef) {
      const credentials = await options.httpAuth.credentials(req);
      await authorizer.requireOnTarget(credentials, permission, entityRef);
    },
    async allowedOnTargets(req, permission, entityRefs) {
      const credentials = await options.httpAuth.credentials(req);
      return authorizer.allowedOnTargets(credentials, permission, entityRefs);
    },
    async authorizeCredentials(credentials, permission, entityRef) {
      await authorizer.requireOnTarget(credentials, permission, entityRef);
    },
  };
}
