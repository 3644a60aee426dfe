#!/usr/bin/env bash
# The change feed end to end (issue 15, point 7): a change that was acknowledged — an API 2xx,
# a CLI exit 0 — is honoured by the next request on the instance that made it and by every other
# instance within one second, however the change was made and whatever happens to the feed's
# connections meanwhile. Two `orion serve` on one PostgreSQL of this test's own (it is restarted
# below), then one on a SQLite file changed by the CLI. Each check fails if any answer after the
# deadline is stale.
#   Usage: change_feed_test.sh <path to orion>
set -uo pipefail
orion=$1
here=$(cd "$(dirname "$0")" && pwd)
pg_script=$here/../../support/postgres_server.sh
pg_bin=/usr/lib/postgresql/15/bin
passed=0
failed=0
work=$(mktemp -d /tmp/orion-feed-test.XXXXXX)
pids=()

cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  "$pg_script" stop "$work/pg" >/dev/null 2>&1
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

now_ms() { date +%s%3N; }

# serve NAME DB: starts `orion serve` on a free port; sets $port to it once /readyz answers.
serve() {
  local name=$1 db=$2
  port=$(free_port)
  "$orion" serve --db "$db" --listen "127.0.0.1:$port" --platform-domain platform.test \
    --files-dir "$work/files-$name" >"$work/$name.log" 2>&1 &
  pids+=($!)
  # Up to 30 s: the sanitizer build starts slowly while the rest of the suite runs beside it.
  for _ in {1..300}; do
    curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/readyz" && return 0
    sleep 0.1
  done
  echo "change_feed_test.sh: $name did not start: $(tail -n 5 "$work/$name.log")" >&2
  exit 1
}

# page PORT HOST: the storefront's home page (status line and body).
page() {
  curl -s --max-time 2 -w '\nstatus=%{http_code}\n' -H "Host: $2" "http://127.0.0.1:$1/shop/"
}

# now_shows NAME PORT HOST TEXT: the very next request shows TEXT.
now_shows() {
  local name=$1 port=$2 host=$3 text=$4 body
  body=$(page "$port" "$host")
  if grep -qF -- "$text" <<<"$body"; then
    pass
  else
    fail "$name" "the next request on :$port for $host does not show '$text': $(tail -c 300 <<<"$body")"
  fi
}

# within_1s NAME PORT HOST TEXT: within one second of now every request shows TEXT; asks again
# until then, and once more after the deadline.
within_1s() {
  local name=$1 port=$2 host=$3 text=$4 start body
  start=$(now_ms)
  while (($(now_ms) - start < 1000)); do
    body=$(page "$port" "$host")
    if grep -qF -- "$text" <<<"$body"; then
      # Seen: nothing after it may be older.
      body=$(page "$port" "$host")
      if grep -qF -- "$text" <<<"$body"; then
        pass
      else
        fail "$name" "shown, then stale again on :$port"
      fi
      return
    fi
    sleep 0.02
  done
  fail "$name" "after 1 s :$port for $host still does not show '$text': $(tail -c 300 <<<"$body")"
}

# api PORT METHOD PATH BODY: an admin API call on the platform host; prints the status.
api() {
  curl -s -o "$work/api.out" -w '%{http_code}' --max-time 5 -X "$2" \
    -H "Host: platform.test" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "$4" "http://127.0.0.1:$1/api/v1$3"
}

# rename NAME PORT CODE NEWNAME: renames through the API of one instance, retrying while the
# database is coming back (503), and fails unless the change is acknowledged.
rename() {
  local name=$1 port=$2 code=$3 new=$4 status
  for _ in {1..50}; do
    status=$(api "$port" PATCH "/admin/stores/$code" "{\"name\":\"$new\"}")
    [[ $status == 200 ]] && return 0
    sleep 0.2
  done
  fail "$name" "the rename was not acknowledged: $status $(cat "$work/api.out")"
  return 1
}

psql_su() {
  "$pg_bin/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres "$@"
}

# --- PostgreSQL: two instances ---------------------------------------------------------------
"$pg_script" start "$work/pg" >/dev/null || { echo "cannot start PostgreSQL" >&2; exit 1; }
pg_port=$(cat "$work/pg/port")
owner_db="postgresql://postgres@127.0.0.1:$pg_port/postgres"
db="postgresql://orion_tester@127.0.0.1:$pg_port/postgres"
"$orion" migrate --db "$owner_db" >/dev/null || { echo "migrate failed" >&2; exit 1; }
psql_su -c "GRANT orion_app TO orion_tester"
"$orion" store create --code shop1 --name "Shop One" --db "$db" >/dev/null ||
  { echo "store create failed" >&2; exit 1; }
