DROP INDEX audit_events_action;
DROP INDEX audit_events_actor;
DROP INDEX sync_issues_related;
ALTER TABLE sync_issues DROP COLUMN related_id;
