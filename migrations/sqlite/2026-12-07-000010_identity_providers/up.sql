-- Single sign-on with OpenID Connect: a district's identity providers. The client secret is
-- encrypted with HOMEROOM_SECRET_KEY (as connector secrets are); allowed_domains is a JSON array
-- of the email domains a provider may vouch for. Archived providers no longer sign anyone in.
CREATE TABLE identity_providers (
    id TEXT PRIMARY KEY,
    district_id TEXT NOT NULL REFERENCES districts (id),
    kind TEXT NOT NULL
        CHECK (kind IN ('google', 'microsoft', 'clever', 'classlink', 'generic_oidc')),
    display_name TEXT NOT NULL,
    issuer TEXT NOT NULL,
    client_id TEXT NOT NULL,
    client_secret TEXT NOT NULL,
    allowed_domains TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    archived_at INTEGER
);
CREATE INDEX identity_providers_district ON identity_providers (district_id, created_at);

-- A sign-in under way (between /auth/{id}/start and its callback): only the state's hash is
-- stored, with the nonce, the PKCE verifier (encrypted) and the hash of the browser's binding
-- cookie. Taken once by a conditional DELETE.
CREATE TABLE sign_in_states (
    state_hash TEXT PRIMARY KEY,
    provider_id TEXT NOT NULL REFERENCES identity_providers (id) ON DELETE CASCADE,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    browser_hash TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX sign_in_states_expiry ON sign_in_states (expires_at);

-- The one-time code a callback hands the front end (?signin=CODE) for completeSignIn: only its
-- hash is stored; 60 seconds, single use (a conditional UPDATE takes it).
CREATE TABLE sign_in_codes (
    code_hash TEXT PRIMARY KEY,
    district_id TEXT NOT NULL REFERENCES districts (id),
    provider_id TEXT NOT NULL REFERENCES identity_providers (id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    matched_by TEXT NOT NULL CHECK (matched_by IN ('email', 'sis_id')),
    expires_at INTEGER NOT NULL,
    used_at INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX sign_in_codes_expiry ON sign_in_codes (expires_at);
