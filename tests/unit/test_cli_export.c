/*
 * `khidma export` and `khidma backup` on a database filled through the
 * store API: the CSV is parsed back with libcsv and the JSON with a small
 * strict parser here, and every tricky cell (Arabic, comma, quote, newline,
 * a would-be spreadsheet formula, a control character) must come back.
 * The backup is opened and integrity-checked.
 */
#include "test_cli_util.h"

#include <csv.h>
#include <sqlite3.h>

#include "store/store.h"

#define TRICKY_NAME "=HYPERLINK(\"x\"), \"عبدالله\""
#define TRICKY_DESC "سطر أول, فيه \"اقتباس\"\nsecond line\ttab \x01 ctl"

static void fill(struct cu *c)
{
	struct store_opts o = { .create = false };
	struct request r;
	struct survey_response sr;
	char err[256];
	store *s;

	assert_int_equal(store_open(c->db, &o, &s, err, sizeof err), ST_OK);
	memset(&r, 0, sizeof r);
	strcpy(r.category, "member");
	r.name = TRICKY_NAME;
	strcpy(r.national_id, "1012345672");
	strcpy(r.mobile, "0501234567");
	r.email = "";
	strcpy(r.service, "maintenance");
	strcpy(r.channel, "in_person");
	r.description = TRICKY_DESC;
	r.signature = "عبدالله";
	r.declaration_version = 1;
	strcpy(r.declared_by, "kiosk");
	assert_int_equal(store_request_submit(s, &r, "kiosk"), ST_OK);
	assert_int_equal(store_request_transition(s, r.id, r.version, RS_RECEIVED,
	                 RS_NEEDS_INFO, "ahmad", "ملاحظة, \"داخلية\""), ST_OK);
	memset(&sr, 0, sizeof sr);
	strcpy(sr.channel, "in_person");
	sr.comment = "شكرا, جزيلا";
	sr.nanswers = 2;
	strcpy(sr.answers[0].question, "overall");
	sr.answers[0].score = 5;
	strcpy(sr.answers[1].question, "speed");
	sr.answers[1].score = 3;
	assert_int_equal(store_survey_submit(s, &sr), ST_OK);
	store_close(s);
}

/* ---- CSV read back with libcsv ------------------------------------------ */

struct table { char *cell[16][32]; int nrows, ncol, maxcol; };

static void on_field(void *s, size_t n, void *d)
{
	struct table *t = d;
	if (t->nrows < 16 && t->ncol < 32)
		t->cell[t->nrows][t->ncol] = strndup(s ? s : "", n);
	t->ncol++;
}

static void on_row(int ch, void *d)
{
	struct table *t = d;
	(void)ch;
	if (t->ncol > t->maxcol)
		t->maxcol = t->ncol;
	t->nrows++;
	t->ncol = 0;
}

static void parse_csv(const char *buf, size_t n, struct table *t)
{
	struct csv_parser p;

	memset(t, 0, sizeof *t);
	assert_int_equal(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI), 0);
	assert_int_equal(csv_parse(&p, buf, n, on_field, on_row, t), n);
	assert_int_equal(csv_fini(&p, on_field, on_row, t), 0);
	csv_free(&p);
}

static void table_free(struct table *t)
{
	for (int i = 0; i < 16; i++)
		for (int j = 0; j < 32; j++)
			free(t->cell[i][j]);
}

static const char *col(struct table *t, int row, const char *name)
{
	for (int j = 0; j < 32 && t->cell[0][j]; j++)
		if (strcmp(t->cell[0][j], name) == 0)
			return t->cell[row][j] ? t->cell[row][j] : "";
	fail_msg("no column %s", name);
	return NULL;
}

/* ---- a strict JSON parser for [ {"k": "v" | null, …}, … ] ---------------- */

struct jp { const char *p; };

static void ws(struct jp *j) { while (*j->p && strchr(" \t\r\n", *j->p)) j->p++; }

static void put_utf8(char **o, unsigned c)
{
	char *q = *o;
	if (c < 0x80) *q++ = (char)c;
	else if (c < 0x800) { *q++ = (char)(0xC0 | c >> 6); *q++ = (char)(0x80 | (c & 63)); }
	else if (c < 0x10000) { *q++ = (char)(0xE0 | c >> 12); *q++ = (char)(0x80 | (c >> 6 & 63)); *q++ = (char)(0x80 | (c & 63)); }
	else { *q++ = (char)(0xF0 | c >> 18); *q++ = (char)(0x80 | (c >> 12 & 63)); *q++ = (char)(0x80 | (c >> 6 & 63)); *q++ = (char)(0x80 | (c & 63)); }
	*o = q;
}

