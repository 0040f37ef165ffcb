import { fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
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

async function setText(label: string, value: string) {
  const input = await screen.findByLabelText(label);
  fireEvent.change(input, { target: { value } });
  fireEvent.blur(input);
}

const scrollIntoView = jest.fn();
beforeAll(() => {
  Element.prototype.scrollIntoView = scrollIntoView;
});

describe('PolicyEditor: vertical right-sizing settings', () => {
  beforeEach(() => {
    server.use(
      route('get', DOC, servicePolicy),
      route('get', '/policies/effective', effectivePolicy),
      route('get', '/permissions', allowAll),
    );
  });

  it('says what each mode does, with the documented threshold and interval', async () => {
    await editor();
    expect(
      await screen.findByText(
        /Auto applies a change of more than 10% with at least an hour of history, at most once an hour/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/a raise of more than 50% waits for an approval/),
    ).toBeInTheDocument();
  });

  it('refuses a bound that is not a quantity and a minimum above the maximum, on their fields', async () => {
    await editor();
    await setText('Min CPU', 'lots');
    fireEvent.click(screen.getByRole('button', { name: 'Review and save' }));
    expect(
      await screen.findByText(
        '"lots" is not a Kubernetes quantity (e.g. 500m, 2, 256Mi)',
      ),
    ).toBeInTheDocument();
    await setText('Min CPU', '2');
    await setText('Max CPU', '500m');
    fireEvent.click(screen.getByRole('button', { name: 'Review and save' }));
    expect(
      await screen.findByText(
        'vertical minAllowed.cpu (2) is above maxAllowed.cpu (0.5)',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('saves the mode, the bounds and the controlled resources', async () => {
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
            diff: [{ path: 'vertical.mode', before: 'Off', after: 'Auto' }],
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
    const user = userEvent.setup();
    await user.click(
      await screen.findByRole('combobox', { name: 'Vertical mode' }),
    );
    await user.click(
      await screen.findByRole('option', { name: 'Auto (apply)' }),
    );
    await user.click(
      screen.getByRole('combobox', { name: 'Controlled resources' }),
    );
    await user.click(
      await screen.findByRole('option', { name: 'Memory only' }),
    );
    await setText('Min memory', '256Mi');
    await setText('Max memory', '2Gi');
    fireEvent.click(screen.getByRole('button', { name: 'Review and save' }));
    const dialog = await screen.findByRole('dialog');
    const vertical = {
      mode: 'Auto',
      controlledResources: ['memory'],
      minAllowed: { memory: '256Mi' },
      maxAllowed: { memory: '2Gi' },
    };
    expect(validated.override.vertical).toEqual(vertical);
    fireEvent.change(within(dialog).getByLabelText('Reason for the change'), {
      target: { value: 'right-size memory' },
    });
    fireEvent.click(
      within(dialog).getByRole('button', { name: 'Save and apply' }),
    );
    expect(await screen.findByTestId('save-outcome')).toHaveTextContent(
      /version 4/,
    );
    expect(put.override.vertical).toEqual(vertical);
  });
});
