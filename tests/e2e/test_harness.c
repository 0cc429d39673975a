/*
 * test_harness — proves tests/e2e/harness against real programs that are
 * always on the machine (sh, printf, cat, stty, tput, clear, seq) and
 * dialog when installed, independent of khidma: cells land where the
 * escape sequences put them, UTF-8 and Arabic reach libvterm's cells as
 * sent, keys are encoded as xterm does, resize and hang-up reach the child,
 * and no child, fd or temp directory outlives ht_end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e/harness.h"

#define T 3000                  /* ms: generous; a typical wait takes < 20 */

static ht *sh(const char *script)
{
	const char *argv[] = { "sh", "-c", script, NULL };
	ht *h = ht_start(argv, NULL, 24, 80);

	assert_non_null(h);
	return h;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static bool on_path(const char *prog)
{
	char cmd[256];

	snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", prog);
	return system(cmd) == 0;
}

static void cursor_addressing_lands_text(void **state)
{
	ht *h = sh("printf '\\033[2J\\033[5;10Hhello'; sleep 1");
	VTermScreenCell c;
	int r, col;

	(void)state;
	HT_ASSERT_AT(h, 4, 9, "hello", T);
	assert_true(ht_cell(h, 4, 9, &c));
	assert_int_equal(c.chars[0], 'h');
	assert_int_equal(c.width, 1);
	assert_true(ht_cell(h, 4, 8, &c));
	assert_int_equal(c.chars[0], 0);               /* cleared, untouched */
	assert_string_equal(ht_screen_text(h, 4), "         hello");
	ht_cursor(h, &r, &col);
	assert_int_equal(r, 4);
	assert_int_equal(col, 14);
	assert_false(ht_wait_at(h, 4, 10, "hello", 50));
	ht_end(h);
}

static void arabic_lands_raw_in_logical_order(void **state)
{
	/* libvterm does no bidi and no shaping: cell k holds character k */
	ht *h = sh("printf 'مرحبا بِك'; sleep 1");
	VTermScreenCell c;

	(void)state;
	HT_ASSERT_TEXT(h, "مرحبا بِك", T);
	HT_ASSERT_CELL(h, 0, 0, "م", T);
	HT_ASSERT_CELL(h, 0, 4, "ا", T);
	HT_ASSERT_CELL(h, 0, 5, " ", T);
	HT_ASSERT_CELL(h, 0, 6, "بِ", T);    /* beh + kasra share a cell */
	assert_true(ht_cell(h, 0, 6, &c));
	assert_int_equal(c.chars[0], 0x0628);
	assert_int_equal(c.chars[1], 0x0650);
	assert_int_equal(c.chars[2], 0);
	HT_ASSERT_CELL(h, 0, 7, "ك", T);
	HT_ASSERT(h, ht_wait_cursor(h, 0, 8, T));
	ht_end(h);
}

static void wide_characters_take_two_cells(void **state)
{
	ht *h = sh("printf '世界x'; sleep 1");
	VTermScreenCell c;

	(void)state;
	HT_ASSERT_AT(h, 0, 0, "世界x", T);
	assert_string_equal(ht_screen_text(h, 0), "世界x");
	assert_true(ht_cell(h, 0, 2, &c));
	assert_int_equal(c.chars[0], 0x754C);
	assert_int_equal(c.width, 2);
	HT_ASSERT_CELL(h, 0, 4, "x", T);
	HT_ASSERT_AT(h, 0, 2, "界x", T);
	ht_end(h);
}

static void clear_and_tput_use_the_terminfo_entry(void **state)
{
	ht *h = sh("printf 'junk here'; sleep 0.2; clear; tput cup 2 3; "
	           "printf X; tput cup 10 0; tput bold; printf B; sleep 1");
	VTermScreenCell c;

	(void)state;
	HT_ASSERT_AT(h, 2, 3, "X", T);
	HT_ASSERT_GONE(h, "junk", T);
	HT_ASSERT_AT(h, 10, 0, "B", T);
	assert_true(ht_cell(h, 10, 0, &c));
	assert_true(c.attrs.bold);
	ht_end(h);
}

static void environment_is_the_same_for_every_child(void **state)
{
	const char *argv[] = { "sh", "-c",
		"echo \"[$TERM] [$LC_ALL] [${LINES-unset}] [$FOO] [${BAR-unset}]\";"
		" echo \"db=$KHIDMA_DB\"; echo \"cwd=$(pwd)\"; stty size; sleep 1",
		NULL };
	const char *env[] = { "FOO=bar", "BAR", NULL };
	char want[512];
	ht *h;

	(void)state;
	setenv("LINES", "99", 1);
	setenv("BAR", "inherited", 1);
	h = ht_start(argv, env, 24, 80);
	unsetenv("LINES");
	unsetenv("BAR");
	assert_non_null(h);
	HT_ASSERT_TEXT(h, "[xterm-256color] [C.UTF-8] [unset] [bar] [unset]", T);
	snprintf(want, sizeof want, "db=%s", ht_db_path(h));
	HT_ASSERT_TEXT(h, want, T);
	snprintf(want, sizeof want, "cwd=%s", ht_dir(h));
	HT_ASSERT_TEXT(h, want, T);
	HT_ASSERT_TEXT(h, "\n24 80", T);
	assert_int_equal(access(ht_config_path(h), R_OK), 0);
	ht_end(h);
}

static void resize_reaches_child_and_screen(void **state)
{
	ht *h = sh("trap 'clear; echo winch $(stty size); tput cup 29 99; "
	           "printf Z' "
	           "WINCH; echo ready; while :; do sleep 0.05; done");

	(void)state;
	HT_ASSERT_TEXT(h, "ready", T);
	assert_true(ht_resize(h, 30, 100));
	assert_int_equal(ht_rows(h), 30);
	assert_int_equal(ht_cols(h), 100);
	HT_ASSERT_TEXT(h, "winch 30 100", T);
	HT_ASSERT_CELL(h, 29, 99, "Z", T);
	assert_true(ht_resize(h, 10, 40));
	HT_ASSERT_TEXT(h, "winch 10 40", T);
	ht_end(h);
}

static void hangup_makes_child_exit(void **state)
{
	ht *h = sh("trap 'exit 7' HUP; echo ready; while :; do sleep 0.05; done");
	int st = 0;

	(void)state;
	HT_ASSERT_TEXT(h, "ready", T);
	assert_false(ht_exited(h, &st));
	ht_hangup(h);
	assert_true(ht_wait_exit(h, T, &st));
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 7);
	assert_string_equal(ht_screen_text(h, 0), "ready");  /* still readable */
	assert_false(ht_send(h, "x", 1));
	ht_end(h);
}

