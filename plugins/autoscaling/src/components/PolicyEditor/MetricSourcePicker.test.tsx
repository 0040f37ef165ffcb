/**
 * The policy form's metric-source picker and query dry run: the sources come from
 * GET /metric-sources, "Test query" posts the metric's source, query and types for the service,
 * and the current value shows beside the target; a query the source refuses puts its error on
 * the query field, an unknown source on the source field.
 */
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { PolicyEditor } from './PolicyEditor';
import { QueryProvider } from '../QueryProvider';
import {
  BASE_URL,
  renderWithApi,
  route,
  setupMswServer,
} from '../../__testUtils__/render';
import {
  allowAll,
  effectivePolicy,
  ENTITY_REF,
  servicePolicy,
} from '../../__testUtils__/fixtures';

jest.setTimeout(30_000);

const server = setupMswServer();
const QUERY = `SELECT last("depth") FROM "queue" WHERE "deployment"='$workload'`;
const WORKLOAD = {
  id: 'sim/acme/Deployment/checkout-api',
  cluster: 'sim',
  namespace: 'acme',
  name: 'checkout-api',
};

function setup(dryRun: (body: any) => Response | Promise<Response>) {
  const bodies: any[] = [];
  server.use(
    route('get', '/policies/service/:name', {
      ...servicePolicy,
      override: {
        metrics: [
          {
            type: 'Pods',
            name: 'queue-depth',
            query: { source: 'influx', query: QUERY },
            target: { type: 'AverageValue', averageValue: '30' },
          },
        ],
      },
    }),
    route('get', '/policies/effective', effectivePolicy),
    route('get', '/permissions', allowAll),
    http.get(`${BASE_URL}/metric-sources`, ({ request }) =>
      new URL(request.url).searchParams.get('entityRef') === ENTITY_REF
        ? HttpResponse.json({
            sources: [
              { id: 'influx', type: 'influxdb' },
              { id: 'prometheus', type: 'prometheus' },
            ],
          })
        : HttpResponse.json(
            { error: { message: 'wrong entity' } },
            { status: 400 },
          ),
    ),
    http.post(`${BASE_URL}/metric-sources/dry-run`, async ({ request }) => {
      const body = await request.json();
      bodies.push(body);
      return dryRun(body);
    }),
  );
  return bodies;
}

async function editor() {
  await renderWithApi(
    <QueryProvider>
      <PolicyEditor level="service" name={ENTITY_REF} entityRef={ENTITY_REF} />
    </QueryProvider>,
  );
  return screen.findByTestId('metric-dry-run-0');
}

describe('metric source picker and dry run', () => {
  it('lists the configured sources with their types and picks one', async () => {
    setup(() => HttpResponse.json({}));
    await editor();
    const picker = await screen.findByRole('combobox', {
      name: 'Metric source',
    });
    await waitFor(() => expect(picker).toHaveTextContent('influx (influxdb)'));
    fireEvent.mouseDown(picker);
    const listbox = await screen.findByRole('listbox');
    expect(
      within(listbox)
        .getAllByRole('option')
        .map(o => o.textContent),
    ).toEqual(['influx (influxdb)', 'prometheus (prometheus)']);
    fireEvent.click(within(listbox).getByText('prometheus (prometheus)'));
    await waitFor(() =>
      expect(picker).toHaveTextContent('prometheus (prometheus)'),
    );
    expect(
      screen.getByRole('button', { name: 'Review and save' }),
    ).toBeEnabled();
  });

  it('runs the query for the service and shows the current value beside the target', async () => {
    const bodies = setup(() =>
      HttpResponse.json({
        ok: true,
        source: 'influx',
        workload: WORKLOAD,
        value: 42.5,
        meaning: 'average of 2 pods',
        series: [
          { labels: { pod: 'a' }, value: 40 },
          { labels: { pod: 'b' }, value: 45 },
        ],
        seriesCount: 2,
      }),
    );
    const panel = await editor();
    fireEvent.click(within(panel).getByRole('button', { name: 'Test query' }));
    expect(await within(panel).findByRole('status')).toHaveTextContent(
      'Current value 42.5 (average of 2 pods) against target 30, on acme/checkout-api from influx',
    );
    expect(bodies).toEqual([
      {
        entityRef: ENTITY_REF,
        source: 'influx',
        query: QUERY,
        metricType: 'Pods',
        targetType: 'AverageValue',
      },
    ]);
  });

  it("puts the source's error on the query field", async () => {
    setup(() =>
      HttpResponse.json({
        ok: false,
        source: 'influx',
        workload: WORKLOAD,
        field: 'query',
        message:
          'InfluxDB influx answered 400: error parsing query: found SELEC',
      }),
    );
    const panel = await editor();
    fireEvent.click(within(panel).getByRole('button', { name: 'Test query' }));
    expect(
      await screen.findByText(
        'Dry run on influx: InfluxDB influx answered 400: error parsing query: found SELEC',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByLabelText('Query', { selector: 'input' }),
    ).toHaveAttribute('aria-invalid', 'true');
    expect(within(panel).queryByRole('status')).not.toBeInTheDocument();
  });

  it('puts a refused source on the source field, and needs a query to test', async () => {
    setup(() =>
      HttpResponse.json(
        {
          error: {
            name: 'InputError',
            message:
              'Invalid request body: source: unknown metric source "influx" (configured: prometheus)',
          },
          response: { statusCode: 400 },
        },
        { status: 400 },
      ),
    );
    const panel = await editor();
    fireEvent.click(within(panel).getByRole('button', { name: 'Test query' }));
    expect(
      await screen.findByText(/source: unknown metric source "influx"/),
    ).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText('Query', { selector: 'input' }), {
      target: { value: '' },
    });
    expect(
      await within(panel).findByText('Write a query to test it.'),
    ).toBeInTheDocument();
    expect(
      within(panel).getByRole('button', { name: 'Test query' }),
    ).toBeDisabled();
  });
});
