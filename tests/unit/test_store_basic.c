/*
 * Store: opening files (mode, missing directory, corrupt and read-only files,
 * newer schema), the pragmas, meta/branch, the audit triggers and the
 * reference numbers' check digits.
 */
#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>

#include "unit/store_fixture.h"
#include "core/refno.h"

static char *slurp(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long len;

	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)len + 1);
	assert_int_equal(fread(buf, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);
	*n = (size_t)len;
	return buf;
}

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, n, fp), n);
	fclose(fp);
}

static void test_mode_0600_despite_umask(void **state)
{
	FX_SQLITE_ONLY();
	struct fx *f = *state;
	struct store_opts o = { .create = true };
	char path[160], err[256];
	struct stat sb;
	store *s;
	mode_t old;

	(void)f;
	snprintf(path, sizeof path, "%s/other.db", f->dir);
	old = umask(0);                   /* the most permissive umask */
	assert_int_equal(store_open(path, &o, &s, err, sizeof err), ST_OK);
	umask(old);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	fx_catalog(s);
	fx_submit(s, "Sara", "1000000001", "0500000001");
	snprintf(path, sizeof path, "%s/other.db-wal", f->dir);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	store_close(s);

	/* and the main fixture file, created under the test's own umask */
	assert_int_equal(stat(f->path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
}

static void test_group_mode_0660(void **state)
{
	FX_SQLITE_ONLY();
	struct fx *f = *state;
	struct group *g = getgrgid(getegid());
	struct store_opts o = { .create = true };
	char path[160], err[256];
	struct stat sb;
	store *s;
	mode_t old;

	assert_non_null(g);
	o.group = g->gr_name;
	snprintf(path, sizeof path, "%s/shared.db", f->dir);
	old = umask(077);                 /* the strictest umask: still 0660 */
	assert_int_equal(store_open(path, &o, &s, err, sizeof err), ST_OK);
	umask(old);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0660);
	assert_int_equal(sb.st_gid, g->gr_gid);
	store_close(s);
	o.group = "no-such-group-khidma";
	snprintf(path, sizeof path, "%s/nogroup.db", f->dir);
	assert_int_equal(store_open(path, &o, &s, err, sizeof err), ST_INVALID);
	assert_int_equal(access(path, F_OK), -1);
}

static void test_missing_dir_and_file(void **state)
{
	FX_SQLITE_ONLY();
	struct fx *f = *state;
	struct store_opts o = { .create = true }, no = { .create = false };
	char path[160], err[256];
	store *s = (store *)1;

	snprintf(path, sizeof path, "%s/nodir/khidma.db", f->dir);
	assert_int_equal(store_open(path, &o, &s, err, sizeof err), ST_NODIR);
	assert_null(s);
	assert_non_null(strstr(err, "does not exist"));
	snprintf(path, sizeof path, "%s/absent.db", f->dir);
	assert_int_equal(store_open(path, &no, &s, err, sizeof err), ST_NOTFOUND);
	assert_int_equal(access(path, F_OK), -1);   /* not created */
}

static void test_garbage_file_refused_untouched(void **state)
{
	FX_SQLITE_ONLY();
	struct fx *f = *state;
	struct store_opts o = { .create = true };
	char path[160], err[256], junk[5000];
	size_t n;
	char *after;
	store *s;

	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (char)(i * 7 + 3);
	snprintf(path, sizeof path, "%s/junk.db", f->dir);
	write_file(path, junk, sizeof junk);
	assert_int_equal(store_open(path, &o, &s, err, sizeof err), ST_CORRUPT);
	assert_null(s);
	after = slurp(path, &n);
	assert_int_equal(n, sizeof junk);
	assert_memory_equal(after, junk, n);
	free(after);
	/* no -wal/-shm left beside it either */
	snprintf(path, sizeof path, "%s/junk.db-wal", f->dir);
	assert_int_equal(access(path, F_OK), -1);
}

static void test_corrupt_pages_refused_untouched(void **state)
{
	FX_SQLITE_ONLY();
	struct fx *f = *state;
	struct store_opts o = { .create = true };
	char err[256], *before, *after;
	size_t n, m;
	store *s;
	int fd;

	for (int i = 0; i < 60; i++)
		fx_submit(f->s, "Corrupt Me With A Fairly Long Name To Fill Pages",
		          "1000000002", "0500000002");
	store_close(f->s);                 /* checkpoints the WAL into the file */
	f->s = NULL;
	/* overwrite the middle of every page after the first with junk */
	before = slurp(f->path, &n);
	assert_true(n >= 4 * 4096);
	for (size_t pg = 4096; pg + 4096 <= n; pg += 4096)
		memset(before + pg + 100, 0xA5, 3000);
	write_file(f->path, before, n);
	fd = open(f->path, O_RDONLY);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(store_open(f->path, &o, &s, err, sizeof err), ST_CORRUPT);
	assert_null(s);
	after = slurp(f->path, &m);
	assert_int_equal(m, n);
	assert_memory_equal(after, before, n);
	free(before);
	free(after);
}

static void test_readonly_file(void **state)
{
	FX_SQLITE_ONLY();
	struct fx *f = *state;
	struct store_opts o = { .create = true }, ro = { .readonly = true };
	char err[256];
	store *s;

	store_close(f->s);
	f->s = NULL;
	assert_int_equal(chmod(f->path, 0400), 0);
	if (geteuid() == 0) {
		/* root may write anyway; the read-only open must still work */
		assert_int_equal(store_open(f->path, &ro, &s, err, sizeof err), ST_OK);
	} else {
		assert_int_equal(store_open(f->path, &o, &s, err, sizeof err), ST_READONLY);
		assert_null(s);
		assert_int_equal(store_open(f->path, &ro, &s, err, sizeof err), ST_OK);
	}
	assert_int_equal(store_meta_set(s, "x", "y"), ST_READONLY);
	store_close(s);
	chmod(f->path, 0600);
}

static void test_newer_schema_refused(void **state)
{
	struct fx *f = *state;
	struct store_opts o = { .create = true };
	char sql[64], err[256];
	store *s;

	if (fx_use_pg)
		fx_exec(f->s, "INSERT INTO khidma_schema(version) VALUES (9999)");
	else {
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", store_schema_latest() + 1);
		fx_exec(f->s, sql);
	}
	assert_int_equal(store_open(f->path, &o, &s, err, sizeof err), ST_TOONEW);
	assert_null(s);
}

static void test_pragmas(void **state)
{
	FX_SQLITE_ONLY();
	struct fx *f = *state;
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(store_db(f->s), "PRAGMA journal_mode",
	                 -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	assert_int_equal(fx_int(f->s, "PRAGMA synchronous"), 2);   /* FULL */
	assert_int_equal(fx_int(f->s, "PRAGMA foreign_keys"), 1);
	/* PRAGMA busy_timeout reads 0: the store installs its own busy handler
	 * (db.c invariant 2); that it waits is tested in test_store_busy. */
	assert_int_equal(fx_int(f->s, "PRAGMA busy_timeout"), 0);
	assert_int_equal(store_schema_version(f->s), store_schema_latest());
	assert_true(store_schema_latest() >= 2);
	/* every table is STRICT */
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM sqlite_schema WHERE "
	                 "type = 'table' AND name NOT LIKE 'sqlite_%' AND "
	                 "name NOT LIKE 'requests_name_fts%' AND "
	                 "sql NOT LIKE '%) STRICT' AND "
	                 "sql NOT LIKE '%) STRICT, WITHOUT ROWID'"), 0);
}

