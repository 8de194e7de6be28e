/** The `claimed` filter of the "Claimed" select. */
export function claimedFilter(value: string): boolean | undefined {
  if (value === 'claimed') return true;
  if (value === 'unclaimed') return false;
  return undefined;
}

/** Case- and accent-insensitive match of a search text against any of the values. */
export function matchesSearch(search: string, ...values: (string | null | undefined)[]): boolean {
  const needle = fold(search.trim());
  if (!needle) return true;
  return values.some((v) => v != null && fold(v).includes(needle));
}

function fold(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}
