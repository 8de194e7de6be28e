import { MantineProvider } from '@mantine/core';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { Client, Provider, makeResult, type Exchange, type Operation } from 'urql';
import { filter, map, pipe } from 'wonka';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { SessionProvider } from '../lib/auth';
import { SignIn } from '../pages/SignIn';
import { getToken, setToken } from '../lib/session';

beforeAll(() => {
  // jsdom lacks matchMedia, which Mantine asks for.
  Object.defineProperty(window, 'matchMedia', {
    writable: true,
    value: (query: string) => ({
      matches: false, media: query, onchange: null,
      addListener: () => {}, removeListener: () => {}, addEventListener: () => {}, removeEventListener: () => {}, dispatchEvent: () => false,
    }),
  });
});

/** A client whose every operation is answered by `respond` (no network). */
function mockClient(respond: (op: Operation) => Record<string, unknown> | null) {
  const exchange: Exchange = () => (ops$) =>
    pipe(
      ops$,
      filter((op) => op.kind !== 'teardown'),
      map((op) => makeResult(op, { data: respond(op) })),
    );
  return new Client({ url: '/graphql', exchanges: [exchange] });
}

function renderWith(client: Client, entry = '/signin') {
  return render(
    <MantineProvider>
      <Provider value={client}>
        <SessionProvider>
          <MemoryRouter initialEntries={[entry]}>
            <SignIn />
          </MemoryRouter>
        </SessionProvider>
      </Provider>
    </MantineProvider>,
  );
}

describe('sign-in', () => {
  it('shows a refused login next to the field at fault and keeps no token', async () => {
    const respond = vi.fn((op: Operation) =>
      op.kind === 'mutation'
        ? { login: { token: null, userErrors: [{ field: ['password'], message: 'Wrong email or password.', code: 'INVALID_CREDENTIALS' }] } }
        : null,
    );
    renderWith(mockClient(respond));
    await userEvent.type(screen.getByLabelText(/^Email/), 'ana@example.org');
    await userEvent.type(screen.getByLabelText(/^Password/), 'nope');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    const password = screen.getByLabelText(/^Password/);
    expect(await screen.findByText('Wrong email or password.')).toBeInTheDocument();
    expect(password).toHaveAccessibleDescription(/Wrong email or password/);
    const mutations = respond.mock.calls.filter(([op]) => op.kind === 'mutation');
    expect(mutations).toHaveLength(1);
    expect(mutations[0][0].variables).toEqual({ email: 'ana@example.org', password: 'nope' });
    expect(getToken()).toBeNull();
    expect(sessionStorage.length).toBe(0);
  });

  it('refuses an empty API token without asking the server', async () => {
    const respond = vi.fn((_op: Operation) => null);
    renderWith(mockClient(respond));
    await userEvent.click(screen.getByRole('button', { name: 'Use token' }));
    expect(await screen.findByText('Paste an API token.')).toBeInTheDocument();
    // Only the sign-in buttons were asked for: no token was checked.
    expect(respond.mock.calls.filter(([op]) => op.kind !== 'query')).toHaveLength(0);
  });

  it('exchanges a single sign-on code once for a session', async () => {
    const respond = vi.fn((op: Operation) => {
      if (op.kind === 'mutation') return { completeSignIn: { token: 'hr_sso_session', userErrors: [] } };
      return {
        signInProviders: [],
        viewer: { role: 'TEACHER', scopes: [], person: { id: 'p1', displayName: 'Tia Alpha' }, district: { id: 'd1', name: 'D' } },
      };
    });
    renderWith(mockClient(respond), '/signin?signin=one-time-code');
    await vi.waitFor(() => expect(getToken()).toBe('hr_sso_session'));
    const mutations = respond.mock.calls.filter(([op]) => op.kind === 'mutation');
    expect(mutations).toHaveLength(1);
    expect(mutations[0][0].variables).toEqual({ code: 'one-time-code' });
    setToken(null);
  });

  it('shows why single sign-on failed', async () => {
    renderWith(mockClient(() => ({ signInProviders: [] })), '/signin?signin_error=no_account');
    expect(await screen.findByText(/No Homeroom account matches that sign-in/)).toBeInTheDocument();
    expect(getToken()).toBeNull();
  });
});
