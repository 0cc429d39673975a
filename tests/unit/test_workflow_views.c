/*
 * Workflow + store: the queue header's view counts (store_queue_views,
 * read from the schema-v14 counters and partial indexes) equal a fresh
 * COUNT(*) over the rows (store_queue_count of each view's filter) after
 * every step of a long random walk of the real workflow — every action
 * by every role, committee votes under a quorum of 2, decisions, intake
 * on behalf (declared_by), ask-for-information pauses, reopenings, with
 * the clock moving by hours and days so requests cross the overdue cut —
 * for every officer and two SLA lengths; and the counter tables equal
 * their GROUP BY recomputation (schema.c invariant 13). Raw SQL writes
 * (created_at moved, a request inserted and deleted) keep them too.
 * On both engines (FX_RUN_BOTH): PostgreSQL's schema_pg.c v5 keeps the
 * same tables with its own trigger.
 */
#include "unit/store_fixture.h"
#include "workflow/workflow.h"

#define DAY 86400

static const char all_matched[] = "name=1,national_id=1,mobile=1,category=1";

static struct officer who(const char *login, officer_role role)
{
	struct officer o;

	memset(&o, 0, sizeof o);
	strlcpy_k(o.login, login, sizeof o.login);
	o.role = role;
	o.active = true;
	return o;
}

static time_t now_t;

static void clock_set(time_t t)
{
	char v[32];

	now_t = t;
	snprintf(v, sizeof v, "%lld", (long long)t);
	setenv("KHIDMA_FAKE_NOW", v, 1);
}

static const struct { const char *login; officer_role role; } people[] = {
	{ "off1", ROLE_OFFICER }, { "off2", ROLE_OFFICER },
	{ "res1", ROLE_RESEARCHER },
	{ "com1", ROLE_COMMITTEE }, { "com2", ROLE_COMMITTEE }, { "com3", ROLE_COMMITTEE },
	{ "adm", ROLE_ADMIN },
};
#define NPEOPLE ((int)(sizeof people / sizeof people[0]))

/* Schema invariant 13: each counter row equals its recomputation. */
static void check_tables(store *s)
{
	assert_int_equal(fx_int(s, "SELECT count(*) FROM request_status_n"), RS__COUNT);
	assert_int_equal(fx_int(s, "SELECT count(*) FROM request_status_n c WHERE n <>"
	                 " (SELECT count(*) FROM requests r WHERE r.status = c.status)"), 0);
	assert_int_equal(fx_int(s, "SELECT count(*) FROM (SELECT day, n FROM"
	                 " request_due_days WHERE n <> 0 EXCEPT SELECT (created_at +"
	                 " paused_s - (((created_at + paused_s) % 86400) + 86400) % 86400)"
	                 " / 86400, count(*) FROM requests WHERE status IN ('received',"
	                 "'verified','referred','committee','accepted','registered')"
	                 " GROUP BY 1) AS x"), 0);
	assert_int_equal(fx_int(s, "SELECT coalesce(sum(n), 0) FROM request_due_days"),
	                 fx_int(s, "SELECT count(*) FROM requests WHERE status IN"
	                 " ('received','verified','referred','committee','accepted',"
	                 "'registered')"));
	assert_int_equal(fx_int(s, "SELECT count(*) FROM request_due_days WHERE n < 0"), 0);
}

/* The views of (role, login) at sla: counters against COUNT(*). */
static void check_views_of(store *s, officer_role role, const char *login, int sla)
{
	struct queue_filter f = { .status = -1, .sla_days = sla, .waiting = true,
	                          .role = (int)role, .login = login };
	struct queue_views v;
	int64_t n;

	assert_int_equal(store_queue_views(s, (int)role, login, sla, &v), ST_OK);
	assert_int_equal(store_queue_count(s, &f, &n), ST_OK);
	if (n != v.waiting)
		fail_msg("waiting for %s (sla %d): counted %lld, kept %lld", login, sla,
		         (long long)n, (long long)v.waiting);
	f.waiting = false;
	assert_int_equal(store_queue_count(s, &f, &n), ST_OK);
	assert_int_equal(v.open, n);
	f.overdue = true;
	assert_int_equal(store_queue_count(s, &f, &n), ST_OK);
	if (n != v.overdue)
		fail_msg("overdue (sla %d): counted %lld, kept %lld", sla,
		         (long long)n, (long long)v.overdue);
	f.overdue = false;
	f.status = -2;
	assert_int_equal(store_queue_count(s, &f, &n), ST_OK);
	assert_int_equal(v.all, n);
}

