#!/usr/bin/env bash
# `orion demo` as a newcomer meets it, and `orion serve`'s start-up errors: the demo starts on a
# free port, the URLs it prints answer in all three routing modes with the right store, the
# logins it prints work, a taken port or a bad setting is one line on stderr, and SIGTERM ends it
# cleanly (exit 0, temporary folder removed). Usage: demo_test.sh <path to orion>
set -uo pipefail
orion=$1
passed=0
failed=0
work=$(mktemp -d /tmp/orion-demo-test-XXXXXX)
demo_pid=

cleanup() {
  if [[ -n $demo_pid ]] && kill -0 "$demo_pid" 2>/dev/null; then
    kill -TERM "$demo_pid" 2>/dev/null
    wait "$demo_pid" 2>/dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT

ok() { passed=$((passed + 1)); }
bad() {
  failed=$((failed + 1))
  printf 'FAIL %s\n' "$*"
}

one_line() {  # one_line NAME REGEX COMMAND...: non-zero exit, one line on stderr matching REGEX
  local name=$1 want=$2
  shift 2
  local err rc lines
  err=$("$@" 2>&1 >/dev/null)
  rc=$?
  lines=$(printf '%s\n' "$err" | wc -l)
  if [[ $rc -ne 0 && $lines -eq 1 && $err =~ $want ]]; then
    ok
  else
    bad "$name: want a non-zero exit and one line matching '$want', got exit $rc:"$'\n'"$err"
  fi
}

free_port() {  # a port nothing listens on
  local port
  for _ in $(seq 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  echo "no free port found" >&2
  exit 1
}

# --- orion serve: a bad setting stops the start with one line naming it.
db="sqlite:$work/serve.db"
"$orion" migrate --db "$db" >/dev/null || bad "migrate for the serve checks"
one_line serve_bad_listen '^orion serve: --listen: .*HOST:PORT' \
  "$orion" serve --db "$db" --listen 8080
one_line serve_bad_number '^orion serve: ORION_IO_THREADS: .four. is not a whole number' \
  env ORION_IO_THREADS=four "$orion" serve --db "$db"
one_line serve_bad_level '^orion serve: --log-level: .loud.' \
  "$orion" serve --db "$db" --log-level loud
printf 'db = "%s"\nlisten_port = 1\n' "$db" >"$work/bad.toml"
one_line serve_unknown_key "^orion serve: config $work/bad.toml: unknown setting 'listen_port'" \
  "$orion" serve --config "$work/bad.toml"
one_line serve_no_db '^orion serve: db: no database given' env -u ORION_DB "$orion" serve
one_line demo_foreign_setting '^orion demo: --db: not a demo setting' \
  "$orion" demo --db "$db"

# --- orion demo on a free port.
port=$(free_port)
mkdir -p "$work/tmp"
TMPDIR="$work/tmp" "$orion" demo --listen "127.0.0.1:$port" >"$work/out" 2>"$work/err" &
demo_pid=$!
for _ in $(seq 300); do
  grep -q 'Stop with Ctrl-C' "$work/out" 2>/dev/null && break
  kill -0 "$demo_pid" 2>/dev/null || break
  sleep 0.1
done
if ! grep -q 'Stop with Ctrl-C' "$work/out"; then
  bad "the demo did not start; stdout:"$'\n'"$(cat "$work/out")"$'\n'"stderr:"$'\n'"$(cat "$work/err")"
  echo "$passed passed, $failed failed"
  exit 1
fi
banner=$(cat "$work/out")
folder=$(sed -n 's/^Data: \([^ ]*\) .*/\1/p' "$work/out")
[[ -f $folder/orion.db && $folder == "$work/tmp/"* ]] && ok || bad "the banner's data folder '$folder'"

# The three routing modes as printed, each with the right store.
path_url=$(sed -n 's/^  path: *\(http[^ ]*\)$/\1/p' <<<"$banner")
sub_url=$(sed -n 's/^  subdomain: *\(http[^ ]*\)$/\1/p' <<<"$banner")
custom_cmd=$(sed -n 's/^  custom domain: *\(curl .*\)$/\1/p' <<<"$banner")
[[ $path_url == "http://localhost:$port/stores/orion/shop/" ]] && ok || bad "path URL '$path_url'"
[[ $sub_url == "http://techstore.localhost:$port/shop/" ]] && ok || bad "subdomain URL '$sub_url'"
[[ $custom_cmd == "curl -H 'Host: orion.lu' http://127.0.0.1:$port/shop/" ]] && ok ||
  bad "custom domain command '$custom_cmd'"

expect_page() {  # expect_page NAME WANT_TEXT CURL_ARGS...: 200 and the text in the page
  local name=$1 want=$2
  shift 2
  local code
  code=$(curl -s -o "$work/page" -w '%{http_code}' --max-time 10 "$@")
  if [[ $code == 200 ]] && grep -q "$want" "$work/page"; then
    ok
  else
    bad "$name: status $code, '$want' $(grep -q "$want" "$work/page" && echo found || echo missing)"
  fi
}
expect_page path_mode 'Orion Shop' "$path_url"
# Browsers resolve *.localhost to the loopback; --resolve makes sure curl does too.
expect_page subdomain_mode 'Tech Store' --resolve "techstore.localhost:$port:127.0.0.1" "$sub_url"
expect_page custom_domain_mode 'Orion Shop' -H 'Host: orion.lu' "http://127.0.0.1:$port/shop/"
expect_page second_custom_domain 'Tech Store' -H 'Host: mytechstore.net' \
  "http://127.0.0.1:$port/shop/"
expect_page fashionhub 'Fashion Hub' "http://localhost:$port/stores/fashionhub/shop/"
expect_page platform_page 'Orion' "http://localhost:$port/"
if grep -q 'Tech Store' <(curl -s -H 'Host: orion.lu' "http://127.0.0.1:$port/shop/"); then
  bad "orion.lu shows another store's name"
else
  ok
fi

# Every printed login signs in: GET the form (CSRF cookie and field), POST it → 303.
logins=0
while read -r url; do
  read -r email _ password
  logins=$((logins + 1))
  jar="$work/jar$logins"
  csrf=$(curl -s -c "$jar" --max-time 10 "$url" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p')
  code=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' -b "$jar" -c "$jar" --max-time 10 \
    --data-urlencode "email=$email" --data-urlencode "password=$password" \
    --data-urlencode "csrf=$csrf" "$url")
  home=${url%login}
  if [[ $code == "303 $home" ]]; then
    ok
  else
    bad "login $email at $url: got '$code'"
  fi
  # The session opens that console's home page.
  expect_page "home of $email" 'Sign out' -b "$jar" "$home"
  wrong=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" --max-time 10 \
    --data-urlencode "email=$email" --data-urlencode "password=wrong" \
    --data-urlencode "csrf=$csrf" "$url")
  [[ $wrong == 401 ]] && ok || bad "wrong password for $email: $wrong"
done < <(sed -n 's/^  [A-Z][A-Za-z ]*\(admin\|owner\) *\(http[^ ]*login\)$/\2/p; s/^ \{23\}\([^ ]*@[^ ]*\)  password \([0-9a-f]*\)$/\1 password \2/p' <<<"$banner")
[[ $logins -eq 4 ]] && ok || bad "want 4 printed logins (admin + 3 owners), found $logins"

# A second demo on the same port: one line, nothing left behind.
before=$(ls "$work/tmp" | wc -l)
one_line port_taken "^orion demo: cannot listen on 127.0.0.1:$port: " \
  env TMPDIR="$work/tmp" "$orion" demo --listen "127.0.0.1:$port"
after=$(ls "$work/tmp" | wc -l)
[[ $before -eq $after ]] && ok || bad "a failed demo left its folder behind"

# SIGTERM: exit 0 within a few seconds, temporary folder removed.
kill -TERM "$demo_pid"
for _ in $(seq 50); do
  kill -0 "$demo_pid" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$demo_pid" 2>/dev/null; then
  bad "the demo still runs 5 s after SIGTERM"
  kill -KILL "$demo_pid"
fi
wait "$demo_pid"
rc=$?
demo_pid=
[[ $rc -eq 0 ]] && ok || bad "the demo exited $rc after SIGTERM; stderr: $(cat "$work/err")"
[[ ! -e $folder ]] && ok || bad "the demo left $folder behind"

echo "$passed passed, $failed failed"
((failed == 0))
