import { mockServices } from '@backstage/backend-test-utils';

/**
 * The Backstage services `createAutoscalingService` needs that these tests do not look at:
 * mocks that allow everything and schedule nothing (tests tick the evaluators themselves).
 */
export function mockAutoscalingDependencies() {
  return {
    logger: mockServices.logger.mock(),
    scheduler: mockServices.scheduler.mock(),
    httpAuth: mockServices.httpAuth(),
    auth: mockServices.auth(),
    userInfo: mockServices.userInfo(),
    permissions: mockServices.permissions(),
    permissionsRegistry: mockServices.permissionsRegistry.mock(),
    auditor: mockServices.auditor.mock(),
  };
}
