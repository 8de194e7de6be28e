import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { Center, Loader } from '@mantine/core';
import { Navigate, useLocation } from 'react-router';
import { useClient, useQuery } from 'urql';
import { graphql } from '../gql';
import type { ViewerQuery } from '../gql/graphql';
import { getToken, getTokenKind, onTokenChange, setToken } from './session';
import { homeFor } from './roles';

export const ViewerDoc = graphql(`
  query Viewer {
    viewer {
      role
      scopes
      person { id displayName }
      district { id name }
    }
  }
`);

export type Viewer = ViewerQuery['viewer'];

const LogoutDoc = graphql(`
  mutation Logout {
    logout
  }
`);

interface Session {
  token: string | null;
  viewer: Viewer | null;
  loading: boolean;
  /** The token was refused (expired or revoked). */
  rejected: boolean;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const client = useClient();
  const [token, setTokenState] = useState(getToken());
  useEffect(() => onTokenChange(setTokenState), []);
  const [{ data, error, fetching }] = useQuery({
    query: ViewerDoc,
    pause: !token,
    requestPolicy: 'network-only',
    context: undefined,
  });
  const rejected = !!token && !!error?.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
  const signOut = useCallback(async () => {
    // A session this console started ends on the server too; a pasted operator token is only
    // forgotten here (revoking it is `homeroom token revoke`, not a button press). Signing out
    // locally never waits on the network's verdict: a refused or failed logout still signs out.
    if (getToken() && getTokenKind() === 'login') {
      await client.mutation(LogoutDoc, {}, { requestPolicy: 'network-only' }).toPromise();
    }
    setToken(null);
  }, [client]);
  const value: Session = {
    token,
    viewer: token && data ? data.viewer : null,
    loading: !!token && (fetching || (!data && !error)),
    rejected,
    signOut,
  };
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

export function useViewer(): Viewer {
  const { viewer } = useSession();
  if (!viewer) throw new Error('no viewer');
  return viewer;
}

export function RequireSession({ children }: { children: ReactNode }) {
  const { token, viewer, loading, rejected } = useSession();
  const location = useLocation();
  useEffect(() => {
    if (rejected) setToken(null);
  }, [rejected]);
  // The query goes along: single sign-on returns to `/?signin=CODE` for the sign-in page.
  if (!token || rejected)
    return <Navigate to={{ pathname: '/signin', search: location.search }} replace state={{ from: location.pathname }} />;
  if (loading || !viewer) {
    return (
      <Center h="100vh">
        <Loader aria-label="Loading your session" />
      </Center>
    );
  }
  return <>{children}</>;
}

export function HomeRedirect() {
  const { viewer } = useSession();
  return <Navigate to={homeFor(viewer?.role)} replace />;
}
