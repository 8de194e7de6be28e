import { describe, expect, it } from 'vitest';
import { buildConfig, kindSpec, valuesOf } from '../lib/connectors';
import { errorsByField, otherErrors } from '../lib/errors';
import { filterIssues, summarizeIssues, wouldRemove, type IssueLike } from '../lib/issues';
import { homeFor, mayVisit, navFor } from '../lib/roles';
import { claimedFilter, matchesSearch } from '../lib/classes';
import { canResend, canRevoke, deliveryInFlight, toggle, toggleAll } from '../lib/families';

describe('navigation per role', () => {
  it('gives a teacher Classes and Families only', () => {
    expect(navFor('TEACHER').map((l) => l.label)).toEqual(['Classes', 'Families']);
    expect(homeFor('TEACHER')).toBe('/classes');
  });
  it('gives a district admin every page, in menu order', () => {
    expect(navFor('DISTRICT_ADMIN').map((l) => l.label)).toEqual([
      'Classes', 'People', 'Families', 'Sync', 'Imports', 'Audit log', 'Settings',
    ]);
  });
  it('lets a role open only its own sections (and person pages through classes)', () => {
    expect(mayVisit('TEACHER', '/classes/abc')).toBe(true);
    expect(mayVisit('TEACHER', '/people/abc')).toBe(true);
    expect(mayVisit('TEACHER', '/sync')).toBe(false);
    expect(mayVisit('TEACHER', '/settings')).toBe(false);
    expect(mayVisit('PARTNER', '/sync/runs/r1')).toBe(true);
    expect(mayVisit('PARTNER', '/people/abc')).toBe(false);
    expect(mayVisit('DISTRICT_ADMIN', '/audit')).toBe(true);
    expect(mayVisit('GUARDIAN', '/classes')).toBe(false);
    expect(mayVisit('GUARDIAN', '/no-access')).toBe(true);
    expect(mayVisit('TEACHER', '/no-such-page')).toBe(true);
  });
  it('gives a guardian nothing and lands them on the no-access page', () => {
    expect(navFor('GUARDIAN')).toEqual([]);
    expect(homeFor('GUARDIAN')).toBe('/no-access');
  });
});

describe('connector config', () => {
  const rest = kindSpec('ONEROSTER_REST').variants[0].fields;
  it('requires the fields the kind needs and names each missing one', () => {
    const { errors } = buildConfig(rest, { base_url: 'https://sis.example' });
    expect(Object.keys(errors).sort()).toEqual(['client_id', 'client_secret', 'version']);
    expect(errors.client_id).toBe('Client ID is required.');
  });
  it('leaves empty optional fields out and trims values', () => {
    const { config, errors } = buildConfig(rest, {
      base_url: ' https://sis.example ', version: '1.2', client_id: 'id', client_secret: 's', token_url: '  ',
    });
    expect(errors).toEqual({});
    expect(config).toEqual({ base_url: 'https://sis.example', version: '1.2', client_id: 'id', client_secret: 's' });
  });
  it('parses numbers, number lists and JSON, and rejects bad ones', () => {
    const aeries = kindSpec('AERIES').variants[0].fields;
    const ok = buildConfig(aeries, { base_url: 'u', cert: 'c', database_year: '2025', school_codes: '994, 995', relationship_codes: '{"10":"parent"}' });
    expect(ok.config).toMatchObject({ database_year: 2025, school_codes: [994, 995], relationship_codes: { '10': 'parent' } });
    const bad = buildConfig(aeries, { base_url: 'u', cert: 'c', database_year: 'soon', school_codes: '994, x', relationship_codes: '{' });
    expect(Object.keys(bad.errors).sort()).toEqual(['database_year', 'relationship_codes', 'school_codes']);
  });
  it('round-trips a stored config into form values', () => {
    expect(valuesOf({ path: '/srv/x', school_codes: [1, 2], relationship_codes: { a: 'parent' }, secret: null })).toEqual({
      path: '/srv/x', school_codes: '1, 2', relationship_codes: '{"a":"parent"}',
    });
  });
  it('offers ClassLink direct and proxy field sets', () => {
    expect(kindSpec('CLASSLINK').variants.map((v) => v.fields.filter((f) => f.required).map((f) => f.key))).toEqual([
      ['base_url', 'client_id', 'client_secret'],
      ['proxy_url', 'bearer_token'],
    ]);
  });
});

