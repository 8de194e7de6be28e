import { Button, Card, Checkbox, Code, Group, PasswordInput, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../gql';
import type { WebhookEvent } from '../gql/graphql';
import { Empty, ErrorNote, Loading, Messages, Page, StateBadge, formatTime, humanize } from '../components/common';
import { errorsByField, otherErrors, type UserErrorLike } from '../lib/errors';

const SettingsDoc = graphql(`
  query Settings {
    district {
      id
      name
      rosteringEnforced
      teacherLinksNeedApproval
      notificationSettings { teacherNewClasses familiesClassClaimed adminSyncSummary }
    }
    webhooks { id url events enabled createdAt }
  }
`);

const EnforceDoc = graphql(`
  mutation SetRosteringEnforcement($enabled: Boolean!) {
    setRosteringEnforcement(enabled: $enabled) { id rosteringEnforced }
  }
`);

const ApprovalDoc = graphql(`
  mutation SetTeacherLinkApproval($required: Boolean!) {
    setTeacherLinkApproval(required: $required) { id teacherLinksNeedApproval }
  }
`);

const ReviewsDoc = graphql(`
  query GuardianLinkReviews($states: [LinkReviewState!]) {
    guardianLinkReviews(states: $states, first: 100) {
      totalCount
      edges {
        node {
          state
          createdAt
          requestedBy { id displayName }
          relationship {
            id
            kind
            guardian { id displayName }
            student { id displayName }
          }
        }
      }
    }
  }
`);

const ApproveLinkDoc = graphql(`
  mutation ApproveGuardianLink($id: ID!) {
    approveGuardianLink(relationshipId: $id) { relationship { id status review } userErrors { field message code } }
  }
`);

const RevokeLinkDoc = graphql(`
  mutation RevokeGuardianLink($id: ID!) {
    revokeGuardianLink(relationshipId: $id) { relationship { id status review } userErrors { field message code } }
  }
`);

const NotifyDoc = graphql(`
  mutation SetNotificationSettings($input: NotificationSettingsInput!) {
    setNotificationSettings(input: $input) {
      id
      notificationSettings { teacherNewClasses familiesClassClaimed adminSyncSummary }
    }
  }
`);

const CreateHookDoc = graphql(`
  mutation CreateWebhook($url: String!, $events: [WebhookEvent!]!, $secret: String!) {
    createWebhook(url: $url, events: $events, secret: $secret) {
      webhook { id url events enabled createdAt }
      userErrors { field message code }
    }
  }
`);

const UpdateHookDoc = graphql(`
  mutation UpdateWebhook($id: ID!, $enabled: Boolean!) {
    updateWebhook(id: $id, enabled: $enabled) { id enabled }
  }
`);

const DeleteHookDoc = graphql(`
  mutation DeleteWebhook($id: ID!) {
    deleteWebhook(id: $id) { id }
  }
`);

const DeliveriesDoc = graphql(`
  query WebhookDeliveries($id: ID!) {
    webhook(id: $id) {
      id
      deliveries(first: 50) {
        nodes { id event status attempts lastError body createdAt deliveredAt nextAttemptAt }
      }
    }
  }
`);

const EVENTS: WebhookEvent[] = ['SYNC_RUN_FINISHED', 'PERSON_MERGED', 'PERSON_UNMERGED', 'INVITATION_ACCEPTED', 'CLASS_CLAIMED', 'CLASS_RELEASED'];

const NOTIFICATIONS = [
  { key: 'teacherNewClasses', label: 'After a maintenance sync, tell teachers about classes new to them' },
  { key: 'familiesClassClaimed', label: 'When a teacher claims a class, tell its invited or claimed families' },
  { key: 'adminSyncSummary', label: 'Tell district admins when a sync run fails or is held' },
] as const;

export default function Settings() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: SettingsDoc });
  const [enforceState, enforce] = useMutation(EnforceDoc);
  const [notifyState, notify] = useMutation(NotifyDoc);
  if (fetching && !data) return <Loading label="Loading settings" />;
  if (error) return <ErrorNote error={error} />;
  const d = data!.district;
  return (
    <Page title="Settings">
      <Card withBorder>
        <Title order={3} size="h4" mb="xs">Rostering enforcement</Title>
        <Switch
          label="SIS-linked people leave classes only through sync or an admin"
          checked={d.rosteringEnforced}
          disabled={enforceState.fetching}
          onChange={(e) => enforce({ enabled: e.currentTarget.checked })}
        />
        <ErrorNote error={enforceState.error} />
      </Card>
      <LinkReviews required={d.teacherLinksNeedApproval} />
      <Card withBorder>
        <Title order={3} size="h4" mb="xs">Notifications</Title>
        <Stack gap="xs">
          {NOTIFICATIONS.map((n) => (
            <Switch
              key={n.key}
              label={n.label}
              checked={d.notificationSettings[n.key]}
              disabled={notifyState.fetching}
              onChange={(e) => notify({ input: { [n.key]: e.currentTarget.checked } })}
            />
          ))}
        </Stack>
        <ErrorNote error={notifyState.error} />
      </Card>
      <Webhooks hooks={data!.webhooks} onChange={() => refetch({ requestPolicy: 'network-only' })} />
    </Page>
  );
}

