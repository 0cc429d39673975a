#!/usr/bin/env bash
# tests/pg/pg_server.sh start DIR | stop DIR | halt DIR | restart DIR | status DIR | uri DIR
#
# A throwaway PostgreSQL server for the tests (docs: PG-DESIGN §3). Nothing
# else in the suite starts or stops a server; everything connects with the URI
# this script prints.
#
#   start DIR    stops a server left in DIR by a killed run, then makes a new
#                cluster in DIR/data (initdb --locale=C.UTF-8 -E UTF8, trust
#                authentication on the unix socket only: listen_addresses='',
#                socket in DIR, a port no other server in DIR uses), starts it
#                with pg_ctl -w and prints the superuser URI
#                  postgresql:///postgres?host=DIR&port=PORT&user=USER
#                on stdout (one line, nothing else). Exit 1 with the reason on
#                stderr when it cannot start (the server log is printed too).
#   stop DIR     pg_ctl -m fast stop (then immediate, then SIGKILL of the
#                postmaster if it will not go), and removes DIR when start made
#                it. Never fails when there is nothing to stop.
#   halt DIR     stop the server (as stop) but keep DIR and its cluster:
#                `restart DIR` brings the same server back (the offline
#                tests take the server away, then bring it back).
#   restart DIR  stop then start the same cluster, data kept, same URI (the
#                offline tests take the server away and bring it back).
#   status DIR   exit 0 when the server in DIR answers.
#   uri DIR      prints the URI again.
#
# Invariants:
# - initdb and postgres refuse to run as root: as root every server command
#   runs as the `postgres` system user (runuser; it exists once the Debian
#   postgresql package is installed, `nobody` otherwise) and DIR is chowned to
#   it, mode 0700 (root still reaches the socket). As any other user the
#   server runs as that user.
# - Works with no standard input and no terminal (CI): no prompt, every
#   command reads /dev/null, the postmaster's output goes to DIR/server.log
#   so a caller's $(…) never waits on it.
# - The cluster is for tests only: initdb --no-sync, fsync off (a crash of the machine may lose
#   it; the suite never reuses one), trust authentication, reachable only
#   through the socket in DIR. Set PG_SERVER_DURABLE=1 to keep fsync on (the
#   benchmarks measure durable commits).
# - DIR must be short: a unix socket path is at most 107 bytes.
set -u

die() { echo "pg_server.sh: $*" >&2; exit 1; }

