/*
 * `khidma export` and `khidma backup` on a database filled through the
 * store API: the CSV is parsed back with libcsv and the JSON with a small
 * strict parser here, and every tricky cell (Arabic, comma, quote, newline,
 * a would-be spreadsheet formula) must come back; a control character
 * comes back in JSON, and as U+FFFD in CSV (emit.h invariant 5).
 * The backup is opened and integrity-checked.
 */
#include "test_cli_util.h"

#include <sched.h>

#include <stdbool.h>
#include <sys/mount.h>

#include <csv.h>
#include <sqlite3.h>

#include "store/store.h"

#define TRICKY_NAME "=HYPERLINK(\"x\"), \"عبدالله\""
#define TRICKY_DESC "سطر أول, فيه \"اقتباس\"\nsecond line\ttab \x01 ctl"
#define TRICKY_DESC_CSV "سطر أول, فيه \"اقتباس\"\nsecond line\ttab \xef\xbf\xbd ctl"

static st_rc vote_act(void *ctx, store *s, const struct request *cur,
                      const struct request_event *ev, int nev, time_t now,
                      struct st_act_out *out)
{
	(void)ctx; (void)s; (void)ev; (void)nev; (void)now;
	out->to = cur->status;
	out->kind = "vote_reject";
	return ST_OK;
}

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
	/* a vote: no change of status, told apart only by its kind */
	assert_int_equal(store_request_act(s, r.id, r.version + 1, RS_NEEDS_INFO, "omar",
	                 "reason: income", vote_act, NULL), ST_OK);
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
	/* TAB and LF kept inside the quoted cell, the 0x01 replaced */
	assert_string_equal(col(&t, 1, "description"), TRICKY_DESC_CSV);
	assert_string_equal(col(&t, 1, "national_id"), "1012345672");
	assert_string_equal(col(&t, 1, "status"), "needs_info");
	table_free(&t);
	free(buf);

	/* without --bom, to stdout; events; every row has the header's width */
	cu_run(c, NULL, "export", "events", "--format", "csv");
	CU_ASSERT_STATUS(c, 0);
	assert_true(c->outlen > 3 && memcmp(c->out, "\xEF\xBB\xBF", 3) != 0);
	parse_csv(c->out, c->outlen, &t);
	assert_int_equal(t.nrows, 4);                 /* header + 3 events */
	assert_string_equal(col(&t, 2, "note"), "ملاحظة, \"داخلية\"");
	assert_string_equal(col(&t, 2, "who"), "ahmad");
	/* the event's kind: a vote (needs_info → needs_info here) is told
	 * apart from a note, and accept from reject (issue 10: every vote in
	 * the audit) */
	assert_string_equal(col(&t, 1, "kind"), "submitted");
	assert_string_equal(col(&t, 3, "kind"), "vote_reject");
	assert_string_equal(col(&t, 3, "note"), "reason: income");
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
	assert_int_equal(sqlite3_column_int(st, 1), 3);      /* submitted, needs_info, a vote */
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

/* A request whose cells are risky in a spreadsheet or a JSON viewer. */
#define SEMI_NAME "Ali;Omar"
#define RISKY_DESC "-2+3\tcells"
#define C1_BIDI "x\xc2\x85y\xc2\x9b" "31m \xe2\x80\xae\xd8\xb9\xe2\x81\xa7" \
	"z\xe2\x81\xa9 \xd8\x9c\xe2\x80\x8f"
static void fill_risky(struct cu *c)
{
	struct store_opts o = { .create = false };
	struct request r;
	char err[256];
	store *s;

	assert_int_equal(store_open(c->db, &o, &s, err, sizeof err), ST_OK);
	memset(&r, 0, sizeof r);
	strcpy(r.category, "member");
	r.name = SEMI_NAME;
	strcpy(r.national_id, "1012345672");
	strcpy(r.mobile, "0501234567");
	r.email = "@SUM(A1:A9)";
	strcpy(r.service, "maintenance");
	strcpy(r.channel, "in_person");
	r.description = RISKY_DESC;
	r.signature = C1_BIDI;
	r.declaration_version = 1;
	strcpy(r.declared_by, "kiosk");
	assert_int_equal(store_request_submit(s, &r, "kiosk"), ST_OK);
	store_close(s);
}

/* Finding 14: ';' and TAB quoted (a spreadsheet set to split on ';' keeps
 * the cell whole), formulas guarded; JSON escapes C1 and bidi controls. */
