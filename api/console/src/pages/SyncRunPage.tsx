import { Alert, Anchor, Button, Card, Group, NativeSelect, Progress, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import { useParams } from 'react-router';
import { useClient, useMutation, useQuery, useSubscription } from 'urql';
import { graphql } from '../gql';
import type { SyncRunIssuesQuery, SyncRunIssuesQueryVariables, SyncRunPageQuery } from '../gql/graphql';
import type { OperationResult } from 'urql';
import { Empty, ErrorNote, Loading, Page, StateBadge, formatTime, humanize } from '../components/common';
import { describeError } from '../lib/errors';
import { filterIssues, summarizeIssues, wouldRemove } from '../lib/issues';

const RunDoc = graphql(`
  query SyncRunPage($id: ID!) {
    syncRun(id: $id) {
      id
      status
      mode
      dryRun
      message
      createdAt
      startedAt
      finishedAt
      errorCount
      alertCount
      issueSummary { code severity count }
      counts { entity created updated unchanged archived merged rejected }
    }
  }
`);

const IssuesDoc = graphql(`
  query SyncRunIssues($id: ID!, $code: String, $first: Int, $after: String) {
    syncRun(id: $id) {
      id
      issues(code: $code, first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { severity code entityKind externalId message }
      }
    }
  }
`);

const ProgressDoc = graphql(`
  subscription SyncRunProgress($id: ID!) {
    syncRunProgress(id: $id) {
      status
      recordsProcessed
      finished
      counts { entity created updated unchanged archived merged rejected }
    }
  }
`);

const ConfirmDoc = graphql(`
  mutation ConfirmHold($id: ID!) {
    confirmHold(syncRunId: $id) { id status message }
  }
`);

const DiscardDoc = graphql(`
  mutation DiscardHold($id: ID!) {
    discardHold(syncRunId: $id) { id status message }
  }
`);

type Issue = NonNullable<SyncRunIssuesQuery['syncRun']>['issues']['nodes'][number];
type IssueCount = NonNullable<SyncRunPageQuery['syncRun']>['issueSummary'][number];

/** Most issues a page loads for its summary and filters (the report keeps more). */
const ISSUE_CAP = 5000;
const ACTIVE = ['QUEUED', 'RUNNING'];

/**
 * Loads the run's issues page by page (up to ISSUE_CAP), again whenever `version` changes; with
 * `code`, only that code's examples (the server filters, so a rare code is found however many
 * issues of other codes came before it). Nothing is loaded while `enabled` is false.
 */
function useIssues(id: string, version: number, code: string | null = null, enabled = true) {
  const client = useClient();
  const [state, setState] = useState<{ issues: Issue[]; total: number; loading: boolean; error: string | null }>({
    issues: [],
    total: 0,
    loading: true,
    error: null,
  });
  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    (async () => {
      setState((s) => ({ ...s, loading: true }));
      const all: Issue[] = [];
      let after: string | null = null;
      let total = 0;
      for (;;) {
        const r: OperationResult<SyncRunIssuesQuery, SyncRunIssuesQueryVariables> = await client
          .query(IssuesDoc, { id, code, first: 500, after }, { requestPolicy: 'network-only' })
          .toPromise();
        if (cancelled) return;
        if (r.error || !r.data?.syncRun) {
          setState({ issues: all, total, loading: false, error: describeError(r.error) });
          return;
        }
        const conn: NonNullable<SyncRunIssuesQuery['syncRun']>['issues'] = r.data.syncRun.issues;
        total = conn.totalCount;
        all.push(...conn.nodes);
        if (!conn.pageInfo.hasNextPage || all.length >= ISSUE_CAP) break;
        after = conn.pageInfo.endCursor ?? null;
      }
      setState({ issues: all, total, loading: false, error: null });
    })();
    return () => {
      cancelled = true;
    };
  }, [client, id, version, code, enabled]);
  return state;
}

