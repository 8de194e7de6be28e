import { Button, Group, Text } from '@mantine/core';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useMutation } from 'urql';
import { graphql } from '../gql';
import { describeError } from '../lib/errors';

const TestDoc = graphql(`
  mutation TestConnector($id: ID!) {
    testConnector(id: $id) { ok message }
  }
`);

const RunDoc = graphql(`
  mutation RunSync($connectorId: ID!, $mode: SyncMode, $dryRun: Boolean) {
    runSync(connectorId: $connectorId, mode: $mode, dryRun: $dryRun) { id status }
  }
`);

/** Test, Run now and Dry run for one connector; a started run opens its page. */
export function ConnectorActions({
  connector,
  mode,
}: {
  connector: { id: string; name: string; enabled: boolean };
  mode?: 'FULL' | 'DELTA';
}) {
  const [testState, test] = useMutation(TestDoc);
  const [runState, run] = useMutation(RunDoc);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const navigate = useNavigate();

  async function start(dryRun: boolean) {
    setNote(null);
    const r = await run({ connectorId: connector.id, mode, dryRun });
    if (r.data) navigate(`/sync/runs/${encodeURIComponent(r.data.runSync.id)}`);
    else setNote({ ok: false, text: describeError(r.error) ?? 'The run did not start.' });
  }

  return (
    <Group gap="xs" align="center">
      <Button
        variant="default"
        size="sm"
        aria-label={`Test: ${connector.name}`}
        loading={testState.fetching}
        onClick={async () => {
          setNote(null);
          const r = await test({ id: connector.id });
          if (r.data) {
            const t = r.data.testConnector;
            setNote({ ok: t.ok, text: t.ok ? 'Connection works.' : `Refused: ${t.message ?? 'no reason given'}` });
          } else setNote({ ok: false, text: describeError(r.error) ?? 'The test failed.' });
        }}
      >
        Test
      </Button>
      <Button size="sm" aria-label={`Run now: ${connector.name}`} disabled={!connector.enabled} loading={runState.fetching && !runState.operation?.variables.dryRun} onClick={() => start(false)}>
        Run now
      </Button>
      <Button
        variant="default"
        size="sm"
        aria-label={`Dry run: ${connector.name}`}
        disabled={!connector.enabled}
        loading={runState.fetching && !!runState.operation?.variables.dryRun}
        onClick={() => start(true)}
      >
        Dry run
      </Button>
      {note && (
        <Text size="sm" role="status" c={note.ok ? undefined : 'red.9'} w="100%">
          {note.text}
        </Text>
      )}
    </Group>
  );
}
