#!/usr/bin/env bash
# The database commands of the orion command line (DESIGN.md §4) as an operator meets them, on
# one backend: migrate, store, domain, token and user. Every success prints what it did; every
# refusal exits non-zero with one line on stderr, nothing on stdout, and changes nothing (the
# whole database is dumped before and after).
#   Usage: storage_cli_test.sh <path to orion> sqlite|postgres
# postgres needs the run's throw-away server: ORION_TEST_PG_STATE (ctest fixture "postgres").
# Each database is migrated by its owner (the superuser on PostgreSQL) and then used as
# orion_tester, a login role granted orion_app, as the application would be.
set -uo pipefail
orion=$1
backend=$2
passed=0
failed=0
pg_bin=/usr/lib/postgresql/15/bin
work=$(mktemp -d /tmp/orion-cli-test.XXXXXX)
created_databases=()

case "$backend" in
  sqlite)
    command -v sqlite3 >/dev/null || { echo "storage_cli_test.sh: the sqlite3 CLI is missing (make deps)" >&2; exit 1; }
    ;;
  postgres)
    if [[ -z ${ORION_TEST_PG_STATE:-} || ! -f ${ORION_TEST_PG_STATE:-}/port ]]; then
      echo "storage_cli_test.sh: no test PostgreSQL: run through ctest (fixture 'postgres')" >&2
      exit 1
    fi
    pg_port=$(cat "$ORION_TEST_PG_STATE/port")
    ;;
  *)
    echo "usage: storage_cli_test.sh <orion> sqlite|postgres" >&2
    exit 2
    ;;
esac

psql_su() {  # psql_su DBNAME ARGS...: psql as the superuser, quiet, unaligned, tuples only
  local name=$1
  shift
  "$pg_bin/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres -d "$name" "$@"
}

serve_pid=
cleanup() {
  stop_dnsmasq
  if [[ -n $serve_pid ]]; then
    kill "$serve_pid" 2>/dev/null
    wait "$serve_pid" 2>/dev/null
  fi
  for name in "${created_databases[@]}"; do
    psql_su postgres -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1
  done
  rm -rf "$work"
}
trap cleanup EXIT

# A real DNS server for `orion domain verify`: dnsmasq on 127.0.0.1:$dns_port answering only the
# TXT records given (start_dnsmasq '--txt-record=NAME,VALUE'...), NXDOMAIN for anything else.
# It reads its records at start, so new records mean a restart on the same port.
dns_pid=
dns_port=
stop_dnsmasq() {
  if [[ -n $dns_pid ]]; then
    kill "$dns_pid" 2>/dev/null
    wait "$dns_pid" 2>/dev/null
    dns_pid=
  fi
}
start_dnsmasq() {
  stop_dnsmasq
  local dnsmasq attempt
  dnsmasq=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
  [[ -x $dnsmasq ]] || { echo "storage_cli_test.sh: dnsmasq is missing (make deps)" >&2; exit 1; }
  for attempt in {1..20}; do
    [[ -n $dns_port ]] || dns_port=$((20000 + RANDOM % 30000))
    : >"$work/dnsmasq.log"
    "$dnsmasq" --no-daemon --conf-file=/dev/null --no-resolv --no-hosts --no-poll --local=/#/ \
      --port="$dns_port" --listen-address=127.0.0.1 --bind-interfaces --cache-size=0 \
      --pid-file= "$@" >>"$work/dnsmasq.log" 2>&1 &
    dns_pid=$!
    for _ in {1..50}; do
      grep -q 'started, version' "$work/dnsmasq.log" && return 0
      kill -0 "$dns_pid" 2>/dev/null || break
      sleep 0.1
    done
    stop_dnsmasq
    dns_port=  # taken (or dnsmasq failed): another port
  done
  echo "storage_cli_test.sh: dnsmasq would not start: $(tail -1 "$work/dnsmasq.log")" >&2
  exit 1
}

# new_database NAME: an empty database. Sets owner_url (who migrates) and app_url (what the
# commands use); they are the same file on SQLite.
new_database() {
  local name=$1
  if [[ $backend == sqlite ]]; then
    owner_url="sqlite:$work/$name.db"
    app_url=$owner_url
  else
    local db="orion_cli_${name}_$$"
    psql_su postgres -c "CREATE DATABASE $db" >/dev/null || { echo "cannot create database $db" >&2; exit 1; }
    created_databases+=("$db")
    owner_url="postgresql://postgres@127.0.0.1:$pg_port/$db"
    app_url="postgresql://orion_tester@127.0.0.1:$pg_port/$db"
  fi
}

# After the first migration (which creates the role orion_app): the application role.
grant_app() {
  if [[ $backend == postgres ]]; then
    psql_su "${app_url##*/}" -c "GRANT orion_app TO orion_tester" >/dev/null 2>&1 ||
      { echo "cannot grant orion_app to orion_tester" >&2; exit 1; }
  fi
}

sql() {  # sql URL QUERY: runs QUERY as the owner; rows on stdout, columns separated by |
  local url=$1 query=$2
  if [[ $url == sqlite:* ]]; then
    sqlite3 -batch -bail "${url#sqlite:}" "$query"
  else
    psql_su "${url##*/}" -c "$query"
  fi
}