static void signal_reaches_child(void **state)
{
	const char *argv[] = { "sleep", "10", NULL };
	ht *h = ht_start(argv, NULL, 24, 80);
	int st = 0;

	(void)state;
	assert_non_null(h);
	assert_true(ht_vmhwm_kb(h) > 0 || ht_wait_quiet(h, 50));
	assert_true(ht_signal(h, SIGTERM));
	assert_true(ht_wait_exit(h, T, &st));
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGTERM);
	assert_int_equal(ht_vmhwm_kb(h), -1);
	assert_true(ht_maxrss_kb(h) > 0);
	assert_false(ht_signal(h, SIGTERM));
	ht_end(h);
}

static void keys_are_encoded_like_xterm(void **state)
{
	ht *h = sh("stty -echo; echo ready; cat -v");

	(void)state;
	HT_ASSERT_TEXT(h, "ready", T);
	assert_true(ht_key(h, HT_KEY_F2));
	assert_true(ht_key(h, HT_KEY_UP));
	assert_true(ht_key(h, HT_KEY_F10));
	assert_true(ht_key(h, HT_KEY_BACKTAB));
	assert_true(ht_keys(h, "a سلام"));
	assert_true(ht_key(h, HT_KEY_ENTER));
	HT_ASSERT_ROW(h, 1, "^[OQ^[[A^[[21~^[[Z", T);
	/* cat -v shows non-ASCII bytes as M-…: Arabic went out as UTF-8 */
	HT_ASSERT_ROW(h, 1, "a M-X", T);
	ht_end(h);
}

