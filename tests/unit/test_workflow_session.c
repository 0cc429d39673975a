/*
 * Sessions that end (issue 10 finding 4): a connection bound to an officer
 * (store_session_begin) refuses EVERY write, inside the write's own
 * transaction, once the officer is disabled or has another role — whoever
 * made the change, on another connection, after the screen loaded its data.
 * Each write kind is tried after the change: it answers ST_REVOKED and the
 * database is byte-for-byte as before (events, versions, rows counted).
 */
#include "unit/store_fixture.h"
#include "workflow/workflow.h"

struct two { struct fx *f; store *admin; };

static void add_officer(store *s, const char *login, officer_role role)
{
	struct officer o = { .role = role, .active = true };

	strcpy(o.login, login);
	o.name = (char *)login;
	strcpy(o.pwhash, "$argon2id$v=19$m=65536,t=2,p=1$x$y");
	assert_int_equal(store_officer_add(s, &o), ST_OK);
}

static int setup(void **state)
{
	struct two *t = calloc(1, sizeof *t);
	struct store_opts o = { .create = false };
	char err[256];
	void *fs = NULL;

	assert_int_equal(fx_setup(&fs), 0);
	t->f = fs;
	/* the CLI's connection: no session, like `khidma officer disable` */
	assert_int_equal(store_open(t->f->path, &o, &t->admin, err, sizeof err), ST_OK);
	add_officer(t->admin, "amal", ROLE_OFFICER);
	add_officer(t->admin, "badr", ROLE_OFFICER);
	add_officer(t->admin, "root1", ROLE_ADMIN);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct two *t = *state;
	void *fs = t->f;

	store_close(t->admin);
	fx_teardown(&fs);
	free(t);
	return 0;
}

/* What a refused write must leave untouched. */
struct snap { int64_t events, requests, version, officers_sum, catalog; };

static struct snap snap_of(store *s, int64_t id)
{
	struct snap n;
	char sql[128];

	n.events = fx_int(s, "SELECT count(*) FROM request_events");
	n.requests = fx_int(s, "SELECT count(*) FROM requests");
	snprintf(sql, sizeof sql, "SELECT version FROM requests WHERE id = %lld",
	         (long long)id);
	n.version = fx_int(s, sql);
	n.officers_sum = fx_int(s, "SELECT coalesce(sum(active + failed + locked_until), 0) "
	                        "+ count(*) FROM officers");
	n.catalog = fx_int(s, "SELECT count(*) FROM catalog");
	return n;
}

static void assert_same(struct snap a, struct snap b)
{
	assert_int_equal(a.events, b.events);
	assert_int_equal(a.requests, b.requests);
	assert_int_equal(a.version, b.version);
	assert_int_equal(a.officers_sum, b.officers_sum);
	assert_int_equal(a.catalog, b.catalog);
}

static struct officer me_of(const char *login, officer_role role)
{
	struct officer o = { .role = role, .active = true };

	strcpy(o.login, login);
	return o;
}

/* Every write the console makes, after the change: refused, nothing written. */
static void assert_all_refused(store *s, int64_t id, const char *login,
                               officer_role role)
{
	struct officer me = me_of(login, role);
	struct catalog_item it = { .sort = 9, .active = true };
	struct request r, nr;
	struct snap before = snap_of(s, id);

	assert_int_equal(store_request_get(s, id, &r), ST_OK);
	assert_int_equal(store_request_note(s, id, login, "a note"), ST_REVOKED);
	assert_int_equal(store_request_assign(s, id, r.version, login, login), ST_REVOKED);
	assert_int_equal(store_request_set_match(s, id, r.version, login,
	                 "name=1,national_id=1,mobile=1,category=1", 0), ST_REVOKED);
	assert_int_equal(store_request_transition(s, id, r.version, RS_RECEIVED,
	                 RS_NEEDS_INFO, login, "x"), ST_REVOKED);
	/* the workflow refuses a role it does not allow before the store */
	assert_int_equal(wf_apply(s, &r, WF_ASK_INFO, &me, "missing ID copy"),
	                 wf_allowed(WF_ASK_INFO, RS_RECEIVED, role) ? ST_REVOKED : ST_DENIED);
	fx_request(&nr, "سلمى", "1000000077", "0500000077");
	strcpy(nr.declared_by, login);
	assert_int_equal(store_request_submit(s, &nr, login), ST_REVOKED);
	assert_int_equal(nr.id, 0);
	assert_string_equal(nr.ref, "");
	/* admin writes */
	strcpy(it.code, "x_new");
	it.name_en = "New";
	it.name_ar = "جديد";
	assert_int_equal(store_catalog_upsert(s, "service", &it), ST_REVOKED);
	assert_int_equal(store_officer_set_active(s, "badr", false), ST_REVOKED);
	assert_int_equal(store_officer_unlock(s, "badr"), ST_REVOKED);
	assert_int_equal(store_meta_set(s, "branch", "07"), ST_REVOKED);
	assert_int_equal(store_import_begin(s), ST_REVOKED);
	assert_same(before, snap_of(s, id));
	assert_true(store_session_revoked(s));
	assert_int_equal(store_session_check(s), ST_REVOKED);
	request_free(&r);
}

