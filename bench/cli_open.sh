#!/bin/bash
# bench/cli_open.sh KHIDMA DB MEMBERS.csv [ROUNDS]
# Wall and CPU (user+sys) time of the admin commands on a generated branch
# database (bench/gen DB -n 100000 -m 10000 -c MEMBERS.csv), best of ROUNDS
# (default 3): what the opening quick_check costs each command (policy:
# the design comment of src/store/db.c). members import runs on a fresh
# copy of DB each round; DB itself is only read. Needs screens/ (run from
# the source tree).
set -eu
bin=$1 db=$2 csv=$3 rounds=${4:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'screens_dir = "%s/screens";\n' "$PWD" > "$tmp/conf"
TIMEFORMAT='%R %U %S'
one() { # label db args...
	local label=$1 d=$2; shift 2
	{ time "$bin" --db "$d" --config "$tmp/conf" "$@" >/dev/null 2>"$tmp/err" \
	  || { cat "$tmp/err" >&2; exit 1; }; } 2>&1 | sed "s/^/$label /"
}
cat "$db" > /dev/null                       # the same warm cache for all
for r in $(seq "$rounds"); do
	one report "$db" report
	one export "$db" export requests --format csv
	one officer_list "$db" officer list
	rm -f "$tmp/bk.db"*; one backup "$db" backup "$tmp/bk.db"
	cp "$db" "$tmp/w.db"; rm -f "$tmp/w.db-"*
	one members_import "$tmp/w.db" members import "$csv"
done | awk '{ c = $3 + $4; if (!($1 in w) || $2 < w[$1]) w[$1] = $2
             if (!($1 in cpu) || c < cpu[$1]) cpu[$1] = c }
           END { for (k in w) printf "%-16s wall %6.2f s  cpu %5.2f s\n", k, w[k], cpu[k] }' | sort