static void test_export_risky_cells(void **state)
{
	struct cu *c = cu_init();
	struct table t;
	char *v;
	(void)state;

	fill_risky(c);
	cu_run(c, NULL, "export", "requests", "--format", "csv");
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, ",\"" SEMI_NAME "\",");
	parse_csv(c->out, c->outlen, &t);
	assert_string_equal(col(&t, 1, "name"), SEMI_NAME);
	assert_string_equal(col(&t, 1, "description"), "'" RISKY_DESC);
	assert_string_equal(col(&t, 1, "email"), "'@SUM(A1:A9)");
	table_free(&t);
	/* no ';' or TAB outside quotes: a reader that guesses the separator
	 * (or splits on ';') finds none to split on; before, the name's ';'
	 * was bare */
	bool inq = false;
	int bare = 0;
	for (size_t i = 0; i < c->outlen; i++) {
		if (c->out[i] == '"')
			inq = !inq;
		else if (!inq && (c->out[i] == ';' || c->out[i] == '\t'))
			bare++;
	}
	assert_int_equal(bare, 0);

	cu_run(c, NULL, "export", "requests", "--format", "json");
	CU_ASSERT_STATUS(c, 0);
	for (const char *const *u = (const char *const[]){ "\\u0085",
	     "\\u009b", "\\u202e", "\\u2067", "\\u2069", "\\u061c",
	     "\\u200f", NULL }; *u; u++)
		CU_ASSERT_HAS(c->out, *u);
	CU_ASSERT_LACKS(c->out, "\xc2\x85");
	CU_ASSERT_LACKS(c->out, "\xc2\x9b");
	CU_ASSERT_LACKS(c->out, "\xe2\x80\xae");
	CU_ASSERT_LACKS(c->out, "\xe2\x81\xa7");
	v = json_get(c->out, 0, "signature", NULL);
	assert_string_equal(v, C1_BIDI);           /* parses back the same */
	free(v);
	cu_free(c);
}

/* Terminal controls planted in the database (through the store API: an
 * older version, an import) never reach stdout raw in a CSV export: ESC
 * (a CSI clear, an OSC title), CSI 0x9B, RLO, CR and DEL come out
 * as U+FFFD; TAB and LF stay inside their quoted cell. */
#define ESC_NAME "A\x1b[2J\x1b]0;pwned\x07" "B\xe2\x80\xae\xd8\xb9\xc2\x9b" "31mC\rD"
#define ESC_NAME_CSV "A\xef\xbf\xbd[2J\xef\xbf\xbd]0;pwned\xef\xbf\xbd" \
	"B\xef\xbf\xbd\xd8\xb9\xef\xbf\xbd" "31mC\xef\xbf\xbd" "D"
static void test_export_csv_controls(void **state)
{
	struct cu *c = cu_init();
	struct store_opts o = { .create = false };
	struct request r;
	struct table t;
	char err[256];
	store *s;
	(void)state;

	assert_int_equal(store_open(c->db, &o, &s, err, sizeof err), ST_OK);
	memset(&r, 0, sizeof r);
	strcpy(r.category, "member");
	r.name = ESC_NAME;
	strcpy(r.national_id, "1012345672");
	strcpy(r.mobile, "0501234567");
	strcpy(r.service, "maintenance");
	strcpy(r.channel, "in_person");
	r.description = "line\none\ttab\x7f";
	r.signature = C1_BIDI;
	r.declaration_version = 1;
	strcpy(r.declared_by, "kiosk");
	assert_int_equal(store_request_submit(s, &r, "kiosk"), ST_OK);
	store_close(s);

	cu_run(c, NULL, "export", "requests", "--format", "csv");
	CU_ASSERT_STATUS(c, 0);
	assert_null(memchr(c->out, 0x1b, c->outlen));
	assert_null(memchr(c->out, 0x07, c->outlen));
	assert_null(memchr(c->out, 0x7f, c->outlen));
	CU_ASSERT_LACKS(c->out, "\xc2\x9b");
	CU_ASSERT_LACKS(c->out, "\xc2\x85");
	CU_ASSERT_LACKS(c->out, "\xe2\x80\xae");
	CU_ASSERT_LACKS(c->out, "\xe2\x81\xa7");
	CU_ASSERT_LACKS(c->out, "\xe2\x81\xa9");
	CU_ASSERT_LACKS(c->out, "\xd8\x9c");
	CU_ASSERT_LACKS(c->out, "\xe2\x80\x8f");
	/* no CR but the record ends */
	for (size_t i = 0; i < c->outlen; i++)
		if (c->out[i] == '\r')
			assert_true(i + 1 < c->outlen && c->out[i + 1] == '\n');
	parse_csv(c->out, c->outlen, &t);
	assert_int_equal(t.nrows, 2);
	assert_string_equal(col(&t, 1, "name"), ESC_NAME_CSV);
	assert_string_equal(col(&t, 1, "description"),
	                    "line\none\ttab\xef\xbf\xbd");
	table_free(&t);
	cu_free(c);
}

