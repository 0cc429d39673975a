#!/usr/bin/env bash
# tests/run.sh BUILD[,BUILD...] [FILTER] [unit|e2e]
# Runs the cmocka unit tests and the libvterm e2e tests built under BUILD
# (several builds, comma-separated, share one pool: `make check` runs the
# plain and the sanitiser build's tests together), JOBS of them at a time.
# FILTER (a substring of a test binary's name) runs only matching binaries.
# For each build writes BUILD/test-results.txt ("passed failed") and prints
# "BUILD: N passed, N failed"; the last line is the total when there are
# several builds. Exit 0 only when none failed. Each binary's output is in
# BUILD/test-logs/<name>.log.
#
# Scheduling. JOBS (default 4 on 2 cores, 2 × cores elsewhere) binaries run
# at once: most e2e time is spent waiting on a pty or a timer, not
# computing, and a test's waits are deadlines, not sleeps, so more at once
# only costs time when the cores are really busy. The longest binaries
# start first (longest-processing-time order), so the run does not end
# with one long binary alone: a binary's weight is its wall time in the
# build's last run (BUILD/test-times.txt, "name wall cpu", rewritten after
# every run), else in tests/test-times.ref (the reference figures, "plain|san
# name wall"), else 20 s. Each "ok" line shows the binary's wall time and
# its CPU time (user+sys of it and every process it waited for; the
# PostgreSQL server's work is not in it).
#
# A sanitiser build (khidma linked with ASan) gets HT_TIMEOUT_SCALE=3
# unless it is set. When a selected binary uses PostgreSQL, a throwaway
# server is started first and KHIDMA_TEST_PG holds its URI (see below).
set -u
builds=${1:-build}; filter=${2:-}; which=${3:-all}
IFS=, read -r -a blist <<<"$builds"
[ "${#blist[@]}" -gt 0 ] || blist=(build)
ncpu=$(nproc 2>/dev/null || echo 2)
jobs=${JOBS:-$(( ncpu <= 2 ? 4 : 2 * ncpu ))}
export KHIDMA_SRCDIR="$PWD"
export LC_ALL=C.UTF-8
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
user_scale=${HT_TIMEOUT_SCALE:-}
resdir=$(mktemp -d)
pgdir=""
cleanup() {
  if [ -n "$pgdir" ]; then
    for b in "${blist[@]}"; do
      cp "$pgdir/server.log" "$b/test-logs/pg-server.log" 2>/dev/null
    done
    tests/pg/pg_server.sh stop "$pgdir" || echo "run.sh: the test PostgreSQL server in $pgdir would not stop" >&2
  fi
  rm -rf "$resdir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# Per build: its kind (san when khidma is linked with ASan: two to three
# times slower, so every harness deadline is stretched — HT_TIMEOUT_SCALE,
# tests/e2e/harness.h — unless the caller chose a scale; a deadline costs
# nothing when its condition holds in time) and its selected binaries.
declare -A kind
sel=(); weighted=()
for bi in "${!blist[@]}"; do
  build=${blist[$bi]}
  mkdir -p "$build/test-logs"
  kind[$bi]=plain
  grep -q __asan_init "$build/khidma" 2>/dev/null && kind[$bi]=san
  bins=()
  [ "$which" = e2e ] || bins+=( "$build"/tests/unit/test_* )
  [ "$which" = unit ] || bins+=( "$build"/tests/e2e/test_* )
  declare -A last=()
  if [ -f "$build/test-times.txt" ]; then
    while read -r n w _; do last[$n]=$w; done < "$build/test-times.txt"
  fi
  declare -A ref=()
  if [ -f tests/test-times.ref ]; then
    while read -r k n w; do
      [ "$k" = "${kind[$bi]}" ] && ref[$n]=$w
    done < <(grep -v '^#' tests/test-times.ref)
  fi
  for b in "${bins[@]}"; do
    [ -x "$b" ] || continue
    case "$b" in *.d|*.o) continue ;; esac
    n=$(basename "$b")
    [ -n "$filter" ] && [[ "$n" != *"$filter"* ]] && continue
    sel+=( "$b" )
    weighted+=( "${last[$n]:-${ref[$n]:-20}} $bi $b" )
  done
  unset last ref
done

