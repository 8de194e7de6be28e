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

/**
 * Whether a role may open a path: the pages of its navigation, and person pages for the roles
 * that see people through their classes. Anything else shows the no-access page (the API would
 * refuse it anyway).
 */
export function mayVisit(role: ViewerRole | null | undefined, pathname: string): boolean {
  const first = pathname.split('/')[1] ?? '';
  const known = [...ALL.map((l) => l.to.slice(1)), 'people'];
  if (!known.includes(first)) return true; // the start page, no-access, or not found

  const sections = navFor(role).map((l) => l.to.slice(1));
  if (sections.length > 0 && sections.includes('classes')) sections.push('people');
  return sections.includes(first);
}
