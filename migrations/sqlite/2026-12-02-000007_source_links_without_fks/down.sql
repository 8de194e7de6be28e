CREATE TABLE source_links_new (
    id TEXT PRIMARY KEY,
    district_id TEXT NOT NULL REFERENCES districts (id) ON DELETE CASCADE,
    connector_id TEXT NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
    entity_kind TEXT NOT NULL,
    external_id TEXT NOT NULL,
    local_id TEXT NOT NULL,
    last_run_id TEXT,
    content_hash TEXT,
    removed_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
INSERT INTO source_links_new
    SELECT id, district_id, connector_id, entity_kind, external_id, local_id, last_run_id,
           content_hash, removed_at, created_at, updated_at
    FROM source_links;
DROP TABLE source_links;
ALTER TABLE source_links_new RENAME TO source_links;
-- One source link per (connector, kind, external id).
CREATE UNIQUE INDEX source_links_unique ON source_links (connector_id, entity_kind, external_id);
CREATE INDEX source_links_local ON source_links (local_id);
