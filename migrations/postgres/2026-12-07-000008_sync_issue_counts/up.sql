-- Exact issue counts per run, code and severity: the report's summary, which never loses a
-- code however many issues of another code a run raises (the issues themselves are stored up
-- to a per-code cap).
CREATE TABLE sync_issue_counts (
    run_id TEXT NOT NULL REFERENCES sync_runs (id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('error', 'alert')),
    count BIGINT NOT NULL,
    PRIMARY KEY (run_id, code, severity)
);

-- A run's issues of one code, in order (the report's examples, the console's filter).
CREATE INDEX sync_issues_run_code ON sync_issues (run_id, code, id);

-- Runs before this migration: their stored issues are all there is to count.
INSERT INTO sync_issue_counts (run_id, code, severity, count)
SELECT run_id, code, severity, COUNT(*) FROM sync_issues GROUP BY run_id, code, severity;
