import { useState } from 'react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import type { PolicyValidationResult } from '@internal/plugin-autoscaling-common';
import { GuardrailNotice } from './GuardrailNotice';
import { PolicyDiffTable } from './PolicyDiffTable';

/** The diff and guardrail findings before saving, with the reason for the audit log. */
export function SavePolicyDialog(props: {
  open: boolean;
  validation: PolicyValidationResult | undefined;
  saving: boolean;
  error?: string;
  onCancel: () => void;
  onConfirm: (reason: string) => void;
}) {
  const [reason, setReason] = useState('');
  const [touched, setTouched] = useState(false);
  const reasonError =
    reason.trim().length < 3
      ? 'Say why (at least 3 characters); it goes to the audit log'
      : undefined;
  const needsApproval = (props.validation?.guardrails.length ?? 0) > 0;
  return (
    <Dialog
      open={props.open}
      onClose={props.onCancel}
      fullWidth
      maxWidth="md"
      aria-labelledby="save-policy-title"
    >
      <DialogTitle id="save-policy-title">Review policy change</DialogTitle>
      <DialogContent>
        {props.validation && (
          <>
            <Typography variant="subtitle2" component="h3" gutterBottom>
              Changes
            </Typography>
            <PolicyDiffTable diff={props.validation.diff} />
            <div style={{ marginTop: 16 }}>
              <GuardrailNotice guardrails={props.validation.guardrails} />
            </div>
          </>
        )}
        <TextField
          label="Reason for the change"
          fullWidth
          margin="normal"
          multiline
          minRows={2}
          value={reason}
          onChange={e => setReason(e.target.value)}
          error={touched && Boolean(reasonError)}
          helperText={
            (touched && reasonError) ||
            'Recorded in the audit log and shown to approvers.'
          }
        />
        {props.error && <Alert severity="error">{props.error}</Alert>}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onCancel}>Cancel</Button>
        <Button
          variant="contained"
          disabled={props.saving || props.validation?.diff.length === 0}
          onClick={() => {
            setTouched(true);
            if (!reasonError) props.onConfirm(reason.trim());
          }}
        >
          {needsApproval ? 'Request approval' : 'Save and apply'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
