DROP INDEX login_failures_client;
DROP INDEX login_failures_email_client;
ALTER TABLE login_failures DROP COLUMN client;
