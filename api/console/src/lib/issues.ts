export interface IssueLike {
  severity: 'ERROR' | 'ALERT';
  code: string;
  entityKind?: string | null;
  externalId?: string | null;
  message: string;
}

export interface IssueSummaryRow {
  code: string;
  severity: 'ERROR' | 'ALERT';
  count: number;
  /** Entity kinds the code was seen on, sorted. */
  entities: string[];
}

/**
 * Issue summary per code, computed from the per-record issues the client loaded.
 *
 * HOOK: when the schema gains `SyncRun.issueSummary`, the run page asks for it and uses it
 * instead of this (which only sees the pages of issues it fetched).
 */
export function summarizeIssues(issues: readonly IssueLike[]): IssueSummaryRow[] {
  const byKey = new Map<string, IssueSummaryRow & { kinds: Set<string> }>();
  for (const i of issues) {
    const key = `${i.severity}:${i.code}`;
    let row = byKey.get(key);
    if (!row) {
      row = { code: i.code, severity: i.severity, count: 0, entities: [], kinds: new Set() };
      byKey.set(key, row);
    }
    row.count += 1;
    if (i.entityKind) row.kinds.add(i.entityKind);
  }
  return [...byKey.values()]
    .map(({ kinds, ...r }) => ({ ...r, entities: [...kinds].sort() }))
    .sort((a, b) => (a.severity === b.severity ? b.count - a.count || a.code.localeCompare(b.code) : a.severity === 'ERROR' ? -1 : 1));
}

export interface IssueFilter {
  severity?: 'ERROR' | 'ALERT' | '';
  code?: string;
  entityKind?: string;
  text?: string;
}

export function filterIssues<T extends IssueLike>(issues: readonly T[], f: IssueFilter): T[] {
  const text = f.text?.trim().toLowerCase() ?? '';
  return issues.filter(
    (i) =>
      (!f.severity || i.severity === f.severity) &&
      (!f.code || i.code === f.code) &&
      (!f.entityKind || i.entityKind === f.entityKind) &&
      (!text || i.message.toLowerCase().includes(text) || (i.externalId ?? '').toLowerCase().includes(text)),
  );
}

/** The records a held run would remove, by entity kind. */
export function wouldRemove<T extends IssueLike>(issues: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const i of issues) {
    if (i.code !== 'would_remove') continue;
    const k = i.entityKind ?? 'record';
    if (!out.has(k)) out.set(k, []);
    out.get(k)!.push(i);
  }
  return out;
}
