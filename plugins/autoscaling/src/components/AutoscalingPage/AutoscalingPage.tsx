import { Content, Header, Page } from '@backstage/core-components';
import Typography from '@mui/material/Typography';
import { QueryProvider } from '../QueryProvider';

/** The platform team's page. */
export function AutoscalingPage() {
  return (
    <QueryProvider>
      <Page themeId="tool">
        <Header title="Autoscaling" subtitle="Fleet, approvals, kill switch and audit" />
        <Content>
          <Typography>No clusters evaluated yet.</Typography>
        </Content>
      </Page>
    </QueryProvider>
  );
}
