/*
 * test_faults_term — the real khidma binary started without a usable
 * terminal (issue 11) or with a terminal type this machine does not know
 * (issue 15, finding 7).
 *
 *  - standard input or output not a terminal (a service started with
 *    stdin on /dev/null, `ssh -T`: everything on pipes): one line, in the
 *    locale's language, exit 1 at once — the old binary read end-of-file
 *    forever at 100 % CPU (these tests then fail on their deadline);
 *  - TERM unset, `garbage`, `xterm-ghostty`: the welcome screen comes up
 *    on a fallback entry and, once the program ends (the normal screen
 *    back), the reason and the remedy are there in Arabic and English —
 *    the old binary exited 1 with nothing said;
 *  - TERM=foot and TERM=xterm-kitty, which README names: the welcome
 *    screen with no fallback (their terminfo packages are installed by
 *    `make deps`).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "e2e/harness.h"

#define KT 5000
#define NO_TTY_MS 3000          /* the refusal comes at once; 3 s is generous */

static int scale(int ms)
{
	const char *s = getenv("HT_TIMEOUT_SCALE");
	int k = s ? atoi(s) : 1;

	return ms * (k > 0 ? k : 1);
}

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/*
 * Run khidma [sub] on the handle's database with stdin an empty pipe
 * (end-of-file at once) and stdout+stderr one pipe: no terminal at all,
 * like `ssh -T`. env is the whole environment. Collects the output into
 * out; returns the wait status, or -1 when it had not exited after
 * NO_TTY_MS (it is then killed).
 */
static int run_without_tty(ht *h, const char *sub, const char *const env[],
                           char *out, size_t n)
{
	const char *bin = getenv("KHIDMA_BIN");
	int in[2], o[2], st = -1;
	size_t len = 0;
	long long end = now_ms() + scale(NO_TTY_MS);
	pid_t pid;

	assert_int_equal(pipe(in), 0);
	assert_int_equal(pipe(o), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		const char *argv[] = { bin, "--db", ht_db_path(h), "--config",
		                       ht_config_path(h), sub, NULL };
		dup2(in[0], 0);
		dup2(o[1], 1);
		dup2(o[1], 2);
		close(in[0]); close(in[1]); close(o[0]); close(o[1]);
		setsid();               /* no controlling terminal either */
		execve(bin, (char *const *)argv, (char *const *)env);
		_exit(127);
	}
	close(in[0]);
	close(in[1]);               /* end-of-file on the child's stdin */
	close(o[1]);
	for (;;) {
		struct pollfd p = { .fd = o[0], .events = POLLIN };
		long long left = end - now_ms();
		ssize_t r;

		if (left <= 0)
			break;
		if (poll(&p, 1, (int)left) <= 0)
			continue;
		r = read(o[0], out + len, n - 1 - len);
		if (r <= 0)
			break;          /* EOF: the child is gone (or closed it) */
		len += (size_t)r;
		if (len >= n - 1)
			break;
	}
	out[len] = '\0';
	close(o[0]);
	while (now_ms() < end) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return st;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

static const char needs_en[] = "khidma needs a terminal";
static const char needs_ar[] = "يحتاج khidma إلى طرفية";

static void check_refused(const char *sub, const char *const env[], const char *want)
{
	ht *h = ht_new(24, 80);
	char out[4096];
	int st;

	assert_true(ht_write_file(h, "khidma.conf", ""));
	st = run_without_tty(h, sub, env, out, sizeof out);
	if (st == -1)
		fail_msg("khidma %s without a terminal still ran after %d ms (output: %s)",
		         sub ? sub : "(kiosk)", NO_TTY_MS, out);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 1);
	if (strstr(out, want) == NULL)
		fail_msg("no \"%s\" in: %s", want, out);
	/* one line, no escape sequence went out */
	assert_null(strchr(out, '\033'));
	assert_non_null(strchr(out, '\n'));
	assert_int_equal(strchr(out, '\n')[1], '\0');
	ht_end(h);
}

static const char *env_en[] = { "PATH=/usr/bin:/bin", "TERM=xterm-256color",
                                "LC_ALL=C.UTF-8", NULL };
static const char *env_ar[] = { "PATH=/usr/bin:/bin", "TERM=xterm-256color",
                                "LANG=ar_SA.UTF-8", NULL };

static void kiosk_on_pipes_refuses(void **state)
{
	(void)state;
	check_refused(NULL, env_en, needs_en);
}

static void officer_on_pipes_refuses(void **state)
{
	(void)state;
	check_refused("officer", env_en, needs_en);
}

