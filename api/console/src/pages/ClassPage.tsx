import { Anchor, Button, Card, Group, NativeSelect, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../gql';
import type { ClassPageQuery } from '../gql/graphql';
import { Empty, ErrorNote, Loading, Messages, Page, StateBadge, formatTime } from '../components/common';
import { useViewer } from '../lib/auth';
import { errorsByField, otherErrors, type UserErrorLike } from '../lib/errors';
import { isAdmin } from '../lib/roles';

const ClassDoc = graphql(`
  query ClassPage($id: ID!) {
    class(id: $id) {
      id
      title
      sisTitle
      classCode
      joinCode
      status
      claimed
      claimedAt
      claimedBy { id displayName }
      school { id name }
      course { id title }
      term { id title }
      teachers { id displayName }
      students { id displayName studentNumber grade }
    }
  }
`);

const ClaimDoc = graphql(`
  mutation ClaimClass($id: ID!, $teacherId: ID) {
    claimClass(id: $id, teacherId: $teacherId) {
      class { id claimed claimedAt claimedBy { id displayName } }
      userErrors { field message code }
    }
  }
`);

const ReleaseDoc = graphql(`
  mutation ReleaseClass($id: ID!) {
    releaseClass(id: $id) {
      class { id claimed claimedAt claimedBy { id displayName } }
      userErrors { field message code }
    }
  }
`);

const UpdateDoc = graphql(`
  mutation UpdateClass($id: ID!, $title: String, $joinCode: String) {
    updateClass(id: $id, title: $title, joinCode: $joinCode) {
      class { id title joinCode }
      userErrors { field message code }
    }
  }
`);

const AddDoc = graphql(`
  mutation AddParticipant($classId: ID!, $newStudent: NewStudentInput) {
    addParticipant(classId: $classId, newStudent: $newStudent) {
      class { id students { id displayName studentNumber grade } }
      userErrors { field message code }
    }
  }
`);

const RemoveDoc = graphql(`
  mutation RemoveParticipant($classId: ID!, $personId: ID!) {
    removeParticipant(classId: $classId, personId: $personId) {
      class { id students { id displayName studentNumber grade } teachers { id displayName } }
      userErrors { field message code }
    }
  }
`);

export default function ClassPage() {
  const { id = '' } = useParams();
  const [{ data, fetching, error }] = useQuery({ query: ClassDoc, variables: { id } });
  if (fetching && !data) return <Loading label="Loading the class" />;
  if (error) return <ErrorNote error={error} />;
  const c = data?.class;
  if (!c) return <Page title="Class not found"><Empty>This class does not exist or is not visible to you.</Empty></Page>;
  return (
    <Page
      title={c.title}
      actions={
        <Button component={Link} to={`/families/${encodeURIComponent(c.id)}`} variant="default">
          Family invite manager
        </Button>
      }
    >
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder>
          <Title order={3} size="h4" mb="xs">Details</Title>
          <dl className="details">
            <Detail term="SIS title" value={c.sisTitle} />
            <Detail term="Class code" value={c.classCode} />
            <Detail term="School" value={c.school?.name} />
            <Detail term="Course" value={c.course?.title} />
            <Detail term="Term" value={c.term?.title} />
            <Detail term="Status" value={c.status === 'ACTIVE' ? 'Active' : 'Archived'} />
          </dl>
        </Card>
        <ClaimCard cls={c} />
        <LocalFields cls={c} />
        <Card withBorder>
          <Title order={3} size="h4" mb="xs">Teachers</Title>
          {c.teachers.length ? (
            <ul style={{ margin: 0, paddingLeft: '1.2em' }}>
              {c.teachers.map((t) => <li key={t.id}>{t.displayName}</li>)}
            </ul>
          ) : (
            <Empty>No teachers.</Empty>
          )}
        </Card>
      </SimpleGrid>
      <Roster cls={c} />
    </Page>
  );
}

function Detail({ term, value }: { term: string; value: string | null | undefined }) {
  return (
    <Group gap="xs" wrap="nowrap">
      <Text component="dt" fw={600} size="sm" miw={90}>{term}</Text>
      <Text component="dd" size="sm" m={0}>{value || '—'}</Text>
    </Group>
  );
}

type Cls = NonNullable<ClassPageQuery['class']>;

function ClaimCard({ cls }: { cls: Cls }) {
  const viewer = useViewer();
  const admin = isAdmin(viewer.role);
  const [teacherId, setTeacherId] = useState(cls.teachers[0]?.id ?? '');
  const [claimState, claim] = useMutation(ClaimDoc);
  const [releaseState, release] = useMutation(ReleaseDoc);
  const [errors, setErrors] = useState<UserErrorLike[]>([]);
  const byField = errorsByField(errors);

  async function onClaim(e: FormEvent) {
    e.preventDefault();
    const r = await claim({ id: cls.id, teacherId: admin ? teacherId || undefined : undefined });
    setErrors(r.data?.claimClass.userErrors ?? []);
  }
  async function onRelease() {
    const r = await release({ id: cls.id });
    setErrors(r.data?.releaseClass.userErrors ?? []);
  }
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="xs">Claim</Title>
      <Stack gap="sm">
        {cls.claimed ? (
          <>
            <Group gap="xs">
              <StateBadge value="CLAIMED" />
              <Text size="sm" data-testid="claimed-by">
                by {cls.claimedBy?.displayName ?? 'a teacher'} on {formatTime(cls.claimedAt)}
              </Text>
            </Group>
            <Button variant="default" onClick={onRelease} loading={releaseState.fetching} w="fit-content">
              Release
            </Button>
          </>
        ) : (
          <form onSubmit={onClaim}>
            <Group align="flex-end" gap="sm">
              <StateBadge value="UNCLAIMED" />
              {admin && (
                <NativeSelect
                  label="Teacher"
                  value={teacherId}
                  onChange={(e) => setTeacherId(e.currentTarget.value)}
                  data={cls.teachers.map((t) => ({ value: t.id, label: t.displayName }))}
                  error={byField.teacherId}
                />
              )}
              <Button type="submit" loading={claimState.fetching}>
                {admin ? 'Claim for teacher' : 'Claim'}
              </Button>
            </Group>
          </form>
        )}
        <Messages messages={otherErrors(errors, ['teacherId'])} />
        <ErrorNote error={claimState.error ?? releaseState.error} />
      </Stack>
    </Card>
  );
}

