import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { EntityAutoscalingContent } from './EntityAutoscalingContent';
import {
  BASE_URL,
  checkoutEntity,
  failing,
  pending,
  renderWithApi,
  route,
  setupMswServer,
} from '../../__testUtils__/render';
import {
  allowAll,
  changeRequest,
  clampedDecision,
  clampedState,
  cost,
  denyAll,
  engineStatus,
  entityState,
  forecast,
  history,
  recommendations,
} from '../../__testUtils__/fixtures';

const server = setupMswServer(route('get', '/change-requests', []));
const STATE = '/entities/default/component/checkout-api/state';

function dataHandlers() {
  return [
    route('get', STATE, entityState),
    route('get', '/workloads/:id/history', history),
    route('get', '/workloads/:id/forecast', forecast),
    route('get', '/workloads/:id/recommendations', recommendations),
    route('get', '/workloads/:id/cost', cost),
    route('get', '/engine/status', engineStatus),
  ];
}

describe('EntityAutoscalingContent', () => {
  it('shows a progress bar while loading', async () => {
    server.use(pending('get', STATE), route('get', '/permissions', allowAll));
    await renderWithApi(<EntityAutoscalingContent />, {
      entity: checkoutEntity,
    });
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
  });

  it('shows the empty state when the engine has not evaluated the service', async () => {
    server.use(
      route('get', STATE, { entityRef: 'x', workloads: [] }),
      route('get', '/permissions', allowAll),
    );
    await renderWithApi(<EntityAutoscalingContent />, {
      entity: checkoutEntity,
    });
    expect(await screen.findByText('No scaling data yet')).toBeInTheDocument();
  });

  it('shows the error of a failed request', async () => {
    server.use(
      failing('get', STATE, 500, 'engine exploded'),
      route('get', '/permissions', allowAll),
    );
    await renderWithApi(<EntityAutoscalingContent />, {
      entity: checkoutEntity,
    });
    const error = await screen.findByTestId('query-error');
    expect(error).toHaveTextContent(
      'The autoscaling backend failed (500)Cause: engine exploded',
    );
    expect(error).not.toHaveTextContent(/Request failed/);
  });

  it('retries a failed request, and never shows the backend URL of a network failure', async () => {
    let calls = 0;
    server.use(
      http.get(`${BASE_URL}${STATE}`, () => {
        calls += 1;
        // The query client retries once by itself; both attempts fail.
        return calls <= 2
          ? HttpResponse.error()
          : HttpResponse.json(entityState);
      }),
      ...dataHandlers(),
      route('get', '/permissions', allowAll),
    );
    await renderWithApi(<EntityAutoscalingContent />, {
      entity: checkoutEntity,
    });
    // After the client's own retry (about a second later).
    const error = await screen.findByTestId(
      'query-error',
      {},
      { timeout: 5000 },
    );
    expect(error).toHaveTextContent(
      'The autoscaling backend cannot be reached',
    );
    expect(error).not.toHaveTextContent(/localhost|http/);
    fireEvent.click(within(error).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByTestId('scaling-header')).toBeInTheDocument();
    expect(calls).toBe(3);
  }, 20_000);

  it('shows state, decisions, forecast, recommendations and the numbers of the cost API', async () => {
    server.use(...dataHandlers(), route('get', '/permissions', allowAll));
    await renderWithApi(<EntityAutoscalingContent />, {
      entity: checkoutEntity,
    });

    const header = await screen.findByTestId('scaling-header');
    expect(within(header).getByText('Mode: Automatic')).toBeInTheDocument();
    expect(header).toHaveTextContent(
      'Deployment in prod-eu/shop · production · enterprise tier',
    );
    expect(screen.getByTestId('cpu-utilization')).toHaveTextContent(
      '91%CPU of requests',
    );
    expect(
      within(screen.getByTestId('replicas-current')).getByText('4'),
    ).toBeInTheDocument();
    expect(
      within(screen.getByTestId('replicas-desired')).getByText('6'),
    ).toBeInTheDocument();
    expect(
      within(screen.getByTestId('replicas-max')).getByText('20'),
    ).toBeInTheDocument();
    expect(within(header).getByText('AbleToScale: True')).toBeInTheDocument();

    expect(
      await screen.findByText('Scaled up from 3 to 4 replicas (applied).'),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText('CPU at 91% of requests is above the 70% target.')
        .length,
    ).toBeGreaterThan(0);
    expect(
      await screen.findByText('A daily pattern explains 87% of the variance.'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('figure', { name: 'Demand forecast' }),
    ).toHaveTextContent('Predictive floor 5 replicas');
    // The history's demand is CPU used by the pods, in cores: labelled so, not as replicas.
    const timeline = screen.getByRole('figure', { name: 'Replica timeline' });
    expect(timeline).toHaveTextContent(
      'Demand (CPU used by all pods, right axis in cores) now 3.6 cores.',
    );
    expect(timeline).not.toHaveTextContent(/replicas needed/);
    expect(
      await screen.findByRole('table', { name: 'Vertical recommendations' }),
    ).toHaveTextContent('500m');

    const costCard = await screen.findByTestId('cost-card');
    await waitFor(() =>
      expect(within(costCard).getByTestId('cost-hourly')).toHaveTextContent(
        '$1.25/h',
      ),
    );
    expect(within(costCard).getByTestId('cost-mtd')).toHaveTextContent('$312');
    expect(within(costCard).getByTestId('cost-projected')).toHaveTextContent(
      '$905',
    );
    expect(within(costCard).getByTestId('cost-projected')).toHaveTextContent(
      'between $820 and $990',
    );
    expect(within(costCard).getByTestId('cost-savings')).toHaveTextContent(
      '$163/month',
    );
    expect(
      within(costCard).getByText(/Suitable, saves \$120/),
    ).toBeInTheDocument();
  });

  it('calls a Compose service one, and its CPU figure a share of the limit, not of requests', async () => {
    server.use(
      route('get', STATE, {
        ...entityState,
        workloads: [
          {
            ...entityState.workloads[0],
            id: 'compose-demo/demo/ComposeService/render',
            ref: {
              cluster: 'compose-demo',
              namespace: 'demo',
              kind: 'ComposeService',
              name: 'render',
            },
            environment: 'development',
            tier: 'basic',
            cpuUtilization: 104,
          },
        ],
      }),
      ...dataHandlers(),
      route('get', '/permissions', allowAll),
    );
    await renderWithApi(<EntityAutoscalingContent />, {
      entity: checkoutEntity,
    });

    const header = await screen.findByTestId('scaling-header');
    expect(header).toHaveTextContent(
      'Compose service in compose-demo/demo · development · basic tier',
    );
    expect(header).not.toHaveTextContent('Deployment');
    expect(screen.getByTestId('cpu-utilization')).toHaveTextContent(
      '104%CPU of limit',
    );
    expect(header).not.toHaveTextContent('CPU of requests');
  });

  it('says a clamped service is clamped, and by what, and offers no savings', async () => {
    // msw answers with the first matching handler: the clamped ones go first.
    server.use(
      route('get', STATE, { ...entityState, workloads: [clampedState] }),
      route('get', '/workloads/:id/history', {
        ...history,
        decisions: [clampedDecision],
      }),
      ...dataHandlers(),
      route('get', '/permissions', allowAll),
    );
    await renderWithApi(<EntityAutoscalingContent />, {
      entity: checkoutEntity,
    });

    expect(await screen.findByTestId('clamp-banner')).toHaveTextContent(
      'Clamped at the maximum of 12 replicas; the engine asked for 28.',
    );
    expect(
      await screen.findByText(
        'Kept 12 replicas: clamped by the maximum replicas; the engine asked for 28.',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/no change needed/)).not.toBeInTheDocument();
    expect(screen.getByTestId('decision-clamp-chip')).toHaveTextContent(
      'Clamped: at max',
    );
    expect(screen.getByTestId('metric-cpu')).toHaveTextContent(
      'Above target, but the engine cannot add replicas: it is clamped at its maximum of 12 replicas.',
    );
    expect(screen.getByTestId('metric-cpu')).not.toHaveTextContent(
      'the engine adds replicas',
    );

    const costCard = await screen.findByTestId('cost-card');
    await waitFor(() =>
      expect(within(costCard).getByTestId('cost-savings')).toHaveTextContent(
        /None.*under-provisioned/,
      ),
    );
    expect(within(costCard).queryByText(/\/month —/)).not.toBeInTheDocument();
    expect(within(costCard).queryByText(/saves/)).not.toBeInTheDocument();
  });

  it('shows the kill switch where owners look: banner, paused mode, Scale disabled with the reason', async () => {
    server.use(
      route('get', '/engine/status', {
        ...engineStatus,
        killSwitch: {
          enabled: true,
          changedBy: 'user:default/pat',
          changedAt: '2026-01-01T11:50:00Z',
          reason: 'incident 42: runaway scale-up',
        },
      }),
      ...dataHandlers(),
      route('get', '/permissions', allowAll),
    );
    await renderWithApi(<EntityAutoscalingContent />, {
      entity: checkoutEntity,
    });
    const banner = await screen.findByTestId('kill-switch-banner');
    expect(banner).toHaveTextContent(
      'The global kill switch is on since 2026-01-01 11:50 UTC (turned on by user:default/pat): the engine changes no replicas and manual scaling is refused. Reason: incident 42: runaway scale-up',
    );
    expect(screen.getByTestId('mode-chip')).toHaveTextContent(
      'Mode: Paused by the kill switch',
    );
    expect(screen.queryByText('Mode: Automatic')).not.toBeInTheDocument();
    // CPU is above target (91% of 70%), but nothing will add replicas.
    expect(screen.getByTestId('metric-cpu')).toHaveTextContent(
      'Above target, but the engine cannot add replicas: the global kill switch is on, so the engine changes nothing.',
    );
    const button = screen.getByRole('button', { name: 'Scale or roll back' });
    expect(button).toBeDisabled();
    expect(button).toHaveAttribute(
      'aria-description',
      expect.stringMatching(/kill switch is on/),
    );
  });

  it('says when another autoscaler is in charge: banner naming the HPA and a held mode', async () => {
    server.use(
      route('get', STATE, {
        ...entityState,
        workloads: [
          {
            ...entityState.workloads[0],
            otherAutoscaler: {
              kind: 'HorizontalPodAutoscaler',
              namespace: 'acme-production',
              name: 'checkout-api-hpa',
              minReplicas: 2,
              maxReplicas: 9,
            },
          },
        ],
      }),
      ...dataHandlers(),
      route('get', '/permissions', allowAll),
    );
    await renderWithApi(<EntityAutoscalingContent />, {
      entity: checkoutEntity,
    });
    const banner = await screen.findByTestId('other-autoscaler-banner');
    expect(banner).toHaveTextContent(
      'HorizontalPodAutoscaler acme-production/checkout-api-hpa (2–9 replicas) also scales this workload, so the engine decides and records but writes nothing',
    );
    expect(screen.getByTestId('mode-chip')).toHaveTextContent(
      'Mode: Held (HorizontalPodAutoscaler in charge)',
    );
  });

  it("imports the HPA's settings into the service's policy through the policy route, keeping its own keys", async () => {
    let saved: any;
    const hpaRef = {
      kind: 'HorizontalPodAutoscaler' as const,
      namespace: 'acme-production',
      name: 'checkout-api-hpa',
      minReplicas: 2,
      maxReplicas: 9,
    };
    server.use(
      route('get', STATE, {
        ...entityState,
        workloads: [{ ...entityState.workloads[0], otherAutoscaler: hpaRef }],
      }),
      route('get', '/workloads/:id/other-autoscaler', {
        autoscaler: hpaRef,
        override: {
          minReplicas: 2,
          maxReplicas: 9,
          metrics: [
            {
              type: 'Resource',
              resource: 'cpu',
              target: { type: 'Utilization', averageUtilization: 60 },
            },
          ],
        },
        notes: [
          'metrics[1]: External metric queue_depth is not imported: the portal reads it through a metric source; add it in the policy form with its query',
        ],
        deleteCommand: 'kubectl delete hpa -n acme-production checkout-api-hpa',
      }),
      route('get', '/policies/service/:name', {
        target: { level: 'service', name: 'component:default/checkout-api' },
        version: 4,
        override: { mode: 'dry-run', maxReplicas: 20 },
        updatedBy: 'user:default/alice',
        updatedAt: '2026-01-01T00:00:00Z',
      }),
      http.put(`${BASE_URL}/policies/service/:name`, async ({ request }) => {
        saved = await request.json();
        return HttpResponse.json({
          status: 'applied',
          document: {
            target: {
              level: 'service',
              name: 'component:default/checkout-api',
            },
            version: 5,
            override: saved.override,
            updatedBy: 'user:default/alice',
            updatedAt: '2026-01-01T12:00:00Z',
          },
        });
      }),
      ...dataHandlers(),
      route('get', '/permissions', allowAll),
    );
    await renderWithApi(<EntityAutoscalingContent />, {
      entity: checkoutEntity,
    });
    const user = userEvent.setup();
    const button = await screen.findByRole('button', {
      name: 'Import its settings',
    });
    await waitFor(() => expect(button).toBeEnabled());
    await user.click(button);
    const dialog = await screen.findByRole('dialog');
    expect(await within(dialog).findByTestId('import-lines')).toHaveTextContent(
      /Max replicas: 9.*CPU at 60% utilisation/,
    );
    expect(within(dialog).getByTestId('import-notes')).toHaveTextContent(
      'External metric queue_depth is not imported',
    );
    await user.click(
      within(dialog).getByRole('button', { name: 'Import into the policy' }),
    );
    expect(
      await within(dialog).findByTestId('import-outcome'),
    ).toHaveTextContent(
      "Imported: this service's policy is now version 5. Delete the HorizontalPodAutoscaler so the engine can take over at its next evaluation: kubectl delete hpa -n acme-production checkout-api-hpa",
    );
    expect(saved).toEqual({
      override: {
        mode: 'dry-run',
        minReplicas: 2,
        maxReplicas: 9,
        metrics: [
          {
            type: 'Resource',
            resource: 'cpu',
            target: { type: 'Utilization', averageUtilization: 60 },
          },
        ],
      },
      version: 4,
      reason:
        'Imported from HorizontalPodAutoscaler acme-production/checkout-api-hpa',
    });
  });

  it('shows empty states of the cards when there is no history, forecast or cost yet', async () => {
    server.use(
      route('get', STATE, entityState),
      route('get', '/workloads/:id/history', {
        workloadId: 'w',
        points: [],
        decisions: [],
      }),
      route('get', '/workloads/:id/forecast', {
        ...forecast,
        points: [],
        reasons: [],
        model: null,
      }),
      route('get', '/workloads/:id/recommendations', {
        workloadId: 'w',
        horizontal: null,
        vertical: [],
        currency: 'USD',
        mode: 'Off',
        actions: [],
        waiting: [],
      }),
      failing('get', '/workloads/:id/cost', 503, 'price catalog unavailable'),
      route('get', '/permissions', allowAll),
    );
    await renderWithApi(<EntityAutoscalingContent />, {
      entity: checkoutEntity,
    });
    expect(await screen.findByText('No history yet')).toBeInTheDocument();
    expect(await screen.findByText('No decisions yet')).toBeInTheDocument();
    expect(await screen.findByText('No forecast yet')).toBeInTheDocument();
    expect(
      await screen.findByText('No recommendations yet'),
    ).toBeInTheDocument();
    expect(
      (await screen.findAllByText(/price catalog unavailable/)).length,
    ).toBeGreaterThan(0);
  });

  it('scales manually with a reason', async () => {
    let body: unknown;
    server.use(
      ...dataHandlers(),
      route('get', '/permissions', allowAll),
      http.post(`${BASE_URL}/workloads/:id/scale`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({
          ...history.decisions[0],
          id: 'm1',
          from: 4,
          to: 8,
          actor: 'user:default/bob',
        });
      }),
    );
    await renderWithApi(<EntityAutoscalingContent />, {
      entity: checkoutEntity,
    });
    const user = userEvent.setup();
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: 'Scale or roll back' }),
      ).toBeEnabled(),
    );
    await user.click(
      screen.getByRole('button', { name: 'Scale or roll back' }),
    );
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('Replicas'), {
      target: { value: '8' },
    });
    await user.click(within(dialog).getByRole('button', { name: 'Scale' }));
    expect(within(dialog).getByText(/Say why/)).toBeInTheDocument();
    fireEvent.change(within(dialog).getByLabelText('Reason'), {
      target: { value: 'load test' },
    });
    await user.click(within(dialog).getByRole('button', { name: 'Scale' }));
    expect(
      await within(dialog).findByText(
        /Scaled up from 4 to 8 replicas by user:default\/bob/,
      ),
    ).toBeInTheDocument();
    expect(body).toEqual({ replicas: 8, reason: 'load test' });
  }, 20_000);

  it('disables manual scaling with the reason when not permitted', async () => {
    server.use(...dataHandlers(), route('get', '/permissions', denyAll));
    await renderWithApi(<EntityAutoscalingContent />, {
      entity: checkoutEntity,
      user: 'user:default/gina',
    });
    await waitFor(() =>
      expect(
        screen
          .getByRole('button', { name: 'Scale or roll back' })
          .closest('[data-disabled-reason]'),
      ).toHaveAttribute(
        'data-disabled-reason',
        expect.stringMatching(/cannot scale this service/),
      ),
    );
    expect(
      screen.getByRole('button', { name: 'Scale or roll back' }),
    ).toBeDisabled();
  });

  it('shows pending change requests on this service, with a link to the approvals tab', async () => {
    const requested: string[] = [];
    server.use(
      ...dataHandlers(),
      route('get', '/permissions', allowAll),
      http.get(`${BASE_URL}/change-requests`, ({ request }) => {
        requested.push(new URL(request.url).search);
        return HttpResponse.json([
          changeRequest,
          {
            ...changeRequest,
            id: 'cr-2',
            requestedBy: 'user:default/bob',
            requestedAt: '2026-01-02T09:00:00Z',
          },
          {
            ...changeRequest,
            id: 'cr-3',
            entityRef: 'component:default/storefront',
            target: { level: 'service', name: 'component:default/storefront' },
          },
        ]);
      }),
    );
    await renderWithApi(<EntityAutoscalingContent />, {
      entity: checkoutEntity,
    });
    const notice = await screen.findByTestId('pending-changes');
    expect(notice).toHaveTextContent(
      '2 policy changes to checkout-api wait for approval (requested by user:default/alice, user:default/bob, the oldest on 2026-01-01 11:00 UTC)',
    );
    expect(
      within(notice).getByRole('link', { name: 'Open the approvals' }),
    ).toHaveAttribute('href', '/autoscaling?view=approvals');
    expect(requested).toContain('?status=pending');
  });

  it('shows no pending-changes notice when nothing waits for this service', async () => {
    server.use(...dataHandlers(), route('get', '/permissions', allowAll));
    await renderWithApi(<EntityAutoscalingContent />, {
      entity: checkoutEntity,
    });
    await screen.findByTestId('scaling-header');
    expect(screen.queryByTestId('pending-changes')).toBeNull();
  });
});
