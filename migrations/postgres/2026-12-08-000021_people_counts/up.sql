-- How many people a district has per role and status, so that a district-wide `totalCount`
-- reads one row instead of counting ~100,000 (schema/src/store/people_counts.rs reads it).
--
-- The database keeps it: triggers on people, person_roles and districts write it in the same
-- transaction as each change, so no write path (sync, archive, merge, undo, a hand-written
-- UPDATE) can forget it. Statement-level triggers with transition tables: a sync adding 2,000
-- roles in one statement writes each counter row once, not 2,000 times. The functions run with
-- JIT off: the planner cannot estimate joins of transition tables, so a 5,000-row archive looked
-- like millions of rows and spent ~300 ms compiling each query; per-person lookups are index
-- probes (LATERAL) rather than hashing the whole of person_roles for a few thousand people.
--
-- `n` is the number of people of `district_id` in `status` who hold `role` at any org (a
-- teacher at two schools counts once). `role = ''` is the any-role total: every person of the
-- district in that status, whatever roles they hold, none included, each once. It is the count
-- of the unfiltered list, which no sum over roles gives (people hold several roles, or none). It
-- shares the table so that one lookup serves every list, and its two rows per district, made
-- with the district, are the rows every writer locks first (`people_counts_lock`).
-- Writers of people and roles wait from here until this migration commits, so none is missed
-- between the triggers taking over and the counts of the rows already there (at the end).
LOCK TABLE districts, people, person_roles IN SHARE ROW EXCLUSIVE MODE;

