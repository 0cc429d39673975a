/*
 * `khidma check` on configuration mistakes (issue 15, finding 11), run as
 * the real binary: every cross-field rule (idle_warning ≥ idle_timeout,
 * study_days ≥ sla_days, receipt_timeout ≥ confirm_timeout when receipts are printed), what must exist
 * on the machine (db_group's group, receipt_command's program, the
 * database's directory, the docs) — each reported as file:line: reason,
 * exit 1 — and sizes: a 10 MB string is refused in well under a second
 * (before: accepted after 20 s–2 min of parsing), a string over its cap or
 * with a control character is refused at its line. The shipped example
 * still checks "ok".
 */
#include "test_cli_util.h"

#include <time.h>

/* Write conf as the config file and run `khidma check`. */
static void check_with(struct cu *c, const char *conf)
{
	cu_write(c, "khidma.conf", conf, strlen(conf));
	cu_run(c, NULL, "check");
}

/* The error names the config file and this line. */
static void assert_at_line(struct cu *c, int line, const char *what)
{
	char want[300];

	CU_ASSERT_STATUS(c, 1);
	snprintf(want, sizeof want, "%s:%d: ", c->conf, line);
	CU_ASSERT_HAS(c->err, want);
	CU_ASSERT_HAS(c->err, what);
	CU_ASSERT_LACKS(c->out, "ok");
}

static void test_cross_field_rules(void **state)
{
	struct cu *c = cu_new();
	(void)state;

	check_with(c, "idle_timeout = 30;\nidle_warning = 45;\n");
	assert_at_line(c, 2, "idle_warning (45) must be less than idle_timeout (30)");
	/* equal is impossible too; the line is the later key's */
	check_with(c, "idle_warning = 30;\nbidi = \"app\";\nidle_timeout = 30;\n");
	assert_at_line(c, 3, "idle_warning (30) must be less than idle_timeout (30)");
	check_with(c, "officer_idle_timeout = 60;\nofficer_idle_warning = 60;\n");
	assert_at_line(c, 2, "officer_idle_warning (60) must be less than "
	               "officer_idle_timeout (60)");
	/* against a default: the line of the key that was set */
	check_with(c, "\nstudy_days = 40;\n");
	assert_at_line(c, 2, "study_days (40) must be less than sla_days (30, "
	               "the default)");
	check_with(c, "confirm_timeout = 5;\nreceipt_timeout = 10;\n"
	           "receipt_command = \"cat\";\n");
	assert_at_line(c, 2, "receipt_timeout (10) must be less than "
	               "confirm_timeout (5)");
	/* no receipt printed: a short confirmation with the default receipt
	 * timeout is a valid kiosk (test_kiosk_intake runs one) */
	check_with(c, "confirm_timeout = 5;\n");
	CU_ASSERT_STATUS(c, 0);
	/* the same file fits the rules once fixed */
	check_with(c, "idle_timeout = 30;\nidle_warning = 10;\nstudy_days = 20;\n"
	           "confirm_timeout = 30;\nreceipt_timeout = 10;\n");
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "ok");
	cu_free(c);
}

static void test_machine_facts(void **state)
{
	struct cu *c = cu_new();
	char conf[512];
	(void)state;

	/* every problem is reported, each at its line */
	snprintf(conf, sizeof conf, "bidi = \"app\";\ndb_group = \"no-such-group-15\";\n"
	         "receipt_command = \"/no/such/lp -d kiosk\";\n"
	         "db = \"%s/missing/dir/k.db\";\n", c->dir);
	check_with(c, conf);
	assert_at_line(c, 2, "db_group \"no-such-group-15\": no such group");
	assert_at_line(c, 3, "receipt_command: the program of \"/no/such/lp -d "
	               "kiosk\" is not found");
	assert_at_line(c, 4, "directory");
	CU_ASSERT_HAS(c->err, "missing/dir does not exist");
	/* the same, all present: ok */
	snprintf(conf, sizeof conf, "db_group = \"root\";\nreceipt_command = "
	         "\"cat > /dev/null\";\ndb = \"%s/k.db\";\n", c->dir);
	check_with(c, conf);
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "ok");
	/* a doc that cannot be read */
	check_with(c, "docs = (\n { title_en = \"A\"; title_ar = \"ا\";\n"
	           "   path_en = \"/no/such/a.txt\"; path_ar = \"/etc/hostname\"; }\n);\n");
	assert_at_line(c, 1, "docs: /no/such/a.txt cannot be read");
	cu_free(c);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_sizes(void **state)
{
	struct cu *c = cu_new();
	size_t big = 10 * 1024 * 1024;
	char *conf = malloc(big + 64), line[200];
	double t0, took;
	(void)state;

	/* the time of a check of a tiny file: the process itself (seconds
	 * under valgrind) */
	t0 = now_s();
	check_with(c, "bidi = \"app\";\n");
	double base = now_s() - t0;
	/* a 10 MB string: refused at once, at its line */
	int k = sprintf(conf, "bidi = \"app\";\ndb = \"");
	memset(conf + k, 'a', big);
	strcpy(conf + k + big, "\";\n");
	t0 = now_s();
	check_with(c, conf);
	took = now_s() - t0;
	assert_at_line(c, 2, "line longer than 4096 bytes");
	print_message("10 MB string refused in %.3f s (a tiny file: %.3f s)\n",
	              took, base);
	assert_true(took < base + 1.0);
	/* the same bytes cut into short lines (libconfig joins "…" "…"): the
	 * file's size cap */
	char *p = conf + sprintf(conf, "db = \"a\"\n");
	for (int i = 0; i < 3000; i++)
		p += sprintf(p, "  \"%0100d\"\n", i);
	strcpy(p, ";\n");
	t0 = now_s();
	check_with(c, conf);
	assert_true(now_s() - t0 < base + 1.0);
	CU_ASSERT_STATUS(c, 1);
	CU_ASSERT_HAS(c->err, "the configuration file is longer than 256 KiB");
	/* a string over its own cap, and one with a control character */
	memset(line, 'k', 65);
	line[65] = '\0';
	snprintf(conf, 400, "bidi = \"app\";\n\nkiosk_id = \"%s\";\n", line);
	check_with(c, conf);
	assert_at_line(c, 3, "\"kiosk_id\" is 65 bytes long; at most 64");
	check_with(c, "receipt_command = \"lp\x1b[2J\";\n");
	assert_at_line(c, 1, "\"receipt_command\" holds a control character");
	snprintf(conf, 1400, "receipt_command = \"%01100d\";\n", 7);
	check_with(c, conf);
	assert_at_line(c, 1, "\"receipt_command\" is 1100 bytes long; at most 1024");
	free(conf);
	cu_free(c);
}

static void test_example_checks(void **state)
{
	struct cu *c = cu_new();
	const char *src = getenv("KHIDMA_SRCDIR");
	char path[512];
	size_t n = 0;
	char *ex;
	(void)state;

	snprintf(path, sizeof path, "%s/khidma.conf.example", src && *src ? src : ".");
	ex = cu_slurp(path, &n);
	assert_non_null(ex);
	cu_write(c, "khidma.conf", ex, n);
	free(ex);
	cu_run(c, NULL, "check");
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "ok");
	cu_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cross_field_rules),
		cmocka_unit_test(test_machine_facts),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_example_checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
