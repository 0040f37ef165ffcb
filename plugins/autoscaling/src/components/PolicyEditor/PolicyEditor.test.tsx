import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { PolicyEditor } from './PolicyEditor';
import { QueryProvider } from '../QueryProvider';
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
  changeRequest,
  denyAll,
  effectivePolicy,
  ENTITY_REF,
  servicePolicy,
} from '../../__testUtils__/fixtures';

// The whole form renders in jsdom; give each test room on a shared 2-core machine.
jest.setTimeout(30_000);

const server = setupMswServer();
const DOC = '/policies/service/:name';

function editor() {
  return renderWithApi(
    <QueryProvider>
      <PolicyEditor level="service" name={ENTITY_REF} entityRef={ENTITY_REF} />
    </QueryProvider>,
  );
}

function base(permissions = allowAll) {
  server.use(
    route('get', DOC, servicePolicy),
    route('get', '/policies/effective', effectivePolicy),
    route('get', '/permissions', permissions),
  );
}

async function setNumber(label: string, value: string) {
  const input = await screen.findByLabelText(label);
  fireEvent.change(input, { target: { value } });
  fireEvent.blur(input);
}

// jsdom does not lay out or scroll; the save outcome asks to be scrolled into view.
const scrollIntoView = jest.fn();
beforeAll(() => {
  Element.prototype.scrollIntoView = scrollIntoView;
});