/* A JSON string at j->p, decoded to malloc'd UTF-8. */
static char *jstring(struct jp *j)
{
	char *out = malloc(strlen(j->p) * 4 + 1), *o = out;
	unsigned c, lo;

	assert_int_equal(*j->p++, '"');
	while (*j->p != '"') {
		assert_true(*j->p != '\0');
		assert_true((unsigned char)*j->p >= 0x20);   /* raw controls are invalid */
		if (*j->p != '\\') { *o++ = *j->p++; continue; }
		j->p++;
		switch (*j->p++) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'u':
			assert_int_equal(sscanf(j->p, "%4x", &c), 1);
			j->p += 4;
			if (c >= 0xD800 && c < 0xDC00) {
				assert_int_equal(sscanf(j->p, "\\u%4x", &lo), 1);
				j->p += 6;
				c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
			}
			put_utf8(&o, c);
			break;
		default: fail_msg("bad escape");
		}
	}
	j->p++;
	*o = '\0';
	return out;
}

/* Parse the array; return the value of key in object number idx. */
static char *json_get(const char *doc, int idx, const char *key, int *nobjs)
{
	struct jp j = { doc };
	char *found = NULL, *k, *v;
	int n = 0;

	ws(&j);
	assert_int_equal(*j.p++, '[');
	ws(&j);
	while (*j.p != ']') {
		assert_int_equal(*j.p++, '{');
		ws(&j);
		while (*j.p != '}') {
			k = jstring(&j);
			ws(&j);
			assert_int_equal(*j.p++, ':');
			ws(&j);
			if (strncmp(j.p, "null", 4) == 0) { j.p += 4; v = NULL; }
			else v = jstring(&j);
			if (n == idx && strcmp(k, key) == 0 && !found)
				found = v ? v : strdup("(null)");
			else
				free(v);
			free(k);
			ws(&j);
			if (*j.p == ',') { j.p++; ws(&j); }
			else assert_int_equal(*j.p, '}');
		}
		j.p++;
		n++;
		ws(&j);
		if (*j.p == ',') { j.p++; ws(&j); }
		else assert_int_equal(*j.p, ']');
	}
	j.p++;
	ws(&j);
	assert_int_equal(*j.p, '\0');
	if (nobjs)
		*nobjs = n;
	return found;
}

