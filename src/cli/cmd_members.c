/*
 * cli/cmd_members — `khidma members import FILE.csv`: load the register of
 * members from a spreadsheet export.
 *
 * The file: RFC 4180 CSV (libcsv in strict mode), UTF-8 with or without a
 * BOM, CRLF or LF, quoted fields may hold commas, quotes and newlines. The
 * first record is a header naming the columns, in English or Arabic
 * (membership_number | رقم العضوية, name | الاسم, national_id | رقم الهوية,
 * mobile | الجوال, category | الفئة; matched through text_search_key, so
 * hamza and spelling variants match too); columns may come in any order,
 * unknown columns are ignored with a warning.
 *
 * Invariants:
 *  1. All or nothing: nothing is visible before store_import_commit swaps
 *     the new register in at once (store/members.c builds it beside the
 *     old one in short transactions, so kiosks keep saving meanwhile). A
 *     fatal problem — the file cannot be read, a missing required
 *     column, broken CSV quoting, a database error, SIGINT/SIGTERM/SIGHUP —
 *     aborts it and nothing is imported.
 *  2. A bad ROW (wrong number of fields, empty or invalid membership
 *     number, name, national ID or mobile, unknown category, invalid UTF-8)
 *     is reported on stderr as "FILE:LINE: reason" and skipped; the good
 *     rows are imported. LINE is the physical line where the record starts
 *     (a quoted field may span several lines).
 *  3. Broken quoting (an unterminated quote, text after a closing quote) is
 *     fatal, not skipped: past it the record boundaries are unknowable, so
 *     "skipping the row" could silently swallow the rest of the file.
 *  4. Every value is cleaned with text_clean; IDs and mobiles normalised by
 *     validate_national_id / validate_mobile (Eastern digits accepted).
 *  5. Rows are upserted by membership number (a re-import updates).
 *  6. Exit status: 0 when the transaction committed (even with skipped
 *     rows, which stderr lists), 1 when nothing was imported, 2 usage.
 *  7. Two phases: the whole file is read and every row validated first
 *     (rows held in memory) while the opening quick_check runs in the
 *     background (cli_open_db_bg); only when the check has passed is the
 *     transaction begun and the rows written. A file the check refuses gets
 *     the same message as a synchronous check and is not written. Rows the
 *     database refuses are therefore listed after the rows skipped by
 *     validation (each with its line).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <csv.h>

#include "cli/cli.h"
#include "cli/import_row.h"
#include "core/util.h"

static int cmd_members_exec(struct app *, int, char **);

const struct cli_cmd cli_cmd_members = {
	"members", "members import FILE.csv",
	"Import the register of members from a CSV file (RFC 4180, UTF-8 with or\n"
	"without BOM). The header row names the columns: membership_number, name,\n"
	"national_id, mobile, category (member|supporter|volunteer) or their\n"
	"Arabic names (رقم العضوية، الاسم، رقم الهوية، الجوال، الفئة); mobile and\n"
	"category may be absent. Bad rows are reported by line and skipped; the\n"
	"rest is imported in one transaction, so an interrupted or failed import\n"
	"leaves the register as it was. Members are matched by membership number.",
	cmd_members_exec,
};

static volatile sig_atomic_t interrupted;

static void
on_signal(int sig)
{
	interrupted = sig;
}

/* A validated row waiting for the write phase. */
struct pending {
	long          line;
	struct member m;
};

struct import {
	struct app *a;
	const char *file;
	struct import_header hdr;
	bool        have_header;
	/* the record being assembled */
	char      **fields;
	size_t     *lens;
	int         nfields, cap;
	long        rec_newlines;   /* '\n' inside this record's fields */
	long        line;           /* physical line being fed, 1-based */
	long        next_start;     /* the line after the last record's end */
	long        imported, skipped;
	bool        fatal;          /* stop: abort the transaction */
	struct pending *rows;       /* validated, not yet written */
	size_t      nrows, caprows;
};

static void
on_field(void *s, size_t len, void *data)
{
	struct import *im = data;
	const char *p = s ? s : "";
	size_t i;

	if (im->fatal)
		return;
	if (im->nfields == im->cap) {
		im->cap = im->cap ? im->cap * 2 : 8;
		im->fields = xrealloc(im->fields, (size_t)im->cap * sizeof *im->fields);
		im->lens = xrealloc(im->lens, (size_t)im->cap * sizeof *im->lens);
	}
	for (i = 0; i < len; i++)
		if (p[i] == '\n')
			im->rec_newlines++;
	/* Not xstrndup: a field may hold a NUL byte; keep libcsv's length. */
	im->fields[im->nfields] = xmalloc(len + 1);
	memcpy(im->fields[im->nfields], p, len);
	im->fields[im->nfields][len] = '\0';
	im->lens[im->nfields] = len;
	im->nfields++;
}

