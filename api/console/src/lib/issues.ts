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

/** One line of the run's own summary (`SyncRun.issueSummary`): exact counts, errors first. */
export interface IssueCountLike {
  code: string;
  severity: 'ERROR' | 'ALERT';
  count: number;
}

/**
 * The run's summary per code, with the entity kinds each code was seen on among the examples
 * loaded. The counts are the server's (exact, whatever the number of examples kept); the order is
 * the server's (errors first, then the most frequent).
 */
export function summarizeIssues(summary: readonly IssueCountLike[], examples: readonly IssueLike[]): IssueSummaryRow[] {
  const kinds = new Map<string, Set<string>>();
  for (const i of examples) {
    if (!i.entityKind) continue;
    const key = `${i.severity}:${i.code}`;
    if (!kinds.has(key)) kinds.set(key, new Set());
    kinds.get(key)!.add(i.entityKind);
  }
  return summary.map((s) => ({
    code: s.code,
    severity: s.severity,
    count: s.count,
    entities: [...(kinds.get(`${s.severity}:${s.code}`) ?? [])].sort(),
  }));
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
