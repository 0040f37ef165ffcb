import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import type { AuditEvent } from '@internal/plugin-autoscaling-common';
import { AutoscalingPage } from './AutoscalingPage';
import {
  BASE_URL,
  failing,
  pending,
  renderWithApi,
  route,
  setupMswServer,
} from '../../__testUtils__/render';
import {
  allowAll,
  auditEvents,
  changeRequest,
  clampedDecision,
  clampedState,
  clusterCosts,
  denyAll,
  engineStatus,
  tenantSummary,
} from '../../__testUtils__/fixtures';

jest.setTimeout(30_000);
const server = setupMswServer(
  route('get', '/cost/clusters', clusterCosts),
  // The workloads table reads each entity's last decision for its clamp.
  route('get', '/entities/:namespace/:kind/:name/state', {
    entityRef: '',
    workloads: [],
  }),
);

function tab(name: string) {
  // The Approvals tab carries a count: "Approvals (2)".
  fireEvent.click(screen.getByRole('tab', { name: new RegExp(`^${name}`) }));
}

describe('AutoscalingPage', () => {
  it('fleet: loading, then error', async () => {
    server.use(
      pending('get', '/engine/status'),
      pending('get', '/workloads'),
      route('get', '/permissions', allowAll),
    );
    const first = await renderWithApi(<AutoscalingPage />);
    expect((await screen.findAllByRole('progressbar')).length).toBeGreaterThan(
      0,
    );
    first.unmount();
    server.use(
      failing('get', '/engine/status', 500, 'status failed'),
      failing('get', '/workloads', 500, 'workloads failed'),
    );
    await renderWithApi(<AutoscalingPage />);
    expect(
      (await screen.findAllByText(/status failed/)).length,
    ).toBeGreaterThan(0);
  });

  it('fleet: empty and data states by cluster and tenant', async () => {
    server.use(
      route('get', '/engine/status', { ...engineStatus, clusters: [] }),
      route('get', '/workloads', []),
      route('get', '/permissions', allowAll),
    );
    const first = await renderWithApi(<AutoscalingPage />);
    expect(
      await screen.findByText('No clusters configured'),
    ).toBeInTheDocument();
    first.unmount();
    server.use(
      route('get', '/engine/status', engineStatus),
      route('get', '/workloads', tenantSummary.workloads),
    );
    await renderWithApi(<AutoscalingPage />);
    const clusters = await screen.findByRole('table', { name: 'Clusters' });
    expect(clusters).toHaveTextContent('prod-eu');
    expect(clusters).toHaveTextContent('unreachable (4 failures)');
    // Cost per cluster: allocated and idle (with its share) where the capacity is known.
    const prodEu = within(clusters).getByRole('row', { name: /prod-eu/ });
    await waitFor(() => expect(prodEu).toHaveTextContent('$3.20'));
    expect(prodEu).toHaveTextContent('$0.80 (20%)');
    const staging = within(clusters).getByRole('row', { name: /staging/ });
    expect(staging).toHaveTextContent('$0.45');
    const tenants = await screen.findByRole('table', { name: 'Tenants' });
    expect(within(tenants).getAllByRole('row')[1]).toHaveTextContent('acme2');
    expect(within(tenants).getAllByRole('row')[1]).toHaveTextContent('$10.50');
  });

  it('fleet: a Docker Compose host is listed beside the clusters with its kind', async () => {
    server.use(
      route('get', '/engine/status', {
        ...engineStatus,
        clusters: [
          ...engineStatus.clusters,
          {
            name: 'compose-eu-1',
            url: '/var/run/docker.sock',
            kind: 'docker-compose',
            circuit: 'closed',
            consecutiveFailures: 0,
            workloads: 2,
            lastTickAt: null,
            lastError: null,
          },
        ],
      }),
      route('get', '/workloads', []),
      route('get', '/permissions', allowAll),
    );
    await renderWithApi(<AutoscalingPage />);
    const clusters = await screen.findByRole('table', { name: 'Clusters' });
    const host = within(clusters).getByRole('row', { name: /compose-eu-1/ });
    expect(host).toHaveTextContent('Docker Compose host');
    expect(host).toHaveTextContent('healthy');
    // Kubernetes clusters carry no kind label.
    const prodEu = within(clusters).getByRole('row', { name: /prod-eu/ });
    expect(prodEu).not.toHaveTextContent('Docker Compose host');
  });

  it('fleet: a workload held by the tenant quota says so in the workloads table', async () => {
    const quotaDecision = {
      ...clampedDecision!,
      kind: 'scale' as const,
      from: 4,
      to: 10,
      outcome: 'applied' as const,
      reasons: [
        {
          code: 'MetricsProposal',
          message: 'cpu asks for 14 replicas (now 4)',
        },
        {
          code: 'LimitApplied',
          message:
            'granted 10 of 14 replicas: tenant acme is at its quota of 60 replicas',
        },
        {
          code: 'TenantQuotaLimited',
          message:
            'granted 10 of 14 replicas: tenant acme is at its quota of 60 replicas',
        },
      ],
    };
    server.use(
      route('get', '/engine/status', engineStatus),
      route('get', '/workloads', tenantSummary.workloads),
      route('get', '/permissions', allowAll),
      route('get', '/entities/default/component/checkout-api/state', {
        entityRef: 'component:default/checkout-api',
        workloads: [{ ...clampedState, lastDecision: quotaDecision }],
      }),
      route('get', '/entities/default/component/storefront/state', {
        entityRef: 'component:default/storefront',
        workloads: [],
      }),
    );
    await renderWithApi(<AutoscalingPage />);
    const table = await screen.findByRole('table', { name: 'Services' });
    const row = within(table).getByRole('row', { name: /checkout-api/ });
    await waitFor(() => expect(row).toHaveTextContent('Clamped: tenant quota'));
    expect(within(row).getByTestId('workload-clamp-chip')).toHaveAttribute(
      'title',
      'Clamped by the tenant quota at 10 replicas; the engine asked for 14.',
    );
  });

  it('approvals: empty queue', async () => {
    server.use(
      route('get', '/engine/status', engineStatus),
      route('get', '/workloads', []),
      route('get', '/change-requests', []),
      route('get', '/permissions', allowAll),
    );
    await renderWithApi(<AutoscalingPage />, { user: 'user:default/pat' });
    tab('Approvals');
    expect(
      await screen.findByText('No changes waiting for approval'),
    ).toBeInTheDocument();
  });

  it('approvals: a platform engineer approves with a comment after seeing diff and backtest', async () => {
    let approved: unknown;
    server.use(
      route('get', '/engine/status', engineStatus),
      route('get', '/workloads', []),
      route('get', '/change-requests', [changeRequest]),
      route('get', '/permissions', allowAll),
      http.post(
        `${BASE_URL}/change-requests/:id/approve`,
        async ({ request, params }) => {
          approved = { id: params.id, ...((await request.json()) as object) };
          return HttpResponse.json({ ...changeRequest, status: 'applied' });
        },
      ),
    );
    await renderWithApi(<AutoscalingPage />, { user: 'user:default/pat' });
    tab('Approvals');
    const card = await screen.findByTestId('change-request-cr-1');
    expect(
      within(card).getByRole('table', { name: 'Policy changes' }),
    ).toHaveTextContent('Max replicasRaised from 20 to 80.');
    expect(within(card).getByTestId('guardrail-notice')).toHaveTextContent(
      'above the tenant quota',
    );
    expect(within(card).getByTestId('backtest')).toHaveTextContent(
      '30 min overloaded',
    );
    fireEvent.change(within(card).getByLabelText('Comment'), {
      target: { value: 'ok for Black Friday' },
    });
    await waitFor(() =>
      expect(
        within(card).getByRole('button', { name: 'Approve' }),
      ).toBeEnabled(),
    );
    fireEvent.click(within(card).getByRole('button', { name: 'Approve' }));
    await waitFor(() =>
      expect(approved).toEqual({ id: 'cr-1', comment: 'ok for Black Friday' }),
    );
    expect(
      await screen.findByTestId('change-request-outcome'),
    ).toHaveTextContent(
      `Approved: the change to the service policy component:default/checkout-api requested by user:default/alice is applied; they are notified.`,
    );
  });

  it('approvals: a stale request is marked before anyone clicks; a refused approval and a rejection each show their outcome; superseded requests can be listed', async () => {
    const stale = { ...changeRequest, id: 'cr-stale', baseVersion: 7 };
    const other = {
      ...changeRequest,
      id: 'cr-2',
      target: { level: 'tenant' as const, name: 'acme' },
      entityRef: 'group:default/acme',
      baseVersion: 2,
      requestedAt: '2026-01-01T10:00:00Z',
    };
    let requests = [stale, other];
    const superseded = {
      ...stale,
      status: 'superseded' as const,
      decidedBy: 'system:autoscaling/policy-version-check',
      decidedAt: '2026-01-01T12:00:00Z',
      comment:
        'Superseded by the policy version check: the request was made against version 7 of the service policy "component:default/checkout-api", which is now at version 9. Found when user:default/pat tried to approve it; nothing was applied.',
    };
    server.use(
      route('get', '/engine/status', engineStatus),
      route('get', '/workloads', []),
      route('get', '/permissions', allowAll),
      http.get(`${BASE_URL}/change-requests`, ({ request }) => {
        const status = new URL(request.url).searchParams.get('status');
        if (status === 'superseded') return HttpResponse.json([superseded]);
        return HttpResponse.json(requests);
      }),
      route('get', '/policies/service/:name', {
        target: { level: 'service', name: stale.target.name },
        version: 9,
        override: {},
        updatedBy: 'user:default/bob',
        updatedAt: '2026-01-01T11:30:00Z',
      }),
      route('get', '/policies/tenant/acme', {
        target: { level: 'tenant', name: 'acme' },
        version: 2,
        override: {},
        updatedBy: null,
        updatedAt: null,
      }),
      http.post(`${BASE_URL}/change-requests/cr-stale/approve`, () => {
        requests = requests.filter(r => r.id !== 'cr-stale');
        return HttpResponse.json(
          {
            error: {
              name: 'ConflictError',
              message:
                'Change request cr-stale was made against version 7 of the service policy "component:default/checkout-api", which is now at version 9; it is superseded and cannot be approved',
            },
            response: { statusCode: 409 },
          },
          { status: 409 },
        );
      }),
      http.post(`${BASE_URL}/change-requests/cr-2/reject`, () => {
        requests = requests.filter(r => r.id !== 'cr-2');
        return HttpResponse.json({ ...other, status: 'rejected' });
      }),
    );
    await renderWithApi(<AutoscalingPage />, { user: 'user:default/pat' });
    tab('Approvals');

    // Marked before anyone clicks; the request at the current version is not.
    const card = await screen.findByTestId('change-request-cr-stale');
    expect(await within(card).findByTestId('stale-notice')).toHaveTextContent(
      'Stale: requested against version 7 of this policy, which is now at version 9.',
    );
    expect(within(card).getByTestId('stale-chip')).toBeInTheDocument();
    const fresh = screen.getByTestId('change-request-cr-2');
    expect(within(fresh).queryByTestId('stale-notice')).not.toBeInTheDocument();

    await waitFor(() =>
      expect(
        within(card).getByRole('button', { name: 'Approve' }),
      ).toBeEnabled(),
    );
    fireEvent.click(within(card).getByRole('button', { name: 'Approve' }));
    // The 409 is an error with its cause, and stays after the card has left the list.
    await waitFor(() =>
      expect(
        screen.queryByTestId('change-request-cr-stale'),
      ).not.toBeInTheDocument(),
    );
    const refused = await screen.findByTestId('change-request-outcome');
    expect(refused).toHaveTextContent(
      /^Not approved: the service policy component:default\/checkout-api\. Change request cr-stale was made against version 7 .* it is superseded and cannot be approved\. It is listed under Superseded, and user:default\/alice is notified\.$/,
    );
    expect(refused.className).toMatch(/Error/);

    const otherCard = screen.getByTestId('change-request-cr-2');
    fireEvent.change(within(otherCard).getByLabelText('Comment'), {
      target: { value: 'not this quarter' },
    });
    fireEvent.click(within(otherCard).getByRole('button', { name: 'Reject' }));
    await waitFor(() =>
      expect(screen.getAllByTestId('change-request-outcome')).toHaveLength(2),
    );
    expect(
      screen.getAllByTestId('change-request-outcome')[0],
    ).toHaveTextContent(
      'Rejected: the change to the tenant policy acme requested by user:default/alice; they are notified.',
    );
    expect(
      await screen.findByText('No changes waiting for approval'),
    ).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Superseded' }));
    const gone = await screen.findByTestId('change-request-cr-stale');
    expect(gone).toHaveTextContent(
      'Superseded by the policy version check on 2026-01-01 12:00 UTC',
    );
    expect(gone).not.toHaveTextContent('superseded by user:default/pat');
  });

  it('approvals: the requester cannot approve their own request (four eyes)', async () => {
    server.use(
      route('get', '/engine/status', engineStatus),
      route('get', '/workloads', []),
      route('get', '/change-requests', [changeRequest]),
      route('get', '/permissions', allowAll),
    );
    await renderWithApi(<AutoscalingPage />, { user: 'user:default/alice' });
    tab('Approvals');
    const card = await screen.findByTestId('change-request-cr-1');
    await waitFor(() =>
      expect(within(card).getByText(/Four eyes/)).toBeInTheDocument(),
    );
    expect(
      within(card).getByRole('button', { name: 'Approve' }),
    ).toBeDisabled();
    expect(within(card).getByRole('button', { name: 'Reject' })).toBeDisabled();
  });

  it('kill switch: turns on with a reason, disabled without permission', async () => {
    let body: unknown;
    server.use(
      route('get', '/engine/status', engineStatus),
      route('get', '/workloads', []),
      route('get', '/permissions', allowAll),
      http.put(`${BASE_URL}/engine/kill-switch`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({
          enabled: true,
          changedBy: 'user:default/pat',
          changedAt: '2026-01-01T12:00:00Z',
          reason: 'incident',
        });
      }),
    );
    const first = await renderWithApi(<AutoscalingPage />, {
      user: 'user:default/pat',
    });
    tab('Kill switch');
    expect(
      await screen.findByText('The engine is scaling workloads.'),
    ).toBeInTheDocument();
    await waitFor(() => expect(screen.getByLabelText('Reason')).toBeEnabled());
    fireEvent.change(screen.getByLabelText('Reason'), {
      target: { value: 'incident' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Stop all scaling' }));
    await waitFor(() =>
      expect(body).toEqual({ enabled: true, reason: 'incident' }),
    );
    first.unmount();

    server.use(route('get', '/permissions', denyAll));
    await renderWithApi(<AutoscalingPage />, { user: 'user:default/bob' });
    tab('Kill switch');
    expect(
      await screen.findByText(/Only platform administrators/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Stop all scaling' }),
    ).toBeDisabled();
  });

  it('audit: events with filters, export and verification; empty and denied states', async () => {
    const seen: string[] = [];
    server.use(
      route('get', '/engine/status', engineStatus),
      route('get', '/workloads', []),
      route('get', '/permissions', allowAll),
      route('get', '/audit/verify', {
        ok: true,
        checked: 1,
        firstBrokenId: null,
        message: 'ok',
      }),
      http.get(`${BASE_URL}/audit`, ({ request }) => {
        const url = new URL(request.url);
        seen.push(url.search);
        return HttpResponse.json(
          url.searchParams.get('action') === 'workload.scale'
            ? []
            : auditEvents,
        );
      }),
    );
    const first = await renderWithApi(<AutoscalingPage />, {
      user: 'user:default/pat',
    });
    tab('Audit log');
    const table = await screen.findByRole('table', { name: 'Audit events' });
    expect(table).toHaveTextContent('Policy changed');
    expect(table).toHaveTextContent('more headroom');
    expect(table).toHaveTextContent('Max replicas: 10 → 20');
    expect(table).not.toHaveTextContent(/policy\.update|\{"/);
    expect(await screen.findByTestId('audit-verification')).toHaveTextContent(
      'Hash chain verified: 1 events',
    );
    expect(screen.getByRole('button', { name: 'CSV' })).toBeEnabled();
    expect(screen.getByRole('button', { name: 'JSON' })).toBeEnabled();
    fireEvent.change(screen.getByLabelText('Actor'), {
      target: { value: 'user:default/alice' },
    });
    await waitFor(() =>
      expect(seen.some(s => s.includes('actor=user%3Adefault%2Falice'))).toBe(
        true,
      ),
    );
    first.unmount();

    server.use(route('get', '/permissions', denyAll));
    await renderWithApi(<AutoscalingPage />, { user: 'user:default/bob' });
    tab('Audit log');
    expect(
      await screen.findByText(/Only the platform team may read/),
    ).toBeInTheDocument();
  });

  it('audit: actions in words, changes as old → new, a partial entity filter and pages', async () => {
    const base = auditEvents[0];
    const many: AuditEvent[] = Array.from({ length: 30 }, (_, i) => ({
      ...base,
      id: 100 - i,
      target: i % 2 ? 'component:default/storefront-web' : base.target,
      reason: `change ${i}`,
    }));
    const special: AuditEvent[] = [
      {
        ...base,
        id: 200,
        action: 'engine.actuate',
        actor: 'autoscaling-engine',
        target: 'component:default/checkout-api',
        before: {
          workload: 'prod-eu/shop/Deployment/checkout-api',
          replicas: 3,
        },
        after: {
          workload: 'prod-eu/shop/Deployment/checkout-api',
          replicas: 5,
        },
        reason: 'cpu above target',
      },
      {
        ...base,
        id: 201,
        action: 'change.approve',
        actor: 'user:default/pat',
        before: {
          target: { level: 'service', name: 'x' },
          version: 3,
          override: { maxReplicas: 20, cooldownSeconds: 60 },
          updatedBy: 'user:default/alice',
          updatedAt: '2026-01-01T10:00:00Z',
        },
        after: {
          changeRequestId: 'cr-1',
          status: 'applied',
          document: {
            target: { level: 'service', name: 'x' },
            version: 4,
            override: { maxReplicas: 80, cooldownSeconds: 60 },
          },
        },
        reason: 'peak season',
      },
      {
        ...base,
        id: 202,
        action: 'engine.kill-switch',
        actor: 'user:default/pat',
        target: 'engine:global',
        before: { enabled: false },
        after: { enabled: true, changedBy: 'user:default/pat' },
        reason: 'incident',
      },
    ];
    server.use(
      route('get', '/engine/status', engineStatus),
      route('get', '/workloads', []),
      route('get', '/permissions', allowAll),
      route('get', '/audit/verify', {
        ok: true,
        checked: 33,
        firstBrokenId: null,
        message: 'ok',
      }),
      route('get', '/audit', [...special, ...many]),
    );
    await renderWithApi(<AutoscalingPage />, { user: 'user:default/pat' });
    tab('Audit log');
    const table = await screen.findByRole('table', { name: 'Audit events' });
    const row = (reason: string) =>
      within(table).getByText(reason).closest('tr') as HTMLElement;
    expect(row('cpu above target')).toHaveTextContent('Engine scaled');
    expect(row('cpu above target')).toHaveTextContent('Replicas: 3 → 5');
    expect(row('peak season')).toHaveTextContent('Change approved');
    expect(row('peak season')).toHaveTextContent('Version: 3 → 4');
    expect(row('peak season')).toHaveTextContent('Max replicas: 20 → 80');
    expect(row('peak season')).not.toHaveTextContent(/Cooldown|cr-1/);
    expect(row('incident')).toHaveTextContent('Kill switch');
    expect(row('incident')).toHaveTextContent('Enabled: no → yes');
    expect(table).not.toHaveTextContent(/engine\.actuate|change\.approve|\{"/);

    // 33 events, 25 a page.
    expect(within(table).getAllByRole('row')).toHaveLength(26);
    expect(screen.getByText('1–25 of 33')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: 'Go to next page' }));
    expect(await screen.findByText('26–33 of 33')).toBeInTheDocument();
    expect(within(table).getAllByRole('row')).toHaveLength(9);

    // Part of a ref is enough, and the filter goes back to the first page.
    fireEvent.change(screen.getByLabelText('Entity'), {
      target: { value: 'storefront' },
    });
    expect(await screen.findByText('1–15 of 15')).toBeInTheDocument();
    for (const r of within(table).getAllByRole('row').slice(1)) {
      expect(r).toHaveTextContent('storefront-web');
    }
    fireEvent.change(screen.getByLabelText('Entity'), {
      target: { value: 'CHECKOUT' },
    });
    expect(await screen.findByText('1–17 of 17')).toBeInTheDocument();
  });

  it('approvals: the tab shows how many changes wait, and ?view=approvals opens it', async () => {
    server.use(
      route('get', '/engine/status', engineStatus),
      route('get', '/workloads', []),
      route('get', '/permissions', allowAll),
      route('get', '/change-requests', [
        changeRequest,
        { ...changeRequest, id: 'cr-2' },
      ]),
      route('get', '/policies/service/:name', {
        target: changeRequest.target,
        version: 3,
        override: {},
        updatedBy: null,
        updatedAt: null,
      }),
    );
    const first = await renderWithApi(<AutoscalingPage />, {
      user: 'user:default/pat',
    });
    expect(
      await screen.findByRole('tab', { name: 'Approvals (2)' }),
    ).toHaveAttribute('aria-selected', 'false');
    first.unmount();

    await renderWithApi(<AutoscalingPage />, {
      user: 'user:default/pat',
      routeEntries: ['/autoscaling?view=approvals'],
    });
    expect(
      await screen.findByRole('tab', { name: 'Approvals (2)' }),
    ).toHaveAttribute('aria-selected', 'true');
    expect(
      await screen.findByTestId('change-request-cr-2'),
    ).toBeInTheDocument();
  });
});