static void
reset_record(struct import *im)
{
	int i;

	for (i = 0; i < im->nfields; i++)
		free(im->fields[i]);
	im->nfields = 0;
	im->rec_newlines = 0;
}

static void
on_record(int c, void *data)
{
	struct import *im = data;
	long start = im->line - im->rec_newlines;
	char why[256];
	struct member m;

	(void)c;
	if (im->fatal)
		goto out;
	if (!im->have_header) {
		if (import_header_parse(&im->hdr, im->nfields,
		    (const char *const *)im->fields, im->lens, why, sizeof why) != 0) {
			fprintf(stderr, "%s:%ld: %s\n", im->file, start, why);
			im->fatal = true;
		} else {
			import_header_warn(&im->hdr, im->file, start, stderr);
			im->have_header = true;
		}
		goto out;
	}
	if (import_row_parse(&im->hdr, im->nfields,
	    (const char *const *)im->fields, im->lens, &m, why, sizeof why) != 0) {
		fprintf(stderr, "%s:%ld: %s (row skipped)\n", im->file, start, why);
		im->skipped++;
		goto out;
	}
	if (im->nrows == im->caprows) {
		im->caprows = im->caprows ? im->caprows * 2 : 1024;
		im->rows = xrealloc(im->rows, im->caprows * sizeof *im->rows);
	}
	im->rows[im->nrows].line = start;
	im->rows[im->nrows].m = m;          /* owned by rows[] from now */
	im->nrows++;
out:
	im->next_start = im->line + 1;
	reset_record(im);
}

/* A progress bar on stderr: "importing [#####     ]  48%". */
static void
progress(off_t done, off_t total, bool final)
{
	static int last = -1;
	int pct, i, fill;

	if (total <= 0)
		return;
	pct = (int)(done * 100 / total);
	if (pct == last && !final)
		return;
	last = pct;
	if (final) {
		fputs("\r\033[K", stderr);
		return;
	}
	fill = pct * 30 / 100;
	fputs("\rimporting [", stderr);
	for (i = 0; i < 30; i++)
		fputs(i < fill ? "█" : " ", stderr);
	fprintf(stderr, "] %3d%%", pct);
	fflush(stderr);
}

/* Feed buf[0..n) to the parser one physical line at a time, so that
 * im->line is the line the parser is in. Returns false on a CSV error. */
static bool
feed(struct csv_parser *p, struct import *im, const char *buf, size_t n)
{
	const char *nl;
	size_t len;

	while (n > 0 && !im->fatal) {
		nl = memchr(buf, '\n', n);
		len = nl ? (size_t)(nl - buf) + 1 : n;
		if (csv_parse(p, buf, len, on_field, on_record, im) != len)
			return false;
		if (nl)
			im->line++;
		buf += len;
		n -= len;
	}
	return true;
}

/* Phase 1: read and validate the whole file into im->rows. Returns false
 * when nothing may be imported. */
static bool
import_file(struct import *im, FILE *f, off_t total, bool bar)
{
	struct csv_parser p;
	char buf[65536];
	off_t done = 0;
	size_t n, skip;
	bool first = true, ok = true;

	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
		fprintf(stderr, "khidma members: out of memory\n");
		return false;
	}
	while (ok && !im->fatal && !interrupted &&
	       (n = fread(buf, 1, sizeof buf, f)) > 0) {
		skip = 0;
		if (first && n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
			skip = 3;              /* the UTF-8 BOM */
		first = false;
		ok = feed(&p, im, buf + skip, n - skip);
		done += (off_t)n;
		if (bar)
			progress(done, total, false);
	}
	if (bar)
		progress(done, total, true);
	if (ok && !im->fatal && !interrupted && ferror(f)) {
		fprintf(stderr, "khidma members: %s: read error: %s\n", im->file,
		        strerror(errno));
		ok = false;
	}
	if (!ok && csv_error(&p) != CSV_SUCCESS)
		fprintf(stderr, "%s:%ld: broken CSV quoting: text after a closing "
		        "quote, or a quote inside an unquoted field\n", im->file,
		        im->line);
	if (ok && !im->fatal && !interrupted &&
	    csv_fini(&p, on_field, on_record, im) != 0) {
		fprintf(stderr, "%s:%ld: broken CSV quoting: unterminated quote (the "
		        "field runs to the end of the file)\n", im->file,
		        im->next_start);
		ok = false;
	}
	csv_free(&p);
	reset_record(im);
	if (ok && !im->fatal && !interrupted && !im->have_header) {
		fprintf(stderr, "khidma members: %s: no header row\n", im->file);
		ok = false;
	}
	return ok && !im->fatal && !interrupted;
}

