import { Anchor, Button, Card, Collapse, Group, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../gql';
import { ConnectorForm } from '../components/ConnectorForm';
import { Empty, ErrorNote, Loading, Page, StateBadge, formatTime } from '../components/common';
import { kindLabel } from '../lib/connectors';
import { errorsByField, otherErrors, type UserErrorLike } from '../lib/errors';
import { ConnectorActions } from '../components/ConnectorActions';

const ConnectorsDoc = graphql(`
  query Connectors {
    connectors {
      id
      name
      kind
      schedule
      enabled
      stale
      lastSuccessAt
      syncRuns(first: 1) {
        nodes { id status dryRun createdAt finishedAt errorCount alertCount }
      }
    }
  }
`);

const CreateDoc = graphql(`
  mutation CreateConnector($input: CreateConnectorInput!) {
    createConnector(input: $input) {
      connector { id name }
      userErrors { field message code }
    }
  }
`);

export default function Sync() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: ConnectorsDoc, requestPolicy: 'cache-and-network' });
  const [adding, setAdding] = useState(false);
  const [createState, create] = useMutation(CreateDoc);
  const [errors, setErrors] = useState<UserErrorLike[]>([]);
  const navigate = useNavigate();
  const byField = errorsByField(errors);
  return (
    <Page
      title="Sync"
      actions={
        <Button onClick={() => setAdding((a) => !a)} aria-expanded={adding} aria-controls="new-connector">
          Add connector
        </Button>
      }
    >
      <Collapse expanded={adding} id="new-connector">
        <Card withBorder maw={640}>
          <Title order={3} size="h4" mb="sm">New connector</Title>
          <ConnectorForm
            submitLabel="Create connector"
            busy={createState.fetching}
            serverErrors={byField}
            otherErrors={[...otherErrors(errors, ['name', 'schedule']), ...(createState.error ? [createState.error.message] : [])]}
            onSubmit={async (v) => {
              const r = await create({
                input: { kind: v.kind, name: v.name, config: v.config, schedule: v.schedule || undefined },
              });
              const errs = r.data?.createConnector.userErrors ?? [];
              setErrors(errs);
              const c = r.data?.createConnector.connector;
              if (c) {
                setAdding(false);
                refetch({ requestPolicy: 'network-only' });
                navigate(`/sync/connectors/${encodeURIComponent(c.id)}`);
              }
            }}
          />
        </Card>
      </Collapse>
      <Title order={3} size="h4">Connectors</Title>
      {fetching && !data ? (
        <Loading label="Loading connectors" />
      ) : error ? (
        <ErrorNote error={error} />
      ) : !data?.connectors.length ? (
        <Empty>No connectors yet. Add one to sync your SIS.</Empty>
      ) : (
        <Stack gap="sm">
          {data.connectors.map((c) => {
            const last = c.syncRuns.nodes[0];
            return (
              <Card withBorder key={c.id} component="section" aria-label={c.name}>
                <Group justify="space-between" align="flex-start" wrap="wrap">
                  <Stack gap={2}>
                    <Anchor component={Link} to={`/sync/connectors/${encodeURIComponent(c.id)}`} fw={600}>
                      {c.name}
                    </Anchor>
                    <Text size="sm" c="dimmed">
                      {kindLabel(c.kind)} · {c.schedule ? `schedule ${c.schedule}` : 'no schedule'} · last success {formatTime(c.lastSuccessAt)}
                    </Text>
                    <Group gap="xs">
                      {!c.enabled && <StateBadge value="DISABLED" />}
                      {c.stale && <StateBadge value="STALE" />}
                      {last && (
                        <Text size="sm">
                          Last run:{' '}
                          <Anchor component={Link} to={`/sync/runs/${encodeURIComponent(last.id)}`}>
                            {formatTime(last.createdAt)}
                          </Anchor>{' '}
                          <StateBadge value={last.status} /> {last.dryRun ? '(dry run) ' : ''}
                          {last.errorCount} errors, {last.alertCount} alerts
                        </Text>
                      )}
                    </Group>
                  </Stack>
                  <ConnectorActions connector={c} />
                </Group>
              </Card>
            );
          })}
        </Stack>
      )}
    </Page>
  );
}
