/*
 * test_deploy_guide — docs/deploy/ followed to the letter (issue "The
 * officer's working day", §The deploy guide): docs/deploy/setup.sh, the
 * guide's steps as a script, runs as root in a private mount namespace
 * (unshare --mount) whose /etc is a copy of the real one and whose /opt,
 * /var/lib, /var/backups and /home are empty tmpfs — so the real /etc and
 * the real users are never touched — with a non-default PREFIX=/opt/khidma.
 * Then, in the same namespace:
 *
 *  - the installed sshd rule is the guide's sshd_khidma.conf with only the
 *    khidma path of PREFIX substituted, and a private sshd (own port on
 *    127.0.0.1, own host key, UsePAM no) runs with that rule Included
 *    unchanged: ForceCommand, AuthenticationMethods publickey and the rest;
 *  - the officer `ali` added by `setup.sh officer` logs in with his key
 *    (asking for another command: ForceCommand wins), types his khidma
 *    password at the console and reaches the queue;
 *  - password authentication is refused for him (no Unix password; keys);
 *  - while his session holds the database, its -wal and -shm are 0660 and
 *    of group khidma although sshd's umask is 022 (the setgid directory and
 *    SQLite's modes do it, no umask advice needed), and the admin account
 *    writes to the database meanwhile;
 *  - the admin account is outside khidma-officers, the kiosk user's shell
 *    is the installed khidma-kiosk, listed in /etc/shells;
 *  - setup.sh run a second time (machine, officer) keeps what exists;
 *  - the backup service's own ExecStart, run as its User=, writes a checked
 *    copy into /var/backups/khidma (group khidma).
 *
 * systemd itself is not running here: the script's systemctl lines are
 * skipped when /run/systemd/system is absent, and the timer's command is
 * run as the service would. Needs root, /usr/sbin/sshd, unshare(1) that
 * can make a mount namespace; skipped without them. ~3 s.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e/harness.h"

#define SSHD "/usr/sbin/sshd"
#define PW   "Deploy-Guide-2026!"
#define T    15000

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	int c;

	if (f != NULL) {
		while ((c = fgetc(f)) != EOF)
			fputc(c, m);
		fclose(f);
	}
	fclose(m);
	return buf;
}

/* Run a shell command, its output (stdout + stderr) into *out; the status. */
static int run(char **out, const char *fmt, ...)
{
	char cmd[4096];
	char *buf = NULL;
	size_t len = 0;
	FILE *p, *m;
	va_list ap;
	int c, st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	strncat(cmd, " 2>&1", sizeof cmd - strlen(cmd) - 1);
	p = popen(cmd, "r");
	assert_non_null(p);
	m = open_memstream(&buf, &len);
	while ((c = fgetc(p)) != EOF)
		fputc(c, m);
	fclose(m);
	st = pclose(p);
	if (out != NULL)
		*out = buf;
	else
		free(buf);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The namespace's script: the guide's steps, the checks that need its /etc,
 * then the private sshd (exec'd: its pid is the namespace's). */
static const char ns_script[] =
"set -eu\n"
"D=$1 SRC=$2 PORT=$3 BUILD=$4\n"
"cp -a /etc \"$D/etc\"\n"
"mount --bind \"$D/etc\" /etc\n"
"for m in /opt /var/lib /var/backups /home; do mount -t tmpfs -o mode=0755 tmpfs $m; done\n"
"mkdir -p /run/sshd\n"
"export PREFIX=/opt/khidma BUILD\n"
"sh \"$SRC/docs/deploy/setup.sh\" machine\n"
"printf '%s\\n%s\\n' \"$PW\" \"$PW\" |\n"
"  sh \"$SRC/docs/deploy/setup.sh\" officer ali 'Ali Officer' officer \"$D/ali_key.pub\"\n"
"echo '-- again'\n"
"sh \"$SRC/docs/deploy/setup.sh\" machine >/dev/null && echo 'OK machine twice'\n"
"sh \"$SRC/docs/deploy/setup.sh\" officer ali 'Ali Officer' officer \"$D/ali_key.pub\" </dev/null >/dev/null &&\n"
"  echo 'OK officer twice'\n"
"echo '-- checks'\n"
"sed 's|/usr/local/bin/khidma|/opt/khidma/bin/khidma|' \"$SRC/docs/deploy/sshd_khidma.conf\" |\n"
"  cmp - /etc/ssh/sshd_config.d/khidma.conf && echo 'OK rule = guide'\n"
"grep -qx '\tForceCommand /opt/khidma/bin/khidma officer' /etc/ssh/sshd_config.d/khidma.conf &&\n"
"  echo 'OK ForceCommand'\n"
"id -nG khidma-admin | grep -qw khidma-officers || echo 'OK admin outside officers'\n"
"id -nG ali | grep -qw khidma-officers && echo 'OK ali in officers'\n"
"getent passwd kiosk | grep -q ':/opt/khidma/bin/khidma-kiosk$' && echo 'OK kiosk shell'\n"
"grep -qx /opt/khidma/bin/khidma-kiosk /etc/shells && echo 'OK shells'\n"
"cmd=$(sed -n 's/^ExecStart=//p' /etc/systemd/system/khidma-backup.service | sed 's/%%/%/g')\n"
"user=$(sed -n 's/^User=//p' /etc/systemd/system/khidma-backup.service)\n"
"runuser -u \"$user\" -g khidma -- sh -c \"$cmd\"\n"
"stat -c 'BACKUP %G %n' /var/backups/khidma/khidma-*.db\n"
"cat >\"$D/sshd_config\" <<EOF\n"
"Port $PORT\n"
"ListenAddress 127.0.0.1\n"
"HostKey $D/host_key\n"
"PidFile none\n"
"UsePAM no\n"
"LogLevel VERBOSE\n"
"Include /etc/ssh/sshd_config.d/khidma.conf\n"
"EOF\n"
"/usr/sbin/sshd -t -f \"$D/sshd_config\"\n"
"echo '-- sshd'\n"
"exec /usr/sbin/sshd -D -e -f \"$D/sshd_config\" 2>\"$D/sshd.log\"\n";

static void guide_installs_and_officer_logs_in(void **state)
{
	const char *bin = getenv("KHIDMA_BIN");
	char dir[512], src[1024], build[256], port_s[16], key[600], *out = NULL, *log;
	const char *slash;
	ht *base, *h;
	pid_t ns;
	int port, st;
	(void)state;

	if (bin == NULL || bin[0] != '/')
		fail_msg("KHIDMA_BIN must be an absolute path (run through tests/run.sh)");
	if (geteuid() != 0 || access(SSHD, X_OK) != 0 ||
	    run(NULL, "unshare --mount --propagation private true") != 0 ||
	    run(NULL, "command -v runuser useradd nsenter ssh-keygen") != 0) {
		fprintf(stderr, "skipped: needs root, %s, unshare --mount, runuser, useradd\n", SSHD);
		skip();
	}
	/* KHIDMA_BIN = <src>/<build>/khidma */
	slash = strrchr(bin, '/');
	snprintf(src, sizeof src, "%.*s", (int)(slash - bin), bin);
	slash = strrchr(src, '/');
	snprintf(build, sizeof build, "%s", slash + 1);
	src[slash - src] = '\0';

	base = ht_new(24, 80);
	snprintf(dir, sizeof dir, "%s", ht_dir(base));
	assert_true(ht_write_file(base, "ns.sh", ns_script));
	assert_int_equal(run(NULL, "ssh-keygen -q -t ed25519 -N '' -f '%s/host_key' && "
	                     "ssh-keygen -q -t ed25519 -N '' -C ali -f '%s/ali_key'", dir, dir), 0);
	port = ht_free_port();
	assert_true(port > 0);

	snprintf(port_s, sizeof port_s, "%d", port);
	snprintf(key, sizeof key, "%s/ns.sh", dir);
	{
		/* the private sshd (exec'd by the script) is a harness service:
		 * killed on every path, even if this test fails or is killed */
		const char *argv[] = { "unshare", "--mount", "--propagation", "private",
		                       "sh", key, dir, src, port_s, build, NULL };
		const char *env[] = { "PW=" PW, NULL };
		ns = ht_service_start(base, argv, env, "setup.log");
	}
	assert_true(ns > 0);
	snprintf(key, sizeof key, "%s/setup.log", dir);
	if (!ht_service_wait_port(ns, port, 60000)) {           /* up to 60 s */
		log = slurp(key);
		if (ht_service_exited(ns, NULL))
			fail_msg("the guide's script failed:\n%s", log);
		fail_msg("sshd did not listen:\n%s", log);
	}
	log = slurp(key);
	/* what the script checked in its namespace */
	static const char *const oks[] = {
		"OK machine twice", "OK officer twice", "OK rule = guide", "OK ForceCommand", "OK admin outside officers",
		"OK ali in officers", "OK kiosk shell", "OK shells",
		"drwxrws--- khidma /var/lib/khidma\n",
		"-rw-rw---- khidma /var/lib/khidma/khidma.db\n",
		"drwxrws--- khidma /var/backups/khidma\n",
		"BACKUP khidma /var/backups/khidma/khidma-",
	};
	for (size_t i = 0; i < sizeof oks / sizeof oks[0]; i++)
		if (strstr(log, oks[i]) == NULL)
			fail_msg("\"%s\" missing from the guide's run:\n%s", oks[i], log);
	free(log);

	/* password authentication: refused (publickey only, no Unix password) */
	st = run(&out, "ssh -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "
	         "-o PubkeyAuthentication=no -o BatchMode=yes -o ConnectTimeout=10 "
	         "-p %d ali@127.0.0.1 true", port);
	assert_int_not_equal(st, 0);
	assert_non_null(strstr(out, "Permission denied"));
	free(out);

	/* the officer with his key: the console, whatever command he asks */
	snprintf(key, sizeof key, "%s/ali_key", dir);
	{
		const char *argv[] = {
			"ssh", "-tt", "-i", key,
			"-o", "StrictHostKeyChecking=no",
			"-o", "UserKnownHostsFile=/dev/null",
			"-o", "IdentitiesOnly=yes",
			"-o", "BatchMode=yes",
			"-o", "LogLevel=ERROR",
			"-p", port_s, "ali@127.0.0.1",
			"echo FORCECOMMAND-BYPASSED",
			NULL,
		};
		h = ht_start(argv, NULL, 24, 80);
	}
	assert_non_null(h);
	HT_ASSERT_TEXT(h, "ali", T);              /* the login screen, Arabic first */
	HT_ASSERT(h, strstr(ht_screen(h), "FORCECOMMAND-BYPASSED") == NULL);
	ht_key(h, HT_KEY_F2);                      /* English */
	HT_ASSERT_TEXT(h, "Password", T);
	HT_ASSERT(h, strstr(ht_screen(h), "FORCECOMMAND-BYPASSED") == NULL);
	ht_keys(h, PW);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "Requests", T);
	HT_ASSERT(h, strstr(ht_screen(h), "Login failed") == NULL);

	/* his session holds the database: its files stay the group's */
	assert_int_equal(run(&out, "nsenter --mount --target %d stat -c '%%a %%G %%n' "
	                     "/var/lib/khidma/khidma.db-wal /var/lib/khidma/khidma.db-shm",
	                     (int)ns), 0);
	assert_non_null(strstr(out, "660 khidma /var/lib/khidma/khidma.db-wal"));
	assert_non_null(strstr(out, "660 khidma /var/lib/khidma/khidma.db-shm"));
	free(out);
	/* and the admin account writes meanwhile */
	st = run(&out, "printf '%%s\\n%%s\\n' '%s' '%s' | nsenter --mount --target %d "
	         "runuser -u khidma-admin -- /opt/khidma/bin/khidma officer add sara "
	         "--name 'Sara Researcher' --role researcher && nsenter --mount --target %d "
	         "runuser -u khidma-admin -- /opt/khidma/bin/khidma officer list",
	         PW, PW, (int)ns, (int)ns);
	if (st != 0 || strstr(out, "sara") == NULL || strstr(out, "ali") == NULL)
		fail_msg("admin write while ali works: %d\n%s", st, out);
	free(out);

	ht_end(h);
	ht_service_stop(ns);
	ht_end(base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(guide_installs_and_officer_logs_in),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
