#!/usr/bin/env bash
# `orion serve` on PostgreSQL refuses a database role that row-level security does not hold
# (DESIGN.md §3): a superuser, a BYPASSRLS role, the owner of a table whose row security is not
# forced. Each refusal is a non-zero exit with one line on stderr naming the role and the fix;
# the proper application role (a login role granted orion_app) starts and answers /healthz.
# `orion migrate` still runs as the owner.
#   Usage: serve_role_test.sh <path to orion>   (needs ORION_TEST_PG_STATE: ctest fixture "postgres")
set -uo pipefail
orion=$1
pg_bin=/usr/lib/postgresql/15/bin
passed=0
failed=0
if [[ -z ${ORION_TEST_PG_STATE:-} || ! -f ${ORION_TEST_PG_STATE:-}/port ]]; then
  echo "serve_role_test.sh: no test PostgreSQL: run through ctest (fixture 'postgres')" >&2
  exit 1
fi
pg_port=$(cat "$ORION_TEST_PG_STATE/port")
work=$(mktemp -d /tmp/orion-serve-role.XXXXXX)
db="orion_serve_role_$$"
bypass="orion_bypass_$$"
owner="orion_owner_$$"
serve_pid=

psql_su() {  # psql_su DBNAME ARGS...
  local name=$1
  shift
  "$pg_bin/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres -d "$name" "$@"
}
cleanup() {
  if [[ -n $serve_pid ]]; then
    kill "$serve_pid" 2>/dev/null
    wait "$serve_pid" 2>/dev/null
  fi
  psql_su postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1
  psql_su postgres -c "DROP ROLE IF EXISTS $bypass" >/dev/null 2>&1
  psql_su postgres -c "DROP ROLE IF EXISTS $owner" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

pass() { passed=$((passed + 1)); }
fail() {
  failed=$((failed + 1))
  printf 'FAIL %s: %s\n' "$1" "$2"
}

free_port() {
  local port
  for _ in {1..50}; do
    port=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
  done
  echo "$port"
}

# refused NAME USER REGEX: `orion serve` as USER exits non-zero within 20 s, prints nothing on
# stdout and exactly one line on stderr matching REGEX.
refused() {
  local name=$1 user=$2 want=$3 rc
  timeout 20 "$orion" serve --db "postgresql://$user@127.0.0.1:$pg_port/$db" \
    --listen "127.0.0.1:$(free_port)" --platform-domain platform.test --files-dir "$work/files" \
    </dev/null >"$work/out" 2>"$work/err"
  rc=$?
  if ((rc == 0 || rc == 124)); then
    fail "$name" "expected a refusal, got exit $rc; stderr: $(head -c 300 "$work/err")"
  elif [[ -s $work/out ]]; then
    fail "$name" "expected nothing on stdout, got: $(head -c 300 "$work/out")"
  elif [[ $(wc -l <"$work/err") -ne 1 ]]; then
    fail "$name" "expected one line on stderr, got: $(cat "$work/err")"
  elif ! grep -Eq -- "$want" "$work/err"; then
    fail "$name" "stderr does not match /$want/: $(cat "$work/err")"
  else
    pass
  fi
}

psql_su postgres -c "CREATE DATABASE $db" >/dev/null || { echo "cannot create $db" >&2; exit 1; }
if "$orion" migrate --db "postgresql://postgres@127.0.0.1:$pg_port/$db" >"$work/migrate" 2>&1; then
  pass
else
  fail migrate_as_owner "$(cat "$work/migrate")"
fi
psql_su "$db" -c "GRANT orion_app TO orion_tester" >/dev/null
psql_su "$db" -c "CREATE ROLE $bypass LOGIN NOSUPERUSER BYPASSRLS" >/dev/null
psql_su "$db" -c "GRANT orion_app TO $bypass" >/dev/null
# A non-superuser that owns a table with row security enabled but not forced: as its owner it
# reads every row of it.
psql_su "$db" -c "CREATE ROLE $owner LOGIN NOSUPERUSER NOBYPASSRLS" >/dev/null
psql_su "$db" -c "GRANT orion_app TO $owner" >/dev/null
psql_su "$db" -c "CREATE TABLE extra_notes (store_id BIGINT NOT NULL, note TEXT);
  ALTER TABLE extra_notes ENABLE ROW LEVEL SECURITY; ALTER TABLE extra_notes OWNER TO $owner" >/dev/null

fix='connect as a login role granted orion_app'
refused serve.superuser postgres "^orion serve: .*the role 'postgres' is a superuser, so row-level security would not isolate the stores; $fix"
refused serve.bypassrls "$bypass" "^orion serve: .*the role '$bypass' has BYPASSRLS, so row-level security would not isolate the stores; $fix"
refused serve.owner_unforced "$owner" "^orion serve: .*the role '$owner' owns 1 table\(s\) whose row-level security is not forced.*; $fix"

# The application role starts and serves.
port=$(free_port)
"$orion" serve --db "postgresql://orion_tester@127.0.0.1:$pg_port/$db" --listen "127.0.0.1:$port" \
  --platform-domain platform.test --files-dir "$work/files" >"$work/serve.log" 2>&1 &
serve_pid=$!
serving=no
for _ in {1..100}; do
  curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/healthz" -H 'Host: platform.test' &&
    serving=yes && break
  kill -0 "$serve_pid" 2>/dev/null || break
  sleep 0.1
done
if [[ $serving == yes ]]; then
  pass
else
  fail serve.app_role "did not start: $(tail -n 3 "$work/serve.log")"
fi

echo "serve_role_test.sh: $passed passed, $failed failed"
((failed == 0))
