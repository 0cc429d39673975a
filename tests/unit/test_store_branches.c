/*
 * test_store_branches — many branches, one society (issue 13): the
 * machine's branch (store_opts.branch), the submission's sequence per
 * branch, tracking across branches. Contract tests on both engines
 * (FX_RUN_BOTH); what only a server shared by branches can do is checked
 * in the PostgreSQL pass.
 */
#include <sys/wait.h>

#include "store_fixture.h"
#include "store/report.h"

static store *open_as(const char *path, const char *branch, st_rc *rc)
{
	struct store_opts o = { .create = true, .branch = branch };
	char err[512] = "";
	store *s = NULL;

	*rc = store_open(path, &o, &s, err, sizeof err);
	if (*rc != ST_OK)
		fprintf(stderr, "open as %s: %s\n", branch ? branch : "-", err);
	return s;
}

static void submit_ref(store *s, const char *nid, char *ref, size_t n)
{
	struct request r;

	fx_request(&r, "Person", nid, "0500000001");
	assert_int_equal(store_request_submit(s, &r, "kiosk"), ST_OK);
	strlcpy_k(ref, r.ref, n);
}

/* The configured branch is the references' prefix; on SQLite a file
 * without requests takes it, a file of another branch is refused. */
static void test_machine_branch(void **state)
{
	struct fx *f = *state;
	char ref[32];
	st_rc rc;
	store *s;

	store_close(f->s);
	f->s = open_as(f->path, "02", &rc);
	assert_int_equal(rc, ST_OK);
	assert_string_equal(store_branch(f->s), "02");
	submit_ref(f->s, "1000000001", ref, sizeof ref);
	assert_memory_equal(ref, "02", 2);

	/* not two digits: refused */
	assert_null(open_as(f->path, "2", &rc));
	assert_int_equal(rc, ST_INVALID);
	assert_null(open_as(f->path, "ab", &rc));
	assert_int_equal(rc, ST_INVALID);

	s = open_as(f->path, "03", &rc);
	if (fx_use_pg) {
		/* one server, many branches: each machine its own */
		assert_int_equal(rc, ST_OK);
		assert_string_equal(store_branch(s), "03");
		submit_ref(s, "1000000002", ref, sizeof ref);
		assert_memory_equal(ref, "03", 2);
		store_close(s);
	} else {
		/* the file is branch 02's: the wrong file for branch 03 */
		assert_null(s);
		assert_int_equal(rc, ST_INVALID);
		assert_string_equal(fx_text(f->s, "SELECT value FROM meta WHERE "
		                            "key = 'branch'"), "02");
	}
	/* without a configured branch: the database's own */
	s = open_as(f->path, NULL, &rc);
	assert_int_equal(rc, ST_OK);
	assert_string_equal(store_branch(s), fx_use_pg ? "01" : "02");
	store_close(s);
}

/* Children submitting at once, half for each branch (on SQLite one branch:
 * the file is one branch's): every submit succeeds, every reference is
 * unique and carries its machine's branch. On PostgreSQL the sequence was
 * MAX(seq) + 1: two concurrent submits read the same maximum and the second
 * failed on UNIQUE (branch, seq). */
#define KIDS 4
#define EACH 15
static void test_concurrent_submits(void **state)
{
	struct fx *f = *state;
	const char *br[KIDS] = { "02", "05", "02", "05" };
	int go[2], status, ok = 0;
	pid_t kids[KIDS];

	if (!fx_use_pg)
		for (int i = 0; i < KIDS; i++)
			br[i] = "01";
	store_close(f->s);                  /* no connection across fork */
	f->s = NULL;
	assert_int_equal(pipe(go), 0);
	for (int i = 0; i < KIDS; i++) {
		kids[i] = fork();
		assert_true(kids[i] >= 0);
		if (kids[i] == 0) {
			char b, ref[32], nid[16];
			st_rc rc;
			store *s;

			close(go[1]);
			s = open_as(f->path, br[i], &rc);
			if (!s)
				_exit(2);
			(void)!read(go[0], &b, 1);       /* all start together */
			for (int k = 0; k < EACH; k++) {
				struct request r;

				snprintf(nid, sizeof nid, "2%02u%07u", (unsigned)i % 100u, (unsigned)k % 10000000u);
				fx_request(&r, "Person", nid, "0500000001");
				if ((rc = store_request_submit(s, &r, "kiosk")) != ST_OK) {
					fprintf(stderr, "kid %d submit %d: %s (%s)\n", i, k,
					        st_rc_name(rc), store_errmsg(s));
					_exit(1);
				}
				strlcpy_k(ref, r.ref, sizeof ref);
				if (strncmp(ref, br[i], 2) != 0)
					_exit(3);
			}
			store_close(s);
			_exit(0);
		}
	}
	close(go[0]);
	usleep(300 * 1000);
	close(go[1]);
	for (int i = 0; i < KIDS; i++) {
		assert_int_equal(waitpid(kids[i], &status, 0), kids[i]);
		ok += WIFEXITED(status) && WEXITSTATUS(status) == 0;
	}
	assert_int_equal(ok, KIDS);
	{
		st_rc rc;
		f->s = open_as(f->path, NULL, &rc);
		assert_int_equal(rc, ST_OK);
	}
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM requests"), KIDS * EACH);
	assert_int_equal(fx_int(f->s, "SELECT count(DISTINCT ref) FROM requests"),
	                 KIDS * EACH);
	if (fx_use_pg) {
		assert_int_equal(fx_int(f->s, "SELECT count(*) FROM requests WHERE "
		                        "ref LIKE '02%'"), KIDS / 2 * EACH);
		assert_int_equal(fx_int(f->s, "SELECT count(*) FROM requests WHERE "
		                        "ref LIKE '05%'"), KIDS / 2 * EACH);
		/* each branch's numbers are 1..n: no gaps, no coordination */
		assert_int_equal(fx_int(f->s, "SELECT max(seq) FROM requests WHERE "
		                        "branch = '05'"), KIDS / 2 * EACH);
		assert_int_equal(fx_int(f->s, "SELECT last FROM branch_seq WHERE "
		                        "branch = '02'"), KIDS / 2 * EACH);
	}
}