static void refusal_in_the_locale_language(void **state)
{
	(void)state;
	check_refused(NULL, env_ar, needs_ar);
	check_refused("officer", env_ar, needs_ar);
}

/* stdout on the terminal, stdin on /dev/null: a service started wrongly. */
static void kiosk_with_stdin_devnull_refuses(void **state)
{
	ht *h = ht_new(24, 80);
	const char *argv[] = { "/bin/sh", "-c", "exec \"$0\" --db \"$1\" --config \"$2\" </dev/null",
	                       getenv("KHIDMA_BIN"), NULL, NULL, NULL };
	int st = 0;

	(void)state;
	assert_true(ht_write_file(h, "khidma.conf", ""));
	argv[4] = strdup(ht_db_path(h));
	argv[5] = strdup(ht_config_path(h));
	assert_true(ht_spawn(h, argv, NULL));
	HT_ASSERT_TEXT(h, needs_en, scale(NO_TTY_MS));
	assert_true(ht_wait_exit(h, scale(NO_TTY_MS), &st));
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 1);
	free((char *)argv[4]);
	free((char *)argv[5]);
	ht_end(h);
}

/* Start the kiosk with TERM set to term (NULL: unset), see the welcome,
 * end it with SIGTERM (its fatal-signal restore leaves the alternate
 * screen) and return the handle to read the normal screen. */
static ht *kiosk_with_term(const char *term)
{
	char var[64];
	const char *env[] = { var, NULL };
	ht *h = ht_new(24, 80);
	int st = 0;

	if (term)
		snprintf(var, sizeof var, "TERM=%s", term);
	else
		snprintf(var, sizeof var, "TERM");
	assert_true(ht_write_file(h, "khidma.conf", "idle_timeout = 600;\n"));
	assert_true(ht_spawn_khidma(h, NULL, env));
	HT_ASSERT_TEXT(h, "English", scale(KT));
	ht_wait_quiet(h, 100);
	ht_signal(h, SIGTERM);
	assert_true(ht_wait_exit(h, scale(KT), &st));
	ht_wait_quiet(h, 50);
	return h;
}

static void unknown_term_falls_back_and_says_so(void **state)
{
	static const char *const terms[] = { "garbage", "xterm-ghostty" };

	(void)state;
	for (size_t i = 0; i < sizeof terms / sizeof terms[0]; i++) {
		ht *h = kiosk_with_term(terms[i]);
		char want[128];

		snprintf(want, sizeof want, "TERM=%s", terms[i]);
		HT_ASSERT_TEXT(h, want, 100);
		HT_ASSERT_TEXT(h, "has no terminfo entry", 100);
		HT_ASSERT_TEXT(h, "Set TERM to a known type", 100);
		HT_ASSERT_TEXT(h, "ليس له وصف terminfo", 100);
		ht_end(h);
	}
}

static void unset_term_falls_back_and_says_so(void **state)
{
	ht *h;

	(void)state;
	h = kiosk_with_term(NULL);
	HT_ASSERT_TEXT(h, "TERM is not set", 100);
	HT_ASSERT_TEXT(h, "غير مضبوط", 100);
	ht_end(h);
	h = kiosk_with_term("");
	HT_ASSERT_TEXT(h, "TERM is not set", 100);
	ht_end(h);
}

/* The terminals README names have their entries (make deps): no fallback. */
static void readme_terminals_work(void **state)
{
	static const char *const terms[] = { "foot", "xterm-kitty", "kitty", "konsole",
	                                     "mlterm", "putty", "linux", "tmux-256color" };

	(void)state;
	for (size_t i = 0; i < sizeof terms / sizeof terms[0]; i++) {
		ht *h = kiosk_with_term(terms[i]);

		if (strstr(ht_screen(h), "terminfo") != NULL)
			fail_msg("TERM=%s fell back: %s", terms[i], ht_screen(h));
		ht_end(h);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(kiosk_on_pipes_refuses, ht_teardown),
		cmocka_unit_test_teardown(officer_on_pipes_refuses, ht_teardown),
		cmocka_unit_test_teardown(refusal_in_the_locale_language, ht_teardown),
		cmocka_unit_test_teardown(kiosk_with_stdin_devnull_refuses, ht_teardown),
		cmocka_unit_test_teardown(unknown_term_falls_back_and_says_so, ht_teardown),
		cmocka_unit_test_teardown(unset_term_falls_back_and_says_so, ht_teardown),
		cmocka_unit_test_teardown(readme_terminals_work, ht_teardown),
	};

	if (!ht_khidma_bin_set())
		return 1;
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
