/*
 * The opening-check policy of the CLI (store/db.c, "Who checks how"), run as
 * the real binary:
 *  - commands that write (members import, officer add/passwd/disable/unlock,
 *    init) refuse a file with damaged pages with the quick_check's message
 *    and leave it byte-identical, though their check now runs in the
 *    background while they prepare;
 *  - commands that only read open read-only without the check: they work on
 *    a healthy file and leave it byte-identical; backup still refuses to
 *    vouch for a copy of a damaged file (the copy's check fails);
 *  - a read command on a file whose schema needs an upgrade never
 *    migrates it: it says to run `khidma init` and leaves the file as it
 *    is; backup copies it as it is.
 */
#include "test_cli_util.h"

#include "store/store.h"

static const char good_pw[] = "Qaswa-2024-mahal\nQaswa-2024-mahal\n";

/* A valid national ID: 1, eight digits of n, the Luhn check digit. */
static const char *nid(int n)
{
	static char d[11];
	int sum = 0;

	snprintf(d, sizeof d, "1%08d", n);
	for (int i = 0; i < 9; i++) {
		int v = d[8 - i] - '0';

		if (i % 2 == 0 && (v *= 2) > 9)
			v -= 9;
		sum += v;
	}
	d[9] = (char)('0' + (10 - sum % 10) % 10);
	d[10] = '\0';
	return d;
}

/* A database with an officer and enough members that the last pages are
 * the members table and its indexes, far from page 1, the schema, the
 * officers and the meta table. */
static struct cu *filled(void)
{
	struct cu *c = cu_init();
	size_t cap = 1 << 20, n = 0;
	char *csv = malloc(cap);

	n += (size_t)snprintf(csv + n, cap - n,
	                      "membership_number,name,national_id,mobile\n");
	for (int i = 0; i < 3000; i++)
		n += (size_t)snprintf(csv + n, cap - n, "M%05d,Member Number %d,"
		                      "%s,05%08d\n", i, i, nid(i), i);
	cu_write(c, "m.csv", csv, n);
	free(csv);
	cu_run(c, NULL, "members", "import", cu_path(c, "m.csv"));
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "imported 3000");
	cu_run(c, good_pw, "officer", "add", "ali", "--name", "Ali", "--role",
	       "officer");
	CU_ASSERT_STATUS(c, 0);
	return c;
}

/* Overwrite the last 8 pages (members data and indexes) with garbage; the
 * damaged image is returned (malloc'd) for the byte comparison. */
static char *damage(struct cu *c, size_t *len)
{
	char *img = cu_slurp(c->db, len);
	FILE *f;

	assert_non_null(img);
	assert_true(*len >= 40 * 4096);
	for (size_t pg = *len - 8 * 4096; pg + 4096 <= *len; pg += 4096)
		memset(img + pg + 100, 0xA5, 3000);
	f = fopen(c->db, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(img, 1, *len, f), *len);
	assert_int_equal(fclose(f), 0);
	return img;
}

static void assert_untouched(struct cu *c, const char *img, size_t len)
{
	size_t n;
	char *now = cu_slurp(c->db, &n);

	assert_non_null(now);
	assert_int_equal(n, len);
	assert_memory_equal(now, img, len);
	free(now);
}

/* The quick_check's refusal, as the synchronous check words it. */
static void assert_refused(struct cu *c, const char *cmd)
{
	char want[640];

	CU_ASSERT_STATUS(c, 1);
	snprintf(want, sizeof want, "khidma %s: %s: integrity check failed (",
	         cmd, c->db);
	CU_ASSERT_HAS(c->err, want);
	CU_ASSERT_HAS(c->err, "); refused, left untouched");
}

static void test_writers_refuse_damaged_file(void **state)
{
	struct cu *c = filled();
	size_t len;
	char *img;
	(void)state;

	img = damage(c, &len);
	/* the CSV is read and validated while the check runs; nothing is
	 * written, not even the rows that are fine */
	char row[128];
	int rown = snprintf(row, sizeof row, "membership_number,name,national_id"
	                    "\nN1,New Member,%s\n", nid(99999));
	cu_write(c, "new.csv", row, (size_t)rown);
	cu_run(c, NULL, "members", "import", cu_path(c, "new.csv"));
	/* (a check that ends while the file is still being opened refuses the
	 * open itself — the same message, without "nothing imported") */
	assert_refused(c, "members");
	CU_ASSERT_LACKS(c->out, "imported");
	assert_untouched(c, img, len);

	/* the password is asked and hashed while the check runs */
	cu_run(c, good_pw, "officer", "add", "sara", "--name", "Sara", "--role",
	       "officer");
	assert_refused(c, "officer");
	assert_untouched(c, img, len);
	cu_run(c, good_pw, "officer", "passwd", "ali");
	assert_refused(c, "officer");
	assert_untouched(c, img, len);
	/* synchronous: they write at once */
	cu_run(c, NULL, "officer", "disable", "ali");
	assert_refused(c, "officer");
	cu_run(c, NULL, "officer", "unlock", "ali");
	assert_refused(c, "officer");
	cu_run(c, NULL, "init", "--branch", "09");
	assert_refused(c, "init");
	assert_untouched(c, img, len);
	free(img);
	cu_free(c);
}

