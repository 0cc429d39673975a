/*
 * test_faults_receipt — a receipt printer that hangs never holds the kiosk
 * (issue 15, finding 1). The real binary, receipt_command a shell line that
 * writes its process group id to a file and sleeps 30 s:
 *
 *  - after "1" the kiosk answers keys at once (F2 switches the language
 *    twice), tells the visitor in one line that the receipt could not be
 *    printed once receipt_timeout (2 s here) has passed, the command's
 *    whole process group is gone, and the confirmation returns to the
 *    welcome by itself as usual;
 *  - a visitor who leaves the confirmation while it prints is on the
 *    welcome at once, the next visitor is served, and the command is still
 *    killed on time;
 *  - a command that fails at once is reported the same way.
 * On 288b69f the first two hang for 30 s on the "1" (popen + pclose).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "e2e/harness.h"
#include "e2e/test_kiosk_util.h"

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

/* The kiosk with receipt_command `cmd` (%s: the pgid file), on the
 * confirmation of a fresh request in English. */
static ht *to_confirmation(const char *cmd, int confirm_timeout)
{
	ht *h = ht_new(24, 80);
	char conf[1024], line[512];

	snprintf(line, sizeof line, cmd, ht_path(h, "pgid"));
	snprintf(conf, sizeof conf, "idle_timeout = 600;\nconfirm_timeout = %d;\n"
	         "receipt_timeout = 2;\nreceipt_command = \"%s\";\n",
	         confirm_timeout, line);
	if (!ht_write_file(h, "khidma.conf", conf) || !ht_spawn_khidma(h, NULL, NULL))
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
	return h;
}

/* The process group the command wrote, once it has written it. */
static pid_t read_pgid(ht *h)
{
	long long end = now_ms() + scale(KT);

	while (now_ms() < end) {
		FILE *f = fopen(ht_path(h, "pgid"), "r");
		long v = 0;

		if (f != NULL) {
			int n = fscanf(f, "%ld", &v);
			fclose(f);
			if (n == 1 && v > 1)
				return (pid_t)v;
		}
		usleep(20000);
	}
	fail_msg("the receipt command never started");
	return 0;
}

/* A live (not zombie) process in group pg: /proc/PID/stat fields 3 (state)
 * and 5 (pgrp). A killed child reparented to init stays a zombie until
 * init reaps it, which can take seconds; kill(-pg, 0) would count it. */
static bool group_alive(pid_t pg)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	bool alive = false;

	assert_non_null(d);
	while (!alive && (e = readdir(d)) != NULL) {
		char path[300], buf[512], *p;
		char st;
		long pgrp;
		FILE *f;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		buf[0] = '\0';
		if (fgets(buf, sizeof buf, f) == NULL)
			buf[0] = '\0';
		fclose(f);
		if ((p = strrchr(buf, ')')) == NULL)
			continue;
		if (sscanf(p + 1, " %c %*d %ld", &st, &pgrp) == 2 && pgrp == pg && st != 'Z')
			alive = true;
	}
	closedir(d);
	return alive;
}

/* true once the process group is gone, false at the deadline */
static bool group_gone_within(pid_t pg, int ms)
{
	long long end = now_ms() + ms;

	while (now_ms() < end) {
		if (!group_alive(pg))
			return true;
		usleep(20000);
	}
	return !group_alive(pg);
}

static const char sleeper[] = "echo $$ > '%s'; sleep 30";

static void hanging_printer_never_holds_the_kiosk(void **state)
{
	ht *h = to_confirmation(sleeper, 12);
	long long t0;
	pid_t pg;

	(void)state;
	ht_keys(h, "1");
	HT_ASSERT_TEXT(h, "Your receipt is being printed.", 1000);
	pg = read_pgid(h);
	assert_true(group_alive(pg));
	/* keys are answered at once while it "prints" */
	t0 = now_ms();
	ht_key(h, HT_KEY_F2);
	HT_ASSERT_GONE(h, "print a receipt", 1000);      /* Arabic now */
	ht_key(h, HT_KEY_F2);
	HT_ASSERT_TEXT(h, "print a receipt", 1000);
	if (now_ms() - t0 > scale(1000))
		fail_msg("two F2 took %lld ms while the receipt printed", now_ms() - t0);
	/* killed after receipt_timeout (2 s), the visitor told in one line */
	HT_ASSERT_TEXT(h, "The receipt could not be printed", scale(4000));
	assert_true(group_gone_within(pg, scale(500)));
	/* and the confirmation still goes back to the welcome by itself */
	HT_ASSERT_TEXT(h, "Welcome", scale(15000));
	ht_end(h);
}

static void leaving_while_it_prints(void **state)
{
	ht *h = to_confirmation(sleeper, 60);
	long long t0;
	pid_t pg;

	(void)state;
	ht_keys(h, "1");
	HT_ASSERT_TEXT(h, "Your receipt is being printed.", 1000);
	pg = read_pgid(h);
	t0 = now_ms();
	ht_key(h, HT_KEY_ENTER);                          /* finish */
	HT_ASSERT_TEXT(h, "Welcome", 1000);
	ht_keys(h, "2");                                  /* the next visitor */
	HT_ASSERT_TEXT(h, "New service request", 1000);
	if (now_ms() - t0 > scale(1500))
		fail_msg("the next visitor waited %lld ms", now_ms() - t0);
	/* the supervisor kills it on time though nobody looks any more */
	assert_true(group_gone_within(pg, scale(4000)));
	ht_end(h);
}

static void failing_printer_is_reported(void **state)
{
	ht *h = to_confirmation("echo $$ > '%s'; exit 3", 60);

	(void)state;
	ht_keys(h, "1");
	HT_ASSERT_TEXT(h, "The receipt could not be printed", scale(3000));
	/* in the visitor's language: Arabic after F2 */
	ht_key(h, HT_KEY_F2);
	HT_ASSERT_GONE(h, "print a receipt", 1000);
	ht_end(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(hanging_printer_never_holds_the_kiosk, ht_teardown),
		cmocka_unit_test_teardown(leaving_while_it_prints, ht_teardown),
		cmocka_unit_test_teardown(failing_printer_is_reported, ht_teardown),
	};

	if (!ht_khidma_bin_set())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
