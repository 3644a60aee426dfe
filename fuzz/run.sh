#!/usr/bin/env bash
# Builds the libFuzzer targets (preset "fuzz": clang, ASan, UBSan) and fuzzes each for SECONDS
# (default 60), one after the other.
#
#   fuzz/run.sh [SECONDS]
#
# Each fuzzer works on its own copy of the seed corpus in build/fuzz/corpus-work/<target>, which
# keeps what earlier runs found; the seed corpus in fuzz/corpus/ is never written. A crash leaves
# its input in build/fuzz/artifacts/<target>/ and the whole log in build/fuzz/logs/<target>.log;
# to keep it as a regression, copy the input into fuzz/corpus/<target>/ under a descriptive name
# (the normal test run replays that directory). Exits non-zero if any fuzzer failed.
set -euo pipefail

seconds="${1:-60}"
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 [SECONDS]  (a positive number of seconds per fuzzer, default 60)" >&2
  exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

cmake --preset fuzz
cmake --build --preset fuzz

build="$root/build/fuzz"
# target:max_len. Hosts and domains are short by nature (253 characters normalised; a little
# more leaves room for ports, escapes and over-long cases); a request line carries a host and a
# path.
targets=(host_fuzz:512 domain_fuzz:512 path_fuzz:1024)

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

failed=0
summaries=()
for entry in "${targets[@]}"; do
  target="${entry%%:*}"
  max_len="${entry##*:}"
  binary="$build/fuzz/$target"
  work="$build/corpus-work/$target"
  artifacts="$build/artifacts/$target"
  log="$build/logs/$target.log"
  mkdir -p "$work" "$artifacts" "$(dirname "$log")"
  cp -R "$root/fuzz/corpus/$target/." "$work/"
  dict=()
  if [[ -f "$root/fuzz/dict/$target.dict" ]]; then
    dict=("-dict=$root/fuzz/dict/$target.dict")
  fi

  echo "== $target: fuzzing for ${seconds}s (max_len $max_len), log in ${log#"$root"/}"
  marker="$build/logs/$target.start"
  touch "$marker"
  start=$(date +%s)
  rc=0
  "$binary" "$work" "${dict[@]}" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1 || rc=$?
  elapsed=$(($(date +%s) - start))

  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -n 1 || true)
  corpus=$(find "$work" -type f | wc -l)
  if [[ $rc -eq 0 ]]; then
    summary="$target: OK, ${execs:-?} execs in ${elapsed}s (${rate:-?}/s), ${cov:-cov: ?}, corpus $corpus files"
  else
    failed=1
    found=$(find "$artifacts" -type f -newer "$marker" 2>/dev/null | head -n 3 | tr '\n' ' ' || true)
    reason=$(grep -m 1 -E 'invariant broken|ERROR: (AddressSanitizer|libFuzzer|LeakSanitizer)|runtime error|deadly signal' "$log" || true)
    summary="$target: FAILED (exit $rc) after ${elapsed}s, ${execs:-?} execs: ${reason:-see log}; inputs: ${found:-see $log}"
  fi
  echo "$summary"
  summaries+=("$summary")
done

echo
echo "== fuzz summary (${seconds}s per target)"
printf '%s\n' "${summaries[@]}"
exit "$failed"