static void check_all(store *s)
{
	check_tables(s);
	for (int p = 0; p < NPEOPLE; p++)
		for (int k = 0; k < 2; k++)
			check_views_of(s, people[p].role, people[p].login, k ? 14 : 1);
}

/* After a step of the walk: everything on SQLite; on PostgreSQL (a round
 * trip per count) the tables and the views of whoever acted, and
 * everything every 100 steps — a counter that drifts stays wrong, so a
 * later full check still sees it. */
static void check_step(store *s, int step, int p)
{
	if (!fx_use_pg || step % 100 == 0) {
		check_all(s);
		return;
	}
	check_tables(s);
	for (int k = 0; k < 2; k++)
		check_views_of(s, people[p].role, people[p].login, k ? 14 : 1);
}

static unsigned rnd(unsigned *seed, unsigned below)
{
	*seed = *seed * 1103515245u + 12345u;
	return (*seed >> 16) % below;
}

static int64_t submit(store *s, unsigned *seed, int i)
{
	struct request r;
	char name[32], nid[32], mob[32];
	struct officer o = who(rnd(seed, 4) == 0 ? "com1" : "off1", ROLE_OFFICER);
	int64_t id;

	snprintf(name, sizeof name, "Walk %d", i);
	snprintf(nid, sizeof nid, "10000001%02d", i);
	snprintf(mob, sizeof mob, "05000001%02d", i);
	fx_request(&r, name, nid, mob);
	/* a quarter entered on behalf by an account that is a committee member
	 * later (declared_by): the committee's view leaves those out */
	assert_int_equal(rnd(seed, 2) ? wf_submit(s, &r, &o) : wf_submit(s, &r, NULL), ST_OK);
	id = r.id;
	return id;              /* fx_request's strings are the caller's */
}

static void test_views_random_walk(void **state)
{
	struct fx *f = *state;
	/* PostgreSQL: a round trip per statement; fewer steps reach every action
	 * there too (asserted below) */
	enum { NREQ = 16 };
	const int steps = fx_use_pg ? 500 : 1200;
	int64_t ids[NREQ];
	int done[WF__COUNT] = { 0 }, ok = 0, nreq = 0;
	unsigned seed = 12;

	/* durability is not what this tests: no fsync per step */
	if (!fx_use_pg)
		fx_exec(f->s, "PRAGMA synchronous = OFF");
	wf_configure(2);
	clock_set(1760000000);
	store_set_study_days(f->s, 3);
	check_all(f->s);
	for (int step = 0; step < steps; step++) {
		struct request r;
		wf_action acts[WF__COUNT];
		int p = (int)rnd(&seed, NPEOPLE), na;
		struct officer o = who(people[p].login, people[p].role);
		st_rc rc;

		/* time passes: minutes, hours or days (overdue cuts at 1 and 14 days) */
		clock_set(now_t + (time_t)rnd(&seed, 4) * (rnd(&seed, 3) == 0 ? DAY : 3 * 3600) +
		          (time_t)rnd(&seed, 600));
		if (nreq < NREQ && (nreq < 3 || rnd(&seed, 6) == 0)) {
			ids[nreq] = submit(f->s, &seed, nreq);
			nreq++;
			check_step(f->s, step, p);
			continue;
		}
		assert_int_equal(store_request_get(f->s, ids[rnd(&seed, (unsigned)nreq)], &r), ST_OK);
		na = wf_actions(r.status, o.role, acts);
		if (na == 0) {
			request_free(&r);
			continue;
		}
		{
			/* mostly forward: withdrawals, reopenings and exceptions rarer */
			wf_action a = acts[rnd(&seed, (unsigned)na)];

			for (int t = 0; t < 3 && (a == WF_WITHDRAW || a == WF_REOPEN ||
			                          a == WF_EXCEPTION || a == WF_DUPLICATE); t++)
				a = acts[rnd(&seed, (unsigned)na)];

			if (a == WF_VERIFY) {
				int64_t id = r.id;

				assert_int_equal(store_request_set_match(f->s, id, r.version, o.login,
				                 all_matched, 0), ST_OK);
				request_free(&r);
				assert_int_equal(store_request_get(f->s, id, &r), ST_OK);
			}
			rc = a == WF_ASK_INFO
			   ? wf_ask_info(f->s, &r, &o, "", "the deed", NULL)
			   : wf_apply(f->s, &r, a, &o, "a reason");
			assert_true(rc == ST_OK || rc == ST_DENIED);
			if (rc == ST_OK) {
				done[a]++;
				ok++;
			}
		}
		request_free(&r);
		check_step(f->s, step, p);
	}
	/* the walk reached every kind of step the views depend on */
	for (int a = 0; a <= WF_WITHDRAW; a++)
		if (done[a] == 0)
			fail_msg("the walk never applied action %d (%d steps applied)", a, ok);
	assert_true(fx_int(f->s, "SELECT count(*) FROM request_events WHERE kind ="
	                   " 'vote_accept' OR kind = 'vote_reject'") > 0);
	assert_true(fx_int(f->s, "SELECT max(paused_s) FROM requests") > 0);
	/* raw SQL writes keep the counters too: a request moved back in time
	 * (now overdue), one inserted and deleted */
	fx_exec(f->s, "UPDATE requests SET created_at ="
	        " created_at - 40 * 86400 WHERE id IN (SELECT min(id) FROM requests"
	        " WHERE status IN ('received','verified','committee'))");
	check_all(f->s);
	fx_exec(f->s, "INSERT INTO requests(seq, ref,"
	        " category, name, national_id, mobile, service, channel,"
	        " description, created_at, earliest_response, status, updated_at)"
	        " VALUES (9999, '01999991', 'member', 'Raw', '1000000999',"
	        " '0500000999', 'maintenance', 'in_person', '', 1700000000,"
	        " 1700000000, 'verified', 1700000000)");
	check_all(f->s);
	fx_exec(f->s, "DELETE FROM requests WHERE seq = 9999");
	check_all(f->s);
	unsetenv("KHIDMA_FAKE_NOW");
	wf_configure(1);
}

