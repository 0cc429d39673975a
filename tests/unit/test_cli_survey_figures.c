/*
 * test_cli_survey_figures — issue 10, findings 7 and 8: what a survey keeps,
 * who is credited, and every satisfaction figure of `khidma report` (the
 * real binary) against numbers computed by hand below.
 *
 * Fixture (all in March 2025, local time; T0 = 2025-03-03 10:00):
 *   Q1..Q30 delivered requests, each: received (kiosk), verified and sent
 *   to the committee by ahmad, accepted by com1, registered by huda,
 *   delivered by sara (Q1..Q29) or by huda (Q30: huda registered AND
 *   delivered it — credited once). Each linked to ONE response (channel
 *   in_person) with answers (q1, q2):
 *     Q1..Q20  (5, 4)  mean 4.5, class 4, satisfied
 *     Q21..Q25 (4, 3)  mean 3.5, class 3, not satisfied (the mean, not
 *                      its rounding, must reach 4)
 *     Q26..Q29 (2, 1)  mean 1.5, class 1
 *     Q30      (5, 0)  q2 skipped: mean 5, class 5
 *   One unlinked response by phone with 5 answers q1..q5 = 5 4 4 2 1:
 *     mean 16/5 = 3.2, class 3, not satisfied.
 *   After delivery, a note on Q1 by omar and Q2 assigned to omar: they
 *   change no credit (on 288b69f omar took Q1's and Q2's scores).
 *
 * By hand (z = 1.959964, z² = 3.841459; Wilson: centre (p + z²/2n)/(1 +
 * z²/n), half-width z/(1 + z²/n)·√(p(1−p)/n + z²/4n²)):
 *   channel in_person: n 30 responses (288b69f said 59: answers), classes
 *     1/2/3/4/5 = 4/0/5/20/1, mean (20·4.5 + 5·3.5 + 4·1.5 + 5)/30 =
 *     118.5/30 = 3.95, CSAT 21/30 = 70.00 %; p = .7, den = 1.128049,
 *     centre = .7640243/1.128049 = .677298, half = 1.737481·√.00806707 =
 *     .156054 → [52.12, 83.34].
 *   channel phone: n 1 (288b69f: 5), classes 0/0/1/0/0, mean 3.20, CSAT
 *     0.00; p = 0: den = 4.841459, centre = 1.920730/4.841459 = .396726 =
 *     half → [0.00, 79.35].
 *   question q1: n 31 (30 + phone), dist 0/4/0/5/22, mean (8 + 20 + 110)/31
 *     = 4.45, CSAT 27/31 = 87.10 %, Wilson [71.15, 94.87].
 *   question q2: n 30 (Q30 skipped it), dist 4/0/5/21/0, mean 103/30 =
 *     3.43, CSAT 21/30 = 70.00 %, [52.12, 83.34].
 *   questions q3, q4, q5 (phone only): n 1 each; q3 = 4: CSAT 100.00,
 *     [20.65, 100.00]; q4 = 2, q5 = 1: CSAT 0.00, [0.00, 79.35].
 *   per officer (min_n 30): ahmad 30 responses and huda 30 (Q30 once, not
 *     31) are shown, each as channel in_person above; sara 29 < 30 is
 *     hidden (officers_hidden 1); com1 and omar are credited nothing.
 */
#include "test_cli_util.h"

#include <csv.h>
#include <sqlite3.h>
#include <time.h>

#include "store/report.h"
#include "store/store.h"

#define DAY 86400
static time_t T0;

static void at(time_t t)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%lld", (long long)t);
	setenv("KHIDMA_FAKE_NOW", buf, 1);
}

static void move(store *s, int64_t id, req_status to, const char *who)
{
	struct request r;

	assert_int_equal(store_request_get(s, id, &r), ST_OK);
	assert_int_equal(store_request_transition(s, id, r.version, r.status, to,
	                 who, "step"), ST_OK);
	request_free(&r);
}

/* A request walked to `last` (RS_DELIVERED for all the fixture's) with
 * these officers; its reference into ref. Mobile 05000000NN (NN = n). */
