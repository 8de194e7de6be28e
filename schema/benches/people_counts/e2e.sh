#!/bin/bash
# A district admin's `people(filter: {role: STUDENT}) { totalCount }` through `homeroom serve` on
# 97,000 synthetic people in PostgreSQL (scratch database `counts_e2e`), with a binary built
# before the people counters and one built after (which migrates the database in between).
# Usage: schema/benches/people_counts/e2e.sh BEFORE_BIN AFTER_BIN
set -euo pipefail
BEFORE=$1; AFTER=$2; LOG=$(mktemp); trap 'rm -f $LOG' EXIT
URL=postgres://postgres@127.0.0.1:5432/counts_e2e
P="psql -h 127.0.0.1 -U postgres -X -q -v ON_ERROR_STOP=1"
$P -d postgres -c "DROP DATABASE IF EXISTS counts_e2e WITH (FORCE)" -c "CREATE DATABASE counts_e2e"
$BEFORE migrate --database-url $URL >/dev/null
$P -d counts_e2e <<'SQL'
INSERT INTO districts VALUES ('d1', 'Bench', '{}', true, 0, 0);
INSERT INTO orgs (id, district_id, name, org_type, status, created_at, updated_at)
SELECT 'o' || i, 'd1', 'School ' || i, 'school', 'active', 0, 0 FROM generate_series(1, 40) i;
CREATE TEMP TABLE b AS SELECT lpad(i::text, 10, '0') || '-' || md5(i::text) AS id, i FROM generate_series(1, 97000) i;
INSERT INTO people (id, district_id, given_name, family_name, is_student, search_text, created_at, updated_at)
SELECT id, 'd1', 'G' || i, 'F' || i, i <= 50000, 'g' || i || ' f' || i, 0, 0 FROM b;
INSERT INTO person_roles (id, district_id, person_id, role, org_id, source, created_at)
SELECT 'r' || b.id, 'd1', b.id,
       CASE WHEN b.i <= 50000 THEN 'student' WHEN b.i <= 95000 THEN 'guardian' ELSE 'teacher' END,
       CASE WHEN b.i BETWEEN 50001 AND 95000 THEN NULL ELSE 'o' || (b.i % 40 + 1) END, 'sis', 0 FROM b;
VACUUM ANALYZE;
SQL
measure() { # binary label
  local bin=$1 label=$2 port=18471
  local token=$($bin token create --role district_admin --database-url $URL 2>/dev/null | tail -1)
  $bin serve --listen 127.0.0.1:$port --database-url $URL >$LOG 2>&1 &
  local pid=$!
  for i in $(seq 100); do curl -s -o /dev/null http://127.0.0.1:$port/graphql -X POST -H 'content-type: application/json' -d '{"query":"{__typename}"}' && break; sleep 0.2; done
  q='{"query":"{ people(filter: {role: STUDENT}, first: 1) { totalCount } }"}'
  curl -s http://127.0.0.1:$port/graphql -X POST -H "authorization: Bearer $token" -H 'content-type: application/json' -d "$q"; echo
  for i in $(seq 5); do curl -s -o /dev/null http://127.0.0.1:$port/graphql -X POST -H "authorization: Bearer $token" -H 'content-type: application/json' -d "$q"; done
  one=$(for i in $(seq 40); do curl -s -o /dev/null -w '%{time_total}\n' http://127.0.0.1:$port/graphql -X POST -H "authorization: Bearer $token" -H 'content-type: application/json' -d "$q"; done | sort -n | awk '{a[NR]=$1} END {printf "p50 %.1f ms, p90 %.1f ms", a[int(NR/2)]*1000, a[int(NR*0.9)]*1000}')
  four=$(seq 160 | xargs -P 4 -I{} curl -s -o /dev/null -w '%{time_total}\n' http://127.0.0.1:$port/graphql -X POST -H "authorization: Bearer $token" -H 'content-type: application/json' -d "$q" | sort -n | awk '{a[NR]=$1} END {printf "p50 %.1f ms, p90 %.1f ms", a[int(NR/2)]*1000, a[int(NR*0.9)]*1000}')
  echo "$label: 1 client $one; 4 clients $four"
  kill $pid; wait $pid 2>/dev/null || true
}
measure $BEFORE "before (count query)"
start=$(date +%s%N); $AFTER migrate --database-url $URL; end=$(date +%s%N)
echo "migrate (000021 on 97k people): $(( (end - start) / 1000000 )) ms"
measure $AFTER "after (counter)"
