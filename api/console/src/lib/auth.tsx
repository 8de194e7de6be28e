import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { Center, Loader } from '@mantine/core';
import { Navigate, useLocation } from 'react-router';
import { useClient, useQuery } from 'urql';
import { graphql } from '../gql';
import type { ViewerQuery } from '../gql/graphql';
import { getToken, onTokenChange, setToken } from './session';
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
    // Once the schema has `logout`, end the session server-side first (one line):
    // await client.mutation(LogoutDoc, {}).toPromise();
    void client;
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
  if (!token || rejected) return <Navigate to="/signin" replace state={{ from: location.pathname }} />;
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
