/*
 * Store: officers and the login lock-out, the catalog, anonymous surveys,
 * the tracking throttle, exports, backups and small helpers.
 */
#include <sys/stat.h>

#include "unit/store_fixture.h"

static void add_officer(store *s, const char *login, officer_role role)
{
	struct officer o = { .role = role, .active = true, .name = (char *)"Officer" };

	strcpy(o.login, login);
	strcpy(o.pwhash, "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g");
	assert_int_equal(store_officer_add(s, &o), ST_OK);
}

static void test_officers_and_lockout(void **state)
{
	struct fx *f = *state;
	struct officer o, *list;
	int failed, n;

	add_officer(f->s, "huda", ROLE_OFFICER);
	add_officer(f->s, "admin", ROLE_ADMIN);
	memset(&o, 0, sizeof o);
	strcpy(o.login, "huda");
	strcpy(o.pwhash, "x");
	assert_int_equal(store_officer_add(f->s, &o), ST_INVALID);   /* exists */
	assert_int_equal(store_officer_get(f->s, "huda", &o), ST_OK);
	assert_int_equal(o.role, ROLE_OFFICER);
	assert_true(o.active);
	assert_int_equal(o.failed, 0);
	officer_free(&o);
	assert_int_equal(store_officer_get(f->s, "nobody", &o), ST_NOTFOUND);

	setenv("KHIDMA_FAKE_NOW", "1750000000", 1);
	assert_int_equal(store_officer_login_result(f->s, "huda", false, 3, 15, &failed), ST_OK);
	assert_int_equal(failed, 1);
	assert_int_equal(store_officer_login_result(f->s, "huda", false, 3, 15, &failed), ST_OK);
	assert_int_equal(store_officer_get(f->s, "huda", &o), ST_OK);
	assert_int_equal(o.locked_until, 0);
	officer_free(&o);
	assert_int_equal(store_officer_login_result(f->s, "huda", false, 3, 15, &failed), ST_OK);
	assert_int_equal(failed, 3);
	assert_int_equal(store_officer_get(f->s, "huda", &o), ST_OK);
	assert_int_equal(o.locked_until, 1750000000 + 15 * 60);
	officer_free(&o);
	assert_int_equal(store_officer_login_result(f->s, "huda", true, 3, 15, &failed), ST_OK);
	assert_int_equal(failed, 0);
	assert_int_equal(store_officer_login_result(f->s, "ghost", false, 3, 15, &failed),
	                 ST_NOTFOUND);
	assert_int_equal(store_officer_login_result(f->s, "huda", false, 3, 15, &failed), ST_OK);
	assert_int_equal(store_officer_unlock(f->s, "huda"), ST_OK);
	assert_int_equal(store_officer_get(f->s, "huda", &o), ST_OK);
	assert_int_equal(o.failed, 0);
	officer_free(&o);
	unsetenv("KHIDMA_FAKE_NOW");

	assert_int_equal(store_officer_set_active(f->s, "huda", false), ST_OK);
	assert_int_equal(store_officer_set_password(f->s, "huda", "$argon2id$new"), ST_OK);
	assert_int_equal(store_officer_set_password(f->s, "ghost", "$argon2id$new"), ST_NOTFOUND);
	assert_int_equal(store_officer_list(f->s, &list, &n), ST_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].login, "admin");
	assert_string_equal(list[1].login, "huda");
	assert_false(list[1].active);
	assert_string_equal(list[1].pwhash, "$argon2id$new");
	officers_free(list, n);
}

