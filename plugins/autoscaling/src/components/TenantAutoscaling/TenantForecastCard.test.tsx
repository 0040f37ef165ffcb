import { QueryProvider } from '../QueryProvider';
import { screen, within } from '@testing-library/react';
import { TenantForecastCard } from './TenantForecastCard';
import {
  failing,
  pending,
  renderWithApi,
  route,
  setupMswServer,
} from '../../__testUtils__/render';
import { tenantForecast } from '../../__testUtils__/fixtures';

jest.setTimeout(30_000);
const server = setupMswServer();
const FORECAST = '/tenants/acme/forecast';

const pad = (n: number) => String(n).padStart(2, '0');
const hm = (iso: string) => {
  const d = new Date(iso);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

describe('TenantForecastCard', () => {
  it('shows the next 24 h of replicas against the quota, and the projected cost', async () => {
    server.use(route('get', FORECAST, tenantForecast));
    await renderWithApi(
      <QueryProvider>
        <TenantForecastCard tenant="acme" />
      </QueryProvider>,
    );
    expect(
      await screen.findByRole('heading', { name: 'Next 24 hours' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByTestId('tenant-forecast-summary'),
    ).toHaveTextContent(
      `Peak 38 replicas at ${hm(
        '2026-01-01T19:00:00Z',
      )} (quota 60); about $217 over the next 24 h.`,
    );
    const figure = screen.getByRole('figure', {
      name: 'Projected replicas and cost',
    });
    expect(figure).toHaveTextContent(
      'Projected replicas over the next 24 hours between 20 and 38, with the 80% band from 16 to 44. Replica quota 60.',
    );
    expect(figure).toHaveTextContent(
      'Projected cost between $8.00 and $15.20 per hour, $217 in total.',
    );
    expect(
      screen.getByText(
        '2 of 3 services have a forecast; the others are counted at their current replicas.',
      ),
    ).toBeInTheDocument();
  });

  it('says when the forecast exceeds the quota', async () => {
    server.use(route('get', FORECAST, { ...tenantForecast, replicaQuota: 30 }));
    await renderWithApi(
      <QueryProvider>
        <TenantForecastCard tenant="acme" />
      </QueryProvider>,
    );
    expect(
      await screen.findByTestId('tenant-forecast-summary'),
    ).toHaveTextContent(
      `The forecast exceeds the quota from ${hm('2026-01-01T19:00:00Z')}.`,
    );
  });

  it('loading, empty and error states', async () => {
    server.use(pending('get', FORECAST));
    const first = await renderWithApi(
      <QueryProvider>
        <TenantForecastCard tenant="acme" />
      </QueryProvider>,
    );
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
    first.unmount();

    server.use(route('get', FORECAST, { ...tenantForecast, points: [] }));
    const second = await renderWithApi(
      <QueryProvider>
        <TenantForecastCard tenant="acme" />
      </QueryProvider>,
    );
    const empty = await screen.findByTestId('empty-state');
    expect(within(empty).getByText('No projection yet')).toBeInTheDocument();
    second.unmount();

    server.use(failing('get', FORECAST, 500, 'projection failed'));
    await renderWithApi(
      <QueryProvider>
        <TenantForecastCard tenant="acme" />
      </QueryProvider>,
    );
    expect(
      (await screen.findAllByText(/projection failed/)).length,
    ).toBeGreaterThan(0);
  });
});