/* Many rows at once by raw SQL (a bulk load, an old program): statuses,
 * creation times around the overdue cuts and paused times at random, then
 * bulk status changes — the partial day at each cut included. */
static void test_views_bulk(void **state)
{
	struct fx *f = *state;

	clock_set(1760000000);
	/* the same rows in each engine's dialect (random numbers, a series) */
	fx_exec(f->s, fx_use_pg ?
	    "INSERT INTO requests(seq, ref, category, name, national_id, mobile, service,"
	    " channel, description, created_at, earliest_response, status, updated_at,"
	    " paused_s, declared_by)"
	    " SELECT i, '02' || lpad(i::text, 6, '0'), 'member', 'Bulk ' || i, '1000000020',"
	    " '0500000020', 'maintenance', 'in_person', '',"
	    " 1760000000 - floor(random() * 40 * 86400)::bigint, 0,"
	    " (ARRAY['received','needs_info','verified','referred','committee','accepted',"
	    "'rejected','registered','delivered','withdrawn'])[1 + floor(random() * 10)::int],"
	    " 1760000000,"
	    " CASE WHEN random() < 0.33 THEN floor(random() * 5 * 86400)::bigint ELSE 0 END,"
	    " CASE WHEN random() < 0.25 THEN 'com2' ELSE 'kiosk' END"
	    " FROM generate_series(1, 6000) AS k(i)" :
	    "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 6000)"
	    " INSERT INTO requests(seq, ref, category, name, national_id, mobile, service,"
	    " channel, description, created_at, earliest_response, status, updated_at,"
	    " paused_s, declared_by)"
	    " SELECT i, printf('02%06d', i), 'member', 'Bulk ' || i, '1000000020',"
	    " '0500000020', 'maintenance', 'in_person', '',"
	    " 1760000000 - abs(random() % (40 * 86400)), 0,"
	    " json_extract('[\"received\",\"needs_info\",\"verified\",\"referred\","
	    "\"committee\",\"accepted\",\"rejected\",\"registered\",\"delivered\","
	    "\"withdrawn\"]', '$[' || abs(random() % 10) || ']'), 1760000000,"
	    " CASE WHEN random() % 3 = 0 THEN abs(random() % (5 * 86400)) ELSE 0 END,"
	    " CASE WHEN random() % 4 = 0 THEN 'com2' ELSE 'kiosk' END FROM k");
	check_all(f->s);
	fx_exec(f->s, "UPDATE requests SET status = 'committee' WHERE id % 7 = 0");
	fx_exec(f->s, "UPDATE requests SET paused_s = paused_s + 86400 WHERE id % 5 = 0");
	fx_exec(f->s, "UPDATE requests SET status = 'delivered' WHERE id % 11 = 0");
	check_all(f->s);
	for (int h = 0; h < 48; h += 7) {           /* the cuts move through a day */
		clock_set(1760000000 + h * 3600);
		check_all(f->s);
	}
	unsetenv("KHIDMA_FAKE_NOW");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_views_random_walk, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_views_bulk, fx_setup, fx_teardown),
	};
	return FX_RUN_BOTH(tests, NULL, NULL);
}
