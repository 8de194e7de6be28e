#!/bin/bash
# The people counters on PostgreSQL (migration 2026-12-08-000021_people_counts): a district-wide
# count before and after, and what the triggers cost writers (each statement rolled back and
# timed with and without the triggers, alternating; medians). 97,000 synthetic people in a
# scratch database `counts_bench` on 127.0.0.1 (dropped and re-created).
# Usage: schema/benches/people_counts/pg.sh migrations/postgres [REPS]
set -euo pipefail
M=$1; REPS=${2:-3}
DB=counts_bench
P="psql -h 127.0.0.1 -U postgres -X -q -v ON_ERROR_STOP=1"
$P -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
for f in $(ls -d $M/*/ | sort); do
  case $f in *000021_people_counts*) continue;; esac
  $P -d $DB -1 -f $f/up.sql >/dev/null
done
$P -d $DB <<'SQL'
INSERT INTO districts VALUES ('d1', 'Bench', '{}', true, 0, 0);
INSERT INTO orgs (id, district_id, name, org_type, status, created_at, updated_at)
SELECT 'o' || i, 'd1', 'School ' || i, 'school', 'active', 0, 0 FROM generate_series(1, 40) i;
-- 50,000 students, 45,000 guardians, 2,000 teachers: 97,000 people.
CREATE TABLE bench_people AS
SELECT lpad(i::text, 10, '0') || '-' || md5(i::text) AS id, i FROM generate_series(1, 97000) i;
SQL
PEOPLE="INSERT INTO people (id, district_id, given_name, family_name, is_student, search_text, created_at, updated_at)
  SELECT id, 'd1', 'G' || i, 'F' || i, i <= 50000, 'g' || i || ' f' || i, 0, 0 FROM bench_people"
ROLES="INSERT INTO person_roles (id, district_id, person_id, role, org_id, source, created_at)
  SELECT 'r' || b.id || '-' || k, 'd1', b.id,
         CASE WHEN b.i <= 50000 THEN 'student' WHEN b.i <= 95000 THEN 'guardian' ELSE 'teacher' END,
         CASE WHEN b.i BETWEEN 50001 AND 95000 THEN NULL ELSE 'o' || ((b.i + k) % 40 + 1) END, 'sis', 0
  FROM bench_people b CROSS JOIN generate_series(1, 2) k
  WHERE k = 1 OR (b.i > 95000 AND b.i % 10 = 0)"
ROLES_CHUNKED="DO \$\$ BEGIN FOR c IN 0..48 LOOP
  INSERT INTO person_roles (id, district_id, person_id, role, org_id, source, created_at)
  SELECT 'r' || b.id || '-' || k, 'd1', b.id,
         CASE WHEN b.i <= 50000 THEN 'student' WHEN b.i <= 95000 THEN 'guardian' ELSE 'teacher' END,
         CASE WHEN b.i BETWEEN 50001 AND 95000 THEN NULL ELSE 'o' || ((b.i + k) % 40 + 1) END, 'sis', 0
  FROM bench_people b CROSS JOIN generate_series(1, 2) k
  WHERE (k = 1 OR (b.i > 95000 AND b.i % 10 = 0)) AND b.i > c * 2000 AND b.i <= (c + 1) * 2000
  ON CONFLICT DO NOTHING;
END LOOP; END \$\$"
ARCHIVE="UPDATE people SET status = 'archived', archived_at = 1, updated_at = 1 WHERE district_id = 'd1'"
CHUNKED="DO \$\$ DECLARE c TEXT[]; BEGIN
  FOR c IN SELECT array_agg(id) FROM (SELECT id, (row_number() OVER (ORDER BY id) - 1) / 5000 AS g FROM people) x GROUP BY g LOOP
    UPDATE people SET status = 'archived', archived_at = 1, updated_at = 1 WHERE id = ANY (c) AND status <> 'archived';
  END LOOP; END \$\$"
TOUCH="UPDATE people SET updated_at = updated_at + 1 WHERE district_id = 'd1'"

triggers() { # on|off
  local verb; [ $1 = on ] && verb=ENABLE || verb=DISABLE
  $P -d $DB -c "ALTER TABLE people $verb TRIGGER USER" -c "ALTER TABLE person_roles $verb TRIGGER USER" 2>/dev/null || true
}
Q=$(mktemp); trap 'rm -f $Q' EXIT
count_ms() { # pgbench latency average of one statement, $2 clients, 10 s
  echo "$1;" > $Q
  pgbench -h 127.0.0.1 -U postgres -n -M prepared -c ${2:-1} -j ${2:-1} -T ${3:-10} -f $Q $DB 2>/dev/null | sed -n 's/^latency average = \([0-9.]*\) ms/\1/p'
}
COUNT_Q="SELECT COUNT(*) FROM people WHERE people.district_id = 'd1' AND people.status = 'active' AND people.id IN (SELECT person_roles.person_id FROM person_roles WHERE person_roles.district_id = 'd1' AND person_roles.role = 'student')"
COUNTER_Q="SELECT n FROM people_counts WHERE district_id = 'd1' AND role = 'student' AND status = 'active'"

echo "== without the migration (before)"
$P -d $DB -c "$PEOPLE" -c "$ROLES" -c "VACUUM ANALYZE"
$P -d $DB -c "EXPLAIN (ANALYZE, COSTS OFF) $COUNT_Q" | sed -n '1,40p'
echo "count query, 1 client: $(count_ms "$COUNT_Q" 1) ms avg; 4 clients: $(count_ms "$COUNT_Q" 4) ms avg"

echo "== the migration (backfill of 97k people)"
$P -d $DB -c '\timing on' -1 -f $M/2026-12-08-000021_people_counts/up.sql | grep Time | tail -3
$P -d $DB -c "VACUUM ANALYZE"
$P -d $DB -c "EXPLAIN (ANALYZE, COSTS OFF) $COUNTER_Q"
echo "counter read, 1 client: $(count_ms "$COUNTER_Q" 1) ms avg; 4 clients: $(count_ms "$COUNTER_Q" 4) ms avg"

# One run of $2 (rolled back), in ms.
once() {
  $P -d $DB <<SQL | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p'
BEGIN;
\timing on
$2;
\timing off
ROLLBACK;
SQL
  $P -d $DB -c "VACUUM ANALYZE $1" >/dev/null
}
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
# Runs $3 REPS times without and with the triggers, alternating; prints medians.
pair() {
  local label=$1 table=$2 sql=$3 off=() on=()
  for r in $(seq $REPS); do
    triggers off; off+=($(once $table "$sql"))
    triggers on; on+=($(once $table "$sql"))
  done
  echo "$label | $(median "${off[@]}") | $(median "${on[@]}")"
}
echo "== write costs (median of $REPS, ms): statement | without triggers | with triggers"
$P -d $DB -c "TRUNCATE person_roles" -c "DELETE FROM people" -c "UPDATE people_counts SET n = 0" -c "VACUUM ANALYZE" >/dev/null
pair "insert 97k people, 1 statement" people "$PEOPLE"
$P -d $DB -c "$PEOPLE" -c "VACUUM ANALYZE" >/dev/null
pair "insert 97.2k person_roles, 1 statement" person_roles "$ROLES"
pair "insert 97.2k person_roles, 49 statements of 2,000" person_roles "$ROLES_CHUNKED"
$P -d $DB -c "$ROLES" -c "VACUUM ANALYZE" >/dev/null
pair "archive 97k people, 1 statement" people "$ARCHIVE"
pair "archive 97k people, 20 statements of 5,000" people "$CHUNKED"
pair "update 97k people, status unchanged" people "$TOUCH"
triggers on
