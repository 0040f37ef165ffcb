/*
 * A change request made against a policy version that is no longer current is superseded by
 * the system's version check, not by whoever happened to press Approve: the request records the
 * system as its decider, says which versions and who found it, and its requester is told.
 */
import type { ChangeRequest } from '@internal/plugin-autoscaling-common';

/** `decidedBy` of a request the version check superseded. */
export const VERSION_CHECK_ACTOR = 'system:autoscaling/policy-version-check';

/** The request's comment once superseded: the versions, who found it, and their comment. */
export function supersededComment(
  request: Pick<ChangeRequest, 'baseVersion' | 'target'>,
  currentVersion: number,
  foundBy: string,
  approverComment: string | null,
): string {
  const note = approverComment ? ` Their comment: ${approverComment}` : '';
  return `Superseded by the policy version check: the request was made against version ${request.baseVersion} of the ${request.target.level} policy "${request.target.name}", which is now at version ${currentVersion}. Found when ${foundBy} tried to approve it; nothing was applied.${note}`;
}

/** The requester's notification of a superseded request. */
export function supersededNotification(
  request: Pick<ChangeRequest, 'id' | 'baseVersion' | 'target'>,
  currentVersion: number,
) {
  return {
    title: `Superseded: ${request.target.level} policy ${request.target.name}`,
    description: `Your change was made against version ${request.baseVersion}; the policy is now at version ${currentVersion}, so it was not applied. Submit it again against the current policy if it is still wanted.`,
    link: `/autoscaling/change-requests/${request.id}`,
    severity: 'normal' as const,
    topic: 'autoscaling-change-request',
    scope: `autoscaling-change-request:${request.id}`,
  };
}
