import { Alert, Button, Card, Checkbox, Group, Input, Progress, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../gql';
import type { ImportJobFieldsFragment } from '../gql/graphql';
import { Empty, ErrorNote, Loading, Page, StateBadge, formatTime, humanize } from '../components/common';

graphql(`
  fragment ImportJobFields on ImportJob {
    id
    state
    progress
    dryRun
    onlyValidRows
    invite
    fileName
    message
    createdAt
    finishedAt
    counts {
      totalRows
      validRows
      invalidRows
      processed
      planned { created kindChanged restored unchanged }
      applied { created kindChanged restored unchanged }
    }
    errors(first: 500) { row field code message }
    preview(first: 200) {
      hasMore
      counts { created kindChanged restored unchanged }
      rows { row parentEmail student kind oldKind change }
    }
  }
`);

const ImportDoc = graphql(`
  mutation ImportRelationships($file: Upload!, $dryRun: Boolean, $onlyValidRows: Boolean, $invite: Boolean) {
    importRelationships(file: $file, dryRun: $dryRun, onlyValidRows: $onlyValidRows, invite: $invite) {
      ...ImportJobFields
    }
  }
`);

const JobDoc = graphql(`
  query ImportJob($id: ID!) {
    importJob(id: $id) { ...ImportJobFields }
  }
`);

const JobsDoc = graphql(`
  query ImportJobs {
    importJobs(first: 10) {
      nodes { id state fileName dryRun createdAt finishedAt message counts { totalRows validRows invalidRows } }
    }
  }
`);

const RUNNING = ['QUEUED', 'RUNNING'];

export default function Imports() {
  const [file, setFile] = useState<File | null>(null);
  const [onlyValidRows, setOnlyValidRows] = useState(false);
  const [invite, setInvite] = useState(false);
  const [validated, setValidated] = useState<ImportJobFieldsFragment | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [state, submit] = useMutation(ImportDoc);
  const [finished, setFinished] = useState(0);
  const onDone = useCallback(() => setFinished((n) => n + 1), []);

  async function validate() {
    setJobId(null);
    setValidated(null);
    if (!file) {
      setFileError('Choose a CSV file first.');
      return;
    }
    setFileError(null);
    const r = await submit({ file, dryRun: true, onlyValidRows, invite });
    if (r.data) setValidated(r.data.importRelationships);
    else if (r.error) setFileError(r.error.graphQLErrors[0]?.message ?? r.error.message);
  }

  async function runImport() {
    if (!file) return;
    const r = await submit({ file, dryRun: false, onlyValidRows, invite });
    if (r.data) {
      setJobId(r.data.importRelationships.id);
    } else if (r.error) setFileError(r.error.graphQLErrors[0]?.message ?? r.error.message);
  }

  const canImport = !!validated && validated.counts.validRows > 0 && (validated.counts.invalidRows === 0 || onlyValidRows);
  return (
    <Page title="Imports">
      <Card withBorder>
        <Title order={3} size="h4" mb="xs">Relationship spreadsheet</Title>
        <Text size="sm" mb="sm">
          A CSV with the columns <code>parent_email</code>, <code>student_email</code> or <code>student_id</code>, and{' '}
          <code>relationship_type</code>. Every row is checked and previewed before anything is imported.
        </Text>
        <Stack gap="sm" maw={560}>
          <Input.Wrapper label="Spreadsheet (CSV)" id="import-file" error={fileError} description="UTF-8, with a header row">
            <input
              id="import-file"
              className="file-input"
              type="file"
              accept=".csv,text/csv"
              aria-invalid={fileError ? true : undefined}
              aria-describedby={fileError ? 'import-file-error' : 'import-file-description'}
              onChange={(e) => {
                setFile(e.currentTarget.files?.[0] ?? null);
                setFileError(null);
                setValidated(null);
                setJobId(null);
              }}
            />
          </Input.Wrapper>
          <Checkbox label="Import the valid rows even if some are invalid" checked={onlyValidRows} onChange={(e) => setOnlyValidRows(e.currentTarget.checked)} />
          <Checkbox label="Invite the imported families" checked={invite} onChange={(e) => setInvite(e.currentTarget.checked)} />
          <Group>
            <Button onClick={validate} loading={state.fetching && !jobId && !validated}>
              Validate
            </Button>
            <Button onClick={runImport} disabled={!canImport || !!jobId} variant={canImport ? 'filled' : 'default'}>
              Import
            </Button>
          </Group>
          {validated && !canImport && validated.counts.invalidRows > 0 && !onlyValidRows && (
            <Text size="sm">Fix the invalid rows, or tick “Import the valid rows even if some are invalid”, to import.</Text>
          )}
        </Stack>
      </Card>
      {jobId ? <RunningJob id={jobId} onDone={onDone} /> : validated && <JobReport job={validated} />}
      <RecentJobs key={`${jobId ?? 'none'}:${finished}`} />
    </Page>
  );
}

function RunningJob({ id, onDone }: { id: string; onDone: () => void }) {
  const [{ data, error }, refetch] = useQuery({ query: JobDoc, variables: { id }, requestPolicy: 'network-only' });
  const job = data?.importJob;
  const running = !job || RUNNING.includes(job.state);
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => refetch({ requestPolicy: 'network-only' }), 1000);
    return () => clearInterval(t);
  }, [running, refetch]);
  useEffect(() => {
    if (!running) onDone();
  }, [running, onDone]);
  if (error) return <ErrorNote error={error} />;
  if (!job) return <Loading label="Starting the import" />;
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="xs">Import</Title>
      <Group gap="sm" mb="xs">
        <span data-testid="import-state"><StateBadge value={job.state} /></span>
        <Text size="sm">{job.message}</Text>
      </Group>
      <Progress value={Math.round(job.progress * 100)} aria-label="Import progress" animated={running} />
      <Text size="sm" mt="xs" role="status" aria-live="polite">
        {job.counts.processed} of {job.counts.validRows} valid rows applied · {job.counts.applied.created} new links,{' '}
        {job.counts.applied.kindChanged} kind changes, {job.counts.applied.restored} restored
      </Text>
    </Card>
  );
}

