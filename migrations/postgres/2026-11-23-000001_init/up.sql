-- Homeroom schema (PostgreSQL). Ids are UUIDv7 text, timestamps are Unix epoch microseconds
-- (BIGINT), JSON is stored as text: the same column types as the SQLite migration, so one diesel
-- `table!` definition serves both backends.

CREATE TABLE districts (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    settings TEXT NOT NULL DEFAULT '{}',
    is_default BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX districts_one_default ON districts (is_default) WHERE is_default;

CREATE TABLE orgs (
    id TEXT PRIMARY KEY,
    district_id TEXT NOT NULL REFERENCES districts (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    identifier TEXT,
    org_type TEXT NOT NULL CHECK (org_type IN ('district', 'school', 'other')),
    parent_id TEXT REFERENCES orgs (id) ON DELETE SET NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX orgs_district ON orgs (district_id, id);

CREATE TABLE people (
    id TEXT PRIMARY KEY,
    district_id TEXT NOT NULL REFERENCES districts (id) ON DELETE CASCADE,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    middle_name TEXT,
    preferred_name TEXT,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
    account_state TEXT NOT NULL DEFAULT 'none' CHECK (account_state IN ('none', 'invited', 'claimed')),
    is_student BOOLEAN NOT NULL DEFAULT FALSE,
    grade TEXT,
    student_number TEXT,
    state_id TEXT,
    sis_id TEXT,
    password_hash TEXT,
    search_text TEXT NOT NULL DEFAULT '',
    sis_hash TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    archived_at BIGINT
);
CREATE INDEX people_district ON people (district_id, status, id);
-- Students merge only on the same student number within a district.
CREATE UNIQUE INDEX people_student_number ON people (district_id, student_number)
    WHERE is_student AND student_number IS NOT NULL;

CREATE TABLE person_roles (
    id TEXT PRIMARY KEY,
    district_id TEXT NOT NULL REFERENCES districts (id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('student', 'teacher', 'aide', 'staff', 'school_admin', 'district_admin', 'guardian')),
    org_id TEXT REFERENCES orgs (id) ON DELETE CASCADE,
    source TEXT NOT NULL DEFAULT 'sis' CHECK (source IN ('sis', 'manual')),
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX person_roles_unique ON person_roles (person_id, role, COALESCE(org_id, ''));
CREATE INDEX person_roles_by_role ON person_roles (district_id, role, person_id);

CREATE TABLE contact_points (
    id TEXT PRIMARY KEY,
    district_id TEXT NOT NULL REFERENCES districts (id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('email', 'phone')),
    value TEXT NOT NULL,
    display_value TEXT NOT NULL,
    is_adult BOOLEAN NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('sis', 'manual', 'self')),
    verified_at BIGINT,
    reachability TEXT NOT NULL DEFAULT 'ok' CHECK (reachability IN ('ok', 'unreachable')),
    unreachable_reason TEXT,
    unreachable_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- One adult per normalized contact point per district.
CREATE UNIQUE INDEX contact_points_adult_unique ON contact_points (district_id, kind, value) WHERE is_adult;
CREATE UNIQUE INDEX contact_points_person_unique ON contact_points (person_id, kind, value);
CREATE INDEX contact_points_lookup ON contact_points (district_id, kind, value);

CREATE TABLE connectors (
    id TEXT PRIMARY KEY,
    district_id TEXT NOT NULL REFERENCES districts (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('clever', 'classlink', 'oneroster_rest', 'oneroster_csv', 'aeries')),
    name TEXT NOT NULL,
    config_public TEXT NOT NULL DEFAULT '{}',
    config_secret TEXT,
    schedule TEXT,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    last_success_at BIGINT,
    delta_cursor TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX connectors_name ON connectors (district_id, name);

CREATE TABLE sync_runs (
    id TEXT PRIMARY KEY,
    district_id TEXT NOT NULL REFERENCES districts (id) ON DELETE CASCADE,
    connector_id TEXT NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
    mode TEXT NOT NULL CHECK (mode IN ('full', 'delta')),
    dry_run BOOLEAN NOT NULL DEFAULT FALSE,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'held', 'aborted')),
    lease_owner TEXT,
    lease_expires_at BIGINT,
    counts TEXT NOT NULL DEFAULT '[]',
    delta_cursor TEXT,
    error TEXT,
    requested_by TEXT,
    created_at BIGINT NOT NULL,
    started_at BIGINT,
    finished_at BIGINT
);
CREATE INDEX sync_runs_connector ON sync_runs (connector_id, id);
CREATE INDEX sync_runs_claim ON sync_runs (status, lease_expires_at);
-- At most one run of a connector is running at a time.
CREATE UNIQUE INDEX sync_runs_one_running ON sync_runs (connector_id) WHERE status = 'running';

CREATE TABLE sync_issues (
    id TEXT PRIMARY KEY,
    run_id TEXT NOT NULL REFERENCES sync_runs (id) ON DELETE CASCADE,
    severity TEXT NOT NULL CHECK (severity IN ('error', 'alert')),
    code TEXT NOT NULL,
    entity_kind TEXT,
    external_id TEXT,
    message TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX sync_issues_run ON sync_issues (run_id, severity, id);

CREATE TABLE source_links (
    id TEXT PRIMARY KEY,
    district_id TEXT NOT NULL REFERENCES districts (id) ON DELETE CASCADE,
    connector_id TEXT NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
    entity_kind TEXT NOT NULL,
    external_id TEXT NOT NULL,
    local_id TEXT NOT NULL,
    last_run_id TEXT,
    content_hash TEXT,
    removed_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- One source link per (connector, kind, external id).
CREATE UNIQUE INDEX source_links_unique ON source_links (connector_id, entity_kind, external_id);
CREATE INDEX source_links_local ON source_links (local_id);

CREATE TABLE courses (
    id TEXT PRIMARY KEY,
    district_id TEXT NOT NULL REFERENCES districts (id) ON DELETE CASCADE,
    org_id TEXT REFERENCES orgs (id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    code TEXT,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX courses_district ON courses (district_id, id);

CREATE TABLE terms (
    id TEXT PRIMARY KEY,
    district_id TEXT NOT NULL REFERENCES districts (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    term_type TEXT,
    start_date TEXT,
    end_date TEXT,
    parent_id TEXT REFERENCES terms (id) ON DELETE SET NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX terms_district ON terms (district_id, id);

CREATE TABLE classes (
    id TEXT PRIMARY KEY,
    district_id TEXT NOT NULL REFERENCES districts (id) ON DELETE CASCADE,
    school_id TEXT REFERENCES orgs (id) ON DELETE SET NULL,
    course_id TEXT REFERENCES courses (id) ON DELETE SET NULL,
    term_id TEXT REFERENCES terms (id) ON DELETE SET NULL,
    sis_title TEXT NOT NULL,
    local_title TEXT,
    class_code TEXT,
    join_code TEXT,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
    claimed_by TEXT REFERENCES people (id) ON DELETE SET NULL,
    claimed_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX classes_district ON classes (district_id, status, id);
CREATE UNIQUE INDEX classes_join_code ON classes (district_id, join_code) WHERE join_code IS NOT NULL;

CREATE TABLE enrollments (
    id TEXT PRIMARY KEY,
    district_id TEXT NOT NULL REFERENCES districts (id) ON DELETE CASCADE,
    class_id TEXT NOT NULL REFERENCES classes (id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('student', 'teacher', 'aide')),
    is_primary BOOLEAN NOT NULL DEFAULT FALSE,
    begin_date TEXT,
    end_date TEXT,
    source TEXT NOT NULL DEFAULT 'sis' CHECK (source IN ('sis', 'manual')),
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX enrollments_unique ON enrollments (class_id, person_id, role);
CREATE INDEX enrollments_person ON enrollments (person_id, status);
CREATE INDEX enrollments_class ON enrollments (class_id, role, status, person_id);

CREATE TABLE relationships (
    id TEXT PRIMARY KEY,
    district_id TEXT NOT NULL REFERENCES districts (id) ON DELETE CASCADE,
    guardian_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    student_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('parent', 'guardian', 'relative', 'aide', 'other')),
    source TEXT NOT NULL CHECK (source IN ('sis', 'import', 'manual')),
    source_connector_id TEXT REFERENCES connectors (id) ON DELETE SET NULL,
    lives_with_student BOOLEAN,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'removed')),
    removed_by TEXT,
    removed_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CHECK (guardian_id <> student_id)
);
CREATE UNIQUE INDEX relationships_unique ON relationships (guardian_id, student_id);
CREATE INDEX relationships_student ON relationships (student_id, status);
CREATE INDEX relationships_district ON relationships (district_id, status, id);

CREATE TABLE invitations (
    id TEXT PRIMARY KEY,
    district_id TEXT NOT NULL REFERENCES districts (id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    relationship_id TEXT REFERENCES relationships (id) ON DELETE SET NULL,
    class_id TEXT REFERENCES classes (id) ON DELETE SET NULL,
    invited_by TEXT REFERENCES people (id) ON DELETE SET NULL,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    contact_point_id TEXT REFERENCES contact_points (id) ON DELETE SET NULL,
    token_hash TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'delivered', 'failed', 'accepted', 'expired', 'revoked')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    expires_at BIGINT NOT NULL,
    sent_at BIGINT,
    delivered_at BIGINT,
    accepted_at BIGINT,
    revoked_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX invitations_token ON invitations (token_hash);
CREATE INDEX invitations_person ON invitations (person_id);
CREATE INDEX invitations_relationship ON invitations (relationship_id);
CREATE INDEX invitations_class ON invitations (class_id, status);

CREATE TABLE outbox_messages (
    id TEXT PRIMARY KEY,
    district_id TEXT NOT NULL REFERENCES districts (id) ON DELETE CASCADE,
    invitation_id TEXT REFERENCES invitations (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'webhook')),
    recipient TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_owner TEXT,
    lease_expires_at BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE INDEX outbox_due ON outbox_messages (status, next_attempt_at);

CREATE TABLE audit_events (
    id TEXT PRIMARY KEY,
    district_id TEXT NOT NULL REFERENCES districts (id) ON DELETE CASCADE,
    actor_kind TEXT NOT NULL CHECK (actor_kind IN ('person', 'partner', 'system')),
    actor_id TEXT,
    action TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target_id TEXT NOT NULL,
    before TEXT,
    after TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX audit_events_district ON audit_events (district_id, id);
CREATE INDEX audit_events_target ON audit_events (target_id);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    district_id TEXT NOT NULL REFERENCES districts (id) ON DELETE CASCADE,
    principal_kind TEXT NOT NULL CHECK (principal_kind IN ('person', 'partner', 'system')),
    person_id TEXT REFERENCES people (id) ON DELETE CASCADE,
    partner_name TEXT,
    role TEXT NOT NULL CHECK (role IN ('student', 'teacher', 'aide', 'staff', 'school_admin', 'district_admin', 'guardian', 'partner')),
    scopes TEXT NOT NULL DEFAULT '[]',
    token_hash TEXT NOT NULL,
    label TEXT,
    expires_at BIGINT,
    last_used_at BIGINT,
    revoked_at BIGINT,
    created_at BIGINT NOT NULL,
    CHECK ((principal_kind = 'person') = (person_id IS NOT NULL)),
    CHECK ((principal_kind = 'partner') = (role = 'partner'))
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens (token_hash);
