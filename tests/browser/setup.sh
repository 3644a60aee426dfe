#!/usr/bin/env bash
# The browser scenarios' fixture (ctest "browser.setup"): playwright-core, exactly as
# package-lock.json pins it, installed with `npm ci` into the build folder (never the source
# tree), and a check that Debian's Chromium is there. Skips the install when the build folder
# already has this lock file's packages. Usage: setup.sh <tests/browser> <build>/browser
set -euo pipefail
src=$1
mkdir -p "$2"
dest=$(cd "$2" && pwd)
chromium=${ORION_CHROMIUM:-/usr/bin/chromium}

command -v node >/dev/null || { echo "browser tests: node is missing (run scripts/install-deps)" >&2; exit 1; }
command -v npm >/dev/null || { echo "browser tests: npm is missing (run scripts/install-deps)" >&2; exit 1; }
[[ -x $chromium ]] || { echo "browser tests: no Chromium at $chromium (run scripts/install-deps)" >&2; exit 1; }

mkdir -p "$dest/screenshots"
if cmp -s "$src/package-lock.json" "$dest/package-lock.json" &&
   [[ -f $dest/node_modules/playwright-core/package.json ]]; then
  echo "browser tests: playwright-core already installed in $dest"
else
  cp "$src/package.json" "$src/package-lock.json" "$dest/"
  # --ignore-scripts: nothing runs at install (playwright-core has no install script; no
  # browser download either: the tests use Debian's Chromium).
  (cd "$dest" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
node -e "require('$dest/node_modules/playwright-core'); console.log('browser tests: playwright-core ' + require('$dest/node_modules/playwright-core/package.json').version + ', node ' + process.version)"
"$chromium" --version 2>/dev/null | head -1
