import { QueryProvider } from '../QueryProvider';
import { screen, within } from '@testing-library/react';
import type { WorkloadForecast } from '@internal/plugin-autoscaling-common';
import { ForecastCard, hourTicks } from './ForecastCard';
import { DecisionsCard } from './DecisionsCard';
import {
  failing,
  renderWithApi,
  route,
  setupMswServer,
} from '../../__testUtils__/render';
import {
  WORKLOAD_ID,
  forecast,
  history,
  noForecast,
} from '../../__testUtils__/fixtures';

jest.setTimeout(30_000);
const server = setupMswServer();
const FORECAST = '/workloads/:id/forecast';
const HISTORY = '/workloads/:id/history';

const pad = (n: number) => String(n).padStart(2, '0');
/** Local "HH:mm", computed with Date's own local getters. */
const hm = (iso: string) => {
  const d = new Date(iso);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

async function renderCard(body: WorkloadForecast) {
  server.use(route('get', FORECAST, body), route('get', HISTORY, history));
  await renderWithApi(
    <QueryProvider>
      <ForecastCard workloadId={WORKLOAD_ID} />
    </QueryProvider>,
  );
  return screen.findByTestId('forecast-headline');
}

describe('ForecastCard', () => {
  it('draws observed demand, the forecast with its band, anomalies and an applied floor', async () => {
    let historyHours: string | null = null;
    server.use(
      route('get', FORECAST, forecast),
      route('get', HISTORY, () => history),
    );
    server.events.on('request:start', ({ request }) => {
      const url = new URL(request.url);
      if (url.pathname.endsWith('/history'))
        historyHours = url.searchParams.get('hours');
    });
    await renderWithApi(
      <QueryProvider>
        <ForecastCard workloadId={WORKLOAD_ID} />
      </QueryProvider>,
    );

    expect(await screen.findByTestId('forecast-headline')).toHaveTextContent(
      `Expected peak 3.4 cores at ${hm(
        '2026-01-01T14:30:00Z',
      )}; the floor keeps at least 9 replicas from ${hm(
        '2026-01-01T14:20:00Z',
      )}.`,
    );
    expect(screen.getByTestId('forecast-floor-status')).toHaveTextContent(
      'Floor applied',
    );
    expect(screen.getByTestId('forecast-floor')).toHaveTextContent(
      /^Applied: the forecast keeps at least 5 replicas now for 1.9 cores/,
    );
    expect(screen.getByTestId('forecast-accuracy')).toHaveTextContent(
      'errors are 38% smaller than repeating yesterday; 81% of actual values fell inside the 80% band (as intended).',
    );
    const figure = screen.getByRole('figure', { name: 'Demand forecast' });
    // The text alternative: observed demand of the history route (cores), the band at the
    // peak, the floor as a demand level and the anomaly in view.
    expect(figure).toHaveTextContent(
      'Observed demand over the last 48 hours: between 2.5 cores and 3.6 cores, latest 3.6 cores.',
    );
    expect(figure).toHaveTextContent(
      `peak 3.4 cores at ${hm(
        '2026-01-01T14:30:00Z',
      )}, 80% band 2.89 cores to 4.08 cores`,
    );
    expect(figure).toHaveTextContent(
      'Predictive floor 5 replicas (2 cores), floor applied.',
    );
    expect(figure).toHaveTextContent('1 anomaly marked in the drawn period.');
    expect(historyHours).toBe('48');
    expect(screen.queryByText('No band yet')).not.toBeInTheDocument();
    expect(
      screen.getByText('A daily pattern explains 87% of the variance.'),
    ).toBeInTheDocument();
  });

  it('says when there is no band yet', async () => {
    await renderCard({
      ...forecast,
      points: forecast.points.map(p => ({
        ...p,
        lower: null,
        upper: null,
        replicasLower: null,
        replicasUpper: null,
      })),
    });
    expect(screen.getByText('No band yet')).toBeInTheDocument();
    expect(
      screen.getByRole('figure', { name: 'Demand forecast' }),
    ).toHaveTextContent('no band yet');
  });

  it('says a capped floor is capped, and by what', async () => {
    const headline = await renderCard({
      ...forecast,
      floor: {
        ...forecast.floor,
        status: 'capped',
        replicas: 6,
        reasons: [
          {
            code: 'PredictiveFloorCapped',
            message: 'floor capped at 6 by quota 6',
          },
        ],
      },
    });
    expect(headline).toHaveTextContent(
      'which needs 9 replicas; the floor is capped at 6 by quota 6.',
    );
    expect(screen.getByTestId('forecast-floor-status')).toHaveTextContent(
      'Floor capped',
    );
    expect(screen.getByTestId('forecast-floor')).toHaveTextContent(
      /^Capped: the forecast asks for more, but the floor is held at 6 replicas by quota 6/,
    );
  });

  it('says a forecast-only floor is reported and not applied', async () => {
    const headline = await renderCard({
      ...forecast,
      floor: { ...forecast.floor, status: 'reported' },
    });
    expect(headline).toHaveTextContent(
      'but in forecast-only mode it is only reported.',
    );
    expect(screen.getByTestId('forecast-floor-status')).toHaveTextContent(
      'Reported only',
    );
    expect(
      screen.getByRole('figure', { name: 'Demand forecast' }),
    ).toHaveTextContent(
      'Predictive floor 5 replicas (2 cores), reported only.',
    );
  });

  it('says the engine only reacts when the forecast is not trusted', async () => {
    const headline = await renderCard({
      ...forecast,
      predictiveFloor: null,
      floor: {
        ...forecast.floor,
        status: 'reactive',
        replicas: null,
        peak: null,
        reasons: [
          {
            code: 'NoForecast',
            message: 'the forecast is not trusted yet',
          },
        ],
      },
    });
    expect(headline).toHaveTextContent(
      'the engine does not act on it (the forecast is not trusted yet) and scales on observed demand only.',
    );
    expect(screen.getByTestId('forecast-floor')).toHaveTextContent(
      'Reactive only: the forecast is not trusted yet, so the engine scales on observed demand alone.',
    );
    expect(
      screen.getByRole('figure', { name: 'Demand forecast' }),
    ).toHaveTextContent('No predictive floor');
  });

  it('does not draw observed CPU cores on an rps forecast axis', async () => {
    await renderCard({ ...forecast, unit: 'rps', perPodTarget: 100 });
    expect(
      screen.getByText(/Observed demand is recorded in CPU cores/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('figure', { name: 'Demand forecast' }),
    ).toHaveTextContent('No observed demand in rps to draw.');
  });

  it('says exactly when the first forecast will exist, and why there is none', async () => {
    const at = new Date(Date.now() + 3 * 3600_000 + 30_000);
    server.use(
      route('get', FORECAST, {
        ...noForecast,
        firstForecastAt: at.toISOString(),
      }),
      route('get', HISTORY, history),
    );
    await renderWithApi(
      <QueryProvider>
        <ForecastCard workloadId={WORKLOAD_ID} />
      </QueryProvider>,
    );
    const empty = await screen.findByTestId('empty-state');
    expect(within(empty).getByText('No forecast yet')).toBeInTheDocument();
    expect(empty).toHaveTextContent(
      new RegExp(
        `The first forecast is expected at \\w{3} \\d{1,2} \\w{3}, ${pad(
          at.getHours(),
        )}:${pad(at.getMinutes())} \\(in 3 h\\)\\. Needs 24 h of history`,
      ),
    );
    expect(screen.queryByTestId('forecast-headline')).not.toBeInTheDocument();
  });

  it('shows the error of the forecast route', async () => {
    server.use(
      failing('get', FORECAST, 500, 'forecaster exploded'),
      route('get', HISTORY, history),
    );
    await renderWithApi(
      <QueryProvider>
        <ForecastCard workloadId={WORKLOAD_ID} />
      </QueryProvider>,
    );
    expect(
      (await screen.findAllByText(/forecaster exploded/)).length,
    ).toBeGreaterThan(0);
  });
});

describe('hourTicks', () => {
  it('puts ticks on whole local hours, every 6 hours, inside the range', () => {
    const start = Date.parse('2026-01-01T10:17:00Z');
    const end = start + 72 * 3600_000;
    const ticks = hourTicks(start, end, 6);
    expect(ticks.length).toBe(12);
    for (const t of ticks) {
      const d = new Date(t);
      expect(d.getMinutes()).toBe(0);
      expect(d.getHours() % 6).toBe(0);
      expect(t).toBeGreaterThanOrEqual(start);
      expect(t).toBeLessThanOrEqual(end);
    }
    expect(ticks[1] - ticks[0]).toBe(6 * 3600_000);
  });
});

describe('DecisionsCard and the forecast', () => {
  it('marks a decision raised by the forecast floor with the peak behind it, and not the others', async () => {
    server.use(
      route('get', HISTORY, {
        ...history,
        decisions: [
          ...history.decisions,
          {
            id: 'd3',
            workloadId: WORKLOAD_ID,
            at: '2026-01-01T14:20:00Z',
            kind: 'scale',
            from: 4,
            to: 9,
            mode: 'auto',
            outcome: 'applied',
            reasons: [
              {
                code: 'PredictiveFloor',
                message:
                  'the forecast asks for at least 9 replicas: peak forecast 3.4 (p90) at 2026-01-01T14:30:00.000Z within 10 min / 0.4 per pod = 9 replicas (holt-winters)',
              },
            ],
          },
        ],
      }),
    );
    await renderWithApi(
      <QueryProvider>
        <DecisionsCard workloadId={WORKLOAD_ID} />
      </QueryProvider>,
    );
    const list = await screen.findByRole('list', { name: 'Recent decisions' });
    const items = within(list).getAllByRole('listitem');
    // Newest first: the forecast's decision, then the two reactive ones.
    const raised = items.find(i => i.textContent?.includes('from 4 to 9'))!;
    expect(within(raised).getByText('Forecast')).toBeInTheDocument();
    expect(within(raised).getByTestId('decision-forecast')).toHaveTextContent(
      `Raised by the forecast: the floor asks for at least 9 replicas for a forecast peak of 3.4 at ${hm(
        '2026-01-01T14:30:00Z',
      )}.`,
    );
    expect(within(list).getAllByTestId('decision-forecast-chip')).toHaveLength(
      1,
    );
  });

  it('marks a decision set by the forecast plan', async () => {
    server.use(
      route('get', HISTORY, {
        ...history,
        decisions: [
          {
            id: 'd4',
            workloadId: WORKLOAD_ID,
            at: '2026-01-01T16:00:00Z',
            kind: 'scale',
            from: 9,
            to: 6,
            mode: 'auto',
            outcome: 'applied',
            reasons: [
              {
                code: 'PredictivePlan',
                message:
                  'the forecast plans 6 replicas: peak forecast 2.3 at 2026-01-01T16:10:00.000Z (p90) within full capacity',
              },
            ],
          },
        ],
      }),
    );
    await renderWithApi(
      <QueryProvider>
        <DecisionsCard workloadId={WORKLOAD_ID} />
      </QueryProvider>,
    );
    expect(await screen.findByTestId('decision-forecast')).toHaveTextContent(
      `Set by the forecast: the plan asks for 6 replicas for a forecast peak of 2.3 at ${hm(
        '2026-01-01T16:10:00Z',
      )}.`,
    );
    expect(screen.getByTestId('decision-forecast-chip')).toHaveTextContent(
      'Forecast',
    );
  });
});
