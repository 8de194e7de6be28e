-- Families: every link an invitation ever sent stays valid until the invitation ends (resend
-- mints a new token but old links keep working), delivery receipts find their message by the
-- provider's id, and failed logins are counted per address for rate limiting across replicas.
CREATE TABLE invitation_tokens (
    token_hash TEXT PRIMARY KEY,
    invitation_id TEXT NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL
);
CREATE INDEX invitation_tokens_invitation ON invitation_tokens (invitation_id);

ALTER TABLE invitations ADD COLUMN resend_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE invitations ADD COLUMN last_resent_at INTEGER;

ALTER TABLE outbox_messages ADD COLUMN provider_message_id TEXT;
CREATE INDEX outbox_provider_message ON outbox_messages (provider_message_id);
CREATE INDEX outbox_invitation ON outbox_messages (invitation_id);

CREATE TABLE login_failures (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email, at);
