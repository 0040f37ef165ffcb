import {
  scmAuthApiRef,
  scmIntegrationsApiRef,
} from '@backstage/integration-react';
import { ConfigReader } from '@backstage/core-app-api';
import { apis } from './apis';

describe('app APIs', () => {
  it('registers the SCM integrations and SCM auth APIs the catalog entity cards need', () => {
    const ids = apis.map(factory => factory.api.id);
    expect(ids).toContain(scmIntegrationsApiRef.id);
    expect(ids).toContain(scmAuthApiRef.id);
  });

  it('builds the SCM integrations from the app config', () => {
    const factory = apis.find(f => f.api.id === scmIntegrationsApiRef.id)!;
    const integrations = factory.factory({
      configApi: new ConfigReader({
        integrations: { github: [{ host: 'github.com' }] },
      }),
    }) as typeof scmIntegrationsApiRef.T;
    expect(
      integrations.byUrl('https://github.com/acme/checkout-api')?.type,
    ).toBe('github');
  });
});
