import { createBrowserRouter, Navigate } from 'react-router';
import { Layout } from './Layout';
import { SignIn } from './pages/SignIn';
import { RequireSession, HomeRedirect } from './lib/auth';

// Every page but the sign-in is its own chunk: the first load carries only the shell.
const page = (load: () => Promise<{ default: React.ComponentType }>) => async () => ({
  Component: (await load()).default,
});

export const router = createBrowserRouter([
  { path: '/signin', element: <SignIn /> },
  {
    path: '/',
    element: (
      <RequireSession>
        <Layout />
      </RequireSession>
    ),
    children: [
      { index: true, element: <HomeRedirect /> },
      { path: 'classes', lazy: page(() => import('./pages/Classes')) },
      { path: 'classes/:id', lazy: page(() => import('./pages/ClassPage')) },
      { path: 'families', lazy: page(() => import('./pages/Families')) },
      { path: 'families/:classId', lazy: page(() => import('./pages/Families')) },
      { path: 'sync', lazy: page(() => import('./pages/Sync')) },
      { path: 'sync/connectors/:id', lazy: page(() => import('./pages/ConnectorPage')) },
      { path: 'sync/runs/:id', lazy: page(() => import('./pages/SyncRunPage')) },
      { path: 'imports', lazy: page(() => import('./pages/Imports')) },
      { path: 'people', lazy: page(() => import('./pages/People')) },
      { path: 'people/:id', lazy: page(() => import('./pages/PersonPage')) },
      { path: 'audit', lazy: page(() => import('./pages/Audit')) },
      { path: 'settings', lazy: page(() => import('./pages/Settings')) },
      { path: 'no-access', lazy: page(() => import('./pages/NoAccess')) },
      { path: '*', lazy: page(() => import('./pages/NotFound')) },
    ],
  },
  { path: '*', element: <Navigate to="/" replace /> },
]);
