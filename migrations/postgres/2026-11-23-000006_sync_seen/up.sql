-- The source links a sync run saw unchanged. Recording them here, instead of updating
-- last_run_id on every unchanged link, takes most of the cost out of a no-change re-sync (one
-- narrow insert instead of a new version of a wide, thrice-indexed row). The removal check reads
-- "live links neither written nor seen by the run"; rows go when the run ends, except for a held
-- run, whose confirmation still needs them.
CREATE TABLE sync_seen (
    run_id TEXT NOT NULL,
    link_id TEXT NOT NULL
);
CREATE INDEX sync_seen_run ON sync_seen (run_id, link_id);
