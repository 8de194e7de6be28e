import { Anchor, Button, Card, Checkbox, Group, NativeSelect, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../gql';
import type { Role, Status } from '../gql/graphql';
import { Empty, ErrorNote, Loading, Messages, Page, StateBadge, humanize } from '../components/common';
import { useViewer } from '../lib/auth';
import { ArchiveDoc, RestoreDoc, UnmergeDoc } from '../lib/people-ops';
import { toggle, toggleAll } from '../lib/families';
import type { UserErrorLike } from '../lib/errors';

const PeopleDoc = graphql(`
  query People($filter: PersonFilter, $after: String) {
    people(filter: $filter, first: 100, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { id displayName status accountState roles { role org { id name } } studentNumber grade }
    }
  }
`);

const SuggestionsDoc = graphql(`
  query MergeSuggestions {
    mergeSuggestions(first: 50) {
      totalCount
      nodes {
        reason
        message
        survivor { id displayName accountState }
        duplicate { id displayName accountState }
      }
    }
  }
`);

const MergeDoc = graphql(`
  mutation MergePeople($survivorId: ID!, $duplicateId: ID!) {
    mergePeople(survivorId: $survivorId, duplicateId: $duplicateId) {
      person { id displayName }
      auditEvent { id }
      userErrors { field message code }
    }
  }
`);

const ROLES: Role[] = ['STUDENT', 'TEACHER', 'AIDE', 'STAFF', 'SCHOOL_ADMIN', 'DISTRICT_ADMIN', 'GUARDIAN'];

export default function People() {
  const viewer = useViewer();
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 300);
  const [role, setRole] = useState<Role | ''>('');
  const [status, setStatus] = useState<Status>('ACTIVE');
  const [after, setAfter] = useState<string | null>(null);
  const filter = { search: debounced.trim() || undefined, role: role || undefined, status };
  const [{ data, fetching, error }, refetch] = useQuery({ query: PeopleDoc, variables: { filter, after } });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [override, setOverride] = useState(false);
  const [errors, setErrors] = useState<UserErrorLike[]>([]);
  const [archiveState, archive] = useMutation(ArchiveDoc);
  const [restoreState, restore] = useMutation(RestoreDoc);
  const rows = data?.people.nodes ?? [];
  const reset = () => {
    setAfter(null);
    setSelected(new Set());
  };
  return (
    <Page title="People">
      <Group align="flex-end" gap="sm" wrap="wrap">
        <TextInput label="Search" description="Name or email" value={search} onChange={(e) => { setSearch(e.currentTarget.value); reset(); }} />
        <NativeSelect
          label="Role"
          value={role}
          onChange={(e) => { setRole(e.currentTarget.value as Role | ''); reset(); }}
          data={[{ value: '', label: 'All roles' }, ...ROLES.map((r) => ({ value: r, label: humanize(r) }))]}
        />
        <NativeSelect
          label="Status"
          value={status}
          onChange={(e) => { setStatus(e.currentTarget.value as Status); reset(); }}
          data={[{ value: 'ACTIVE', label: 'Active' }, { value: 'ARCHIVED', label: 'Archived' }]}
        />
      </Group>
      {fetching && !data ? (
        <Loading label="Loading people" />
      ) : error ? (
        <ErrorNote error={error} />
      ) : (
        <Stack gap="sm">
          <Text fw={600} role="status">{data!.people.totalCount === 1 ? '1 person' : `${data!.people.totalCount} people`}</Text>
          {viewer.role === 'DISTRICT_ADMIN' && (
            <Group gap="sm">
              {status === 'ACTIVE' ? (
                <>
                  <Button
                    color="red"
                    variant="outline"
                    disabled={!selected.size}
                    loading={archiveState.fetching}
                    onClick={async () => {
                      const r = await archive({ ids: [...selected], override });
                      setErrors(r.data?.archivePeople.userErrors ?? []);
                      if (r.data?.archivePeople.people.length) { setSelected(new Set()); refetch({ requestPolicy: 'network-only' }); }
                    }}
                  >
                    Archive selected ({selected.size})
                  </Button>
                  <Checkbox label="Also people the SIS manages" checked={override} onChange={(e) => setOverride(e.currentTarget.checked)} />
                </>
              ) : (
                <Button
                  variant="default"
                  disabled={!selected.size}
                  loading={restoreState.fetching}
                  onClick={async () => {
                    const r = await restore({ ids: [...selected] });
                    setErrors(r.data?.restorePeople.userErrors ?? []);
                    if (r.data?.restorePeople.people.length) { setSelected(new Set()); refetch({ requestPolicy: 'network-only' }); }
                  }}
                >
                  Restore selected ({selected.size})
                </Button>
              )}
            </Group>
          )}
          <Messages messages={errors.map((e) => e.message)} />
          {rows.length === 0 ? (
            <Empty>No people match.</Empty>
          ) : (
            <Table.ScrollContainer minWidth={560}>
              <Table striped aria-label="People">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>
                      <Checkbox aria-label="Select everyone shown" checked={rows.length > 0 && rows.every((r) => selected.has(r.id))} onChange={() => setSelected(toggleAll(selected, rows.map((r) => r.id)))} />
                    </Table.Th>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Roles</Table.Th>
                    <Table.Th>Account</Table.Th>
                    <Table.Th>Student number</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((p) => (
                    <Table.Tr key={p.id}>
                      <Table.Td>
                        <Checkbox aria-label={`Select ${p.displayName}`} checked={selected.has(p.id)} onChange={() => setSelected(toggle(selected, p.id))} />
                      </Table.Td>
                      <Table.Td>
                        <Anchor component={Link} to={`/people/${encodeURIComponent(p.id)}`}>{p.displayName}</Anchor>
                      </Table.Td>
                      <Table.Td>{[...new Set(p.roles.map((r) => humanize(r.role)))].join(', ')}</Table.Td>
                      <Table.Td><StateBadge value={p.accountState === 'NONE' ? 'NO_ACCOUNT' : p.accountState} /></Table.Td>
                      <Table.Td>{p.studentNumber ?? '—'}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          <Group>
            {after && <Button variant="default" onClick={() => setAfter(null)}>First page</Button>}
            {data!.people.pageInfo.hasNextPage && (
              <Button variant="default" onClick={() => setAfter(data!.people.pageInfo.endCursor ?? null)}>Next page</Button>
            )}
          </Group>
        </Stack>
      )}
      {viewer.role === 'DISTRICT_ADMIN' && <MergeSuggestions />}
    </Page>
  );
}

function MergeSuggestions() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: SuggestionsDoc, requestPolicy: 'cache-and-network' });
  const [mergeState, merge] = useMutation(MergeDoc);
  const [unmergeState, unmerge] = useMutation(UnmergeDoc);
  const [done, setDone] = useState<{ name: string; eventId: string } | null>(null);
  const [errors, setErrors] = useState<UserErrorLike[]>([]);
  return (
    <Card withBorder component="section" aria-labelledby="merge-title">
      <Title order={3} size="h4" mb="xs" id="merge-title">Merge suggestions</Title>
      {done && (
        <Group gap="sm" mb="sm" role="status">
          <Text size="sm">Merged into {done.name}.</Text>
          <Button
            size="xs"
            variant="default"
            loading={unmergeState.fetching}
            onClick={async () => {
              const r = await unmerge({ auditEventId: done.eventId });
              setErrors(r.data?.unmerge.userErrors ?? []);
              if (r.data?.unmerge.duplicate) { setDone(null); refetch({ requestPolicy: 'network-only' }); }
            }}
          >
            Undo merge
          </Button>
        </Group>
      )}
      <Messages messages={errors.map((e) => e.message)} />
      <ErrorNote error={mergeState.error ?? unmergeState.error} />
      {fetching && !data ? (
        <Loading label="Loading merge suggestions" />
      ) : error ? (
        <ErrorNote error={error} />
      ) : !data?.mergeSuggestions.nodes.length ? (
        <Empty>No merge suggestions.</Empty>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table striped aria-label="Merge suggestions">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Keep</Table.Th>
                <Table.Th>Merge into it</Table.Th>
                <Table.Th>Why</Table.Th>
                <Table.Th>Action</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.mergeSuggestions.nodes.map((s) => (
                <Table.Tr key={`${s.survivor.id}:${s.duplicate.id}`}>
                  <Table.Td><Anchor component={Link} to={`/people/${encodeURIComponent(s.survivor.id)}`}>{s.survivor.displayName}</Anchor></Table.Td>
                  <Table.Td><Anchor component={Link} to={`/people/${encodeURIComponent(s.duplicate.id)}`}>{s.duplicate.displayName}</Anchor></Table.Td>
                  <Table.Td>{s.message}</Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      aria-label={`Merge ${s.duplicate.displayName} into ${s.survivor.displayName}`}
                      onClick={async () => {
                        const r = await merge({ survivorId: s.survivor.id, duplicateId: s.duplicate.id });
                        const p = r.data?.mergePeople;
                        setErrors(p?.userErrors ?? []);
                        if (p?.person && p.auditEvent) {
                          setDone({ name: p.person.displayName, eventId: p.auditEvent.id });
                          refetch({ requestPolicy: 'network-only' });
                        }
                      }}
                    >
                      Merge
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Card>
  );
}
