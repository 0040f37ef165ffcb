/** Why a control is disabled, in words the user can act on. */
export const PERMISSION_REASONS = {
  editPolicy:
    'You cannot edit this policy: only the owning tenant’s admins and the platform team may change it.',
  scale:
    'You cannot scale this service: only its owners, its tenant’s admins and the platform team may.',
  approve: 'Only the platform team may approve or reject change requests.',
  ownRequest:
    'Four eyes: you cannot approve or reject your own change request.',
  administer: 'Only platform administrators may use the kill switch.',
  readAudit: 'Only the platform team may read the audit log.',
  loading: 'Checking your permissions…',
  killSwitch:
    'The global kill switch is on: nothing is written to clusters, manual scaling included, until a platform administrator turns it off.',
} as const;

/** The reason a control is disabled: still checking, not allowed, or none (enabled). */
export function disabledReasonFor(
  loading: boolean,
  allowed: boolean,
  reason: string,
): string | undefined {
  if (loading) return PERMISSION_REASONS.loading;
  return allowed ? undefined : reason;
}