/* Writers queue, they do not fail each other (sq_pg.c invariant 10):
 * children each move their own request back and forth (received ⇄
 * needs_info) at once; every transition updates the same counter rows
 * (request_days, request_status_n). Every call succeeds, the counts are
 * exact, and on PostgreSQL no write transaction was rolled back: before
 * the writers' lock, concurrent SERIALIZABLE writers failed each other
 * with 40001 on those rows and were retried (the bench saw 64 of 6000
 * transitions give up and reach an officer as "busy"). */
#define WKIDS 6
#define WEACH 20
static int64_t pg_rollbacks(store *s)
{
	/* a child's statistics reach the server when it exits */
	return fx_int(s, "SELECT xact_rollback FROM pg_stat_database WHERE "
	              "datname = current_database()");
}

static void test_writers_queue(void **state)
{
	struct fx *f = *state;
	int go[2], status, ok = 0;
	int64_t ids[WKIDS], before = 0;
	pid_t kids[WKIDS];
	st_rc rc;

	for (int i = 0; i < WKIDS; i++) {
		char nid[16];

		snprintf(nid, sizeof nid, "30000000%02u", (unsigned)i % 100u);
		ids[i] = fx_submit(f->s, "Person", nid, "0500000001");
	}
	store_close(f->s);                  /* no connection across fork */
	f->s = NULL;
	if (fx_use_pg) {
		f->s = open_as(f->path, NULL, &rc);
		fx_exec(f->s, "SELECT pg_stat_clear_snapshot()");
		before = pg_rollbacks(f->s);
		store_close(f->s);
		f->s = NULL;
	}
	assert_int_equal(pipe(go), 0);
	for (int i = 0; i < WKIDS; i++) {
		kids[i] = fork();
		assert_true(kids[i] >= 0);
		if (kids[i] == 0) {
			char b;
			store *s;

			close(go[1]);
			s = open_as(f->path, NULL, &rc);
			if (!s)
				_exit(2);
			(void)!read(go[0], &b, 1);       /* all start together */
			for (int k = 0; k < WEACH; k++) {
				int v = 1 + 2 * k;

				rc = store_request_transition(s, ids[i], v, RS_RECEIVED,
				                              RS_NEEDS_INFO, "amal", "");
				if (rc == ST_OK)
					rc = store_request_transition(s, ids[i], v + 1,
					        RS_NEEDS_INFO, RS_RECEIVED, "amal", "");
				if (rc != ST_OK) {
					fprintf(stderr, "kid %d step %d: %s (%s)\n", i, k,
					        st_rc_name(rc), store_errmsg(s));
					_exit(1);
				}
			}
			store_close(s);
			_exit(0);
		}
	}
	close(go[0]);
	usleep(200 * 1000);
	close(go[1]);
	for (int i = 0; i < WKIDS; i++) {
		assert_int_equal(waitpid(kids[i], &status, 0), kids[i]);
		ok += WIFEXITED(status) && WEXITSTATUS(status) == 0;
	}
	assert_int_equal(ok, WKIDS);
	f->s = open_as(f->path, NULL, &rc);
	assert_int_equal(rc, ST_OK);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM requests WHERE "
	                        "status = 'received' AND version = 1 + 2 * 20"), WKIDS);
	assert_int_equal(fx_int(f->s, "SELECT coalesce(sum(n), 0) FROM request_status_n "
	                        "WHERE status = 'received'"), WKIDS);
	if (fx_use_pg) {
		int64_t after = before;

		/* the children's statistics are flushed as they exit; wait
		 * for them rather than read once */
		for (int t = 0; t < 50; t++) {
			fx_exec(f->s, "SELECT pg_stat_clear_snapshot()");
			if ((after = pg_rollbacks(f->s)) != before)
				break;
			usleep(20 * 1000);
		}
		assert_int_equal(after - before, 0);
	}
}

