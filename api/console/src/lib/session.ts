// The session token lives in memory and in sessionStorage (so a reload keeps the tab signed
// in); never in a URL, never in localStorage, never logged.

const KEY = 'homeroom.session';

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

export function setToken(token: string | null): void {
  current = token && token.trim() ? token.trim() : null;
  try {
    if (current) sessionStorage.setItem(KEY, current);
    else sessionStorage.removeItem(KEY);
  } catch {
    // storage unavailable (private mode): the token stays in memory only
  }
  for (const l of listeners) l(current);
}

export function onTokenChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
