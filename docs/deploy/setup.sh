#!/bin/sh
# docs/deploy/setup.sh — the steps of docs/deploy/README.md, in the order
# that works, as one script (run as root from the source tree, after `make`):
#
#   sudo [PREFIX=/usr/local] docs/deploy/setup.sh machine
#   sudo docs/deploy/setup.sh officer LOGIN "FULL NAME" ROLE KEY.pub
#   sudo docs/deploy/setup.sh check
#
# `machine` installs khidma under PREFIX, creates the groups and the admin
# account, the shared database directory, /etc/khidma/khidma.conf and the
# database, the kiosk's shell and then the kiosk user, the SSH rule for
# officers and the daily backup timer. `officer` adds one officer: a Unix
# account in khidma-officers with no password and KEY.pub as its only way
# in, and the khidma account of the same login (its password is asked
# twice, or read as two lines from standard input). Every step can be run
# again: what exists is kept.
#
# tests/e2e/test_deploy_guide.c runs this script in a private mount
# namespace (its own /etc, /opt, /var/lib, /var/backups, /home) and then
# logs in over a private sshd that uses the installed sshd_khidma.conf, so
# the guide cannot drift from what works.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
: "${PREFIX:=/usr/local}"
: "${BUILD:=build}"                 # the build directory `make` used
: "${BRANCH:=01}"                   # two digits at the start of references
ADMIN=khidma-admin                  # runs admin commands and the backups
DB_DIR=/var/lib/khidma
BACKUP_DIR=/var/backups/khidma
BIN=$PREFIX/bin/khidma

say() { printf '== %s\n' "$*"; }
systemd_up() { [ -d /run/systemd/system ]; }

# 1. The program, its screens and translations under PREFIX. An installed
#    khidma finds <PREFIX>/share/khidma beside <PREFIX>/bin, so any PREFIX
#    works; the configuration is /etc/khidma/khidma.conf whatever PREFIX.
step_install() {
	say "install under $PREFIX"
	make -C "$SRC" --no-print-directory -s BUILD="$BUILD" PREFIX="$PREFIX" install-files
}

# 2. Groups, and the admin account: in khidma (it may open the database),
#    NOT in khidma-officers (so ForceCommand does not apply to it), no
#    password and no login shell: an administrator runs admin commands as
#    `sudo -u khidma-admin khidma …`, and the backup service runs as it.
step_accounts() {
	say "groups khidma, khidma-officers; account $ADMIN"
	getent group khidma >/dev/null || groupadd khidma
	getent group khidma-officers >/dev/null || groupadd khidma-officers
	id "$ADMIN" >/dev/null 2>&1 ||
		useradd --system --gid khidma --no-create-home --home-dir /nonexistent \
		        --shell /usr/sbin/nologin "$ADMIN"
}

# 3. The shared database directory (setgid: every file in it, the -wal and
#    -shm SQLite makes included, belongs to the group khidma), the
#    configuration, then the database — before any `officer add`.
step_database() {
	say "database in $DB_DIR, configuration /etc/khidma/khidma.conf"
	install -d -o root -g khidma -m 2770 "$DB_DIR"
	install -d -m 0755 /etc/khidma
	[ -e /etc/khidma/khidma.conf ] ||
		install -m 0644 "$HERE/khidma.conf.deploy" /etc/khidma/khidma.conf
	[ -e "$DB_DIR/khidma.db" ] ||
		runuser -u "$ADMIN" -- "$BIN" init --branch "$BRANCH"
}

# 4. The kiosk's login shell first (and in /etc/shells), then the kiosk
#    user with it; tty1 logs it in.
step_kiosk() {
	say "kiosk shell $PREFIX/bin/khidma-kiosk, user kiosk, tty1 autologin"
	sed "s|/usr/local/bin/khidma|$BIN|g" "$HERE/khidma-kiosk" >"$PREFIX/bin/khidma-kiosk"
	chmod 0755 "$PREFIX/bin/khidma-kiosk"
	grep -qx "$PREFIX/bin/khidma-kiosk" /etc/shells ||
		echo "$PREFIX/bin/khidma-kiosk" >>/etc/shells
	id kiosk >/dev/null 2>&1 ||
		useradd -m -s "$PREFIX/bin/khidma-kiosk" -G khidma kiosk
	install -D -m 0644 "$HERE/khidma-kiosk-autologin.conf" \
		/etc/systemd/system/getty@tty1.service.d/khidma-kiosk.conf
	if systemd_up; then
		systemctl daemon-reload
		systemctl restart getty@tty1
	fi
}

# 5. Officers over SSH: the rule, with this PREFIX's khidma in ForceCommand.
step_sshd() {
	say "sshd rule /etc/ssh/sshd_config.d/khidma.conf"
	install -d -m 0755 /etc/ssh/sshd_config.d
	sed "s|/usr/local/bin/khidma|$BIN|" "$HERE/sshd_khidma.conf" \
		>/etc/ssh/sshd_config.d/khidma.conf
	chmod 0644 /etc/ssh/sshd_config.d/khidma.conf
	sshd -t
	if systemd_up; then
		systemctl reload ssh
	fi
}

# 6. The daily backup: a directory the group can write, a service run as
#    the admin account, a timer.
step_backups() {
	say "daily backup into $BACKUP_DIR (khidma-backup.timer)"
	install -d -o root -g khidma -m 2770 "$BACKUP_DIR"
	install -d -m 0755 /etc/systemd/system
	sed "s|/usr/local/bin/khidma|$BIN|" "$HERE/khidma-backup.service" \
		>/etc/systemd/system/khidma-backup.service
	install -m 0644 "$HERE/khidma-backup.timer" /etc/systemd/system/khidma-backup.timer
	if systemd_up; then
		systemctl daemon-reload
		systemctl enable --now khidma-backup.timer
	fi
}

# One officer: LOGIN "FULL NAME" ROLE KEY.pub (role: officer, researcher,
# committee or admin).
step_officer() {
	[ $# -eq 4 ] || { echo "usage: $0 officer LOGIN \"FULL NAME\" ROLE KEY.pub" >&2; exit 2; }
	login=$1 name=$2 role=$3 key=$4
	say "officer $login ($role)"
	id "$login" >/dev/null 2>&1 ||
		useradd -m -s /bin/sh -G khidma,khidma-officers "$login"
	usermod -p '*' "$login"            # no Unix password: the key only
	home=$(getent passwd "$login" | cut -d: -f6)
	group=$(id -gn "$login")
	install -d -m 0700 -o "$login" -g "$group" "$home/.ssh"
	install -m 0600 -o "$login" -g "$group" "$key" "$home/.ssh/authorized_keys"
	if runuser -u "$ADMIN" -- "$BIN" officer list | awk 'NR > 1 { print $1 }' | grep -qx "$login"; then
		say "khidma account $login exists: kept (officer passwd/enable to change it)"
	else
		runuser -u "$ADMIN" -- "$BIN" officer add "$login" --name "$name" --role "$role"
	fi
}

# What to look at after installing and after any move or restore.
step_check() {
	say "check"
	stat -c '%A %G %n' "$DB_DIR" "$DB_DIR"/khidma.db* "$BACKUP_DIR"
	runuser -u "$ADMIN" -- "$BIN" check
}

case "${1:-}" in
machine)
	step_install
	step_accounts
	step_database
	step_kiosk
	step_sshd
	step_backups
	step_check
	;;
officer)
	shift
	step_officer "$@"
	;;
check)
	step_check
	;;
*)
	sed -n '2,16s/^# \{0,1\}//p' "$0" >&2
	exit 2
	;;
esac
