import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import type { GuardrailFinding } from '@internal/plugin-autoscaling-common';
import { formatGuardrailMessage } from '../../lib/format';

/** Says clearly whether the change applies at once or needs a platform engineer's approval. */
export function GuardrailNotice({
  guardrails,
  currency,
}: {
  guardrails: GuardrailFinding[];
  /** Currency of the costs in the findings (the price catalog's); USD by default. */
  currency?: string;
}) {
  if (guardrails.length === 0) {
    return (
      <Alert severity="success" data-testid="guardrail-notice">
        Within guardrails: this change applies as soon as you save it.
      </Alert>
    );
  }
  return (
    <Alert severity="warning" data-testid="guardrail-notice">
      <AlertTitle>This change needs approval</AlertTitle>
      It crosses{' '}
      {guardrails.length === 1
        ? 'a guardrail'
        : `${guardrails.length} guardrails`}
      ; saving sends it to the platform team, and it applies once another person
      approves it.
      <ul>
        {guardrails.map(g => (
          <li key={`${g.code}-${g.path ?? ''}`}>
            {formatGuardrailMessage(g, currency)}
          </li>
        ))}
      </ul>
    </Alert>
  );
}
