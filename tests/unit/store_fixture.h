/*
 * store_fixture — shared by the store and workflow unit tests: a temporary
 * directory per test (mkdtemp), a database in it with the catalog entries
 * the requests need, and a helper that submits a request.
 */
#ifndef KHIDMA_TEST_STORE_FIXTURE_H
#define KHIDMA_TEST_STORE_FIXTURE_H

#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "core/util.h"
#include "store/store.h"

#define FX static __attribute__((unused))

struct fx {
	char   dir[64];
	char   path[128];
	store *s;
};

FX void fx_rmdir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];

	if (!d)
		return;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
			unlink(p);
		}
	closedir(d);
	rmdir(dir);
}

FX void fx_catalog(store *s)
{
	struct catalog_item it = { .sort = 1, .active = true };

	it.name_en = "Maintenance";
	it.name_ar = "صيانة";
	strcpy(it.code, "maintenance");
	assert_int_equal(store_catalog_upsert(s, "service", &it), ST_OK);
	it.name_en = "In person";
	it.name_ar = "المقابلة";
	strcpy(it.code, "in_person");
	assert_int_equal(store_catalog_upsert(s, "channel", &it), ST_OK);
	it.name_en = "Phone";
	it.name_ar = "الاتصالات الهاتفية";
	strcpy(it.code, "phone");
	it.sort = 2;
	assert_int_equal(store_catalog_upsert(s, "channel", &it), ST_OK);
}

FX int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct store_opts o = { .create = true };
	char err[256];

	strcpy(f->dir, "/tmp/khidma-store-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/khidma.db", f->dir);
	if (store_open(f->path, &o, &f->s, err, sizeof err) != ST_OK) {
		fprintf(stderr, "open: %s\n", err);
		return -1;
	}
	fx_catalog(f->s);
	*state = f;
	return 0;
}

FX int fx_teardown(void **state)
{
	struct fx *f = *state;

	if (!f)
		return 0;
	store_close(f->s);
	fx_rmdir(f->dir);
	free(f);
	return 0;
}

/* A filled-in request (strings point at literals; do not request_free). */
FX void fx_request(struct request *r, const char *name, const char *nid,
                       const char *mobile)
{
	memset(r, 0, sizeof *r);
	strcpy(r->category, "member");
	r->name = (char *)name;
	strcpy(r->national_id, nid);
	strcpy(r->mobile, mobile);
	r->email = (char *)"";
	strcpy(r->service, "maintenance");
	strcpy(r->channel, "in_person");
	r->description = (char *)"The air conditioner is broken.";
	r->declared_at = 1700000000;
	r->signature = (char *)name;
	r->declaration_version = 1;
	strcpy(r->declared_by, "kiosk");
}

/* Submit and return the id (asserting success). */
FX int64_t fx_submit(store *s, const char *name, const char *nid,
                         const char *mobile)
{
	struct request r;

	fx_request(&r, name, nid, mobile);
	assert_int_equal(store_request_submit(s, &r, "kiosk"), ST_OK);
	assert_true(r.id > 0);
	return r.id;
}

/* One integer from SQL (asserting a row). */
FX int64_t fx_int(store *s, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v;

	assert_int_equal(sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* One text from SQL (asserting a row), in a static buffer. */
FX const char *fx_text(store *s, const char *sql)
{
	static char buf[256];
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(buf, sizeof buf, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return buf;
}

/* The response-level sums (schema v9) recomputed from the responses: per
 * (day, key) the responses by class floor(t/c) of their mean, their
 * number and the sum of their means x 720720. */
#define FX_RESP_SUMS(key, from) "SELECT day, " key ", sum(t / c = 1), sum(t / c = 2), " \
	"sum(t / c = 3), sum(t / c = 4), sum(t / c = 5), count(*), " \
	"sum(t * 720720 / c) FROM (" from ") WHERE c > 0 GROUP BY 1, 2"
#define FX_RESP_CT "s1 + s2 + s3 + s4 + s5 AS c, s1 + 2 * s2 + 3 * s3 + 4 * s4 + 5 * s5 AS t"

/* Schema invariants: last_officer equals the events (v6, still kept by
 * the writers); survey_channel_days and survey_officer_days equal the
 * responses (v9; each response once per officer it credits). */
FX void fx_check_officer_counters(store *s)
{
	assert_int_equal(fx_int(s, "SELECT count(*) FROM requests q WHERE "
	    "last_officer IS NOT coalesce((SELECT who FROM request_events e WHERE "
	    "e.request_id = q.id AND who <> 'kiosk' ORDER BY id DESC LIMIT 1), '')"), 0);
	assert_int_equal(fx_int(s, "SELECT count(*) FROM ("
	    "SELECT day, channel, s1, s2, s3, s4, s5, responses, msum FROM "
	    "survey_channel_days WHERE s1 + s2 + s3 + s4 + s5 + responses + msum <> 0 "
	    "EXCEPT " FX_RESP_SUMS("channel", "SELECT day, channel, " FX_RESP_CT
	    " FROM survey_responses") ")"), 0);
	assert_int_equal(fx_int(s, "SELECT count(*) FROM survey_channel_days WHERE "
	    "s1 + s2 + s3 + s4 + s5 + responses + msum <> 0"),
	    fx_int(s, "SELECT count(*) FROM (SELECT DISTINCT day, channel FROM "
	    "survey_responses WHERE s1 + s2 + s3 + s4 + s5 > 0)"));
	assert_int_equal(fx_int(s, "SELECT count(*) FROM ("
	    "SELECT day, officer, s1, s2, s3, s4, s5, responses, msum FROM "
	    "survey_officer_days WHERE s1 + s2 + s3 + s4 + s5 + responses + msum <> 0 "
	    "EXCEPT " FX_RESP_SUMS("o", "SELECT DISTINCT id, day, o, c, t FROM ("
	    "SELECT id, day, off_verified AS o, " FX_RESP_CT " FROM survey_responses "
	    "UNION ALL SELECT id, day, off_registered, " FX_RESP_CT " FROM survey_responses "
	    "UNION ALL SELECT id, day, off_delivered, " FX_RESP_CT " FROM survey_responses)"
	    " WHERE o <> ''") ")"), 0);
	assert_int_equal(fx_int(s, "SELECT count(*) FROM survey_officer_days WHERE "
	    "s1 + s2 + s3 + s4 + s5 + responses + msum <> 0"),
	    fx_int(s, "SELECT count(*) FROM (SELECT DISTINCT day, o FROM ("
	    "SELECT day, s1 + s2 + s3 + s4 + s5 AS c, off_verified AS o FROM survey_responses "
	    "UNION ALL SELECT day, s1 + s2 + s3 + s4 + s5, off_registered FROM survey_responses "
	    "UNION ALL SELECT day, s1 + s2 + s3 + s4 + s5, off_delivered FROM survey_responses)"
	    " WHERE o <> '' AND c > 0)"));
	assert_int_equal(fx_int(s, "SELECT count(*) FROM survey_officer_days WHERE "
	    "min(s1, s2, s3, s4, s5, responses, msum) < 0"), 0);
	assert_int_equal(fx_int(s, "SELECT count(*) FROM survey_channel_days WHERE "
	    "min(s1, s2, s3, s4, s5, responses, msum) < 0"), 0);
}

#endif
