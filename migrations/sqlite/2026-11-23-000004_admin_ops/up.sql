-- Admin operations: a sync issue may name the other local record it is about (e.g. the person a
-- merge suggestion would join), so suggestions are read without parsing messages.
ALTER TABLE sync_issues ADD COLUMN related_id TEXT;
CREATE INDEX sync_issues_related ON sync_issues (code, related_id) WHERE related_id IS NOT NULL;
-- The audit log is filtered by actor and action.
CREATE INDEX audit_events_actor ON audit_events (district_id, actor_id, id);
CREATE INDEX audit_events_action ON audit_events (district_id, action, id);
