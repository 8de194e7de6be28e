import { Alert, Badge, Center, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useEffect, type ReactNode } from 'react';
import type { CombinedError } from 'urql';
import { describeError } from '../lib/errors';

export function Page({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · Homeroom`;
  }, [title]);
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <Title order={2}>{title}</Title>
        {actions}
      </Group>
      {children}
    </Stack>
  );
}

export function Loading({ label = 'Loading' }: { label?: string }) {
  return (
    <Center p="lg">
      <Loader aria-label={label} />
    </Center>
  );
}

export function ErrorNote({ error }: { error: CombinedError | undefined | null }) {
  const text = describeError(error);
  if (!text) return null;
  return (
    <Alert color="red" role="alert" title="Something went wrong">
      {text}
    </Alert>
  );
}

export function Messages({ messages, title = 'Not done' }: { messages: readonly string[]; title?: string }) {
  if (!messages.length) return null;
  return (
    <Alert color="red" role="alert" title={title}>
      {messages.length === 1 ? messages[0] : (
        <ul style={{ margin: 0, paddingLeft: '1.2em' }}>
          {messages.map((m, i) => (
            <li key={i}>{m}</li>
          ))}
        </ul>
      )}
    </Alert>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <Text c="dimmed" py="md" ta="center">
      {children}
    </Text>
  );
}

const STATE_COLORS: Record<string, string> = {
  SUCCEEDED: 'green',
  ACTIVE: 'green',
  DELIVERED: 'green',
  ACCEPTED: 'teal',
  CLAIMED: 'teal',
  RUNNING: 'blue',
  QUEUED: 'blue',
  INVITED: 'blue',
  SENT: 'blue',
  PENDING: 'blue',
  SENDING: 'blue',
  VALIDATED: 'blue',
  HELD: 'orange',
  ALERT: 'yellow',
  NOT_INVITED: 'gray',
  NONE: 'gray',
  NO_ACCOUNT: 'gray',
  ACCOUNT_CLAIMED: 'teal',
  ARCHIVED: 'gray',
  REMOVED: 'gray',
  ABORTED: 'gray',
  EXPIRED: 'gray',
  REVOKED: 'gray',
  FAILED: 'red',
  REJECTED: 'red',
  GAVE_UP: 'red',
  ERROR: 'red',
};

export function humanize(value: string): string {
  const s = value.replace(/_/g, ' ').toLowerCase();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function StateBadge({ value }: { value: string }) {
  return (
    <Badge variant="light" color={STATE_COLORS[value] ?? 'gray'} radius="sm" tt="none" fz="xs" style={{ flexShrink: 0, overflow: 'visible' }} styles={{ label: { overflow: 'visible' } }}>
      {humanize(value)}
    </Badge>
  );
}

export function formatTime(value: string | null | undefined): string {
  if (!value) return '—';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
