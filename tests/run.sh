#!/usr/bin/env bash
# tests/run.sh BUILD [FILTER] [unit|e2e]
# Runs the cmocka unit tests and the libvterm e2e tests built under BUILD,
# JOBS of them at a time (default 3: most e2e time is spent waiting on a
# pty, not computing). FILTER (a substring of a test binary's name) runs only
# matching binaries. Writes BUILD/test-results.txt ("passed failed") and
# prints "BUILD: N passed, N failed" as its last line; exit 0 only when none
# failed. Each binary's output is in BUILD/test-logs/<name>.log.
# A sanitiser build (khidma linked with ASan) gets HT_TIMEOUT_SCALE=3
# unless it is set.
set -u
build=${1:-build}; filter=${2:-}; which=${3:-all}
jobs=${JOBS:-3}
export KHIDMA_BIN="$PWD/$build/khidma"
export KHIDMA_SRCDIR="$PWD"
export LC_ALL=C.UTF-8
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# A sanitiser build runs two to three times slower than the plain one, and
# CI runs it on a loaded 2-core machine: stretch every harness deadline
# (HT_TIMEOUT_SCALE, see tests/e2e/harness.h) unless the caller chose a
# scale. A deadline costs nothing when its condition holds in time.
if [ -z "${HT_TIMEOUT_SCALE:-}" ] && grep -q __asan_init "$KHIDMA_BIN" 2>/dev/null; then
  export HT_TIMEOUT_SCALE=3
fi
logdir="$build/test-logs"; mkdir -p "$logdir"
resdir=$(mktemp -d); trap 'rm -rf "$resdir"' EXIT

bins=()
[ "$which" = e2e ] || bins+=( "$build"/tests/unit/test_* )
[ "$which" = unit ] || bins+=( "$build"/tests/e2e/test_* )

run_one() {   # run_one BINARY: runs it, writes "name passed failed seconds" to resdir
  local b=$1 name log start rc p f
  name=$(basename "$b"); log="$logdir/$name.log"
  start=$(date +%s.%N)
  timeout --kill-after=10 600 "$b" >"$log" 2>&1; rc=$?
  p=$(grep -Eo '\[  PASSED  \] [0-9]+' "$log" | awk '{s+=$4} END{print s+0}')
  f=$(grep -Eo '\[  FAILED  \] [0-9]+ test' "$log" | awk '{s+=$4} END{print s+0}')
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "exit status $rc" >>"$log"; fi
  printf '%s %s %s %.1f\n' "$name" "$p" "$f" "$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{print b-a}')" >"$resdir/$name"
  if [ "$f" -ne 0 ]; then
    printf 'FAIL %-32s %3s passed, %s failed (%s)\n' "$name" "$p" "$f" "$log"
    tail -n 30 "$log" | sed 's/^/    /'
  else
    printf 'ok   %-32s %3s passed  %6.1fs\n' "$name" "$p" "$(cut -d' ' -f4 "$resdir/$name")"
  fi
}

running=0
for b in "${bins[@]}"; do
  [ -x "$b" ] || continue
  name=$(basename "$b")
  [ -n "$filter" ] && [[ "$name" != *"$filter"* ]] && continue
  run_one "$b" &
  running=$((running+1))
  if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running-1)); fi
done
wait
passed=0; failed=0
for r in "$resdir"/*; do
  [ -f "$r" ] || continue
  read -r _ p f _ < "$r"; passed=$((passed+p)); failed=$((failed+f))
done
echo "$passed $failed" > "$build/test-results.txt"
echo "$build: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
