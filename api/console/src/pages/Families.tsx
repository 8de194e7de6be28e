import { Badge, Button, Card, Checkbox, Group, NativeSelect, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../gql';
import type { Channel, InviteState, RelationshipKind } from '../gql/graphql';
import { Empty, ErrorNote, Loading, Messages, Page, StateBadge, formatTime, humanize } from '../components/common';
import { errorsByField, otherErrors, type UserErrorLike } from '../lib/errors';
import { canResend, canRevoke, deliveryInFlight, toggle, toggleAll } from '../lib/families';

const MyClassesDoc = graphql(`
  query FamilyClasses {
    classes(first: 500) {
      totalCount
      nodes { id title school { id name } }
    }
  }
`);

const ManagerDoc = graphql(`
  query FamilyInviteManager($id: ID!, $state: InviteState) {
    class(id: $id) {
      id
      title
      students { id displayName }
      familyInviteManager(first: 500, filter: { state: $state }) {
        totalCount
        nodes {
          id
          kind
          state
          guardian { id displayName }
          student { id displayName }
          contactPoints { id kind value masked verified reachable unreachableReason }
          invitation { id status channel lastError attempts resendCount sentAt deliveredAt acceptedAt expiresAt }
        }
      }
    }
  }
`);

const InviteDoc = graphql(`
  mutation InviteFamilies($classId: ID!, $relationshipIds: [ID!], $all: Boolean, $channel: Channel) {
    inviteFamilies(classId: $classId, relationshipIds: $relationshipIds, all: $all, channel: $channel) {
      invitations { id status }
      userErrors { field message code }
    }
  }
`);

const ResendDoc = graphql(`
  mutation ResendInvitation($id: ID!) {
    resendInvitation(id: $id) {
      invitation { id status resendCount expiresAt }
      userErrors { field message code }
    }
  }
`);

const RevokeDoc = graphql(`
  mutation RevokeInvitation($id: ID!) {
    revokeInvitation(id: $id) {
      invitation { id status }
      userErrors { field message code }
    }
  }
`);

const ResetDoc = graphql(`
  mutation ResetContactPoint($id: ID!) {
    setContactPointReachable(id: $id) { id reachable unreachableReason }
  }
`);

const InviteGuardianDoc = graphql(`
  mutation InviteGuardian($studentId: ID!, $input: GuardianInviteInput!) {
    inviteGuardian(studentId: $studentId, input: $input) {
      invitations { id status }
      userErrors { field message code }
    }
  }
`);

const STATES: InviteState[] = ['NOT_INVITED', 'INVITED', 'DELIVERED', 'FAILED', 'ACCEPTED'];
const KINDS: RelationshipKind[] = ['PARENT', 'GUARDIAN', 'RELATIVE', 'AIDE', 'OTHER'];

export default function Families() {
  const { classId } = useParams();
  const navigate = useNavigate();
  const [{ data, fetching, error }] = useQuery({ query: MyClassesDoc });
  return (
    <Page title="Families">
      {fetching && !data ? (
        <Loading label="Loading classes" />
      ) : error ? (
        <ErrorNote error={error} />
      ) : (
        <NativeSelect
          label="Class"
          maw={480}
          value={classId ?? ''}
          onChange={(e) => navigate(e.currentTarget.value ? `/families/${encodeURIComponent(e.currentTarget.value)}` : '/families')}
          data={[
            { value: '', label: 'Choose a class…' },
            ...(data?.classes.nodes ?? []).map((c) => ({ value: c.id, label: c.school ? `${c.title} (${c.school.name})` : c.title })),
          ]}
        />
      )}
      {classId ? <Manager classId={classId} key={classId} /> : <Empty>Choose a class to see its families.</Empty>}
    </Page>
  );
}

function Manager({ classId }: { classId: string }) {
  const [state, setState] = useState<InviteState | ''>('');
  const [channel, setChannel] = useState<Channel | ''>('');
  const [{ data, fetching, error }, refetch] = useQuery({
    query: ManagerDoc,
    variables: { id: classId, state: state || undefined },
    requestPolicy: 'cache-and-network',
  });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [errors, setErrors] = useState<UserErrorLike[]>([]);
  const [rowErrors, setRowErrors] = useState<Record<string, string>>({});
  const [inviteState, invite] = useMutation(InviteDoc);
  const [, resend] = useMutation(ResendDoc);
  const [, revoke] = useMutation(RevokeDoc);
  const [, reset] = useMutation(ResetDoc);
  const rows = useMemo(() => data?.class?.familyInviteManager.nodes ?? [], [data]);
  const inFlight = deliveryInFlight(rows);

  // While an invitation is queued, refresh so the page shows it leave (sent, delivered, failed).
  useEffect(() => {
    if (!inFlight) return;
    const t = setInterval(() => refetch({ requestPolicy: 'network-only' }), 1500);
    return () => clearInterval(t);
  }, [inFlight, refetch]);

  if (fetching && !data) return <Loading label="Loading families" />;
  if (error) return <ErrorNote error={error} />;
  const cls = data?.class;
  if (!cls) return <Empty>This class does not exist or is not visible to you.</Empty>;
  const conn = cls.familyInviteManager;
  const refresh = () => refetch({ requestPolicy: 'network-only' });

  async function doInvite(vars: { relationshipIds?: string[]; all?: boolean }) {
    setErrors([]);
    const r = await invite({ classId, channel: channel || null, ...vars });
    setErrors(r.data?.inviteFamilies.userErrors ?? []);
    setSelected(new Set());
    refresh();
  }

  async function rowAction(rowId: string, action: () => Promise<{ errors: UserErrorLike[]; failed?: string }>) {
    const res = await action();
    setRowErrors((old) => ({ ...old, [rowId]: res.failed ?? res.errors.map((e) => e.message).join(' ') }));
    refresh();
  }

  const notInvited = rows.filter((r) => r.state === 'NOT_INVITED').map((r) => r.id);
  return (
    <Stack gap="md">
      <Title order={3} size="h4">Family invite manager: {cls.title}</Title>
      <Group align="flex-end" gap="sm" wrap="wrap">
        <NativeSelect
          label="State"
          value={state}
          onChange={(e) => {
            setState(e.currentTarget.value as InviteState | '');
            setSelected(new Set());
          }}
          data={[{ value: '', label: 'All states' }, ...STATES.map((s) => ({ value: s, label: humanize(s) }))]}
        />
        <NativeSelect
          label="Send by"
          description="Families without it get the other channel"
          value={channel}
          onChange={(e) => setChannel(e.currentTarget.value as Channel | '')}
          data={[
            { value: '', label: 'District default' },
            { value: 'EMAIL', label: 'Email' },
            { value: 'SMS', label: 'Text message' },
          ]}
        />
        <Button onClick={() => doInvite({ relationshipIds: [...selected] })} disabled={selected.size === 0} loading={inviteState.fetching && !inviteState.operation?.variables.all}>
          Invite selected ({selected.size})
        </Button>
        <Button onClick={() => doInvite({ all: true })} loading={inviteState.fetching && !!inviteState.operation?.variables.all} variant="default">
          Invite all
        </Button>
      </Group>
      <Text role="status" aria-live="polite">
        {conn.totalCount} {conn.totalCount === 1 ? 'family link' : 'family links'}
        {inFlight ? ' · sending invitations…' : ''}
      </Text>
      <Messages messages={errors.map((e) => e.message)} title="Some families were not invited" />
      <ErrorNote error={inviteState.error} />
      {rows.length === 0 ? (
        <Empty>No families {state ? `in state “${humanize(state)}”` : 'in this class'}.</Empty>
      ) : (
        <Table.ScrollContainer minWidth={820}>
          <Table striped aria-label="Families">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>
                  <Checkbox
                    aria-label="Select every family not yet invited"
                    checked={notInvited.length > 0 && notInvited.every((i) => selected.has(i))}
                    onChange={() => setSelected(toggleAll(selected, notInvited))}
                  />
                </Table.Th>
                <Table.Th>Student</Table.Th>
                <Table.Th>Guardian</Table.Th>
                <Table.Th>Contact points</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>Invitation</Table.Th>
                <Table.Th>Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => {
                const inv = r.invitation;
                return (
                  <Table.Tr key={r.id} data-testid="family-row">
                    <Table.Td>
                      <Checkbox
                        aria-label={`Select ${r.guardian.displayName} (${r.student.displayName})`}
                        disabled={r.state !== 'NOT_INVITED'}
                        checked={selected.has(r.id)}
                        onChange={() => setSelected(toggle(selected, r.id))}
                      />
                    </Table.Td>
                    <Table.Td>{r.student.displayName}</Table.Td>
                    <Table.Td>
                      {r.guardian.displayName}
                      <Text size="xs" c="dimmed">{humanize(r.kind)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Stack gap={2}>
                        {r.contactPoints.map((cp) => (
                          <Group key={cp.id} gap={4} wrap="nowrap">
                            <Text size="sm">{cp.value}</Text>
                            {!cp.reachable && (
                              <>
                                <Badge color="red" variant="light" title={cp.unreachableReason ?? undefined}>Unreachable</Badge>
                                <Button
                                  size="compact-xs"
                                  variant="subtle"
                                  aria-label={`Reset ${cp.value} as reachable`}
                                  onClick={() =>
                                    rowAction(r.id, async () => {
                                      const res = await reset({ id: cp.id });
                                      return { errors: [], failed: res.error?.message };
                                    })
                                  }
                                >
                                  Reset
                                </Button>
                              </>
                            )}
                          </Group>
                        ))}
                        {r.contactPoints.length === 0 && <Text size="sm" c="dimmed">None</Text>}
                      </Stack>
                    </Table.Td>
                    <Table.Td data-testid="family-state"><StateBadge value={r.state} /></Table.Td>
                    <Table.Td>
                      {inv ? (
                        <Stack gap={2}>
                          <Group gap={4} wrap="nowrap">
                            <span data-testid="invitation-status"><StateBadge value={inv.status} /></span>
                            <Text size="xs">{inv.channel === 'EMAIL' ? 'Email' : 'Text'}</Text>
                          </Group>
                          {inv.sentAt && <Text size="xs">Sent {formatTime(inv.sentAt)}</Text>}
                          {inv.lastError && <Text size="xs" c="red.9">{inv.lastError}</Text>}
                        </Stack>
                      ) : (
                        '—'
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        {r.state === 'NOT_INVITED' && (
                          <Button size="compact-sm" variant="default" aria-label={`Invite ${r.guardian.displayName}`} onClick={() => rowAction(r.id, async () => {
                            const res = await invite({ classId, channel: channel || null, relationshipIds: [r.id] });
                            return { errors: res.data?.inviteFamilies.userErrors ?? [], failed: res.error?.message };
                          })}>
                            Invite
                          </Button>
                        )}
                        {inv && canResend(inv.status) && (
                          <Button size="compact-sm" variant="default" aria-label={`Resend to ${r.guardian.displayName}`} onClick={() => rowAction(r.id, async () => {
                            const res = await resend({ id: inv.id });
                            return { errors: res.data?.resendInvitation.userErrors ?? [], failed: res.error?.message };
                          })}>
                            Resend
                          </Button>
                        )}
                        {inv && canRevoke(inv.status) && (
                          <Button size="compact-sm" variant="subtle" color="red" aria-label={`Revoke the invitation of ${r.guardian.displayName}`} onClick={() => rowAction(r.id, async () => {
                            const res = await revoke({ id: inv.id });
                            return { errors: res.data?.revokeInvitation.userErrors ?? [], failed: res.error?.message };
                          })}>
                            Revoke
                          </Button>
                        )}
                      </Group>
                      {rowErrors[r.id] && <Text size="xs" c="red.9" role="alert">{rowErrors[r.id]}</Text>}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <InviteGuardianForm students={cls.students} onDone={refresh} />
    </Stack>
  );
}

function InviteGuardianForm({ students, onDone }: { students: { id: string; displayName: string }[]; onDone: () => void }) {
  const [studentId, setStudentId] = useState('');
  const [givenName, setGivenName] = useState('');
  const [familyName, setFamilyName] = useState('');
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState('');
  const [kind, setKind] = useState<RelationshipKind>('PARENT');
  const [errors, setErrors] = useState<UserErrorLike[]>([]);
  const [done, setDone] = useState(false);
  const [state, run] = useMutation(InviteGuardianDoc);
  const byField = errorsByField(errors);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setDone(false);
    if (!studentId) {
      setErrors([{ field: ['studentId'], message: 'Choose a student.', code: 'REQUIRED' }]);
      return;
    }
    const r = await run({ studentId, input: { givenName, familyName, email: email || undefined, phone: phone || undefined, kind } });
    const errs = r.data?.inviteGuardian.userErrors ?? [];
    setErrors(errs);
    if (r.data && !errs.length) {
      setDone(true);
      setGivenName('');
      setFamilyName('');
      setEmail('');
      setPhone('');
      onDone();
    }
  }
  return (
    <Card withBorder component="section" aria-labelledby="invite-guardian-title">
      <Title order={3} size="h4" mb="xs" id="invite-guardian-title">Invite another guardian of a student</Title>
      <form onSubmit={submit} noValidate>
        <Group align="flex-start" gap="sm" wrap="wrap">
          <NativeSelect
            label="Student"
            value={studentId}
            onChange={(e) => setStudentId(e.currentTarget.value)}
            data={[{ value: '', label: 'Choose…' }, ...students.map((s) => ({ value: s.id, label: s.displayName }))]}
            error={byField.studentId}
          />
          <TextInput label="Guardian given name" required value={givenName} onChange={(e) => setGivenName(e.currentTarget.value)} error={byField.givenName} />
          <TextInput label="Guardian family name" required value={familyName} onChange={(e) => setFamilyName(e.currentTarget.value)} error={byField.familyName} />
          <TextInput label="Guardian email" type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={byField.email} />
          <TextInput label="Guardian phone" type="tel" value={phone} onChange={(e) => setPhone(e.currentTarget.value)} error={byField.phone} />
          <NativeSelect label="Relationship" value={kind} onChange={(e) => setKind(e.currentTarget.value as RelationshipKind)} data={KINDS.map((k) => ({ value: k, label: humanize(k) }))} />
        </Group>
        <Messages messages={otherErrors(errors, ['studentId', 'givenName', 'familyName', 'email', 'phone'])} />
        <ErrorNote error={state.error} />
        <Group mt="sm">
          <Button type="submit" loading={state.fetching}>Invite guardian</Button>
          {done && <Text size="sm" role="status">Invitation queued.</Text>}
        </Group>
      </form>
    </Card>
  );
}