/* Finding 6: --output never follows or reuses what is planted beside FILE;
 * FILE is 0600 whatever the umask; a failure leaves nothing. */
static void test_export_output_planted(void **state)
{
	struct cu *c = cu_init();
	char *victim, *link_tmp, *out, *buf, mnt[160], dest[200];
	struct stat sb;
	size_t n;
	mode_t old;
	DIR *d;
	struct dirent *e;
	(void)state;

	fill(c);
	victim = strdup(cu_path(c, "victim.txt"));
	link_tmp = strdup(cu_path(c, "req.csv.tmp"));
	out = strdup(cu_path(c, "req.csv"));
	cu_write(c, "victim.txt", "precious\n", 9);
	assert_int_equal(symlink(victim, link_tmp), 0);
	/* a planted temporary name with mode 0666 */
	cu_write(c, ".req.csv.tmp-AAAAAA", "", 0);
	assert_int_equal(chmod(cu_path(c, ".req.csv.tmp-AAAAAA"), 0666), 0);
	old = umask(0);
	cu_run(c, NULL, "export", "requests", "--format", "csv", "--output", out);
	umask(old);
	CU_ASSERT_STATUS(c, 0);
	buf = cu_slurp(victim, &n);
	assert_string_equal(buf, "precious\n");   /* the link was not followed */
	free(buf);
	assert_int_equal(lstat(out, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_mode & 0777, 0600);
	buf = cu_slurp(out, &n);
	assert_non_null(strstr(buf, "1012345672"));
	free(buf);
	assert_int_equal(lstat(link_tmp, &sb), 0);  /* left as it was */
	assert_true(S_ISLNK(sb.st_mode));
	/* FILE itself a symlink: replaced by the export, target untouched */
	unlink(out);
	assert_int_equal(symlink(victim, out), 0);
	cu_run(c, NULL, "export", "events", "--format", "json", "--output", out);
	CU_ASSERT_STATUS(c, 0);
	buf = cu_slurp(victim, &n);
	assert_string_equal(buf, "precious\n");
	free(buf);
	assert_int_equal(lstat(out, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_mode & 0777, 0600);
	/* no temporary file of ours is left */
	d = opendir(c->dir);
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, ".req.csv.tmp-", 13) &&
		    strcmp(e->d_name, ".req.csv.tmp-AAAAAA"))
			fail_msg("left %s", e->d_name);
	closedir(d);

	/* a full disk: says so, leaves no FILE and no temporary file */
	snprintf(mnt, sizeof mnt, "%s/small", c->dir);
	assert_int_equal(mkdir(mnt, 0700), 0);
	if (mount("tmpfs", mnt, "tmpfs", 0, "size=4k") == 0) {
		char pad[4096];
		memset(pad, 'x', sizeof pad);
		snprintf(dest, sizeof dest, "%s/pad", mnt);
		FILE *f = fopen(dest, "w");
		fwrite(pad, 1, sizeof pad, f);
		fclose(f);
		snprintf(dest, sizeof dest, "%s/req.csv", mnt);
		cu_run(c, NULL, "export", "requests", "--format", "csv",
		       "--output", dest);
		CU_ASSERT_STATUS(c, 1);
		CU_ASSERT_HAS(c->err, "the disk is full");
		d = opendir(mnt);
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
			    strcmp(e->d_name, "pad"))
				fail_msg("left %s on the full disk", e->d_name);
		closedir(d);
		umount(mnt);
	} else {
		print_message("SKIPPED: a full disk needs root to mount a tmpfs\n");
	}
	/* a missing directory */
	snprintf(dest, sizeof dest, "%s/no/such/req.csv", c->dir);
	cu_run(c, NULL, "export", "requests", "--format", "csv", "--output", dest);
	CU_ASSERT_STATUS(c, 1);
	CU_ASSERT_HAS(c->err, "the directory does not exist");
	/* --help names --output */
	cu_run(c, NULL, "export", "--help");
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "--output FILE");
	free(victim);
	free(link_tmp);
	free(out);
	cu_free(c);
}

int main(void)
{
	/* The small tmpfs mounts (full disks) live in a mount namespace of our
	 * own: a failing assertion can never leave one mounted. */
	if (geteuid() == 0 && unshare(CLONE_NEWNS) == 0)
		mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_export_csv),
		cmocka_unit_test(test_export_json),
		cmocka_unit_test(test_backup),
		cmocka_unit_test(test_export_risky_cells),
		cmocka_unit_test(test_export_csv_controls),
		cmocka_unit_test(test_export_output_planted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