static void test_catalog(void **state)
{
	struct fx *f = *state;
	struct catalog_item *items, it = { .sort = 0, .active = false };
	int n;

	assert_int_equal(store_catalog_list(f->s, "channel", false, &items, &n), ST_OK);
	assert_int_equal(n, 2);
	assert_string_equal(items[0].code, "in_person");
	assert_string_equal(items[1].name_ar, "الاتصالات الهاتفية");
	catalog_items_free(items, n);
	strcpy(it.code, "phone");
	it.name_en = "Phone calls";
	it.name_ar = "الاتصالات الهاتفية";
	assert_int_equal(store_catalog_upsert(f->s, "channel", &it), ST_OK);
	assert_int_equal(store_catalog_list(f->s, "channel", false, &items, &n), ST_OK);
	assert_int_equal(n, 1);
	catalog_items_free(items, n);
	assert_int_equal(store_catalog_list(f->s, "channel", true, &items, &n), ST_OK);
	assert_int_equal(n, 2);
	assert_string_equal(items[0].code, "phone");          /* sort 0 first */
	assert_string_equal(items[0].name_en, "Phone calls");
	assert_false(items[0].active);
	catalog_items_free(items, n);
	assert_int_equal(store_catalog_upsert(f->s, "colour", &it), ST_INVALID);
}

static void test_survey_anonymous(void **state)
{
	struct fx *f = *state;
	struct survey_response r = { .nanswers = 2, .comment = (char *)"شكرا" };
	struct tm tm;
	time_t at;

	strcpy(r.channel, "in_person");
	strcpy(r.answers[0].question, "q_courtesy");
	r.answers[0].score = 5;
	strcpy(r.answers[1].question, "q_time");
	r.answers[1].score = 0;
	setenv("KHIDMA_FAKE_NOW", "1750012345", 1);
	assert_int_equal(store_survey_submit(f->s, &r), ST_OK);
	unsetenv("KHIDMA_FAKE_NOW");
	assert_true(r.id > 0);
	at = r.at;
	localtime_r(&at, &tm);
	assert_int_equal(tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec, 0);
	assert_int_equal(tm.tm_mday, 1);                /* kept by month (v9) */
	assert_true(r.at <= 1750012345 && r.at > 1750012345 - 31 * 86400);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM survey_answers"), 2);
	/* no column can name a person or a request: the table has exactly
	 * these (s1..s5: the response's scored answers by score, schema v4;
	 * service and the officers credited, v9; idem, v15: the key of a
	 * response copied by `khidma migrate`, "ms:BB:<its id in the branch
	 * file>", which names neither) */
	assert_int_equal(fx_extra_columns(f->s, "survey_responses", "'id','day',"
	                 "'channel','idem','comment','service','off_verified',"
	                 "'off_registered','off_delivered','s1','s2','s3','s4','s5'"), 0);
	assert_int_equal(fx_int(f->s, "SELECT s5 * 10 + s1 + s2 + s3 + s4 FROM "
	                 "survey_responses"), 10);
	assert_int_equal(fx_extra_columns(f->s, "survey_days",
	                 "'day','question','score','n'"), 0);
	assert_int_equal(fx_extra_columns(f->s, "survey_answers",
	                 "'response_id','question','score'"), 0);
	/* a bad score stores nothing at all */
	r.answers[1].score = 9;
	assert_int_equal(store_survey_submit(f->s, &r), ST_INVALID);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM survey_responses"), 1);
	/* linked to a request that does not exist, or not delivered: refused,
	 * nothing stored (the link rules: test_cli_survey_figures.c) */
	r.answers[1].score = 3;
	strcpy(r.ref, "0100000099");
	strcpy(r.last4, "0060");
	assert_int_equal(store_survey_submit(f->s, &r), ST_NOTFOUND);
	fx_submit(f->s, "Linked", "1000000060", "0500000060");
	strcpy(r.ref, fx_text(f->s, "SELECT ref FROM requests"));
	assert_int_equal(store_survey_submit(f->s, &r), ST_DENIED);
	assert_int_equal(r.refused, SURVEY_NOT_DELIVERED);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM survey_responses"), 1);
	r.ref[0] = '\0';
	assert_int_equal(store_survey_submit(f->s, &r), ST_OK);
}