static void test_meta_and_branch(void **state)
{
	struct fx *f = *state;
	struct store_opts o = { .create = true };
	struct request r;
	char buf[16], err[256];
	store *s2;

	assert_string_equal(store_branch(f->s), "01");
	assert_int_equal(store_meta_set(f->s, "branch", "7"), ST_INVALID);
	assert_int_equal(store_meta_set(f->s, "branch", "0a"), ST_INVALID);
	assert_int_equal(store_meta_set(f->s, "branch", "07"), ST_OK);
	assert_string_equal(store_branch(f->s), "07");
	assert_int_equal(store_meta_get(f->s, "branch", buf, sizeof buf), ST_OK);
	assert_string_equal(buf, "07");
	assert_int_equal(store_meta_get(f->s, "nope", buf, sizeof buf), ST_NOTFOUND);
	fx_request(&r, "Branch Test", "1000000003", "0500000003");
	assert_int_equal(store_request_submit(f->s, &r, "kiosk"), ST_OK);
	assert_memory_equal(r.ref, "07", 2);
	assert_true(refno_valid(r.ref));
	/* another connection sees the branch */
	assert_int_equal(store_open(f->path, &o, &s2, err, sizeof err), ST_OK);
	assert_string_equal(store_branch(s2), "07");
	store_close(s2);
}

