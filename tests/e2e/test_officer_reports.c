/*
 * test_officer_reports — the Reports screen fits and reads right (issue
 * "The officer's working day", §Reports), on the real binary at 80×24:
 *
 *  - every_service_row_scrolls_into_view: five service types with 5, 4, 3,
 *    2 and 1 requests. At 80×24 the Counts view is taller than the screen:
 *    its last row says which rows show, Down/PgDn/End scroll until every
 *    service type's bar is on screen, and each one's number is the one
 *    `khidma report` prints for that code; Home goes back to the top.
 *  - durations_in_their_unit_and_none: two decisions after 4 and 6
 *    minutes, no delivery. The screen says "5.0 min" and "5.8 min" (was
 *    "0.0" days for both, with bars of different lengths), the longer bar
 *    carries the larger number, and the deliveries (n = 0) show "–" and no
 *    bar; `khidma report` prints the same figures.
 *  - print_writes_what_report_prints (issue 12, "prints the same as khidma
 *    report"): P on the Reports screen (named in the footer) writes the
 *    text `khidma report` prints — the same bytes after the first line's
 *    time — into backup_dir and says the path; with report_print_command
 *    the same text goes to the command's stdin; with neither directory
 *    configured it says so and writes nothing.
 */
#include "e2e/test_officer_fixture.h"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "store/store.h"

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
	return 0;
}

static void at(time_t t)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%lld", (long long)t);
	setenv("KHIDMA_FAKE_NOW", buf, 1);
}

/* A request for service `code`, received at `when`. */
static int64_t submit(store *s, const char *code, int seed, time_t when)
{
	struct request r = { 0 };

	strcpy(r.category, "member");
	r.name = (char *)"Report Visitor";
	ofx_nid(seed, r.national_id);
	snprintf(r.mobile, sizeof r.mobile, "05512%05d", seed % 100000);
	r.email = "";
	strlcpy_k(r.service, code, sizeof r.service);
	strcpy(r.channel, "in_person");
	r.description = "Maintenance of the air conditioner in the house.";
	r.signature = (char *)"Report Visitor";
	r.declaration_version = 1;
	strcpy(r.declared_by, "kiosk");
	at(when);
	r.declared_at = when;
	assert_int_equal(store_request_submit(s, &r, "kiosk"), ST_OK);
	return r.id;
}

static void move(store *s, int64_t id, req_status to, time_t when)
{
	struct request r;

	assert_int_equal(store_request_get(s, id, &r), ST_OK);
	at(when);
	assert_int_equal(store_request_transition(s, id, r.version, r.status, to,
	                 to == RS_ACCEPTED ? "omar" : "ali", "reason"), ST_OK);
	request_free(&r);
}

/* `khidma report` (text) into a malloc'd string. */
static char *cli_report(struct ofx *f)
{
	char cmd[2048], *out = NULL;
	size_t len = 0;
	FILE *p, *m = open_memstream(&out, &len);
	int ch;

	snprintf(cmd, sizeof cmd, "'%s' --db '%s' --config '%s' report", ofx_bin(), f->db, f->conf);
	p = popen(cmd, "r");
	assert_non_null(p);
	while ((ch = fgetc(p)) != EOF)
		fputc(ch, m);
	assert_int_equal(pclose(p), 0);
	fclose(m);
	return out;
}

/* The count `khidma report` prints for service code (its line "  code  n"). */
static long cli_count(const char *text, const char *code)
{
	const char *sec = strstr(text, "Requests by service type"), *p;
	char pat[64];

	assert_non_null(sec);
	snprintf(pat, sizeof pat, "\n  %s ", code);
	p = strstr(sec, pat);
	if (p == NULL)
		return -1;
	return strtol(p + strlen(pat), NULL, 10);
}

/* The number at the end of the row holding label, or -1. */
static long row_value(ht *h, const char *label)
{
	int row = ofx_row_of(h, label);
	const char *t, *e;

	if (row < 0)
		return -1;
	t = ht_screen_text(h, row);
	e = t + strlen(t);
	while (e > t && e[-1] == ' ')
		e--;
	while (e > t && isdigit((unsigned char)e[-1]))
		e--;
	return strtol(e, NULL, 10);
}

static int blocks(const char *row)
{
	int n = 0;
	for (const char *p = row; (p = strstr(p, "█")) != NULL; p += strlen("█"))
		n++;
	return n;
}

