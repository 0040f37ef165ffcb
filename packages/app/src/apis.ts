import {
  ScmAuth,
  ScmIntegrationsApi,
  scmIntegrationsApiRef,
} from '@backstage/integration-react';
import {
  AnyApiFactory,
  configApiRef,
  createApiFactory,
} from '@backstage/core-plugin-api';

/**
 * The app's own API factories, as a standard `@backstage/create-app` app has them: the catalog's
 * About card (and other entity cards) read the SCM integrations (`integration.*` config) to
 * build "View source" and "Edit" links, and ScmAuth for the SCM providers' tokens.
 * Without them the Overview tab of every Component/System/Resource fails with
 * "No implementation available for apiRef{integration.scmintegrations}".
 */
export const apis: AnyApiFactory[] = [
  createApiFactory({
    api: scmIntegrationsApiRef,
    deps: { configApi: configApiRef },
    factory: ({ configApi }) => ScmIntegrationsApi.fromConfig(configApi),
  }),
  ScmAuth.createDefaultApiFactory(),
];
