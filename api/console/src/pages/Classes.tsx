import { Anchor, Button, Group, NativeSelect, Table, Text, TextInput } from '@mantine/core';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import { Empty, ErrorNote, Loading, Page, StateBadge } from '../components/common';
import { useViewer } from '../lib/auth';
import { isAdmin } from '../lib/roles';
import { claimedFilter, matchesSearch } from '../lib/classes';

const ClassesDoc = graphql(`
  query Classes($filter: ClassFilter, $first: Int, $after: String) {
    classes(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        id
        title
        classCode
        claimed
        claimedBy { id displayName }
        school { id name }
        term { id title }
        teachers { id displayName }
      }
    }
  }
`);

const FiltersDoc = graphql(`
  query ClassFilters($teachers: Boolean!) {
    district { id schools { id name } }
    people(filter: { role: TEACHER }, first: 500) @include(if: $teachers) {
      nodes { id displayName }
    }
  }
`);

const PAGE = 100;
/** The API has no class search yet: a search loads up to this many classes and filters them here. */
const SEARCH_PAGE = 500;

export default function Classes() {
  const viewer = useViewer();
  const admin = isAdmin(viewer.role);
  const [params, setParams] = useSearchParams();
  const claimed = params.get('claimed') ?? 'all';
  const school = params.get('school') ?? '';
  const teacher = params.get('teacher') ?? '';
  const [search, setSearch] = useState('');
  const [pages, setPages] = useState<(string | null)[]>([null]);

  const filter = useMemo(
    () => ({
      claimed: claimedFilter(claimed),
      schoolId: school || undefined,
      teacherId: teacher || undefined,
    }),
    [claimed, school, teacher],
  );
  const [filters] = useQuery({ query: FiltersDoc, variables: { teachers: admin } });

  function setParam(key: string, value: string) {
    const next = new URLSearchParams(params);
    if (value && value !== 'all') next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
    setPages([null]);
  }

  return (
    <Page title="Classes">
      <Group align="flex-end" gap="sm" wrap="wrap">
        <NativeSelect
          label="Claimed"
          value={claimed}
          onChange={(e) => setParam('claimed', e.currentTarget.value)}
          data={[
            { value: 'all', label: 'All' },
            { value: 'claimed', label: 'Claimed' },
            { value: 'unclaimed', label: 'Unclaimed' },
          ]}
        />
        <NativeSelect
          label="School"
          value={school}
          onChange={(e) => setParam('school', e.currentTarget.value)}
          data={[
            { value: '', label: 'All schools' },
            ...(filters.data?.district.schools ?? []).map((s) => ({ value: s.id, label: s.name })),
          ]}
        />
        {admin && (
          <NativeSelect
            label="Teacher"
            value={teacher}
            onChange={(e) => setParam('teacher', e.currentTarget.value)}
            data={[
              { value: '', label: 'All teachers' },
              ...(filters.data?.people?.nodes ?? []).map((p) => ({ value: p.id, label: p.displayName })),
            ]}
          />
        )}
        <TextInput
          label="Search"
          description={`Title or class code (in the first ${SEARCH_PAGE} classes)`}
          value={search}
          onChange={(e) => {
            setSearch(e.currentTarget.value);
            setPages([null]);
          }}
        />
      </Group>
      {pages.map((after, i) => (
        <ClassPage
          key={`${JSON.stringify(filter)}:${after ?? ''}`}
          filter={filter}
          after={after}
          first={i === 0}
          last={i === pages.length - 1}
          search={search}
          onMore={(cursor) => setPages((p) => [...p, cursor])}
        />
      ))}
    </Page>
  );
}

function ClassPage({
  filter,
  after,
  first,
  last,
  search,
  onMore,
}: {
  filter: { claimed?: boolean; schoolId?: string; teacherId?: string };
  after: string | null;
  first: boolean;
  last: boolean;
  search: string;
  onMore: (cursor: string) => void;
}) {
  const [{ data, fetching, error }] = useQuery({
    query: ClassesDoc,
    variables: { filter, first: search.trim() ? SEARCH_PAGE : PAGE, after },
  });
  if (fetching && !data) return <Loading label="Loading classes" />;
  if (error) return <ErrorNote error={error} />;
  const conn = data!.classes;
  const rows = conn.nodes.filter((c) => matchesSearch(search, c.title, c.classCode));
  return (
    <>
      {first && (
        <Group gap="sm">
          <Text fw={600} role="status" data-testid="class-count">
            {conn.totalCount === 1 ? '1 class' : `${conn.totalCount} classes`}
          </Text>
          {search.trim() && (
            <Text size="sm" aria-live="polite">
              {rows.length} {rows.length === 1 ? 'matches' : 'match'} “{search.trim()}”
            </Text>
          )}
        </Group>
      )}
      {first && conn.totalCount === 0 ? (
        <Empty>No classes match these filters.</Empty>
      ) : (
        <Table.ScrollContainer minWidth={600}>
          <Table striped highlightOnHover aria-label={first ? 'Classes' : 'More classes'}>
            {first && (
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Class</Table.Th>
                  <Table.Th>Code</Table.Th>
                  <Table.Th>School</Table.Th>
                  <Table.Th>Teachers</Table.Th>
                  <Table.Th>Claim</Table.Th>
                </Table.Tr>
              </Table.Thead>
            )}
            <Table.Tbody>
              {rows.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/classes/${encodeURIComponent(c.id)}`}>
                      {c.title}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{c.classCode ?? '—'}</Table.Td>
                  <Table.Td>{c.school?.name ?? '—'}</Table.Td>
                  <Table.Td>{c.teachers.map((t) => t.displayName).join(', ') || '—'}</Table.Td>
                  <Table.Td>
                    {c.claimed ? (
                      <Group gap={4} wrap="nowrap">
                        <StateBadge value="CLAIMED" />
                        <Text size="sm">{c.claimedBy?.displayName}</Text>
                      </Group>
                    ) : (
                      <StateBadge value="UNCLAIMED" />
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {last && conn.pageInfo.hasNextPage && conn.pageInfo.endCursor && (
        <Button variant="default" onClick={() => onMore(conn.pageInfo.endCursor!)}>
          Show more classes
        </Button>
      )}
    </>
  );
}