snapshot() {  # snapshot URL: everything in the database, to prove that nothing changed
  local url=$1
  if [[ $url == sqlite:* ]]; then
    if [[ -e ${url#sqlite:} ]]; then
      sqlite3 -batch "${url#sqlite:}" .dump
    else
      echo "(no file)"
    fi
  else
    # Every row of every table (the superuser is not subject to row-level security) and the
    # schema's relations. Sequences are left out: a refused INSERT still consumes an id.
    psql_su "${url##*/}" -c "
      SELECT c.relname || ' ' || c.relkind::text || ' ' ||
             CASE WHEN c.relkind = 'r' THEN query_to_xml(
               format('SELECT * FROM %I AS t ORDER BY t::text', c.relname), false, false, '')::text
             ELSE '' END
      FROM pg_class c
      WHERE c.relnamespace = 'public'::regnamespace AND c.relkind <> 'S'
      ORDER BY c.relname"
  fi
}

# run [--stdin TEXT] COMMAND...: sets rc, out, err and err_lines. Standard input is empty
# unless given (then TEXT and a newline).
run() {
  if [[ $1 == --stdin ]]; then
    local input=$2
    shift 2
    printf '%s\n' "$input" | "$@" >"$work/stdout" 2>"$work/stderr"
    rc=$?
  else
    "$@" </dev/null >"$work/stdout" 2>"$work/stderr"
    rc=$?
  fi
  out=$(cat "$work/stdout")
  err=$(cat "$work/stderr")
  err_lines=$(wc -l <"$work/stderr")
}

report_failure() {  # report_failure NAME WHY
  failed=$((failed + 1))
  printf 'FAIL %s: %s\n  exit: %s\n  stdout: %s\n  stderr: %s\n' "$1" "$2" "$rc" "$out" "$err"
}

# exits NAME CODE STDOUT_REGEX [--stdin TEXT] COMMAND...: exit status CODE, nothing on stderr, and
# a line of stdout matches STDOUT_REGEX (grep -E).
exits() {
  local name=$1 code=$2 want=$3
  shift 3
  run "$@"
  if ((rc != code)); then
    report_failure "$name" "$( ((code == 0)) && echo "expected success" || echo "expected exit $code")"
  elif [[ -n $err ]]; then
    report_failure "$name" "expected nothing on stderr"
  elif ! grep -Eq -- "$want" <<<"$out"; then
    report_failure "$name" "no line of stdout matches /$want/"
  else
    passed=$((passed + 1))
  fi
}

# ok NAME STDOUT_REGEX [--stdin TEXT] COMMAND...: exits 0.
ok() {
  local name=$1
  shift
  exits "$name" 0 "$@"
}

# refused NAME STDERR_REGEX [--stdin TEXT] COMMAND...: a non-zero exit, nothing on stdout, exactly
# one line on stderr that names orion and matches STDERR_REGEX, and everything in the database
# $watch_url the same afterwards.
watch_url=""
refused() {
  local name=$1 want=$2
  shift 2
  local before after
  before=$(snapshot "$watch_url")
  run "$@"
  after=$(snapshot "$watch_url")
  if ((rc == 0)); then
    report_failure "$name" "expected a non-zero exit"
  elif [[ -n $out ]]; then
    report_failure "$name" "expected nothing on stdout"
  elif [[ $err_lines -ne 1 || -z $err ]]; then
    report_failure "$name" "expected exactly one line on stderr, got $err_lines"
  elif [[ ! $err =~ ^orion ]]; then
    report_failure "$name" "the message does not start with 'orion'"
  elif ! grep -Eq -- "$want" <<<"$err"; then
    report_failure "$name" "stderr does not match /$want/"
  elif [[ $before != "$after" ]]; then
    report_failure "$name" "the database changed: $(diff <(echo "$before") <(echo "$after") | head -n 10)"
  else
    passed=$((passed + 1))
  fi
}

files_named() {  # files_named PREFIX: how many files or directories in $work start with PREFIX
  compgen -G "$work/$1*" | wc -l
}

expect() {  # expect NAME ACTUAL WANTED: a plain comparison of two values
  if [[ $2 == "$3" ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    printf 'FAIL %s:\n  got:  %s\n  want: %s\n' "$1" "$2" "$3"
  fi
}

# --- every command documents itself --------------------------------------------------------------

# documents "COMMAND WORDS" PATTERN...: `orion COMMAND WORDS --help` exits 0, prints nothing on
# stderr, and shows every PATTERN (grep -E).
documents() {
  local words=$1 missing=()
  shift
  # shellcheck disable=SC2086  # the words are split on purpose
  run "$orion" $words --help
  for pattern in "$@"; do
    grep -Eq -- "$pattern" <<<"$out" || missing+=("$pattern")
  done
  if ((rc != 0)) || [[ -n $err ]] || ((${#missing[@]} > 0)); then
    report_failure "help.${words// /_}" "expected exit 0 and help showing: ${missing[*]}"
  else
    passed=$((passed + 1))
  fi
}

documents migrate --db ORION_DB
documents store create list deactivate activate
documents "store create" --code --name --db ORION_DB
documents "store list" --db ORION_DB
documents "store deactivate" code --db ORION_DB
documents "store activate" code --db ORION_DB
documents domain add list verify primary check
documents "domain add" --store --domain --platform-domain --limit ORION_DOMAIN_LIMIT --db ORION_DB
documents "domain list" --store --db ORION_DB
documents "domain verify" --force --method --dns-server ORION_DNS_SERVER --dns-timeout-ms \
  --http-port ORION_DOMAIN_HTTP_PORT --http-allow-private ORION_DOMAIN_HTTP_ALLOW_PRIVATE \
  --recheck-interval-s ORION_DOMAIN_RECHECK_INTERVAL_S \
  --grace-s ORION_DOMAIN_GRACE_S --db ORION_DB
documents "domain primary" --unset --db ORION_DB
documents "domain check" --platform-domain ORION_PLATFORM_DOMAIN --dns-server ORION_DNS_SERVER \
  --dns-timeout-ms --no-dns --targets ORION_DOMAIN_TARGETS --http-port --http-allow-private \
  --db ORION_DB
documents token create
documents "token create" --admin --store --db ORION_DB
documents user create
documents "user create" --email --admin --store --role --db ORION_DB

# --- migrate -------------------------------------------------------------------------------------

new_database main
main_owner=$owner_url
db=$app_url
watch_url=$db

ok migrate.applies 'applied 0001_initial' "$orion" migrate --db "$main_owner"
first_migrate=$out
ok migrate.reports_versions 'migrated from schema version 0 to [0-9]+$' echo "$first_migrate"
newest=$(sed -n 's/.* migrated from schema version 0 to \([0-9]*\)$/\1/p' <<<"$first_migrate")
applied_count=$(grep -c '^applied ' <<<"$first_migrate")
expect migrate.records_each "$(sql "$main_owner" "SELECT COUNT(*) || '|' || MAX(version) FROM schema_migrations")" "$applied_count|$newest"
ok migrate.idempotent "is up to date at schema version $newest\$" "$orion" migrate --db "$main_owner"
expect migrate.idempotent_applies_nothing "$(grep -c '^applied' <<<"$out")" 0
grant_app

# --- store create | list | deactivate | activate -------------------------------------------------

ok store.create 'created store alpha \(Alpha Shop\), id [0-9]+' \
  "$orion" store create --code alpha --name "Alpha Shop" --db "$db"
ok store.create_normalises_code 'created store beta-two \(Beta\)' \
  "$orion" store create --code Beta-Two --name Beta --db "$db"
stores_before=$("$orion" store list --db "$db")

refused store.invalid_too_short 'code' "$orion" store create --code ab --name X --db "$db"
refused store.invalid_empty 'code' "$orion" store create --code "" --name X --db "$db"
refused store.invalid_leading_hyphen 'code' "$orion" store create --code -abc --name X --db "$db"
refused store.invalid_trailing_hyphen 'code' "$orion" store create --code abc- --name X --db "$db"
refused store.invalid_underscore 'code' "$orion" store create --code ab_cd --name X --db "$db"
refused store.invalid_space 'code' "$orion" store create --code "ab cd" --name X --db "$db"
refused store.invalid_too_long 'code' \
  "$orion" store create --code "$(printf 'a%.0s' {1..51})" --name X --db "$db"
for code in admin www api static store stores shop platform; do
  refused "store.reserved_$code" 'reserved' "$orion" store create --code "$code" --name X --db "$db"
done
refused store.duplicate 'already exists' "$orion" store create --code alpha --name Again --db "$db"
refused store.duplicate_other_case 'already exists' \
  "$orion" store create --code ALPHA --name Again --db "$db"
refused store.empty_name 'name' "$orion" store create --code gamma --name "" --db "$db"
refused store.missing_name '--name' "$orion" store create --code gamma --db "$db"
expect store.list_unchanged_by_refusals "$("$orion" store list --db "$db")" "$stores_before"

ok store.list_header '^ID +CODE +ACTIVE +NAME$' "$orion" store list --db "$db"
ok store.list_alpha '^[0-9]+ +alpha +yes +Alpha Shop$' "$orion" store list --db "$db"
ok store.list_beta '^[0-9]+ +beta-two +yes +Beta$' "$orion" store list --db "$db"
expect store.list_has_two_stores "$(($(wc -l <<<"$out") - 1))" 2

ok store.deactivate 'deactivated store alpha' "$orion" store deactivate alpha --db "$db"
ok store.list_inactive '^[0-9]+ +alpha +no +Alpha Shop$' "$orion" store list --db "$db"
ok store.list_other_untouched '^[0-9]+ +beta-two +yes +Beta$' "$orion" store list --db "$db"
ok store.activate 'activated store alpha' "$orion" store activate ALPHA --db "$db"
ok store.list_active_again '^[0-9]+ +alpha +yes +Alpha Shop$' "$orion" store list --db "$db"
refused store.deactivate_unknown "store 'nosuch' does not exist" \
  "$orion" store deactivate nosuch --db "$db"
refused store.activate_unknown "does not exist" "$orion" store activate nosuch --db "$db"
refused store.deactivate_invalid '.' "$orion" store deactivate 'a!' --db "$db"
refused store.deactivate_missing_code 'code' "$orion" store deactivate --db "$db"
expect store.list_unchanged_by_failed_deactivations "$("$orion" store list --db "$db")" \
  "$stores_before"

# --- domain add | list | verify ------------------------------------------------------------------

ok domain.add 'added shop\.example\.com to store alpha \(pending verification\)' \
  "$orion" domain add --store alpha --domain shop.example.com --db "$db"
txt_line=$(grep -E '_orion-verify' <<<"$out")
ok domain.add_prints_txt_record '^ *_orion-verify\.shop\.example\.com\.  TXT  "orion-verify=[0-9a-f]{16,}"$' \
  echo "$txt_line"
printed_token=$(sed -n 's/.*"orion-verify=\([0-9a-f]*\)"$/\1/p' <<<"$txt_line")
expect domain.add_prints_the_stored_token \
  "$(sql "$main_owner" "SELECT verification_token FROM store_domains WHERE domain = 'shop.example.com'")" \
  "$printed_token"
ok domain.add_normalises '_orion-verify\.www\.alpha-example\.org\.  TXT  "orion-verify=' \
  "$orion" domain add --store ALPHA --domain WWW.Alpha-Example.ORG. --db "$db"
ok domain.add_other_store 'added beta\.example\.net to store beta-two' \
  "$orion" domain add --store beta-two --domain beta.example.net --db "$db"
ok domain.add_outside_platform 'added shop\.other\.test' \
  "$orion" domain add --store beta-two --domain shop.other.test --platform-domain platform.test --db "$db"

refused domain.ipv4 'IP' "$orion" domain add --store alpha --domain 192.0.2.10 --db "$db"
refused domain.ipv6 'IP' "$orion" domain add --store alpha --domain '[2001:db8::1]' --db "$db"
refused domain.public_suffix 'public suffix' "$orion" domain add --store alpha --domain co.uk --db "$db"
refused domain.tld 'public suffix' "$orion" domain add --store alpha --domain com --db "$db"
refused domain.url 'URL' \
  "$orion" domain add --store alpha --domain https://shop2.example.com/ --db "$db"
refused domain.url_path '.' "$orion" domain add --store alpha --domain shop2.example.com/x --db "$db"
refused domain.invalid '.' "$orion" domain add --store alpha --domain 'exa mple.com' --db "$db"
refused domain.platform_itself 'platform' \
  "$orion" domain add --store alpha --domain platform.test --platform-domain platform.test --db "$db"
refused domain.under_platform 'platform' \
  "$orion" domain add --store alpha --domain x.platform.test --platform-domain platform.test --db "$db"
refused domain.deep_under_platform 'platform' \
  "$orion" domain add --store alpha --domain a.b.Platform.Test --platform-domain platform.test --db "$db"
refused domain.under_platform_from_env 'platform' env ORION_PLATFORM_DOMAIN=platform.test \
  "$orion" domain add --store alpha --domain y.platform.test --db "$db"
refused domain.duplicate 'already registered' \
  "$orion" domain add --store alpha --domain shop.example.com --db "$db"
refused domain.unknown_store "store 'nosuch' does not exist" \
  "$orion" domain add --store nosuch --domain new.example.com --db "$db"
refused domain.missing_domain '--domain' "$orion" domain add --store alpha --db "$db"

ok domain.list_header '^DOMAIN +STORE +STATE +PRIMARY +VERIFIED_BY$' "$orion" domain list --db "$db"
ok domain.list_all_alpha '^shop\.example\.com +alpha +pending +no +-$' "$orion" domain list --db "$db"
ok domain.list_all_beta '^beta\.example\.net +beta-two +pending +no +-$' "$orion" domain list --db "$db"
expect domain.list_all_count "$(($(wc -l <<<"$out") - 1))" 4
ok domain.list_store '^www\.alpha-example\.org +alpha +pending +no +-$' "$orion" domain list --store alpha --db "$db"
expect domain.list_store_count "$(($(wc -l <<<"$out") - 1))" 2
expect domain.list_store_only_its_own "$(grep -c beta <<<"$out")" 0
ok domain.list_store_beta '^beta\.example\.net +beta-two +pending +no +-$' \
  "$orion" domain list --store Beta-Two --db "$db"
refused domain.list_unknown_store "store 'nosuch' does not exist" \
  "$orion" domain list --store nosuch --db "$db"

refused domain.verify_unknown 'does not exist' \
  "$orion" domain verify --force nosuch.example.com --db "$db"
refused domain.verify_invalid '.' "$orion" domain verify --force 'a b.com' --db "$db"
ok domain.verify_force 'shop\.example\.com is verified and routes to store alpha \(forced' \
  "$orion" domain verify --force shop.example.com --db "$db"
ok domain.list_verified '^shop\.example\.com +alpha +verified +no +forced$' "$orion" domain list --db "$db"
# Held by alpha once verified (a pending claim of another store blocks nobody: DOMAINS.md).
refused domain.duplicate_in_other_store 'already registered' \
  "$orion" domain add --store beta-two --domain SHOP.example.com --db "$db"
ok domain.list_others_pending '^www\.alpha-example\.org +alpha +pending +no +-$' "$orion" domain list --db "$db"
expect domain.verified_in_database \
  "$(sql "$main_owner" "SELECT domain FROM store_domains WHERE is_verified AND verified_at IS NOT NULL ORDER BY domain")" \
  "shop.example.com"
expect domain.forced_not_scheduled \
  "$(sql "$main_owner" "SELECT state || '|' || verified_by || '|' || COALESCE(next_check_at, -1) FROM store_domains WHERE domain = 'shop.example.com'")" \
  "verified|forced|-1"
expect domain.force_recorded_as_event \
  "$(sql "$main_owner" "SELECT from_state || '>' || to_state FROM domain_events WHERE domain = 'shop.example.com' AND to_state = 'verified'")" \
  "pending>verified"
ok domain.verify_force_again 'shop\.example\.com is verified' \
  "$orion" domain verify --force SHOP.Example.com. --db "$db"

# checked NAME STDERR_REGEX COMMAND...: like `refused` (non-zero exit, nothing on stdout, one line
# on stderr), but the check's outcome is recorded: only the domain's row may change.
checked() {
  local name=$1 want=$2
  shift 2
  run "$@"
  if ((rc == 0)); then
    report_failure "$name" "expected a non-zero exit"
  elif [[ -n $out ]]; then
    report_failure "$name" "expected nothing on stdout"
  elif [[ $err_lines -ne 1 || ! $err =~ ^orion ]]; then
    report_failure "$name" "expected exactly one line on stderr starting with 'orion', got $err_lines"
  elif ! grep -Eq -- "$want" <<<"$err"; then
    report_failure "$name" "stderr does not match /$want/"
  else
    passed=$((passed + 1))
  fi
}

# Without --force: the real DNS check through domains::verify, against dnsmasq on loopback. A
# failed check of a pending domain keeps it pending and records what was found.
ok domain.add_for_dns 'added dns\.example\.com' \
  "$orion" domain add --store alpha --domain dns.example.com --db "$db"
dns_token=$(sql "$main_owner" "SELECT verification_token FROM store_domains WHERE domain = 'dns.example.com'")
start_dnsmasq
checked domain.verify_absent_record 'dns\.example\.com is pending \(does not route\): No TXT record _orion-verify\.dns\.example\.com was found' \
  "$orion" domain verify dns.example.com --dns-server "127.0.0.1:$dns_port" --db "$db"
expect domain.verify_absent_recorded \
  "$(sql "$main_owner" "SELECT state || '|' || CASE WHEN checked_at IS NULL THEN 'unchecked' ELSE 'checked' END || '|' || substr(last_result, 1, 13) FROM store_domains WHERE domain = 'dns.example.com'")" \
  "pending|checked|No TXT record"
start_dnsmasq '--txt-record=_orion-verify.dns.example.com,orion-verify=not-the-token'
checked domain.verify_wrong_value 'holds "orion-verify=not-the-token", not the expected' \
  "$orion" domain verify dns.example.com --dns-server "127.0.0.1:$dns_port" --db "$db"
start_dnsmasq "--txt-record=_orion-verify.dns.example.com,orion-verify=$dns_token"
ok domain.verify_dns 'dns\.example\.com is verified and routes to store alpha \(dns check\): The TXT record' \
  env ORION_DNS_SERVER="127.0.0.1:$dns_port" "$orion" domain verify dns.example.com --db "$db"
ok domain.list_dns_verified '^dns\.example\.com +alpha +verified +no +dns$' "$orion" domain list --db "$db"
expect domain.verify_dns_scheduled_recheck \
  "$(sql "$main_owner" "SELECT CASE WHEN next_check_at - checked_at BETWEEN 77760 AND 95040 THEN 'in a day, +-10%' ELSE 'other' END FROM store_domains WHERE domain = 'dns.example.com'")" \
  "in a day, +-10%"
stop_dnsmasq
checked domain.verify_unreachable_resolver 'www\.alpha-example\.org is pending \(does not route\): Could not look up the TXT record' \
  "$orion" domain verify www.alpha-example.org --dns-server "127.0.0.1:$dns_port" \
  --dns-timeout-ms 500 --db "$db"
refused domain.verify_bad_dns_server 'dns-server' \
  "$orion" domain verify www.alpha-example.org --dns-server resolver.example --db "$db"
refused domain.verify_bad_method 'method' \
  "$orion" domain verify www.alpha-example.org --method smoke --db "$db"
# A verified domain whose record is gone: the admin's check makes it failing (it still routes).
start_dnsmasq
checked domain.verify_drifted 'dns\.example\.com is failing \(still routes during its grace period\): No TXT record' \
  "$orion" domain verify dns.example.com --dns-server "127.0.0.1:$dns_port" --db "$db"
ok domain.list_failing '^dns\.example\.com +alpha +failing +no +dns$' "$orion" domain list --db "$db"
# ... and with a grace of 0 the next failed check detaches it.
checked domain.verify_detaches 'dns\.example\.com is detached \(does not route\)' \
  "$orion" domain verify dns.example.com --grace-s 0 --dns-server "127.0.0.1:$dns_port" --db "$db"
start_dnsmasq "--txt-record=_orion-verify.dns.example.com,orion-verify=$dns_token"
ok domain.verify_reattaches 'dns\.example\.com is verified' \
  "$orion" domain verify dns.example.com --dns-server "127.0.0.1:$dns_port" --db "$db"
stop_dnsmasq

# The HTTP proof: Orion itself answers http://<domain>/.well-known/orion-verify/<token> for a
# pending domain, so an `orion serve` on loopback is the domain's web server; dnsmasq sends the
# name to 127.0.0.1 and --http-port to the server's port. The check refuses loopback unless
# --http-allow-private says otherwise: first without it (refused, nothing fetched), then with it.
serve_port=
for _ in {1..50}; do
  serve_port=$((20000 + RANDOM % 40000))
  (exec 3<>"/dev/tcp/127.0.0.1/$serve_port") 2>/dev/null || break
done
"$orion" serve --db "$db" --listen "127.0.0.1:$serve_port" --platform-domain platform.test \
  --files-dir "$work/files" \
  >"$work/serve.log" 2>&1 &
serve_pid=$!
serving=no
for _ in {1..100}; do
  curl -s -o /dev/null --max-time 1 -H 'Host: platform.test' "http://127.0.0.1:$serve_port/healthz" &&
    serving=yes && break
  kill -0 "$serve_pid" 2>/dev/null || break
  sleep 0.1
done
expect domain.http_server_started "$serving" yes
[[ $serving == yes ]] || tail -n 5 "$work/serve.log"
ok domain.add_for_http 'added http\.example\.com' \
  "$orion" domain add --store alpha --domain http.example.com --db "$db"
start_dnsmasq '--host-record=http.example.com,127.0.0.1'
checked domain.verify_http_private_refused \
  'http\.example\.com resolves to a non-public address \(127\.0\.0\.1, Loopback\); the HTTP check only connects to public addresses' \
  "$orion" domain verify http.example.com --method http --http-port "$serve_port" \
  --dns-server "127.0.0.1:$dns_port" --dns-timeout-ms 2000 --db "$db"
ok domain.verify_http 'http\.example\.com is verified and routes to store alpha \(http check\)' \
  "$orion" domain verify http.example.com --method http --http-port "$serve_port" \
  --http-allow-private --dns-server "127.0.0.1:$dns_port" --dns-timeout-ms 2000 --db "$db"
ok domain.list_http_verified '^http\.example\.com +alpha +verified +no +http$' "$orion" domain list --db "$db"
# A name with no address: nothing to fetch the token from.
checked domain.verify_http_no_address 'www\.alpha-example\.org is pending \(does not route\): ' \
  "$orion" domain verify www.alpha-example.org --method http --http-port "$serve_port" \
  --http-allow-private --dns-server "127.0.0.1:$dns_port" --dns-timeout-ms 2000 --db "$db"
stop_dnsmasq
kill "$serve_pid" 2>/dev/null
wait "$serve_pid" 2>/dev/null
serve_pid=

# --- domain primary --------------------------------------------------------------------------------

refused domain.primary_pending 'rout|verified' "$orion" domain primary www.alpha-example.org --db "$db"
refused domain.primary_unknown 'does not exist' "$orion" domain primary nosuch.example.com --db "$db"
ok domain.primary_set 'shop\.example\.com is the primary domain of store alpha' \
  "$orion" domain primary shop.example.com --db "$db"
ok domain.list_primary '^shop\.example\.com +alpha +verified +yes +forced$' "$orion" domain list --db "$db"
ok domain.primary_moves 'dns\.example\.com is the primary domain of store alpha' \
  "$orion" domain primary DNS.example.com --db "$db"
ok domain.list_primary_moved '^shop\.example\.com +alpha +verified +no +forced$' "$orion" domain list --db "$db"
expect domain.one_primary \
  "$(sql "$main_owner" "SELECT domain FROM store_domains WHERE is_primary")" dns.example.com
ok domain.primary_unset 'dns\.example\.com is no longer the primary domain of store alpha' \
  "$orion" domain primary dns.example.com --unset --db "$db"
expect domain.no_primary "$(sql "$main_owner" "SELECT COUNT(*) FROM store_domains WHERE is_primary")" 0

# --- domain check ------------------------------------------------------------------------------------

# A database of its own: two stores, one verified custom domain that points at the platform
# (203.0.113.10, given as the expected target).
new_database check
check_owner=$owner_url
check_db=$app_url
"$orion" migrate --db "$check_owner" >/dev/null || echo "FAIL: cannot migrate the 'check' database"
grant_app
"$orion" store create --code gamma --name Gamma --db "$check_db" >/dev/null
"$orion" store create --code delta --name Delta --db "$check_db" >/dev/null
"$orion" domain add --store gamma --domain gamma.example.com --db "$check_db" >/dev/null
gamma_token=$(sql "$check_owner" "SELECT verification_token FROM store_domains WHERE domain = 'gamma.example.com'")
good_dns=("--txt-record=_orion-verify.gamma.example.com,orion-verify=$gamma_token"
  '--host-record=gamma.example.com,203.0.113.10')
start_dnsmasq "${good_dns[@]}"
"$orion" domain verify gamma.example.com --dns-server "127.0.0.1:$dns_port" --db "$check_db" >/dev/null ||
  echo "FAIL: cannot verify gamma.example.com"
check=("$orion" domain check --platform-domain platform.test --dns-server "127.0.0.1:$dns_port"
  --dns-timeout-ms 2000 --targets 203.0.113.10 --db "$check_db")
watch_url=$check_owner
ok check.good '^all 2 stores resolve as expected \(5 addresses resolved, 1 domain.s DNS checked\)$' "${check[@]}"
ok check.good_no_dns '^all 2 stores resolve as expected .*DNS not checked' "${check[@]}" --no-dns
ok check.good_from_env '^all 2 stores resolve' env ORION_PLATFORM_DOMAIN=platform.test \
  ORION_DNS_SERVER="127.0.0.1:$dns_port" ORION_DOMAIN_TARGETS=203.0.113.10 \
  "$orion" domain check --db "$check_db"

# fails_check NAME STDOUT_REGEX COMMAND...: exits 1 (the check found problems).
fails_check() {
  local name=$1
  shift
  exits "$name" 1 "$@"
}

# DNS drift: the TXT record is gone and the domain points elsewhere. Routing is still right.
start_dnsmasq '--host-record=gamma.example.com,192.0.2.99'
before=$(snapshot "$check_owner")
fails_check check.drift_header '^STORE +ADDRESS +KIND +EXPECTED +GOT +FIX$' "${check[@]}"
expect check.changes_nothing "$(snapshot "$check_owner")" "$before"
fails_check check.drift_txt "^gamma +gamma\.example\.com +dns +TXT _orion-verify\.gamma\.example\.com = orion-verify=$gamma_token +TXT missing +No TXT record _orion-verify\.gamma\.example\.com was found\. Create it with the value orion-verify=$gamma_token" \
  "${check[@]}"
fails_check check.drift_pointing '^gamma +gamma\.example\.com +dns +A 203\.0\.113\.10 +A 192\.0\.2\.99 +.*Remove the A record gamma\.example\.com → 192\.0\.2\.99; Create an A record: gamma\.example\.com → 203\.0\.113\.10' \
  "${check[@]}"
fails_check check.drift_count '^2 problems in 2 stores checked$' "${check[@]}"
ok check.drift_no_dns '^all 2 stores resolve as expected' "${check[@]}" --no-dns

# A pending domain is reported (DNS only), with the record to create.
start_dnsmasq "${good_dns[@]}"
"$orion" domain add --store delta --domain delta.example.com --db "$check_db" >/dev/null
delta_token=$(sql "$check_owner" "SELECT verification_token FROM store_domains WHERE domain = 'delta.example.com'")
fails_check check.pending "^delta +delta\.example\.com +dns +verified: TXT _orion-verify\.delta\.example\.com = orion-verify=$delta_token +pending, TXT missing +No TXT record .* Then run orion domain verify delta\.example\.com\.$" \
  "${check[@]}"
ok check.pending_no_dns '^all 2 stores resolve as expected' "${check[@]}" --no-dns
start_dnsmasq "${good_dns[@]}" "--txt-record=_orion-verify.delta.example.com,orion-verify=$delta_token" \
  '--host-record=delta.example.com,203.0.113.10'
fails_check check.pending_ready '^delta +delta\.example\.com +dns .* +pending, TXT present +The record is in place: run orion domain verify delta\.example\.com\.$' \
  "${check[@]}"
"$orion" domain verify delta.example.com --dns-server "127.0.0.1:$dns_port" --db "$check_db" >/dev/null
ok check.all_verified '^all 2 stores resolve as expected' "${check[@]}"

# Routing drift: the server now runs with a platform domain the custom domain is under, and a
# store's code became reserved (a code from before the reserved list grew).
fails_check check.domain_under_platform '^gamma +gamma\.example\.com +custom_domain +store gamma +.*The name can no longer be a custom domain' \
  "${check[@]/platform.test/example.com}" --no-dns
sql "$check_owner" "UPDATE stores SET code = 'www' WHERE code = 'delta'" >/dev/null
fails_check check.reserved_code "^www +www\.platform\.test +subdomain +store www +the platform's own pages +The code 'www' is reserved, so its subdomain can never be the store's: give the store a custom domain\.$" \
  "${check[@]}" --no-dns
fails_check check.reserved_code_path "^www +platform\.test/stores/www/shop/ +path +store www +.*The code 'www' cannot appear in a storefront path" \
  "${check[@]}" --no-dns
fails_check check.reserved_code_count '^2 problems in 2 stores checked$' "${check[@]}" --no-dns
# An inactive store is expected not to resolve: not reported.
sql "$check_owner" "UPDATE stores SET is_active = $([[ $backend == sqlite ]] && echo 0 || echo false) WHERE code = 'www'" >/dev/null
ok check.inactive_skipped '^1 store resolves as expected \(3 addresses resolved, DNS not checked\)$' "${check[@]}" --no-dns
fails_check check.one_problem_count '^1 problem in 1 store checked$' \
  "${check[@]/platform.test/example.com}" --no-dns

refused check.bad_platform 'platform-domain' "$orion" domain check --platform-domain 'a b' --db "$check_db"
refused check.bad_targets 'targets' "$orion" domain check --targets 'not a target!' --db "$check_db"
refused check.bad_dns_server 'dns-server' "$orion" domain check --dns-server resolver.example --db "$check_db"
stop_dnsmasq
watch_url=$db

# --- token create --------------------------------------------------------------------------------

run "$orion" token create --admin --db "$db"
admin_token=$out
expect token.admin_exit "$rc" 0
expect token.admin_one_line "$(wc -l <"$work/stdout")" 1
expect token.admin_format "$(grep -Ecx 'orion_[0-9a-f]{64}' <<<"$out")" 1
expect token.admin_stderr "$err" ""
admin_hash=$(printf '%s' "$admin_token" | sha256sum | cut -d' ' -f1)
expect token.admin_stored_as_hash \
  "$(sql "$main_owner" "SELECT COUNT(*) FROM api_tokens WHERE token_hash = '$admin_hash' AND store_id IS NULL")" 1

run "$orion" token create --store alpha --db "$db"
store_token=$out
expect token.store_exit "$rc" 0
expect token.store_one_line "$(wc -l <"$work/stdout")" 1
expect token.store_format "$(grep -Ecx 'orion_[0-9a-f]{64}' <<<"$out")" 1
expect token.store_stderr "$err" ""
store_hash=$(printf '%s' "$store_token" | sha256sum | cut -d' ' -f1)
expect token.store_stored_for_the_store \
  "$(sql "$main_owner" "SELECT s.code FROM api_tokens t JOIN stores s ON s.id = t.store_id WHERE t.token_hash = '$store_hash'")" \
  alpha
if [[ $admin_token == "$store_token" ]]; then
  report_failure token.distinct "two tokens are equal"
fi
if snapshot "$main_owner" | grep -qF -e "$admin_token" -e "$store_token"; then
  report_failure token.never_stored_in_clear "a token is in the database in clear"
else
  passed=$((passed + 1))
fi

refused token.unknown_store "store 'nosuch' does not exist" \
  "$orion" token create --store nosuch --db "$db"
refused token.neither '--admin or --store' "$orion" token create --db "$db"
refused token.both 'excludes' "$orion" token create --admin --store alpha --db "$db"

# --- user create ---------------------------------------------------------------------------------

password='correct horse battery staple'
ok user.create_member 'created user owner@example\.com, staff of alpha' --stdin "$password" \
  "$orion" user create --email Owner@Example.com --store alpha --role staff --db "$db"
expect user.membership_stored \
  "$(sql "$main_owner" "SELECT s.code || '|' || m.role FROM store_members m JOIN stores s ON s.id = m.store_id JOIN users u ON u.id = m.user_id WHERE u.email = 'owner@example.com'")" \
  "alpha|staff"
expect user.password_hashed_with_argon2id \
  "$(sql "$main_owner" "SELECT substr(password_hash, 1, 10) FROM users WHERE email = 'owner@example.com'")" \
  "\$argon2id\$"
if snapshot "$main_owner" | grep -qF "$password"; then
  report_failure user.password_never_stored "the password is in the database in clear"
else
  passed=$((passed + 1))
fi
ok user.create_default_role_owner 'created user boss@example\.com, owner of beta-two' \
  --stdin "$password" "$orion" user create --email boss@example.com --store beta-two --db "$db"
ok user.create_admin 'created user root@example\.com \(platform admin\)' --stdin "$password" \
  "$orion" user create --email root@example.com --admin --db "$db"
expect user.admin_stored \
  "$(sql "$main_owner" "SELECT email FROM users WHERE is_admin ORDER BY email")" root@example.com
ok user.create_plain 'created user plain@example\.com$' --stdin "$password" \
  "$orion" user create --email plain@example.com --db "$db"

refused user.short_password 'at least 8' --stdin short \
  "$orion" user create --email short@example.com --db "$db"
refused user.empty_password 'at least 8|password' --stdin "" \
  "$orion" user create --email empty@example.com --db "$db"
refused user.duplicate_email 'already exists' --stdin "$password" \
  "$orion" user create --email OWNER@example.com --db "$db"
refused user.missing_stdin 'no password on standard input' \
  "$orion" user create --email nostdin@example.com --db "$db"
refused user.unknown_store "store 'nosuch' does not exist" --stdin "$password" \
  "$orion" user create --email lost@example.com --store nosuch --db "$db"
refused user.invalid_email 'mail' --stdin "$password" \
  "$orion" user create --email not-an-email --db "$db"
refused user.invalid_role 'role' --stdin "$password" \
  "$orion" user create --email role@example.com --store alpha --role boss --db "$db"
refused user.role_without_store 'store' --stdin "$password" \
  "$orion" user create --email role@example.com --role staff --db "$db"
refused user.admin_and_store 'excludes' --stdin "$password" \
  "$orion" user create --email both@example.com --admin --store alpha --db "$db"

# --- --db and ORION_DB -----------------------------------------------------------------------------

ok db.from_env '^[0-9]+ +alpha +yes' env ORION_DB="$db" "$orion" store list
ok db.flag_beats_env '^[0-9]+ +alpha +yes' \
  env ORION_DB="sqlite:$work/env-only.db" "$orion" store list --db "$db"
expect db.flag_beats_env_no_file "$(files_named env-only)" 0
refused db.missing '--db' env -u ORION_DB "$orion" store list
refused db.unsupported_url 'unsupported database URL' "$orion" store list --db mysql://localhost/orion
refused db.empty_sqlite_path '.' "$orion" store list --db sqlite:

# --- a database orion has not migrated, and one a newer orion has ------------------------------------

new_database empty
if [[ $backend == sqlite ]]; then
  : >"$work/empty.db"
fi
watch_url=$owner_url
refused unmigrated.store_list 'orion migrate' "$orion" store list --db "$app_url"
refused unmigrated.store_create 'orion migrate' \
  "$orion" store create --code alpha --name Alpha --db "$app_url"
refused unmigrated.token_create 'orion migrate' "$orion" token create --admin --db "$app_url"

new_database future
future_owner=$owner_url
future_app=$app_url
"$orion" migrate --db "$future_owner" >/dev/null || echo "FAIL: cannot migrate the 'future' database"
grant_app
"$orion" store create --code kept --name Kept --db "$future_app" >/dev/null
sql "$future_owner" \
  "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'from_a_newer_orion', 0)"
watch_url=$future_owner
refused future.migrate 'version 9999, newer than this orion knows' \
  "$orion" migrate --db "$future_owner"
refused future.store_list 'newer' "$orion" store list --db "$future_app"
refused future.store_create 'newer' "$orion" store create --code gamma --name G --db "$future_app"
refused future.domain_add 'newer' \
  "$orion" domain add --store kept --domain kept.example.com --db "$future_app"
refused future.user_create 'newer' --stdin "$password" \
  "$orion" user create --email f@example.com --db "$future_app"
expect future.version_kept \
  "$(sql "$future_owner" "SELECT MAX(version) || '|' || COUNT(*) FROM schema_migrations")" \
  "9999|$((applied_count + 1))"
watch_url=$db

# --- a database that is not there ------------------------------------------------------------------

if [[ $backend == sqlite ]]; then
  absent="$work/absent.db"
  refused absent.store_list 'cannot open SQLite database' "$orion" store list --db "sqlite:$absent"
  refused absent.store_create 'cannot open SQLite database' \
    "$orion" store create --code alpha --name Alpha --db "sqlite:$absent"
  refused absent.store_deactivate 'cannot open SQLite database' \
    "$orion" store deactivate alpha --db "sqlite:$absent"
  refused absent.domain_add 'cannot open SQLite database' \
    "$orion" domain add --store alpha --domain a.example.com --db "sqlite:$absent"
  refused absent.domain_list 'cannot open SQLite database' "$orion" domain list --db "sqlite:$absent"
  refused absent.domain_verify 'cannot open SQLite database' \
    "$orion" domain verify --force a.example.com --db "sqlite:$absent"
  refused absent.token_create 'cannot open SQLite database' \
    "$orion" token create --admin --db "sqlite:$absent"
  refused absent.user_create 'cannot open SQLite database' --stdin "$password" \
    "$orion" user create --email a@example.com --db "sqlite:$absent"
  expect absent.file_not_created "$(files_named absent)" 0
  refused absent.migrate_into_missing_directory 'cannot open SQLite database' \
    "$orion" migrate --db "sqlite:$work/no-such-dir/orion.db"
  expect absent.directory_not_created "$(files_named no-such-dir)" 0
else
  down="postgresql://orion_tester@127.0.0.1:1/orion"
  refused unreachable.migrate 'cannot connect to PostgreSQL' "$orion" migrate --db "$down"
  refused unreachable.store_list 'cannot connect to PostgreSQL' "$orion" store list --db "$down"
  refused unreachable.store_create 'cannot connect to PostgreSQL' \
    "$orion" store create --code alpha --name Alpha --db "$down"
  refused unreachable.store_deactivate 'cannot connect to PostgreSQL' \
    "$orion" store deactivate alpha --db "$down"
  refused unreachable.domain_add 'cannot connect to PostgreSQL' \
    "$orion" domain add --store alpha --domain a.example.com --db "$down"
  refused unreachable.domain_list 'cannot connect to PostgreSQL' "$orion" domain list --db "$down"
  refused unreachable.domain_verify 'cannot connect to PostgreSQL' \
    "$orion" domain verify --force a.example.com --db "$down"
  refused unreachable.token_create 'cannot connect to PostgreSQL' \
    "$orion" token create --admin --db "$down"
  refused unreachable.user_create 'cannot connect to PostgreSQL' --stdin "$password" \
    "$orion" user create --email a@example.com --db "$down"
  refused unreachable.password_masked 'orion_tester:\*\*\*@' \
    "$orion" store list --db "postgresql://orion_tester:s3cret@127.0.0.1:1/orion"
  if grep -q s3cret <<<"$err"; then
    report_failure unreachable.password_not_shown "the password is in the message"
  fi
  refused missing_database.store_list 'does not exist' \
    "$orion" store list --db "postgresql://orion_tester@127.0.0.1:$pg_port/orion_no_such_db_$$"
fi

# Nothing above changed a store but create, deactivate and activate.
expect store.list_at_the_end "$("$orion" store list --db "$db")" "$stores_before"

echo "$passed passed, $failed failed"
((failed == 0))
