/*
 * The report, on known data whose figures are computed by hand below:
 *
 *   now = T0 + 100 days; T0 = 2025-03-03 10:00 local.
 *   R1..R5 received at T0, decided after 2, 4, 6, 8, 10 days
 *     (R3 rejected, the others accepted) → to decision n = 5,
 *     median = x[2] = 6.00, p90: h = 4·0.9 = 3.6 → 8 + 0.6·(10−8) = 9.20.
 *   R1, R2 delivered after 20 and 30 days → to delivery n = 2,
 *     median = 25.00, p90: h = 0.9 → 20 + 0.9·10 = 29.00.
 *   R6 received at now − 10 days and still open.
 *   Status: delivered 2, accepted 2, rejected 1, received 1; total 6.
 *   Overdue (open, received > 30 days ago): R4, R5 → 2, 100 days open.
 *
 *   Surveys, question "overall":
 *     March, in person: 5 5 4 4 3 2 1 5 4 5 → n 10, dist 1/1/1/3/4,
 *       mean 3.80, CSAT 7/10 = 70.00 %, Wilson 95 % [39.68, 89.22]
 *     April, phone: 5 1 → n 2, mean 3.00, CSAT 50.00 %, Wilson [9.45, 90.55]
 *     whole period: n 12, mean 44/12 = 3.67, CSAT 8/12 = 66.67 %,
 *       Wilson [39.06, 86.19]
 *   ("courtesy" skipped (0) in those: not counted.)
 *   Website: 30 responses courtesy 5, 12 responses courtesy 4 (unlinked:
 *   a response is linked only to a delivered request, once — per-officer
 *   figures are tested in test_cli_survey_figures.c):
 *     courtesy, March: n 42, mean 198/42 = 4.71, CSAT 100.00 %,
 *       Wilson lower bound 42/(42 + 1.96²) = 91.62, upper 100.00.
 *     Per officer: none credited; min_n asked 10 is clamped to 30.
 */
#include "test_cli_util.h"

#include <csv.h>
#include <math.h>
#include <time.h>

#include "store/report.h"
#include "store/store.h"

#define DAY 86400
static time_t T0, NOW;

static void at(time_t t)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%lld", (long long)t);
	setenv("KHIDMA_FAKE_NOW", buf, 1);
}

static int64_t submit(store *s, time_t when, const char *name)
{
	struct request r;

	memset(&r, 0, sizeof r);
	strcpy(r.category, "member");
	r.name = (char *)name;
	strcpy(r.national_id, "1012345672");
	strcpy(r.mobile, "0501234567");
	r.email = "";
	strcpy(r.service, "maintenance");
	strcpy(r.channel, "in_person");
	r.description = "leaking pipe";
	r.signature = (char *)name;
	r.declaration_version = 1;
	strcpy(r.declared_by, "kiosk");
	at(when);
	assert_int_equal(store_request_submit(s, &r, "kiosk"), ST_OK);
	request_free(&(struct request){ 0 });
	return r.id;
}

static void move(store *s, int64_t id, req_status to, time_t when)
{
	struct request r;

	assert_int_equal(store_request_get(s, id, &r), ST_OK);
	at(when);
	assert_int_equal(store_request_transition(s, id, r.version, r.status, to,
	                 to == RS_ACCEPTED || to == RS_REJECTED ? "com1" : "ahmad",
	                 "reason"), ST_OK);
	request_free(&r);
}

static void assign(store *s, int64_t id, const char *who)
{
	struct request r;

	assert_int_equal(store_request_get(s, id, &r), ST_OK);
	assert_int_equal(store_request_assign(s, id, r.version, "admin", who), ST_OK);
	request_free(&r);
}

