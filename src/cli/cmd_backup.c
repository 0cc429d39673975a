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
#include <signal.h>
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

/* The temporary file and what SQLite may put beside it, for the handler. */
static const char *const tmp_sfx[4] = { "", "-journal", "-wal", "-shm" };
static char tmp_paths[4][PATH_MAX + 16];
static volatile sig_atomic_t tmp_armed;
static const int caught[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE,
                              SIGXFSZ, SIGALRM, SIGUSR1, SIGUSR2, SIGBUS };

static void
remove_tmp(void)
{
	for (int i = 0; i < 4; i++)
		unlink(tmp_paths[i]);          /* async-signal-safe */
}

static void
on_signal(int sig)
{
	int e = errno;

	if (tmp_armed)
		remove_tmp();
	errno = e;
	signal(sig, SIG_DFL);
	raise(sig);                        /* delivered when we return */
}

static void
arm(bool on)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on ? on_signal : SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_LEN(caught); i++)
		sigaddset(&sa.sa_mask, caught[i]);  /* one handler at a time */
	for (size_t i = 0; i < ARRAY_LEN(caught); i++)
		sigaction(caught[i], &sa, NULL);
	tmp_armed = on;
}

/* Pick a fresh temporary name beside dest: mkstemp proves it unused, the
 * name is freed again for store_backup's O_CREAT|O_EXCL. 0 or -1 (errno). */
static int
pick_tmp(const char *dest)
{
	char *d1 = xstrdup(dest), *d2 = xstrdup(dest);
	int fd, n;

	n = snprintf(tmp_paths[0], PATH_MAX, "%s/.%s.tmp-XXXXXX",
	             dirname(d1), basename(d2));
	free(d1);
	free(d2);
	if (n < 0 || n >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = mkstemp(tmp_paths[0])) < 0)
		return -1;
	close(fd);
	unlink(tmp_paths[0]);
	for (int i = 1; i < 4; i++) {     /* n < PATH_MAX: room for 8 more */
		memcpy(tmp_paths[i], tmp_paths[0], (size_t)n);
		strcpy(tmp_paths[i] + n, tmp_sfx[i]);
	}
	return 0;
}

/* Move the checked copy to dest without ever replacing a file that
 * appeared meanwhile; fsync the directory. 0 or -1 (errno). */
static int
publish(const char *dest)
{
	char *d = xstrdup(dest);
	int fd, r;

	r = renameat2(AT_FDCWD, tmp_paths[0], AT_FDCWD, dest, RENAME_NOREPLACE);
	if (r != 0 && (errno == EINVAL || errno == ENOSYS || errno == ENOTSUP)) {
		r = link(tmp_paths[0], dest);
		if (r == 0)
			unlink(tmp_paths[0]);
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
	arm(true);
	if (pick_tmp(dest) != 0) {
		int e = errno;
		char *d = xstrdup(dest);

		arm(false);
		if (e == ENOENT || e == ENOTDIR)
			cli_fail("backup", "%s: directory %s does not exist", dest,
			         dirname(d));
		else
			cli_fail("backup", "%s: cannot create a file in its "
			         "directory: %s", dest, cli_errno_text(e));
		free(d);
		return 1;
	}
	rc = store_backup(a->db, tmp_paths[0], err, sizeof err);
	if (rc != ST_OK) {
		remove_tmp();
		arm(false);
		return cli_fail("backup", "%s: %s (nothing written)", dest,
		                *err ? err : cli_rc_text(rc));
	}
	o.no_open_check = false;           /* the copy IS checked */
	rc = store_open(tmp_paths[0], &o, &copy, err, sizeof err);
	if (rc != ST_OK) {
		remove_tmp();
		arm(false);
		return cli_fail("backup", "the copy for %s does not check: %s%s%s "
		                "(nothing written)", dest, st_rc_name(rc),
		                *err ? ": " : "", err);
	}
	v = store_schema_version(copy);
	store_close(copy);
	if (publish(dest) != 0) {
		int e = errno;
		remove_tmp();
		arm(false);
		return cli_fail("backup", "%s: %s (nothing written)", dest,
		                e == EEXIST ? "appeared while the copy was made; "
		                "refusing to overwrite it" : cli_errno_text(e));
	}
	arm(false);
	printf("backup written to %s (schema version %d)\n", dest, v);
	return 0;
}