export function JobReport({ job }: { job: ImportJobFieldsFragment }) {
  const c = job.counts;
  return (
    <SimpleGrid cols={{ base: 1 }}>
      <Card withBorder>
        <Title order={3} size="h4" mb="xs">Validation</Title>
        <Group gap="lg" mb="xs" role="status">
          <Text>{c.totalRows} rows</Text>
          <Text data-testid="valid-rows">{c.validRows} valid</Text>
          <Text data-testid="invalid-rows" c={c.invalidRows ? 'red.9' : undefined} fw={c.invalidRows ? 700 : undefined}>
            {c.invalidRows} invalid
          </Text>
        </Group>
        {job.message && <Alert color={job.state === 'REJECTED' ? 'red' : 'blue'} mb="sm">{job.message}</Alert>}
        {job.errors.length > 0 && (
          <Table.ScrollContainer minWidth={520}>
            <Table striped aria-label="Invalid rows">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Row</Table.Th>
                  <Table.Th>Column</Table.Th>
                  <Table.Th>Code</Table.Th>
                  <Table.Th>Reason</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {job.errors.map((e, i) => (
                  <Table.Tr key={i}>
                    <Table.Td>{e.row ?? 'file'}</Table.Td>
                    <Table.Td>{e.field ?? '—'}</Table.Td>
                    <Table.Td>{e.code}</Table.Td>
                    <Table.Td>{e.message}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
      <Card withBorder>
        <Title order={3} size="h4" mb="xs">Preview</Title>
        <Text mb="xs">
          {job.preview.counts.created} new links · {job.preview.counts.kindChanged} kind changes · {job.preview.counts.restored} restored ·{' '}
          {job.preview.counts.unchanged} already present
        </Text>
        {job.preview.rows.length === 0 ? (
          <Empty>Importing this file changes nothing.</Empty>
        ) : (
          <Table.ScrollContainer minWidth={520}>
            <Table striped aria-label="Preview">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Row</Table.Th>
                  <Table.Th>Parent email</Table.Th>
                  <Table.Th>Student</Table.Th>
                  <Table.Th>Relationship</Table.Th>
                  <Table.Th>Change</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {job.preview.rows.map((r) => (
                  <Table.Tr key={r.row}>
                    <Table.Td>{r.row}</Table.Td>
                    <Table.Td>{r.parentEmail}</Table.Td>
                    <Table.Td>{r.student}</Table.Td>
                    <Table.Td>{r.oldKind ? `${humanize(r.oldKind)} → ${humanize(r.kind)}` : humanize(r.kind)}</Table.Td>
                    <Table.Td>{humanize(r.change)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {job.preview.hasMore && <Text size="sm" mt="xs">The preview shows the first 200 changes.</Text>}
      </Card>
    </SimpleGrid>
  );
}

function RecentJobs() {
  const [{ data, fetching, error }] = useQuery({ query: JobsDoc, variables: {}, requestPolicy: 'cache-and-network' });
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="xs">Recent imports</Title>
      {fetching && !data ? (
        <Loading label="Loading imports" />
      ) : error ? (
        <ErrorNote error={error} />
      ) : !data?.importJobs.nodes.length ? (
        <Empty>No imports yet.</Empty>
      ) : (
        <Table.ScrollContainer minWidth={520}>
          <Table striped aria-label="Recent imports">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>File</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>Rows</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.importJobs.nodes.map((j) => (
                <Table.Tr key={j.id}>
                  <Table.Td>{formatTime(j.createdAt)}</Table.Td>
                  <Table.Td>{j.fileName ?? '—'}</Table.Td>
                  <Table.Td>
                    <StateBadge value={j.state} /> {j.dryRun ? <Text span size="xs">(check only)</Text> : null}
                  </Table.Td>
                  <Table.Td>
                    {j.counts.validRows} valid, {j.counts.invalidRows} invalid
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
