import Alert from '@mui/material/Alert';
import { Progress } from '@backstage/core-components';
import { useAuditVerification } from '../../hooks/usePlatformData';
import { errorMessage } from '../../lib/errors';

/** Whether the audit log's hash chain is intact. */
export function AuditVerificationStatus({ enabled }: { enabled: boolean }) {
  const verification = useAuditVerification(enabled);
  if (!enabled) return null;
  if (verification.isPending) return <Progress />;
  if (verification.isError) {
    return (
      <Alert severity="error">
        Could not verify the audit log: {errorMessage(verification.error)}
      </Alert>
    );
  }
  const v = verification.data;
  return (
    <Alert
      severity={v.ok ? 'success' : 'error'}
      data-testid="audit-verification"
    >
      {v.ok
        ? `Hash chain verified: ${v.checked} events, none altered.`
        : `Hash chain broken at event ${v.firstBrokenId}: ${v.message}`}
    </Alert>
  );
}
