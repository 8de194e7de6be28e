DROP TABLE verification_codes;
ALTER TABLE sync_issues DROP COLUMN contact_value;
DROP INDEX outbox_webhook;
ALTER TABLE outbox_messages DROP COLUMN webhook_id;
DROP TABLE webhooks;
