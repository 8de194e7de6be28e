import { MantineProvider } from '@mantine/core';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { Client, Provider, makeResult, type Exchange, type Operation } from 'urql';
import { filter, map, pipe } from 'wonka';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { SessionProvider } from '../lib/auth';
import { SignIn } from '../pages/SignIn';
import { getToken } from '../lib/session';

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

function renderWith(client: Client) {
  return render(
    <MantineProvider>
      <Provider value={client}>
        <SessionProvider>
          <MemoryRouter>
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
    expect(respond.mock.calls.filter(([op]) => op.kind === 'mutation')).toHaveLength(1);
    expect(respond.mock.calls[0][0].variables).toEqual({ email: 'ana@example.org', password: 'nope' });
    expect(getToken()).toBeNull();
    expect(sessionStorage.length).toBe(0);
  });

  it('refuses an empty API token without asking the server', async () => {
    const respond = vi.fn(() => null);
    renderWith(mockClient(respond));
    await userEvent.click(screen.getByRole('button', { name: 'Use token' }));
    expect(await screen.findByText('Paste an API token.')).toBeInTheDocument();
    expect(respond).not.toHaveBeenCalled();
  });
});
