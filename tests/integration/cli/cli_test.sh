#!/usr/bin/env bash
# The orion command line as a user meets it: help, version, one-line errors, and `orion resolve`
# on the seed's three example requests. Usage: cli_test.sh <path to orion>
set -uo pipefail
orion=$1
passed=0
failed=0

check() {  # check NAME EXPECTED_EXIT EXPECTED_REGEX -- COMMAND...
  local name=$1 want_rc=$2 want=$3
  shift 4
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  if [[ $rc -eq $want_rc && $out =~ $want ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    printf 'FAIL %s: exit %s (want %s), output:\n%s\n' "$name" "$rc" "$want_rc" "$out"
  fi
}

one_line() {  # the error is one line on stderr, nothing on stdout
  local name=$1
  shift
  local err lines
  err=$("$@" 2>&1 >/dev/null)
  lines=$(printf '%s\n' "$err" | wc -l)
  if [[ $lines -eq 1 && -n $err ]] && ! "$@" >/dev/null 2>&1; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    printf 'FAIL %s: want one line on stderr and a non-zero exit, got:\n%s\n' "$name" "$err"
  fi
}

check help 0 'resolve' -- "$orion" --help
check version 0 '^orion [0-9]+\.[0-9]+\.[0-9]+ \(commit ([0-9a-f]{12}(-dirty)?|unknown)\)$' -- "$orion" --version
# Built from a checkout: the commit is the checkout's HEAD.
if head=$(git -C "$(dirname "$0")" rev-parse --short=12 HEAD 2>/dev/null); then
  check version_commit 0 "\\(commit $head" -- "$orion" --version
fi
check resolve_help 0 '--platform-domain' -- "$orion" resolve --help
one_line no_command "$orion"
one_line unknown_command "$orion" no-such-command
one_line missing_platform env -u ORION_PLATFORM_DOMAIN "$orion" resolve --host a.com /
one_line bad_platform "$orion" resolve --platform-domain 127.0.0.1 --host a.com /
one_line bad_host "$orion" resolve --platform-domain platform.com --host 'a b.com' /

# The seed's Example 1 (custom domain), 2 (subdomain) and 3 (path-based).
check example1 0 'role +store.*lookup +verified domain customdomain\.com' -- \
  "$orion" resolve --platform-domain myplatform.com --host customdomain.com /shop/products
check example2 0 'lookup +store code orion.*mode +subdomain.*context +SHOP.*clean path +/shop/products' -- \
  "$orion" resolve --platform-domain myplatform.com --host orion.myplatform.com /shop/products
check example3 0 'lookup +store code orion.*mode +path_based.*context +SHOP.*clean path +/shop/products.*base path +/stores/orion' -- \
  "$orion" resolve --platform-domain myplatform.com --host myplatform.com /stores/ORION/shop/products
check fail_closed 0 'answer +wrong_store' -- \
  "$orion" resolve --platform-domain myplatform.com --host orion.myplatform.com /store/techstore/
check platform_env 0 'role +admin' -- \
  env ORION_PLATFORM_DOMAIN=myplatform.com "$orion" resolve --host admin.myplatform.com /

echo "$passed passed, $failed failed"
((failed == 0))