static void test_track_throttle(void **state)
{
	struct fx *f = *state;

	setenv("KHIDMA_FAKE_NOW", "1750000000", 1);
	assert_int_equal(store_track_failures(f->s, 600), 0);
	assert_int_equal(store_track_fail(f->s, 600), 1);
	assert_int_equal(store_track_fail(f->s, 600), 2);
	setenv("KHIDMA_FAKE_NOW", "1750000300", 1);
	assert_int_equal(store_track_fail(f->s, 600), 3);
	setenv("KHIDMA_FAKE_NOW", "1750000700", 1);    /* the first two left the window */
	assert_int_equal(store_track_failures(f->s, 600), 1);
	setenv("KHIDMA_FAKE_NOW", "1750200000", 1);    /* two days later: pruned */
	assert_int_equal(store_track_fail(f->s, 600), 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM track_failures"), 1);
	unsetenv("KHIDMA_FAKE_NOW");
}

/* Per kiosk and per reference (schema v7): each count sees only its own
 * key, the total sees all, and the window applies to each. */
static void test_track_throttle_keys(void **state)
{
	struct fx *f = *state;
	struct track_counts c;

	setenv("KHIDMA_FAKE_NOW", "1750000000", 1);
	for (int i = 1; i <= 8; i++) {
		assert_int_equal(store_track_fail_at(f->s, "A", "0100001", 600, &c), ST_OK);
		assert_int_equal(c.kiosk, i);
		assert_int_equal(c.ref, i);
		assert_int_equal(c.all, i);
	}
	assert_int_equal(store_track_fail_at(f->s, "B", "0100002", 600, &c), ST_OK);
	assert_int_equal(c.kiosk, 1);                  /* B: not A's */
	assert_int_equal(c.ref, 1);                    /* another reference */
	assert_int_equal(c.all, 9);
	assert_int_equal(store_track_fail_at(f->s, "B", "0100001", 600, &c), ST_OK);
	assert_int_equal(c.kiosk, 2);
	assert_int_equal(c.ref, 9);                    /* the reference, any kiosk */
	assert_int_equal(store_track_fail_at(f->s, "A", "", 600, &c), ST_OK);
	assert_int_equal(c.kiosk, 9);
	assert_int_equal(c.ref, 0);                    /* "" is no key */
	setenv("KHIDMA_FAKE_NOW", "1750000601", 1);    /* the window has passed */
	assert_int_equal(store_track_fail_at(f->s, "A", "0100001", 600, &c), ST_OK);
	assert_int_equal(c.kiosk, 1);
	assert_int_equal(c.ref, 1);
	assert_int_equal(c.all, 1);
	assert_int_equal(store_track_fail_at(f->s, "A\xff", "1", 600, &c), ST_INVALID);
	unsetenv("KHIDMA_FAKE_NOW");
}

struct collect { int rows; int ncols; char first[64]; char header[256]; int64_t last_id; bool ordered; };

static int collect_row(void *ctx, int ncols, const char *const *names,
                       const char *const *cols)
{
	struct collect *c = ctx;
	int64_t id = atoll(cols[0]);

	if (c->rows == 0) {
		for (int i = 0; i < ncols; i++) {
			strcat(c->header, names[i]);
			strcat(c->header, i + 1 < ncols ? "," : "");
			if (strlen(c->header) > 200)
				break;
		}
		strlcpy_k(c->first, cols[1], sizeof c->first);
		c->ordered = true;
	} else if (id <= c->last_id) {
		c->ordered = false;
	}
	c->last_id = id;
	c->ncols = ncols;
	c->rows++;
	return 0;
}

static int stop_after_one(void *ctx, int ncols, const char *const *names,
                          const char *const *cols)
{
	(void)ncols; (void)names; (void)cols;
	++*(int *)ctx;
	return 1;
}

static void test_export(void **state)
{
	struct fx *f = *state;
	struct survey_response sr = { .nanswers = 1 };
	struct collect c;
	int once = 0;

	for (int i = 0; i < 5; i++)
		fx_submit(f->s, "Export", "1000000061", "0500000061");
	assert_int_equal(store_request_note(f->s, 2, "officer1", "note"), ST_OK);
	strcpy(sr.answers[0].question, "q1");
	sr.answers[0].score = 4;
	assert_int_equal(store_survey_submit(f->s, &sr), ST_OK);

	memset(&c, 0, sizeof c);
	assert_int_equal(store_export(f->s, "requests", 0, collect_row, &c), ST_OK);
	assert_int_equal(c.rows, 5);
	assert_true(c.ordered);
	assert_non_null(strstr(c.header, "id,ref,created_at,status"));
	memset(&c, 0, sizeof c);
	assert_int_equal(store_export(f->s, "events", 0, collect_row, &c), ST_OK);
	assert_int_equal(c.rows, 6);
	assert_true(c.ordered);
	memset(&c, 0, sizeof c);
	assert_int_equal(store_export(f->s, "surveys", 0, collect_row, &c), ST_OK);
	assert_int_equal(c.rows, 1);
	assert_non_null(strstr(c.header, "answers"));
	memset(&c, 0, sizeof c);
	assert_int_equal(store_export(f->s, "requests", khidma_now() + 3600, collect_row, &c), ST_OK);
	assert_int_equal(c.rows, 0);
	assert_int_equal(store_export(f->s, "requests", 0, stop_after_one, &once), ST_OK);
	assert_int_equal(once, 1);
	assert_int_equal(store_export(f->s, "officers", 0, collect_row, &c), ST_INVALID);
}

static void test_backup(void **state)
{
	struct fx *f = *state;
	struct store_opts o = { .create = false };
	char dest[160], err[256];
	struct stat sb;
	store *b;

	for (int i = 0; i < 20; i++)
		fx_submit(f->s, "Backup", "1000000062", "0500000062");
	snprintf(dest, sizeof dest, "%s/backup.db", f->dir);
	if (fx_use_pg) {         /* the server's tools back it up, not khidma */
		assert_int_equal(store_backup(f->s, dest, err, sizeof err), ST_INVALID);
		assert_non_null(strstr(err, "pg_dump"));
		assert_int_equal(access(dest, F_OK), -1);
		return;
	}
	umask(0);
	assert_int_equal(store_backup(f->s, dest, err, sizeof err), ST_OK);
	umask(022);
	assert_int_equal(stat(dest, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(store_backup(f->s, dest, err, sizeof err), ST_INVALID);   /* exists */
	snprintf(dest, sizeof dest, "%s/no/backup.db", f->dir);
	assert_int_equal(store_backup(f->s, dest, err, sizeof err), ST_NODIR);
	snprintf(dest, sizeof dest, "%s/backup.db", f->dir);
	assert_int_equal(store_open(dest, &o, &b, err, sizeof err), ST_OK);
	assert_int_equal(fx_int(b, "SELECT count(*) FROM requests"), 20);
	assert_int_equal(fx_int(b, "SELECT count(*) FROM request_events"), 20);
	store_close(b);
}

static void test_helpers(void **state)
{
	struct fx *f = *state;
	struct store_opts o = { .create = false };
	char err[256];
	req_status st;
	officer_role r;
	store *b;

	for (int i = 0; i < RS__COUNT; i++) {
		assert_true(req_status_parse(req_status_name((req_status)i), &st));
		assert_int_equal((int)st, i);
	}
	assert_false(req_status_parse("lost", &st));
	for (int i = 0; i < ROLE__COUNT; i++) {
		assert_true(officer_role_parse(officer_role_name((officer_role)i), &r));
		assert_int_equal((int)r, i);
	}
	assert_string_equal(st_rc_name(ST_FULL), "disk full");
	assert_string_equal(st_rc_name((st_rc)77), "unknown");
	/* store_changed sees another connection's commit, once */
	assert_int_equal(store_open(f->path, &o, &b, err, sizeof err), ST_OK);
	assert_false(store_changed(f->s));
	fx_submit(b, "Other", "1000000063", "0500000063");
	assert_true(store_changed(f->s));
	assert_false(store_changed(f->s));
	store_close(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_officers_and_lockout, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_catalog, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_survey_anonymous, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_track_throttle, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_track_throttle_keys, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_export, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_backup, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_helpers, fx_setup, fx_teardown),
	};
	return FX_RUN_BOTH(tests, NULL, NULL);
}
