import { MantineProvider } from '@mantine/core';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { Client, Provider, makeResult, type Exchange, type Operation, type OperationResult } from 'urql';
import { filter, fromValue, map, mergeMap, pipe, type Source } from 'wonka';

/** What jsdom lacks and Mantine asks for. */
export function stubMatchMedia() {
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
  Object.defineProperty(window, 'matchMedia', {
    writable: true,
    value: (query: string) => ({
      matches: false, media: query, onchange: null,
      addListener: () => {}, removeListener: () => {}, addEventListener: () => {}, removeEventListener: () => {}, dispatchEvent: () => false,
    }),
  });
}

/**
 * A client that answers every operation locally: `respond` returns data for queries and
 * mutations, or a wonka source of data for subscriptions.
 */
export function mockClient(
  respond: (op: Operation) => Record<string, unknown> | null | Source<Record<string, unknown>>,
) {
  const exchange: Exchange = () => (ops$) =>
    pipe(
      ops$,
      filter((op) => op.kind !== 'teardown'),
      mergeMap((op): Source<OperationResult> => {
        const answer = respond(op);
        const source = typeof answer === 'function' ? answer : fromValue(answer);
        return pipe(source, map((data) => makeResult(op, { data })));
      }),
    );
  return new Client({ url: '/graphql', exchanges: [exchange] });
}

export function renderAt(client: Client, path: string, pattern: string, element: ReactNode) {
  return render(
    <MantineProvider>
      <Provider value={client}>
        <MemoryRouter initialEntries={[path]}>
          <Routes>
            <Route path={pattern} element={element} />
          </Routes>
        </MemoryRouter>
      </Provider>
    </MantineProvider>,
  );
}
