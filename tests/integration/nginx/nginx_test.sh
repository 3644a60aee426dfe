#!/usr/bin/env bash
# The shipped deploy/nginx/orion.conf in front of `orion serve`, both on loopback high ports:
# the file as shipped but for its ports, its upstream address and a self-signed certificate
# (sed below), inside a minimal nginx.conf with a temporary prefix. A store's subdomain and the
# health probe pass through to Orion; /metrics and /internal/ are refused by nginx and never
# reach Orion, which still answers /metrics to whoever reaches it directly.
#   Usage: nginx_test.sh <path to orion>
# Needs nginx, openssl and curl (scripts/install-deps); installs nothing.
set -uo pipefail
orion=$1
passed=0
failed=0
work=$(mktemp -d /tmp/orion-nginx-test.XXXXXX)
orion_pid=
nginx_pid=
nginx=$(command -v nginx || echo /usr/sbin/nginx)

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
  stop "$nginx_pid"
  stop "$orion_pid"
  rm -rf "$work"
}
trap cleanup EXIT

ok() { passed=$((passed + 1)); }
bad() {
  failed=$((failed + 1))
  printf 'FAIL %s\n' "$*"
}
expect() {  # expect NAME ACTUAL WANTED
  if [[ $2 == "$3" ]]; then ok; else bad "$1: got '$2', want '$3'"; fi
}
die() {
  echo "nginx_test.sh: $*" >&2
  for log in orion.log nginx-error.log; do
    [[ -f $work/$log ]] && { echo "--- $log (last 20 lines)" >&2; tail -n 20 "$work/$log" >&2; }
  done
  exit 1
}
[[ -x $nginx ]] || die "nginx is missing (scripts/install-deps)"
for tool in openssl curl; do
  command -v "$tool" >/dev/null || die "$tool is missing (scripts/install-deps)"
done

taken_ports=" "
free_port() {
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

# --- Orion with the platform domain of the shipped file and one store.
platform=platform.example.com
db="sqlite:$work/orion.db"
"$orion" migrate --db "$db" >/dev/null || die "orion migrate failed"
"$orion" store create --code nginxshop --name "Nginx Corner Shop" --db "$db" >/dev/null ||
  die "store create failed"
orion_port=$(free_port)
"$orion" serve --db "$db" --listen "127.0.0.1:$orion_port" --platform-domain "$platform" \
  --trusted-proxies 127.0.0.1 >"$work/orion.log" 2>&1 &
orion_pid=$!
for _ in {1..100}; do
  curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$orion_port/healthz" && break
  kill -0 "$orion_pid" 2>/dev/null || die "orion serve exited"
  sleep 0.1
done

# --- nginx: the shipped server blocks with test ports, upstream and certificate.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$platform" \
  -addext "subjectAltName=DNS:$platform,DNS:*.$platform" \
  -keyout "$work/key.pem" -out "$work/cert.pem" >/dev/null 2>&1 || die "openssl made no certificate"
http_port=$(free_port)
https_port=$(free_port)
shipped=$(dirname "$0")/../../../deploy/nginx/orion.conf
[[ -f $shipped ]] || die "no shipped nginx config at $shipped"
sed -e "s|server 127.0.0.1:8080;|server 127.0.0.1:$orion_port;|" \
  -e "s|^\( *\)listen 80;|\1listen 127.0.0.1:$http_port;|" \
  -e "s|^\( *\)listen 443 ssl http2;|\1listen 127.0.0.1:$https_port ssl http2;|" \
  -e '/listen \[::\]/d' \
  -e "s|ssl_certificate .*;|ssl_certificate $work/cert.pem;|" \
  -e "s|ssl_certificate_key .*;|ssl_certificate_key $work/key.pem;|" \
  "$shipped" >"$work/orion.conf"
grep -q "listen 127.0.0.1:$https_port ssl" "$work/orion.conf" || die "the shipped file has no 443 listener to adapt"
grep -q "server 127.0.0.1:$orion_port;" "$work/orion.conf" || die "the shipped file has no upstream to adapt"
mkdir -p "$work/temp"
cat >"$work/nginx.conf" <<CONF
daemon off;
master_process off;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events {
    worker_connections 64;
}
http {
    access_log off;
    client_body_temp_path $work/temp/body;
    proxy_temp_path $work/temp/proxy;
    fastcgi_temp_path $work/temp/fastcgi;
    uwsgi_temp_path $work/temp/uwsgi;
    scgi_temp_path $work/temp/scgi;
    include $work/orion.conf;
}
CONF
if "$nginx" -t -q -p "$work" -e "$work/nginx-error.log" -c "$work/nginx.conf" >"$work/nginx-t.log" 2>&1; then
  ok
else
  bad "nginx.config_valid: nginx -t: $(cat "$work/nginx-t.log")"
fi
"$nginx" -p "$work" -e "$work/nginx-error.log" -c "$work/nginx.conf" >"$work/nginx.out" 2>&1 &
nginx_pid=$!
for _ in {1..100}; do
  (exec 3<>"/dev/tcp/127.0.0.1/$https_port") 2>/dev/null && break
  kill -0 "$nginx_pid" 2>/dev/null || die "nginx exited: $(cat "$work/nginx.out")"
  sleep 0.1
done

# fetch NAME HOST PATH: GET https://HOST/PATH through nginx with the request id nginx-NAME-$$.
fetch() {
  local name=$1 host=$2 path=$3
  curl -sS -k --max-time 10 --resolve "$host:$https_port:127.0.0.1" \
    -H "X-Request-Id: nginx-$name-$$" -o "$work/body" -w '%{http_code}' \
    "https://$host:$https_port$path" >"$work/status" 2>"$work/curl.err"
  status=$(cat "$work/status")
  body=$(cat "$work/body" 2>/dev/null)
}
orion_saw() { grep -qF "$1" "$work/orion.log"; }

fetch store "nginxshop.$platform" /shop/
expect store.status "$status" 200
grep -qF 'Nginx Corner Shop' <<<"$body" && ok || bad "store.name: the page does not name the store"
fetch health "$platform" /healthz
expect health.status "$status" 200

for host in "$platform" "admin.$platform" "nginxshop.$platform"; do
  for path in /metrics /metrics/ /metrics/x '/internal/tls-ask?domain=x.example'; do
    fetch refused "$host" "$path"
    expect "refused.$host$path" "$status" 404
    grep -q 'orion_http_requests_total' <<<"$body" && bad "refused.$host$path: nginx passed the metrics on" || ok
  done
done
orion_saw 'target="/metrics' && bad "refused.not_forwarded: Orion saw a /metrics request" || ok

direct=$(curl -s --max-time 5 -H "Host: $platform" "http://127.0.0.1:$orion_port/metrics")
grep -q 'orion_http_requests_total' <<<"$direct" && ok || bad "metrics.direct: Orion's own /metrics"

echo "$passed passed, $failed failed"
((failed == 0))