static int64_t request(store *s, int n, req_status last, const char *deliverer,
                       char *ref)
{
	static const req_status path[] = { RS_VERIFIED, RS_COMMITTEE, RS_ACCEPTED,
	                                   RS_REGISTERED, RS_DELIVERED };
	struct request r;
	char name[32];

	memset(&r, 0, sizeof r);
	snprintf(name, sizeof name, "Member Secret %d", n);
	strcpy(r.category, "member");
	r.name = name;
	strcpy(r.national_id, "1012345672");
	snprintf(r.mobile, sizeof r.mobile, "05000000%02d", n);
	r.email = "";
	strcpy(r.service, "maintenance");
	strcpy(r.channel, "in_person");
	r.description = "leaking pipe";
	r.signature = name;
	r.declaration_version = 1;
	strcpy(r.declared_by, "kiosk");
	assert_int_equal(store_request_submit(s, &r, "kiosk"), ST_OK);
	strcpy(ref, r.ref);
	for (size_t i = 0; i < sizeof path / sizeof path[0]; i++) {
		move(s, r.id, path[i], i < 2 ? "ahmad" : i == 2 ? "com1" :
		     i == 3 ? "huda" : deliverer);
		if (path[i] == last)
			break;
	}
	return r.id;
}

/* A response with scores for q1..q<n> (0 = skipped), linked by ref and
 * last4 when ref is not NULL. */
static st_rc respond(store *s, const char *channel, const char *ref,
                     const char *last4, const int *scores, int n,
                     struct survey_response *out)
{
	struct survey_response r;
	st_rc rc;

	memset(&r, 0, sizeof r);
	strcpy(r.channel, channel);
	if (ref) {
		strcpy(r.ref, ref);
		strcpy(r.last4, last4);
	}
	r.nanswers = n;
	for (int i = 0; i < n; i++) {
		snprintf(r.answers[i].question, sizeof r.answers[i].question, "q%d", i + 1);
		r.answers[i].score = scores[i];
	}
	rc = store_survey_submit(s, &r);
	if (out)
		*out = r;
	return rc;
}

static long long q(store *s, const char *sql)
{
	sqlite3_stmt *st;
	long long v = -1;

	assert_int_equal(sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void fill(struct cu *c)
{
	static const int phone[5] = { 5, 4, 4, 2, 1 };
	struct tm tm = { .tm_year = 125, .tm_mon = 2, .tm_mday = 3, .tm_hour = 10,
	                 .tm_isdst = -1 };
	struct store_opts o = { 0 };
	struct survey_response r;
	char err[256], ref[32], last4[16];
	store *s;
	int64_t id[31];

	T0 = mktime(&tm);
	at(T0);
	assert_int_equal(store_open(c->db, &o, &s, err, sizeof err), ST_OK);
	for (int i = 1; i <= 30; i++) {
		int sc[2] = { i <= 20 ? 5 : i <= 25 ? 4 : i <= 29 ? 2 : 5,
		              i <= 20 ? 4 : i <= 25 ? 3 : i <= 29 ? 1 : 0 };

		at(T0 + i * 3600);
		id[i] = request(s, i, RS_DELIVERED, i == 30 ? "huda" : "sara", ref);
		snprintf(last4, sizeof last4, "00%02d", i % 100);
		at(T0 + DAY + i * 60);
		assert_int_equal(respond(s, "in_person", ref, last4, sc, 2, &r), ST_OK);
		assert_string_equal(r.service, "maintenance");
		assert_string_equal(r.credited[0], "ahmad");
		assert_string_equal(r.credited[1], "huda");
		assert_string_equal(r.credited[2], i == 30 ? "huda" : "sara");
	}
	at(T0 + 2 * DAY);
	assert_int_equal(respond(s, "phone", NULL, NULL, phone, 5, NULL), ST_OK);
	/* after delivery: nothing moves the credit */
	assert_int_equal(store_request_note(s, id[1], "omar", "called the member"), ST_OK);
	{
		struct request x;

		assert_int_equal(store_request_get(s, id[2], &x), ST_OK);
		assert_int_equal(store_request_assign(s, id[2], x.version, "admin", "omar"),
		                 ST_OK);
		request_free(&x);
	}
	assert_int_equal(q(s, "SELECT count(*) FROM survey_officer_days WHERE "
	                   "officer IN ('omar', 'com1', 'admin')"), 0);
	store_close(s);
	at(T0 + 40 * DAY);
}

/* ---- the CSV, parsed with libcsv --------------------------------------- */

#define MAXR 96
struct rows { char *cell[MAXR][24]; int n, col; };

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
	r->n++;
	r->col = 0;
}

/* "section,month,key" → "n mean csat ci_lo ci_hi s1/s2/s3/s4/s5" */
static const char *fig(struct rows *r, const char *section, const char *month,
                       const char *key)
{
	static const char *const want[] = { "n", "mean", "csat_pct", "ci_lo_pct",
	                                    "ci_hi_pct", "s1", "s2", "s3", "s4", "s5" };
	static char buf[160];
	int c[10];

	for (int k = 0; k < 10; k++) {
		c[k] = -1;
		for (int j = 0; j < 24 && r->cell[0][j]; j++)
			if (strcmp(r->cell[0][j], want[k]) == 0)
				c[k] = j;
		assert_true(c[k] >= 0);
	}
	for (int i = 1; i < r->n && i < MAXR; i++)
		if (!strcmp(r->cell[i][0], section) && !strcmp(r->cell[i][1], month) &&
		    !strcmp(r->cell[i][2], key)) {
			snprintf(buf, sizeof buf, "%s %s %s %s %s %s/%s/%s/%s/%s",
			         r->cell[i][c[0]], r->cell[i][c[1]], r->cell[i][c[2]],
			         r->cell[i][c[3]], r->cell[i][c[4]], r->cell[i][c[5]],
			         r->cell[i][c[6]], r->cell[i][c[7]], r->cell[i][c[8]],
			         r->cell[i][c[9]]);
			return buf;
		}
	return "(no row)";
}

static void parse(struct cu *c, struct rows *r)
{
	struct csv_parser p;

	memset(r, 0, sizeof *r);
	assert_int_equal(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI), 0);
	assert_int_equal(csv_parse(&p, c->out, c->outlen, f_cb, r_cb, r), c->outlen);
	assert_int_equal(csv_fini(&p, f_cb, r_cb, r), 0);
	csv_free(&p);
	assert_true(r->n < MAXR);
}

