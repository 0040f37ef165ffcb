import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type BasicPermission,
} from '@backstage/plugin-permission-common';
import type express from 'express';

/**
 * The request's credentials, or NotAllowedError (403) unless its principal holds the basic
 * permission (reading state, engine administration).
 */
export async function requireBasicPermission(
  services: { httpAuth: HttpAuthService; permissions: PermissionsService },
  req: express.Request,
  permission: BasicPermission,
) {
  const credentials = await services.httpAuth.credentials(req);
  const [decision] = await services.permissions.authorize([{ permission }], {
    credentials,
  });
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(`You are not allowed to ${permission.name}`);
  }
  return credentials;
}
