import { MantineProvider } from '@mantine/core';
import { Provider as UrqlProvider } from 'urql';
import { useEffect, useMemo, useState } from 'react';
import { getToken, onTokenChange } from './lib/session';
import { RouterProvider } from 'react-router';
import { makeClient } from './lib/client';
import { SessionProvider } from './lib/auth';
import { router } from './routes';
import { cssVariables, theme } from './theme';

export function App() {
  // A new client per session: nothing cached for one token is shown to the next.
  const [token, setToken] = useState(getToken());
  useEffect(() => onTokenChange(setToken), []);
  const client = useMemo(() => makeClient(), [token]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariables} defaultColorScheme="light">
      <UrqlProvider value={client}>
        <SessionProvider>
          <RouterProvider router={router} />
        </SessionProvider>
      </UrqlProvider>
    </MantineProvider>
  );
}