# PostgreSQL: one throwaway server for the whole run (tests/pg/pg_server.sh),
# its superuser URI exported as KHIDMA_TEST_PG, stopped on every exit path by
# the trap above. Started only when a selected binary reads KHIDMA_TEST_PG
# (its name is in the binary), and not when the caller already gave one. The
# directory is /tmp/khidma-pg-<hash of the first build directory>-<this run's
# pid>: a server left by a killed run of this build (its pid gone) is found
# and stopped by the next, and two runs at once never share or stop each
# other's. Every test makes its own database on it (tests/unit/store_fixture.h
# fx_pg_create), so the builds of one run share it safely. A server that
# will not start fails the run: the PostgreSQL tests never skip.
if [ -z "${KHIDMA_TEST_PG:-}" ] && [ "${#sel[@]}" -gt 0 ] &&
   grep -qlF KHIDMA_TEST_PG "${sel[@]}" 2>/dev/null; then
  pgbase="/tmp/khidma-pg-$(printf '%s' "$PWD/${blist[0]}" | cksum | cut -d' ' -f1)"
  for old in "$pgbase"-*; do
    [ -d "$old" ] || continue
    kill -0 "${old##*-}" 2>/dev/null && continue
    tests/pg/pg_server.sh stop "$old" >/dev/null 2>&1
  done
  pgdir="$pgbase-$$"
  pgstart=$(date +%s.%N)
  if ! KHIDMA_TEST_PG=$(tests/pg/pg_server.sh start "$pgdir"); then
    echo "FAIL the test PostgreSQL server did not start (tests/pg/pg_server.sh start $pgdir)"
    for b in "${blist[@]}"; do
      cp "$pgdir/server.log" "$b/test-logs/pg-server.log" 2>/dev/null
      echo "$b: 0 passed, 1 failed"
      echo "0 1" > "$b/test-results.txt"
    done
    exit 1
  fi
  export KHIDMA_TEST_PG
  printf 'ok   %-32s started in %.1fs (%s)\n' "postgresql" \
    "$(awk -v a="$pgstart" -v b="$(date +%s.%N)" 'BEGIN{print b-a}')" "$KHIDMA_TEST_PG"
fi

# run_one BUILD_INDEX BINARY: runs it (in a subshell: the exports are its
# own), writes "name passed failed wall cpu" to resdir/<index>/<name>.
run_one() {
  local bi=$1 b=$2 build=${blist[$1]} name log start rc p f cpu tag=""
  local TIMEFORMAT='%U %S'
  name=$(basename "$b"); log="$build/test-logs/$name.log"
  export KHIDMA_BIN="$PWD/$build/khidma"
  if [ -z "$user_scale" ] && [ "${kind[$bi]}" = san ]; then
    export HT_TIMEOUT_SCALE=3
  fi
  [ "${#blist[@]}" -gt 1 ] && tag="$build/"
  start=$(date +%s.%N)
  { time timeout --kill-after=10 600 "$b" >"$log" 2>&1 ; } 2>"$resdir/$bi/$name.cpu"
  rc=$?
  cpu=$(awk '{printf "%.1f", $1 + $2}' "$resdir/$bi/$name.cpu" 2>/dev/null)
  p=$(grep -Eo '\[  PASSED  \] [0-9]+' "$log" | awk '{s+=$4} END{print s+0}')
  f=$(grep -Eo '\[  FAILED  \] [0-9]+ test' "$log" | awk '{s+=$4} END{print s+0}')
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "exit status $rc" >>"$log"; fi
  printf '%s %s %s %.1f %s\n' "$name" "$p" "$f" \
    "$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{print b-a}')" "${cpu:-0}" >"$resdir/$bi/$name"
  if [ "$f" -ne 0 ]; then
    printf 'FAIL %-40s %3s passed, %s failed (%s)\n' "$tag$name" "$p" "$f" "$log"
    tail -n 30 "$log" | sed 's/^/    /'
  else
    read -r _ _ _ w c < "$resdir/$bi/$name"
    printf 'ok   %-40s %3s passed  %6.1fs  cpu %5.1fs\n' "$tag$name" "$p" "$w" "$c"
  fi
}

for bi in "${!blist[@]}"; do mkdir -p "$resdir/$bi"; done
runstart=$(date +%s.%N)
running=0
while read -r _ bi b; do
  [ -n "$b" ] || continue
  run_one "$bi" "$b" &
  running=$((running+1))
  if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running-1)); fi
done < <(printf '%s\n' "${weighted[@]}" | sort -s -k1,1 -rn)
wait

tp=0; tf=0
for bi in "${!blist[@]}"; do
  build=${blist[$bi]}
  passed=0; failed=0; cpu=0
  declare -A times=()
  if [ -f "$build/test-times.txt" ]; then
    while read -r n w c; do times[$n]="$w $c"; done < "$build/test-times.txt"
  fi
  for r in "$resdir/$bi"/*; do
    [ -f "$r" ] || continue
    case "$r" in *.cpu) continue ;; esac
    read -r n p f w c < "$r"; passed=$((passed+p)); failed=$((failed+f))
    times[$n]="$w $c"
    cpu=$(awk -v a="$cpu" -v b="$c" 'BEGIN{print a+b}')
  done
  for n in "${!times[@]}"; do echo "$n ${times[$n]}"; done | sort > "$build/test-times.txt"
  unset times
  echo "$passed $failed" > "$build/test-results.txt"
  echo "$build: $passed passed, $failed failed (test cpu ${cpu}s)"
  tp=$((tp+passed)); tf=$((tf+failed))
done
if [ "${#blist[@]}" -gt 1 ]; then
  printf 'all: %s passed, %s failed in %.0fs (JOBS=%s)\n' "$tp" "$tf" \
    "$(awk -v a="$runstart" -v b="$(date +%s.%N)" 'BEGIN{print b-a}')" "$jobs"
fi
[ "$tf" -eq 0 ]