static void application_cursor_mode_is_honoured(void **state)
{
	ht *h = sh("printf '\\033[?1h'; stty -echo; echo ready; cat -v");

	(void)state;
	HT_ASSERT_TEXT(h, "ready", T);
	assert_true(ht_key(h, HT_KEY_UP));
	assert_true(ht_key(h, HT_KEY_ENTER));
	HT_ASSERT_ROW(h, 1, "^[OA", T);
	ht_end(h);
}

static void typed_text_is_echoed_and_erased(void **state)
{
	ht *h = sh("echo ready; cat");

	(void)state;
	HT_ASSERT_TEXT(h, "ready", T);
	assert_true(ht_keys(h, "abc سلامx"));
	assert_true(ht_key(h, HT_KEY_BACKSPACE));      /* erases the x */
	assert_true(ht_key(h, HT_KEY_ENTER));
	HT_ASSERT_ROW(h, 2, "abc سلام", T);           /* cat's copy */
	assert_string_equal(ht_screen_text(h, 2), "abc سلام");
	ht_ctrl(h, 'd');
	assert_true(ht_wait_exit(h, T, NULL));
	ht_end(h);
}

static void terminal_answers_device_attributes(void **state)
{
	ht *h = sh("stty -echo -icanon min 1; printf '\\033[c'; "
	           "head -c 7 | cat -v; echo; echo done; sleep 1");

	(void)state;
	HT_ASSERT_TEXT(h, "^[[?1;2c", T);
	HT_ASSERT_TEXT(h, "done", T);
	ht_end(h);
}

static void sending_to_a_child_that_never_reads_gives_up(void **state)
{
	ht *h = sh("stty raw -echo; echo ready; sleep 30");
	static char big[1 << 20];
	const char *was = getenv("HT_TIMEOUT_SCALE");
	char *saved = was ? strdup(was) : NULL;
	uint64_t t;
	bool sent;

	(void)state;
	HT_ASSERT_TEXT(h, "ready", T);
	memset(big, 'x', sizeof big);
	setenv("HT_TIMEOUT_SCALE", "0.05", 1);      /* 10 s -> 0.5 s */
	t = ht_elapsed_ns(h);
	sent = ht_send(h, big, sizeof big);
	/* the caller's scale back (tests/run.sh gives a sanitiser build 3):
	 * unset, every later test of this program ran with 1 under ASan
	 * (bytes_and_timestamps_are_counted failed in make check) */
	if (saved)
		setenv("HT_TIMEOUT_SCALE", saved, 1);
	else
		unsetenv("HT_TIMEOUT_SCALE");
	free(saved);
	assert_false(sent);
	assert_true(ht_elapsed_ns(h) - t >= 400000000u);
	assert_true(ht_elapsed_ns(h) - t < 3000000000u);
	ht_end(h);
}

static void early_exit_fails_fast(void **state)
{
	ht *h = sh("echo bye; exit 3");
	uint64_t t0;
	int st = 0;

	(void)state;
	t0 = ht_elapsed_ns(h);
	assert_false(ht_wait_text(h, "never shown", 10000));
	assert_true(ht_elapsed_ns(h) - t0 < 2000000000u);
	assert_true(ht_exited(h, &st));
	assert_int_equal(WEXITSTATUS(st), 3);
	assert_string_equal(ht_screen_text(h, 0), "bye");
	assert_true(ht_wait_gone(h, "never shown", 10));
	ht_end(h);
}

static void exec_failure_shows_and_exits_127(void **state)
{
	const char *argv[] = { "/nonexistent/khidma-x", NULL };
	ht *h = ht_start(argv, NULL, 24, 80);
	int st = 0;

	(void)state;
	assert_non_null(h);
	HT_ASSERT_TEXT(h, "exec /nonexistent/khidma-x: No such file", T);
	assert_true(ht_wait_exit(h, T, &st));
	assert_int_equal(WEXITSTATUS(st), 127);
	ht_end(h);
}

