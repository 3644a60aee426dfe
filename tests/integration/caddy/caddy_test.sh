#!/usr/bin/env bash
# On-demand TLS end to end (docs/DOMAINS.md "TLS"): Debian's caddy in front of `orion serve`,
# both on loopback high ports, running the shipped deploy/caddy/Caddyfile with `tls internal`
# (Caddy's own local CA) instead of a public CA. A verified custom domain gets a certificate at its first
# handshake and its storefront over HTTPS, served by Orion for the right store; a pending and an
# unknown domain get no certificate (the handshake fails) because Orion's ask endpoint said no.
# /metrics and /internal/ are refused by the shipped sites on every host; /healthz passes.
#   Usage: caddy_test.sh <path to orion>
# Needs caddy and curl (scripts/install-deps); installs nothing.
set -uo pipefail
orion=$1
passed=0
failed=0
work=$(mktemp -d /tmp/orion-caddy-test.XXXXXX)
orion_pid=
caddy_pid=

stop() {  # stop PID: SIGTERM, then SIGKILL after 5 s
  local pid=$1
  [[ -n $pid ]] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in {1..50}; do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}
cleanup() {
  stop "$caddy_pid"
  stop "$orion_pid"
  rm -rf "$work"
}
trap cleanup EXIT

for tool in caddy curl; do
  command -v "$tool" >/dev/null || { echo "caddy_test.sh: $tool is missing (scripts/install-deps)" >&2; exit 1; }
done

ok() { passed=$((passed + 1)); }
bad() {
  failed=$((failed + 1))
  printf 'FAIL %s\n' "$*"
}
expect() {  # expect NAME ACTUAL WANTED
  if [[ $2 == "$3" ]]; then ok; else bad "$1: got '$2', want '$3'"; fi
}
die() {
  echo "caddy_test.sh: $*" >&2
  for log in orion caddy; do
    [[ -f $work/$log.log ]] && { echo "--- $log.log (last 20 lines)" >&2; tail -n 20 "$work/$log.log" >&2; }
  done
  exit 1
}

taken_ports=" "
free_port() {  # a port nothing listens on and not handed out before
  local port
  for _ in {1..100}; do
    port=$((20000 + RANDOM % 40000))
    [[ $taken_ports == *" $port "* ]] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      taken_ports+="$port "
      echo "$port"
      return
    fi
  done
  die "no free port found"
}

# --- Orion: a store with a verified (forced) domain, another store's verified domain, a pending
# domain; served on a free loopback port.
db="sqlite:$work/orion.db"
"$orion" migrate --db "$db" >/dev/null || die "orion migrate failed"
"$orion" store create --code caddyshop --name "Caddy Corner Shop" --db "$db" >/dev/null ||
  die "store create caddyshop failed"
"$orion" store create --code othershop --name "The Other Shop" --db "$db" >/dev/null ||
  die "store create othershop failed"
for entry in caddyshop:verified.test othershop:other.test caddyshop:pending.test; do
  "$orion" domain add --store "${entry%%:*}" --domain "${entry#*:}" --db "$db" >/dev/null ||
    die "domain add ${entry#*:} failed"
done
"$orion" domain verify --force verified.test --db "$db" >/dev/null || die "verify verified.test failed"
"$orion" domain verify --force other.test --db "$db" >/dev/null || die "verify other.test failed"

orion_port=$(free_port)
# trusted_proxies: Caddy connects from 127.0.0.1, so Orion believes its X-Forwarded-Proto.
"$orion" serve --db "$db" --listen "127.0.0.1:$orion_port" --platform-domain platform.test \
  --trusted-proxies 127.0.0.1 --log-level info >"$work/orion.log" 2>&1 &
orion_pid=$!
for _ in {1..100}; do
  curl -s -o /dev/null --max-time 1 -H 'Host: platform.test' "http://127.0.0.1:$orion_port/healthz" && break
  kill -0 "$orion_pid" 2>/dev/null || die "orion serve exited"
  sleep 0.1
done
curl -s -o /dev/null --max-time 2 -H 'Host: platform.test' "http://127.0.0.1:$orion_port/healthz" ||
  die "orion serve did not answer /healthz"

