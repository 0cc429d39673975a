#!/usr/bin/env bash
# tests/run.sh BUILD [FILTER] [unit|e2e]
# Runs the cmocka unit tests and the libvterm e2e tests built under BUILD.
# FILTER (a substring of a test binary's name) runs only matching binaries;
# CMOCKA_TEST_ABORT / cmocka's own filter: export CMOCKA_FILTER / T=... .
# Writes BUILD/test-results.txt ("passed failed") and prints
# "N passed, N failed" as its last line. Exit status 0 only when none failed.
set -u
build=${1:-build}; filter=${2:-}; which=${3:-all}
export KHIDMA_BIN="$PWD/$build/khidma"
export KHIDMA_SRCDIR="$PWD"
export LC_ALL=C.UTF-8
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
logdir="$build/test-logs"; mkdir -p "$logdir"
passed=0; failed=0; failures=()
bins=()
[ "$which" = e2e ] || bins+=( "$build"/tests/unit/test_* )
[ "$which" = unit ] || bins+=( "$build"/tests/e2e/test_* )
for b in "${bins[@]}"; do
  [ -x "$b" ] || continue
  name=$(basename "$b")
  [ -n "$filter" ] && [[ "$name" != *"$filter"* ]] && continue
  log="$logdir/$name.log"
  timeout --kill-after=10 600 "$b" >"$log" 2>&1; rc=$?
  p=$(grep -Eo '\[  PASSED  \] [0-9]+' "$log" | awk '{s+=$4} END{print s+0}')
  f=$(grep -Eo '\[  FAILED  \] [0-9]+ test' "$log" | awk '{s+=$4} END{print s+0}')
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # crashed or timed out
  passed=$((passed+p)); failed=$((failed+f))
  if [ "$f" -ne 0 ]; then
    failures+=("$name"); printf 'FAIL %-40s (%s passed, %s failed; log %s)\n' "$name" "$p" "$f" "$log"
    tail -n 30 "$log" | sed 's/^/    /'
  else
    printf 'ok   %-40s (%s passed)\n' "$name" "$p"
  fi
done
echo "$passed $failed" > "$build/test-results.txt"
echo "$build: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
