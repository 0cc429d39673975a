/*
 * Kiosks that outlive their link and branches that join (issue 13), with
 * the REAL binary: requests spooled under a reserved block are delivered by
 * `khidma forward --once` exactly once — also when the forwarder is killed
 * (SIGKILL) after the server committed a request and before the spool
 * marked it, and when it is run again with nothing left; `khidma status`
 * shows the spool; `khidma migrate` copies a branch once (a second run adds
 * nothing, the counts agree), and refuses a file of another branch and a
 * reference the server holds as another request, writing nothing.
 *
 * Every case runs twice: the server a khidma SQLite file, then a fresh
 * database on the suite's PostgreSQL server (KHIDMA_TEST_PG, started by
 * tests/run.sh; without it the second run fails): `--db` is then its URI
 * and the spool is named in the configuration (`spool =`). A branch's file
 * to migrate is always SQLite. `khidma status` with the server stopped is
 * test_offline_pg's (a server of its own).
 */
#include "test_cli_util.h"

#include <libpq-fe.h>
#include <sodium.h>

#include "core/refno.h"
#include "store/spool.h"

static bool on_pg;               /* this run's servers are PostgreSQL */

/* A new test directory whose server (c->db) is a new, empty database on
 * the PostgreSQL server of the suite, its spool in the directory. */
static struct cu *cu_new_server(void)
{
	static int seq;
	const char *admin = getenv("KHIDMA_TEST_PG"), *q;
	struct cu *c = cu_new();
	char name[64], sql[160], conf[512];
	PGconn *pg;
	PGresult *r;

	if (!on_pg)
		return c;
	if (!admin || !*admin)
		fail_msg("KHIDMA_TEST_PG is not set: run through tests/run.sh");
	snprintf(name, sizeof name, "fwd_%d_%d", (int)getpid(), ++seq);
	pg = PQconnectdb(admin);
	assert_int_equal(PQstatus(pg), CONNECTION_OK);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
	r = PQexec(pg, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(pg));
	PQclear(r);
	PQfinish(pg);
	q = strchr(admin, '?');
	snprintf(c->db, sizeof c->db, "postgresql:///%s%s", name, q ? q : "");
	snprintf(conf, sizeof conf, "spool = \"%s\";\n", cu_path(c, "spool.db"));
	cu_write(c, "khidma.conf", conf, strlen(conf));
	return c;
}

/* cu_init on this run's kind of server. */
static struct cu *cu_init_server(void)
{
	struct cu *c = cu_new_server();

	cu_run(c, NULL, "init");
	CU_ASSERT_STATUS(c, 0);
	return c;
}

static store *open_db(const char *path)
{
	struct store_opts o = { .create = true, .busy_ms = 10000 };
	char err[256] = "";
	store *s = NULL;

	if (store_open(path, &o, &s, err, sizeof err) != ST_OK)
		fail_msg("open %s: %s", path, err);
	return s;
}

static int64_t count(store *s, const char *what)
{
	int64_t n = -1;

	assert_int_equal(store_count(s, what, NULL, &n), ST_OK);
	return n;
}

static void request_fill(struct request *r, int i)
{
	static char name[64], nid[16], mob[16];

	memset(r, 0, sizeof *r);
	snprintf(name, sizeof name, "محمد العتيبي %d", i);
	snprintf(nid, sizeof nid, "1%09d", 100 + i);
	snprintf(mob, sizeof mob, "05%08d", 1000 + i);
	strcpy(r->category, "member");
	r->name = name;
	strcpy(r->national_id, nid);
	strcpy(r->mobile, mob);
	r->email = (char *)"";
	strcpy(r->service, "maintenance");
	strcpy(r->channel, "in_person");
	r->description = (char *)"The air conditioner is broken.";
	r->declared_at = 1700000000;
	r->signature = name;
	r->declaration_version = 1;
	strcpy(r->declared_by, "kiosk");
}

/* n requests spooled beside c's database (its default spool path), refs
 * into refs[] (may be NULL). */
static void spool_n(struct cu *c, int n, char refs[][16])
{
	char *path = cu_path(c, "spool.db");
	store *server = open_db(c->db), *spool = open_db(path);
	int64_t left = 0;

	assert_int_equal(spool_refill(spool, server, "lobby-1", 20, 50, &left), ST_OK);
	assert_true(left >= 50);
	for (int i = 0; i < n; i++) {
		struct request r;

		request_fill(&r, i);
		assert_int_equal(spool_submit(spool, &r), ST_OK);
		assert_true(refno_valid(r.ref));
		if (refs)
			strcpy(refs[i], r.ref);
	}
	store_close(spool);
	store_close(server);
}