static void survey(store *s, time_t day, const char *channel, int64_t req,
                   const char *q, int score)
{
	struct survey_response sr;

	memset(&sr, 0, sizeof sr);
	strcpy(sr.channel, channel);
	(void)req;   /* linked responses: test_cli_survey_figures.c */
	sr.nanswers = 2;
	strcpy(sr.answers[0].question, q);
	sr.answers[0].score = score;
	strcpy(sr.answers[1].question, strcmp(q, "overall") ? "overall" : "courtesy");
	sr.answers[1].score = 0;                /* skipped: never counted */
	at(day);
	assert_int_equal(store_survey_submit(s, &sr), ST_OK);
}

static void fill(struct cu *c)
{
	static const int march[] = { 5, 5, 4, 4, 3, 2, 1, 5, 4, 5 };
	static const int decide[] = { 2, 4, 6, 8, 10 };
	struct store_opts o = { 0 };
	struct tm tm = { .tm_year = 125, .tm_mon = 2, .tm_mday = 3, .tm_hour = 10,
	                 .tm_isdst = -1 };
	int64_t id[6];
	char err[256];
	store *s;

	T0 = mktime(&tm);
	NOW = T0 + 100 * DAY;
	assert_int_equal(store_open(c->db, &o, &s, err, sizeof err), ST_OK);
	for (int i = 0; i < 5; i++) {
		id[i] = submit(s, T0, "Visitor Secret Name");
		move(s, id[i], RS_VERIFIED, T0 + 3600);
		move(s, id[i], RS_COMMITTEE, T0 + 7200);
		move(s, id[i], i == 2 ? RS_REJECTED : RS_ACCEPTED, T0 + decide[i] * DAY);
	}
	move(s, id[0], RS_REGISTERED, T0 + 15 * DAY);
	move(s, id[0], RS_DELIVERED, T0 + 20 * DAY);
	move(s, id[1], RS_REGISTERED, T0 + 25 * DAY);
	move(s, id[1], RS_DELIVERED, T0 + 30 * DAY);
	id[5] = submit(s, NOW - 10 * DAY, "Visitor Secret Name");
	assign(s, id[3], "ahmad");
	assign(s, id[4], "sara");
	for (int i = 0; i < 10; i++)
		survey(s, T0 + DAY, "in_person", 0, "overall", march[i]);
	survey(s, T0 + 35 * DAY, "phone", 0, "overall", 5);
	survey(s, T0 + 35 * DAY, "phone", 0, "overall", 1);
	for (int i = 0; i < 30; i++)
		survey(s, T0 + 2 * DAY, "website", id[3], "courtesy", 5);
	for (int i = 0; i < 12; i++)
		survey(s, T0 + 2 * DAY, "website", id[4], "courtesy", 4);
	store_close(s);
	at(NOW);
}

/* ---- the CSV, parsed with libcsv --------------------------------------- */

#define MAXR 128
struct rows { char *cell[MAXR][24]; int n, col, bad_width; };

static void f_cb(void *p, size_t len, void *d)
{
	struct rows *r = d;
	if (r->n < MAXR && r->col < 24)
		r->cell[r->n][r->col] = strndup(p ? p : "", len);
	r->col++;
}

static void r_cb(int ch, void *d)
{
	struct rows *r = d;
	(void)ch;
	if (r->col != 19)
		r->bad_width++;
	r->n++;
	r->col = 0;
}

static const char *get(struct rows *r, const char *section, const char *month,
                       const char *key, const char *column)
{
	int j, c = -1;

	for (j = 0; j < 19; j++)
		if (strcmp(r->cell[0][j], column) == 0)
			c = j;
	if (c < 0)
		fail_msg("no column %s", column);
	for (int i = 1; i < r->n && i < MAXR; i++)
		if (!strcmp(r->cell[i][0], section) && !strcmp(r->cell[i][1], month) &&
		    !strcmp(r->cell[i][2], key))
			return r->cell[i][c];
	fail_msg("no row %s,%s,%s", section, month, key);
	return NULL;
}

#define EXPECT(r, sec, mon, key, colname, want) \
	assert_string_equal(get((r), (sec), (mon), (key), (colname)), (want))

