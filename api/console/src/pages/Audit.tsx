import { Button, Code, Group, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import { Empty, ErrorNote, Loading, Page, formatTime } from '../components/common';

const AuditDoc = graphql(`
  query AuditEvents($filter: AuditEventFilter, $after: String) {
    auditEvents(filter: $filter, first: 100, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { id action actorKind actorId actor { id displayName } targetKind targetId before after createdAt }
    }
  }
`);

export default function Audit() {
  const [action, setAction] = useState('');
  const [actor, setActor] = useState('');
  const [target, setTarget] = useState('');
  const [since, setSince] = useState('');
  const [after, setAfter] = useState<string | null>(null);
  const [filterText] = useDebouncedValue({ action, actor, target, since }, 300);
  const filter = {
    action: filterText.action.trim() || undefined,
    actor: filterText.actor.trim() || undefined,
    target: filterText.target.trim() || undefined,
    since: filterText.since ? new Date(filterText.since).toISOString() : undefined,
  };
  const [{ data, fetching, error }] = useQuery({ query: AuditDoc, variables: { filter, after } });
  const set = (f: (v: string) => void) => (e: React.ChangeEvent<HTMLInputElement>) => {
    f(e.currentTarget.value);
    setAfter(null);
  };
  return (
    <Page title="Audit log">
      <Group align="flex-end" gap="sm" wrap="wrap">
        <TextInput label="Action" description="e.g. person.merge" value={action} onChange={set(setAction)} />
        <TextInput label="Actor" description="Person id or token id" value={actor} onChange={set(setActor)} />
        <TextInput label="Target" description="Record id" value={target} onChange={set(setTarget)} />
        <TextInput label="Since" type="datetime-local" value={since} onChange={set(setSince)} />
      </Group>
      {fetching && !data ? (
        <Loading label="Loading the audit log" />
      ) : error ? (
        <ErrorNote error={error} />
      ) : (
        <>
          <Text fw={600} role="status">{data!.auditEvents.totalCount} events</Text>
          {data!.auditEvents.nodes.length === 0 ? (
            <Empty>No events match.</Empty>
          ) : (
            <Table.ScrollContainer minWidth={720}>
              <Table striped aria-label="Audit events">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>When</Table.Th>
                    <Table.Th>Action</Table.Th>
                    <Table.Th>Actor</Table.Th>
                    <Table.Th>Target</Table.Th>
                    <Table.Th>Change</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data!.auditEvents.nodes.map((e) => (
                    <Table.Tr key={e.id}>
                      <Table.Td className="nowrap">{formatTime(e.createdAt)}</Table.Td>
                      <Table.Td>{e.action}</Table.Td>
                      <Table.Td>{e.actor?.displayName ?? `${e.actorKind}${e.actorId ? ` ${e.actorId}` : ''}`}</Table.Td>
                      <Table.Td>{e.targetKind} {e.targetId}</Table.Td>
                      <Table.Td>
                        {(e.before != null || e.after != null) && (
                          <details>
                            <summary>Before and after</summary>
                            <Code block>{JSON.stringify({ before: e.before, after: e.after }, null, 2)}</Code>
                          </details>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          <Group>
            {after && <Button variant="default" onClick={() => setAfter(null)}>First page</Button>}
            {data!.auditEvents.pageInfo.hasNextPage && (
              <Button variant="default" onClick={() => setAfter(data!.auditEvents.pageInfo.endCursor ?? null)}>Next page</Button>
            )}
          </Group>
        </>
      )}
    </Page>
  );
}
