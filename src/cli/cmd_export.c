/*
 * cli/cmd_export — `khidma export requests|surveys|events --format csv|json
 * [--since YYYY-MM-DD] [--bom] [--output FILE]`: the tables for the
 * cooperative's own analysis, through store_export (rows in id order).
 *
 * Invariants:
 *  1. --output writes a fresh temporary file in FILE's directory
 *     (".FILE.tmp-XXXXXX" from mkstemp: O_CREAT|O_EXCL, so a symlink or a
 *     file planted there is never followed or reused), fchmod 0600 (the
 *     export holds national IDs and mobiles; the umask never decides),
 *     fsync, then renames it over FILE only when everything was written
 *     (a failure or a catchable signal removes it: cli_tmp_create):
 *     a failed export never leaves a truncated FILE, and FILE is never
 *     written through a symlink (rename replaces the link itself).
 *  4. Every export names its columns: an empty table gives the CSV header
 *     row alone (JSON: []).
 *  2. When stdout is a terminal, cells pass through text_sanitize (no
 *     escape sequence from data reaches the terminal); a file or a pipe
 *     gets the data as stored.
 *  3. CSV cells starting with = + - @ get a leading apostrophe (emit.h),
 *     so a name typed at the kiosk cannot become a spreadsheet formula.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/emit.h"
#include "core/util.h"
#include "text/text.h"

static int cmd_export_exec(struct app *, int, char **);

const struct cli_cmd cli_cmd_export = {
	"export",
	"export requests|surveys|events --format csv|json [--since YYYY-MM-DD]\n"
	"       [--bom] [--output FILE]",
	"Write a table as CSV (RFC 4180, CRLF) or JSON (an array of objects whose\n"
	"values are strings). --since keeps rows from that day on; --bom starts\n"
	"the file with the UTF-8 byte-order mark so Excel shows Arabic correctly;\n"
	"--output FILE writes FILE (mode 0600, replaced only when complete) instead\n"
	"of standard output. Cells starting with = + - @ get a leading apostrophe\n"
	"in CSV so a spreadsheet never runs them as formulas; cells holding , ; \"\n"
	"TAB or a line break are quoted. JSON escapes control and bidi-control\n"
	"characters as \\uXXXX. An empty table still gets its header row.",
	cmd_export_exec,
};

struct export_ctx {
	struct emit e;
	bool sanitize;
};

static int
on_row(void *ctx, int ncols, const char *const *names, const char *const *cols)
{
	struct export_ctx *x = ctx;
	char *safe[64] = { NULL };
	int i;

	if (cols == NULL) {              /* no rows: the header alone */
		emit_header(&x->e, ncols, names);
		return emit_error(&x->e) ? 1 : 0;
	}
	if (!x->sanitize || ncols > 64) {
		emit_row(&x->e, ncols, names, cols);
		return emit_error(&x->e) ? 1 : 0;
	}
	for (i = 0; i < ncols; i++)
		safe[i] = cols[i] ? text_sanitize(cols[i], strlen(cols[i])) : NULL;
	emit_row(&x->e, ncols, names, (const char *const *)safe);
	for (i = 0; i < ncols; i++)
		free(safe[i]);
	return emit_error(&x->e) ? 1 : 0;
}

static int
cmd_export_exec(struct app *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "since",  required_argument, NULL, 's' },
		{ "bom",    no_argument,       NULL, 'b' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	struct export_ctx x;
	const char *format = NULL, *output = NULL, *what;
	char *tmp = NULL;
	time_t since = 0;
	bool bom = false;
	FILE *f = stdout;
	st_rc rc;
	int c, fd, ret = 1;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "f:s:bo:", opts, NULL)) != -1) {
		switch (c) {
		case 'f': format = optarg; break;
		case 's':
			if (!cli_parse_date(optarg, &since))
				return cli_usage_error(&cli_cmd_export, "--since wants "
				                       "YYYY-MM-DD, not \"%s\"", optarg);
			break;
		case 'b': bom = true; break;
		case 'o': output = optarg; break;
		default:
			return cli_usage_error(&cli_cmd_export, "bad option %s",
			                       argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error(&cli_cmd_export, "name one table: requests, "
		                       "surveys or events");
	what = argv[optind];
	if (strcmp(what, "requests") && strcmp(what, "surveys") &&
	    strcmp(what, "events"))
		return cli_usage_error(&cli_cmd_export, "unknown table \"%s\"", what);
	if (format == NULL || (strcmp(format, "csv") && strcmp(format, "json")))
		return cli_usage_error(&cli_cmd_export, "--format csv or json");
	if (cli_open_db_read(a, "export") != 0)
		return 1;
	if (output) {
		char *d1 = xstrdup(output), *d2 = xstrdup(output);

		tmp = xasprintf("%s/.%s.tmp-XXXXXX", dirname(d1), basename(d2));
		free(d1);
		free(d2);
		fd = cli_tmp_create(tmp);      /* removed on a signal too */
		if (fd < 0 || fchmod(fd, 0600) != 0 ||
		    (f = fdopen(fd, "w")) == NULL) {
			int e = errno;
			if (fd >= 0) {
				close(fd);
				cli_tmp_release(true);
			}
			cli_fail("export", "%s: cannot create a file in its "
			         "directory: %s", output, e == ENOENT ?
			         "the directory does not exist" : cli_errno_text(e));
			free(tmp);
			return 1;
		}
	}
	emit_init(&x.e, f, strcmp(format, "csv") == 0 ? EMIT_CSV : EMIT_JSON, true);
	x.sanitize = output == NULL && isatty(STDOUT_FILENO);
	if (bom)
		emit_bom(&x.e);
	rc = store_export(a->db, what, since, on_row, &x);
	if (rc == ST_OK && x.e.rows == 0)     /* invariant 4 */
		rc = store_export_columns(a->db, what, on_row, &x);
	emit_end(&x.e);
	if (rc != ST_OK)
		cli_store_fail("export", what, rc, a->db);
	else if (emit_error(&x.e))
		cli_fail("export", "%s: cannot write: %s", output ? output
		         : "standard output", cli_errno_text(errno));
	else
		ret = 0;
	if (output) {
		if (ret == 0 && fsync(fileno(f)) != 0)
			ret = cli_fail("export", "%s: cannot write: %s", output,
			               cli_errno_text(errno));
		if (fclose(f) != 0 && ret == 0)
			ret = cli_fail("export", "%s: cannot write: %s", output,
			               cli_errno_text(errno));
		if (ret == 0 && rename(tmp, output) != 0)
			ret = cli_fail("export", "%s: %s", output,
			               cli_errno_text(errno));
		cli_tmp_release(ret != 0);
		if (ret == 0)
			fprintf(stderr, "exported %ld %s to %s\n", x.e.rows, what, output);
		free(tmp);
	}
	return ret;
}
