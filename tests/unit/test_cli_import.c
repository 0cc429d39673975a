/*
 * `khidma members import` on real files (tests/data/members_*.csv and files
 * written here): BOM, CRLF, Arabic header and digits, quoted fields with
 * commas, quotes and newlines; bad rows skipped by line number; broken
 * quoting, a missing header column, unreadable and missing files import
 * nothing. The register is then read back with SQLite.
 */
#include "test_cli_util.h"

#include <sqlite3.h>

static int64_t q_int(const char *dbpath, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;

	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* "number|name|national_id|mobile|category" of one member, malloc'd. */
static char *member_row(const char *dbpath, const char *number)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *row = NULL;

	assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT number || '|' || name || "
	    "'|' || national_id || '|' || mobile || '|' || category FROM members "
	    "WHERE number = ?", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		row = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return row;
}

static void assert_member(const char *db, const char *number, const char *want)
{
	char *row = member_row(db, number);

	if (row == NULL || strcmp(row, want) != 0)
		fail_msg("member %s: got \"%s\", want \"%s\"", number,
		         row ? row : "(none)", want);
	free(row);
}

static void test_import_good(void **state)
{
	struct cu *c = cu_init();
	(void)state;

	cu_run(c, NULL, "members", "import", cu_data("members_good.csv"));
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "imported 4, skipped 0");
	/* the unknown notes column is named, not fatal */
	CU_ASSERT_HAS(c->err, ":1: column \"ملاحظات\" is not known");
	assert_int_equal(q_int(c->db, "SELECT count(*) FROM members"), 4);
	assert_member(c->db, "M-001", "M-001|محمد عبدالله|1012345672|0501234567|member");
	assert_member(c->db, "M-002", "M-002|Otaibi, Ahmad|1023456781|0551234567|supporter");
	assert_member(c->db, "M-003",
	              "M-003|نورة \"أم خالد\" السبيعي|1034567899|0531234567|volunteer");
	assert_member(c->db, "M-004", "M-004|Fatimah Al-Harbi|2045678907||member");
	/* a second import updates by membership number, adds nothing */
	cu_run(c, NULL, "members", "import", cu_data("members_good.csv"));
	CU_ASSERT_STATUS(c, 0);
	assert_int_equal(q_int(c->db, "SELECT count(*) FROM members"), 4);
	cu_free(c);
}

static void test_import_bad_rows_skipped(void **state)
{
	struct cu *c = cu_init();
	const char *f = cu_data("members_bad_rows.csv");
	char want[600];
	(void)state;

	cu_run(c, NULL, "members", "import", f);
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "imported 2, skipped 5");
	snprintf(want, sizeof want, "%s:3: 3 fields where the header has 5", f);
	CU_ASSERT_HAS(c->err, want);
	snprintf(want, sizeof want, "%s:4: national ID \"1234567890\"", f);
	CU_ASSERT_HAS(c->err, want);
	snprintf(want, sizeof want, "%s:5: mobile \"0521234567\": Numbers starting with 051 "
	         "or 052 are not Saudi mobile numbers", f);
	CU_ASSERT_HAS(c->err, want);
	CU_ASSERT_LACKS(c->err, "starting with 05.");
	snprintf(want, sizeof want, "%s:8: category \"chief\"", f);
	CU_ASSERT_HAS(c->err, want);
	snprintf(want, sizeof want, "%s:9: name \"\": empty", f);
	CU_ASSERT_HAS(c->err, want);
	/* the record spanning lines 6-7 is good: no error names line 6 or 7 */
	snprintf(want, sizeof want, "%s:6:", f);
	CU_ASSERT_LACKS(c->err, want);
	snprintf(want, sizeof want, "%s:7:", f);
	CU_ASSERT_LACKS(c->err, want);
	assert_int_equal(q_int(c->db, "SELECT count(*) FROM members"), 2);
	assert_member(c->db, "B-001", "B-001|Ali Hassan|1056789017|0541234567|member");
	assert_member(c->db, "B-005", "B-005|Salem Ali|1012345672|0561234567|supporter");
	cu_free(c);
}

static void test_import_broken_quoting_imports_nothing(void **state)
{
	struct cu *c = cu_init();
	const char *u = cu_data("members_unterminated.csv");
	const char *q = cu_data("members_bad_quote.csv");
	char want[600];
	(void)state;

	cu_run(c, NULL, "members", "import", u);
	CU_ASSERT_STATUS(c, 1);
	snprintf(want, sizeof want, "%s:3: broken CSV quoting: unterminated", u);
	CU_ASSERT_HAS(c->err, want);
	CU_ASSERT_HAS(c->err, "nothing imported");
	assert_int_equal(q_int(c->db, "SELECT count(*) FROM members"), 0);

	cu_run(c, NULL, "members", "import", q);
	CU_ASSERT_STATUS(c, 1);
	snprintf(want, sizeof want, "%s:3: broken CSV quoting", q);
	CU_ASSERT_HAS(c->err, want);
	assert_int_equal(q_int(c->db, "SELECT count(*) FROM members"), 0);
	cu_free(c);
}

