#!/usr/bin/env bash
# tests/faults/run.sh BUILD — the long fault runs of `make faults` (issue 6):
#
#   kill      kill -9 at random points across 1000 submits (test_faults_kill)
#   store     the store faults with the database locked for 10 s
#   backup    `khidma backup` signalled at 400 random points, a quarter of
#             them SIGKILL (test_cli_backup): the target is always absent or
#             a complete checked copy, nothing else is left (make check: 24)
#   import    a 300 000-member `members import` while the kiosk submits
#             (the kiosk confirms within 1 s), and one killed -9 while it
#             writes (all or nothing) — test_faults_wait with
#             KHIDMA_IMPORT_ROWS=300000 (make check runs it at 100 000)
#   e2e       the fault e2e tests on the real binary, each binary
#             $FAULT_E2E_RUNS (5) times in a row (a race shows up as one
#             failed run): a hanging receipt printer (test_faults_receipt),
#             the out-of-service screen (test_faults_oos), TERM unset or
#             unknown and no terminal (test_faults_term), Ctrl-C/Ctrl-\ and
#             fatal signals in the console and the kiosk
#             (test_officer_signals, test_kiosk_signals), the saving
#             indicator (test_faults_wait), hostile text and keys
#             (test_faults_hostile, test_faults_ui)
#   fuzz      every libFuzzer target in BUILD/fuzz for $FUZZ_SECONDS (60) from
#             its seed corpus tests/fuzz/corpus/<name>; a crash fails the run
#             and leaves the input in BUILD/fuzz-artifacts/<name>/ — copy it
#             to tests/fuzz/regress/<name>/ (replayed by make check) and fix
#   valgrind  memcheck (--leak-check=full, definite and indirect leaks are
#             errors; tests/valgrind.supp: library-kept memory only) on
#              - every unit test binary, whole, VG_JOBS (2) at a time, with
#                KHIDMA_BIG_ROWS=5000 (the 100k-row plan test) and
#                KHIDMA_FAULT_SUBMITS=20; the khidma processes a unit test
#                starts run under valgrind too (KHIDMA_BIN is a wrapper);
#              - the e2e binaries in VG_E2E (default below: they walk every
#                screen — kiosk intake, track, survey, info, officer login,
#                queue, request, reports, F2/F3, resize, SIGHUP, fault
#                messages): the harness runs natively, every khidma process
#                it starts runs under valgrind through the generated wrapper
#                $KHIDMA_BIN (the harness passes the child no environment of
#                ours), HT_TIMEOUT_SCALE=10;
#              - the e2e binaries in VG_E2E_WHOLE (the fuzz-corpus replays,
#                our code in-process): whole, like a unit test.
#             One valgrind log per process in BUILD/fault-logs/valgrind/
#             <test>/{test,khidma}.<pid>.log; any error in any of them fails
#             the test.
#
# FAULT_STEPS picks steps (default: "kill store backup import e2e fuzz valgrind"); T filters
# the test binaries of the valgrind step by name. The last line is
# "N passed, N failed"; the exit status is 0 only when nothing failed.
set -u
build=${1:-build}
cd "$(dirname "$0")/../.."
root=$PWD
steps=${FAULT_STEPS:-kill store backup import e2e fuzz valgrind}
secs=${FUZZ_SECONDS:-60}
filter=${T:-}
export KHIDMA_SRCDIR=$root LC_ALL=C.UTF-8
export KHIDMA_BIN=$root/$build/khidma
export KHIDMA_BUILD_DIR=$root/$build   # the catalogue, khidma.pot (test_locale_complete)
logs=$root/$build/fault-logs
mkdir -p "$logs"
passed=0; failed=0; failures=()

ok()   { passed=$((passed + 1)); printf 'ok   %s\n' "$1"; }
bad()  { failed=$((failed + 1)); failures+=("$1"); printf 'FAIL %s (%s)\n' "$1" "$2"; }

run_test() {   # name, log, command...
	local name=$1 log=$2; shift 2
	if "$@" >"$log" 2>&1; then ok "$name"; else bad "$name" "log $log"; tail -n 20 "$log" | sed 's/^/    /'; fi
}

