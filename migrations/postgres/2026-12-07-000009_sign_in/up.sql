-- What an invitation is for: a guardian claiming their account for a student ('guardian'), or a
-- staff member setting a password ('staff'; no link, no role is added on acceptance).
ALTER TABLE invitations ADD COLUMN purpose TEXT NOT NULL DEFAULT 'guardian'
    CHECK (purpose IN ('guardian', 'staff'));

-- Password reset links: single use, short-lived, sent to a verified email of a claimed account;
-- only the token's hash is stored. `sent` is false for a request over the rate limit (kept so
-- the limit counts it; nothing was sent).
CREATE TABLE password_resets (
    id TEXT PRIMARY KEY,
    district_id TEXT NOT NULL REFERENCES districts (id),
    person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    contact_point_id TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    sent BOOLEAN NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX password_resets_person ON password_resets (person_id, created_at);
