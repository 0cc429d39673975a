/*
 * store/backup — a checked backup file, the one code path of `khidma
 * backup FILE` (cli/cmd_backup.c) and the console's "Backup now"
 * (officer/admin_backup.c): copy (store_backup's online copy) to a hidden
 * temporary name beside FILE, check the copy (a read-only open with
 * PRAGMA quick_check), then rename it to FILE without ever replacing a
 * file, and fsync the directory.
 *
 * Invariants:
 *  1. FILE is either absent or a complete copy that passed quick_check —
 *     never a partial file that looks like a backup. The temporary name
 *     is ".FILE.tmp-XXXXXX" in FILE's directory; on any failure it and its
 *     -journal/-wal/-shm are removed (b->tmp_release(true), or unlink).
 *  2. An existing FILE is never overwritten (renameat2 RENAME_NOREPLACE,
 *     or link + unlink where the file system lacks it): SB_PUBLISH with
 *     err_no EEXIST.
 *  3. The copy is opened read-only WITH the check (any schema version:
 *     a backup before an upgrade works), so damage in the live file fails
 *     the backup at SB_CHECK.
 *  4. The caller's hooks: tmp_create makes the temporary file from its
 *     template (the CLI's arms a signal handler that removes it on
 *     SIGINT/SIGTERM…); tmp_release(remove) disarms it. NULL: mkostemp and
 *     plain unlink. progress is called after each step of the copy.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "store/store_int.h"

/* Remove the temporary file and its companions (no hook). */
static void
tmp_unlink(const char *tmp)
{
	static const char *const sfx[] = { "", "-journal", "-wal", "-shm" };

	for (size_t i = 0; i < ARRAY_LEN(sfx); i++) {
		char *p = xasprintf("%s%s", tmp, sfx[i]);
		unlink(p);
		free(p);
	}
}

static void
tmp_done(struct store_backup_file *b, const char *tmp, bool remove)
{
	if (b->tmp_release)
		b->tmp_release(remove);
	else if (remove)
		tmp_unlink(tmp);
}

/* Pick a fresh temporary name beside dest (made by tmp_create, then freed
 * again for store_backup's O_CREAT|O_EXCL). 0 or -1 (errno). */
static int
pick_tmp(struct store_backup_file *b, char *tmp)
{
	char *d1 = xstrdup(b->dest), *d2 = xstrdup(b->dest);
	int fd, n;

	n = snprintf(tmp, PATH_MAX, "%s/.%s.tmp-XXXXXX", dirname(d1), basename(d2));
	free(d1);
	free(d2);
	if (n < 0 || n >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = b->tmp_create ? b->tmp_create(tmp) : mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -1;
	close(fd);
	unlink(tmp);
	return 0;
}

/* Move the checked copy to dest, never replacing a file; fsync the
 * directory. 0 or -1 (errno). */
static int
publish(const char *tmp, const char *dest)
{
	char *d = xstrdup(dest);
	int fd, r;

	r = renameat2(AT_FDCWD, tmp, AT_FDCWD, dest, RENAME_NOREPLACE);
	if (r != 0 && (errno == EINVAL || errno == ENOSYS || errno == ENOTSUP)) {
		r = link(tmp, dest);
		if (r == 0)
			unlink(tmp);
	}
	if (r == 0 && (fd = open(dirname(d), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(fd);
		close(fd);
	}
	free(d);
	return r;
}

/* Contract (store.h). */
st_rc
store_backup_file(store *s, struct store_backup_file *b)
{
	struct store_opts o = { .readonly = true, .any_version = true,
	                        .busy_ms = 10000 };
	char tmp[PATH_MAX + 16];
	store *copy = NULL;
	st_rc rc;

	b->version = 0;
	b->err_no = 0;
	b->err[0] = '\0';
	b->stage = SB_TMP;
	if (pick_tmp(b, tmp) != 0) {
		b->err_no = errno;
		return b->err_no == ENOENT || b->err_no == ENOTDIR ? ST_NODIR
		     : b->err_no == ENOSPC ? ST_FULL
		     : b->err_no == EACCES || b->err_no == EROFS ? ST_READONLY : ST_IO;
	}
	b->stage = SB_COPY;
	rc = st_backup_copy(s, tmp, b->progress, b->ctx, b->err, sizeof b->err);
	if (rc != ST_OK) {
		tmp_done(b, tmp, true);
		return rc;
	}
	b->stage = SB_CHECK;                 /* invariant 3 */
	rc = store_open(tmp, &o, &copy, b->err, sizeof b->err);
	if (rc != ST_OK) {
		tmp_done(b, tmp, true);
		return rc;
	}
	b->version = store_schema_version(copy);
	store_close(copy);
	b->stage = SB_PUBLISH;
	if (publish(tmp, b->dest) != 0) {
		b->err_no = errno;
		tmp_done(b, tmp, true);
		return b->err_no == EEXIST ? ST_INVALID : ST_IO;
	}
	tmp_done(b, tmp, false);
	b->stage = SB_DONE;
	return ST_OK;
}
