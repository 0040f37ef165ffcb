import { useState } from 'react';
import { Content, Header, Page } from '@backstage/core-components';
import Box from '@mui/material/Box';
import Grid from '@mui/material/Grid';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import { QueryProvider } from '../QueryProvider';
import { ApprovalQueue } from './ApprovalQueue';
import { AuditLog } from './AuditLog';
import { FleetOverview } from './FleetOverview';
import { KillSwitchCard } from './KillSwitchCard';

type View = 'fleet' | 'approvals' | 'engine' | 'audit';

/** The platform team's page: fleet, approvals, kill switch and audit. */
export function AutoscalingPage() {
  const [view, setView] = useState<View>('fleet');
  return (
    <QueryProvider>
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
              <Tab value="approvals" label="Approvals" />
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
    </QueryProvider>
  );
}
