import { screen } from '@testing-library/react';
import { renderTestApp } from '@backstage/frontend-test-utils';
import autoscalingPlugin from './alpha';
import { route, setupMswServer } from './__testUtils__/render';
import {
  allowAll,
  engineStatus,
  tenantSummary,
} from './__testUtils__/fixtures';

jest.setTimeout(30_000);
const server = setupMswServer();

describe('autoscaling plugin (new frontend system)', () => {
  it('mounts the platform page with its API from the ApiBlueprint', async () => {
    server.use(
      route('get', '/engine/status', engineStatus),
      route('get', '/workloads', tenantSummary.workloads),
      route('get', '/permissions', allowAll),
    );
    renderTestApp({
      features: [autoscalingPlugin],
      initialRouteEntries: ['/autoscaling'],
      config: { backend: { baseUrl: 'http://localhost:7007' } },
    });
    expect(
      await screen.findByRole(
        'table',
        { name: 'Clusters' },
        { timeout: 15_000 },
      ),
    ).toHaveTextContent('prod-eu');
    expect(screen.getByRole('tab', { name: 'Approvals' })).toBeInTheDocument();
  });
});
