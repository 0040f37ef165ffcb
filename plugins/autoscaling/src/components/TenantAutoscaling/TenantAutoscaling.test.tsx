import { screen, waitFor, within } from '@testing-library/react';
import { EntityTenantAutoscalingCard } from './EntityTenantAutoscalingCard';
import { EntityTenantAutoscalingContent } from './EntityTenantAutoscalingContent';
import {
  acmeEntity,
  failing,
  pending,
  renderWithApi,
  route,
  setupMswServer,
} from '../../__testUtils__/render';
import {
  allowAll,
  clampedState,
  denyAll,
  effectivePolicy,
  tenantSummary,
  changeRequest,
} from '../../__testUtils__/fixtures';

jest.setTimeout(30_000);
// The services table reads each entity's last decision for its clamp.
const server = setupMswServer(
  route('get', '/change-requests', []),
  route('get', '/entities/:namespace/:kind/:name/state', {
    entityRef: '',
    workloads: [],
  }),
);
const SUMMARY = '/tenants/acme/summary';

function policyRoutes(permissions = allowAll) {
  return [
    route('get', '/policies/tenant/acme', {
      target: { level: 'tenant', name: 'acme' },
      version: 1,
      override: { maxReplicas: 40 },
      updatedBy: null,
      updatedAt: null,
    }),
    route('get', '/policies/effective', {
      ...effectivePolicy,
      entityRef: 'group:default/acme',
    }),
    route('get', '/permissions', permissions),
  ];
}