static void test_report_csv_known_figures(void **state)
{
	struct cu *c = cu_init();
	struct csv_parser p;
	struct rows r;
	(void)state;

	fill(c);
	cu_run(c, NULL, "report", "--format", "csv");
	CU_ASSERT_STATUS(c, 0);
	memset(&r, 0, sizeof r);
	assert_int_equal(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI), 0);
	assert_int_equal(csv_parse(&p, c->out, c->outlen, f_cb, r_cb, &r), c->outlen);
	assert_int_equal(csv_fini(&p, f_cb, r_cb, &r), 0);
	csv_free(&p);
	assert_int_equal(r.bad_width, 0);           /* every row 19 cells */
	assert_true(r.n < MAXR);

	EXPECT(&r, "total", "", "", "n", "6");
	EXPECT(&r, "status", "", "delivered", "n", "2");
	EXPECT(&r, "status", "", "accepted", "n", "2");
	EXPECT(&r, "status", "", "rejected", "n", "1");
	EXPECT(&r, "status", "", "received", "n", "1");
	EXPECT(&r, "service", "", "maintenance", "n", "6");
	EXPECT(&r, "overdue_total", "", "", "n", "2");
	EXPECT(&r, "to_decision", "", "", "n", "5");
	EXPECT(&r, "to_decision", "", "", "median_days", "6.00");
	EXPECT(&r, "to_decision", "", "", "p90_days", "9.20");
	EXPECT(&r, "to_delivery", "", "", "n", "2");
	EXPECT(&r, "to_delivery", "", "", "median_days", "25.00");
	EXPECT(&r, "to_delivery", "", "", "p90_days", "29.00");

	EXPECT(&r, "question", "2025-03", "overall", "n", "10");
	EXPECT(&r, "question", "2025-03", "overall", "mean", "3.80");
	EXPECT(&r, "question", "2025-03", "overall", "csat_pct", "70.00");
	EXPECT(&r, "question", "2025-03", "overall", "ci_lo_pct", "39.68");
	EXPECT(&r, "question", "2025-03", "overall", "ci_hi_pct", "89.22");
	EXPECT(&r, "question", "2025-03", "overall", "s1", "1");
	EXPECT(&r, "question", "2025-03", "overall", "s4", "3");
	EXPECT(&r, "question", "2025-03", "overall", "s5", "4");
	EXPECT(&r, "question", "2025-04", "overall", "n", "2");
	EXPECT(&r, "question", "2025-04", "overall", "csat_pct", "50.00");
	EXPECT(&r, "question", "2025-04", "overall", "ci_lo_pct", "9.45");
	EXPECT(&r, "question", "2025-04", "overall", "ci_hi_pct", "90.55");
	EXPECT(&r, "question", "all", "overall", "n", "12");
	EXPECT(&r, "question", "all", "overall", "mean", "3.67");
	EXPECT(&r, "question", "all", "overall", "csat_pct", "66.67");
	EXPECT(&r, "question", "all", "overall", "ci_lo_pct", "39.06");
	EXPECT(&r, "question", "all", "overall", "ci_hi_pct", "86.19");
	EXPECT(&r, "question", "2025-03", "courtesy", "n", "42");
	EXPECT(&r, "question", "2025-03", "courtesy", "mean", "4.71");
	EXPECT(&r, "question", "2025-03", "courtesy", "ci_lo_pct", "91.62");
	EXPECT(&r, "question", "2025-03", "courtesy", "ci_hi_pct", "100.00");
	EXPECT(&r, "channel", "all", "in_person", "csat_pct", "70.00");
	EXPECT(&r, "channel", "all", "phone", "n", "2");
	EXPECT(&r, "channel", "2025-03", "website", "responses", "42");
	EXPECT(&r, "officers_hidden", "", "", "n", "0");
	CU_ASSERT_LACKS(c->out, "officer,all,");      /* nobody credited */
	CU_ASSERT_HAS(c->out, "accepted/maintenance/sara");  /* overdue: assigned */
	CU_ASSERT_LACKS(c->out, "Visitor Secret Name");
	CU_ASSERT_LACKS(c->out, "1012345672");

	/* the period: April only */
	cu_run(c, NULL, "report", "--format", "csv", "--since", "2025-04-01",
	       "--until", "2025-04-30");
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "question,2025-04,overall,,2,2,");
	CU_ASSERT_LACKS(c->out, "2025-03");
	CU_ASSERT_HAS(c->out, "total,,,,0,");
	cu_run(c, NULL, "report", "--since", "2025-05-01", "--until", "2025-04-01");
	CU_ASSERT_STATUS(c, 2);
	for (int i = 0; i < MAXR; i++)
		for (int j = 0; j < 24; j++)
			free(r.cell[i][j]);
	cu_free(c);
}

