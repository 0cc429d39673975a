#!/usr/bin/env bash
# tests/summary.sh RESULTS... — adds up the "passed failed" files of each build's run
# and prints the closing line CI reads.
p=0; f=0
for r in "$@"; do read -r a b < "$r" || continue; p=$((p+a)); f=$((f+b)); done
echo "$p passed, $f failed"
[ "$f" -eq 0 ]
