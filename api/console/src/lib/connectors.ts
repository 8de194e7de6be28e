import type { ConnectorKind } from '../gql/graphql';

export interface FieldSpec {
  /** Key in the connector's JSON config. */
  key: string;
  label: string;
  required?: boolean;
  secret?: boolean;
  type?: 'text' | 'number' | 'numberList' | 'json' | 'select';
  options?: string[];
  description?: string;
}

export interface KindSpec {
  kind: ConnectorKind;
  label: string;
  /** Alternative field sets (ClassLink: direct or through its OAuth proxy). */
  variants: { name: string; fields: FieldSpec[] }[];
}

export const KINDS: KindSpec[] = [
  {
    kind: 'ONEROSTER_CSV',
    label: 'OneRoster CSV (folder or .zip)',
    variants: [
      {
        name: 'Files',
        fields: [{ key: 'path', label: 'Folder or .zip path', required: true, description: 'On the server, e.g. /srv/sis/export' }],
      },
    ],
  },
  {
    kind: 'ONEROSTER_REST',
    label: 'OneRoster REST',
    variants: [
      {
        name: 'REST',
        fields: [
          { key: 'base_url', label: 'Base URL', required: true },
          { key: 'version', label: 'OneRoster version', required: true, type: 'select', options: ['1.1', '1.2'] },
          { key: 'client_id', label: 'Client ID', required: true },
          { key: 'client_secret', label: 'Client secret', required: true, secret: true },
          { key: 'token_url', label: 'Token URL' },
          { key: 'scope', label: 'Scope' },
        ],
      },
    ],
  },
  {
    kind: 'CLEVER',
    label: 'Clever',
    variants: [
      {
        name: 'District token',
        fields: [
          { key: 'token', label: 'District token', required: true, secret: true },
          { key: 'base_url', label: 'Base URL' },
          { key: 'page_size', label: 'Page size', type: 'number' },
        ],
      },
    ],
  },
  {
    kind: 'CLASSLINK',
    label: 'ClassLink',
    variants: [
      {
        name: 'Direct',
        fields: [
          { key: 'base_url', label: 'Base URL', required: true },
          { key: 'client_id', label: 'Client ID', required: true },
          { key: 'client_secret', label: 'Client secret', required: true, secret: true },
        ],
      },
      {
        name: 'OAuth proxy',
        fields: [
          { key: 'proxy_url', label: 'Proxy URL', required: true },
          { key: 'bearer_token', label: 'Bearer token', required: true, secret: true },
          { key: 'tenant', label: 'Tenant' },
        ],
      },
    ],
  },
  {
    kind: 'AERIES',
    label: 'Aeries',
    variants: [
      {
        name: 'Certificate',
        fields: [
          { key: 'base_url', label: 'Base URL', required: true },
          { key: 'cert', label: 'Certificate', required: true, secret: true },
          { key: 'database_year', label: 'Database year', type: 'number' },
          { key: 'school_codes', label: 'School codes', type: 'numberList', description: 'Comma-separated, e.g. 994, 995' },
          { key: 'relationship_codes', label: 'Relationship codes (JSON)', type: 'json', description: 'e.g. {"10": "parent"}' },
        ],
      },
    ],
  },
];

export function kindSpec(kind: ConnectorKind): KindSpec {
  return KINDS.find((k) => k.kind === kind)!;
}

export function kindLabel(kind: ConnectorKind): string {
  return kindSpec(kind)?.label ?? kind;
}

/**
 * Turns form values into a connector config: required fields present, numbers parsed, empty
 * optional fields left out. Returns per-field errors instead when something is wrong.
 */
export function buildConfig(
  fields: FieldSpec[],
  values: Record<string, string>,
): { config: Record<string, unknown>; errors: Record<string, string> } {
  const config: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const raw = (values[f.key] ?? '').trim();
    if (!raw) {
      if (f.required) errors[f.key] = `${f.label} is required.`;
      continue;
    }
    switch (f.type) {
      case 'number': {
        const n = Number(raw);
        if (!Number.isInteger(n) || n < 0) errors[f.key] = `${f.label} must be a whole number.`;
        else config[f.key] = n;
        break;
      }
      case 'numberList': {
        const parts = raw.split(',').map((p) => p.trim()).filter(Boolean);
        const nums = parts.map(Number);
        if (nums.some((n) => !Number.isInteger(n))) errors[f.key] = `${f.label} must be whole numbers separated by commas.`;
        else config[f.key] = nums;
        break;
      }
      case 'json': {
        try {
          config[f.key] = JSON.parse(raw);
        } catch {
          errors[f.key] = `${f.label} is not valid JSON.`;
        }
        break;
      }
      default:
        config[f.key] = raw;
    }
  }
  return { config, errors };
}

/** The form values of a stored config (secrets are never returned, so they stay empty). */
export function valuesOf(config: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (config && typeof config === 'object') {
    for (const [k, v] of Object.entries(config as Record<string, unknown>)) {
      if (v == null) continue;
      out[k] = Array.isArray(v) ? v.join(', ') : typeof v === 'object' ? JSON.stringify(v) : String(v);
    }
  }
  return out;
}