static void test_report_text(void **state)
{
	struct cu *c = cu_init();
	(void)state;

	fill(c);
	cu_run(c, NULL, "report");
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "Requests received: 6");
	CU_ASSERT_HAS(c->out, "delivered            2  ");
	CU_ASSERT_HAS(c->out, "█");
	CU_ASSERT_HAS(c->out, "2 open requests received more than 30 days ago");
	/* durations in the unit that suits them, right-aligned under their heads */
	CU_ASSERT_HAS(c->out, "                                 n       median          p90\n"
	                      "  received to decision             5     6.0 days     9.2 days\n"
	                      "  received to delivery             2    25.0 days    29.0 days\n");
	/* the bars: each labelled with the number it is drawn from */
	CU_ASSERT_HAS(c->out, "  decision, median     6.0 days  ███");
	CU_ASSERT_HAS(c->out, "  delivery, p90       29.0 days  ███");
	CU_ASSERT_HAS(c->out, "70.0%  39.7–89.2");
	/* in the officer section: nobody (ahmad and sara are only in the
	 * overdue list's "assigned" column: an assignment credits no one) */
	CU_ASSERT_LACKS(strstr(c->out, "Satisfaction by officer"), "ahmad");
	CU_ASSERT_LACKS(strstr(c->out, "Satisfaction by officer"), "sara");
	CU_ASSERT_LACKS(c->out, "Visitor Secret Name");
	cu_free(c);
}

/* The API the officer console uses: min_n is clamped, never below 30. */
static void test_report_api_clamps_min_n(void **state)
{
	struct cu *c = cu_init();
	struct report_opts o = { .sla_days = 30, .min_n = 10 };
	struct store_opts so = { 0 };
	struct report *r;
	double lo, hi, x[] = { 1, 2, 3, 4 };
	char err[256];
	store *s;
	(void)state;

	fill(c);
	assert_int_equal(store_open(c->db, &so, &s, err, sizeof err), ST_OK);
	assert_int_equal(report_build(s, &o, &r), ST_OK);
	assert_int_equal(r->min_n, 30);
	assert_int_equal(r->nofficer, 0);
	assert_int_equal(r->officers_hidden, 0);
	assert_int_equal(r->noverdue, 2);
	assert_int_equal(r->overdue[0].days_open, 100);
	report_free(r);
	o.min_n = 31;                              /* upward is allowed */
	assert_int_equal(report_build(s, &o, &r), ST_OK);
	assert_int_equal(r->min_n, 31);
	report_free(r);
	store_close(s);

	report_wilson(0, 0, &lo, &hi);
	assert_true(lo == 0 && hi == 0);
	report_wilson(7, 10, &lo, &hi);
	assert_true(lo > 0.39677 && lo < 0.39679 && hi > 0.89220 && hi < 0.89222);
	assert_true(report_percentile(x, 4, 0.5) == 2.5);
	assert_true(report_percentile(x, 4, 1.0) == 4);
	assert_true(report_percentile(x, 0, 0.5) == 0);
	cu_free(c);
}

/* Each duration in the unit that suits it, rounded to what is printed, and
 * the bar's number (days) is that printed number converted back. */
