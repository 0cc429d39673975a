/*
 * test_ssh_officer — the "done when": a real OpenSSH server on
 * 127.0.0.1 (its own host key, sshd_config and authorized_keys in the test's
 * temp directory; key authentication only; ForceCommand running
 * `khidma officer` on the test database), `ssh -tt` under the libvterm
 * harness, the password typed at the console's login screen, the queue
 * reached. The officer account is the Unix login running the test
 * (`id -un`, root in CI), created with `khidma officer add`.
 *
 * The session asks ssh to run another command: ForceCommand must win, so
 * the console still appears and the command's text never does.
 *
 * Needs root (sshd's privilege separation and /run/sshd) and /usr/sbin/sshd
 * (openssh-server, in the Makefile's DEB_BUILD); skipped without them.
 * sshd's log stays in <dir>/sshd.log (kept with HT_KEEP=1).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "e2e/harness.h"

#define SSHD "/usr/sbin/sshd"
#define PW   "Ssh-Officer-2026!"
#define T    15000

static void sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		fail_msg("command failed: %s", cmd);
}

static void ssh_login_reaches_queue(void **state)
{
	const char *bin = getenv("KHIDMA_BIN");
	char dir[512], db[600], conf[600], user[64], port_s[16], target[128];
	struct passwd *pw = getpwuid(geteuid());
	ht *h, *base;
	pid_t sshd;
	int port;
	FILE *f;
	(void)state;

	if (bin == NULL || bin[0] != '/')
		fail_msg("KHIDMA_BIN must be an absolute path (run through tests/run.sh)");
	if (geteuid() != 0 || access(SSHD, X_OK) != 0) {
		fprintf(stderr, "skipped: needs root and %s\n", SSHD);
		skip();
	}
	assert_non_null(pw);
	snprintf(user, sizeof user, "%s", pw->pw_name);

	base = ht_new(24, 80);                        /* owns the temp directory */
	snprintf(dir, sizeof dir, "%s", ht_dir(base));
	snprintf(db, sizeof db, "%s/khidma.db", dir);
	snprintf(conf, sizeof conf, "%s/khidma.conf", dir);
	assert_true(ht_write_file(base, "khidma.conf", ""));
	sh("'%s' --db '%s' --config '%s' init >/dev/null", bin, db, conf);
	sh("printf '%%s\\n%%s\\n' '%s' '%s' | '%s' --db '%s' --config '%s' "
	   "officer add '%s' --name 'SSH Officer' --role officer >/dev/null",
	   PW, PW, bin, db, conf, user);
	sh("ssh-keygen -q -t ed25519 -N '' -f '%s/host_key'", dir);
	sh("ssh-keygen -q -t ed25519 -N '' -f '%s/user_key'", dir);
	sh("cp '%s/user_key.pub' '%s/authorized_keys'", dir, dir);
	mkdir("/run/sshd", 0755);                     /* privilege separation */
	port = ht_free_port();
	assert_true(port > 0);
	f = fopen(ht_path(base, "sshd_config"), "w");
	assert_non_null(f);
	fprintf(f,
	        "Port %d\n"
	        "ListenAddress 127.0.0.1\n"
	        "HostKey %s/host_key\n"
	        "PidFile none\n"
	        "AuthorizedKeysFile %s/authorized_keys\n"
	        "PubkeyAuthentication yes\n"
	        "PasswordAuthentication no\n"
	        "KbdInteractiveAuthentication no\n"
	        "PermitRootLogin prohibit-password\n"
	        "AllowUsers %s\n"
	        "UsePAM no\n"
	        "StrictModes no\n"
	        "PermitTTY yes\n"
	        "DisableForwarding yes\n"
	        "ClientAliveInterval 15\n"
	        "SetEnv LC_ALL=C.UTF-8\n"
	        "AcceptEnv LANG LC_*\n"
	        "LogLevel VERBOSE\n"
	        "ForceCommand %s --db %s --config %s --lang en officer\n",
	        port, dir, dir, user, bin, db, conf);
	assert_int_equal(fclose(f), 0);
	sh("%s -t -f '%s/sshd_config'", SSHD, dir);   /* config test first */
	sshd = ht_sshd_start(base, port);      /* a harness service: never outlives us */
	if (sshd < 0)
		fail_msg("sshd did not listen on %d; see %s/sshd.log", port, dir);

	snprintf(port_s, sizeof port_s, "%d", port);
	snprintf(target, sizeof target, "%s@127.0.0.1", user);
	{
		char key[600];
		snprintf(key, sizeof key, "%s/user_key", dir);
		const char *argv[] = {
			"ssh", "-tt", "-i", key,
			"-o", "StrictHostKeyChecking=no",
			"-o", "UserKnownHostsFile=/dev/null",
			"-o", "IdentitiesOnly=yes",
			"-o", "BatchMode=yes",
			"-o", "LogLevel=ERROR",
			"-p", port_s, target,
			"echo FORCECOMMAND-BYPASSED",         /* must be ignored */
			NULL,
		};
		h = ht_start(argv, NULL, 24, 80);
	}
	assert_non_null(h);
	HT_ASSERT_TEXT(h, "Password", T);
	HT_ASSERT(h, strstr(ht_screen(h), "FORCECOMMAND-BYPASSED") == NULL);
	ht_keys(h, PW);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "Requests", T);
	HT_ASSERT(h, strstr(ht_screen(h), "Login failed") == NULL);

	ht_end(h);
	ht_service_stop(sshd);
	ht_end(base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ssh_login_reaches_queue),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