describe('userErrors', () => {
  const errs = [
    { field: ['input', 'email'], message: 'Not an email.', code: 'BAD' },
    { field: ['input', 'email'], message: 'Taken.', code: 'TAKEN' },
    { field: null, message: 'Try later.', code: 'RATE' },
  ];
  it('sits each message next to its field (last path segment)', () => {
    expect(errorsByField(errs)).toEqual({ email: 'Not an email. Taken.', '': 'Try later.' });
  });
  it('lists the messages no shown control carries', () => {
    expect(otherErrors(errs, ['email'])).toEqual(['Try later.']);
    expect(otherErrors(errs, [])).toEqual(['Not an email.', 'Taken.', 'Try later.']);
  });
});

describe('sync issues', () => {
  const issues: IssueLike[] = [
    { severity: 'ERROR', code: 'unknown_reference', entityKind: 'enrollment', externalId: 'e1', message: 'class c9 unknown' },
    { severity: 'ALERT', code: 'shared_phone', entityKind: 'person', externalId: 'p1', message: 'phone shared' },
    { severity: 'ERROR', code: 'unknown_reference', entityKind: 'relationship', externalId: 'r1', message: 'student s1 unknown' },
    { severity: 'ALERT', code: 'would_remove', entityKind: 'person', externalId: 'p2', message: 'person p2 would be removed' },
    { severity: 'ALERT', code: 'would_remove', entityKind: 'class', externalId: 'c2', message: 'class c2 would be removed' },
    { severity: 'ALERT', code: 'would_remove', entityKind: 'person', externalId: 'p3', message: 'person p3 would be removed' },
  ];
  it("keeps the server's exact counts and order, with the entity kinds of the loaded examples", () => {
    const server = [
      { code: 'unknown_reference', severity: 'ERROR' as const, count: 2 },
      { code: 'would_remove', severity: 'ALERT' as const, count: 3 },
      // More than were loaded as examples, and one code with no example loaded at all.
      { code: 'shared_phone', severity: 'ALERT' as const, count: 1200 },
      { code: 'invalid_value', severity: 'ALERT' as const, count: 1 },
    ];
    expect(summarizeIssues(server, issues)).toEqual([
      { code: 'unknown_reference', severity: 'ERROR', count: 2, entities: ['enrollment', 'relationship'] },
      { code: 'would_remove', severity: 'ALERT', count: 3, entities: ['class', 'person'] },
      { code: 'shared_phone', severity: 'ALERT', count: 1200, entities: ['person'] },
      { code: 'invalid_value', severity: 'ALERT', count: 1, entities: [] },
    ]);
  });
  it('filters by severity, code, entity and text (message or SIS id)', () => {
    expect(filterIssues(issues, { severity: 'ERROR' })).toHaveLength(2);
    expect(filterIssues(issues, { code: 'would_remove', entityKind: 'person' }).map((i) => i.externalId)).toEqual(['p2', 'p3']);
    expect(filterIssues(issues, { text: 'R1' }).map((i) => i.externalId)).toEqual(['r1']);
    expect(filterIssues(issues, {})).toHaveLength(6);
  });
  it('groups what a held run would remove by entity kind', () => {
    const groups = wouldRemove(issues);
    expect([...groups.keys()]).toEqual(['person', 'class']);
    expect(groups.get('person')!.map((i) => i.externalId)).toEqual(['p2', 'p3']);
  });
});

describe('classes and families helpers', () => {
  it('maps the Claimed select to the filter', () => {
    expect(claimedFilter('all')).toBeUndefined();
    expect(claimedFilter('claimed')).toBe(true);
    expect(claimedFilter('unclaimed')).toBe(false);
  });
  it('searches case- and accent-insensitively', () => {
    expect(matchesSearch('alg', 'Álgebra I', null)).toBe(true);
    expect(matchesSearch('MATH-7', 'Maths', 'math-701')).toBe(true);
    expect(matchesSearch('bio', 'Chemistry', 'CHEM')).toBe(false);
    expect(matchesSearch('  ', 'anything')).toBe(true);
  });
  it('knows which invitations can be resent or revoked', () => {
    expect(canResend('FAILED')).toBe(true);
    expect(canResend('ACCEPTED')).toBe(false);
    expect(canRevoke('EXPIRED')).toBe(false);
    expect(canRevoke('SENT')).toBe(true);
  });
  it('keeps refreshing only while an invitation is queued', () => {
    expect(deliveryInFlight([{ invitation: { status: 'SENT' } }, { invitation: null }])).toBe(false);
    expect(deliveryInFlight([{ invitation: { status: 'PENDING' } }])).toBe(true);
  });
  it('toggles one selection or all of them', () => {
    expect([...toggle(new Set(['a']), 'b')]).toEqual(['a', 'b']);
    expect([...toggle(new Set(['a']), 'a')]).toEqual([]);
    expect([...toggleAll(new Set(['a']), ['a', 'b'])]).toEqual(['a', 'b']);
    expect([...toggleAll(new Set(['a', 'b']), ['a', 'b'])]).toEqual([]);
  });
});
