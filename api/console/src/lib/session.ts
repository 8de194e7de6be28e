// The session token lives in memory and in sessionStorage (so a reload keeps the tab signed
// in); never in a URL, never in localStorage, never logged.

const KEY = 'homeroom.session';
// How the token was obtained: 'login' (a session this console started, ended by `logout` on
// Sign out) or 'token' (pasted by an operator: Sign out forgets it here but leaves it valid).
const KIND_KEY = 'homeroom.session.kind';

export type TokenKind = 'login' | 'token';

type Listener = (token: string | null) => void;

let current: string | null = readStored();
const listeners = new Set<Listener>();

function readStored(): string | null {
  try {
    return globalThis.sessionStorage?.getItem(KEY) ?? null;
  } catch {
    return null;
  }
}

export function getToken(): string | null {
  return current;
}

export function getTokenKind(): TokenKind {
  try {
    return globalThis.sessionStorage?.getItem(KIND_KEY) === 'login' ? 'login' : 'token';
  } catch {
    return 'token';
  }
}

export function setToken(token: string | null, kind: TokenKind = 'token'): void {
  current = token && token.trim() ? token.trim() : null;
  try {
    if (current) {
      sessionStorage.setItem(KEY, current);
      sessionStorage.setItem(KIND_KEY, kind);
    } else {
      sessionStorage.removeItem(KEY);
      sessionStorage.removeItem(KIND_KEY);
    }
  } catch {
    // storage unavailable (private mode): the token stays in memory only
  }
  for (const l of listeners) l(current);
}

export function onTokenChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