describe('PolicyEditor', () => {
  it('shows loading, then an error of the policy document', async () => {
    server.use(
      pending('get', DOC),
      route('get', '/policies/effective', effectivePolicy),
      route('get', '/permissions', allowAll),
    );
    const { unmount } = await editor();
    expect((await screen.findAllByRole('progressbar')).length).toBeGreaterThan(
      0,
    );
    unmount();
    server.use(failing('get', DOC, 403, 'policy.read denied'));
    await editor();
    expect(await screen.findByText(/policy.read denied/)).toBeInTheDocument();
  });

  it('starts from an empty override when the level has no document yet', async () => {
    server.use(
      failing('get', DOC, 404, 'no policy'),
      route('get', '/policies/effective', {
        ...effectivePolicy,
        provenance: {},
      }),
      route('get', '/permissions', allowAll),
    );
    await editor();
    expect(await screen.findByText(/version 0/)).toBeInTheDocument();
    expect(await screen.findByText('No effective policy')).toBeInTheDocument();
  });

  it('shows the document, every section and the effective policy with provenance', async () => {
    base();
    await editor();
    expect(await screen.findByLabelText('Max replicas')).toHaveValue(20);
    for (const title of [
      'Preset',
      'Replicas and mode',
      'Metrics',
      'Named queries',
      'Behaviour',
      'Predictive scaling',
      'Schedules',
      'Fallback',
      'Vertical right-sizing',
    ]) {
      expect(screen.getByRole('heading', { name: title })).toBeInTheDocument();
    }
    expect(screen.getByTestId('preset-description')).toHaveTextContent(
      /HPA defaults/,
    );
    const table = await screen.findByRole('table', {
      name: 'Effective policy',
    });
    expect(
      within(table).getByText('Predictive scaling: enabled').closest('tr'),
    ).toHaveTextContent('yes');
    expect(
      within(table).getByText('Predictive scaling: enabled').closest('tr'),
    ).toHaveTextContent('tier');
    expect(table).not.toHaveTextContent(/predictive\.enabled|minReplicas/);
    expect(
      screen.getByText('Effective: 2 (from environment)'),
    ).toBeInTheDocument();
  });

  it('names nested settings in words in the effective policy, and gives behaviour fields room for their labels', async () => {
    server.use(
      route('get', DOC, servicePolicy),
      route('get', '/policies/effective', {
        ...effectivePolicy,
        policy: {
          ...effectivePolicy.policy,
          behavior: {
            scaleDown: { stabilizationWindowSeconds: 300, tolerance: 0.1 },
          },
        },
        provenance: {
          ...effectivePolicy.provenance,
          'behavior.scaleDown.stabilizationWindowSeconds': 'tier',
          'behavior.scaleDown.tolerance': 'default',
          'predictive.leadTimeSeconds': 'default',
        },
      }),
      route('get', '/permissions', allowAll),
    );
    await editor();
    const table = await screen.findByRole('table', {
      name: 'Effective policy',
    });
    const row = (label: string) =>
      within(table).getByText(label).closest('tr') as HTMLElement;
    expect(row('Behaviour: scale-down stabilisation window')).toHaveTextContent(
      '5 min',
    );
    expect(row('Behaviour: scale-down tolerance')).toHaveTextContent('10%');
    expect(row('Predictive scaling: lead time')).toHaveTextContent('5 min');
    // No camelCase left to break mid-word.
    for (const r of within(table).getAllByRole('row').slice(1)) {
      const [setting, value] = within(r).getAllByRole('cell');
      expect(setting.textContent).not.toMatch(/[a-z][A-Z]/);
      expect(value.textContent).not.toMatch(/[a-z][A-Z]|[{"]/);
    }

    // In the two-column behaviour section each field has a whole row of its column, so
    // "Stabilisation window (s)" and "Tolerance (fraction)" are not cut to "Stabili…".
    for (const label of ['Stabilisation window (s)', 'Tolerance (fraction)']) {
      for (const input of screen.getAllByLabelText(label)) {
        // Backstage's test theme prefixes MUI 5 classes with "v5-".
        const cell = input.closest('[class*="MuiGrid-item"]') as HTMLElement;
        expect(cell.className).toMatch(/MuiGrid-grid-xs-12\b/);
        expect(cell.className).not.toMatch(/MuiGrid-grid-(sm|md|lg)-/);
      }
    }
  });

  it('shows schema and cross-field errors on their fields', async () => {
    base();
    await editor();
    await setNumber('Max replicas', '0');
    expect(await screen.findByText(/Too small|>=1/i)).toBeInTheDocument();
    await setNumber('Max replicas', '20');
    await setNumber('Min replicas', '30');
    fireEvent.click(screen.getByRole('button', { name: 'Review and save' }));
    expect(
      await screen.findByText('minReplicas (30) is above maxReplicas (20)'),
    ).toBeInTheDocument();
    await setNumber('Fallback replicas', '99');
    await setNumber('Min replicas', '2');
    fireEvent.click(screen.getByRole('button', { name: 'Review and save' }));
    expect(
      await screen.findByText(/fallback replicas \(99\) must lie within/),
    ).toBeInTheDocument();
  });

  it('validates a metric added to the form', async () => {
    base();
    await editor();
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Add metric' }));
    const utilisations = await screen.findAllByLabelText(
      'Target utilisation (%)',
    );
    fireEvent.change(utilisations[utilisations.length - 1], {
      target: { value: '' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Review and save' }));
    expect(await screen.findByText('Required')).toBeInTheDocument();
  }, 15_000);

  it('offers the CPU target as a field showing the inherited value, and describes metrics in words', async () => {
    base();
    let validated: any;
    server.use(
      http.post(
        `${BASE_URL}/policies/service/:name/validate`,
        async ({ request }) => {
          validated = await request.json();
          return HttpResponse.json({
            valid: true,
            issues: [],
            guardrails: [],
            diff: [
              {
                path: 'metrics',
                before: undefined,
                after: validated.override.metrics,
              },
            ],
          });
        },
      ),
    );
    await editor();
    const cpu = await screen.findByLabelText('CPU target (%)');
    expect(cpu).toHaveValue(null);
    expect(cpu).toHaveAttribute('placeholder', '70');
    expect(cpu).toHaveAccessibleDescription(/Inherited: 70% \(from default\)/);
    expect(screen.getByTestId('inherited-metrics')).toHaveTextContent(
      'Inherited from default: CPU at 70% utilisation.',
    );
    expect(screen.queryByText(/averageUtilization|\{"type"/)).toBeNull();

    fireEvent.change(cpu, { target: { value: '60' } });
    expect(await screen.findByLabelText('CPU target (%)')).toHaveValue(60);
    expect(screen.getByLabelText('CPU target (%)')).toHaveAccessibleDescription(
      /Set at this level, in metric 1\./,
    );
    // The inherited list is now this level's, with the new target in its row.
    expect(screen.getByLabelText('Target utilisation (%)')).toHaveValue(60);
    fireEvent.click(screen.getByRole('button', { name: 'Review and save' }));
    const dialog = await screen.findByRole('dialog');
    expect(validated.override.metrics).toEqual([
      {
        type: 'Resource',
        resource: 'cpu',
        target: { type: 'Utilization', averageUtilization: 60 },
      },
    ]);
    expect(
      within(dialog).getByRole('table', { name: 'Policy changes' }),
    ).toHaveTextContent(
      'MetricsSet to CPU at 60% utilisation (was inherited).',
    );
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));

    // Clearing the field inherits the list again.
    fireEvent.change(screen.getByLabelText('CPU target (%)'), {
      target: { value: '' },
    });
    expect(await screen.findByTestId('inherited-metrics')).toBeInTheDocument();
    expect(screen.queryByLabelText('Target utilisation (%)')).toBeNull();
  });

  it('starts an added metric from the inherited list and its CPU target, not 80%', async () => {
    base();
    await editor();
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Add metric' }));
    const utilisations = await screen.findAllByLabelText(
      'Target utilisation (%)',
    );
    expect(utilisations.map(u => (u as HTMLInputElement).value)).toEqual([
      '70',
      '70',
    ]);
    expect(screen.getByLabelText('CPU target (%)')).toHaveValue(70);
  });

  it('shows the diff, says the change needs approval, and shows the backtest of the change request', async () => {
    base();
    let put: any;
    server.use(
      route('post', `${DOC}/validate`, {
        valid: true,
        issues: [],
        guardrails: changeRequest.guardrails,
        diff: changeRequest.diff,
      }),
      http.put(`${BASE_URL}/policies/service/:name`, async ({ request }) => {
        put = await request.json();
        return HttpResponse.json({ status: 'pending-approval', changeRequest });
      }),
    );
    await editor();
    await setNumber('Max replicas', '80');
    fireEvent.click(screen.getByRole('button', { name: 'Review and save' }));
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByRole('table', { name: 'Policy changes' }),
    ).toHaveTextContent('Max replicasRaised from 20 to 80.');
    expect(within(dialog).getByTestId('guardrail-notice')).toHaveTextContent(
      /needs approval/,
    );
    expect(within(dialog).getByTestId('guardrail-notice')).toHaveTextContent(
      /above the tenant quota/,
    );
    fireEvent.change(within(dialog).getByLabelText('Reason for the change'), {
      target: { value: 'Black Friday' },
    });
    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Request approval' }),
    );
    const outcome = await screen.findByTestId('save-outcome');
    expect(outcome).toHaveTextContent(/Sent for approval/);
    expect(within(outcome).getByTestId('backtest')).toHaveTextContent(
      /30 min overloaded/,
    );
    expect(put).toEqual({
      override: { maxReplicas: 80, preset: 'balanced' },
      version: 3,
      reason: 'Black Friday',
    });
  });

  it('applies a change within guardrails', async () => {
    base();
    server.use(
      route('post', `${DOC}/validate`, {
        valid: true,
        issues: [],
        guardrails: [],
        diff: [{ path: 'maxReplicas', before: 20, after: 15 }],
      }),
      route('put', DOC, {
        status: 'applied',
        document: {
          ...servicePolicy,
          version: 4,
          override: { maxReplicas: 15 },
        },
      }),
    );
    await editor();
    await setNumber('Max replicas', '15');
    fireEvent.click(screen.getByRole('button', { name: 'Review and save' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByTestId('guardrail-notice')).toHaveTextContent(
      /applies as soon as you save/,
    );
    fireEvent.change(within(dialog).getByLabelText('Reason for the change'), {
      target: { value: 'less headroom' },
    });
    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Save and apply' }),
    );
    const outcome = await screen.findByTestId('save-outcome');
    expect(outcome).toHaveTextContent(/version 4/);
    // Next to the Save button, not at the top of the card, and scrolled into view.
    const actions = screen.getByTestId('policy-actions');
    expect(outcome.parentElement?.nextElementSibling).toBe(actions);
    expect(
      within(actions).getByRole('button', { name: 'Review and save' }),
    ).toBeInTheDocument();
    expect(scrollIntoView).toHaveBeenCalled();
  });

  it('tells the user about a concurrent change (409) and reloads', async () => {
    base();
    let loads = 0;
    server.use(
      http.get(`${BASE_URL}/policies/service/:name`, () => {
        loads += 1;
        return HttpResponse.json(
          loads === 1
            ? servicePolicy
            : { ...servicePolicy, version: 5, override: { maxReplicas: 12 } },
        );
      }),
      route('post', `${DOC}/validate`, {
        valid: true,
        issues: [],
        guardrails: [],
        diff: [{ path: 'maxReplicas', before: 20, after: 15 }],
      }),
      failing('put', DOC, 409, 'version 3 is stale, current is 5'),
    );
    await editor();
    await setNumber('Max replicas', '15');
    fireEvent.click(screen.getByRole('button', { name: 'Review and save' }));
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('Reason for the change'), {
      target: { value: 'tune' },
    });
    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Save and apply' }),
    );
    expect(await screen.findByTestId('save-outcome')).toHaveTextContent(
      /changed this policy while you were editing/,
    );
    await waitFor(() =>
      expect(screen.getByLabelText('Max replicas')).toHaveValue(12),
    );
    expect(screen.getByText(/version 5/)).toBeInTheDocument();
  });

  it('shows server validation issues on their fields', async () => {
    base();
    server.use(
      route('post', `${DOC}/validate`, {
        valid: false,
        issues: [
          {
            path: 'override.maxReplicas',
            message: 'above the platform ceiling',
          },
        ],
        guardrails: [],
        diff: [],
      }),
    );
    await editor();
    await setNumber('Max replicas', '15');
    fireEvent.click(screen.getByRole('button', { name: 'Review and save' }));
    expect(
      await screen.findByText('above the platform ceiling'),
    ).toBeInTheDocument();
  });

  describe('predictive strategy, target utilisation and peak bound', () => {
    const STRATEGY = 'Strategy';
    const UTILISATION = 'Forecast target utilisation (%)';
    const PEAK = 'Max multiple of 7-day peak';

    it('renders each field with what it means and the value it inherits', async () => {
      base();
      await editor();
      const strategy = await screen.findByRole('combobox', { name: STRATEGY });
      expect(strategy).toHaveTextContent('Inherit');
      // MUI ties the helper text to the field (aria-describedby): the description is the field's.
      expect(strategy).toHaveAccessibleDescription(
        /the forecast only raises the reactive \(HPA\) proposal; plan: replicas are planned from the forecast band, with the reactive HPA path as the safety net for demand above the band/,
      );
      expect(strategy).toHaveAccessibleDescription(
        /Effective: floor \(from default\)/,
      );
      const utilisation = screen.getByLabelText(UTILISATION);
      expect(utilisation).toHaveValue(null);
      expect(utilisation).toHaveAccessibleDescription(
        /utilisation of a pod's capacity the median forecast is sized at.*Effective: 85 \(from default\)/,
      );
      expect(screen.getByLabelText(PEAK)).toHaveAccessibleDescription(
        /more than this multiple of the last 7 days' peak demand.*Effective: 1\.5 \(from default\)/,
      );
    });

    it('loads the values of the document and saves the edited ones in the policy', async () => {
      server.use(
        route('get', DOC, {
          ...servicePolicy,
          override: {
            ...servicePolicy.override,
            predictive: { strategy: 'floor', targetUtilization: 80 },
          },
        }),
        route('get', '/policies/effective', effectivePolicy),
        route('get', '/permissions', allowAll),
      );
      let validated: any;
      let put: any;
      server.use(
        http.post(
          `${BASE_URL}/policies/service/:name/validate`,
          async ({ request }) => {
            validated = await request.json();
            return HttpResponse.json({
              valid: true,
              issues: [],
              guardrails: [],
              diff: [
                { path: 'predictive.strategy', before: 'floor', after: 'plan' },
                { path: 'predictive.targetUtilization', before: 80, after: 70 },
                { path: 'predictive.maxPeakMultiple', before: 1.5, after: 2.5 },
              ],
            });
          },
        ),
        http.put(`${BASE_URL}/policies/service/:name`, async ({ request }) => {
          put = await request.json();
          return HttpResponse.json({
            status: 'applied',
            document: { ...servicePolicy, version: 4, override: put.override },
          });
        }),
      );
      await editor();
      const strategy = await screen.findByRole('combobox', { name: STRATEGY });
      expect(strategy).toHaveTextContent('Floor (raise the reactive proposal)');
      expect(screen.getByLabelText(UTILISATION)).toHaveValue(80);

      const user = userEvent.setup();
      await user.click(strategy);
      await user.click(
        await screen.findByRole('option', {
          name: 'Plan (replicas from the forecast)',
        }),
      );
      await setNumber(UTILISATION, '70');
      await setNumber(PEAK, '2.5');
      fireEvent.click(screen.getByRole('button', { name: 'Review and save' }));
      const dialog = await screen.findByRole('dialog');
      expect(
        within(dialog).getByRole('table', { name: 'Policy changes' }),
      ).toHaveTextContent(
        'Predictive scaling: strategyChanged from floor to plan.',
      );
      const predictive = {
        strategy: 'plan',
        targetUtilization: 70,
        maxPeakMultiple: 2.5,
      };
      expect(validated).toEqual({
        override: { maxReplicas: 20, preset: 'balanced', predictive },
      });
      fireEvent.change(within(dialog).getByLabelText('Reason for the change'), {
        target: { value: 'plan from the forecast' },
      });
      fireEvent.click(
        within(dialog).getByRole('button', { name: 'Save and apply' }),
      );
      expect(await screen.findByTestId('save-outcome')).toHaveTextContent(
        /version 4/,
      );
      expect(put).toEqual({
        override: { maxReplicas: 20, preset: 'balanced', predictive },
        version: 3,
        reason: 'plan from the forecast',
      });
    });

    it('shows an out-of-range value as an error on that field as the user types, and does not save', async () => {
      base();
      let validated = false;
      server.use(
        http.post(`${BASE_URL}/policies/service/:name/validate`, () => {
          validated = true;
          return HttpResponse.json({
            valid: true,
            issues: [],
            guardrails: [],
            diff: [],
          });
        }),
      );
      await editor();
      const utilisation = await screen.findByLabelText(UTILISATION);
      await setNumber(UTILISATION, '5');
      await waitFor(() =>
        expect(utilisation).toHaveAttribute('aria-invalid', 'true'),
      );
      expect(utilisation).toHaveAccessibleDescription(/>=10/);
      // Once touched, the field validates on every change, like the others.
      fireEvent.change(utilisation, { target: { value: '101' } });
      await waitFor(() =>
        expect(utilisation).toHaveAccessibleDescription(/<=100/),
      );
      fireEvent.change(utilisation, { target: { value: '90' } });
      await waitFor(() =>
        expect(utilisation).toHaveAttribute('aria-invalid', 'false'),
      );

      const peak = screen.getByLabelText(PEAK);
      await setNumber(PEAK, '0.5');
      await waitFor(() => expect(peak).toHaveAccessibleDescription(/>=1/));
      expect(peak).toHaveAttribute('aria-invalid', 'true');
      expect(utilisation).toHaveAttribute('aria-invalid', 'false');
      fireEvent.click(screen.getByRole('button', { name: 'Review and save' }));
      await waitFor(() => expect(peak).toHaveFocus());
      expect(validated).toBe(false);
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    });
  });

  it('is read-only with the reason when the user may not edit', async () => {
    base(denyAll);
    await editor();
    expect(await screen.findByTestId('policy-read-only')).toHaveTextContent(
      /cannot edit this policy/,
    );
    expect(screen.getByLabelText('Max replicas')).toBeDisabled();
    expect(
      screen.getByRole('button', { name: 'Review and save' }),
    ).toBeDisabled();
  });
});
