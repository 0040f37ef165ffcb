import { useState } from 'react';
import { useEntity } from '@backstage/plugin-catalog-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import Box from '@mui/material/Box';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import { useEntityState } from '../../hooks/useEntityState';
import { PendingChangesNotice } from '../common/PendingChangesNotice';
import { QueryState } from '../common/QueryState';
import { PolicyEditor } from '../PolicyEditor';
import { QueryProvider } from '../QueryProvider';
import { WorkloadPanel } from './WorkloadPanel';

function EntityAutoscalingView() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const state = useEntityState(entityRef);
  const [selected, setSelected] = useState(0);
  const [view, setView] = useState<'state' | 'policy'>('state');

  return (
    <Box data-testid="autoscaling-entity-content">
      <PendingChangesNotice
        what={entity.metadata.title ?? entity.metadata.name}
        matches={r => r.entityRef === entityRef}
      />
      <Tabs
        value={view}
        onChange={(_, v) => setView(v)}
        aria-label="Autoscaling views"
        sx={{ mb: 2 }}
      >
        <Tab value="state" label="Scaling state" />
        <Tab value="policy" label="Policy" />
      </Tabs>
      {view === 'policy' ? (
        <PolicyEditor level="service" name={entityRef} entityRef={entityRef} />
      ) : (
        <QueryState
          query={state}
          emptyTitle="No scaling data yet"
          emptyDescription={`The autoscaling engine has not evaluated ${entityRef} yet. Its state, forecast and recommendations appear here after the first evaluation.`}
          isEmpty={s => s.workloads.length === 0}
        >
          {s => {
            const index = Math.min(selected, s.workloads.length - 1);
            return (
              <>
                {s.workloads.length > 1 && (
                  <Tabs
                    value={index}
                    onChange={(_, v) => setSelected(v)}
                    aria-label="Workloads"
                    sx={{ mb: 2 }}
                  >
                    {s.workloads.map(w => (
                      <Tab
                        key={w.id}
                        label={`${w.ref.cluster}/${w.ref.name}`}
                      />
                    ))}
                  </Tabs>
                )}
                <WorkloadPanel state={s.workloads[index]} />
              </>
            );
          }}
        </QueryState>
      )}
    </Box>
  );
}

/** The Autoscaling tab of a Component. */
export function EntityAutoscalingContent() {
  return (
    <QueryProvider>
      <EntityAutoscalingView />
    </QueryProvider>
  );
}