static void every_service_row_scrolls_into_view(void **state)
{
	struct ofx *f = *state;
	struct catalog_item *svc = NULL;
	long seen[8] = { 0 };
	time_t now = time(NULL);
	int n = 0, seed = 100, found = 0;
	char *text;
	ht *h;

	store *s = ofx_open(f);
	assert_int_equal(store_catalog_list(s, "service", false, &svc, &n), ST_OK);
	assert_true(n >= 5);
	for (int i = 0; i < 5; i++)
		for (int k = 0; k < 5 - i; k++)
			(void)submit(s, svc[i].code, seed++, now - 3600);
	store_close(s);
	unsetenv("KHIDMA_FAKE_NOW");
	text = cli_report(f);

	h = ofx_session(f, "admin1", "en", NULL, 24, 80);
	ofx_login(h, PW);
	ht_keys(h, "r");
	HT_ASSERT_TEXT(h, "Requests in the period: 15", T);
	HT_ASSERT_TEXT(h, "By service type", T);
	HT_ASSERT_TEXT(h, "rows 1–", T);           /* taller than the screen: says so */
	(void)ht_wait_quiet(h, 200);
	/* scroll down a row at a time, noting each service's bar as it comes */
	for (int step = 0; step < 40; step++) {
		for (int i = 0; i < 5; i++)
			if (seen[i] == 0 && ofx_row_of(h, svc[i].name_en) >= 0)
				seen[i] = row_value(h, svc[i].name_en);
		ht_key(h, HT_KEY_DOWN);
		(void)ht_wait_quiet(h, 60);
	}
	for (int i = 0; i < 5; i++) {
		assert_int_equal(seen[i], 5 - i);
		assert_int_equal(seen[i], cli_count(text, svc[i].code));   /* as printed */
		found++;
	}
	assert_int_equal(found, 5);
	/* at the end, the whole service chart is on screen at once */
	for (int i = 0; i < 5; i++)
		HT_ASSERT(h, ofx_row_of(h, svc[i].name_en) >= 0);
	HT_ASSERT(h, ofx_row_of(h, "Requests in the period") < 0);
	ht_key(h, HT_KEY_HOME);
	HT_ASSERT_TEXT(h, "Requests in the period: 15", T);
	HT_ASSERT(h, ofx_row_of(h, svc[4].name_en) < 0);
	ht_key(h, HT_KEY_PGDN);
	HT_ASSERT_TEXT(h, svc[4].name_en, T);
	ht_key(h, HT_KEY_PGUP);
	HT_ASSERT_TEXT(h, "Requests in the period: 15", T);
	ht_key(h, HT_KEY_END);
	HT_ASSERT_TEXT(h, svc[4].name_en, T);
	ht_end(h);
	catalog_items_free(svc, n);
	free(text);
}

static void durations_in_their_unit_and_none(void **state)
{
	struct ofx *f = *state;
	struct catalog_item *svc = NULL;
	time_t t0 = time(NULL) - 86400;
	int n = 0, row;
	char *text;
	ht *h;

	store *s = ofx_open(f);
	assert_int_equal(store_catalog_list(s, "service", false, &svc, &n), ST_OK);
	for (int i = 0; i < 2; i++) {
		int64_t id = submit(s, svc[0].code, 200 + i, t0);
		move(s, id, RS_VERIFIED, t0 + 60);
		move(s, id, RS_COMMITTEE, t0 + 120);
		move(s, id, RS_ACCEPTED, t0 + (i ? 6 : 4) * 60);   /* 4 and 6 minutes */
	}
	store_close(s);
	catalog_items_free(svc, n);
	unsetenv("KHIDMA_FAKE_NOW");

	text = cli_report(f);
	assert_non_null(strstr(text, "  received to decision             2      5.0 min      5.8 min\n"));
	assert_non_null(strstr(text, "  received to delivery             0            –            –\n"));

	h = ofx_session(f, "admin1", "en", NULL, 24, 80);
	ofx_login(h, PW);
	ht_keys(h, "r");
	HT_ASSERT_TEXT(h, "Requests in the period: 2", T);
	ht_key(h, HT_KEY_TAB);
	ht_key(h, HT_KEY_TAB);
	HT_ASSERT_TEXT(h, "From receipt to the decision: median 5.0 min, 90th pct. 5.8 min (n = 2)", T);
	HT_ASSERT_TEXT(h, "From receipt to delivery: median –, 90th pct. – (n = 0)", T);
	(void)ht_wait_quiet(h, 200);
	HT_ASSERT(h, strstr(ht_screen(h), "0.0") == NULL);
	/* each bar carries the number it is drawn from */
	row = ofx_row_of(h, "Decision, median");
	HT_ASSERT(h, row >= 0 && strstr(ht_screen_text(h, row), "5.0 min") != NULL);
	int b_med = blocks(ht_screen_text(h, row));
	row = ofx_row_of(h, "Decision, 90th pct.");
	HT_ASSERT(h, row >= 0 && strstr(ht_screen_text(h, row), "5.8 min") != NULL);
	int b_p90 = blocks(ht_screen_text(h, row));
	HT_ASSERT(h, b_med > 0 && b_p90 > b_med);
	row = ofx_row_of(h, "Delivery, median");
	HT_ASSERT(h, row >= 0 && strstr(ht_screen_text(h, row), "–") != NULL);
	HT_ASSERT(h, strstr(ht_screen_text(h, row), "▏") == NULL && blocks(ht_screen_text(h, row)) == 0);
	ht_end(h);
	free(text);
}

