import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Content, Header, Page } from '@backstage/core-components';
import Box from '@mui/material/Box';
import Grid from '@mui/material/Grid';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import { useChangeRequests } from '../../hooks/usePlatformData';
import { QueryProvider } from '../QueryProvider';
import { ApprovalQueue } from './ApprovalQueue';
import { AuditLog } from './AuditLog';
import { FleetOverview } from './FleetOverview';
import { KillSwitchCard } from './KillSwitchCard';

const VIEWS = ['fleet', 'approvals', 'engine', 'audit'] as const;
type View = (typeof VIEWS)[number];

/** "Approvals (2)": how many changes wait, on the tab itself. */
function ApprovalsLabel() {
  const pending = useChangeRequests('pending');
  const count = pending.data?.length ?? 0;
  return <>{count > 0 ? `Approvals (${count})` : 'Approvals'}</>;
}

/** The page; `?view=approvals` (the link on service and tenant pages) opens that tab. */
function AutoscalingPageView() {
  const [params, setParams] = useSearchParams();
  const wanted = params.get('view') as View | null;
  const [view, setViewState] = useState<View>(
    wanted && VIEWS.includes(wanted) ? wanted : 'fleet',
  );
  const setView = (next: View) => {
    setViewState(next);
    setParams({ view: next }, { replace: true });
  };
  return (
    <Page themeId="tool">
      <Header
        title="Autoscaling"
        subtitle="Fleet, approvals, kill switch and audit"
      />
      <Content>
        <Box mb={2}>
          <Tabs
            value={view}
            onChange={(_, v) => setView(v)}
            aria-label="Platform views"
          >
            <Tab value="fleet" label="Fleet" />
            <Tab value="approvals" label={<ApprovalsLabel />} />
            <Tab value="engine" label="Kill switch" />
            <Tab value="audit" label="Audit log" />
          </Tabs>
        </Box>
        {view === 'fleet' && <FleetOverview />}
        {view === 'approvals' && <ApprovalQueue />}
        {view === 'engine' && (
          <Grid container>
            <Grid item xs={12} md={8}>
              <KillSwitchCard />
            </Grid>
          </Grid>
        )}
        {view === 'audit' && <AuditLog />}
      </Content>
    </Page>
  );
}

/** The platform team's page: fleet, approvals, kill switch and audit. */
export function AutoscalingPage() {
  return (
    <QueryProvider>
      <AutoscalingPageView />
    </QueryProvider>
  );
}
