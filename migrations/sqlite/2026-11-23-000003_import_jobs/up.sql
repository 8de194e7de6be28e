-- Relationship spreadsheet imports: validated up front, applied by a background job that any
-- replica may claim through its lease.
CREATE TABLE import_jobs (
    id TEXT PRIMARY KEY,
    district_id TEXT NOT NULL REFERENCES districts (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('relationships')),
    state TEXT NOT NULL CHECK (state IN ('validated', 'rejected', 'queued', 'running', 'succeeded', 'failed')),
    dry_run BOOLEAN NOT NULL DEFAULT FALSE,
    only_valid_rows BOOLEAN NOT NULL DEFAULT FALSE,
    invite BOOLEAN NOT NULL DEFAULT FALSE,
    file_name TEXT,
    created_by TEXT,
    plan TEXT NOT NULL,
    total_rows INTEGER NOT NULL,
    valid_rows INTEGER NOT NULL,
    invalid_rows INTEGER NOT NULL,
    processed INTEGER NOT NULL DEFAULT 0,
    counts TEXT NOT NULL,
    errors TEXT NOT NULL,
    message TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_expires_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    started_at INTEGER,
    finished_at INTEGER
);
CREATE INDEX import_jobs_district ON import_jobs (district_id, id);
CREATE INDEX import_jobs_claim ON import_jobs (state, lease_expires_at);
