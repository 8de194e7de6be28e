DROP TABLE password_resets;
ALTER TABLE invitations DROP COLUMN purpose;