static void test_duration_units(void **state)
{
	static const struct {
		double days; enum report_unit unit; double value; int decimals;
	} cases[] = {
		{ 0.5 / 1440, RU_MINUTES, 0.5, 1 },     /* 30 s */
		{ 4.0 / 1440, RU_MINUTES, 4.0, 1 },
		{ 9.96 / 1440, RU_MINUTES, 10, 0 },     /* rounds up to 10: no decimal */
		{ 59.4 / 1440, RU_MINUTES, 59, 0 },
		{ 1.0 / 24, RU_HOURS, 1.0, 1 },         /* one hour */
		{ 47.0 / 24, RU_HOURS, 47.0, 1 },
		{ 2.0, RU_DAYS, 2.0, 1 },
		{ 9.2, RU_DAYS, 9.2, 1 },
		{ 123.456, RU_DAYS, 123.5, 1 },
	};
	(void)state;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct report_shown v = report_duration_shown(cases[i].days);
		double per = v.unit == RU_MINUTES ? 1440 : v.unit == RU_HOURS ? 24 : 1;
		assert_int_equal(v.unit, cases[i].unit);
		assert_int_equal(v.decimals, cases[i].decimals);
		assert_true(fabs(v.value - cases[i].value) < 1e-9);
		assert_true(fabs(v.days * per - v.value) < 1e-9);
	}
	assert_true(report_duration_shown(0).value == 0);
	assert_true(report_duration_shown(-1).days == 0);
}

/* n = 0: no duration is 0.00; the text says "–" and draws no bar. */
static void test_report_text_empty(void **state)
{
	struct cu *c = cu_init();
	(void)state;

	cu_run(c, NULL, "report");
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "  received to decision             0            –            –\n"
	                      "  received to delivery             0            –            –\n");
	CU_ASSERT_LACKS(c->out, "0.00");
	CU_ASSERT_LACKS(c->out, "decision, median");
	cu_run(c, NULL, "report", "--format", "csv");
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "to_decision,,,,0,,,,");
	CU_ASSERT_LACKS(c->out, "0.00");
	cu_free(c);
}

/* The board's page: self-contained, Arabic right to left by default, the
 * same figures and bars, every value from the database escaped. */
static void test_report_html(void **state)
{
	struct cu *c = cu_init();
	struct store_opts so = { 0 };
	struct request rq;
	char err[256];
	store *s;
	(void)state;

	fill(c);
	/* a hostile login in the overdue list's "assigned" column */
	assert_int_equal(store_open(c->db, &so, &s, err, sizeof err), ST_OK);
	assert_int_equal(store_request_get(s, 5, &rq), ST_OK);     /* R5, sara's */
	assert_int_equal(store_request_assign(s, 5, rq.version, "admin",
	                 "<b>\"x\"&'</b>\xe2\x80\xae"), ST_OK);
	request_free(&rq);
	store_close(s);

	cu_run(c, NULL, "report", "--format", "html");
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "<!DOCTYPE html>\n<html lang=\"ar\" dir=\"rtl\">");
	CU_ASSERT_HAS(c->out, "<meta charset=\"utf-8\">");
	CU_ASSERT_LACKS(c->out, "<script");          /* self-contained, inert */
	CU_ASSERT_LACKS(c->out, "src=");
	CU_ASSERT_LACKS(c->out, "href=");
	CU_ASSERT_LACKS(c->out, "<link");
	CU_ASSERT_HAS(c->out, "<h2>حسب الحالة</h2>");
	/* status: received 1 of max 2 → half a bar, labelled 1 */
	CU_ASSERT_HAS(c->out, "<tr><th scope=\"row\"><bdi>مستلم</bdi></th><td class=\"num\">1</td>"
	                      "<td class=\"barcell\"><span class=\"bar\" style=\"width:50.0%\">");
	/* durations in days (Arabic unit), the bar from the printed 6.0 of 29.0 */
	CU_ASSERT_HAS(c->out, "<td class=\"num\">6.0 يوم</td><td class=\"barcell\">"
	                      "<span class=\"bar\" style=\"width:20.7%\">");
	/* satisfaction, whole period: CSAT 8/12 */
	CU_ASSERT_HAS(c->out, "<td class=\"num\">67% (n = 12)</td><td class=\"barcell\">"
	                      "<span class=\"bar\" style=\"width:66.7%\">");
	/* escaped and sanitised (no U+202E) */
	CU_ASSERT_HAS(c->out, "&lt;b&gt;&quot;x&quot;&amp;&#39;&lt;/b&gt;");
	CU_ASSERT_LACKS(c->out, "<b>");
	CU_ASSERT_LACKS(c->out, "\xe2\x80\xae");
	CU_ASSERT_LACKS(c->out, "Visitor Secret Name");
	/* per officer: nobody is credited in this data (see the top) */
	CU_ASSERT_HAS(c->out, "<h2>حسب الموظف");
	CU_ASSERT_LACKS(strstr(c->out, "<h2>حسب الموظف"), "ahmad");
	CU_ASSERT_LACKS(strstr(c->out, "<h2>حسب الموظف"), "&lt;b&gt;");

	cu_run(c, NULL, "--lang", "en", "report", "--format", "html");
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "<html lang=\"en\" dir=\"ltr\">");
	CU_ASSERT_HAS(c->out, "<h2>By status</h2>");
	CU_ASSERT_HAS(c->out, "<td class=\"num\">25.0 days</td><td class=\"num\">29.0 days</td>");
	cu_free(c);
}

