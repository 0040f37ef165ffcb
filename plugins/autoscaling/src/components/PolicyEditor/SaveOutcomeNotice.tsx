import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import { BacktestChart } from './BacktestChart';
import { GuardrailNotice } from './GuardrailNotice';
import type { SaveOutcome } from './PolicyForm';

/** What happened to the last save: applied, pending approval, or a version conflict. */
export function SaveOutcomeNotice({
  outcome,
  onClose,
}: {
  outcome: SaveOutcome;
  onClose: () => void;
}) {
  if (outcome.kind === 'conflict') {
    return (
      <Alert
        severity="warning"
        onClose={onClose}
        sx={{ mb: 2 }}
        data-testid="save-outcome"
      >
        <AlertTitle>Policy changed by someone else</AlertTitle>
        {outcome.message}
      </Alert>
    );
  }
  const { result } = outcome;
  if (result.status === 'applied') {
    return (
      <Alert
        severity="success"
        onClose={onClose}
        sx={{ mb: 2 }}
        data-testid="save-outcome"
      >
        Saved and applied: the policy is now at version{' '}
        {result.document.version}. The engine uses it from its next evaluation.
      </Alert>
    );
  }
  const request = result.changeRequest;
  return (
    <Alert
      severity="info"
      onClose={onClose}
      sx={{ mb: 2 }}
      data-testid="save-outcome"
    >
      <AlertTitle>Sent for approval</AlertTitle>
      Change request {request.id} is pending; it applies once a platform
      engineer other than you approves it.
      <div style={{ marginTop: 8 }}>
        <GuardrailNotice guardrails={request.guardrails} />
      </div>
      {request.backtest && <BacktestChart backtest={request.backtest} />}
    </Alert>
  );
}