static void rows_free(struct rows *r)
{
	for (int i = 0; i < MAXR; i++)
		for (int j = 0; j < 24; j++)
			free(r->cell[i][j]);
}

static void expect_all(struct rows *r, const char *month)
{
	assert_string_equal(fig(r, "channel", month, "in_person"),
	                    "30 3.95 70.00 52.12 83.34 4/0/5/20/1");
	assert_string_equal(fig(r, "channel", month, "phone"),
	                    "1 3.20 0.00 0.00 79.35 0/0/1/0/0");
	assert_string_equal(fig(r, "question", month, "q1"),
	                    "31 4.45 87.10 71.15 94.87 0/4/0/5/22");
	assert_string_equal(fig(r, "question", month, "q2"),
	                    "30 3.43 70.00 52.12 83.34 4/0/5/21/0");
	assert_string_equal(fig(r, "question", month, "q3"),
	                    "1 4.00 100.00 20.65 100.00 0/0/0/1/0");
	assert_string_equal(fig(r, "question", month, "q4"),
	                    "1 2.00 0.00 0.00 79.35 0/1/0/0/0");
	assert_string_equal(fig(r, "question", month, "q5"),
	                    "1 1.00 0.00 0.00 79.35 1/0/0/0/0");
}

static void test_figures_to_the_last_digit(void **state)
{
	struct cu *c = cu_init();
	struct rows r;
	(void)state;

	fill(c);
	cu_run(c, NULL, "report", "--format", "csv");
	CU_ASSERT_STATUS(c, 0);
	parse(c, &r);
	expect_all(&r, "2025-03");
	expect_all(&r, "all");
	assert_string_equal(fig(&r, "officer", "all", "ahmad"),
	                    "30 3.95 70.00 52.12 83.34 4/0/5/20/1");
	assert_string_equal(fig(&r, "officer", "all", "huda"),
	                    "30 3.95 70.00 52.12 83.34 4/0/5/20/1");
	assert_string_equal(fig(&r, "officer", "all", "sara"), "(no row)");  /* 29 */
	assert_string_equal(fig(&r, "officer", "all", "omar"), "(no row)");
	CU_ASSERT_HAS(c->out, "officers_hidden,,,,1,");
	rows_free(&r);

	/* a period inside March counts March's surveys (kept by month) */
	cu_run(c, NULL, "report", "--format", "csv", "--since", "2025-03-20",
	       "--until", "2025-03-31");
	CU_ASSERT_STATUS(c, 0);
	parse(c, &r);
	expect_all(&r, "all");
	rows_free(&r);
	cu_run(c, NULL, "report", "--format", "csv", "--since", "2025-04-01");
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_LACKS(c->out, "in_person,");

	/* the text report: the same figures */
	cu_run(c, NULL, "report");
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "phone               1  3.20   0.0%  0.0–79.3");
	CU_ASSERT_HAS(c->out, "in_person          30  3.95  70.0%  52.1–83.3");
	CU_ASSERT_HAS(c->out, "1 officer with fewer responses not shown");
	CU_ASSERT_HAS(strstr(c->out, "Satisfaction by officer"), "huda");
	CU_ASSERT_LACKS(strstr(c->out, "Satisfaction by officer"), "sara");
	CU_ASSERT_LACKS(c->out, "Member Secret");
	cu_free(c);
}