static void test_backup_refuses_copy_of_damaged_file(void **state)
{
	struct cu *c = filled();
	size_t len;
	char *img;
	(void)state;

	img = damage(c, &len);
	/* a reader that never touches the damaged pages neither notices nor
	 * writes (it opens read-only, without the check) ... */
	cu_run(c, NULL, "officer", "list");
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "ali");
	assert_untouched(c, img, len);
	/* ... but backup vouches for its copy: the copy's check fails */
	cu_run(c, NULL, "backup", cu_path(c, "copy.db"));
	CU_ASSERT_STATUS(c, 1);
	CU_ASSERT_HAS(c->err, "does not check");
	CU_ASSERT_HAS(c->err, "integrity check failed");
	CU_ASSERT_LACKS(c->out, "backup written");
	assert_untouched(c, img, len);
	free(img);
	cu_free(c);
}

static void test_readers_work_and_write_nothing(void **state)
{
	struct cu *c = filled();
	size_t len, n;
	char *img = cu_slurp(c->db, &len), *copy;
	(void)state;

	assert_non_null(img);
	cu_run(c, NULL, "report");
	CU_ASSERT_STATUS(c, 0);
	cu_run(c, NULL, "report", "--format", "csv");
	CU_ASSERT_STATUS(c, 0);
	cu_run(c, NULL, "export", "requests", "--format", "csv");
	CU_ASSERT_STATUS(c, 0);
	cu_run(c, NULL, "officer", "list");
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "ali");
	cu_run(c, NULL, "backup", cu_path(c, "copy.db"));
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "backup written to");
	assert_untouched(c, img, len);
	/* the copy holds what the original holds */
	copy = cu_slurp(cu_path(c, "copy.db"), &n);
	assert_non_null(copy);
	assert_true(n > 0);
	free(copy);
	strcpy(c->db, cu_path(c, "copy.db"));
	cu_run(c, NULL, "officer", "list");
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "ali");
	free(img);
	cu_free(c);
}

static void test_reader_refuses_old_schema(void **state)
{
	struct cu *c = cu_new();
	struct store_opts o = { .create = true };
	char err[256], *img, *now;
	size_t len, n;
	store *s;
	(void)state;

	/* a file left at schema version 1 (an older khidma) */
	assert_int_equal(store_open_at_version(c->db, &o, 1, &s, err, sizeof err),
	                 ST_OK);
	assert_int_equal(store_schema_version(s), 1);
	store_close(s);
	img = cu_slurp(c->db, &len);
	/* read-only it is not upgraded (before: a writing open migrated it) */
	cu_run(c, NULL, "report", "--format", "csv");
	CU_ASSERT_STATUS(c, 1);
	CU_ASSERT_HAS(c->err, "schema version 1 is older than this program's");
	CU_ASSERT_HAS(c->err, "run `khidma init` to upgrade it");
	cu_run(c, NULL, "export", "events", "--format", "json");
	CU_ASSERT_STATUS(c, 1);
	CU_ASSERT_HAS(c->err, "run `khidma init` to upgrade it");
	now = cu_slurp(c->db, &n);
	assert_int_equal(n, len);
	assert_memory_equal(now, img, len);
	free(now);
	free(img);
	/* a backup before the upgrade copies it as it is */
	cu_run(c, NULL, "backup", cu_path(c, "before-upgrade.db"));
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "schema version 1");
	/* `khidma init` upgrades it; then the report works */
	cu_run(c, NULL, "init");
	CU_ASSERT_STATUS(c, 0);
	cu_run(c, NULL, "report", "--format", "csv");
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "section");
	cu_free(c);
}

static void test_reader_missing_file(void **state)
{
	struct cu *c = cu_new();
	(void)state;

	cu_run(c, NULL, "report");
	CU_ASSERT_STATUS(c, 1);
	CU_ASSERT_HAS(c->err, "no such database (run `khidma init` first)");
	cu_run(c, NULL, "officer", "list");
	CU_ASSERT_STATUS(c, 1);
	CU_ASSERT_HAS(c->err, "no such database");
	cu_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_writers_refuse_damaged_file),
		cmocka_unit_test(test_backup_refuses_copy_of_damaged_file),
		cmocka_unit_test(test_readers_work_and_write_nothing),
		cmocka_unit_test(test_reader_refuses_old_schema),
		cmocka_unit_test(test_reader_missing_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
