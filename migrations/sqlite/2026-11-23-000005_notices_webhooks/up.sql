-- Outgoing webhooks: partners' endpoints, the events each wants, and the signing secret
-- (encrypted with HOMEROOM_SECRET_KEY). Deliveries are outbox messages on the 'webhook'
-- channel that name their webhook, so the outbox's claims, retries and backoff carry them and
-- the webhook's delivery log is its outbox rows (deleted with the webhook).
CREATE TABLE webhooks (
    id TEXT PRIMARY KEY,
    district_id TEXT NOT NULL REFERENCES districts (id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    -- JSON array of event names (SYNC_RUN_FINISHED, ...).
    events TEXT NOT NULL,
    secret TEXT NOT NULL,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    created_by TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX webhooks_district ON webhooks (district_id);
ALTER TABLE outbox_messages ADD COLUMN webhook_id TEXT;
CREATE INDEX outbox_webhook ON outbox_messages (webhook_id, id) WHERE webhook_id IS NOT NULL;

-- The contact point (normalized value) a person alert is about, so a guardian confirming a
-- merge suggestion verifies exactly the contact point that matched.
ALTER TABLE sync_issues ADD COLUMN contact_value TEXT;

-- One-time codes sent through the outbox to prove a person holds a contact point.
CREATE TABLE verification_codes (
    id TEXT PRIMARY KEY,
    district_id TEXT NOT NULL REFERENCES districts (id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    contact_point_id TEXT NOT NULL REFERENCES contact_points (id) ON DELETE CASCADE,
    -- What the code confirms ('merge') and about what (the other person of the suggestion).
    purpose TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    expires_at INTEGER NOT NULL,
    used_at INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX verification_codes_person ON verification_codes (person_id, purpose, subject_id, id);