static void assert_each_once(struct cu *c, int n, char refs[][16])
{
	store *s = open_db(c->db);

	assert_int_equal(count(s, "requests"), n);
	assert_int_equal(count(s, "request_events"), n);   /* one "submitted" each */
	for (int i = 0; i < n; i++) {
		struct request q;

		assert_int_equal(store_request_by_ref(s, refs[i], &q), ST_OK);
		request_free(&q);
	}
	store_close(s);
}

static void forward_exactly_once(void **state)
{
	struct cu *c = cu_init_server();
	char refs[12][16];

	(void)state;
	spool_n(c, 12, refs);
	cu_run(c, NULL, "status");
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "waiting for the server: 12 (oldest received ");
	CU_ASSERT_HAS(c->out, "last successful forward: never");
	CU_ASSERT_HAS(c->out, ": reachable");
	cu_run(c, NULL, "forward", "--once");
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "forward: 12 delivered, 0 already there, 0 refused");
	CU_ASSERT_HAS(c->out, "forward: 0 waiting");
	assert_each_once(c, 12, refs);
	/* again: nothing to send, nothing written */
	cu_run(c, NULL, "forward", "--once");
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "forward: 0 delivered, 0 already there, 0 refused");
	assert_each_once(c, 12, refs);
	cu_run(c, NULL, "status");
	CU_ASSERT_HAS(c->out, "waiting for the server: 0\n");
	CU_ASSERT_LACKS(c->out, "last successful forward: never");
	cu_free(c);
}

/* Killed after the server's commit of the 5th request, before its mark:
 * the re-run sends it again and the server answers with a replay. */
static void forward_killed_mid_delivery_resumes(void **state)
{
	struct cu *c = cu_init_server();
	char refs[12][16];
	store *s;

	(void)state;
	spool_n(c, 12, refs);
	setenv("KHIDMA_TEST_FORWARD_DIE_AFTER", "5", 1);
	cu_run(c, NULL, "forward", "--once");
	unsetenv("KHIDMA_TEST_FORWARD_DIE_AFTER");
	CU_ASSERT_STATUS(c, 128 + SIGKILL);
	s = open_db(c->db);
	assert_int_equal(count(s, "requests"), 5);
	store_close(s);
	cu_run(c, NULL, "status");
	CU_ASSERT_HAS(c->out, "waiting for the server: 8 ");    /* 4 marked */
	cu_run(c, NULL, "forward", "--once");
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "forward: 7 delivered, 1 already there, 0 refused");
	assert_each_once(c, 12, refs);
	cu_free(c);
}

/* The server's own submissions skip the block reserved for the kiosk, so a
 * spooled reference is never taken by a request made online meanwhile. */
static void reserved_block_is_skipped_online(void **state)
{
	struct cu *c = cu_init_server();
	char refs[3][16];
	store *s;
	struct request r;

	(void)state;
	spool_n(c, 3, refs);
	s = open_db(c->db);
	request_fill(&r, 99);
	assert_int_equal(store_request_submit(s, &r, "kiosk"), ST_OK);
	for (int i = 0; i < 3; i++)
		assert_string_not_equal(r.ref, refs[i]);
	store_close(s);
	cu_run(c, NULL, "forward", "--once");
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "forward: 3 delivered");
	s = open_db(c->db);
	assert_int_equal(count(s, "requests"), 4);
	store_close(s);
	cu_free(c);
}

/* A branch file with requests (one decided, with events), a member, an
 * officer and a linked survey response. */
static void fill_branch(struct cu *c)
{
	store *s = open_db(c->db);
	struct request r;
	struct officer o = { .role = ROLE_OFFICER, .active = true };

	for (int i = 0; i < 6; i++) {
		request_fill(&r, i);
		assert_int_equal(store_request_submit(s, &r, "kiosk"), ST_OK);
	}
	assert_int_equal(store_request_transition(s, 1, 1, RS_RECEIVED,
	                 RS_VERIFIED, "amal", "checked"), ST_OK);
	assert_int_equal(store_request_transition(s, 1, 2, RS_VERIFIED,
	                 RS_ACCEPTED, "amal", "eligible"), ST_OK);
	strcpy(o.login, "amal");
	o.name = (char *)"أمل";
	strcpy(o.pwhash, "$argon2id$v=19$m=65536,t=2,p=1$x$y");
	assert_int_equal(store_officer_add(s, &o), ST_OK);
	{
		struct survey_response v = { .nanswers = 2 };

		strcpy(v.channel, "in_person");
		strcpy(v.answers[0].question, "q1");
		v.answers[0].score = 5;
		strcpy(v.answers[1].question, "q2");
		v.answers[1].score = 3;
		assert_int_equal(store_survey_submit(s, &v), ST_OK);
	}
	store_close(s);
}