/* Disabled from the CLI while the console is open: every write refused. */
static void test_disable_ends_session(void **state)
{
	struct two *t = *state;
	store *s = t->f->s;
	int64_t id = fx_submit(s, "نورة", "1000000001", "0500000001");
	struct request r;

	assert_int_equal(store_session_begin(s, "amal", ROLE_OFFICER), ST_OK);
	/* before: the same connection writes */
	assert_int_equal(store_request_note(s, id, "amal", "first look"), ST_OK);
	assert_false(store_session_revoked(s));
	assert_int_equal(store_request_get(s, id, &r), ST_OK);
	assert_int_equal(store_officer_set_active(t->admin, "amal", false), ST_OK);
	request_free(&r);
	assert_all_refused(s, id, "amal", ROLE_OFFICER);
	/* enabled again: a NEW session works (the login screen's route) */
	assert_int_equal(store_officer_set_active(t->admin, "amal", true), ST_OK);
	store_session_end(s);
	assert_int_equal(store_session_begin(s, "amal", ROLE_OFFICER), ST_OK);
	assert_int_equal(store_request_note(s, id, "amal", "back"), ST_OK);
	store_session_end(s);
}

/* A role change (even to a "bigger" role) ends the session too. */
static void test_role_change_ends_session(void **state)
{
	struct two *t = *state;
	store *s = t->f->s;
	int64_t id = fx_submit(s, "نورة", "1000000002", "0500000002");

	assert_int_equal(store_session_begin(s, "amal", ROLE_OFFICER), ST_OK);
	fx_exec(t->admin, "UPDATE officers SET "
	                 "role = 'researcher' WHERE login = 'amal'");
	assert_all_refused(s, id, "amal", ROLE_OFFICER);
	store_session_end(s);
	/* the account deleted outright */
	assert_int_equal(store_session_begin(s, "badr", ROLE_OFFICER), ST_OK);
	fx_exec(t->admin, "DELETE FROM officers "
	                 "WHERE login = 'badr'");
	assert_int_equal(store_request_note(s, id, "badr", "x"), ST_REVOKED);
	store_session_end(s);
}

/* Admin writes need the admin role; an admin session does them until the
 * admin is disabled. */
static void test_admin_writes(void **state)
{
	struct two *t = *state;
	store *s = t->f->s;
	int64_t id = fx_submit(s, "نورة", "1000000003", "0500000003");

	assert_int_equal(store_session_begin(s, "amal", ROLE_OFFICER), ST_OK);
	assert_int_equal(store_officer_set_active(s, "badr", false), ST_REVOKED);
	store_session_end(s);
	assert_int_equal(store_session_begin(s, "root1", ROLE_ADMIN), ST_OK);
	assert_int_equal(store_officer_set_active(s, "badr", false), ST_OK);
	assert_int_equal(store_officer_set_active(s, "badr", true), ST_OK);
	assert_int_equal(store_request_note(s, id, "root1", "checked"), ST_OK);
	/* the last active admin is never disabled (officers.c invariant 4) */
	assert_int_equal(store_officer_set_active(t->admin, "root1", false), ST_DENIED);
	assert_int_equal(store_officer_set_role(t->admin, "root1", ROLE_OFFICER), ST_DENIED);
	assert_int_equal(store_request_note(s, id, "root1", "still admin"), ST_OK);
	add_officer(t->admin, "root2", ROLE_ADMIN);
	assert_int_equal(store_officer_set_active(t->admin, "root1", false), ST_OK);
	assert_all_refused(s, id, "root1", ROLE_ADMIN);
	store_session_end(s);
}

