import type { ViewerRole } from '../gql/graphql';

export interface NavLink {
  label: 'Classes' | 'People' | 'Families' | 'Sync' | 'Imports' | 'Audit log' | 'Settings';
  to: string;
}

const ALL: NavLink[] = [
  { label: 'Classes', to: '/classes' },
  { label: 'People', to: '/people' },
  { label: 'Families', to: '/families' },
  { label: 'Sync', to: '/sync' },
  { label: 'Imports', to: '/imports' },
  { label: 'Audit log', to: '/audit' },
  { label: 'Settings', to: '/settings' },
];

const ALLOWED: Record<ViewerRole, NavLink['label'][]> = {
  DISTRICT_ADMIN: ['Classes', 'People', 'Families', 'Sync', 'Imports', 'Audit log', 'Settings'],
  SCHOOL_ADMIN: ['Classes', 'People', 'Families', 'Imports'],
  TEACHER: ['Classes', 'Families'],
  AIDE: ['Classes', 'Families'],
  PARTNER: ['Sync'],
  STAFF: [],
  STUDENT: [],
  GUARDIAN: [],
};

/** The navigation a role may use, in menu order. */
export function navFor(role: ViewerRole | null | undefined): NavLink[] {
  if (!role) return [];
  const allowed = ALLOWED[role] ?? [];
  return ALL.filter((l) => allowed.includes(l.label));
}

/** Where a role lands after signing in. */
export function homeFor(role: ViewerRole | null | undefined): string {
  return navFor(role)[0]?.to ?? '/no-access';
}

export function isAdmin(role: ViewerRole | null | undefined): boolean {
  return role === 'DISTRICT_ADMIN' || role === 'SCHOOL_ADMIN';
}
