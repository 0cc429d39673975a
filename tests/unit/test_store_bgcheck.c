/*
 * Store: the kiosk's opening quick_check in the background
 * (store_opts.check_in_background, store/dbcheck.c): a healthy file opens
 * and takes writes; a file with damaged pages that the opening reads do not
 * touch opens (reads may start at once), but every write waits for the check
 * and is refused with ST_CORRUPT, later statements are refused too, and the
 * file's bytes stay untouched; a new file is checked synchronously.
 */
#include <sys/stat.h>

#include "unit/store_fixture.h"

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

static void fill(struct fx *f, int n)
{
	for (int i = 0; i < n; i++)
		fx_submit(f->s, "Background Check With A Fairly Long Name To Fill Pages",
		          "1000000002", "0500000002");
	store_close(f->s);                 /* checkpoints the WAL into the file */
	f->s = NULL;
}

static void test_healthy_file_opens_and_writes(void **state)
{
	struct fx *f = *state;
	struct store_opts o = { .check_in_background = true };
	char err[256], buf[16];
	store *s;

	fill(f, 20);
	assert_int_equal(store_open(f->path, &o, &s, err, sizeof err), ST_OK);
	assert_int_equal(store_meta_set(s, "bgcheck", "yes"), ST_OK);
	assert_int_equal(store_meta_get(s, "bgcheck", buf, sizeof buf), ST_OK);
	assert_string_equal(buf, "yes");
	f->s = s;
	fx_submit(s, "After The Check", "1000000003", "0500000003");
}

static void test_damaged_pages_refuse_writes_untouched(void **state)
{
	struct fx *f = *state;
	struct store_opts o = { .check_in_background = true };
	char err[256], buf[16], *before, *after;
	size_t n, m;
	store *s;
	struct request r;

	fill(f, 300);
	before = slurp(f->path, &n);
	assert_true(n >= 40 * 4096);
	/* damage the last 8 pages (table and index pages of the requests, far
	 * from page 1, the schema and the meta table the open reads) */
	for (size_t pg = n - 8 * 4096; pg + 4096 <= n; pg += 4096)
		memset(before + pg + 100, 0xA5, 3000);
	FILE *fp = fopen(f->path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(before, 1, n, fp), n);
	fclose(fp);

	/* Usually the open returns first and the check fails later; a check
	 * that finishes while the open still runs its pragmas (a slow, e.g.
	 * sanitised, build) refuses the open itself. Both keep the file. */
	if (store_open(f->path, &o, &s, err, sizeof err) == ST_OK) {
		fx_request(&r, "Not Written", "1000000004", "0500000004");
		assert_int_equal(store_request_submit(s, &r, "kiosk"), ST_CORRUPT);
		assert_int_equal(store_meta_set(s, "bgcheck", "no"), ST_CORRUPT);
		/* once the check has failed, reads are refused as well */
		assert_int_equal(store_meta_get(s, "branch", buf, sizeof buf), ST_CORRUPT);
		store_close(s);
	} else {
		assert_null(s);
		assert_non_null(strstr(err, "integrity check failed"));
	}
	after = slurp(f->path, &m);
	assert_int_equal(m, n);
	assert_memory_equal(after, before, n);
	free(before);
	free(after);
}

static void test_damaged_file_refused_without_background(void **state)
{
	struct fx *f = *state;
	struct store_opts o = { .check_in_background = false };
	char err[256], *data;
	size_t n;
	store *s;

	fill(f, 300);
	data = slurp(f->path, &n);
	for (size_t pg = n - 8 * 4096; pg + 4096 <= n; pg += 4096)
		memset(data + pg + 100, 0xA5, 3000);
	FILE *fp = fopen(f->path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, n, fp), n);
	fclose(fp);
	free(data);
	/* the same damage is refused at open by the synchronous check */
	assert_int_equal(store_open(f->path, &o, &s, err, sizeof err), ST_CORRUPT);
	assert_null(s);
}

static void test_new_file_checked_at_open(void **state)
{
	struct fx *f = *state;
	struct store_opts o = { .create = true, .check_in_background = true };
	char path[200], err[256];
	store *s;

	snprintf(path, sizeof path, "%s/new.db", f->dir);
	assert_int_equal(store_open(path, &o, &s, err, sizeof err), ST_OK);
	assert_int_equal(store_meta_set(s, "bgcheck", "new"), ST_OK);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_healthy_file_opens_and_writes, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_damaged_pages_refuse_writes_untouched, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_damaged_file_refused_without_background, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_new_file_checked_at_open, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
