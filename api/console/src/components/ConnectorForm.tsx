import { Button, Group, NativeSelect, SegmentedControl, Stack, Text, TextInput, PasswordInput, Textarea } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import type { ConnectorKind } from '../gql/graphql';
import { KINDS, buildConfig, kindSpec, valuesOf, type FieldSpec } from '../lib/connectors';
import { Messages } from './common';

export interface ConnectorFormValues {
  kind: ConnectorKind;
  name: string;
  schedule: string;
  config: Record<string, unknown>;
}

/** Fields of a connector: kind (when new), name, schedule and the fields its kind needs. */
export function ConnectorForm({
  initial,
  submitLabel,
  busy,
  serverErrors,
  otherErrors,
  onSubmit,
  secretFieldsSet,
}: {
  initial?: { kind: ConnectorKind; name: string; schedule: string | null; config: unknown };
  submitLabel: string;
  busy: boolean;
  serverErrors: Record<string, string>;
  otherErrors: string[];
  onSubmit: (v: ConnectorFormValues) => void;
  secretFieldsSet?: boolean;
}) {
  const [kind, setKind] = useState<ConnectorKind>(initial?.kind ?? 'ONEROSTER_CSV');
  const [name, setName] = useState(initial?.name ?? '');
  const [schedule, setSchedule] = useState(initial?.schedule ?? '');
  const [values, setValues] = useState<Record<string, string>>(valuesOf(initial?.config));
  const spec = kindSpec(kind);
  const initialVariant = spec.variants.findIndex((v) => v.fields.some((f) => f.required && values[f.key]));
  const [variant, setVariant] = useState(Math.max(0, initialVariant));
  const fields = spec.variants[Math.min(variant, spec.variants.length - 1)].fields;
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const editing = !!initial;

  function submit(e: FormEvent) {
    e.preventDefault();
    // Secrets are never returned: on edit, empty secret fields keep the stored ones.
    const effective: FieldSpec[] = editing && secretFieldsSet ? fields.map((f) => (f.secret ? { ...f, required: false } : f)) : fields;
    const { config, errors } = buildConfig(effective, values);
    const errs = { ...errors };
    if (!name.trim()) errs.name = 'Name is required.';
    setLocalErrors(errs);
    if (Object.keys(errs).length) return;
    onSubmit({ kind, name: name.trim(), schedule: schedule.trim(), config });
  }

  const err = (key: string) => localErrors[key] ?? serverErrors[key];
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        {!editing && (
          <NativeSelect
            label="Kind"
            value={kind}
            onChange={(e) => {
              setKind(e.currentTarget.value as ConnectorKind);
              setVariant(0);
              setLocalErrors({});
            }}
            data={KINDS.map((k) => ({ value: k.kind, label: k.label }))}
          />
        )}
        <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} error={err('name')} />
        <TextInput
          label="Schedule"
          description="Cron, e.g. 0 2 * * * for 02:00 every night. Empty: run by hand only."
          value={schedule}
          onChange={(e) => setSchedule(e.currentTarget.value)}
          error={err('schedule')}
        />
        {spec.variants.length > 1 && (
          <Stack gap={4}>
            <Text size="sm" fw={500} id="variant-label">Connection</Text>
            <SegmentedControl
              aria-labelledby="variant-label"
              value={String(variant)}
              onChange={(v) => setVariant(Number(v))}
              data={spec.variants.map((v, i) => ({ value: String(i), label: v.name }))}
            />
          </Stack>
        )}
        {fields.map((f) => {
          const common = {
            key: `${kind}-${f.key}`,
            label: f.label,
            required: f.required && !(editing && f.secret && secretFieldsSet),
            description: f.secret && editing && secretFieldsSet ? 'Stored; leave empty to keep it.' : f.description,
            value: values[f.key] ?? '',
            error: err(f.key),
          };
          const set = (v: string) => setValues((old) => ({ ...old, [f.key]: v }));
          if (f.type === 'select') {
            return (
              <NativeSelect
                {...common}
                data={[{ value: '', label: 'Choose…' }, ...(f.options ?? []).map((o) => ({ value: o, label: o }))]}
                onChange={(e) => set(e.currentTarget.value)}
              />
            );
          }
          if (f.secret) return <PasswordInput {...common} autoComplete="off" onChange={(e) => set(e.currentTarget.value)} />;
          if (f.type === 'json') return <Textarea {...common} autosize minRows={2} onChange={(e) => set(e.currentTarget.value)} />;
          return <TextInput {...common} onChange={(e) => set(e.currentTarget.value)} />;
        })}
        <Messages messages={otherErrors} />
        <Group>
          <Button type="submit" loading={busy}>
            {submitLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