/* The session names one officer: a write recorded as someone else is
 * refused; the kiosk's own submissions are not an officer's; a connection
 * without a session (CLI, kiosk) is not checked; a disabled account cannot
 * start a session. */
static void test_session_edges(void **state)
{
	struct two *t = *state;
	store *s = t->f->s;
	int64_t id = fx_submit(s, "نورة", "1000000004", "0500000004");

	assert_int_equal(store_session_begin(s, "amal", ROLE_OFFICER), ST_OK);
	assert_int_equal(store_request_note(s, id, "badr", "not me"), ST_DENIED);
	assert_false(store_session_revoked(s));
	(void)fx_submit(s, "هند", "1000000005", "0500000005");
	store_session_end(s);
	assert_int_equal(store_officer_set_active(t->admin, "amal", false), ST_OK);
	assert_int_equal(store_session_begin(s, "amal", ROLE_OFFICER), ST_REVOKED);
	assert_int_equal(store_session_begin(s, "badr", ROLE_ADMIN), ST_REVOKED);
	assert_int_equal(store_session_begin(s, "nobody", ROLE_OFFICER), ST_REVOKED);
	store_session_end(s);
	assert_int_equal(store_session_check(s), ST_OK);
	assert_int_equal(store_request_note(s, id, "amal", "CLI-era write"), ST_OK);
	assert_int_equal(store_officer_set_active(s, "amal", true), ST_OK);
	assert_string_equal(st_rc_name(ST_REVOKED),
	                    "officer access ended (disabled or role changed)");
}

/* Every login role × every way access can end (disable, delete, each other
 * role): every write kind refused, nothing written. And with no change, the
 * admin writes pass exactly for the admin role. */
static void test_every_role_every_change(void **state)
{
	struct two *t = *state;
	store *s = t->f->s;
	int64_t id = fx_submit(s, "نورة", "1000000006", "0500000006");
	int combos = 0;

	for (int lr = 0; lr < ROLE__COUNT; lr++) {
		for (int change = -2; change < ROLE__COUNT; change++) {
			char sql[160];
			const char *login = "victim";

			if (change == lr)
				continue;
			add_officer(t->admin, login, (officer_role)lr);
			assert_int_equal(store_session_begin(s, login, (officer_role)lr), ST_OK);
			/* unchanged: admin writes only for an admin */
			assert_int_equal(store_officer_unlock(s, "badr"),
			                 lr == ROLE_ADMIN ? ST_OK : ST_REVOKED);
			store_session_end(s);
			assert_int_equal(store_session_begin(s, login, (officer_role)lr), ST_OK);
			if (change == -2)
				snprintf(sql, sizeof sql, "UPDATE officers SET active = 0 "
				         "WHERE login = '%s'", login);
			else if (change == -1)
				snprintf(sql, sizeof sql, "DELETE FROM officers WHERE "
				         "login = '%s'", login);
			else
				snprintf(sql, sizeof sql, "UPDATE officers SET role = '%s' "
				         "WHERE login = '%s'", officer_role_name((officer_role)change),
				         login);
			fx_exec(t->admin, sql);
			assert_all_refused(s, id, login, (officer_role)lr);
			store_session_end(s);
			fx_exec(t->admin, "DELETE FROM "
			                 "officers WHERE login = 'victim'");
			combos++;
		}
	}
	assert_int_equal(combos, ROLE__COUNT * (ROLE__COUNT + 1));
	print_message("session checks: %d role/change combinations, each with "
	              "every write kind\n", combos);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_disable_ends_session, setup, teardown),
		cmocka_unit_test_setup_teardown(test_role_change_ends_session, setup, teardown),
		cmocka_unit_test_setup_teardown(test_admin_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_edges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_role_every_change, setup, teardown),
	};
	return FX_RUN_BOTH(tests, NULL, NULL);
}
