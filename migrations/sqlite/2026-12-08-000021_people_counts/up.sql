-- How many people a district has per role and status, so that a district-wide `totalCount`
-- reads one row instead of counting the district (schema/src/store/people_counts.rs reads it).
-- The same table as on PostgreSQL (see its migration for the meaning of `role = ''`, the
-- any-role total), kept by triggers in the same transaction as each change. SQLite has no
-- statement-level triggers, so these are per row: a few index probes each, in process. It has
-- one writer at a time, so no locking is needed either.
CREATE TABLE people_counts (
    district_id TEXT NOT NULL REFERENCES districts (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    status TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (district_id, role, status)
);

-- A district starts with its two any-role rows, as on PostgreSQL.
CREATE TRIGGER people_counts_districts_insert AFTER INSERT ON districts
BEGIN
    INSERT OR IGNORE INTO people_counts (district_id, role, status, n)
    VALUES (NEW.id, '', 'active', 0), (NEW.id, '', 'archived', 0);
END;

-- A new person joins their any-role total (their roles, which reference them, come after).
CREATE TRIGGER people_counts_people_insert AFTER INSERT ON people
BEGIN
    INSERT INTO people_counts (district_id, role, status, n)
    VALUES (NEW.district_id, '', NEW.status, 1)
    ON CONFLICT (district_id, role, status) DO UPDATE SET n = n + excluded.n;
END;

-- A person whose status (or district) changed moves, with every role they hold, to the new key.
CREATE TRIGGER people_counts_people_update AFTER UPDATE OF status, district_id ON people
WHEN OLD.status IS NOT NEW.status OR OLD.district_id IS NOT NEW.district_id
BEGIN
    INSERT INTO people_counts (district_id, role, status, n)
    SELECT OLD.district_id, h.role, OLD.status, -1
    FROM (SELECT '' AS role UNION SELECT role FROM person_roles WHERE person_id = NEW.id) AS h
    WHERE true
    ON CONFLICT (district_id, role, status) DO UPDATE SET n = n + excluded.n;
    INSERT INTO people_counts (district_id, role, status, n)
    SELECT NEW.district_id, h.role, NEW.status, 1
    FROM (SELECT '' AS role UNION SELECT role FROM person_roles WHERE person_id = NEW.id) AS h
    WHERE true
    ON CONFLICT (district_id, role, status) DO UPDATE SET n = n + excluded.n;
END;

-- People are never deleted today; if one is, their roles go first, while the person's status
-- can still be read (the role trigger counts them out), then the person leaves the total.
CREATE TRIGGER people_counts_people_delete_roles BEFORE DELETE ON people
BEGIN
    DELETE FROM person_roles WHERE person_id = OLD.id;
END;

CREATE TRIGGER people_counts_people_delete AFTER DELETE ON people
BEGIN
    INSERT INTO people_counts (district_id, role, status, n)
    SELECT OLD.district_id, '', OLD.status, -1
    WHERE EXISTS (SELECT 1 FROM districts WHERE id = OLD.district_id)
    ON CONFLICT (district_id, role, status) DO UPDATE SET n = n + excluded.n;
END;

-- A person holds a role while at least one row of it exists (one per org): the first row added
-- and the last one removed change the count; the rest do not.
CREATE TRIGGER people_counts_roles_insert AFTER INSERT ON person_roles
WHEN NOT EXISTS (
    SELECT 1 FROM person_roles
    WHERE person_id = NEW.person_id AND role = NEW.role AND id <> NEW.id
)
BEGIN
    INSERT INTO people_counts (district_id, role, status, n)
    SELECT p.district_id, NEW.role, p.status, 1 FROM people AS p WHERE p.id = NEW.person_id
    ON CONFLICT (district_id, role, status) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER people_counts_roles_delete AFTER DELETE ON person_roles
WHEN NOT EXISTS (
    SELECT 1 FROM person_roles WHERE person_id = OLD.person_id AND role = OLD.role
)
BEGIN
    INSERT INTO people_counts (district_id, role, status, n)
    SELECT p.district_id, OLD.role, p.status, -1 FROM people AS p
    WHERE p.id = OLD.person_id AND EXISTS (SELECT 1 FROM districts WHERE id = p.district_id)
    ON CONFLICT (district_id, role, status) DO UPDATE SET n = n + excluded.n;
END;

-- A row moved to another person or role: a removal from the old holder, an addition to the new.
CREATE TRIGGER people_counts_roles_update AFTER UPDATE OF person_id, role ON person_roles
WHEN OLD.person_id IS NOT NEW.person_id OR OLD.role IS NOT NEW.role
BEGIN
    INSERT INTO people_counts (district_id, role, status, n)
    SELECT p.district_id, OLD.role, p.status, -1 FROM people AS p
    WHERE p.id = OLD.person_id AND NOT EXISTS (
        SELECT 1 FROM person_roles WHERE person_id = OLD.person_id AND role = OLD.role
    )
    ON CONFLICT (district_id, role, status) DO UPDATE SET n = n + excluded.n;
    INSERT INTO people_counts (district_id, role, status, n)
    SELECT p.district_id, NEW.role, p.status, 1 FROM people AS p
    WHERE p.id = NEW.person_id AND NOT EXISTS (
        SELECT 1 FROM person_roles
        WHERE person_id = NEW.person_id AND role = NEW.role AND id <> NEW.id
    )
    ON CONFLICT (district_id, role, status) DO UPDATE SET n = n + excluded.n;
END;

-- The counts of the rows already there (the migration runs in one write transaction).
INSERT INTO people_counts (district_id, role, status, n)
SELECT d.id, '', s.status, 0
FROM districts AS d CROSS JOIN (SELECT 'active' AS status UNION ALL SELECT 'archived') AS s;

INSERT INTO people_counts (district_id, role, status, n)
SELECT district_id, '', status, count(*) FROM people WHERE true GROUP BY district_id, status
ON CONFLICT (district_id, role, status) DO UPDATE SET n = excluded.n;

INSERT INTO people_counts (district_id, role, status, n)
SELECT p.district_id, r.role, p.status, count(DISTINCT p.id)
FROM people AS p JOIN person_roles AS r ON r.person_id = p.id
GROUP BY p.district_id, r.role, p.status;
