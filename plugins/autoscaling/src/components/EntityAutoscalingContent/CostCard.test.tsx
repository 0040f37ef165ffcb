import { screen, within } from '@testing-library/react';
import { QueryProvider } from '../QueryProvider';
import { CostCard } from './CostCard';
import {
  failing,
  renderWithApi,
  route,
  setupMswServer,
} from '../../__testUtils__/render';
import { WORKLOAD_ID, cost } from '../../__testUtils__/fixtures';

jest.setTimeout(30_000);
const server = setupMswServer();
const COST = '/workloads/:id/cost';
const REASON =
  "You are not allowed to read the cost and budget of component:default/checkout-api (autoscaling.cost.read): they are shown to the tenant's members, the service's owners and the platform team";

async function renderCard(tenant?: string) {
  await renderWithApi(
    <QueryProvider>
      <CostCard workloadId={WORKLOAD_ID} tenant={tenant} />
    </QueryProvider>,
  );
}

describe('CostCard', () => {
  it('a 403 (no autoscaling.cost.read) says who may see the cost, with the reason, and offers no Retry', async () => {
    server.use(failing('get', COST, 403, REASON));
    await renderCard('acme');
    const notice = await screen.findByTestId('cost-not-allowed');
    expect(notice).toHaveTextContent(
      'Cost is visible to members of tenant acme and the platform team',
    );
    expect(notice).toHaveTextContent(/the service's owners/);
    expect(within(notice).queryByRole('button', { name: /retry/i })).toBeNull();
    expect(screen.queryByTestId('query-error')).toBeNull();
  });

  it('without a known tenant the message still says who may see it', async () => {
    server.use(failing('get', COST, 403, REASON));
    await renderCard();
    expect(await screen.findByTestId('cost-not-allowed')).toHaveTextContent(
      'Cost is visible to members of its tenant and the platform team',
    );
  });

  it('other failures stay a generic error with Retry', async () => {
    server.use(failing('get', COST, 500, 'engine exploded'));
    await renderCard('acme');
    const error = await screen.findByTestId('query-error');
    expect(error).toHaveTextContent('engine exploded');
    expect(screen.queryByTestId('cost-not-allowed')).toBeNull();
  });

  it('a readable cost shows the breakdown', async () => {
    server.use(route('get', COST, cost));
    await renderCard('acme');
    expect(await screen.findByTestId('cost-mtd')).toHaveTextContent('$312');
    expect(screen.queryByTestId('cost-not-allowed')).toBeNull();
  });
});