static void test_import_header_and_files(void **state)
{
	static const char invalid_utf8[] =
		"membership_number,name,national_id\n"
		"V-001,Ali Hassan,1056789017\n"
		"V-002,Bad \xff\xfe name,1067890127\n";
	static const char dup_col[] = "name,name,national_id,membership_number\n";
	struct cu *c = cu_init();
	(void)state;

	cu_run(c, NULL, "members", "import", cu_data("members_no_header.csv"));
	CU_ASSERT_STATUS(c, 1);
	CU_ASSERT_HAS(c->err, ":1: header: no membership_number column");

	cu_write(c, "dup.csv", dup_col, sizeof dup_col - 1);
	cu_run(c, NULL, "members", "import", cu_path(c, "dup.csv"));
	CU_ASSERT_STATUS(c, 1);
	CU_ASSERT_HAS(c->err, "named twice");

	/* invalid UTF-8 in one row: that row only */
	cu_write(c, "utf8.csv", invalid_utf8, sizeof invalid_utf8 - 1);
	cu_run(c, NULL, "members", "import", cu_path(c, "utf8.csv"));
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->err, "utf8.csv:3: name: not valid UTF-8");
	CU_ASSERT_HAS(c->out, "imported 1, skipped 1");

	/* missing and unreadable files */
	cu_run(c, NULL, "members", "import", cu_path(c, "missing.csv"));
	CU_ASSERT_STATUS(c, 1);
	CU_ASSERT_HAS(c->err, "No such file");
	cu_run(c, NULL, "members", "import", c->dir);      /* a directory */
	CU_ASSERT_STATUS(c, 1);
	if (geteuid() != 0) {                              /* root reads all */
		chmod(cu_path(c, "utf8.csv"), 0);
		cu_run(c, NULL, "members", "import", cu_path(c, "utf8.csv"));
		CU_ASSERT_STATUS(c, 1);
		CU_ASSERT_HAS(c->err, "Permission denied");
	}
	cu_run(c, NULL, "members", "import");
	CU_ASSERT_STATUS(c, 2);
	cu_run(c, NULL, "members", "export", "x.csv");
	CU_ASSERT_STATUS(c, 2);
	assert_int_equal(q_int(c->db, "SELECT count(*) FROM members"), 1);
	cu_free(c);
}

/* SIGTERM in the middle of a large import: nothing is half-imported. */
static void test_import_interrupted_is_all_or_nothing(void **state)
{
	struct cu *c = cu_init();
	FILE *f;
	pid_t pid;
	int st;
	(void)state;

	f = fopen(cu_path(c, "big.csv"), "w");
	assert_non_null(f);
	fputs("membership_number,name,national_id\n", f);
	for (int i = 0; i < 200000; i++)
		fprintf(f, "N-%06d,Member Name,1056789017\n", i);
	assert_int_equal(fclose(f), 0);

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(null, 1);
		dup2(null, 2);
		execl(cu_bin(), cu_bin(), "--db", c->db, "--config", c->conf,
		      "members", "import", cu_path(c, "big.csv"), (char *)NULL);
		_exit(127);
	}
	{
		/* under valgrind (make faults) the start is slower: the signal
		 * must still land in the import, not before khidma's handler */
		const char *sc = getenv("HT_TIMEOUT_SCALE");
		double scale = sc && atof(sc) > 1 ? atof(sc) : 1.0;

		usleep((useconds_t)(400 * 1000 * scale));
	}
	kill(pid, SIGTERM);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	/* either it finished before the signal (all rows) or none are there */
	{
		int64_t n = q_int(c->db, "SELECT count(*) FROM members");
		if (n != 0 && n != 200000)
			fail_msg("half an import: %lld rows", (long long)n);
		if (n == 0)
			assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	}
	assert_int_equal(q_int(c->db, "SELECT count(*) FROM pragma_integrity_check "
	                 "WHERE integrity_check <> 'ok'"), 0);
	cu_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_import_good),
		cmocka_unit_test(test_import_bad_rows_skipped),
		cmocka_unit_test(test_import_broken_quoting_imports_nothing),
		cmocka_unit_test(test_import_header_and_files),
		cmocka_unit_test(test_import_interrupted_is_all_or_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