CREATE TABLE people_counts (
    district_id TEXT NOT NULL REFERENCES districts (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    status TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (district_id, role, status)
);

-- Every trigger starts here: it locks the any-role rows of the districts it is about to change,
-- in key order, until commit. Writers of one district's people queue here (they would queue
-- on the counter rows they change anyway); no two take these locks in opposite orders; and the
-- trigger's next statement runs on a snapshot taken after the lock (READ COMMITTED takes one
-- per statement), so it sees every committed change another writer made to the same people: a
-- role added at a second school at the same time, or a status changed while a role was added,
-- is counted once. This relies on READ COMMITTED, PostgreSQL's default and the level every
-- Homeroom transaction runs at: a REPEATABLE READ transaction keeps its first snapshot.
CREATE FUNCTION people_counts_lock(lock_districts TEXT[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM people_counts
    WHERE district_id = ANY (lock_districts) AND role = ''
    ORDER BY district_id, status
    FOR UPDATE;
END $$;

-- Adds deltas to the counters: one upsert, one write per key, in key order. Districts deleted
-- by the statement that got here (their counters go with them) are skipped.
CREATE FUNCTION people_counts_add(deltas people_counts[]) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO people_counts AS c (district_id, role, status, n)
    SELECT d.district_id, d.role, d.status, d.n
    FROM unnest(deltas) AS d
    WHERE d.n <> 0 AND EXISTS (SELECT 1 FROM districts WHERE districts.id = d.district_id)
    ORDER BY d.district_id, d.role, d.status
    ON CONFLICT (district_id, role, status) DO UPDATE SET n = c.n + excluded.n
$$;

-- A district starts with its two any-role rows (the lock rows).
CREATE FUNCTION people_counts_districts_insert() RETURNS trigger
LANGUAGE plpgsql SET jit = off AS $$
BEGIN
    INSERT INTO people_counts (district_id, role, status, n)
    SELECT d.id, '', s.status, 0
    FROM new_districts AS d CROSS JOIN (VALUES ('active'), ('archived')) AS s (status)
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

CREATE TRIGGER people_counts_districts_insert AFTER INSERT ON districts
REFERENCING NEW TABLE AS new_districts
FOR EACH STATEMENT EXECUTE FUNCTION people_counts_districts_insert();

-- New people join their any-role total. They hold no role yet: a role row references its
-- person, so it is inserted after them.
CREATE FUNCTION people_counts_people_insert() RETURNS trigger
LANGUAGE plpgsql SET jit = off AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM new_people) THEN
        RETURN NULL; -- an upsert that only updated
    END IF;
    PERFORM people_counts_lock(ARRAY(SELECT DISTINCT district_id FROM new_people));
    PERFORM people_counts_add(ARRAY(
        SELECT ROW(district_id, '', status, count(*))::people_counts
        FROM new_people GROUP BY district_id, status));
    RETURN NULL;
END $$;

CREATE TRIGGER people_counts_people_insert AFTER INSERT ON people
REFERENCING NEW TABLE AS new_people
FOR EACH STATEMENT EXECUTE FUNCTION people_counts_people_insert();

-- People whose status (or district) changed move, with every role they hold, from the old key
-- to the new. Most updates (a sync's, a merge's survivor) change neither: they stop after the
-- one join of the transition tables, without locking anything.
CREATE FUNCTION people_counts_people_update() RETURNS trigger
LANGUAGE plpgsql SET jit = off AS $$
DECLARE
    ids TEXT[];
    old_districts TEXT[];
    old_statuses TEXT[];
    new_districts TEXT[];
    new_statuses TEXT[];
BEGIN
    SELECT array_agg(o.id), array_agg(o.district_id), array_agg(o.status),
           array_agg(n.district_id), array_agg(n.status)
    INTO ids, old_districts, old_statuses, new_districts, new_statuses
    FROM old_people AS o
    JOIN new_people AS n USING (id)
    WHERE o.status <> n.status OR o.district_id <> n.district_id;
    IF ids IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM people_counts_lock(ARRAY(SELECT DISTINCT unnest(old_districts || new_districts)));
    PERFORM people_counts_add(ARRAY(
        WITH moved AS (
            SELECT * FROM unnest(ids, old_districts, old_statuses, new_districts, new_statuses)
                AS m (id, old_district, old_status, new_district, new_status)
        ), held AS (
            SELECT old_district, old_status, new_district, new_status, '' AS role, count(*) AS n
            FROM moved
            GROUP BY old_district, old_status, new_district, new_status
            UNION ALL
            SELECT m.old_district, m.old_status, m.new_district, m.new_status, r.role, count(*)
            FROM moved AS m
            CROSS JOIN LATERAL (
                SELECT DISTINCT role FROM person_roles WHERE person_id = m.id
            ) AS r
            GROUP BY m.old_district, m.old_status, m.new_district, m.new_status, r.role
        )
        SELECT ROW(k.district_id, h.role, k.status, sum(k.n))::people_counts
        FROM held AS h
        CROSS JOIN LATERAL (VALUES (h.old_district, h.old_status, -h.n),
                                   (h.new_district, h.new_status, h.n))
            AS k (district_id, status, n)
        GROUP BY k.district_id, h.role, k.status));
    RETURN NULL;
END $$;

CREATE TRIGGER people_counts_people_update AFTER UPDATE ON people
REFERENCING OLD TABLE AS old_people NEW TABLE AS new_people
FOR EACH STATEMENT EXECUTE FUNCTION people_counts_people_update();

-- People are never deleted today; if one is, their roles go first, while the person's status
-- can still be read (the role trigger below counts them out), and then the person leaves the
-- any-role total. Without this, the foreign key's cascade would delete the roles after the
-- person, when nothing says which status they were counted under.
CREATE FUNCTION people_counts_people_delete_roles() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM person_roles WHERE person_id = OLD.id;
    RETURN OLD;
END $$;

CREATE TRIGGER people_counts_people_delete_roles BEFORE DELETE ON people
FOR EACH ROW EXECUTE FUNCTION people_counts_people_delete_roles();

CREATE FUNCTION people_counts_people_delete() RETURNS trigger
LANGUAGE plpgsql SET jit = off AS $$
BEGIN
    PERFORM people_counts_lock(ARRAY(SELECT DISTINCT district_id FROM old_people));
    PERFORM people_counts_add(ARRAY(
        SELECT ROW(district_id, '', status, -count(*))::people_counts
        FROM old_people GROUP BY district_id, status));
    RETURN NULL;
END $$;

CREATE TRIGGER people_counts_people_delete AFTER DELETE ON people
REFERENCING OLD TABLE AS old_people
FOR EACH STATEMENT EXECUTE FUNCTION people_counts_people_delete();

-- Role rows added (+1) and removed (-1) by one statement, per (person, role). A person holds a
-- role while at least one row of it exists (one per org), so only the first row added and the
-- last one removed change a count: compare the rows now with the rows before the statement (now
-- minus the net change). An update that moves a row to another person or role is a removal and
-- an addition; one that changes neither nets to zero and reads nothing.
CREATE FUNCTION people_counts_roles_changed(
    lock_districts TEXT[], person_ids TEXT[], roles TEXT[], signs INT[]
) RETURNS void
LANGUAGE plpgsql SET jit = off AS $$
BEGIN
    IF person_ids IS NULL THEN
        RETURN; -- nothing changed (e.g. every role of an insert was already held)
    END IF;
    PERFORM people_counts_lock(lock_districts);
    PERFORM people_counts_add(ARRAY(
        SELECT ROW(p.district_id, c.role, p.status,
                   sum(CASE WHEN now.n > 0 THEN 1 ELSE -1 END))::people_counts
        FROM (
            SELECT u.person_id, u.role, sum(u.sign) AS net
            FROM unnest(person_ids, roles, signs) AS u (person_id, role, sign)
            GROUP BY u.person_id, u.role
            HAVING sum(u.sign) <> 0
        ) AS c
        CROSS JOIN LATERAL (
            SELECT count(*) AS n FROM person_roles AS r
            WHERE r.person_id = c.person_id AND r.role = c.role
        ) AS now
        JOIN people AS p ON p.id = c.person_id
        WHERE (now.n > 0) <> (now.n - c.net > 0)
        GROUP BY p.district_id, c.role, p.status));
END $$;

CREATE FUNCTION people_counts_roles() RETURNS trigger
LANGUAGE plpgsql SET jit = off AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM people_counts_roles_changed(
            array_agg(DISTINCT district_id), array_agg(person_id), array_agg(role), array_agg(1))
        FROM new_roles;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM people_counts_roles_changed(
            array_agg(DISTINCT district_id), array_agg(person_id), array_agg(role), array_agg(-1))
        FROM old_roles;
    ELSE
        PERFORM people_counts_roles_changed(
            array_agg(DISTINCT district_id), array_agg(person_id), array_agg(role), array_agg(sign))
        FROM (
            SELECT district_id, person_id, role, 1 AS sign FROM new_roles
            UNION ALL
            SELECT district_id, person_id, role, -1 FROM old_roles
        ) AS changes;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER people_counts_roles_insert AFTER INSERT ON person_roles
REFERENCING NEW TABLE AS new_roles
FOR EACH STATEMENT EXECUTE FUNCTION people_counts_roles();

CREATE TRIGGER people_counts_roles_update AFTER UPDATE ON person_roles
REFERENCING OLD TABLE AS old_roles NEW TABLE AS new_roles
FOR EACH STATEMENT EXECUTE FUNCTION people_counts_roles();

CREATE TRIGGER people_counts_roles_delete AFTER DELETE ON person_roles
REFERENCING OLD TABLE AS old_roles
FOR EACH STATEMENT EXECUTE FUNCTION people_counts_roles();

-- The counts of the rows already there.
INSERT INTO people_counts (district_id, role, status, n)
SELECT d.id, '', s.status, 0
FROM districts AS d CROSS JOIN (VALUES ('active'), ('archived')) AS s (status);

INSERT INTO people_counts AS c (district_id, role, status, n)
SELECT district_id, '', status, count(*) FROM people GROUP BY district_id, status
ON CONFLICT (district_id, role, status) DO UPDATE SET n = excluded.n;

INSERT INTO people_counts (district_id, role, status, n)
SELECT p.district_id, r.role, p.status, count(DISTINCT p.id)
FROM people AS p JOIN person_roles AS r ON r.person_id = p.id
GROUP BY p.district_id, r.role, p.status;
