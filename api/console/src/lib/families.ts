/** States in which a family row's invitation can be sent again or withdrawn. */
export function canResend(invitationStatus: string | null | undefined): boolean {
  return invitationStatus === 'PENDING' || invitationStatus === 'SENT' || invitationStatus === 'DELIVERED' || invitationStatus === 'FAILED' || invitationStatus === 'EXPIRED';
}

export function canRevoke(invitationStatus: string | null | undefined): boolean {
  return invitationStatus === 'PENDING' || invitationStatus === 'SENT' || invitationStatus === 'DELIVERED' || invitationStatus === 'FAILED';
}

/** Whether the manager should keep refreshing: an invitation is still on its way. */
export function deliveryInFlight(rows: readonly { invitation?: { status: string } | null }[]): boolean {
  return rows.some((r) => r.invitation?.status === 'PENDING');
}

/** Toggles one id in a selection; `all` replaces it with every id (or none when all were in). */
export function toggle(selected: ReadonlySet<string>, id: string): Set<string> {
  const next = new Set(selected);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

export function toggleAll(selected: ReadonlySet<string>, ids: readonly string[]): Set<string> {
  return ids.length > 0 && ids.every((i) => selected.has(i)) ? new Set() : new Set(ids);
}
