DROP TABLE login_failures;
DROP INDEX outbox_invitation;
DROP INDEX outbox_provider_message;
ALTER TABLE outbox_messages DROP COLUMN provider_message_id;
ALTER TABLE invitations DROP COLUMN last_resent_at;
ALTER TABLE invitations DROP COLUMN resend_count;
DROP TABLE invitation_tokens;