static void test_export_csv(void **state)
{
	struct cu *c = cu_init();
	struct table t;
	char *buf;
	size_t n = 0;
	struct stat sb;
	(void)state;

	fill(c);
	cu_run(c, NULL, "export", "requests", "--format", "csv", "--bom",
	       "--output", cu_path(c, "req.csv"));
	CU_ASSERT_STATUS(c, 0);
	assert_int_equal(stat(cu_path(c, "req.csv"), &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_not_equal(access(cu_path(c, "req.csv.tmp"), F_OK), 0);
	buf = cu_slurp(cu_path(c, "req.csv"), &n);
	assert_non_null(buf);
	assert_memory_equal(buf, "\xEF\xBB\xBF", 3);
	assert_non_null(strstr(buf, "\r\n"));
	parse_csv(buf + 3, n - 3, &t);
	assert_int_equal(t.nrows, 2);                 /* header + 1 */
	/* the formula guard: a leading apostrophe, the rest intact */
	assert_string_equal(col(&t, 1, "name"), "'" TRICKY_NAME);
	assert_string_equal(col(&t, 1, "description"), TRICKY_DESC);
	assert_string_equal(col(&t, 1, "national_id"), "1012345672");
	assert_string_equal(col(&t, 1, "status"), "needs_info");
	table_free(&t);
	free(buf);

	/* without --bom, to stdout; events; every row has the header's width */
	cu_run(c, NULL, "export", "events", "--format", "csv");
	CU_ASSERT_STATUS(c, 0);
	assert_true(c->outlen > 3 && memcmp(c->out, "\xEF\xBB\xBF", 3) != 0);
	parse_csv(c->out, c->outlen, &t);
	assert_int_equal(t.nrows, 3);                 /* header + 2 events */
	assert_string_equal(col(&t, 2, "note"), "ملاحظة, \"داخلية\"");
	assert_string_equal(col(&t, 2, "who"), "ahmad");
	table_free(&t);

	/* --since after today: an empty export, not an error — and it still
	 * names its columns (before: a 0-byte file) */
	cu_run(c, NULL, "export", "surveys", "--format", "csv", "--since", "2999-01-01");
	CU_ASSERT_STATUS(c, 0);
	parse_csv(c->out, c->outlen, &t);
	assert_int_equal(t.nrows, 1);                 /* the header alone */
	assert_true(t.maxcol >= 5);
	assert_non_null(strstr(c->out, "answers"));
	assert_true(c->outlen > 2 && memcmp(c->out + c->outlen - 2, "\r\n", 2) == 0);
	table_free(&t);
	cu_run(c, NULL, "export", "surveys", "--format", "json", "--since", "2999-01-01");
	CU_ASSERT_STATUS(c, 0);
	assert_string_equal(c->out, "[]\n");
	cu_run(c, NULL, "export", "surveys", "--format", "csv", "--since", "2024-13-01");
	CU_ASSERT_STATUS(c, 2);
	cu_free(c);
}

static void test_export_json(void **state)
{
	struct cu *c = cu_init();
	char *v;
	int n;
	(void)state;

	fill(c);
	cu_run(c, NULL, "export", "requests", "--format", "json");
	CU_ASSERT_STATUS(c, 0);
	v = json_get(c->out, 0, "name", &n);
	assert_int_equal(n, 1);
	assert_string_equal(v, TRICKY_NAME);          /* JSON: no guard needed */
	free(v);
	v = json_get(c->out, 0, "description", NULL);
	assert_string_equal(v, TRICKY_DESC);
	free(v);
	v = json_get(c->out, 0, "decision_reason", NULL);
	assert_string_equal(v, "");                   /* the store's NULL is "" */
	free(v);

	cu_run(c, NULL, "export", "surveys", "--format", "json", "--bom");
	CU_ASSERT_STATUS(c, 0);
	assert_memory_equal(c->out, "\xEF\xBB\xBF", 3);
	v = json_get(c->out + 3, 0, "comment", &n);
	assert_int_equal(n, 1);
	assert_string_equal(v, "شكرا, جزيلا");
	free(v);
	v = json_get(c->out + 3, 0, "answers", NULL);
	assert_string_equal(v, "overall=5;speed=3");
	free(v);

	cu_run(c, NULL, "export", "events", "--format", "json", "--since", "2999-01-01");
	CU_ASSERT_STATUS(c, 0);
	json_get(c->out, 0, "x", &n);
	assert_int_equal(n, 0);
	cu_run(c, NULL, "export", "events", "--format", "xml");
	CU_ASSERT_STATUS(c, 2);
	cu_free(c);
}

static void test_backup(void **state)
{
	struct cu *c = cu_init();
	sqlite3 *db;
	sqlite3_stmt *st;
	(void)state;

	fill(c);
	cu_run(c, NULL, "backup", cu_path(c, "copy.db"));
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "backup written");
	assert_int_equal(sqlite3_open_v2(cu_path(c, "copy.db"), &db,
	                 SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st,
	                 NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM "
	                 "requests), (SELECT count(*) FROM request_events), "
	                 "(SELECT count(*) FROM survey_answers)", -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 1);
	assert_int_equal(sqlite3_column_int(st, 1), 2);
	assert_int_equal(sqlite3_column_int(st, 2), 2);
	sqlite3_finalize(st);
	sqlite3_close(db);

	/* never overwrites */
	cu_run(c, NULL, "backup", cu_path(c, "copy.db"));
	CU_ASSERT_STATUS(c, 1);
	CU_ASSERT_HAS(c->err, "refusing to overwrite");
	cu_run(c, NULL, "backup", cu_path(c, "no/such/dir/copy.db"));
	CU_ASSERT_STATUS(c, 1);
	cu_run(c, NULL, "backup");
	CU_ASSERT_STATUS(c, 2);
	cu_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_export_csv),
		cmocka_unit_test(test_export_json),
		cmocka_unit_test(test_backup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