vg_e2e=${VG_E2E:-test_kiosk_start test_kiosk_intake test_kiosk_track test_kiosk_idle test_arabic_field test_officer_security test_officer_flow test_officer_queue test_faults_ui test_faults_hostile}
vg_e2e_whole=${VG_E2E_WHOLE:-test_faults_regress_csv test_faults_regress_keys}
vg_jobs=${VG_JOBS:-2}
vg_opts=(--error-exitcode=1 --leak-check=full --show-leak-kinds=definite,indirect
	--errors-for-leak-kinds=definite,indirect --num-callers=30
	--suppressions="$root/tests/valgrind.supp")
vg_pat='ERROR SUMMARY: [1-9]|Invalid (read|write|free)|uninitialised|are (definitely|indirectly) lost|Mismatched free|overlap|Syscall param|Jump to the invalid'

# vg_one MODE BINARY — MODE whole: the binary under valgrind; MODE wrap: the
# binary natively, the khidma it starts under valgrind. Writes
# "ok|FAIL<TAB>name<TAB>detail" to $vglogs/<name>/result.
vg_one() {
	local mode=$1 b=$2 name dir wrap t0 rc errs n done_
	name=$(basename "$b"); dir=$vglogs/$name
	rm -rf "$dir"; mkdir -p "$dir"; wrap=$dir/khidma-under-valgrind
	{
		echo '#!/bin/sh'
		printf 'exec valgrind'; printf " '%s'" "${vg_opts[@]}"
		printf " '--log-file=%s/khidma.%%p.log' '%s/%s/khidma' \"\$@\"\n" "$dir" "$root" "$build"
	} >"$wrap"
	chmod +x "$wrap"
	t0=$(date +%s)
	if [ "$mode" = whole ]; then
		KHIDMA_FAULT_SUBMITS=20 KHIDMA_BIG_ROWS=${KHIDMA_BIG_ROWS:-5000} \
		KHIDMA_BIN=$wrap HT_LOG_DIR=$dir HT_TIMEOUT_SCALE=${HT_TIMEOUT_SCALE:-10} \
			timeout --kill-after=10 1800 valgrind "${vg_opts[@]}" --child-silent-after-fork=yes \
			--log-file="$dir/test.%p.log" "$b" >"$dir/out.log" 2>&1
	else
		KHIDMA_BIN=$wrap HT_LOG_DIR=$dir HT_TIMEOUT_SCALE=${HT_TIMEOUT_SCALE:-10} \
			timeout --kill-after=10 1800 "$b" >"$dir/out.log" 2>&1
	fi
	rc=$?
	errs=$(grep -l -E "$vg_pat" "$dir"/test.*.log "$dir"/khidma.*.log 2>/dev/null | head -n 3 | tr '\n' ' ')
	n=$(ls "$dir"/khidma.*.log 2>/dev/null | wc -l)
	done_=$(grep -l 'ERROR SUMMARY' "$dir"/khidma.*.log 2>/dev/null | wc -l)
	local info="$(( $(date +%s) - t0 )) s, khidma under valgrind: $n processes, $done_ reached exit"
	if [ $rc -eq 0 ] && [ -z "$errs" ]; then
		printf 'ok\t%s\t%s\n' "valgrind $name" "$info" >"$dir/result"
	else
		printf 'FAIL\t%s\t%s\n' "valgrind $name" "exit $rc, $info${errs:+; errors in $errs}" >"$dir/result"
	fi
}

vg_report() {   # name: print and count the result of vg_one
	local dir=$vglogs/$1 st name detail
	IFS=$'\t' read -r st name detail <"$dir/result"
	if [ "$st" = ok ]; then
		ok "$name ($detail)"
	else
		bad "$name" "$detail"
		for f in $(grep -l -E "$vg_pat" "$dir"/test.*.log "$dir"/khidma.*.log 2>/dev/null | head -n 2); do
			grep -A12 -E 'Invalid|uninitialised|are (definitely|indirectly) lost|Mismatched|overlap|Syscall param' "$f" | head -n 26 | sed 's/^/    /'
		done
		tail -n 8 "$dir/out.log" | sed 's/^/    /'
	fi
}

