/*
 * cli/cmd_backup — `khidma backup FILE`: a consistent copy of the live
 * database with SQLite's online backup API, safe while kiosks and officers
 * keep writing. The copy, check and rename are store_backup_file
 * (store/backup.c), shared with the console's "Backup now"; this file
 * opens the database, arms the signal cleanup (cli_tmp_create) and words
 * the outcome.
 *
 * Invariants:
 *  1. FILE is either absent or a complete copy that passed PRAGMA
 *     quick_check — never a partial file that looks like a backup. The copy
 *     is written to a temporary name in FILE's directory
 *     (".FILE.tmp-XXXXXX"), checked there, and only then renamed to FILE
 *     (renameat2 RENAME_NOREPLACE, or link + unlink where the file system
 *     lacks it), and the directory is fsync'ed.
 *  2. On any failure, and on SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE,
 *     SIGXFSZ, SIGALRM, SIGUSR1/2 or SIGBUS during the copy or the check,
 *     the temporary file and its -journal, -wal and -shm are removed (the
 *     signal handler unlinks them, then dies of the signal as it would
 *     have). Only SIGKILL can leave a temporary file behind; its hidden
 *     name never looks like FILE, and a re-run works.
 *  3. Refuses to overwrite an existing FILE, and says so.
 *  4. The copy is a self-contained file in rollback-journal mode
 *     (store_backup): no -wal or -shm is ever left beside it; the live
 *     database's WAL mode comes back when a writer opens a restored copy.
 *  5. The live database is opened read-only without the opening
 *     quick_check (the backup API copies pages as they are; an older schema
 *     is copied as it is, so a backup before an upgrade works); the copy is
 *     opened read-only WITH the check, so damage in the live file fails the
 *     backup (policy: store/db.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/util.h"

static int cmd_backup_exec(struct app *, int, char **);

const struct cli_cmd cli_cmd_backup = {
	"backup", "backup FILE",
	"Write a consistent copy of the database to FILE (SQLite online backup:\n"
	"officers and kiosks may keep working). FILE must not exist. The copy is\n"
	"written under a temporary name in FILE's directory, checked\n"
	"(quick_check) and only then renamed to FILE: an interrupted or failed\n"
	"backup leaves no FILE and no temporary file (kill -9 aside).",
	cmd_backup_exec,
};

static int
cmd_backup_exec(struct app *a, int argc, char **argv)
{
	struct store_opts o = { .readonly = true, .no_open_check = true,
	                        .any_version = true, .busy_ms = 10000 };
	struct store_backup_file b = { 0 };
	struct stat sb;
	char err[512] = "";
	const char *dest;
	st_rc rc;
	int v;

	if (argc != 2)
		return cli_usage_error(&cli_cmd_backup, argc < 2 ?
		                       "missing FILE" : "too many arguments");
	dest = argv[1];
	if (lstat(dest, &sb) == 0)
		return cli_fail("backup", "%s exists: refusing to overwrite it",
		                dest);
	if (errno != ENOENT)
		return cli_fail("backup", "%s: %s", dest, cli_errno_text(errno));
	if (a->db == NULL && a->db_path == NULL)
		return cli_fail("backup", "no database path");
	if (a->db == NULL &&
	    (rc = store_open(a->db_path, &o, &a->db, err, sizeof err)) != ST_OK)
		return cli_open_failed(a, "backup", rc, err);
	b.dest = dest;
	b.tmp_create = cli_tmp_create;
	b.tmp_release = cli_tmp_release;
	rc = store_backup_file(a->db, &b);     /* store/backup.c */
	v = b.version;
	if (rc != ST_OK && b.stage == SB_TMP) {
		char *d = xstrdup(dest);

		if (b.err_no == ENOENT || b.err_no == ENOTDIR)
			cli_fail("backup", "%s: directory %s does not exist", dest,
			         dirname(d));
		else
			cli_fail("backup", "%s: cannot create a file in its "
			         "directory: %s", dest, cli_errno_text(b.err_no));
		free(d);
		return 1;
	}
	if (rc != ST_OK && b.stage == SB_COPY)
		return cli_fail("backup", "%s: %s (nothing written)", dest,
		                *b.err ? b.err : cli_rc_text(rc));
	if (rc != ST_OK && b.stage == SB_CHECK)
		return cli_fail("backup", "the copy for %s does not check: %s%s%s "
		                "(nothing written)", dest, st_rc_name(rc),
		                *b.err ? ": " : "", b.err);
	if (rc != ST_OK)
		return cli_fail("backup", "%s: %s (nothing written)", dest,
		                b.err_no == EEXIST ? "appeared while the copy was "
		                "made; refusing to overwrite it" : cli_errno_text(b.err_no));
	printf("backup written to %s (schema version %d)\n", dest, v);
	return 0;
}