/* 29 vs 30 around report_min_n: one more credited response shows sara. */
static void test_min_n_boundary(void **state)
{
	struct cu *c = cu_init();
	struct store_opts o = { 0 };
	struct report_opts ro = { .sla_days = 30, .min_n = 30 };
	struct report *rep;
	const int sc[1] = { 3 };
	char err[256], ref[32];
	store *s;
	(void)state;

	fill(c);
	assert_int_equal(store_open(c->db, &o, &s, err, sizeof err), ST_OK);
	assert_int_equal(report_build(s, &ro, &rep), ST_OK);
	assert_int_equal(rep->nofficer, 2);
	assert_int_equal(rep->officers_hidden, 1);
	report_free(rep);
	at(T0 + 3 * DAY);
	request(s, 31, RS_DELIVERED, "sara", ref);
	assert_int_equal(respond(s, "website", ref, "0031", sc, 1, NULL), ST_OK);
	assert_int_equal(report_build(s, &ro, &rep), ST_OK);
	assert_int_equal(rep->nofficer, 3);
	assert_int_equal(rep->officers_hidden, 0);
	assert_string_equal(rep->by_officer[2].key, "sara");
	assert_int_equal(rep->by_officer[2].n, 30);
	assert_int_equal(rep->by_officer[2].responses, 30);
	assert_int_equal(rep->by_officer[0].n, 31);             /* ahmad */
	report_free(rep);
	store_close(s);
	cu_free(c);
}

/* The link: reference + last 4 of the mobile, delivered, once; refusals
 * store nothing; the response row can name no request or member. */
static void test_link_rules(void **state)
{
	struct cu *c = cu_init();
	struct store_opts o = { 0 };
	struct survey_response r;
	const int sc[1] = { 4 };
	char err[256], ref[32], ref2[32];
	store *s;
	(void)state;

	assert_int_equal(store_open(c->db, &o, &s, err, sizeof err), ST_OK);
	at(1741000000);
	request(s, 1, RS_DELIVERED, "sara", ref);
	request(s, 2, RS_ACCEPTED, "sara", ref2);
	assert_int_equal(respond(s, "in_person", ref, "9999", sc, 1, &r), ST_NOTFOUND);
	assert_int_equal(respond(s, "in_person", "0100000099", "0001", sc, 1, &r),
	                 ST_NOTFOUND);
	assert_int_equal(respond(s, "in_person", ref2, "0002", sc, 1, &r), ST_DENIED);
	assert_int_equal(r.refused, SURVEY_NOT_DELIVERED);
	assert_int_equal(q(s, "SELECT count(*) FROM survey_responses"), 0);
	assert_int_equal(respond(s, "in_person", ref, "0001", sc, 1, &r), ST_OK);
	assert_int_equal(respond(s, "in_person", ref, "0001", sc, 1, &r), ST_DENIED);
	assert_int_equal(r.refused, SURVEY_ALREADY_USED);
	assert_int_equal(q(s, "SELECT count(*) FROM survey_responses"), 1);
	assert_int_equal(q(s, "SELECT count(*) FROM survey_answers"), 1);
	/* unlinked responses are always welcome */
	assert_int_equal(respond(s, "in_person", NULL, NULL, sc, 1, &r), ST_OK);
	assert_string_equal(r.service, "");
	assert_int_equal(q(s, "SELECT count(*) FROM survey_responses"), 2);
	/* what a response keeps, and nothing else */
	assert_int_equal(q(s, "SELECT count(*) FROM pragma_table_info('survey_responses') "
	                   /* idem (v15): a migrated response's key, "ms:BB:<id>" */
	                   "WHERE name NOT IN ('id','day','channel','idem','comment','service',"
	                   "'off_verified','off_registered','off_delivered','s1','s2',"
	                   "'s3','s4','s5')"), 0);
	/* the month: local midnight of the 1st */
	{
		struct tm tm;
		time_t d = (time_t)q(s, "SELECT max(day) FROM survey_responses");

		localtime_r(&d, &tm);
		assert_int_equal(tm.tm_mday, 1);
		assert_int_equal(tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec, 0);
	}
	store_close(s);

	/* the export prints no request id, no reference, no officer */
	cu_run(c, NULL, "export", "surveys", "--format", "csv");
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "id,day,channel,service,comment,answers");
	CU_ASSERT_LACKS(c->out, "request");
	CU_ASSERT_LACKS(c->out, ref);
	CU_ASSERT_LACKS(c->out, "sara");
	CU_ASSERT_LACKS(c->out, "ahmad");
	cu_free(c);
}