static void migrate_twice_adds_nothing(void **state)
{
	struct cu *src = cu_new(), *dst = cu_init_server();
	store *s;

	(void)state;
	cu_run(src, NULL, "init", "--branch", "02");
	CU_ASSERT_STATUS(src, 0);
	fill_branch(src);
	cu_run(dst, NULL, "migrate", "--from", src->db, "--to", dst->db,
	       "--branch", "02");
	CU_ASSERT_STATUS(dst, 0);
	CU_ASSERT_HAS(dst->out, "requests                 6 in FILE,        6 added");
	CU_ASSERT_HAS(dst->out, "migrate: done");
	s = open_db(dst->db);
	assert_int_equal(count(s, "requests"), 6);
	assert_int_equal(count(s, "request_events"), 8);
	assert_int_equal(count(s, "survey_responses"), 1);
	assert_int_equal(count(s, "survey_answers"), 2);
	{
		struct request q;
		struct officer o;

		assert_int_equal(store_request_get(s, 1, &q), ST_OK);
		assert_int_equal(q.status, RS_ACCEPTED);
		assert_int_equal(q.version, 3);
		request_free(&q);
		assert_int_equal(store_officer_get(s, "amal", &o), ST_OK);
		officer_free(&o);
	}
	store_close(s);
	cu_run(dst, NULL, "migrate", "--from", src->db, "--to", dst->db,
	       "--branch", "02");
	CU_ASSERT_STATUS(dst, 0);
	CU_ASSERT_HAS(dst->out, "requests                 6 in FILE,        0 added,        6 already there");
	CU_ASSERT_HAS(dst->out, "survey responses         1 in FILE,        0 added");
	s = open_db(dst->db);
	assert_int_equal(count(s, "requests"), 6);
	assert_int_equal(count(s, "request_events"), 8);
	assert_int_equal(count(s, "survey_responses"), 1);
	store_close(s);
	cu_free(src);
	cu_free(dst);
}

static void migrate_refuses_other_branch(void **state)
{
	struct cu *src = cu_new(), *dst = cu_init_server();
	store *s;

	(void)state;
	cu_run(src, NULL, "init", "--branch", "03");
	fill_branch(src);
	cu_run(dst, NULL, "migrate", "--from", src->db, "--to", dst->db,
	       "--branch", "02");
	CU_ASSERT_STATUS(dst, 1);
	CU_ASSERT_HAS(dst->err, "refused, nothing written");
	CU_ASSERT_HAS(dst->err, "is branch 03, not 02");
	/* the server already holds one of the file's references as its own */
	cu_run(dst, NULL, "init", "--branch", "03");
	s = open_db(dst->db);
	{
		struct request r;

		request_fill(&r, 50);
		assert_int_equal(store_request_submit(s, &r, "kiosk"), ST_OK);
	}
	store_close(s);
	cu_run(dst, NULL, "migrate", "--from", src->db, "--to", dst->db,
	       "--branch", "03");
	CU_ASSERT_STATUS(dst, 1);
	CU_ASSERT_HAS(dst->err, "refused, nothing written: reference 03");
	CU_ASSERT_HAS(dst->err, "already on the server as another request");
	s = open_db(dst->db);
	assert_int_equal(count(s, "requests"), 1);
	assert_int_equal(count(s, "members"), 0);
	store_close(s);
	cu_free(src);
	cu_free(dst);
}

static int use_sqlite(void **state)
{
	(void)state;
	on_pg = false;
	return 0;
}

static int use_pg(void **state)
{
	(void)state;
	on_pg = true;
	return 0;
}

int main(void)
{
	int rc;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(forward_exactly_once),
		cmocka_unit_test(forward_killed_mid_delivery_resumes),
		cmocka_unit_test(reserved_block_is_skipped_online),
		cmocka_unit_test(migrate_twice_adds_nothing),
		cmocka_unit_test(migrate_refuses_other_branch),
	};

	if (sodium_init() < 0)
		return 1;
	rc = cmocka_run_group_tests_name("forward and migrate, SQLite server", tests,
	                                 use_sqlite, NULL);
	rc |= cmocka_run_group_tests_name("forward and migrate, PostgreSQL server", tests,
	                                  use_pg, NULL);
	return rc;
}
