#!/bin/bash
# The people counters on SQLite, with the sqlite3 shell: the same data and statements as pg.sh
# (medians of REPS rolled-back runs without and with the triggers).
# Usage: schema/benches/people_counts/sqlite.sh migrations/sqlite [REPS]
set -euo pipefail
M=$1; REPS=${2:-5}; W=$(mktemp -d); trap 'rm -rf $W' EXIT
S="sqlite3 -bail"
for f in $(ls -d $M/*/ | sort); do
  case $f in *000021_people_counts*) continue;; esac
  $S $W/base.db < $f/up.sql
done
$S $W/base.db <<'SQL'
PRAGMA journal_mode = WAL;
INSERT INTO districts VALUES ('d1', 'Bench', '{}', 1, 0, 0);
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 40)
INSERT INTO orgs (id, district_id, name, org_type, status, created_at, updated_at)
SELECT 'o' || i, 'd1', 'School ' || i, 'school', 'active', 0, 0 FROM s;
CREATE TABLE bench_people AS
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 97000)
SELECT printf('%010d-%08x', i, i * 2654435761 % 4294967296) AS id, i FROM s;
SQL
PEOPLE="INSERT INTO people (id, district_id, given_name, family_name, is_student, search_text, created_at, updated_at)
  SELECT id, 'd1', 'G' || i, 'F' || i, i <= 50000, 'g' || i || ' f' || i, 0, 0 FROM bench_people"
ROLES="INSERT INTO person_roles (id, district_id, person_id, role, org_id, source, created_at)
  SELECT 'r' || b.id || '-' || k.k, 'd1', b.id,
         CASE WHEN b.i <= 50000 THEN 'student' WHEN b.i <= 95000 THEN 'guardian' ELSE 'teacher' END,
         CASE WHEN b.i BETWEEN 50001 AND 95000 THEN NULL ELSE 'o' || ((b.i + k.k) % 40 + 1) END, 'sis', 0
  FROM bench_people b CROSS JOIN (SELECT 1 AS k UNION ALL SELECT 2) k
  WHERE k.k = 1 OR (b.i > 95000 AND b.i % 10 = 0)"
ARCHIVE="UPDATE people SET status = 'archived', archived_at = 1, updated_at = 1 WHERE district_id = 'd1'"
TOUCH="UPDATE people SET updated_at = updated_at + 1 WHERE district_id = 'd1'"
COUNT_Q="SELECT COUNT(*) FROM people WHERE people.district_id = 'd1' AND people.status = 'active' AND people.id IN (SELECT person_roles.person_id FROM person_roles WHERE person_roles.district_id = 'd1' AND person_roles.role = 'student')"
COUNTER_Q="SELECT n FROM people_counts WHERE district_id = 'd1' AND role = 'student' AND status = 'active'"

# Median wall time (ms) of $2 in $1, run REPS times inside a rolled-back transaction.
timed() {
  local db=$1 sql=$2 out=()
  for r in $(seq $REPS); do
    out+=($( { printf '.timer on\nBEGIN;\n%s;\nROLLBACK;\n' "$sql"; } | $S $db | sed -n 's/^Run Time: real \([0-9.]*\).*/\1/p' | sort -n | tail -1 | awk '{printf "%.1f", $1 * 1000}'))
  done
  printf '%s\n' "${out[@]}" | sort -n | sed -n "$(( (REPS + 1) / 2 ))p"
}
qtime() { # median of 20 runs of a read, ms
  local db=$1 sql=$2
  { echo ".timer on"; for r in $(seq 20); do echo "$sql;"; done; } | $S $db | sed -n 's/^Run Time: real \([0-9.]*\).*/\1/p' | sort -n | sed -n 10p | awk '{printf "%.3f", $1 * 1000}'
}

cp $W/base.db $W/with.db
$S $W/base.db "$PEOPLE; $ROLES; ANALYZE;"
echo "== before: count query $(qtime $W/base.db "$COUNT_Q") ms (median of 20)"
$S $W/base.db "EXPLAIN QUERY PLAN $COUNT_Q"
cp $W/base.db $W/migrated.db
start=$(date +%s%N); $S $W/migrated.db < $M/2026-12-08-000021_people_counts/up.sql; end=$(date +%s%N)
echo "== the migration on 97k people: $(( (end - start) / 1000000 )) ms"
echo "== after: counter read $(qtime $W/migrated.db "$COUNTER_Q") ms (median of 20)"

echo "== write costs (median of $REPS, ms): statement | without triggers | with triggers"
$S $W/with.db < $M/2026-12-08-000021_people_counts/up.sql
cp $W/with.db $W/without.db
$S $W/without.db "SELECT 'DROP TRIGGER ' || name || ';' FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'people_counts_%'" | $S $W/without.db
echo "insert 97k people | $(timed $W/without.db "$PEOPLE") | $(timed $W/with.db "$PEOPLE")"
$S $W/with.db "$PEOPLE; ANALYZE"; $S $W/without.db "$PEOPLE; ANALYZE"
echo "insert 97.2k person_roles | $(timed $W/without.db "$ROLES") | $(timed $W/with.db "$ROLES")"
$S $W/with.db "$ROLES; ANALYZE"; $S $W/without.db "$ROLES; ANALYZE"
echo "archive 97k people | $(timed $W/without.db "$ARCHIVE") | $(timed $W/with.db "$ARCHIVE")"
echo "update 97k people, status unchanged | $(timed $W/without.db "$TOUCH") | $(timed $W/with.db "$TOUCH")"
$S $W/with.db "SELECT * FROM people_counts ORDER BY 1, 2, 3"