/* Schema v9 migrates linked responses: the link is dropped, the figures
 * and the credit (as of the delivery) kept, the request marked evaluated. */
static void test_migration_keeps_figures(void **state)
{
	struct store_opts o = { .create = true };
	char dir[64] = "/tmp/khidma-surveyfig-XXXXXX", path[128], err[256];
	store *s;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/khidma.db", dir);
	assert_int_equal(store_open_at_version(path, &o, 7, &s, err, sizeof err), ST_OK);
	assert_int_equal(sqlite3_exec(store_db(s),
		"INSERT INTO requests(seq, ref, category, name, national_id, mobile, service,"
		" channel, description, created_at, earliest_response, status, updated_at,"
		" last_officer, assigned_to) VALUES (1, '01000011', 'member', 'A', '1000000020',"
		" '0500000020', 'training', 'in_person', 'x', 1741000000, 0, 'delivered', 0,"
		" 'omar', 'omar');"
		"INSERT INTO request_events(request_id, at, who, from_status, to_status, note)"
		" VALUES (1, 1741000000, 'kiosk', 'received', 'received', 'submitted'),"
		" (1, 1741000100, 'ahmad', 'received', 'verified', ''),"
		" (1, 1741000200, 'ahmad', 'verified', 'committee', ''),"
		" (1, 1741000300, 'com1', 'committee', 'accepted', ''),"
		" (1, 1741000400, 'huda', 'accepted', 'registered', ''),"
		" (1, 1741000500, 'sara', 'registered', 'delivered', ''),"
		" (1, 1741000600, 'omar', 'delivered', 'delivered', 'a later note');"
		"INSERT INTO survey_responses(day, channel, request_id) VALUES"
		" (1740960000, 'phone', 1), (1740960000, 'phone', 1), (1740960000, 'phone', NULL);"
		"INSERT INTO survey_answers VALUES (1, 'q1', 5), (1, 'q2', 4), (1, 'q3', 4),"
		" (1, 'q4', 2), (1, 'q5', 1), (2, 'q1', 4), (3, 'q1', 5);",
		NULL, NULL, NULL), SQLITE_OK);
	store_close(s);
	assert_int_equal(store_open(path, &o, &s, err, sizeof err), ST_OK);
	assert_int_equal(q(s, "SELECT count(*) FROM pragma_table_info('survey_responses') "
	                   "WHERE name = 'request_id'"), 0);
	assert_int_equal(q(s, "SELECT count(*) FROM survey_responses WHERE service = "
	                   "'training' AND off_verified = 'ahmad' AND off_registered = "
	                   "'huda' AND off_delivered = 'sara'"), 2);
	assert_int_equal(q(s, "SELECT surveyed FROM requests WHERE id = 1"), 1);
	/* per channel: 3 responses (not 7 answers), classes 3, 4, 5 */
	assert_int_equal(q(s, "SELECT responses * 100000 + s1 * 10000 + s2 * 1000 + "
	                   "s3 * 100 + s4 * 10 + s5 FROM survey_channel_days"), 300111);
	assert_int_equal(q(s, "SELECT msum FROM survey_channel_days"),
	                 (16 * 720720 / 5) + 4 * 720720 + 5 * 720720);
	/* per officer: the two linked responses to ahmad, huda and sara each
	 * (frozen at the delivery: not omar, who noted and holds it since) */
	assert_int_equal(q(s, "SELECT count(*) FROM survey_officer_days"), 3);
	assert_int_equal(q(s, "SELECT count(*) FROM survey_officer_days WHERE officer "
	                   "IN ('ahmad', 'huda', 'sara') AND responses = 2 AND s3 = 1 "
	                   "AND s4 = 1"), 3);
	store_close(s);
	cu_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_figures_to_the_last_digit),
		cmocka_unit_test(test_min_n_boundary),
		cmocka_unit_test(test_link_rules),
		cmocka_unit_test(test_migration_keeps_figures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