cmd=${1:-}; dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || die "usage: pg_server.sh start|stop|halt|restart|status|uri DIR"
case "$dir" in /*) ;; *) dir="$PWD/$dir" ;; esac
data="$dir/data"

# The caller's libpq environment must not steer pg_ctl's readiness probe to
# another server.
unset PGHOST PGHOSTADDR PGPORT PGDATABASE PGUSER PGPASSWORD PGSERVICE PGSSLMODE PGOPTIONS

# Server binaries: PG_BINDIR, else the newest /usr/lib/postgresql/N/bin
# (Debian keeps them off PATH), else PATH.
bindir=${PG_BINDIR:-}
if [ -z "$bindir" ]; then
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5n); do
		[ -x "$d/initdb" ] && bindir=$d
	done
fi
if [ -z "$bindir" ] && command -v initdb >/dev/null 2>&1; then
	bindir=$(dirname "$(command -v initdb)")
fi

if [ "$(id -u)" = 0 ]; then
	if getent passwd postgres >/dev/null; then pguser=postgres; else pguser=nobody; fi
	as_pg() { (cd / && runuser -u "$pguser" -- "$@" </dev/null); }
else
	pguser=$(id -un)
	as_pg() { (cd / && "$@" </dev/null); }
fi

running() {   # running: 0 when a postmaster for DIR/data is alive
	local pid
	[ -f "$data/postmaster.pid" ] || return 1
	pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null)
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

stop_server() {   # stop_server: fast, then immediate, then SIGKILL
	local pid i
	running || return 0
	if [ -n "$bindir" ]; then
		as_pg "$bindir/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
			as_pg "$bindir/pg_ctl" -D "$data" -m immediate -w -t 30 stop >/dev/null 2>&1
	fi
	if running; then
		pid=$(head -n 1 "$data/postmaster.pid")
		kill -KILL "$pid" 2>/dev/null
		for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	fi
	! running
}

show_log() {
	[ -s "$dir/pg_ctl.log" ] && cat "$dir/pg_ctl.log" >&2
	[ -f "$dir/server.log" ] && { echo "--- $dir/server.log" >&2; tail -n 40 "$dir/server.log" >&2; }
}

start_server() {   # start_server: pg_ctl -w start of the cluster in DIR/data
	local port
	port=$(cat "$dir/port")
	as_pg "$bindir/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 120 \
		-o "-p $port" start >/dev/null 2>"$dir/pg_ctl.log" ||
		{ show_log; die "the server in $dir did not start (pg_ctl failed)"; }
	running || { show_log; die "the server in $dir exited right after starting"; }
}

case "$cmd" in
start)
	[ -n "$bindir" ] || die "no PostgreSQL server binaries (initdb): install the Debian package postgresql (make deps)"
	if [ -e "$dir" ] && [ ! -f "$dir/.khidma-pg" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
		die "$dir exists and was not made by pg_server.sh; refusing to use it"
	fi
	stop_server || die "a server left in $dir by an earlier run will not stop"
	[ ${#dir} -le 80 ] || die "DIR is too long for a unix socket path: $dir"
	mkdir -p "$dir" || die "cannot make $dir"
	rm -rf "${data:?}" "$dir/server.log" "$dir/uri" "$dir/port"
	touch "$dir/.khidma-pg"
	if [ "$(id -u)" = 0 ]; then
		chown "$pguser:" "$dir" && chmod 0700 "$dir" || die "cannot give $dir to $pguser"
		as_pg test -w "$dir" || die "$pguser cannot write $dir (a parent directory it cannot enter?)"
	fi
	# The port only names the socket (DIR/.s.PGSQL.PORT): any port is free
	# in a directory of our own, but a different one for each run keeps a
	# client of an old run from reaching this server by mistake.
	port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
	while [ -e "$dir/.s.PGSQL.$port" ] || [ -e "$dir/.s.PGSQL.$port.lock" ]; do
		port=$(( port + 1 ))
	done
	echo "$port" > "$dir/port" || die "cannot write $dir/port"
	nosync=--no-sync
	[ "${PG_SERVER_DURABLE:-0}" = 1 ] && nosync=
	as_pg "$bindir/initdb" -D "$data" -U "$pguser" -E UTF8 --locale=C.UTF-8 \
		-A trust --no-instructions $nosync >"$dir/initdb.log" 2>&1 ||
		{ tail -n 20 "$dir/initdb.log" >&2; die "initdb failed (log above)"; }
	fsync=off
	[ "${PG_SERVER_DURABLE:-0}" = 1 ] && fsync=on
	# root may append to the postgres user's file; the owner stays.
	cat >> "$data/postgresql.conf" <<EOF || die "cannot write postgresql.conf"

# tests/pg/pg_server.sh
listen_addresses = ''
unix_socket_directories = '$dir'
port = $port
fsync = $fsync
synchronous_commit = $fsync
full_page_writes = $fsync
max_connections = 200
log_min_messages = warning
log_min_error_statement = error
EOF
	start_server
	echo "postgresql:///postgres?host=$dir&port=$port&user=$pguser" > "$dir/uri"
	cat "$dir/uri"
	;;
stop)
	stop_server || die "the server in $dir will not stop"
	if [ -f "$dir/.khidma-pg" ]; then rm -rf "${dir:?}"; fi
	;;
halt)
	[ -f "$dir/uri" ] || die "no server was started in $dir"
	stop_server || die "the server in $dir will not stop"
	;;
restart)
	[ -f "$dir/uri" ] || die "no server was started in $dir"
	stop_server || die "the server in $dir will not stop"
	start_server
	cat "$dir/uri"
	;;
status)
	running
	;;
uri)
	[ -f "$dir/uri" ] || die "no server was started in $dir"
	cat "$dir/uri"
	;;
*)
	die "unknown command '$cmd' (start, stop, halt, restart, status, uri)"
	;;
esac