/*
 * KHIDMA_FAKE_NOW moves khidma's clock for tests (the study period, the
 * SLA), so like KHIDMA_OFFICER_LOGIN and KHIDMA_LOG_FILE it is honoured only
 * by a binary inside the source tree: an installed khidma whose environment
 * carried it would date events and decisions as it said and could decide
 * inside the study period. The same binary copied outside the tree (the
 * screens through screens_dir) keeps the real clock. Skipped when
 * KHIDMA_BIN is not the program itself (make faults' valgrind wrapper).
 */
static void test_fake_now_only_in_the_tree(void **state)
{
	struct cu *c = cu_init();
	const char *bin = cu_bin(), *src = getenv("KHIDMA_SRCDIR");
	char *copy, conf[1200], cmd[2400], head[8] = "";
	FILE *f = fopen(bin, "rb");
	(void)state;

	assert_non_null(f);
	assert_true(fread(head, 1, 4, f) <= 4);
	fclose(f);
	if (memcmp(head, "\x7f" "ELF", 4) != 0) {
		cu_free(c);
		skip();
	}
	setenv("KHIDMA_FAKE_NOW", "0", 1);
	cu_run(c, NULL, "report");                    /* in the tree: honoured */
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "khidma report, 1970-01-01");

	copy = strdup(cu_path(c, "khidma"));
	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", bin, copy);
	assert_int_equal(system(cmd), 0);
	snprintf(conf, sizeof conf, "screens_dir = \"%s/screens\";\n", src ? src : ".");
	cu_write(c, "khidma.conf", conf, strlen(conf));
	setenv("KHIDMA_BIN", copy, 1);
	cu_run(c, NULL, "report");                    /* installed: ignored */
	setenv("KHIDMA_BIN", bin, 1);
	unsetenv("KHIDMA_FAKE_NOW");
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "khidma report, ");
	CU_ASSERT_LACKS(c->out, "1970");
	free(copy);
	cu_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_csv_known_figures),
		cmocka_unit_test(test_report_text),
		cmocka_unit_test(test_report_api_clamps_min_n),
		cmocka_unit_test(test_duration_units),
		cmocka_unit_test(test_report_text_empty),
		cmocka_unit_test(test_report_html),
		cmocka_unit_test(test_fake_now_only_in_the_tree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
