/*
 * test_cli_branches — many branches from the command line (issue 13), the
 * real binary (test_cli_util.h); the PostgreSQL case on the server
 * tests/run.sh starts (KHIDMA_TEST_PG; without it that case fails).
 *
 *  - branch_setting_checked: `branch = "2"` in the configuration or
 *    KHIDMA_BRANCH=ab stops khidma with exit 2 and the reason in Arabic
 *    and English; `khidma check` names the line; a valid `branch = "02"`
 *    gives a new file branch 02.
 *  - branch_catalog: `khidma branch add NN --ar … --en …` adds and renames,
 *    refuses a bad code or a missing name (exit 2), `branch list` shows
 *    the catalog and the machine's branch.
 *  - migrate_then_write_on_pg: after `khidma migrate` into PostgreSQL a
 *    new submission of that branch, a transition and a note on a migrated
 *    request succeed (the counters and identities are past the copies).
 */
#include "test_cli_util.h"

#include <libpq-fe.h>

#include "store/store.h"

static store *open_db(const char *path, const char *branch)
{
	struct store_opts o = { .create = true, .busy_ms = 10000, .branch = branch };
	char err[256] = "";
	store *s = NULL;

	if (store_open(path, &o, &s, err, sizeof err) != ST_OK)
		fail_msg("open %s: %s", path, err);
	return s;
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

static void branch_setting_checked(void **state)
{
	struct cu *c = cu_new();
	static const char bad[] = "branch = \"2\";\n";
	static const char good[] = "branch = \"02\";\n";

	(void)state;
	cu_write(c, "khidma.conf", bad, strlen(bad));
	cu_run(c, NULL, "init");
	CU_ASSERT_STATUS(c, 2);
	CU_ASSERT_HAS(c->err, "يجب أن يكون رمز الفرع رقمين بالضبط");
	CU_ASSERT_HAS(c->err, "the branch code must be exactly two digits");
	CU_ASSERT_HAS(c->err, "\"2\"");
	cu_write(c, "khidma.conf", good, strlen(good));
	setenv("KHIDMA_BRANCH", "ab", 1);
	cu_run(c, NULL, "init");
	unsetenv("KHIDMA_BRANCH");
	CU_ASSERT_STATUS(c, 2);
	CU_ASSERT_HAS(c->err, "KHIDMA_BRANCH");
	CU_ASSERT_HAS(c->err, "\"ab\"");
	/* a new file takes the configured branch */
	cu_run(c, NULL, "init");
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "branch 02");
	{
		store *s = open_db(c->db, NULL);
		struct request r;

		request_fill(&r, 1);
		assert_int_equal(store_request_submit(s, &r, "kiosk"), ST_OK);
		assert_memory_equal(r.ref, "02", 2);
		store_close(s);
	}
	/* the file is branch 02's now: a machine of branch 03 is refused */
	setenv("KHIDMA_BRANCH", "03", 1);
	cu_run(c, NULL, "branch", "list");
	unsetenv("KHIDMA_BRANCH");
	CU_ASSERT_STATUS(c, 1);
	CU_ASSERT_HAS(c->err, "configured for branch 03");
	cu_free(c);
}

static void branch_catalog(void **state)
{
	struct cu *c = cu_init();

	(void)state;
	cu_run(c, NULL, "branch", "add", "02", "--ar", "الجنوب", "--en", "South");
	CU_ASSERT_STATUS(c, 0);
	cu_run(c, NULL, "branch", "add", "02", "--ar", "الجنوب", "--en", "South side");
	CU_ASSERT_STATUS(c, 0);
	cu_run(c, NULL, "branch", "list");
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "01*  - | -  (no requests yet)\n");
	CU_ASSERT_HAS(c->out, "02   South side | الجنوب  (no requests yet)");
	cu_run(c, NULL, "branch", "add", "2", "--ar", "س", "--en", "S");
	CU_ASSERT_STATUS(c, 2);
	cu_run(c, NULL, "branch", "add", "03", "--en", "East");
	CU_ASSERT_STATUS(c, 2);
	cu_run(c, NULL, "branch", "remove", "03");
	CU_ASSERT_STATUS(c, 2);
	cu_free(c);
}