export default function SyncRunPage() {
  const { id = '' } = useParams();
  const [{ data, fetching, error }, refetch] = useQuery({ query: RunDoc, variables: { id }, requestPolicy: 'cache-and-network' });
  const [version, setVersion] = useState(0);
  const run = data?.syncRun;
  const active = !!run && ACTIVE.includes(run.status);
  const [progress] = useSubscription({ query: ProgressDoc, variables: { id }, pause: !active });
  const live = progress.data?.syncRunProgress;
  const liveFinished = live?.finished ?? false;
  useEffect(() => {
    if (liveFinished) {
      refetch({ requestPolicy: 'network-only' });
      setVersion((v) => v + 1);
    }
  }, [liveFinished, refetch]);
  const issues = useIssues(id, version);

  if (fetching && !data) return <Loading label="Loading the run" />;
  if (error) return <ErrorNote error={error} />;
  if (!run) return <Page title="Run not found"><Empty>This run does not exist or is not visible to you.</Empty></Page>;

  const counts = active && live ? live.counts : run.counts;
  return (
    <Page title="Sync run">
      <Group gap="sm">
        <span data-testid="run-status">
          <StateBadge value={live && active ? live.status : run.status} />
        </span>
        <Text>
          {run.mode === 'FULL' ? 'Full snapshot' : 'Delta'}
          {run.dryRun ? ' · dry run (nothing changed)' : ''} · queued {formatTime(run.createdAt)} · ended {formatTime(run.finishedAt)}
        </Text>
      </Group>
      {run.message && (
        <Alert color={run.status === 'FAILED' ? 'red' : run.status === 'HELD' ? 'orange' : 'blue'} title="Message">
          {run.message}
        </Alert>
      )}
      {active && (
        <Card withBorder>
          <Title order={3} size="h4" mb="xs">Progress</Title>
          <Progress value={100} animated striped aria-label="Sync in progress" />
          <Text size="sm" mt="xs" role="status" aria-live="polite">
            {live ? `${live.recordsProcessed} records processed` : 'Waiting for the run to start…'}
          </Text>
          {progress.error && <ErrorNote error={progress.error} />}
        </Card>
      )}
      {run.status === 'HELD' && (
        <HoldReview
          runId={run.id}
          issues={issues.issues}
          loading={issues.loading}
          onDone={() => {
            refetch({ requestPolicy: 'network-only' });
            setVersion((v) => v + 1);
          }}
        />
      )}
      <Card withBorder>
        <Title order={3} size="h4" mb="xs">Counts</Title>
        {counts.length === 0 ? (
          <Empty>No records yet.</Empty>
        ) : (
          <Table.ScrollContainer minWidth={560}>
            <Table striped aria-label="Counts per entity">
              <Table.Thead>
                <Table.Tr>
                  {['Entity', 'Created', 'Updated', 'Unchanged', 'Archived', 'Merged', 'Rejected'].map((h) => (
                    <Table.Th key={h}>{h}</Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {counts.map((c) => (
                  <Table.Tr key={c.entity}>
                    <Table.Th scope="row">{humanize(c.entity)}</Table.Th>
                    <Table.Td>{c.created}</Table.Td>
                    <Table.Td>{c.updated}</Table.Td>
                    <Table.Td>{c.unchanged}</Table.Td>
                    <Table.Td>{c.archived}</Table.Td>
                    <Table.Td>{c.merged}</Table.Td>
                    <Table.Td>{c.rejected}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
      <IssuesReport
        runId={run.id}
        version={version}
        summary={run.issueSummary}
        errorCount={run.errorCount}
        alertCount={run.alertCount}
        {...issues}
      />
    </Page>
  );
}

function HoldReview({ runId, issues, loading, onDone }: { runId: string; issues: Issue[]; loading: boolean; onDone: () => void }) {
  const [confirmState, confirm] = useMutation(ConfirmDoc);
  const [discardState, discard] = useMutation(DiscardDoc);
  const groups = useMemo(() => wouldRemove(issues), [issues]);
  const total = [...groups.values()].reduce((n, g) => n + g.length, 0);
  return (
    <Card withBorder style={{ borderColor: 'var(--mantine-color-orange-7)' }} component="section" aria-labelledby="hold-title">
      <Title order={3} size="h4" mb="xs" id="hold-title">Review the hold</Title>
      <Text mb="sm">
        This run stopped before removing anything. Confirm to archive the {total} records below, or discard to keep them.
      </Text>
      {loading ? (
        <Loading label="Loading the removals" />
      ) : (
        <Stack gap="sm">
          {[...groups.entries()].map(([kind, list]) => (
            <details key={kind}>
              <summary>
                {humanize(kind)}: {list.length} would be removed
              </summary>
              <ul aria-label={`${humanize(kind)} that would be removed`}>
                {list.map((i, n) => (
                  <li key={n}>{i.externalId ?? i.message}</li>
                ))}
              </ul>
            </details>
          ))}
        </Stack>
      )}
      <Group mt="md">
        <Button
          color="red"
          loading={confirmState.fetching}
          onClick={async () => {
            const r = await confirm({ id: runId });
            if (r.data) onDone();
          }}
        >
          Confirm
        </Button>
        <Button
          variant="default"
          loading={discardState.fetching}
          onClick={async () => {
            const r = await discard({ id: runId });
            if (r.data) onDone();
          }}
        >
          Discard
        </Button>
      </Group>
      <ErrorNote error={confirmState.error ?? discardState.error} />
    </Card>
  );
}

function IssuesReport({
  runId,
  version,
  summary: serverSummary,
  issues: loaded,
  total,
  loading: loadingAll,
  error: errorAll,
  errorCount,
  alertCount,
}: {
  runId: string;
  version: number;
  summary: IssueCount[];
  issues: Issue[];
  total: number;
  loading: boolean;
  error: string | null;
  errorCount: number;
  alertCount: number;
}) {
  const [severity, setSeverity] = useState<'' | 'ERROR' | 'ALERT'>('');
  const [code, setCode] = useState('');
  const [entity, setEntity] = useState('');
  const [text, setText] = useState('');
  const [shown, setShown] = useState(100);
  // When the examples loaded for the page stop short of the run's, a chosen code's examples are
  // asked of the server by code.
  const truncated = total > loaded.length;
  const byCode = useIssues(runId, version, code || null, truncated && code !== '');
  const fromServer = truncated && code !== '';
  const issues = fromServer ? byCode.issues : loaded;
  const loading = fromServer ? byCode.loading : loadingAll;
  const error = fromServer ? byCode.error : errorAll;
  const summary = useMemo(() => summarizeIssues(serverSummary, loaded), [serverSummary, loaded]);
  const entities = useMemo(() => [...new Set(issues.map((i) => i.entityKind).filter(Boolean) as string[])].sort(), [issues]);
  const filtered = useMemo(() => filterIssues(issues, { severity, code, entityKind: entity, text }), [issues, severity, code, entity, text]);
  return (
    <SimpleGrid cols={{ base: 1 }}>
      <Card withBorder>
        <Title order={3} size="h4" mb="xs">Issues</Title>
        <Text mb="sm">
          {errorCount} errors (records rejected) · {alertCount} alerts (accepted but suspect)
          {truncated && ` · ${loaded.length} of ${total} examples loaded; pick a code to see its own`}
        </Text>
        {error && <Alert color="red" role="alert">{error}</Alert>}
        {loadingAll ? (
          <Loading label="Loading issues" />
        ) : summary.length === 0 ? (
          <Empty>No errors or alerts.</Empty>
        ) : (
          <Table.ScrollContainer minWidth={420}>
            <Table aria-label="Issues by code">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Code</Table.Th>
                  <Table.Th>Kind</Table.Th>
                  <Table.Th>Count</Table.Th>
                  <Table.Th>Entities</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {summary.map((s) => (
                  <Table.Tr key={`${s.severity}:${s.code}`}>
                    <Table.Td>
                      <Anchor component="button" type="button" onClick={() => { setCode(s.code); setSeverity(s.severity); }}>
                        {s.code}
                      </Anchor>
                    </Table.Td>
                    <Table.Td><StateBadge value={s.severity} /></Table.Td>
                    <Table.Td>{s.count}</Table.Td>
                    <Table.Td>{s.entities.join(', ') || '—'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
      {!loading && (issues.length > 0 || fromServer) && (
        <Card withBorder>
          <Title order={3} size="h4" mb="xs">Records with issues</Title>
          <Group align="flex-end" gap="sm" mb="sm" wrap="wrap">
            <NativeSelect
              label="Severity"
              value={severity}
              onChange={(e) => setSeverity(e.currentTarget.value as '' | 'ERROR' | 'ALERT')}
              data={[
                { value: '', label: 'Errors and alerts' },
                { value: 'ERROR', label: 'Errors' },
                { value: 'ALERT', label: 'Alerts' },
              ]}
            />
            <NativeSelect
              label="Code"
              value={code}
              onChange={(e) => setCode(e.currentTarget.value)}
              data={[{ value: '', label: 'All codes' }, ...[...new Set(summary.map((s) => s.code))].map((c) => ({ value: c, label: c }))]}
            />
            <NativeSelect
              label="Entity"
              value={entity}
              onChange={(e) => setEntity(e.currentTarget.value)}
              data={[{ value: '', label: 'All entities' }, ...entities.map((e) => ({ value: e, label: humanize(e) }))]}
            />
            <TextInput label="Find" description="In messages and SIS ids" value={text} onChange={(e) => setText(e.currentTarget.value)} />
          </Group>
          <Text size="sm" mb="xs" role="status">{filtered.length} matching</Text>
          <Table.ScrollContainer minWidth={560}>
            <Table striped aria-label="Records with issues">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Kind</Table.Th>
                  <Table.Th>Code</Table.Th>
                  <Table.Th>Entity</Table.Th>
                  <Table.Th>SIS id</Table.Th>
                  <Table.Th>Message</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {filtered.slice(0, shown).map((i, n) => (
                  <Table.Tr key={n}>
                    <Table.Td><StateBadge value={i.severity} /></Table.Td>
                    <Table.Td>{i.code}</Table.Td>
                    <Table.Td>{i.entityKind ?? '—'}</Table.Td>
                    <Table.Td>{i.externalId ?? '—'}</Table.Td>
                    <Table.Td>{i.message}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {filtered.length > shown && (
            <Button variant="default" mt="sm" onClick={() => setShown((s) => s + 200)}>
              Show more issues
            </Button>
          )}
        </Card>
      )}
    </SimpleGrid>
  );
}