vg_step() {
	local b name mode running=0 names=()
	echo "== the test suite under valgrind memcheck (${vg_jobs} at a time)"
	vglogs=$logs/valgrind
	mkdir -p "$vglogs"
	for b in "$build"/tests/unit/test_* "$build"/tests/e2e/test_*; do
		[ -x "$b" ] || continue
		name=$(basename "$b")
		[ -n "$filter" ] && [[ "$name" != *"$filter"* ]] && continue
		case $b in
		*/unit/*) mode=whole ;;
		*) if [[ " $vg_e2e " == *" $name "* ]]; then mode=wrap
		   elif [[ " $vg_e2e_whole " == *" $name "* ]]; then mode=whole
		   else continue; fi ;;
		esac
		names+=("$name")
		vg_one "$mode" "$b" &
		running=$((running + 1))
		if [ "$running" -ge "$vg_jobs" ]; then wait -n; running=$((running - 1)); fi
	done
	wait
	for name in "${names[@]}"; do vg_report "$name"; done
}

for step in $steps; do
	case $step in
	kill)
		echo "== kill -9 across 1000 submits"
		run_test "kill -9 × 1000 submits" "$logs/kill.log" \
			env KHIDMA_FAULT_SUBMITS=1000 "$build/tests/unit/test_faults_kill"
		grep -E 'children killed|references printed' "$logs/kill.log" | sed 's/^/    /'
		;;
	store)
		echo "== store faults, database locked for 10 s"
		run_test "store faults (10 s lock)" "$logs/store.log" \
			env KHIDMA_FAULT_LONG=1 "$build/tests/unit/test_faults_store"
		grep -E 'locked|disk full|SKIPPED' "$logs/store.log" | sed 's/^/    /'
		;;
	backup)
		echo "== backup signalled at 400 random points"
		run_test "backup × 400 signals" "$logs/backup.log" \
			env KHIDMA_BACKUP_SIGNALS=400 "$build/tests/unit/test_cli_backup"
		grep -E 'runs signalled|SKIPPED' "$logs/backup.log" | sed 's/^/    /'
		;;
	import)
		echo "== members import of 300 000 beside a submitting kiosk"
		run_test "import vs kiosk (300 000 members)" "$logs/import.log" \
			env KHIDMA_IMPORT_ROWS=300000 HT_LOG_DIR="$logs" "$build/tests/e2e/test_faults_wait"
		grep -E 'confirmed in|shown' "$logs/import.log" | sed 's/^/    /'
		;;
	e2e)
		runs=${FAULT_E2E_RUNS:-5}
		echo "== fault e2e tests, $runs runs each"
		for name in test_faults_receipt test_faults_oos test_faults_term \
		            test_officer_signals test_kiosk_signals test_faults_wait \
		            test_faults_hostile test_faults_ui; do
			b=$build/tests/e2e/$name
			[ -x "$b" ] || { bad "$name" "not built"; continue; }
			run_test "$name × $runs" "$logs/e2e-$name.log" \
				sh -c 'for i in $(seq "$1"); do HT_LOG_DIR="$2" "$3" || exit 1; done' \
				sh "$runs" "$logs" "$b"
		done
		;;
	fuzz)
		echo "== fuzzing, ${secs} s per target"
		found=0
		for f in "$build"/fuzz/fuzz_*; do
			[ -x "$f" ] || continue
			name=$(basename "$f"); t=${name#fuzz_}
			work=$build/fuzz-corpus/$t; art=$build/fuzz-artifacts/$t
			mkdir -p "$work" "$art"
			found=1
			seeds=tests/fuzz/corpus/$t
			[ -d "$seeds" ] || { bad "$name" "no seed corpus $seeds"; continue; }
			if "$f" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 \
				-print_final_stats=1 -artifact_prefix="$art/" "$work" "$seeds" \
				>"$logs/$name.log" 2>&1; then
				ok "$name ($(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$logs/$name.log" | grep -Eo '[0-9]+$') runs in ${secs} s, 0 crashes)"
			else
				bad "$name" "a finding: $(ls "$art" | head -n 3 | tr '\n' ' ')— log $logs/$name.log"
				grep -E 'ERROR|SUMMARY|runtime error' "$logs/$name.log" | head -n 5 | sed 's/^/    /'
			fi
		done
		[ $found = 1 ] || bad "fuzz" "no fuzz targets built in $build/fuzz (make fuzz-bins)"
		;;
	valgrind)
		vg_step
		;;
	*)
		bad "$step" "unknown step"
		;;
	esac
done

if [ ${#failures[@]} -gt 0 ]; then
	echo "failed:"; printf '  %s\n' "${failures[@]}"
fi
echo "faults: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
