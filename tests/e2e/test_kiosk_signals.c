/*
 * test_kiosk_signals — the terminal restore belongs to the process that
 * owns the terminal (src/ui/ui_term.c, invariant 5). The kiosk forks a
 * supervisor for receipt_command (fork without exec: it inherits the
 * kiosk's signal handlers). A signal that kills that supervisor must not
 * write the restore (leave the alternate screen, `CSI 8 h`) over the
 * kiosk's screen; the kiosk goes on, and its own SIGTERM still restores.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e/harness.h"
#include "e2e/test_kiosk_util.h"

static bool has_bytes(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(hay + i, needle, k) == 0)
			return true;
	return false;
}

/* The first child of pid (the receipt supervisor), or 0. */
static pid_t first_child(pid_t pid)
{
	char path[64];
	long v = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid, (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (fscanf(f, "%ld", &v) != 1)
		v = 0;
	fclose(f);
	return (pid_t)v;
}

static void a_forked_child_never_restores_over_the_kiosk(void **state)
{
	ht *h = ht_new(24, 80);
	pid_t sup = 0;
	size_t n = 0;
	const char *t;
	int st = -1;

	(void)state;
	if (!ht_write_file(h, "khidma.conf", "idle_timeout = 600;\nconfirm_timeout = 60;\n"
	                   "receipt_timeout = 20;\nreceipt_command = \"sleep 30\";\n") ||
	    !ht_spawn_khidma(h, NULL, NULL))
		fail_msg("cannot start khidma");
	kiosk_choose_lang(h, false);
	kiosk_fill_request(h, "Sara Ali", NID_OK, "0551234567", "The heater leaks.");
	HT_ASSERT_TEXT(h, "Check your request", KT);
	ht_keys(h, "1");
	HT_ASSERT_TEXT(h, "Messages about this request", KT);
	ht_keys(h, "1");                       /* no messages (consent.c) */
	HT_ASSERT_TEXT(h, "I confirm that the information", KT);
	ht_keys(h, "1");
	ht_key(h, HT_KEY_ENTER);
	type_line(h, "Sara Ali");
	HT_ASSERT_TEXT(h, "print a receipt", KT);
	ht_wait_quiet(h, 100);
	ht_keys(h, "1");                           /* print: the supervisor forks */
	HT_ASSERT_TEXT(h, "Your receipt is being printed.", KT);
	for (int i = 0; i < 100 && sup == 0; i++) {
		sup = first_child(ht_pid(h));
		if (sup == 0)
			usleep(20000);
	}
	assert_true(sup > 0);
	ht_tail_mark(h);
	assert_int_equal(kill(sup, SIGUSR1), 0);   /* fatal by default, handler inherited */
	ht_wait_quiet(h, 300);
	t = ht_tail(h, &n);
	HT_ASSERT(h, !has_bytes(t, n, "\033[?1049l"));
	HT_ASSERT(h, !has_bytes(t, n, "\033[8h"));
	HT_ASSERT(h, !ht_exited(h, NULL));
	HT_ASSERT_TEXT(h, "Your reference number is", KT);

	/* the kiosk's own end still restores */
	ht_tail_mark(h);
	HT_ASSERT(h, ht_signal(h, SIGTERM));
	HT_ASSERT(h, ht_wait_exit(h, KT, &st));
	ht_pump(h, 300);
	t = ht_tail(h, &n);
	HT_ASSERT(h, WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
	HT_ASSERT(h, has_bytes(t, n, "\033[?1049l"));
	HT_ASSERT(h, has_bytes(t, n, "\033[8h"));
	ht_end(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_forked_child_never_restores_over_the_kiosk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
