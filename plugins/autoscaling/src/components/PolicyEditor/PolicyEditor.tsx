import { useState } from 'react';
import { InfoCard } from '@backstage/core-components';
import Grid from '@mui/material/Grid';
import type {
  PolicyDocument,
  PolicyLevel,
} from '@internal/plugin-autoscaling-common';
import { useEffectivePolicy, usePolicyDocument } from '../../hooks/usePolicy';
import { usePermissions } from '../../hooks/usePermissions';
import { errorStatus } from '../../lib/errors';
import { disabledReasonFor, PERMISSION_REASONS } from '../../lib/permissions';
import { QueryState } from '../common/QueryState';
import { EffectivePolicyTable } from './EffectivePolicyTable';
import { PolicyForm, type SaveOutcome } from './PolicyForm';
import { CARD_TITLE } from '../common/cardTitle';

/**
 * Edits one level of policy (`service` for a Component, `tenant` for a tenant Group) beside the
 * effective policy with the level each value comes from.
 */
export function PolicyEditor(props: {
  level: PolicyLevel;
  name: string;
  entityRef: string;
  title?: string;
}) {
  const { level, name, entityRef } = props;
  const document = usePolicyDocument(level, name);
  const effective = useEffectivePolicy(entityRef);
  const { permissions, loading } = usePermissions(entityRef);
  const [outcome, setOutcome] = useState<SaveOutcome>();

  // No document yet at this level: start from an empty override at version 0.
  const missing = document.isError && errorStatus(document.error) === 404;
  const documentQuery = missing
    ? {
        ...document,
        isError: false,
        error: null,
        data: {
          target: { level, name },
          version: 0,
          override: {},
          updatedBy: null,
          updatedAt: null,
        } as PolicyDocument,
      }
    : document;

  const readOnlyReason = disabledReasonFor(
    loading,
    permissions.canEditPolicy,
    PERMISSION_REASONS.editPolicy,
  );

  return (
    <Grid container spacing={3}>
      <Grid item xs={12} lg={7}>
        <InfoCard
          titleTypographyProps={CARD_TITLE}
          title={props.title ?? 'Scaling policy'}
        >
          <QueryState query={documentQuery}>
            {doc => (
              <PolicyForm
                key={`${doc.version}-${effective.dataUpdatedAt}-${
                  readOnlyReason ?? ''
                }`}
                level={level}
                name={name}
                document={doc}
                effective={effective.data}
                entityRef={entityRef}
                readOnlyReason={readOnlyReason}
                onSaved={setOutcome}
                outcome={outcome}
                onDismissOutcome={() => setOutcome(undefined)}
                onConflict={() => {
                  document.refetch();
                  effective.refetch();
                }}
              />
            )}
          </QueryState>
        </InfoCard>
      </Grid>
      <Grid item xs={12} lg={5}>
        <InfoCard
          titleTypographyProps={CARD_TITLE}
          title="Effective policy"
          subheader="What the engine uses, and which level set each value"
        >
          <QueryState
            query={effective}
            compact
            emptyTitle="No effective policy"
            isEmpty={e => Object.keys(e.provenance).length === 0}
          >
            {e => <EffectivePolicyTable effective={e} />}
          </QueryState>
        </InfoCard>
      </Grid>
    </Grid>
  );
}