/* text without its first line (the time it was made) */
static const char *after_first_line(const char *t)
{
	const char *nl = strchr(t, '\n');

	assert_non_null(nl);
	assert_true(strncmp(t, "khidma report, ", 15) == 0);
	return nl + 1;
}

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf = calloc(1, 65536);
	size_t n;

	assert_non_null(fp);
	n = fread(buf, 1, 65535, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static void print_writes_what_report_prints(void **state)
{
	struct ofx *f = *state;
	struct catalog_item *svc = NULL;
	time_t now = time(NULL);
	int n = 0, seed = 300;
	char conf[2400], dir[600], path[1000], *text, *file;
	const char *shown;
	ht *h;
	store *s = ofx_open(f);

	assert_int_equal(store_catalog_list(s, "service", false, &svc, &n), ST_OK);
	for (int i = 0; i < 3; i++) {
		int64_t id = submit(s, svc[i].code, seed++, now - 7200);
		if (i == 0)
			move(s, id, RS_VERIFIED, now - 3600);
	}
	store_close(s);
	catalog_items_free(svc, n);
	unsetenv("KHIDMA_FAKE_NOW");

	/* neither report_dir nor backup_dir: said, nothing written */
	h = ofx_session(f, "ali", "en", NULL, 24, 80);
	ofx_login(h, PW);
	ht_keys(h, "r");
	HT_ASSERT_TEXT(h, "Requests in the period: 3", T);
	HT_ASSERT_TEXT(h, "P print", T);              /* the footer names the key */
	ht_keys(h, "p");
	HT_ASSERT_TEXT(h, "No report directory is configured", T);
	ht_end(h);

	snprintf(dir, sizeof dir, "%s/backups", ht_dir(f->base));
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(conf, sizeof conf, "backup_dir = \"%s\";\n", dir);
	assert_true(ht_write_file(f->base, "khidma.conf", conf));
	text = cli_report(f);
	h = ofx_session(f, "ali", "en", NULL, 24, 80);
	ofx_login(h, PW);
	ht_keys(h, "r");
	HT_ASSERT_TEXT(h, "Requests in the period: 3", T);
	ht_keys(h, "p");
	snprintf(path, sizeof path, "Report written to %s/khidma-report-", dir);
	HT_ASSERT_TEXT(h, path, T);
	/* the one file in the directory is the one named */
	{
		DIR *d = opendir(dir);
		struct dirent *de;
		int files = 0;

		assert_non_null(d);
		while ((de = readdir(d)) != NULL)
			if (strncmp(de->d_name, "khidma-report-", 14) == 0 &&
			    strstr(de->d_name, ".txt") != NULL) {
				snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
				files++;
			}
		closedir(d);
		assert_int_equal(files, 1);
	}
	ht_end(h);
	file = slurp(path);
	shown = after_first_line(file);
	assert_string_equal(shown, after_first_line(text));
	assert_non_null(strstr(shown, "Requests received: 3"));
	free(file);

	/* piped to report_print_command instead */
	snprintf(path, sizeof path, "%s/printed.txt", ht_dir(f->base));
	snprintf(conf, sizeof conf, "backup_dir = \"%s\";\nreport_print_command = \"cat > '%s'\";\n",
	         dir, path);
	assert_true(ht_write_file(f->base, "khidma.conf", conf));
	h = ofx_session(f, "ali", "en", NULL, 24, 80);
	ofx_login(h, PW);
	ht_keys(h, "r");
	HT_ASSERT_TEXT(h, "Requests in the period: 3", T);
	ht_keys(h, "p");
	HT_ASSERT_TEXT(h, "The report was sent to the printer", T);
	ht_end(h);
	file = slurp(path);
	assert_string_equal(after_first_line(file), after_first_line(text));
	free(file);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(every_service_row_scrolls_into_view, setup, teardown),
		cmocka_unit_test_setup_teardown(durations_in_their_unit_and_none, setup, teardown),
		cmocka_unit_test_setup_teardown(print_writes_what_report_prints, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
