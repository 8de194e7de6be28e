-- Failed sign-ins are counted per address AND per client (the caller's network address), so a
-- stranger's wrong passwords lock out only the stranger: the owner's own client keeps its
-- budget. Rows from before this migration belong to no client ('').
ALTER TABLE login_failures ADD COLUMN client TEXT NOT NULL DEFAULT '';
CREATE INDEX login_failures_email_client ON login_failures (email, client, at);
CREATE INDEX login_failures_client ON login_failures (client, at);