static void bytes_and_timestamps_are_counted(void **state)
{
	ht *h = sh("sleep 0.05; seq 1 20000");

	(void)state;
	HT_ASSERT_ROW(h, 22, "20000", T);
	assert_true(ht_wait_exit(h, T, NULL));
	ht_pump(h, 100);       /* drain to EOF */
	/* 108894 bytes of digits and newlines, each \n sent as \r\n (ONLCR) */
	assert_int_equal(ht_bytes_read(h), 108894 + 20000);
	assert_true(ht_first_output_ns(h) >= 50000000u);
	assert_true(ht_last_output_ns(h) >= ht_first_output_ns(h));
	assert_true(ht_elapsed_ns(h) >= ht_last_output_ns(h));
	ht_end(h);
}

static void wait_quiet_waits_for_silence(void **state)
{
	ht *h = sh("for i in 1 2 3 4 5; do echo tick $i; sleep 0.05; done; "
	           "sleep 5");
	uint64_t t;

	(void)state;
	HT_ASSERT_TEXT(h, "tick 1", T);
	t = ht_elapsed_ns(h);
	assert_true(ht_wait_quiet(h, 150));
	assert_true(ht_elapsed_ns(h) - t >= 150000000u);
	HT_ASSERT_TEXT(h, "tick 5", 0);
	ht_end(h);
}

static void failure_report_writes_the_screen(void **state)
{
	ht *h = sh("printf 'left\\nright'; sleep 5");
	char *log = NULL, path[512], buf[512];
	const char *msg;
	FILE *f;
	size_t n;

	(void)state;
	HT_ASSERT_TEXT(h, "right", T);
	assert_true(asprintf(&log, "%s", ht_path(h, "logs")) > 0);
	setenv("HT_LOG_DIR", log, 1);
	msg = ht_failure(h, "ht_wait_text(h, \"x\", 1)", "some_test", "f.c", 42);
	unsetenv("HT_LOG_DIR");
	assert_non_null(strstr(msg, "f.c:42: in some_test"));
	assert_non_null(strstr(msg, "  0|left|\n  1|right|\n  2||"));
	assert_non_null(strstr(msg, "running"));
	snprintf(path, sizeof path, "%s/some_test-42.screen", log);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_non_null(strstr(buf, "# 24x80 cursor 1,5\nleft\nright\n"));
	free(log);
	ht_end(h);
}

static void nothing_outlives_ht_end(void **state)
{
	int before = count_fds();
	char *dir;
	struct stat sb;

	(void)state;
	for (int i = 0; i < 3; i++) {
		/* ignores SIGHUP: ht_end must escalate to SIGKILL */
		ht *h = sh("trap '' HUP; echo up; sleep 30 & wait");

		HT_ASSERT_TEXT(h, "up", T);
		assert_true(ht_write_file(h, "khidma.conf", "x = 1;\n"));
		dir = strdup(ht_dir(h));
		ht_end(h);
		assert_int_equal(stat(dir, &sb), -1);
		free(dir);
	}
	assert_int_equal(count_fds(), before);
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

/* ---- services (harness.h invariant 6) --------------------------------- */

/* True while pid runs (a zombie does not). */
static bool running(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (!(f = fopen(path, "r")))
		return false;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p != NULL && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

/* Wait (up to T) until pid no longer runs. */
static bool gone_soon(pid_t pid)
{
	for (int i = 0; i < T / 20; i++) {
		if (!running(pid))
			return true;
		poll(NULL, 0, 20);
	}
	return !running(pid);
}

/* A service that starts a process in a session of its own (as sshd does
 * per connection) and writes its pid to <dir>/kid. */
static const char *const svc_argv[] = { "sh", "-c",
	"setsid sleep 300 & echo $! > kid.tmp && mv kid.tmp kid; exec sleep 300", NULL };

static pid_t read_kid(const char *dir)
{
	char path[600];
	int kid = 0;
	FILE *f;

	snprintf(path, sizeof path, "%s/kid", dir);
	for (int i = 0; i < T / 20; i++) {
		if ((f = fopen(path, "r")) != NULL) {
			if (fscanf(f, "%d", &kid) != 1)
				kid = 0;
			fclose(f);
			if (kid > 0)
				return kid;
		}
		poll(NULL, 0, 20);
	}
	return -1;
}

/* A test program (a fork of this one) starts the service, then dies of sig;
 * the service and its kid are returned, the program's directory removed. */
static void test_program_dies(int sig, pid_t *svc, pid_t *kid)
{
	int p[2], st;
	char msg[600] = "";
	pid_t c;

	assert_int_equal(pipe2(p, O_CLOEXEC), 0);    /* the service keeps no end */
	c = fork();
	assert_true(c >= 0);
	if (c == 0) {
		ht *h = ht_new(24, 80);
		pid_t s = ht_service_start(h, svc_argv, NULL, "svc.log");
		FILE *w = fdopen(p[1], "w");

		if (s <= 0 || read_kid(ht_dir(h)) <= 0)
			_exit(1);
		fprintf(w, "%d %d %s\n", (int)s, (int)read_kid(ht_dir(h)), ht_dir(h));
		fclose(w);
		if (sig == SIGKILL)
			pause();            /* killed by the parent */
		raise(sig);
		_exit(2);
	}
	close(p[1]);
	{
		FILE *r = fdopen(p[0], "r");
		int a = 0, b = 0;

		assert_non_null(r);
		assert_int_equal(fscanf(r, "%d %d %599s", &a, &b, msg), 3);
		fclose(r);
		*svc = a;
		*kid = b;
	}
	if (sig == SIGKILL)
		kill(c, SIGKILL);
	assert_int_equal(waitpid(c, &st, 0), c);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), sig);
	if (strncmp(msg, "/", 1) == 0 && strstr(msg, "khidma-e2e-") != NULL) {
		char cmd[700];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", msg);   /* its own mkdtemp dir */
		assert_int_equal(system(cmd), 0);
	}
}