function LocalFields({ cls }: { cls: Cls }) {
  const [title, setTitle] = useState(cls.title === cls.sisTitle ? '' : cls.title);
  const [joinCode, setJoinCode] = useState(cls.joinCode ?? '');
  useEffect(() => setJoinCode(cls.joinCode ?? ''), [cls.joinCode]);
  const [state, update] = useMutation(UpdateDoc);
  const [errors, setErrors] = useState<UserErrorLike[]>([]);
  const [saved, setSaved] = useState(false);
  const byField = errorsByField(errors);
  async function onSave(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    const r = await update({ id: cls.id, title: title.trim() || null, joinCode: joinCode.trim() || null });
    const errs = r.data?.updateClass.userErrors ?? [];
    setErrors(errs);
    setSaved(!r.error && errs.length === 0);
  }
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="xs">Local title and join code</Title>
      <form onSubmit={onSave}>
        <Stack gap="sm">
          <TextInput
            label="Local title"
            description="Shown instead of the SIS title; sync never overwrites it. Empty: the SIS title."
            value={title}
            onChange={(e) => setTitle(e.currentTarget.value)}
            error={byField.title}
          />
          <TextInput
            label="Join code"
            description="Students join a claimed class with it. Empty: none."
            value={joinCode}
            onChange={(e) => setJoinCode(e.currentTarget.value)}
            error={byField.joinCode}
          />
          <Messages messages={otherErrors(errors, ['title', 'joinCode'])} />
          <ErrorNote error={state.error} />
          <Group>
            <Button type="submit" loading={state.fetching}>Save</Button>
            {saved && <Text size="sm" role="status">Saved.</Text>}
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

function Roster({ cls }: { cls: Cls }) {
  const [removeState, remove] = useMutation(RemoveDoc);
  const [addState, add] = useMutation(AddDoc);
  const [errors, setErrors] = useState<UserErrorLike[]>([]);
  const [givenName, setGivenName] = useState('');
  const [familyName, setFamilyName] = useState('');
  const [studentNumber, setStudentNumber] = useState('');
  const byField = errorsByField(errors);
  async function onAdd(e: FormEvent) {
    e.preventDefault();
    const r = await add({
      classId: cls.id,
      newStudent: { givenName, familyName, studentNumber: studentNumber || undefined },
    });
    const errs = r.data?.addParticipant.userErrors ?? [];
    setErrors(errs);
    if (!r.error && !errs.length) {
      setGivenName('');
      setFamilyName('');
      setStudentNumber('');
    }
  }
  return (
    <Card withBorder>
      <Title order={3} size="h4" mb="xs">
        Roster ({cls.students.length} {cls.students.length === 1 ? 'student' : 'students'})
      </Title>
      {cls.students.length === 0 ? (
        <Empty>No students in this class.</Empty>
      ) : (
        <Table.ScrollContainer minWidth={480}>
          <Table striped aria-label="Roster">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Student</Table.Th>
                <Table.Th>Student number</Table.Th>
                <Table.Th>Grade</Table.Th>
                <Table.Th><span className="visually-hidden">Actions</span></Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {cls.students.map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/people/${encodeURIComponent(s.id)}`}>{s.displayName}</Anchor>
                  </Table.Td>
                  <Table.Td>{s.studentNumber ?? '—'}</Table.Td>
                  <Table.Td>{s.grade ?? '—'}</Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="subtle"
                      color="red"
                      aria-label={`Remove ${s.displayName} from the class`}
                      loading={removeState.fetching && removeState.operation?.variables.personId === s.id}
                      onClick={async () => {
                        const r = await remove({ classId: cls.id, personId: s.id });
                        setErrors(r.data?.removeParticipant.userErrors ?? []);
                      }}
                    >
                      Remove
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Title order={4} size="h5" mt="md" mb="xs">Add a new student</Title>
      <form onSubmit={onAdd}>
        <Group align="flex-start" gap="sm" wrap="wrap">
          <TextInput label="Given name" required value={givenName} onChange={(e) => setGivenName(e.currentTarget.value)} error={byField.givenName} />
          <TextInput label="Family name" required value={familyName} onChange={(e) => setFamilyName(e.currentTarget.value)} error={byField.familyName} />
          <TextInput label="Student number" value={studentNumber} onChange={(e) => setStudentNumber(e.currentTarget.value)} error={byField.studentNumber} />
          <Button type="submit" mt={25} loading={addState.fetching}>Add student</Button>
        </Group>
      </form>
      <Messages messages={otherErrors(errors, ['givenName', 'familyName', 'studentNumber'])} />
      <ErrorNote error={addState.error ?? removeState.error} />
    </Card>
  );
}
