import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { GuardrailNotice } from './GuardrailNotice';

describe('GuardrailNotice', () => {
  it('shows the costs of a cost guardrail as money, like the cost card', async () => {
    await renderInTestApp(
      <GuardrailNotice
        guardrails={[
          {
            code: 'COST_INCREASE',
            path: 'maxReplicas',
            message:
              'projected monthly cost rises by 1277.50 (from 438.00 to 1715.50), more than the threshold of 500.00',
          },
        ]}
      />,
    );
    expect(screen.getByTestId('guardrail-notice')).toHaveTextContent(
      'projected monthly cost rises by $1,278 (from $438 to $1,716), more than the threshold of $500',
    );
    expect(screen.getByTestId('guardrail-notice')).not.toHaveTextContent(
      '438.00',
    );
  });
});
