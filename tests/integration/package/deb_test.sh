#!/usr/bin/env bash
# The Debian package (issue 16, point 7): built with CPack from this build tree, unpacked into a
# throw-away root (dpkg-deb -x: nothing is installed on the machine), its control data, files,
# permissions and conffiles checked, the unit checked by `systemd-analyze verify`, and the
# shipped settings started for real: `orion migrate` + `orion serve --config` from the package,
# on loopback, until /readyz answers 200.
# Usage: deb_test.sh <build dir> <source dir>
set -uo pipefail
build=$1
source=$2
passed=0
failed=0
work=$(mktemp -d)
server=
cleanup() {
  [[ -n $server ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

ok() {  # ok NAME COMMAND...: passes when the command succeeds
  local name=$1
  shift
  if "$@" >/dev/null 2>&1; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $name: $*"
  fi
}

free_port() {
  local port
  for _ in {1..50}; do
    port=$((20000 + RANDOM % 40000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
  done
  echo "$port"
}

if ! cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1; then
  cat "$work/cpack.log"
  echo "FAIL cpack could not build the package"
  exit 1
fi
deb=$(ls "$work"/out/orion_*.deb 2>/dev/null | head -1)
ok package.built test -s "$deb"
info=$(dpkg-deb -f "$deb" Package Version Architecture Depends)
ok control.name grep -qx 'Package: orion' <<<"$info"
ok control.version grep -qE '^Version: [0-9]+\.[0-9]+\.[0-9]+$' <<<"$info"
# dpkg-shlibdeps found the libraries' packages.
for lib in libpq5 libsqlite3-0 libsodium23; do
  ok "control.depends.$lib" grep -qE "^Depends: .*\\b$lib\\b" <<<"$info"
done

root="$work/root"
mkdir -p "$root" "$work/control"
dpkg-deb -x "$deb" "$root"
dpkg-deb -e "$deb" "$work/control"
ok files.binary test -x "$root/usr/bin/orion"
ok files.unit test -f "$root/usr/lib/systemd/system/orion.service"
ok files.config test -f "$root/etc/orion/orion.toml"
ok files.env test -f "$root/etc/orion/orion.env"
ok files.readme test -f "$root/usr/share/doc/orion/README.md"
ok files.docs test -f "$root/usr/share/doc/orion/docs/CONFIG.md"
ok files.nginx_example test -f "$root/usr/share/doc/orion/examples/nginx/orion.conf"
# The database URL may hold a password: root only. The settings are world-readable.
ok perms.env test "$(stat -c %a "$root/etc/orion/orion.env")" = 600
ok perms.config test "$(stat -c %a "$root/etc/orion/orion.toml")" = 644
ok conffiles.config grep -qx /etc/orion/orion.toml "$work/control/conffiles"
ok conffiles.env grep -qx /etc/orion/orion.env "$work/control/conffiles"
# The data directory is the unit's StateDirectory, with the service's own user.
unit="$root/usr/lib/systemd/system/orion.service"
ok unit.state_directory grep -qx StateDirectory=orion "$unit"
ok unit.dynamic_user grep -qx DynamicUser=yes "$unit"
ok unit.no_capabilities grep -qx CapabilityBoundingSet= "$unit"
ok unit.protect_system grep -qx ProtectSystem=strict "$unit"
ok unit.no_new_privileges grep -qx NoNewPrivileges=yes "$unit"
ok unit.syscall_filter grep -qx SystemCallFilter=@system-service "$unit"
ok config.state_dir grep -q '^ORION_DB=sqlite:/var/lib/orion/' "$root/etc/orion/orion.env"
# The packaged binary names its commit.
version=$("$root/usr/bin/orion" --version 2>&1)
ok binary.version grep -qE '^orion [0-9]+\.[0-9]+\.[0-9]+ \(commit ([0-9a-f]{12}(-dirty)?|unknown)\)$' <<<"$version"
if git -C "$source" rev-parse --short=12 HEAD >/dev/null 2>&1; then
  ok binary.commit grep -q "commit $(git -C "$source" rev-parse --short=12 HEAD)" <<<"$version"
fi

# systemd-analyze verify, with the unit's paths pointed into the throw-away root.
sed -e "s|/usr/bin/orion|$root/usr/bin/orion|g" -e "s|/etc/orion/|$root/etc/orion/|g" \
  "$unit" >"$work/orion.service"
if ! systemd-analyze verify "$work/orion.service" >"$work/verify.log" 2>&1; then
  failed=$((failed + 1))
  echo "FAIL unit.verify:"
  cat "$work/verify.log"
else
  passed=$((passed + 1))
fi

# The shipped settings start a server: the package's migrate, then serve --config, with only
# what points outside the throw-away root changed (the database, the files, a free port).
db="sqlite:$work/orion.db"
ok run.migrate env ORION_DB="$db" "$root/usr/bin/orion" migrate
port=$(free_port)
ORION_DB="$db" "$root/usr/bin/orion" serve --config "$root/etc/orion/orion.toml" \
  --files-dir "$work/files" --listen "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
server=$!
ready=0
for _ in {1..100}; do
  if [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz") == 200 ]]; then
    ready=1
    break
  fi
  sleep 0.1
done
if ((ready)); then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  echo "FAIL run.ready: the shipped config did not serve /readyz; log:"
  cat "$work/serve.log"
fi
ok run.json_log grep -q '"level":"info"' "$work/serve.log"

echo "deb_test: $passed passed, $failed failed"
((failed == 0))
