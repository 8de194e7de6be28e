import { Anchor, Button, Card, Group, NativeSelect, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../gql';
import { ConnectorActions } from '../components/ConnectorActions';
import { ConnectorForm } from '../components/ConnectorForm';
import { Empty, ErrorNote, Loading, Page, StateBadge, formatTime } from '../components/common';
import { kindLabel } from '../lib/connectors';
import { errorsByField, otherErrors, type UserErrorLike } from '../lib/errors';

const ConnectorDoc = graphql(`
  query ConnectorPage($id: ID!, $after: String) {
    connector(id: $id) {
      id
      name
      kind
      config
      secretFieldsSet
      schedule
      enabled
      stale
      lastSuccessAt
      syncRuns(first: 20, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { id status mode dryRun createdAt startedAt finishedAt errorCount alertCount message }
      }
    }
  }
`);

const UpdateDoc = graphql(`
  mutation UpdateConnector($input: UpdateConnectorInput!) {
    updateConnector(input: $input) {
      connector { id name schedule enabled config secretFieldsSet }
      userErrors { field message code }
    }
  }
`);

const DisableDoc = graphql(`
  mutation DisableConnector($id: ID!) {
    disableConnector(id: $id) {
      connector { id enabled }
      userErrors { field message code }
    }
  }
`);

export default function ConnectorPage() {
  const { id = '' } = useParams();
  const [{ data, fetching, error }] = useQuery({ query: ConnectorDoc, variables: { id }, requestPolicy: 'cache-and-network' });
  const [mode, setMode] = useState<'FULL' | 'DELTA'>('FULL');
  const [updateState, update] = useMutation(UpdateDoc);
  const [disableState, disable] = useMutation(DisableDoc);
  const [errors, setErrors] = useState<UserErrorLike[]>([]);
  const [saved, setSaved] = useState(false);
  if (fetching && !data) return <Loading label="Loading the connector" />;
  if (error) return <ErrorNote error={error} />;
  const c = data?.connector;
  if (!c) return <Page title="Connector not found"><Empty>This connector does not exist.</Empty></Page>;
  const byField = errorsByField(errors);
  return (
    <Page title={c.name}>
      <Text c="dimmed">
        {kindLabel(c.kind)} · last success {formatTime(c.lastSuccessAt)}
      </Text>
      <Group gap="xs">
        <StateBadge value={c.enabled ? 'ENABLED' : 'DISABLED'} />
        {c.stale && <StateBadge value="STALE" />}
      </Group>
      <Card withBorder>
        <Title order={3} size="h4" mb="sm">Run</Title>
        <Group align="flex-end" gap="sm">
          <NativeSelect
            label="Mode"
            value={mode}
            onChange={(e) => setMode(e.currentTarget.value as 'FULL' | 'DELTA')}
            data={[
              { value: 'FULL', label: 'Full snapshot' },
              { value: 'DELTA', label: 'Changes since last sync' },
            ]}
          />
          <ConnectorActions connector={c} mode={mode} />
        </Group>
      </Card>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Card withBorder>
          <Title order={3} size="h4" mb="sm">Settings</Title>
          <ConnectorForm
            key={c.id}
            initial={{ kind: c.kind, name: c.name, schedule: c.schedule, config: c.config }}
            secretFieldsSet={c.secretFieldsSet}
            submitLabel="Save connector"
            busy={updateState.fetching}
            serverErrors={byField}
            otherErrors={[...otherErrors(errors, ['name', 'schedule']), ...(updateState.error ? [updateState.error.message] : [])]}
            onSubmit={async (v) => {
              setSaved(false);
              const r = await update({ input: { id: c.id, name: v.name, schedule: v.schedule, config: v.config } });
              const errs = r.data?.updateConnector.userErrors ?? [];
              setErrors(errs);
              setSaved(!!r.data?.updateConnector.connector && !errs.length);
            }}
          />
          {saved && <Text size="sm" role="status" mt="xs">Saved.</Text>}
          <Group mt="md">
            {c.enabled ? (
              <Button
                color="red"
                variant="outline"
                loading={disableState.fetching}
                onClick={async () => {
                  const r = await disable({ id: c.id });
                  setErrors(r.data?.disableConnector.userErrors ?? []);
                }}
              >
                Disable connector
              </Button>
            ) : (
              <Button
                variant="default"
                loading={updateState.fetching}
                onClick={async () => {
                  const r = await update({ input: { id: c.id, enabled: true } });
                  setErrors(r.data?.updateConnector.userErrors ?? []);
                }}
              >
                Enable connector
              </Button>
            )}
          </Group>
        </Card>
        <Card withBorder>
          <Title order={3} size="h4" mb="sm">Runs ({c.syncRuns.totalCount})</Title>
          {c.syncRuns.nodes.length === 0 ? (
            <Empty>No runs yet.</Empty>
          ) : (
            <Table.ScrollContainer minWidth={420}>
              <Table striped aria-label="Runs">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Queued</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Mode</Table.Th>
                    <Table.Th>Errors</Table.Th>
                    <Table.Th>Alerts</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {c.syncRuns.nodes.map((r) => (
                    <Table.Tr key={r.id}>
                      <Table.Td>
                        <Anchor component={Link} to={`/sync/runs/${encodeURIComponent(r.id)}`}>
                          {formatTime(r.createdAt)}
                        </Anchor>
                      </Table.Td>
                      <Table.Td><StateBadge value={r.status} /></Table.Td>
                      <Table.Td>{r.mode === 'FULL' ? 'Full' : 'Delta'}{r.dryRun ? ', dry run' : ''}</Table.Td>
                      <Table.Td>{r.errorCount}</Table.Td>
                      <Table.Td>{r.alertCount}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Card>
      </SimpleGrid>
      <Stack />
    </Page>
  );
}
