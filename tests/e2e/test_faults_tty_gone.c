/*
 * test_faults_tty_gone — the terminal goes away without a SIGHUP, and the
 * kiosk and the officer console still end (src/ui/ui_loop.c invariant 7).
 *
 * A `khidma officer` whose terminal vanished without SIGHUP (fds 0-2
 * "/dev/pts/N (deleted)") once spun at 51 % CPU for 47 minutes. A process
 * gets no SIGHUP when the pty's master closes if it is not the session
 * leader or has SIGHUP blocked; one in an orphaned background process
 * group of its terminal reads EIO forever (ncurses hides it as ERR). Here:
 *
 *  - SIGHUP blocked in the child (ht_before_exec), the master closed
 *    (ht_hangup): the kiosk at its welcome and in its idle countdown box,
 *    the console at its queue — each exits;
 *  - the child made an orphaned background process group of its pty (the
 *    foreground group set to another, which then died): every read of a
 *    key fails with EIO while the pty itself stays open. The kiosk and the
 *    console exit instead of spinning (before: the kiosk used ~45 % of a
 *    CPU, measured with ht_cpu_share, until killed).
 *
 * A process still there when it should have gone is measured over 2 s with
 * ht_cpu_share (/proc/PID/stat) and the share is in the failure message.
 */
#include "e2e/test_officer_fixture.h"

#include <signal.h>
#include <sys/wait.h>

static int setup(void **state)
{
	struct ofx *f = calloc(1, sizeof *f);

	ofx_setup(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	ofx_teardown(*state);
	free(*state);
	ht_end_all();
	return 0;
}

/* ---- the child's side, before the exec ---------------------------------- */

static void block_sighup(void *arg)
{
	sigset_t s;

	(void)arg;
	sigemptyset(&s);
	sigaddset(&s, SIGHUP);
	sigprocmask(SIG_BLOCK, &s, NULL);
}

/* Make the child (the session leader of its pty) an orphaned background
 * process group: a helper in a group of its own becomes the terminal's
 * foreground group and dies. Reads of the tty then fail with EIO. */
static void background_orphan(void *arg)
{
	int p[2];
	pid_t k;
	char c;

	(void)arg;
	if (pipe(p) != 0)
		_exit(120);
	k = fork();
	if (k == 0) {
		setpgid(0, 0);
		close(p[1]);
		(void)!read(p[0], &c, 1);     /* until the parent is done */
		_exit(0);
	}
	if (k < 0)
		_exit(121);
	setpgid(k, k);
	if (tcsetpgrp(STDIN_FILENO, k) != 0)
		_exit(122);
	close(p[1]);
	waitpid(k, NULL, 0);
	close(p[0]);
}

/* ---- starting --------------------------------------------------------------- */

static ht *kiosk(const char *conf, void (*hook)(void *))
{
	static const char *const args[] = { "--lang", "en", NULL };
	ht *h = ht_new(24, 80);

	assert_true(ht_write_file(h, "khidma.conf", conf));
	ht_before_exec(h, hook, NULL);
	assert_true(ht_spawn_khidma(h, args, NULL));
	return h;
}

static ht *officer(struct ofx *f, void (*hook)(void *))
{
	const char *argv[] = { ofx_bin(), "--db", f->db, "--config", f->conf,
	                       "--lang", "en", "officer", NULL };
	const char *env[] = { "KHIDMA_OFFICER_LOGIN=ali", NULL };
	ht *h = ht_new(24, 80);

	ht_before_exec(h, hook, NULL);
	assert_true(ht_spawn(h, argv, env));
	return h;
}

/* The child ends within T; if not, the failure says how busy it is. */
static void assert_ends(ht *h)
{
	char what[128];
	int st = -1;
	double cpu;

	if (ht_wait_exit(h, T, &st)) {
		HT_ASSERT(h, WIFEXITED(st));
		return;
	}
	cpu = ht_cpu_share(h, 2000);
	snprintf(what, sizeof what, "exited (still running after %d ms, at %.0f %% "
	         "of a CPU over 2 s)", T, cpu * 100);
	fail_msg("%s", ht_fail_report(h, what, __func__, __FILE__, __LINE__));
}

/* ---- no SIGHUP: the master closed ------------------------------------------ */

static void kiosk_master_closed_without_sighup(void **state)
{
	ht *h = kiosk("", block_sighup);

	(void)state;
	HT_ASSERT_TEXT(h, "Welcome", T);
	ht_wait_quiet(h, 200);
	ht_hangup(h);
	assert_ends(h);
	ht_end(h);
}

static void kiosk_idle_box_master_closed_without_sighup(void **state)
{
	ht *h = kiosk("idle_timeout = 2;\nidle_warning = 1;\n", block_sighup);

	(void)state;
	HT_ASSERT_TEXT(h, "Welcome", T);
	ht_keys(h, "2");
	HT_ASSERT_TEXT(h, "New service request", T);
	HT_ASSERT_TEXT(h, "Are you still there?", T);
	ht_hangup(h);
	assert_ends(h);
	ht_end(h);
}

static void officer_master_closed_without_sighup(void **state)
{
	struct ofx *f = *state;
	ht *h = officer(f, block_sighup);

	ofx_login(h, PW);
	ht_wait_quiet(h, 200);
	ht_hangup(h);
	assert_ends(h);
	ht_end(h);
}

/* ---- reads fail with EIO, the pty still open -------------------------------- */

static void kiosk_reads_eio(void **state)
{
	ht *h = kiosk("", background_orphan);

	(void)state;
	HT_ASSERT_TEXT(h, "Welcome", T);
	ht_sends(h, "2\r");     /* the tty stays cooked: a line reaches read */
	assert_ends(h);
	ht_end(h);
}

static void officer_reads_eio(void **state)
{
	struct ofx *f = *state;
	ht *h = officer(f, background_orphan);

	HT_ASSERT_TEXT(h, "Password", T);
	ht_sends(h, "x\r");
	assert_ends(h);
	ht_end(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(kiosk_master_closed_without_sighup, ht_teardown),
		cmocka_unit_test_teardown(kiosk_idle_box_master_closed_without_sighup, ht_teardown),
		cmocka_unit_test_setup_teardown(officer_master_closed_without_sighup, setup, teardown),
		cmocka_unit_test_teardown(kiosk_reads_eio, ht_teardown),
		cmocka_unit_test_setup_teardown(officer_reads_eio, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