token=$("$orion" token create --admin --db "$db" | grep -oE '[A-Za-z0-9_-]{30,}' | head -n 1)
[[ -n $token ]] || { echo "token create printed no token" >&2; exit 1; }

serve a "$db"
a=$port
serve b "$db"
b=$port
host=shop1.platform.test
now_shows pg.start.a "$a" $host "Shop One"
now_shows pg.start.b "$b" $host "Shop One"

# An API change through A: A's next request, B within a second.
rename pg.api "$a" shop1 "Shop Renamed" &&
  { now_shows pg.api.same_instance "$a" $host "Shop Renamed"; within_1s pg.api.other_instance "$b" $host "Shop Renamed"; }

# A CLI change (a third process): both within a second.
"$orion" store deactivate shop1 --db "$db" >/dev/null || fail pg.cli.deactivate "exit $?"
within_1s pg.cli.deactivated.a "$a" $host "status=404"
within_1s pg.cli.deactivated.b "$b" $host "status=404"
"$orion" store activate shop1 --db "$db" >/dev/null || fail pg.cli.activate "exit $?"
within_1s pg.cli.activated.a "$a" $host "Shop Renamed"
within_1s pg.cli.activated.b "$b" $host "Shop Renamed"
"$orion" domain add --store shop1 --domain shop1.example.test --db "$db" >/dev/null || fail pg.cli.domain_add "exit $?"
"$orion" domain verify shop1.example.test --force --db "$db" >/dev/null || fail pg.cli.domain_verify "exit $?"
within_1s pg.cli.domain.a "$a" shop1.example.test "Shop Renamed"
within_1s pg.cli.domain.b "$b" shop1.example.test "Shop Renamed"

# The LISTEN connections killed: each instance reconnects and reads on its poll meanwhile.
killed=$(psql_su -c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query = 'LISTEN orion_changes'")
[[ $killed -ge 2 ]] && pass || fail pg.listen.killed "expected both LISTEN connections, killed $killed"
rename pg.listen "$b" shop1 "After Kill" &&
  { now_shows pg.listen.same_instance "$b" $host "After Kill"; within_1s pg.listen.other_instance "$a" $host "After Kill"; }
# ... and both listen again (a notification, not only the poll, reaches them).
for _ in {1..20}; do
  listening=$(psql_su -c "SELECT count(*) FROM pg_stat_activity WHERE query = 'LISTEN orion_changes'")
  ((listening >= 2)) && break
  sleep 0.1
done
((listening >= 2)) && pass || fail pg.listen.again "only $listening instance(s) listen again"

# PostgreSQL restarted: every connection of both instances is gone.
"$pg_script" restart "$work/pg" >/dev/null || fail pg.restart "the restart failed"
rename pg.restart "$a" shop1 "After Restart" &&
  { now_shows pg.restart.same_instance "$a" $host "After Restart"; within_1s pg.restart.other_instance "$b" $host "After Restart"; }
now_shows pg.restart.domain "$b" shop1.example.test "After Restart"

for pid in "${pids[@]}"; do
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
done
pids=()

# --- SQLite: the CLI changes the file under a running server ---------------------------------
sqlite_db="sqlite:$work/orion.db"
"$orion" migrate --db "$sqlite_db" >/dev/null || { echo "sqlite migrate failed" >&2; exit 1; }
"$orion" store create --code lite --name "Lite Shop" --db "$sqlite_db" >/dev/null ||
  { echo "sqlite store create failed" >&2; exit 1; }
serve lite "$sqlite_db"
s=$port
now_shows sqlite.start "$s" lite.platform.test "Lite Shop"
"$orion" store deactivate lite --db "$sqlite_db" >/dev/null || fail sqlite.cli.deactivate "exit $?"
within_1s sqlite.cli.deactivated "$s" lite.platform.test "status=404"
"$orion" store activate lite --db "$sqlite_db" >/dev/null || fail sqlite.cli.activate "exit $?"
within_1s sqlite.cli.activated "$s" lite.platform.test "Lite Shop"
"$orion" domain add --store lite --domain lite.example.test --db "$sqlite_db" >/dev/null || fail sqlite.cli.domain_add "exit $?"
"$orion" domain verify lite.example.test --force --db "$sqlite_db" >/dev/null || fail sqlite.cli.domain_verify "exit $?"
within_1s sqlite.cli.domain "$s" lite.example.test "Lite Shop"

echo "change_feed_test.sh: $passed passed, $failed failed"
((failed == 0))