static void test_audit_triggers(void **state)
{
	struct fx *f = *state;
	int64_t id = fx_submit(f->s, "Audit", "1000000004", "0500000004");
	char sql[160];

	(void)id;
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM request_events"), 1);
	/* the trigger's refusal: SQLite RAISE(ABORT) → constraint, PostgreSQL
	 * RAISE EXCEPTION → an error either way, with the reason */
	assert_int_not_equal(store_sql_exec(f->s, "UPDATE request_events SET note = 'x'"),
	                     ST_OK);
	assert_non_null(strstr(store_errmsg(f->s), "append-only"));
	assert_int_not_equal(store_sql_exec(f->s, "DELETE FROM request_events"), ST_OK);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM request_events"), 1);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM request_events "
	                 "WHERE note = 'submitted'"), 1);
	/* and a request with events cannot be deleted (foreign key) */
	snprintf(sql, sizeof sql, "DELETE FROM requests WHERE id = %lld", (long long)id);
	assert_int_not_equal(store_sql_exec(f->s, sql), ST_OK);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM requests"), 1);
}

/* Every single-digit substitution and every adjacent transposition of a
 * real reference is refused by refno_valid and finds no request. */
static void test_reference_check_digits(void **state)
{
	struct fx *f = *state;
	char refs[40][16], bad[16];
	struct request r;
	int caught = 0;

	for (int i = 0; i < 40; i++) {
		fx_request(&r, "Ref", "1000000005", "0500000005");
		assert_int_equal(store_request_submit(f->s, &r, "kiosk"), ST_OK);
		assert_true(refno_valid(r.ref));
		assert_int_equal(strlen(r.ref), 8);
		strcpy(refs[i], r.ref);
	}
	for (int i = 0; i < 40; i++) {
		size_t len = strlen(refs[i]);

		assert_int_equal(store_request_by_ref(f->s, refs[i], &r), ST_OK);
		request_free(&r);
		for (size_t p = 0; p < len; p++)
			for (char d = '0'; d <= '9'; d++) {
				if (d == refs[i][p])
					continue;
				strcpy(bad, refs[i]);
				bad[p] = d;
				assert_false(refno_valid(bad));
				caught++;
			}
		for (size_t p = 0; p + 1 < len; p++) {
			if (refs[i][p] == refs[i][p + 1])
				continue;
			strcpy(bad, refs[i]);
			bad[p] = refs[i][p + 1];
			bad[p + 1] = refs[i][p];
			assert_false(refno_valid(bad));
			caught++;
		}
	}
	assert_true(caught > 40 * 8 * 9);
	/* a few mistyped ones against the database, too */
	strcpy(bad, refs[3]);
	bad[4] = bad[4] == '9' ? '0' : (char)(bad[4] + 1);
	assert_int_equal(store_request_by_ref(f->s, bad, &r), ST_NOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mode_0600_despite_umask, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_group_mode_0660, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_missing_dir_and_file, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_garbage_file_refused_untouched, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_pages_refused_untouched, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_readonly_file, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_newer_schema_refused, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_pragmas, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_meta_and_branch, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_audit_triggers, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_reference_check_digits, fx_setup, fx_teardown),
	};
	return FX_RUN_BOTH(tests, NULL, NULL);
}