function LinkReviews({ required }: { required: boolean }) {
  const [showAll, setShowAll] = useState(false);
  const states = showAll ? (['PENDING', 'AUTOMATIC', 'APPROVED'] as const) : (['PENDING'] as const);
  const [{ data, fetching, error }, refetch] = useQuery({ query: ReviewsDoc, variables: { states: [...states] } });
  const [approvalState, setApproval] = useMutation(ApprovalDoc);
  const [approveState, approve] = useMutation(ApproveLinkDoc);
  const [revokeState, revoke] = useMutation(RevokeLinkDoc);
  const [errors, setErrors] = useState<UserErrorLike[]>([]);
  const busy = approveState.fetching || revokeState.fetching;
  async function decide(kind: 'approve' | 'revoke', id: string) {
    const r = kind === 'approve' ? await approve({ id }) : await revoke({ id });
    const payload = r.data && ('approveGuardianLink' in r.data ? r.data.approveGuardianLink : r.data.revokeGuardianLink);
    setErrors(payload?.userErrors ?? []);
    refetch({ requestPolicy: 'network-only' });
  }
  const rows = data?.guardianLinkReviews.edges ?? [];
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="xs">Guardian links made by teachers</Title>
      <Stack gap="xs">
        <Switch
          label="Wait for a district admin's approval before a teacher's guardian link gives access"
          checked={required}
          disabled={approvalState.fetching}
          onChange={(e) => setApproval({ required: e.currentTarget.checked })}
        />
        <ErrorNote error={approvalState.error} />
        <Checkbox
          label="Also show links already in force"
          checked={showAll}
          onChange={(e) => setShowAll(e.currentTarget.checked)}
        />
        <Messages messages={otherErrors(errors, [])} />
        {fetching && !data ? <Loading label="Loading guardian links" /> : error ? <ErrorNote error={error} /> : rows.length === 0 ? (
          <Empty>{showAll ? 'No guardian links made by teachers.' : 'No guardian links are waiting for approval.'}</Empty>
        ) : (
          <Table.ScrollContainer minWidth={560}>
            <Table aria-label="Guardian links made by teachers">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Guardian</Table.Th>
                  <Table.Th>Student</Table.Th>
                  <Table.Th>Made by</Table.Th>
                  <Table.Th>State</Table.Th>
                  <Table.Th>Actions</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map(({ node }) => {
                  const who = `${node.relationship.guardian?.displayName ?? 'guardian'} for ${node.relationship.student?.displayName ?? 'student'}`;
                  return (
                    <Table.Tr key={node.relationship.id}>
                      <Table.Td>{node.relationship.guardian?.displayName ?? '—'} ({humanize(node.relationship.kind)})</Table.Td>
                      <Table.Td>{node.relationship.student?.displayName ?? '—'}</Table.Td>
                      <Table.Td>{node.requestedBy?.displayName ?? '—'} · {formatTime(node.createdAt)}</Table.Td>
                      <Table.Td><StateBadge value={node.state} /></Table.Td>
                      <Table.Td>
                        <Group gap="xs">
                          {node.state === 'PENDING' && (
                            <Button size="xs" disabled={busy} aria-label={`Approve ${who}`} onClick={() => decide('approve', node.relationship.id)}>Approve</Button>
                          )}
                          <Button size="xs" color="red" variant="light" disabled={busy} aria-label={`Revoke ${who}`} onClick={() => decide('revoke', node.relationship.id)}>Revoke</Button>
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Card>
  );
}

function Webhooks({ hooks, onChange }: { hooks: { id: string; url: string; events: WebhookEvent[]; enabled: boolean; createdAt: string }[]; onChange: () => void }) {
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  const [events, setEvents] = useState<WebhookEvent[]>(['SYNC_RUN_FINISHED']);
  const [errors, setErrors] = useState<UserErrorLike[]>([]);
  const [createState, create] = useMutation(CreateHookDoc);
  const [, update] = useMutation(UpdateHookDoc);
  const [, remove] = useMutation(DeleteHookDoc);
  const [open, setOpen] = useState<string | null>(null);
  const byField = errorsByField(errors);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await create({ url, secret, events });
    const errs = r.data?.createWebhook.userErrors ?? [];
    setErrors(errs);
    if (r.data?.createWebhook.webhook) {
      setUrl('');
      setSecret('');
      onChange();
    }
  }
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="xs">Webhooks</Title>
      {hooks.length === 0 ? <Empty>No webhooks.</Empty> : (
        <Stack gap="sm" mb="md">
          {hooks.map((h) => (
            <Card withBorder key={h.id} p="sm">
              <Group justify="space-between" wrap="wrap">
                <Stack gap={2}>
                  <Text fw={600} style={{ wordBreak: 'break-all' }}>{h.url}</Text>
                  <Text size="sm" c="dimmed">{h.events.map(humanize).join(', ')} · since {formatTime(h.createdAt)}</Text>
                </Stack>
                <Group gap="xs">
                  <Switch label="Enabled" checked={h.enabled} onChange={async (e) => { await update({ id: h.id, enabled: e.currentTarget.checked }); onChange(); }} />
                  <Button size="xs" variant="default" aria-expanded={open === h.id} onClick={() => setOpen(open === h.id ? null : h.id)}>Delivery log</Button>
                  <Button size="xs" variant="subtle" color="red" aria-label={`Delete the webhook to ${h.url}`} onClick={async () => { await remove({ id: h.id }); onChange(); }}>Delete</Button>
                </Group>
              </Group>
              {open === h.id && <Deliveries id={h.id} />}
            </Card>
          ))}
        </Stack>
      )}
      <Title order={4} size="h5" mb="xs">Add a webhook</Title>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm" maw={560}>
          <TextInput label="URL" description="https (http only to localhost)" required value={url} onChange={(e) => setUrl(e.currentTarget.value)} error={byField.url} />
          <PasswordInput label="Signing secret" description="At least 16 characters; stored encrypted, never shown again" required value={secret} onChange={(e) => setSecret(e.currentTarget.value)} error={byField.secret} autoComplete="off" />
          <Checkbox.Group label="Events" value={events} onChange={(v) => setEvents(v as WebhookEvent[])} error={byField.events}>
            <Stack gap={4} mt={4}>
              {EVENTS.map((ev) => <Checkbox key={ev} value={ev} label={humanize(ev)} />)}
            </Stack>
          </Checkbox.Group>
          <Messages messages={otherErrors(errors, ['url', 'secret', 'events'])} />
          <ErrorNote error={createState.error} />
          <Group><Button type="submit" loading={createState.fetching}>Add webhook</Button></Group>
        </Stack>
      </form>
    </Card>
  );
}

function Deliveries({ id }: { id: string }) {
  const [{ data, fetching, error }] = useQuery({ query: DeliveriesDoc, variables: { id }, requestPolicy: 'network-only' });
  if (fetching && !data) return <Loading label="Loading deliveries" />;
  if (error) return <ErrorNote error={error} />;
  const rows = data?.webhook.deliveries.nodes ?? [];
  if (!rows.length) return <Empty>No deliveries yet.</Empty>;
  return (
    <Table.ScrollContainer minWidth={560} mt="sm">
      <Table striped aria-label="Deliveries">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>When</Table.Th>
            <Table.Th>Event</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Attempts</Table.Th>
            <Table.Th>Last error</Table.Th>
            <Table.Th>Body</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((d) => (
            <Table.Tr key={d.id}>
              <Table.Td className="nowrap">{formatTime(d.createdAt)}</Table.Td>
              <Table.Td>{d.event ? humanize(d.event) : '—'}</Table.Td>
              <Table.Td><StateBadge value={d.status} /></Table.Td>
              <Table.Td>{d.attempts}</Table.Td>
              <Table.Td>{d.lastError ?? '—'}</Table.Td>
              <Table.Td>{d.body ? <details><summary>JSON</summary><Code block>{d.body}</Code></details> : '—'}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
