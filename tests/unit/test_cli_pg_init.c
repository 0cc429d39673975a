/*
 * test_cli_pg_init — `khidma init` on a PostgreSQL URI (issue 13) prints the
 * database roles' SQL and applies it, on the server tests/run.sh starts
 * (KHIDMA_TEST_PG; without it the test fails, never skips).
 *
 *  - init_prints_and_applies_roles: the output carries the grants; after
 *    the run the roles exist, khidma_kiosk may execute khidma_submit and
 *    may not SELECT requests or members, khidma_officer may INSERT into
 *    request_events but not UPDATE or DELETE it; a second run is harmless.
 */
#include "test_cli_util.h"

#include <libpq-fe.h>

static PGconn *connect_db(const char *db)
{
	const char *keys[] = { "dbname", "dbname", NULL };
	const char *vals[] = { getenv("KHIDMA_TEST_PG"), db, NULL };
	PGconn *c;

	if (!vals[0] || !*vals[0])
		fail_msg("KHIDMA_TEST_PG is not set: run through tests/run.sh");
	if (!db)
		keys[1] = NULL;
	c = PQconnectdbParams(keys, vals, 1);
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("connect: %s", PQerrorMessage(c));
	return c;
}

static char *one(PGconn *c, const char *sql)
{
	static char v[64];
	PGresult *r = PQexec(c, sql);

	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	snprintf(v, sizeof v, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return v;
}

static void exec_ok(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);

	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	PQclear(r);
}

static void init_prints_and_applies_roles(void **state)
{
	struct cu *c = cu_new();
	const char *uri = getenv("KHIDMA_TEST_PG");
	char db[64], sql[160];
	const char *q;
	PGconn *admin, *pg;

	(void)state;
	admin = connect_db(NULL);
	snprintf(db, sizeof db, "khidma_init_%d", (int)getpid());
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", db);
	exec_ok(admin, sql);
	/* the test database's URI: the server's, another database */
	q = strstr(uri, "///postgres?");
	assert_non_null(q);
	snprintf(c->db, sizeof c->db, "%.*s///%s?%s", (int)(q - uri), uri, db,
	         q + strlen("///postgres?"));

	for (int run = 0; run < 2; run++) {
		/* exits 0, the second time too (it exited 1 at "checking the
		 * report indexes": a query of sqlite_schema) */
		assert_int_equal(cu_run(c, NULL, "init"), 0);
		CU_ASSERT_HAS(c->out, "schema version");
		CU_ASSERT_HAS(c->out, "CREATE ROLE %I NOLOGIN");
		CU_ASSERT_HAS(c->out, "GRANT EXECUTE ON FUNCTION khidma_schema_version()");
		CU_ASSERT_HAS(c->out, "-- applied: roles khidma_kiosk, khidma_officer, khidma_admin");
		CU_ASSERT_LACKS(c->err, "database roles");
	}
	pg = connect_db(db);
	assert_string_equal(one(pg, "SELECT has_function_privilege('khidma_kiosk',"
	                        " 'khidma_submit(jsonb, bigint)', 'EXECUTE')"), "t");
	assert_string_equal(one(pg, "SELECT has_function_privilege('public',"
	                        " 'khidma_submit(jsonb, bigint)', 'EXECUTE')"), "f");
	assert_string_equal(one(pg, "SELECT has_table_privilege('khidma_kiosk', 'requests',"
	                        " 'SELECT')"), "f");
	assert_string_equal(one(pg, "SELECT has_table_privilege('khidma_kiosk', 'members',"
	                        " 'SELECT')"), "f");
	assert_string_equal(one(pg, "SELECT has_table_privilege('khidma_officer',"
	                        " 'request_events', 'INSERT')"), "t");
	assert_string_equal(one(pg, "SELECT has_table_privilege('khidma_officer',"
	                        " 'request_events', 'UPDATE')"), "f");
	assert_string_equal(one(pg, "SELECT has_table_privilege('khidma_admin',"
	                        " 'request_events', 'DELETE')"), "f");
	assert_string_equal(one(pg, "SELECT has_table_privilege('khidma_admin',"
	                        " 'catalog', 'INSERT')"), "t");
	PQfinish(pg);
	snprintf(sql, sizeof sql, "DROP DATABASE %s WITH (FORCE)", db);
	exec_ok(admin, sql);
	PQfinish(admin);
	cu_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(init_prints_and_applies_roles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
