/*
 * test_officer_branches — the officer queue on a PostgreSQL server shared
 * by two branches (issue 13), driven in the real console under libvterm.
 * The server is the one tests/run.sh starts (KHIDMA_TEST_PG; without it
 * the test fails, never skips); each case gets a fresh database.
 *
 *  - desk_sees_its_branch_then_all: an officer at a branch-01 machine
 *    (KHIDMA_BRANCH=01) sees branch 01's request and not branch 02's, the
 *    header says "branch 01 — …"; the filter menu's Branch line picks
 *    "All branches": both requests, with the branch column (Br.).
 *  - committee_sees_all_branches: a committee member at the same machine
 *    sees both branches at once, "All branches" in the header.
 */
#include <libpq-fe.h>

#include "test_officer_fixture.h"

static char pgname[64];

static void pg_admin(const char *sql)
{
	const char *u = getenv("KHIDMA_TEST_PG");
	PGconn *c;
	PGresult *r;

	if (!u || !*u)
		fail_msg("KHIDMA_TEST_PG is not set: run through tests/run.sh");
	c = PQconnectdb(u);
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("test server: %s", PQerrorMessage(c));
	r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
	PQfinish(c);
}

static store *open_branch(struct ofx *f, const char *branch)
{
	struct store_opts o = { .busy_ms = 10000, .branch = branch };
	char err[256];
	store *s = NULL;

	if (store_open(f->db, &o, &s, err, sizeof err) != ST_OK)
		fail_msg("store_open: %s", err);
	return s;
}

static void submit_at(struct ofx *f, const char *branch, const char *name,
                      int seed, char *ref)
{
	store *s = open_branch(f, branch);
	struct request r = { 0 };

	strcpy(r.category, "member");
	r.name = (char *)name;
	ofx_nid(seed, r.national_id);
	snprintf(r.mobile, sizeof r.mobile, "05512%05d", seed);
	r.email = "";
	strcpy(r.service, "maintenance");
	strcpy(r.channel, "in_person");
	r.description = "Maintenance of the air conditioner in the house.";
	r.declared_at = khidma_now();
	r.signature = (char *)name;
	r.declaration_version = 1;
	strcpy(r.declared_by, "kiosk");
	assert_int_equal(store_request_submit(s, &r, "kiosk"), ST_OK);
	strcpy(ref, r.ref);
	assert_memory_equal(ref, branch, 2);
	store_close(s);
}

static int setup(void **state)
{
	static struct ofx f;
	const char *u = getenv("KHIDMA_TEST_PG"), *q;
	char sql[160];
	store *s;

	memset(&f, 0, sizeof f);
	f.base = ht_new(24, 80);
	snprintf(f.conf, sizeof f.conf, "%s", ht_config_path(f.base));
	assert_true(ht_write_file(f.base, "khidma.conf", ""));
	assert_non_null(u);
	snprintf(pgname, sizeof pgname, "khidma_ob%ld", (long)getpid());
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", pgname);
	pg_admin(sql);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE template0 ENCODING "
	         "'UTF8' LOCALE 'C.UTF-8'", pgname);
	pg_admin(sql);
	q = strstr(u, "///postgres?");
	assert_non_null(q);
	snprintf(f.db, sizeof f.db, "%.*s///%s?%s", (int)(q - u), u, pgname,
	         q + strlen("///postgres?"));
	ofx_sh("'%s' --db '%s' --config '%s' init >/dev/null", ofx_bin(), f.db, f.conf);
	ofx_officer_add(&f, "ali", "Ali Officer", "officer");
	ofx_officer_add(&f, "omar", "Omar Committee", "committee");
	s = open_branch(&f, NULL);
	assert_int_equal(store_branch_set(s, "01", "North", "الشمال"), ST_OK);
	assert_int_equal(store_branch_set(s, "02", "South", "الجنوب"), ST_OK);
	{
		struct catalog_item it = { .sort = 1, .active = true };
		it.name_en = "Maintenance";
		it.name_ar = "صيانة";
		strcpy(it.code, "maintenance");
		assert_int_equal(store_catalog_upsert(s, "service", &it), ST_OK);
	}
	store_close(s);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct ofx *f = *state;
	char sql[160];

	ofx_teardown(f);
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", pgname);
	pg_admin(sql);
	return 0;
}

static void desk_sees_its_branch_then_all(void **state)
{
	struct ofx *f = *state;
	char r1[16], r2[16];
	ht *h;

	submit_at(f, "01", "Northern Member", 101, r1);
	submit_at(f, "02", "Southern Member", 202, r2);
	h = ofx_session_env(f, "ali", "en", NULL, 24, 80, "KHIDMA_BRANCH=01");
	ofx_login(h, PW);
	HT_ASSERT_TEXT(h, "branch 01 — North", T);
	HT_ASSERT_TEXT(h, "Northern Member", T);
	HT_ASSERT_TEXT(h, r1, T);
	HT_ASSERT(h, strstr(ht_screen(h), "Southern Member") == NULL);
	HT_ASSERT(h, strstr(ht_screen(h), "Br.") == NULL);
	HT_ASSERT_TEXT(h, "[Waiting for me 1]", T);   /* the branch's count */

	ht_keys(h, "f");
	HT_ASSERT_TEXT(h, "Filter the requests", T);
	HT_ASSERT(h, ofx_choose(h, "Branch: 01 — North"));
	HT_ASSERT_TEXT(h, "02 — South", T);
	HT_ASSERT(h, ofx_choose(h, "All branches"));
	HT_ASSERT_TEXT(h, "Branch: All branches", T);
	ht_key(h, HT_KEY_ESC);
	HT_ASSERT_TEXT(h, "Southern Member", T);
	HT_ASSERT_TEXT(h, "Northern Member", T);
	HT_ASSERT_TEXT(h, "[Waiting for me 2]", T);   /* every branch's count */
	HT_ASSERT_TEXT(h, "Br.", T);
	/* the row of branch 02 says so in the branch column */
	{
		int row = ofx_row_of(h, "Southern Member");
		HT_ASSERT(h, row > 0 && strstr(ht_screen_text(h, row), " 02 ") != NULL);
	}
	/* another branch alone */
	ht_keys(h, "f");
	HT_ASSERT(h, ofx_choose(h, "Branch: All branches"));
	HT_ASSERT(h, ofx_choose(h, "02 — South"));
	ht_key(h, HT_KEY_ESC);
	HT_ASSERT_TEXT(h, "branch 02 — South", T);
	HT_ASSERT_GONE(h, "Northern Member", T);
	HT_ASSERT_TEXT(h, "Southern Member", T);
	HT_ASSERT_TEXT(h, "[Waiting for me 1]", T);
	ht_end(h);
}

static void committee_sees_all_branches(void **state)
{
	struct ofx *f = *state;
	char r1[16], r2[16];
	ht *h;

	submit_at(f, "01", "Northern Member", 103, r1);
	submit_at(f, "02", "Southern Member", 204, r2);
	h = ofx_session_env(f, "omar", "en", NULL, 24, 80, "KHIDMA_BRANCH=01");
	ofx_login(h, PW);
	HT_ASSERT(h, ofx_view(h, "All"));
	HT_ASSERT_TEXT(h, "All branches", T);
	HT_ASSERT_TEXT(h, "Northern Member", T);
	HT_ASSERT_TEXT(h, "Southern Member", T);
	HT_ASSERT(h, strstr(ht_screen(h), "branch 01") == NULL);
	ht_end(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(desk_sees_its_branch_then_all, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(committee_sees_all_branches, setup,
		                                teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
