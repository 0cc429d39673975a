#!/usr/bin/env bash
# tests/run.sh BUILD [FILTER] [unit|e2e]
# Runs the cmocka unit tests and the libvterm e2e tests built under BUILD,
# JOBS of them at a time (default 3: most e2e time is spent waiting on a
# pty, not computing). FILTER (a substring of a test binary's name) runs only
# matching binaries. Writes BUILD/test-results.txt ("passed failed") and
# prints "BUILD: N passed, N failed" as its last line; exit 0 only when none
# failed. Each binary's output is in BUILD/test-logs/<name>.log.
# A sanitiser build (khidma linked with ASan) gets HT_TIMEOUT_SCALE=3
# unless it is set. When a selected binary uses PostgreSQL, a throwaway
# server is started first and KHIDMA_TEST_PG holds its URI (see below).
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
resdir=$(mktemp -d)
pgdir=""
cleanup() {
  if [ -n "$pgdir" ]; then
    cp "$pgdir/server.log" "$logdir/pg-server.log" 2>/dev/null
    tests/pg/pg_server.sh stop "$pgdir" || echo "run.sh: the test PostgreSQL server in $pgdir would not stop" >&2
  fi
  rm -rf "$resdir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

bins=()
[ "$which" = e2e ] || bins+=( "$build"/tests/unit/test_* )
[ "$which" = unit ] || bins+=( "$build"/tests/e2e/test_* )
sel=()
for b in "${bins[@]}"; do
  [ -x "$b" ] || continue
  [ -n "$filter" ] && [[ "$(basename "$b")" != *"$filter"* ]] && continue
  sel+=( "$b" )
done

# PostgreSQL: one throwaway server for the whole run (tests/pg/pg_server.sh),
# its superuser URI exported as KHIDMA_TEST_PG, stopped on every exit path by
# the trap above. Started only when a selected binary reads KHIDMA_TEST_PG
# (its name is in the binary), and not when the caller already gave one. The
# directory is /tmp/khidma-pg-<hash of the build directory>-<this run's pid>:
# a server left by a killed run of this build (its pid gone) is found and
# stopped by the next, and two runs at once never share or stop each other's.
# A server that will not start fails the run: the PostgreSQL tests never skip.
if [ -z "${KHIDMA_TEST_PG:-}" ] && [ "${#sel[@]}" -gt 0 ] &&
   grep -qlF KHIDMA_TEST_PG "${sel[@]}" 2>/dev/null; then
  pgbase="/tmp/khidma-pg-$(printf '%s' "$PWD/$build" | cksum | cut -d' ' -f1)"
  for old in "$pgbase"-*; do
    [ -d "$old" ] || continue
    kill -0 "${old##*-}" 2>/dev/null && continue
    tests/pg/pg_server.sh stop "$old" >/dev/null 2>&1
  done
  pgdir="$pgbase-$$"
  pgstart=$(date +%s.%N)
  if ! KHIDMA_TEST_PG=$(tests/pg/pg_server.sh start "$pgdir"); then
    echo "FAIL the test PostgreSQL server did not start (tests/pg/pg_server.sh start $pgdir)"
    cp "$pgdir/server.log" "$logdir/pg-server.log" 2>/dev/null
    echo "$build: 0 passed, 1 failed"
    echo "0 1" > "$build/test-results.txt"
    exit 1
  fi
  export KHIDMA_TEST_PG
  printf 'ok   %-32s started in %.1fs (%s)\n' "postgresql" \
    "$(awk -v a="$pgstart" -v b="$(date +%s.%N)" 'BEGIN{print b-a}')" "$KHIDMA_TEST_PG"
fi

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
for b in "${sel[@]}"; do
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