/* Tracking at any branch finds any branch's request (one database). */
static void test_track_any_branch(void **state)
{
	struct fx *f = *state;
	char ref[32];
	struct request got;
	st_rc rc;
	store *other;

	if (!fx_use_pg)
		skip();            /* a SQLite file is one branch's */
	store_close(f->s);
	f->s = open_as(f->path, "01", &rc);
	assert_int_equal(rc, ST_OK);
	submit_ref(f->s, "1000000011", ref, sizeof ref);
	assert_memory_equal(ref, "01", 2);
	other = open_as(f->path, "02", &rc);
	assert_int_equal(rc, ST_OK);
	memset(&got, 0, sizeof got);
	assert_int_equal(store_request_by_ref(other, ref, &got), ST_OK);
	assert_string_equal(got.ref, ref);
	request_free(&got);
	submit_ref(other, "1000000012", ref, sizeof ref);
	assert_memory_equal(ref, "02", 2);
	memset(&got, 0, sizeof got);
	assert_int_equal(store_request_by_ref(f->s, ref, &got), ST_OK);
	request_free(&got);
	store_close(other);
}

/* The queue's branch filter and its counts; the branches catalog. */
static void test_queue_and_catalog(void **state)
{
	struct fx *f = *state;
	struct queue_filter qf = { .status = -2 };
	struct queue_views v;
	struct queue_row *rows = NULL;
	struct branch_item *b = NULL;
	char ref[32];
	int n = 0;
	int64_t c = 0;
	st_rc rc;
	store *other = NULL;

	store_close(f->s);
	f->s = open_as(f->path, "01", &rc);
	assert_int_equal(rc, ST_OK);
	submit_ref(f->s, "1000000021", ref, sizeof ref);
	submit_ref(f->s, "1000000022", ref, sizeof ref);
	if (fx_use_pg) {
		other = open_as(f->path, "02", &rc);
		assert_int_equal(rc, ST_OK);
		submit_ref(other, "1000000023", ref, sizeof ref);
	}
	/* every branch */
	assert_int_equal(store_queue(f->s, &qf, 0, 0, 10, &rows, &n), ST_OK);
	assert_int_equal(n, fx_use_pg ? 3 : 2);
	queue_rows_free(rows, n);
	/* one branch */
	qf.branch = "01";
	assert_int_equal(store_queue(f->s, &qf, 0, 0, 10, &rows, &n), ST_OK);
	assert_int_equal(n, 2);
	for (int i = 0; i < n; i++)
		assert_memory_equal(rows[i].ref, "01", 2);
	queue_rows_free(rows, n);
	qf.branch = "02";
	assert_int_equal(store_queue_count(f->s, &qf, &c), ST_OK);
	assert_int_equal(c, fx_use_pg ? 1 : 0);
	assert_int_equal(store_queue_views_branch(f->s, ROLE_OFFICER, "ali", 30, "01",
	                                          &v), ST_OK);
	assert_int_equal(v.all, 2);
	assert_int_equal(v.open, 2);
	assert_int_equal(v.waiting, 2);
	assert_int_equal(v.overdue, 0);

	/* the catalog: names; the branches with requests */
	assert_int_equal(store_branch_set(f->s, "1", "X", "س"), ST_INVALID);
	assert_int_equal(store_branch_set(f->s, "03", "", "س"), ST_INVALID);
	assert_int_equal(store_branch_set(f->s, "03", "Bad\nname", "س"), ST_INVALID);
	assert_int_equal(store_branch_set(f->s, "01", "North", "الشمال"), ST_OK);
	assert_int_equal(store_branch_set(f->s, "03", "East", "الشرق"), ST_OK);
	assert_int_equal(store_branch_set(f->s, "03", "East side", "الشرق"), ST_OK);
	assert_int_equal(store_branch_list(f->s, &b, &n), ST_OK);
	assert_int_equal(n, fx_use_pg ? 3 : 2);
	assert_string_equal(b[0].code, "01");
	assert_string_equal(b[0].name_en, "North");
	assert_true(b[0].has_requests);
	if (fx_use_pg) {
		assert_string_equal(b[1].code, "02");   /* not in the catalog */
		assert_string_equal(b[1].name_en, "");
		assert_true(b[1].has_requests);
	}
	assert_string_equal(b[n - 1].code, "03");
	assert_string_equal(b[n - 1].name_en, "East side");
	assert_false(b[n - 1].has_requests);
	branch_items_free(b, n);
	assert_int_equal(store_branch_count(f->s), fx_use_pg ? 2 : 1);
	if (other)
		store_close(other);
}