/* Phase 2, inside the open transaction: write the validated rows. Returns
 * true to commit. */
static bool
write_rows(struct import *im)
{
	store *db = im->a->db;
	st_rc rc;
	size_t i;

	for (i = 0; i < im->nrows && !interrupted; i++) {
		rc = store_import_member(db, &im->rows[i].m);
		if (rc == ST_OK) {
			im->imported++;
		} else if (rc == ST_INVALID) {
			fprintf(stderr, "%s:%ld: refused by the database: %s (row "
			        "skipped)\n", im->file, im->rows[i].line,
			        store_errmsg(db));
			im->skipped++;
		} else {
			fprintf(stderr, "%s:%ld: database error: %s (%s)\n", im->file,
			        im->rows[i].line, st_rc_name(rc), store_errmsg(db));
			return false;
		}
	}
	return !interrupted;
}

static void
free_rows(struct import *im)
{
	size_t i;

	for (i = 0; i < im->nrows; i++)
		member_free(&im->rows[i].m);
	free(im->rows);
	im->rows = NULL;
	im->nrows = im->caprows = 0;
}

static int
do_import(struct app *a, const char *file)
{
	struct sigaction sa, o_int, o_term, o_hup;
	struct import im;
	struct stat sb;
	FILE *f;
	st_rc rc;
	bool ok;

	if ((f = fopen(file, "rb")) == NULL)
		return cli_fail("members", "%s: %s", file, strerror(errno));
	if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
		fclose(f);
		return cli_fail("members", "%s: not a regular file", file);
	}
	/* the quick_check runs while the file is read and validated */
	if (cli_open_db_bg(a, "members") != 0) {
		fclose(f);
		return 1;
	}
	memset(&im, 0, sizeof im);
	im.a = a;
	im.file = file;
	im.line = 1;
	im.next_start = 1;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &o_int);
	sigaction(SIGTERM, &sa, &o_term);
	sigaction(SIGHUP, &sa, &o_hup);

	ok = import_file(&im, f, sb.st_size, isatty(STDERR_FILENO));
	fclose(f);
	if (ok && cli_check_db(a, "members") != 0) {
		ok = false;                     /* refused: nothing written */
	} else if (ok && (rc = store_import_begin(a->db)) != ST_OK) {
		fprintf(stderr, "khidma members: cannot start the import: %s (%s)\n",
		        st_rc_name(rc), store_errmsg(a->db));
		ok = false;
	} else if (ok && !write_rows(&im)) {
		ok = false;
	} else if (ok && (rc = store_import_commit(a->db)) != ST_OK) {
		fprintf(stderr, "khidma members: commit failed: %s (%s)\n",
		        st_rc_name(rc), store_errmsg(a->db));
		ok = false;
	}
	if (!ok)
		store_import_abort(a->db);

	sigaction(SIGINT, &o_int, NULL);
	sigaction(SIGTERM, &o_term, NULL);
	sigaction(SIGHUP, &o_hup, NULL);
	free(im.fields);
	free(im.lens);
	free_rows(&im);
	if (!ok) {
		if (interrupted)
			fprintf(stderr, "khidma members: interrupted by signal %d\n",
			        (int)interrupted);
		return cli_fail("members", "%s: nothing imported", file);
	}
	printf("imported %ld, skipped %ld\n", im.imported, im.skipped);
	return 0;
}

static int
cmd_members_exec(struct app *a, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error(&cli_cmd_members, "missing verb");
	if (strcmp(argv[1], "import") != 0)
		return cli_usage_error(&cli_cmd_members, "unknown verb \"%s\"", argv[1]);
	if (argc != 3)
		return cli_usage_error(&cli_cmd_members, "import takes one FILE");
	return do_import(a, argv[2]);
}
