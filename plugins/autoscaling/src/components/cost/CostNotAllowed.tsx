import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import { errorMessage, errorStatus } from '../../lib/errors';

/** Whether a failed cost or budget read was refused (403: no autoscaling.cost.read). */
export function isCostNotAllowed(error: unknown): boolean {
  return errorStatus(error) === 403;
}

/**
 * Shown instead of cost and budget data the backend refused to this user (403): who may see
 * it, in the backend's words. No Retry: asking again gives the same answer.
 */
export function CostNotAllowed({
  error,
  what,
  title,
}: {
  error: unknown;
  /** What is hidden, e.g. "acme's cost and budget". */
  what: string;
  /** A title saying who may see it, instead of "You are not allowed to see <what>". */
  title?: string;
}) {
  return (
    <Alert severity="info" data-testid="cost-not-allowed">
      <AlertTitle>{title ?? `You are not allowed to see ${what}`}</AlertTitle>
      {errorMessage(error)}
    </Alert>
  );
}
