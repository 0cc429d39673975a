/*
 * cli/cmd_backup — `khidma backup FILE`: a consistent copy of the live
 * database with SQLite's online backup API (store_backup), safe while
 * kiosks and officers keep writing.
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

static char tmp_path[PATH_MAX + 16];

/* Pick a fresh temporary name beside dest and arm the signal cleanup for
 * it (cli_tmp_create); the name is freed again for store_backup's
 * O_CREAT|O_EXCL. 0 or -1 (errno). */
static int
pick_tmp(const char *dest)
{
	char *d1 = xstrdup(dest), *d2 = xstrdup(dest);
	int fd, n;

	n = snprintf(tmp_path, PATH_MAX, "%s/.%s.tmp-XXXXXX", dirname(d1),
	             basename(d2));
	free(d1);
	free(d2);
	if (n < 0 || n >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = cli_tmp_create(tmp_path)) < 0)
		return -1;
	close(fd);
	unlink(tmp_path);
	return 0;
}

/* Move the checked copy to dest without ever replacing a file that
 * appeared meanwhile; fsync the directory. 0 or -1 (errno). */
static int
publish(const char *dest)
{
	char *d = xstrdup(dest);
	int fd, r;

	r = renameat2(AT_FDCWD, tmp_path, AT_FDCWD, dest, RENAME_NOREPLACE);
	if (r != 0 && (errno == EINVAL || errno == ENOSYS || errno == ENOTSUP)) {
		r = link(tmp_path, dest);
		if (r == 0)
			unlink(tmp_path);
	}
	if (r == 0 && (fd = open(dirname(d), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(fd);
		close(fd);
	}
	free(d);
	return r;
}

static int
cmd_backup_exec(struct app *a, int argc, char **argv)
{
	struct store_opts o = { .readonly = true, .no_open_check = true,
	                        .any_version = true, .busy_ms = 10000 };
	struct stat sb;
	char err[512] = "";
	const char *dest;
	store *copy = NULL;
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
	if (pick_tmp(dest) != 0) {
		int e = errno;
		char *d = xstrdup(dest);

		if (e == ENOENT || e == ENOTDIR)
			cli_fail("backup", "%s: directory %s does not exist", dest,
			         dirname(d));
		else
			cli_fail("backup", "%s: cannot create a file in its "
			         "directory: %s", dest, cli_errno_text(e));
		free(d);
		return 1;
	}
	rc = store_backup(a->db, tmp_path, err, sizeof err);
	if (rc != ST_OK) {
		cli_tmp_release(true);
		return cli_fail("backup", "%s: %s (nothing written)", dest,
		                *err ? err : cli_rc_text(rc));
	}
	o.no_open_check = false;           /* the copy IS checked */
	rc = store_open(tmp_path, &o, &copy, err, sizeof err);
	if (rc != ST_OK) {
		cli_tmp_release(true);
		return cli_fail("backup", "the copy for %s does not check: %s%s%s "
		                "(nothing written)", dest, st_rc_name(rc),
		                *err ? ": " : "", err);
	}
	v = store_schema_version(copy);
	store_close(copy);
	if (publish(dest) != 0) {
		int e = errno;
		cli_tmp_release(true);
		return cli_fail("backup", "%s: %s (nothing written)", dest,
		                e == EEXIST ? "appeared while the copy was made; "
		                "refusing to overwrite it" : cli_errno_text(e));
	}
	cli_tmp_release(false);
	printf("backup written to %s (schema version %d)\n", dest, v);
	return 0;
}