static void services_end_with_their_handle(void **state)
{
	ht *h = ht_new(24, 80);
	pid_t s, kid;

	(void)state;
	s = ht_service_start(h, svc_argv, NULL, "svc.log");
	assert_true(s > 0);
	kid = read_kid(ht_dir(h));
	assert_true(kid > 0);
	assert_true(running(s));
	assert_true(running(kid));
	ht_end(h);
	assert_true(gone_soon(s));
	assert_true(gone_soon(kid));
}

static void services_die_with_a_signalled_test(void **state)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGABRT };
	pid_t s, kid;

	(void)state;
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		test_program_dies(sigs[i], &s, &kid);
		assert_true(gone_soon(s));
		assert_true(gone_soon(kid));
	}
}

static void services_of_a_killed_test_are_swept(void **state)
{
	pid_t s, kid;

	(void)state;
	test_program_dies(SIGKILL, &s, &kid);
	assert_true(running(s));           /* nothing could catch SIGKILL */
	assert_true(running(kid));
	ht_services_sweep();               /* what the next test program does */
	assert_true(gone_soon(s));
	assert_true(gone_soon(kid));
}

static void dialog_msgbox_draws_a_box(void **state)
{
	const char *argv[] = { "dialog", "--msgbox", "Hello from dialog",
	                       "7", "40", NULL };
	ht *h;
	int st = -1, r, c;

	(void)state;
	if (!on_path("dialog"))
		skip();
	h = ht_start(argv, NULL, 24, 80);
	assert_non_null(h);
	HT_ASSERT_TEXT(h, "Hello from dialog", T);
	HT_ASSERT_TEXT(h, "<  OK  >", T);
	/* dialog centres the box with its shadow (1 row, 2 columns) */
	r = (24 - (7 + 1)) / 2;
	c = (80 - (40 + 2)) / 2;
	HT_ASSERT_CELL(h, r, c, "┌", T);
	HT_ASSERT_CELL(h, r, c + 39, "┐", T);
	HT_ASSERT_CELL(h, r + 6, c, "└", T);
	HT_ASSERT_CELL(h, r + 6, c + 39, "┘", T);
	HT_ASSERT_AT(h, r + 1, c + 2, "Hello from dialog", T);
	assert_true(ht_key(h, HT_KEY_ENTER));
	assert_true(ht_wait_exit(h, T, &st));
	assert_int_equal(WEXITSTATUS(st), 0);
	ht_end(h);
}