describe('tenant autoscaling', () => {
  it('card: loading, error and totals vs quota and budget', async () => {
    server.use(pending('get', SUMMARY));
    const first = await renderWithApi(<EntityTenantAutoscalingCard />, {
      entity: acmeEntity,
    });
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
    first.unmount();

    server.use(failing('get', SUMMARY, 500, 'summary failed'));
    const second = await renderWithApi(<EntityTenantAutoscalingCard />, {
      entity: acmeEntity,
    });
    expect(
      (await screen.findAllByText(/summary failed/)).length,
    ).toBeGreaterThan(0);
    second.unmount();

    server.use(route('get', SUMMARY, tenantSummary));
    await renderWithApi(<EntityTenantAutoscalingCard />, {
      entity: acmeEntity,
    });
    expect(await screen.findByTestId('tenant-replicas')).toHaveTextContent(
      '27 of quota 60',
    );
    expect(screen.getByTestId('tenant-budget')).toHaveTextContent(
      '$7,650 of budget $9,000',
    );
    expect(screen.getByTestId('budget-status')).toHaveTextContent(
      'Budget warning',
    );
    expect(screen.getByTestId('tenant-mtd')).toHaveTextContent('$5,200');
  });

  it('card and tab: a 403 on cost and budget says the user may not see them, with the reason, and offers no Retry', async () => {
    const reason =
      "You are not allowed to read the cost and budget of tenant 'acme' (autoscaling.cost.read): they are shown to the tenant's members, the service's owners and the platform team";
    server.use(failing('get', SUMMARY, 403, reason), ...policyRoutes(denyAll));
    const card = await renderWithApi(<EntityTenantAutoscalingCard />, {
      entity: acmeEntity,
    });
    const notice = await screen.findByTestId('cost-not-allowed');
    expect(notice).toHaveTextContent(
      "You are not allowed to see acme's cost and budget",
    );
    expect(notice).toHaveTextContent(/shown to the tenant's members/);
    expect(
      within(notice).queryByRole('button', { name: /retry/i }),
    ).not.toBeInTheDocument();
    card.unmount();

    await renderWithApi(<EntityTenantAutoscalingContent />, {
      entity: acmeEntity,
    });
    expect(await screen.findByTestId('cost-not-allowed')).toHaveTextContent(
      /shown to the tenant's members/,
    );
    expect(screen.queryByTestId('query-error')).not.toBeInTheDocument();
  });

  it('tab: empty state when the tenant has no workloads', async () => {
    server.use(
      route('get', SUMMARY, {
        ...tenantSummary,
        workloads: [],
        totalReplicas: 0,
      }),
      ...policyRoutes(),
    );
    await renderWithApi(<EntityTenantAutoscalingContent />, {
      entity: acmeEntity,
    });
    expect(
      await screen.findByText('No workloads for this tenant yet'),
    ).toBeInTheDocument();
  });

  it('tab: every service with replicas, utilisation, mode and cost, the cost card and the tenant policy', async () => {
    server.use(route('get', SUMMARY, tenantSummary), ...policyRoutes());
    await renderWithApi(<EntityTenantAutoscalingContent />, {
      entity: acmeEntity,
    });
    const table = await screen.findByRole('table', { name: 'Services' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(rows[1]).toHaveTextContent('checkout-api');
    expect(rows[1]).toHaveTextContent('4 → 6 (2–20)');
    expect(rows[1]).toHaveTextContent('91%');
    expect(rows[1]).toHaveTextContent('Automatic');
    expect(rows[1]).toHaveTextContent('$1.25');
    expect(rows[2]).toHaveTextContent('storefront');
    const cost = screen.getByTestId('cost-card');
    expect(within(cost).getByTestId('cost-projected')).toHaveTextContent(
      '$7,650',
    );
    expect(within(cost).getByTestId('cost-savings')).toHaveTextContent(
      '$300/month',
    );
    expect(
      screen.getByRole('button', { name: 'Export CSV' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('Tenant default policy'),
    ).toBeInTheDocument();
    expect(await screen.findByLabelText('Max replicas')).toHaveValue(40);
  });

  it('tab: a clamped service says so, and by what, in the services table', async () => {
    server.use(
      route('get', SUMMARY, tenantSummary),
      route('get', '/entities/default/component/checkout-api/state', {
        entityRef: 'component:default/checkout-api',
        workloads: [clampedState],
      }),
      route('get', '/entities/default/component/storefront/state', {
        entityRef: 'component:default/storefront',
        workloads: [
          {
            ...tenantSummary.workloads[1],
            ...clampedState,
            id: 'w2',
            lastDecision: null,
          },
        ],
      }),
      ...policyRoutes(),
    );
    await renderWithApi(<EntityTenantAutoscalingContent />, {
      entity: acmeEntity,
    });
    const table = await screen.findByRole('table', { name: 'Services' });
    const rows = within(table).getAllByRole('row');
    await waitFor(() => expect(rows[1]).toHaveTextContent('Clamped: at max'));
    expect(within(rows[1]).getByTestId('workload-clamp-chip')).toHaveAttribute(
      'title',
      'Clamped at the maximum of 12 replicas; the engine asked for 28.',
    );
    expect(rows[2]).not.toHaveTextContent('Clamped');
  });

  it('tab: the services table reads the clamp the engine recorded, not only the sentences', async () => {
    // Reasons that say nothing of a clamp: only the recorded clamp tells the budget held it.
    const recorded = {
      ...clampedState,
      lastDecision: {
        ...clampedState.lastDecision!,
        from: 3,
        to: 3,
        reasons: [
          {
            code: 'WithinTolerance',
            message: 'metrics ask for the current 3 replicas',
          },
        ],
        clamp: {
          by: 'budget' as const,
          limit: 3,
          wanted: 7,
          also: ['max' as const],
        },
      },
    };
    server.use(
      route('get', SUMMARY, tenantSummary),
      route('get', '/entities/default/component/checkout-api/state', {
        entityRef: 'component:default/checkout-api',
        workloads: [recorded],
      }),
      route('get', '/entities/default/component/storefront/state', {
        entityRef: 'component:default/storefront',
        workloads: [
          { ...tenantSummary.workloads[1], id: 'w2', lastDecision: null },
        ],
      }),
      ...policyRoutes(),
    );
    await renderWithApi(<EntityTenantAutoscalingContent />, {
      entity: acmeEntity,
    });
    const table = await screen.findByRole('table', { name: 'Services' });
    const rows = within(table).getAllByRole('row');
    await waitFor(() => expect(rows[1]).toHaveTextContent('Clamped: budget'));
    expect(within(rows[1]).getByTestId('workload-clamp-chip')).toHaveAttribute(
      'title',
      'Clamped by the budget emergency at 3 replicas (also maximum replicas); the engine asked for 7.',
    );
  });

  it('tab: services read "Paused (kill switch)" while the kill switch is on', async () => {
    server.use(
      route('get', SUMMARY, tenantSummary),
      route('get', '/engine/status', {
        killSwitch: {
          enabled: true,
          changedBy: 'user:default/pat',
          changedAt: '2026-01-01T11:50:00Z',
          reason: 'incident',
        },
        clusters: [],
      }),
      ...policyRoutes(),
    );
    await renderWithApi(<EntityTenantAutoscalingContent />, {
      entity: acmeEntity,
    });
    const table = await screen.findByRole('table', { name: 'Services' });
    await waitFor(() =>
      expect(within(table).getAllByRole('row')[1]).toHaveTextContent(
        'Paused (kill switch)',
      ),
    );
    expect(table).not.toHaveTextContent('Automatic');
  });

  it('tab: the tenant policy is read-only for users of other tenants', async () => {
    server.use(route('get', SUMMARY, tenantSummary), ...policyRoutes(denyAll));
    await renderWithApi(<EntityTenantAutoscalingContent />, {
      entity: acmeEntity,
      user: 'user:default/gina',
    });
    expect(await screen.findByTestId('policy-read-only')).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.getByLabelText('Max replicas')).toBeDisabled(),
    );
  });

  it('tab: pending change requests on the tenant policy and its services, with a link to the approvals tab', async () => {
    server.use(
      route('get', SUMMARY, tenantSummary),
      ...policyRoutes(),
      route('get', '/change-requests', [
        {
          ...changeRequest,
          id: 'cr-tenant',
          entityRef: 'group:default/acme',
          target: { level: 'tenant', name: 'acme' },
        },
        // checkout-api is one of acme's services.
        changeRequest,
        {
          ...changeRequest,
          id: 'cr-other',
          entityRef: 'component:default/elsewhere',
          target: { level: 'service', name: 'component:default/elsewhere' },
        },
      ]),
    );
    await renderWithApi(<EntityTenantAutoscalingContent />, {
      entity: acmeEntity,
    });
    const notice = await screen.findByTestId('pending-changes');
    expect(notice).toHaveTextContent(
      /^2 policy changes to acme and its services wait for approval/,
    );
    expect(
      within(notice).getByRole('link', { name: 'Open the approvals' }),
    ).toHaveAttribute('href', '/autoscaling?view=approvals');
  });

  it('card: the overview card shows the pending change requests too', async () => {
    server.use(
      route('get', SUMMARY, tenantSummary),
      route('get', '/change-requests', [
        {
          ...changeRequest,
          id: 'cr-tenant',
          entityRef: 'group:default/acme',
          target: { level: 'tenant', name: 'acme' },
        },
      ]),
    );
    await renderWithApi(<EntityTenantAutoscalingCard />, {
      entity: acmeEntity,
    });
    const card = await screen.findByTestId('tenant-autoscaling-card');
    const notice = await within(card).findByTestId('pending-changes');
    expect(notice).toHaveTextContent(
      /^1 policy change to acme and its services waits for approval/,
    );
    expect(
      within(notice).getByRole('link', { name: 'Open the approvals' }),
    ).toHaveAttribute('href', '/autoscaling?view=approvals');
  });
});
