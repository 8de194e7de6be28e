-- Guardian links a teacher made (inviteGuardian, addRelationship, a teacher's spreadsheet
-- import): family access that no SIS, admin or accepting adult vouched for. The district's
-- setting decides whether such a link waits for an admin ('pending': the link stays removed,
-- removed_by 'approval:pending', until approved) or counts at once ('automatic'); admins list
-- them here and approve or revoke them ('approved', 'revoked'). One row per link.
CREATE TABLE link_reviews (
    relationship_id TEXT PRIMARY KEY,
    district_id TEXT NOT NULL REFERENCES districts (id),
    state TEXT NOT NULL CHECK (state IN ('pending', 'automatic', 'approved', 'revoked')),
    requested_by TEXT,
    decided_by TEXT,
    decided_at INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX link_reviews_district_state ON link_reviews (district_id, state, created_at);
