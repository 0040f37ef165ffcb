import { screen, within } from '@testing-library/react';
import type { TenantTrends } from '@internal/plugin-autoscaling-common';
import { QueryProvider } from '../QueryProvider';
import { TenantTrendsCard } from './TenantTrendsCard';
import {
  failing,
  renderWithApi,
  route,
  setupMswServer,
} from '../../__testUtils__/render';

jest.setTimeout(30_000);
const server = setupMswServer();
const TRENDS = '/tenants/acme/trends';

const START = Date.parse('2026-01-01T00:00:00Z');
/** 24 h at hourly steps: 20 replicas, 44 from 18:00 (above the quota of 40). */
const trends: TenantTrends = {
  tenant: 'acme',
  hours: 24,
  stepSeconds: 3600,
  currency: 'USD',
  replicaQuota: 40,
  monthlyBudget: 1500,
  points: Array.from({ length: 25 }, (_, i) => ({
    at: new Date(START + i * 3600_000).toISOString(),
    replicas: i >= 18 ? 44 : 20,
    monthlyRate: i >= 18 ? 1606 : 730,
  })),
};

const render = () =>
  renderWithApi(
    <QueryProvider>
      <TenantTrendsCard tenant="acme" />
    </QueryProvider>,
  );

describe('TenantTrendsCard', () => {
  it('shows replicas against the quota and the spend rate against the budget, in words and charts', async () => {
    server.use(route('get', TRENDS, trends));
    await render();
    const replicas = await screen.findByTestId('tenant-trends-replicas');
    expect(replicas).toHaveTextContent(
      'Replicas: 44 now, at most 44 (quota 40; at most 110% of it).',
    );
    expect(
      within(replicas).getByRole('figure', {
        name: 'Replicas against the quota',
      }),
    ).toBeInTheDocument();
    const spend = screen.getByTestId('tenant-trends-spend');
    expect(spend).toHaveTextContent(
      'Spend rate: $1,606 a month now, at most $1,606 (above the monthly budget of $1,500 at its peak).',
    );
    expect(
      within(spend).getByRole('figure', {
        name: 'Spend rate against the budget',
      }),
    ).toBeInTheDocument();
    expect(screen.getByText(/The last 24 hours\./)).toBeInTheDocument();
  });

  it('shows replicas only, and says who sees spend, for a caller without cost access', async () => {
    server.use(
      route('get', TRENDS, {
        ...trends,
        currency: null,
        monthlyBudget: null,
        points: trends.points
          .slice(0, 4)
          .map(p => ({ ...p, monthlyRate: null })),
      }),
    );
    await render();
    expect(
      await screen.findByTestId('tenant-trends-replicas'),
    ).toHaveTextContent(
      'Replicas: 20 now, at most 20 (quota 40; at most 50% of it).',
    );
    expect(screen.getByTestId('tenant-trends-spend')).toHaveTextContent(
      "Spend is shown to the tenant's members and the platform team.",
    );
    expect(
      screen.queryByRole('figure', { name: 'Spend rate against the budget' }),
    ).toBeNull();
    // Three hours of history: the title does not claim a day.
    expect(
      screen.getByText(/The last 3 h \(all the history so far\)\./),
    ).toBeInTheDocument();
  });

  it('says when there is no history yet, and shows a failure with its cause', async () => {
    server.use(route('get', TRENDS, { ...trends, points: [] }));
    const { unmount } = await render();
    expect(await screen.findByText('No history yet')).toBeInTheDocument();
    unmount();
    server.use(failing('get', TRENDS, 500, 'database is down'));
    await render();
    expect(await screen.findByText(/database is down/)).toBeInTheDocument();
  });
});