# --- Caddy: its own data, config and home under $work; no admin endpoint, no trust-store
# installation; HTTP and HTTPS on free high ports.
http_port=$(free_port)
https_port=$(free_port)
export HOME=$work/home XDG_DATA_HOME=$work/data XDG_CONFIG_HOME=$work/config
mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME"
# The shipped deploy/caddy/Caddyfile, run as shipped but for its global options (replaced by
# the test's: no admin endpoint, high ports, the ask URL of this Orion) and `tls internal` on the
# on-demand site and the platform's site instead of a public CA. The platform domain is
# platform.test.
shipped=$(dirname "$0")/../../../deploy/caddy/Caddyfile
[[ -f $shipped ]] || die "no shipped Caddyfile at $shipped"
{
  cat <<EOF
{
	admin off
	skip_install_trust
	http_port $http_port
	https_port $https_port
	on_demand_tls {
		ask http://127.0.0.1:$orion_port/internal/tls-ask
	}
}
EOF
  # Drop the shipped global options block (from the first line "{" to the first line "}").
  awk 'BEGIN { state = 0 }
       state == 0 && $0 == "{" { state = 1; next }
       state == 1 { if ($0 == "}") { state = 2 }; next }
       { sub(/^\ttls \{$/, "\ttls internal {"); print }
       /^\{\$ORION_PLATFORM_DOMAIN/ { print "\ttls internal" }' "$shipped"
} >"$work/Caddyfile"
grep -q 'tls internal {' "$work/Caddyfile" || die "the shipped Caddyfile has no on-demand tls block to adapt"
export ORION_PLATFORM_DOMAIN=platform.test ORION_UPSTREAM=127.0.0.1:$orion_port \
  ORION_ASK_URL=http://127.0.0.1:$orion_port/internal/tls-ask ACME_EMAIL=ops@example.com
caddy run --config "$work/Caddyfile" --adapter caddyfile >"$work/caddy.log" 2>&1 &
caddy_pid=$!
root_cert=$XDG_DATA_HOME/caddy/pki/authorities/local/root.crt
for _ in {1..100}; do
  [[ -s $root_cert ]] && (exec 3<>"/dev/tcp/127.0.0.1/$https_port") 2>/dev/null && break
  kill -0 "$caddy_pid" 2>/dev/null || die "caddy exited"
  sleep 0.1
done
[[ -s $root_cert ]] || die "caddy made no local CA ($root_cert)"

# fetch NAME HOST PATH: GET https://HOST:$https_port/PATH through Caddy, trusting only its local
# CA, with the request id caddy-NAME-$$. Sets rc, status, body, headers.
fetch() {
  local name=$1 host=$2 path=$3
  curl -sS --max-time 20 --resolve "$host:$https_port:127.0.0.1" --cacert "$root_cert" \
    -H "X-Request-Id: caddy-$name-$$" -D "$work/headers" -o "$work/body" -w '%{http_code}' \
    "https://$host:$https_port$path" >"$work/status" 2>"$work/curl.err"
  rc=$?
  status=$(cat "$work/status")
  body=$(cat "$work/body" 2>/dev/null)
  headers=$(tr -d '\r' <"$work/headers" 2>/dev/null)
}

# The access log line Orion wrote for a request id.
log_line() { grep -F "request_id=$1 " "$work/orion.log"; }

# --- A verified domain: a certificate from the local CA at the first handshake, and the store's
# storefront served by Orion.
fetch verified verified.test /shop/
expect verified.curl_exit "$rc" 0
expect verified.status "$status" 200
grep -qF 'Caddy Corner Shop' <<<"$body" && ok || bad "verified.store_name: the page does not name the store"
grep -qF 'The Other Shop' <<<"$body" && bad "verified.not_other_store: the other store's name is on the page" || ok
grep -qix "x-request-id: caddy-verified-$$" <<<"$headers" && ok ||
  bad "verified.request_id_header: Orion's X-Request-Id did not come back: $headers"
line=$(log_line "caddy-verified-$$")
[[ $line == *'status=200 store=caddyshop mode=custom_domain'* ]] && ok ||
  bad "verified.served_by_orion: Orion's log line for the request: '$line'"
ask=$(grep -F 'target="/internal/tls-ask?domain=verified.test"' "$work/orion.log" | head -n 1)
[[ $ask == *status=200* ]] && ok || bad "verified.asked: Caddy's ask for verified.test: '$ask'"
ls "$XDG_DATA_HOME"/caddy/certificates/local/verified.test/verified.test.crt >/dev/null 2>&1 && ok ||
  bad "verified.certificate_stored: no certificate for verified.test in Caddy's storage"
# The certificate is for this name: curl checked it against the local CA and the host name.
subject=$(curl -sS --max-time 20 --resolve "verified.test:$https_port:127.0.0.1" --cacert "$root_cert" \
  -o /dev/null -w '%{certs}' "https://verified.test:$https_port/shop/" 2>/dev/null | grep -m1 -i 'DNS:verified.test')
[[ -n $subject ]] && ok || bad "verified.certificate_names_domain: no SAN DNS:verified.test"

# Another store's verified domain reaches that store, not the first.
fetch other other.test /shop/
expect other.status "$status" 200
grep -qF 'The Other Shop' <<<"$body" && ok || bad "other.store_name: the page does not name the store"
grep -qF 'Caddy Corner Shop' <<<"$body" && bad "other.not_first_store: the first store's name is on the page" || ok
line=$(log_line "caddy-other-$$")
[[ $line == *'store=othershop mode=custom_domain'* ]] && ok ||
  bad "other.served_by_orion: Orion's log line for the request: '$line'"

# --- A pending domain and an unknown one: Orion's ask says 404, so no certificate and the
# handshake fails (curl 35: TLS connect error); the request never reaches a store.
for name in pending unknown; do
  fetch "$name" "$name.test" /shop/
  ((rc != 0)) && ok || bad "$name.handshake_fails: curl succeeded with status $status"
  expect "$name.tls_error" "$rc" 35
  [[ -z $(log_line "caddy-$name-$$") ]] && ok || bad "$name.not_served: Orion served the request"
  ask=$(grep -F "target=\"/internal/tls-ask?domain=$name.test\"" "$work/orion.log" | head -n 1)
  [[ $ask == *status=404* ]] && ok || bad "$name.asked: Caddy's ask for $name.test: '$ask'"
  if compgen -G "$XDG_DATA_HOME/caddy/certificates/*/$name.test" >/dev/null; then
    bad "$name.no_certificate: Caddy stored a certificate for $name.test"
  else
    ok
  fi
done

# --- Verifying the pending domain later: the next handshake gets a certificate. Orion's store
# cache may still hold the "not verified" answer for store_cache_ttl_ms (5 s by default).
"$orion" domain verify --force pending.test --db "$db" >/dev/null || bad "later.verify: failed"
for _ in {1..20}; do
  fetch later pending.test /shop/
  [[ $rc == 0 ]] && break
  sleep 0.5
done
expect later.status "$status" 200
grep -qF 'Caddy Corner Shop' <<<"$body" && ok || bad "later.store_name: the page does not name the store"

# --- What only the operator may ask is refused by the shipped sites, on the platform host and on
# a store's domain alike, and never reaches Orion; the health probe passes on any Host.
for host in platform.test admin.platform.test verified.test; do
  for path in /metrics /metrics/ '/internal/tls-ask?domain=verified.test'; do
    name="private-${host%%.*}$(tr -c 'a-z\n' '_' <<<"$path")"
    fetch "$name" "$host" "$path"
    expect "$name.refused" "$status" 404
    grep -q 'orion_http_requests_total' <<<"$body" && bad "$name.no_metrics: Caddy passed the metrics on" || ok
    [[ -z $(log_line "caddy-$name-$$") ]] && ok || bad "$name.not_forwarded: Orion saw the request"
  done
done
# Orion itself still answers /metrics to whoever reaches it directly (the operator's scraper).
direct=$(curl -s --max-time 5 -H 'Host: platform.test' "http://127.0.0.1:$orion_port/metrics")
grep -q 'orion_http_requests_total' <<<"$direct" && ok || bad "metrics.direct: Orion's own /metrics: '${direct:0:200}'"
for host in platform.test verified.test; do
  fetch "health-${host%%.*}" "$host" /healthz
  expect "health.${host%%.*}" "$status" 200
done

echo "$passed passed, $failed failed"
((failed == 0))
