import type { CombinedError } from 'urql';

export interface UserErrorLike {
  field?: readonly string[] | null;
  message: string;
  code: string;
}

/** Index userErrors by the last segment of their field path ("" for errors without a field). */
export function errorsByField(errors: readonly UserErrorLike[] | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors ?? []) {
    const key = e.field && e.field.length ? e.field[e.field.length - 1] : '';
    out[key] = out[key] ? `${out[key]} ${e.message}` : e.message;
  }
  return out;
}

/** Messages of errors whose field is not one of `shown` (they have no control to sit next to). */
export function otherErrors(
  errors: readonly UserErrorLike[] | null | undefined,
  shown: readonly string[],
): string[] {
  return (errors ?? [])
    .filter((e) => !(e.field && e.field.length && shown.includes(e.field[e.field.length - 1])))
    .map((e) => e.message);
}

/** A GraphQL or network error as one sentence for people. */
export function describeError(error: CombinedError | undefined | null): string | null {
  if (!error) return null;
  if (error.networkError) return 'Homeroom could not be reached. Check your connection and try again.';
  const first = error.graphQLErrors[0];
  const code = first?.extensions?.code;
  if (code === 'UNAUTHENTICATED') return 'Your session has ended. Sign in again.';
  if (code === 'FORBIDDEN') return 'You may not see or change this.';
  return first?.message ?? error.message;
}