/* The report per branch: one column per branch beside the society's, from
 * request_branch_days on PostgreSQL (whole days) and the requests (the
 * partial days of a bounded period); a SQLite file is one branch. */
static void test_report_per_branch(void **state)
{
	struct fx *f = *state;
	struct report *rep = NULL;
	struct report_opts o = { 0 };
	char ref[32], *text = NULL;
	size_t len = 0;
	FILE *mf;
	st_rc rc;
	store *other = NULL;

	store_close(f->s);
	f->s = open_as(f->path, "01", &rc);
	assert_int_equal(rc, ST_OK);
	assert_int_equal(store_branch_set(f->s, "01", "North", "الشمال"), ST_OK);
	submit_ref(f->s, "1000000031", ref, sizeof ref);
	submit_ref(f->s, "1000000032", ref, sizeof ref);
	if (fx_use_pg) {
		other = open_as(f->path, "02", &rc);
		assert_int_equal(rc, ST_OK);
		submit_ref(other, "1000000033", ref, sizeof ref);
		fx_exec(f->s, "UPDATE requests SET status = 'verified' WHERE ref LIKE '02%'");
		/* the counter equals the rows */
		assert_int_equal(fx_int(f->s, "SELECT count(*) FROM (SELECT branch, status, "
		    "khidma_dayof(created_at) AS day, count(*) AS n FROM requests GROUP BY 1, 2, 3 "
		    "EXCEPT SELECT branch, status, day, n FROM request_branch_days WHERE n > 0) x"), 0);
		assert_int_equal(fx_int(f->s, "SELECT sum(n) FROM request_branch_days"), 3);
	}
	for (int pass = 0; pass < 2; pass++) {
		/* pass 0: all time (the counters); pass 1: a bounded period
		 * around now (the partial days: the requests) */
		if (pass == 1) {
			o.since = khidma_now() - 3600;
			o.until = khidma_now() + 3600;
		}
		assert_int_equal(report_build(f->s, &o, &rep), ST_OK);
		if (!fx_use_pg) {
			assert_int_equal(rep->nbranch, 1);
			assert_string_equal(rep->by_branch[0].code, "01");
			assert_int_equal(rep->by_branch[0].total, 2);
			assert_int_equal(rep->by_branch[0].by_status[RS_RECEIVED], 2);
		} else {
			assert_int_equal(rep->nbranch, 2);
			assert_string_equal(rep->by_branch[0].code, "01");
			assert_string_equal(rep->by_branch[0].name_en, "North");
			assert_string_equal(rep->by_branch[0].name_ar, "الشمال");
			assert_int_equal(rep->by_branch[0].total, 2);
			assert_int_equal(rep->by_branch[0].by_status[RS_RECEIVED], 2);
			assert_string_equal(rep->by_branch[1].code, "02");
			assert_string_equal(rep->by_branch[1].name_en, "");
			assert_int_equal(rep->by_branch[1].total, 1);
			assert_int_equal(rep->by_branch[1].by_status[RS_VERIFIED], 1);
			assert_int_equal(rep->total, 3);
		}
		mf = open_memstream(&text, &len);
		assert_int_equal(report_render_text(rep, mf, 80), 0);
		fclose(mf);
		if (fx_use_pg) {
			assert_non_null(strstr(text, "Requests by branch"));
			assert_non_null(strstr(text, "01  North"));
			assert_non_null(strstr(text, "                    01        02   society"));
		} else {
			assert_null(strstr(text, "by branch"));   /* one branch: as before */
		}
		free(text);
		text = NULL;
		mf = open_memstream(&text, &len);
		assert_int_equal(report_render_csv(rep, mf), 0);
		fclose(mf);
		if (fx_use_pg)
			assert_non_null(strstr(text, "branch,,02,verified,1,"));
		else
			assert_null(strstr(text, "branch,"));
		free(text);
		text = NULL;
		report_free(rep);
	}
	if (other)
		store_close(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_machine_branch, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_submits, fx_setup,
		                                fx_teardown),
		cmocka_unit_test_setup_teardown(test_track_any_branch, fx_setup,
		                                fx_teardown),
		cmocka_unit_test_setup_teardown(test_queue_and_catalog, fx_setup,
		                                fx_teardown),
		cmocka_unit_test_setup_teardown(test_report_per_branch, fx_setup,
		                                fx_teardown),
		cmocka_unit_test_setup_teardown(test_writers_queue, fx_setup,
		                                fx_teardown),
	};
	return FX_RUN_BOTH(tests, NULL, NULL);
}
