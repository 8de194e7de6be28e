import { Anchor, Badge, Button, Card, Checkbox, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../gql';
import { Empty, ErrorNote, Loading, Messages, Page, StateBadge, formatTime, humanize } from '../components/common';
import { useViewer } from '../lib/auth';
import type { UserErrorLike } from '../lib/errors';
import { ArchiveDoc, RestoreDoc, UnmergeDoc } from '../lib/people-ops';

const PersonDoc = graphql(`
  query PersonPage($id: ID!, $merges: AuditEventFilter, $admin: Boolean!) {
    person(id: $id) {
      id
      displayName
      givenName
      familyName
      middleName
      preferredName
      status
      accountState
      grade
      studentNumber
      roles { role org { id name } }
      contactPoints { id kind value masked verified reachable unreachableReason }
      guardians { id kind status source livesWithStudent guardian { id displayName } }
      students { id kind status source student { id displayName } }
      enrollments { role primary class { id title school { name } } }
    }
    auditEvents(filter: $merges, first: 20) @include(if: $admin) {
      nodes { id action createdAt actor { id displayName } }
    }
  }
`);

const RemoveRelDoc = graphql(`
  mutation RemoveRelationship($id: ID!) {
    removeRelationship(id: $id) {
      relationship { id status }
      userErrors { field message code }
    }
  }
`);

const RestoreRelDoc = graphql(`
  mutation RestoreRelationship($id: ID!) {
    restoreRelationship(id: $id) {
      relationship { id status }
      userErrors { field message code }
    }
  }
`);

const ResetCpDoc = graphql(`
  mutation ResetPersonContactPoint($id: ID!) {
    setContactPointReachable(id: $id) { id reachable unreachableReason }
  }
`);

export default function PersonPage() {
  const { id = '' } = useParams();
  const viewer = useViewer();
  const admin = viewer.role === 'DISTRICT_ADMIN';
  const [{ data, fetching, error }, refetch] = useQuery({
    query: PersonDoc,
    variables: { id, admin, merges: { action: 'person.merge', target: id } },
    requestPolicy: 'cache-and-network',
  });
  const [errors, setErrors] = useState<UserErrorLike[]>([]);
  const [override, setOverride] = useState(false);
  const [archiveState, archive] = useMutation(ArchiveDoc);
  const [restoreState, restore] = useMutation(RestoreDoc);
  const [unmergeState, unmerge] = useMutation(UnmergeDoc);
  const [, removeRel] = useMutation(RemoveRelDoc);
  const [, restoreRel] = useMutation(RestoreRelDoc);
  const [, resetCp] = useMutation(ResetCpDoc);
  if (fetching && !data) return <Loading label="Loading the person" />;
  if (error) return <ErrorNote error={error} />;
  const p = data?.person;
  if (!p) return <Page title="Person not found"><Empty>This person does not exist or is not visible to you.</Empty></Page>;
  const refresh = () => refetch({ requestPolicy: 'network-only' });
  const merges = data?.auditEvents?.nodes ?? [];
  return (
    <Page title={p.displayName}>
      <Group gap="xs">
        <StateBadge value={p.status} />
        <StateBadge value={p.accountState === 'NONE' ? 'NO_ACCOUNT' : p.accountState === 'CLAIMED' ? 'ACCOUNT_CLAIMED' : 'INVITED'} />
        {p.grade && <Text size="sm">Grade {p.grade}</Text>}
        {p.studentNumber && <Text size="sm">Student number {p.studentNumber}</Text>}
      </Group>
      <Messages messages={errors.map((e) => e.message)} />
      <ErrorNote error={archiveState.error ?? restoreState.error ?? unmergeState.error} />
      {admin && (
        <Group gap="sm">
          {p.status === 'ACTIVE' ? (
            <>
              <Button color="red" variant="outline" loading={archiveState.fetching} onClick={async () => {
                const r = await archive({ ids: [p.id], override });
                setErrors(r.data?.archivePeople.userErrors ?? []);
                refresh();
              }}>
                Archive
              </Button>
              <Checkbox label="Even if the SIS manages this person" checked={override} onChange={(e) => setOverride(e.currentTarget.checked)} />
            </>
          ) : (
            <Button variant="default" loading={restoreState.fetching} onClick={async () => {
              const r = await restore({ ids: [p.id] });
              setErrors(r.data?.restorePeople.userErrors ?? []);
              refresh();
            }}>
              Restore
            </Button>
          )}
        </Group>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder>
          <Title order={3} size="h4" mb="xs">Roles</Title>
          {p.roles.length ? (
            <ul style={{ margin: 0, paddingLeft: '1.2em' }}>
              {[...new Set(p.roles.map((r) => `${humanize(r.role)}${r.org ? ` at ${r.org.name}` : ''}`))].map((r) => <li key={r}>{r}</li>)}
            </ul>
          ) : <Empty>No roles.</Empty>}
        </Card>
        <Card withBorder>
          <Title order={3} size="h4" mb="xs">Contact points</Title>
          {p.contactPoints.length === 0 ? <Empty>None.</Empty> : (
            <Stack gap={4}>
              {p.contactPoints.map((cp) => (
                <Group key={cp.id} gap="xs">
                  <Text size="sm">{cp.kind === 'EMAIL' ? 'Email' : 'Phone'}: {cp.value}</Text>
                  {cp.masked && <Badge variant="light" color="gray">Masked</Badge>}
                  {cp.verified && <Badge variant="light" color="teal">Verified</Badge>}
                  {!cp.reachable && (
                    <>
                      <Badge variant="light" color="red" title={cp.unreachableReason ?? undefined}>Unreachable</Badge>
                      <Button size="compact-xs" variant="subtle" aria-label={`Reset ${cp.value} as reachable`} onClick={async () => { await resetCp({ id: cp.id }); refresh(); }}>Reset</Button>
                    </>
                  )}
                </Group>
              ))}
            </Stack>
          )}
        </Card>
        {(p.guardians.length > 0 || p.roles.some((r) => r.role === 'STUDENT')) && (
          <Card withBorder>
            <Title order={3} size="h4" mb="xs">Guardians</Title>
            {p.guardians.length === 0 ? <Empty>No guardians.</Empty> : (
              <Table aria-label="Guardians">
                <Table.Tbody>
                  {p.guardians.map((g) => (
                    <Table.Tr key={g.id}>
                      <Table.Td>{g.guardian ? <Anchor component={Link} to={`/people/${encodeURIComponent(g.guardian.id)}`}>{g.guardian.displayName}</Anchor> : 'Hidden'}</Table.Td>
                      <Table.Td>{humanize(g.kind)} · {humanize(g.source)}{g.livesWithStudent ? ' · lives with student' : ''}</Table.Td>
                      <Table.Td><StateBadge value={g.status} /></Table.Td>
                      <Table.Td>
                        {g.status === 'ACTIVE' ? (
                          <Button size="compact-xs" variant="subtle" color="red" aria-label={`Remove the link to ${g.guardian?.displayName ?? 'this guardian'}`} onClick={async () => {
                            const r = await removeRel({ id: g.id });
                            setErrors(r.data?.removeRelationship.userErrors ?? []);
                            refresh();
                          }}>Remove</Button>
                        ) : (
                          <Button size="compact-xs" variant="subtle" onClick={async () => {
                            const r = await restoreRel({ id: g.id });
                            setErrors(r.data?.restoreRelationship.userErrors ?? []);
                            refresh();
                          }}>Restore</Button>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Card>
        )}
        {p.students.length > 0 && (
          <Card withBorder>
            <Title order={3} size="h4" mb="xs">Students</Title>
            <ul style={{ margin: 0, paddingLeft: '1.2em' }}>
              {p.students.map((s) => (
                <li key={s.id}>
                  {s.student ? <Anchor component={Link} to={`/people/${encodeURIComponent(s.student.id)}`}>{s.student.displayName}</Anchor> : 'Hidden'} ({humanize(s.kind)})
                </li>
              ))}
            </ul>
          </Card>
        )}
        <Card withBorder>
          <Title order={3} size="h4" mb="xs">Classes</Title>
          {p.enrollments.length === 0 ? <Empty>No classes.</Empty> : (
            <ul style={{ margin: 0, paddingLeft: '1.2em' }}>
              {p.enrollments.map((e, i) => (
                <li key={i}>
                  {e.class ? <Anchor component={Link} to={`/classes/${encodeURIComponent(e.class.id)}`}>{e.class.title}</Anchor> : 'Hidden class'} · {humanize(e.role)}
                  {e.primary ? ' (primary)' : ''}
                </li>
              ))}
            </ul>
          )}
        </Card>
        {admin && (
          <Card withBorder>
            <Title order={3} size="h4" mb="xs">Merges into this person</Title>
            {merges.length === 0 ? <Empty>No merges.</Empty> : (
              <Stack gap={4}>
                {merges.map((m) => (
                  <Group key={m.id} gap="sm">
                    <Text size="sm">{formatTime(m.createdAt)} by {m.actor?.displayName ?? 'system'}</Text>
                    <Button size="compact-xs" variant="default" loading={unmergeState.fetching} onClick={async () => {
                      const r = await unmerge({ auditEventId: m.id });
                      setErrors(r.data?.unmerge.userErrors ?? []);
                      refresh();
                    }}>Unmerge</Button>
                  </Group>
                ))}
              </Stack>
            )}
          </Card>
        )}
      </SimpleGrid>
    </Page>
  );
}
