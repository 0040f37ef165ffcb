import { useEffect, useMemo, useRef, useState } from 'react';
import { FormProvider, useForm } from 'react-hook-form';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import type {
  EffectivePolicy,
  PolicyDocument,
  PolicyLevel,
  PolicyOverride,
  PolicyUpdateResult,
  PolicyValidationResult,
} from '@internal/plugin-autoscaling-common';
import { useUpdatePolicy, useValidatePolicy } from '../../hooks/usePolicy';
import {
  errorMessage,
  errorStatus,
  issuePathToFieldName,
} from '../../lib/errors';
import { formatDateTime } from '../../lib/format';
import { overrideToForm, type PolicyFormValues } from '../../lib/policyForm';
import { createPolicyResolver } from '../../lib/policyResolver';
import { PermissionButton } from '../common/PermissionButton';
import { PolicyFormContext } from './PolicyFormContext';
import { SaveOutcomeNotice } from './SaveOutcomeNotice';
import { SavePolicyDialog } from './SavePolicyDialog';
import { BehaviorSection } from './sections/BehaviorSection';
import { FallbackSection } from './sections/FallbackSection';
import { MetricsSection } from './sections/MetricsSection';
import { PredictiveSection } from './sections/PredictiveSection';
import { PresetSection } from './sections/PresetSection';
import { QueriesSection } from './sections/QueriesSection';
import { ReplicaSection } from './sections/ReplicaSection';
import { SchedulesSection } from './sections/SchedulesSection';
import { VerticalSection } from './sections/VerticalSection';

export type SaveOutcome =
  | { kind: 'result'; result: PolicyUpdateResult }
  | { kind: 'conflict'; message: string };

/** The form of one policy level; remounted (keyed by version) when the document changes. */
export function PolicyForm(props: {
  level: PolicyLevel;
  name: string;
  document: PolicyDocument;
  effective?: EffectivePolicy;
  /** The entity the policy belongs to (metric sources and query dry runs). */
  entityRef?: string;
  readOnlyReason?: string;
  onSaved: (outcome: SaveOutcome) => void;
  onConflict: () => void;
  /** The last save's outcome, shown next to the Save button (kept by the editor across reloads). */
  outcome?: SaveOutcome;
  onDismissOutcome?: () => void;
}) {
  const { level, name, document, effective, readOnlyReason, outcome } = props;
  const outcomeRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // The form is long: bring the outcome (just above the Save button) into view.
    if (outcome) outcomeRef.current?.scrollIntoView?.({ block: 'nearest' });
  }, [outcome]);
  const form = useForm<PolicyFormValues>({
    defaultValues: overrideToForm(document.override),
    resolver: createPolicyResolver(effective?.policy),
    mode: 'onTouched',
  });
  const validate = useValidatePolicy(level, name);
  const update = useUpdatePolicy(level, name);
  const [pending, setPending] = useState<{
    override: PolicyOverride;
    validation: PolicyValidationResult;
  }>();
  const [saveError, setSaveError] = useState<string>();
  const context = useMemo(
    () => ({ readOnlyReason, effective, entityRef: props.entityRef }),
    [readOnlyReason, effective, props.entityRef],
  );

  const onSubmit = form.handleSubmit(async values => {
    setSaveError(undefined);
    const override = values as PolicyOverride;
    let validation: PolicyValidationResult;
    try {
      validation = await validate.mutateAsync(override);
    } catch (e) {
      setSaveError(`Could not check the change: ${errorMessage(e)}`);
      return;
    }
    if (!validation.valid) {
      for (const issue of validation.issues) {
        form.setError(issuePathToFieldName(issue.path) as any, {
          type: 'server',
          message: issue.message,
        });
      }
      setSaveError('The backend found problems; see the highlighted fields.');
      return;
    }
    setPending({ override, validation });
  });

  const confirm = async (reason: string) => {
    if (!pending) return;
    try {
      const result = await update.mutateAsync({
        override: pending.override,
        version: document.version,
        reason,
      });
      setPending(undefined);
      props.onSaved({ kind: 'result', result });
    } catch (e) {
      if (errorStatus(e) === 409) {
        setPending(undefined);
        props.onSaved({
          kind: 'conflict',
          message: `Someone else changed this policy while you were editing (${errorMessage(
            e,
          )}). The latest version has been loaded; review it and make your change again.`,
        });
        props.onConflict();
        return;
      }
      setSaveError(errorMessage(e));
    }
  };

  return (
    <PolicyFormContext.Provider value={context}>
      <FormProvider {...form}>
        <Box
          component="form"
          noValidate
          onSubmit={onSubmit}
          aria-label={`Policy for ${level} ${name}`}
        >
          {readOnlyReason && (
            <Alert
              severity="info"
              sx={{ mb: 2 }}
              data-testid="policy-read-only"
            >
              {readOnlyReason}
            </Alert>
          )}
          <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
            {level} level · version {document.version}
            {document.updatedBy
              ? ` · last changed by ${document.updatedBy} on ${formatDateTime(
                  document.updatedAt,
                )}`
              : ''}
          </Typography>
          <PresetSection />
          <ReplicaSection />
          <MetricsSection />
          <QueriesSection />
          <BehaviorSection />
          <PredictiveSection />
          <SchedulesSection />
          <FallbackSection />
          <VerticalSection />
          <div ref={outcomeRef} role="status" aria-live="polite">
            {outcome && (
              <SaveOutcomeNotice
                outcome={outcome}
                onClose={() => props.onDismissOutcome?.()}
              />
            )}
          </div>
          {saveError && !pending && (
            <Alert severity="error" sx={{ mb: 2 }} role="alert">
              {saveError}
            </Alert>
          )}
          {/* Save stays in view while scrolling through a long policy. */}
          <Box
            display="flex"
            gap={1}
            data-testid="policy-actions"
            sx={{
              position: 'sticky',
              bottom: 0,
              zIndex: 1,
              py: 1,
              bgcolor: 'background.paper',
              borderTop: 1,
              borderColor: 'divider',
            }}
          >
            <PermissionButton
              type="submit"
              variant="contained"
              disabledReason={readOnlyReason}
              disabled={validate.isPending || !form.formState.isDirty}
            >
              Review and save
            </PermissionButton>
            <Button
              onClick={() => form.reset()}
              disabled={Boolean(readOnlyReason) || !form.formState.isDirty}
            >
              Discard changes
            </Button>
          </Box>
        </Box>
        <SavePolicyDialog
          open={Boolean(pending)}
          validation={pending?.validation}
          saving={update.isPending}
          error={saveError}
          onCancel={() => setPending(undefined)}
          onConfirm={confirm}
        />
      </FormProvider>
    </PolicyFormContext.Provider>
  );
}