static void pg_exec(const char *sql)
{
	const char *u = getenv("KHIDMA_TEST_PG");
	PGconn *c;
	PGresult *r;

	if (!u || !*u)
		fail_msg("KHIDMA_TEST_PG is not set: run through tests/run.sh");
	c = PQconnectdb(u);
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("connect: %s", PQerrorMessage(c));
	r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
}

static void migrate_then_write_on_pg(void **state)
{
	struct cu *src = cu_new(), *dst = cu_new();
	const char *u = getenv("KHIDMA_TEST_PG"), *q;
	char db[64], sql[160];
	struct request r;
	store *s;

	(void)state;
	if (!u || !*u)
		fail_msg("KHIDMA_TEST_PG is not set: run through tests/run.sh");
	snprintf(db, sizeof db, "khidma_mig_%d", (int)getpid());
	snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE template0 "
	         "ENCODING 'UTF8' LOCALE 'C.UTF-8'", db);
	pg_exec(sql);
	q = strstr(u, "///postgres?");
	assert_non_null(q);
	snprintf(dst->db, sizeof dst->db, "%.*s///%s?%s", (int)(q - u), u, db,
	         q + strlen("///postgres?"));
	cu_run(dst, NULL, "init");
	CU_ASSERT_STATUS(dst, 0);
	/* the branch's file: 6 requests, one decided */
	cu_run(src, NULL, "init", "--branch", "02");
	CU_ASSERT_STATUS(src, 0);
	s = open_db(src->db, NULL);
	for (int i = 0; i < 6; i++) {
		request_fill(&r, i);
		assert_int_equal(store_request_submit(s, &r, "kiosk"), ST_OK);
	}
	assert_int_equal(store_request_transition(s, 1, 1, RS_RECEIVED,
	                 RS_VERIFIED, "amal", "checked"), ST_OK);
	store_close(s);
	cu_run(dst, NULL, "migrate", "--from", src->db, "--to", dst->db,
	       "--branch", "02");
	CU_ASSERT_STATUS(dst, 0);
	CU_ASSERT_HAS(dst->out, "migrate: done");

	/* a machine of branch 02 writes on the server */
	s = open_db(dst->db, "02");
	request_fill(&r, 40);
	assert_int_equal(store_request_submit(s, &r, "kiosk"), ST_OK);
	assert_memory_equal(r.ref, "0200007", 7);      /* seq 7: after the six */
	{
		struct request m;
		int64_t id = 0;

		assert_int_equal(store_sql_i64(s, "SELECT id FROM requests WHERE "
		                 "ref LIKE '0200002%'", &id), ST_OK);
		assert_int_equal(store_request_get(s, id, &m), ST_OK);
		assert_int_equal(store_request_transition(s, id, m.version, RS_RECEIVED,
		                 RS_VERIFIED, "amal", "checked on the server"), ST_OK);
		assert_int_equal(store_request_note(s, id, "amal", "a note"), ST_OK);
		request_free(&m);
	}
	/* another branch's machine too */
	store_close(s);
	s = open_db(dst->db, "05");
	request_fill(&r, 41);
	assert_int_equal(store_request_submit(s, &r, "kiosk"), ST_OK);
	assert_memory_equal(r.ref, "0500001", 7);
	store_close(s);
	snprintf(sql, sizeof sql, "DROP DATABASE %s WITH (FORCE)", db);
	pg_exec(sql);
	cu_free(src);
	cu_free(dst);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(branch_setting_checked),
		cmocka_unit_test(branch_catalog),
		cmocka_unit_test(migrate_then_write_on_pg),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