static void dialog_menu_moves_with_keys(void **state)
{
	/* dialog prints the chosen tag on stderr where its cursor is; swap
	 * the fds to catch it and show it on a clean screen */
	ht *h = sh("r=$(dialog --menu Pick 12 40 4 1 First 2 Second 3 Third "
	           "3>&1 1>&2 2>&3); rc=$?; clear; echo \"picked [$r] rc=$rc\"; "
	           "sleep 5");

	(void)state;
	if (!on_path("dialog"))
		skip();
	HT_ASSERT_TEXT(h, "Third", T);
	assert_true(ht_wait_quiet(h, 50));
	assert_true(ht_key(h, HT_KEY_DOWN));
	assert_true(ht_key(h, HT_KEY_DOWN));
	assert_true(ht_wait_quiet(h, 50));
	assert_true(ht_key(h, HT_KEY_ENTER));
	HT_ASSERT_AT(h, 0, 0, "picked [3] rc=0", T);
	ht_end(h);
}

static void dialog_escape_cancels(void **state)
{
	const char *argv[] = { "dialog", "--yesno", "Sure?", "6", "30", NULL };
	ht *h;
	int st = -1;

	(void)state;
	if (!on_path("dialog"))
		skip();
	h = ht_start(argv, NULL, 24, 80);
	assert_non_null(h);
	HT_ASSERT_TEXT(h, "< No  >", T);
	assert_true(ht_wait_quiet(h, 50));
	assert_true(ht_key(h, HT_KEY_ESC));
	assert_true(ht_wait_exit(h, T, &st));
	assert_int_equal(WEXITSTATUS(st), 255);
	ht_end(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(cursor_addressing_lands_text, ht_teardown),
		cmocka_unit_test_teardown(arabic_lands_raw_in_logical_order, ht_teardown),
		cmocka_unit_test_teardown(wide_characters_take_two_cells, ht_teardown),
		cmocka_unit_test_teardown(clear_and_tput_use_the_terminfo_entry, ht_teardown),
		cmocka_unit_test_teardown(environment_is_the_same_for_every_child, ht_teardown),
		cmocka_unit_test_teardown(resize_reaches_child_and_screen, ht_teardown),
		cmocka_unit_test_teardown(hangup_makes_child_exit, ht_teardown),
		cmocka_unit_test_teardown(signal_reaches_child, ht_teardown),
		cmocka_unit_test_teardown(keys_are_encoded_like_xterm, ht_teardown),
		cmocka_unit_test_teardown(application_cursor_mode_is_honoured, ht_teardown),
		cmocka_unit_test_teardown(typed_text_is_echoed_and_erased, ht_teardown),
		cmocka_unit_test_teardown(terminal_answers_device_attributes, ht_teardown),
		cmocka_unit_test_teardown(sending_to_a_child_that_never_reads_gives_up,
		                          ht_teardown),
		cmocka_unit_test_teardown(early_exit_fails_fast, ht_teardown),
		cmocka_unit_test_teardown(exec_failure_shows_and_exits_127, ht_teardown),
		cmocka_unit_test_teardown(bytes_and_timestamps_are_counted, ht_teardown),
		cmocka_unit_test_teardown(wait_quiet_waits_for_silence, ht_teardown),
		cmocka_unit_test_teardown(failure_report_writes_the_screen, ht_teardown),
		cmocka_unit_test_teardown(nothing_outlives_ht_end, ht_teardown),
		cmocka_unit_test_teardown(services_end_with_their_handle, ht_teardown),
		cmocka_unit_test_teardown(services_die_with_a_signalled_test, ht_teardown),
		cmocka_unit_test_teardown(services_of_a_killed_test_are_swept, ht_teardown),
		cmocka_unit_test_teardown(dialog_msgbox_draws_a_box, ht_teardown),
		cmocka_unit_test_teardown(dialog_menu_moves_with_keys, ht_teardown),
		cmocka_unit_test_teardown(dialog_escape_cancels, ht_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
