import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { AuthenticationError, NotAllowedError } from '@backstage/errors';
import {
  authProvidersExtensionPoint,
  createProxyAuthenticator,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';

/** Header the demo sign-in page sends with the user the person picked. */
export const DEMO_USER_HEADER = 'x-demo-user';

const demoAuthenticator = createProxyAuthenticator({
  defaultProfileTransform: async (result: { userName: string }) => ({
    profile: { displayName: result.userName },
  }),
  initialize() {},
  async authenticate({ req }) {
    const userName = req.header(DEMO_USER_HEADER);
    if (!userName || !/^[a-z0-9][a-z0-9._-]*$/i.test(userName)) {
      throw new AuthenticationError(
        `Demo sign-in needs the ${DEMO_USER_HEADER} header naming a catalog user`,
      );
    }
    return { result: { userName } };
  },
});

/**
 * Development sign-in that lets a person act as any demo user of the catalog, so the
 * roles (platform team, tenant admins, service owners) can be tried in the browser.
 * It refuses to start outside development unless explicitly allowed, like the guest
 * provider; production configures a real provider instead (app-config.production.yaml).
 */
export const demoAuthModule = createBackendModule({
  pluginId: 'auth',
  moduleId: 'demo-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ providers, config }) {
        const allowed =
          process.env.NODE_ENV !== 'production' ||
          config.getOptionalBoolean(
            'auth.providers.demo.dangerouslyAllowOutsideDevelopment',
          ) === true;
        providers.registerProvider({
          providerId: 'demo',
          factory: createProxyAuthProviderFactory({
            authenticator: demoAuthenticator,
            async signInResolver({ result }, ctx) {
              if (!allowed) {
                throw new NotAllowedError(
                  'The demo sign-in is disabled outside development',
                );
              }
              return ctx.signInWithCatalogUser({
                entityRef: { name: result.userName },
              });
            },
          }),
        });
      },
    });
  },
});
