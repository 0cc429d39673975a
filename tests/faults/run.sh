#!/usr/bin/env bash
# tests/faults/run.sh BUILD — the long fault runs of `make faults` (issue 6):
#
#   kill      kill -9 at random points across 1000 submits (test_faults_kill)
#   store     the store faults with the database locked for 10 s
#   fuzz      every libFuzzer target in BUILD/fuzz for $FUZZ_SECONDS (60) from
#             its seed corpus tests/fuzz/corpus/<name>; a crash fails the run
#             and leaves the input in BUILD/fuzz-artifacts/<name>/ — copy it
#             to tests/fuzz/regress/<name>/ (replayed by make check) and fix
#   valgrind  every unit and e2e test binary under memcheck, and the khidma
#             processes the e2e tests start (through a generated wrapper:
#             the harness passes the child no environment of ours);
#             no error, no leak (tests/valgrind.supp: library-kept memory
#             only)
#
# FAULT_STEPS picks steps (default: "kill store fuzz valgrind"); T filters
# the test binaries of the valgrind step by name. The last line is
# "N passed, N failed"; the exit status is 0 only when nothing failed.
set -u
build=${1:-build}
cd "$(dirname "$0")/../.."
root=$PWD
steps=${FAULT_STEPS:-kill store fuzz valgrind}
secs=${FUZZ_SECONDS:-60}
filter=${T:-}
export KHIDMA_SRCDIR=$root LC_ALL=C.UTF-8
export KHIDMA_BIN=$root/$build/khidma
logs=$root/$build/fault-logs
mkdir -p "$logs"
passed=0; failed=0; failures=()

ok()   { passed=$((passed + 1)); printf 'ok   %s\n' "$1"; }
bad()  { failed=$((failed + 1)); failures+=("$1"); printf 'FAIL %s (%s)\n' "$1" "$2"; }

run_test() {   # name, log, command...
	local name=$1 log=$2; shift 2
	if "$@" >"$log" 2>&1; then ok "$name"; else bad "$name" "log $log"; tail -n 20 "$log" | sed 's/^/    /'; fi
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
		echo "== the test suite under valgrind memcheck"
		vglogs=$logs/valgrind
		rm -rf "$vglogs"; mkdir -p "$vglogs"
		for b in "$build"/tests/unit/test_* "$build"/tests/e2e/test_*; do
			[ -x "$b" ] || continue
			name=$(basename "$b")
			[ -n "$filter" ] && [[ "$name" != *"$filter"* ]] && continue
			mkdir -p "$vglogs/$name"
			wrap=$vglogs/$name/khidma-under-valgrind
			cat >"$wrap" <<-WRAP
			#!/bin/sh
			exec valgrind --quiet --error-exitcode=99 --leak-check=full \\
			  --show-leak-kinds=definite,indirect,possible \\
			  --errors-for-leak-kinds=definite,indirect,possible \\
			  --suppressions='$root/tests/valgrind.supp' \\
			  --log-file='$vglogs/$name/khidma.%p.log' '$root/$build/khidma' "\$@"
			WRAP
			chmod +x "$wrap"
			# the kill test's children are SIGKILLed by design and slow
			# under valgrind: 20 submits are enough for memory errors
			if KHIDMA_FAULT_SUBMITS=20 KHIDMA_BIN=$wrap HT_LOG_DIR=$vglogs/$name HT_TIMEOUT_SCALE=${HT_TIMEOUT_SCALE:-10} \
				timeout --kill-after=10 1800 valgrind --quiet --error-exitcode=99 \
				--leak-check=full --show-leak-kinds=definite,indirect,possible \
				--errors-for-leak-kinds=definite,indirect,possible \
				--suppressions=tests/valgrind.supp --child-silent-after-fork=yes \
				--log-file="$vglogs/$name/test.%p.log" "$b" >"$vglogs/$name/out.log" 2>&1; then
				rc=0
			else
				rc=$?
			fi
			errs=$(grep -l -E 'ERROR SUMMARY: [1-9]|definitely lost: [1-9]|indirectly lost: [1-9]|Invalid (read|write|free)|uninitialised' \
				"$vglogs/$name"/*.log 2>/dev/null | grep -v '/out.log$' | head -n 3)
			if [ $rc -eq 0 ] && [ -z "$errs" ]; then
				ok "valgrind $name"
			else
				bad "valgrind $name" "exit $rc${errs:+; errors in $errs}"
				[ -n "$errs" ] && grep -h -A8 -E 'Invalid|definitely lost in|uninitialised' $errs | head -n 20 | sed 's/^/    /'
				[ $rc -ne 0 ] && tail -n 8 "$vglogs/$name/out.log" | sed 's/^/    /'
			fi
		done
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
