import { useState } from 'react';
import {
  Content,
  Header,
  InfoCard,
  Page,
  ProxiedSignInPage,
} from '@backstage/core-components';
import {
  configApiRef,
  SignInPageProps,
  useApi,
} from '@backstage/core-plugin-api';
import {
  Button,
  List,
  ListItem,
  ListItemText,
  Typography,
} from '@material-ui/core';

const STORAGE_KEY = 'autoscaling-demo-user';

/**
 * Development sign-in: pick one of the demo users to act as. The choice is sent to the
 * backend's `demo` proxy provider as a header and remembered in local storage, so a
 * reload keeps the session. Sign out clears it (the provider then asks again).
 */
export function DemoSignInPage(props: SignInPageProps) {
  const configApi = useApi(configApiRef);
  const users =
    configApi
      .getOptionalConfigArray('app.demoSignIn.users')
      ?.map(u => ({ name: u.getString('name'), role: u.getString('role') })) ??
    [];
  const [selected, setSelected] = useState<string | null>(() =>
    window.localStorage.getItem(STORAGE_KEY),
  );

  if (selected) {
    return (
      <ProxiedSignInPage
        {...props}
        provider="demo"
        headers={{ 'x-demo-user': selected }}
        ErrorComponent={({ error }) => (
          <Page themeId="home">
            <Content>
              <Typography color="error">
                Sign-in as {selected} failed: {error?.message}
              </Typography>
              <Button
                variant="outlined"
                onClick={() => {
                  window.localStorage.removeItem(STORAGE_KEY);
                  setSelected(null);
                }}
              >
                Pick another user
              </Button>
            </Content>
          </Page>
        )}
      />
    );
  }

  return (
    <Page themeId="home">
      <Header title="Autoscaling Portal" subtitle="Development sign-in" />
      <Content>
        <InfoCard title="Sign in as a demo user">
          <Typography variant="body2" paragraph>
            Each demo user has a different role, so you can try what a platform
            engineer, a tenant admin or a service owner sees and may do.
          </Typography>
          <List>
            {users.map(user => (
              <ListItem
                button
                key={user.name}
                data-testid={`sign-in-${user.name}`}
                onClick={() => {
                  window.localStorage.setItem(STORAGE_KEY, user.name);
                  setSelected(user.name);
                }}
              >
                <ListItemText primary={user.name} secondary={user.role} />
              </ListItem>
            ))}
          </List>
        </InfoCard>
      </Content>
    </Page>
  );
}

/** Forget the demo user, so the next load shows the picker again. */
export function clearDemoUser() {
  window.localStorage.removeItem(STORAGE_KEY);
}
