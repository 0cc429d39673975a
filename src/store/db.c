/*
 * store/db — opening the database file and running write transactions.
 *
 * Opening (store_open):
 *   path's directory must exist (ST_NODIR; creating ./var is the caller's
 *   job) → a missing file is created here with open(O_CREAT|O_EXCL) and an
 *   explicit fchmod to 0600 (0660 + fchown to the group when one is
 *   configured), so the umask never decides the mode; SQLite creates -wal
 *   and -shm with the same mode → an existing non-empty file whose first 16
 *   bytes are not the SQLite header is refused (ST_CORRUPT) before SQLite
 *   ever opens it → sqlite3_open_v2 without SQLITE_OPEN_CREATE → PRAGMA
 *   quick_check(1) (read-only) → only then the pragmas that may write
 *   (journal_mode=WAL) → user_version check and forward migration.
 *
 * The quick_check reads every page, so its cost grows with the file (≈ 2.6 s
 * for 100 000 requests, 140 MB). With store_opts.check_in_background (the
 * kiosk and the officer console, whose first screen must not wait) and a file
 * that already exists, is non-empty and is already in WAL mode (header bytes
 * 18/19 = 2, so journal_mode=WAL writes nothing), the check still starts at
 * open but runs in a thread on its own read-only connection (store/dbcheck):
 *  - every write (st_tx, st_begin_retry) and any migration first waits for
 *    the check and returns its failure code (ST_CORRUPT …) if it failed, so
 *    a corrupt file is still refused and never written;
 *  - reads may run while the check is going on (the kiosk reads its catalog
 *    before the first screen); they rely on SQLite's own corruption
 *    detection meanwhile (SQLITE_CORRUPT → ST_CORRUPT), and once the check
 *    has failed every statement (st_prep) returns its failure code;
 *  - if the thread cannot start, or the file is new, not in WAL mode or
 *    opened read-only, the check is synchronous as before.
 *
 * Who checks how (the CLI, measured in bench/results.md: the synchronous
 * check took 22–47 s at 1M requests, 1.5 GB, before any command could work):
 *  - the kiosk and the officer console: in the background, as above;
 *  - CLI commands that can WRITE (init, members import, officer add, passwd,
 *    disable, unlock): in the background too, and each calls
 *    store_check_wait before its first write, so its own preparation (the
 *    password prompt, reading and validating the CSV) overlaps the check
 *    and a failure is reported exactly as the synchronous check reports it.
 *    The write paths (st_tx, st_begin_retry, migration) wait regardless.
 *    Their check thread runs at the normal priority (check_normal_priority),
 *    not SCHED_IDLE like the kiosk's: the user is waiting for it;
 *  - CLI commands that only READ (report, export, officer list, backup)
 *    open with readonly + no_open_check: SQLITE_OPEN_READONLY, so the
 *    connection cannot write at all, and no quick_check. A page they read
 *    that SQLite recognises as damaged fails with SQLITE_CORRUPT →
 *    ST_CORRUPT (the command exits 1 with "database corrupt or not a
 *    database"); other damage, and damage in pages they do not read, goes
 *    unnoticed — they neither write nor vouch for the file. backup
 *    opens its finished copy read-only WITH the check (the copy is
 *    page-for-page, so damage in the source fails it) before reporting
 *    success. A read-only open is never retried as a writing
 *    one (it used to be, and so migrated a 0-byte file and printed an empty
 *    report): see "Read-only opens" below;
 *  - tests and every other caller: synchronously.
 * The header check (not a database → refused) runs for every open.
 *
 * Read-only opens (store_opts.readonly) create, migrate and write nothing
 * and leave nothing behind that a writer could not use:
 *  - refused with the reason (check_file, ro_failed): a 0-byte file (left
 *    by an interrupted init), a file whose header counts more pages than it
 *    holds when no -wal could hold them (a copy cut short), a non-empty
 *    -journal beside it (an interrupted rollback-mode write: only a writer
 *    may roll it back), an SQLite file with user_version 0 (not ours), a
 *    schema older than this program (unless any_version: backup), -wal/
 *    -shm this user may not read;
 *  - how it opens (enum ro_how). SQLite's read-only connection still
 *    creates -wal and -shm when none exist and the directory is writable
 *    (owned by the reader, so afterwards every writer fails "read-only"),
 *    and cannot open at all in a read-only directory. So: a user who may
 *    write the file and its directory opens it plainly (mode=ro; any file
 *    SQLite creates is one a writer would create); otherwise, with no
 *    -wal, immutable=1 (no locks, no files) while we hold a read lock on
 *    SQLite's SHARED byte range ourselves (shared_lock), so a writer that
 *    closes meanwhile cannot checkpoint into the file under us (also with
 *    an empty -wal whose -shm this user cannot read: nothing to miss); with
 *    a -wal, readonly_shm=1 (SQLite reads the writers' -wal/-shm without
 *    creating or writing them, and sees their latest commits).
 *    A full disk (SQLite could not create the -wal/-shm) is read as
 *    immutable too when no -wal exists: reading needs no space.
 *  - a file this open created (O_EXCL) and failed to make a database of
 *    (a full disk during init) is removed with its -wal/-shm/-journal.
 * A full disk met while SQLite sets up the -wal/-shm is reported as one
 * ("the disk is full"), not as SQLite's "disk I/O error" (disk_full).
 *
 * Invariants:
 *  1. A file refused as corrupt is never written: nothing that can write
 *     runs before the header check and quick_check have passed (with the
 *     background check: before it has passed, see above). The check is
 *     skipped only for a connection opened SQLITE_OPEN_READONLY
 *     (no_open_check), which cannot write.
 *  2. Every connection has journal_mode=WAL, synchronous=FULL,
 *     foreign_keys=ON and our busy handler (busy_wait), which waits up to
 *     busy_ms for a lock, polling MORE often the longer it has waited: the
 *     first sleep is ~20 ms, then 0.1 ms shorter per ms waited, down to
 *     ~1 ms after 190 ms (±50 % jitter). SQLite's own busy_timeout does the
 *     opposite (1, 2, 5 … 100 ms, longer and longer), and so did our
 *     backoff: the writer that had waited longest polled least often and
 *     lost the lock to newcomers again and again — with 20 officers writing
 *     at once one of them waited out the whole 10 s budget and saw "database
 *     busy" (bench/results.md, 2d23ad8). Here the oldest waiters poll
 *     fastest and win the lock after a COMMIT, so waits are bounded by the
 *     queue ahead, while newcomers sleep and leave the CPU to the lock
 *     holder (a fixed 1 ms poll for everyone was fair too but cost 4× the
 *     CPU and half the throughput on 2 cores: bench/README.md).
 *     Rare BUSY cases the handler does not cover (recovery, a lock taken
 *     mid-statement) go to our retry loop in st_tx, which always ROLLBACKs
 *     explicitly before sleeping, so no lock is held while we wait.
 *  3. st_tx never returns ST_OK unless COMMIT returned SQLITE_OK.
 *  4. A write that waits says so: while st_tx or st_begin_retry waits for
 *     the background check, in the busy handler or in the retry loop, the
 *     connection's wait hook (store_set_wait_hook) is called with the
 *     milliseconds since the call began — never while this connection
 *     holds the write lock (wait_t0 is 0 during a body and its COMMIT), so
 *     a UI's "saving…" never delays anyone else.
 *  5. A read-only open writes and creates nothing in the database's
 *     directory (see "Read-only opens").
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "core/util.h"
#include "text/text.h"
#include "store/store_int.h"

#define ST_BACKOFF_MIN_MS 5
#define ST_BACKOFF_MAX_MS 400
#define ST_POLL_FIRST_US  20000   /* busy handler: the first sleeps 20 ms, */
#define ST_POLL_LAST_US   1000    /* after 190 ms of waiting 1 ms,         */
#define ST_POLL_STEP_US_PER_MS 100 /* 0.1 ms shorter per ms waited         */

static const char *const rc_names[] = {
	[ST_OK] = "ok", [ST_NOTFOUND] = "not found",
	[ST_STALE] = "changed by someone else", [ST_BUSY] = "database busy",
	[ST_INVALID] = "invalid value", [ST_DENIED] = "not allowed",
	[ST_FULL] = "disk full", [ST_READONLY] = "read-only",
	[ST_CORRUPT] = "database corrupt or not a database",
	[ST_NODIR] = "directory does not exist", [ST_IO] = "I/O error",
	[ST_TOONEW] = "database is newer than this program",
	[ST_REVOKED] = "officer access ended (disabled or role changed)",
	[ST_OFFLINE] = "the database server cannot be reached",
};

/* An English name for rc, "unknown" for a value out of range. */
const char *st_rc_name(st_rc rc)
{
	if ((unsigned)rc >= ARRAY_LEN(rc_names) || !rc_names[rc])
		return "unknown";
	return rc_names[rc];
}

st_rc st_map(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK: case SQLITE_DONE: case SQLITE_ROW: return ST_OK;
	case SQLITE_BUSY: case SQLITE_LOCKED: return ST_BUSY;
	case SQLITE_FULL: return ST_FULL;
	case SQLITE_READONLY: case SQLITE_PERM: return ST_READONLY;
	case SQLITE_CORRUPT: case SQLITE_NOTADB: return ST_CORRUPT;
	case SQLITE_CONSTRAINT: case SQLITE_MISMATCH: case SQLITE_RANGE:
	case SQLITE_TOOBIG: return ST_INVALID;
	case SQLITE_NOTFOUND: return ST_NOTFOUND;
	case SQLITE_AUTH: return ST_DENIED;
	default: return ST_IO;
	}
}

/* ---- helpers ------------------------------------------------------------ */

st_rc st_done(sq_stmt *st)
{
	return sq_map(sq_step(st));
}

st_rc st_insert_id(sq_stmt *st, int64_t *id)
{
	int rc = sq_step(st);

	if (rc == SQ_ROW) {
		*id = sq_col_i64(st, 0);
		return ST_OK;
	}
	return rc == SQ_DONE ? ST_IO : sq_map(rc);
}

char *st_col_dup(sq_stmt *st, int i)
{
	const char *t = sq_col_text(st, i);
	return xstrdup(t ? t : "");
}

char *st_col_dup_null(sq_stmt *st, int i)
{
	if (sq_col_null(st, i))
		return NULL;
	return st_col_dup(st, i);
}

void st_col_copy(sq_stmt *st, int i, char *buf, size_t n)
{
	const char *t = sq_col_text(st, i);
	strlcpy_k(buf, t ? t : "", n);
}

bool st_utf8_ok(const char *s)
{
	return !s || text_valid_utf8(s, strlen(s));
}

/* ---- the retry loop ------------------------------------------------------ */

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static unsigned jitter_seed;

/* Sleep before the next attempt: delay plus up to 50 % jitter, never past
 * the deadline. Returns false when the budget is already spent. */
static bool backoff(int64_t deadline, int *delay)
{
	int64_t left = deadline - mono_ms();
	int64_t ms;
	struct timespec ts;

	if (left <= 0)
		return false;
	if (!jitter_seed)
		jitter_seed = (unsigned)getpid() ^ (unsigned)mono_ms();
	ms = *delay + rand_r(&jitter_seed) % (*delay / 2 + 1);
	if (ms > left)
		ms = left;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
	*delay = *delay * 2 > ST_BACKOFF_MAX_MS ? ST_BACKOFF_MAX_MS : *delay * 2;
	return true;
}

/* Invariant 5: tell the wait hook how long the current write has waited. */
static void wait_tell(store *s)
{
	if (s->wait_fn && s->wait_t0)
		s->wait_fn(s->wait_ctx, (int)(mono_ms() - s->wait_t0));
}

/* See store.h. */
void store_set_wait_hook(store *s, store_wait_fn fn, void *ctx)
{
	if (!s)
		return;
	s->wait_fn = fn;
	s->wait_ctx = ctx;
}

/* Wait for the background check (a write may not start before it has
 * passed), telling the wait hook meanwhile (invariant 4). */
static st_rc check_wait_telling(store *s)
{
	struct timespec ts = { 0, 20 * 1000000L };

	if (!s->check)
		return ST_OK;
	while (s->wait_fn && !st_check_done(s->check)) {
		nanosleep(&ts, NULL);
		wait_tell(s);
	}
	return st_check_wait(s->check, NULL, 0);
}

/* SQLite's busy handler (invariant 2): n counts the attempts for this lock;
 * the first one starts the clock. Returns 0 (give up: SQLITE_BUSY) once
 * busy_ms has passed; else sleeps, the shorter the longer it has waited
 * (ST_POLL_FIRST_US down to ST_POLL_LAST_US, ±50 % jitter), and returns 1. */
static int busy_wait(void *arg, int n)
{
	store *s = arg;
	int64_t now = mono_ms(), waited;
	struct timespec ts;
	long us;

	if (n == 0)
		s->busy_since = now;
	waited = now - s->busy_since;
	if (waited >= s->busy_ms)
		return 0;
	wait_tell(s);
	if (!jitter_seed)
		jitter_seed = (unsigned)getpid() ^ (unsigned)now;
	us = ST_POLL_FIRST_US - (long)waited * ST_POLL_STEP_US_PER_MS;
	if (us < ST_POLL_LAST_US)
		us = ST_POLL_LAST_US;
	us = us / 2 + rand_r(&jitter_seed) % (us + 1);
	ts.tv_sec = 0;
	ts.tv_nsec = us * 1000L;
	nanosleep(&ts, NULL);
	return 1;
}

static void rollback(store *s)
{
	sq_rollback(s);
}

st_rc st_begin_retry(store *s)
{
	int64_t deadline;
	int delay = ST_BACKOFF_MIN_MS;
	st_rc r;

	s->wait_t0 = mono_ms();
	if ((r = check_wait_telling(s)) != ST_OK) {
		s->wait_t0 = 0;
		return r;                /* a write waits for the open's check */
	}
	deadline = mono_ms() + s->busy_ms;
	for (;;) {
		r = sq_begin(s);
		if (r != ST_BUSY)
			break;
		rollback(s);
		wait_tell(s);
		if (!backoff(deadline, &delay)) {
			r = ST_BUSY;
			break;
		}
	}
	s->wait_t0 = 0;
	return r;
}

st_rc st_tx(store *s, st_body body, void *ctx)
{
	int64_t deadline;
	int delay = ST_BACKOFF_MIN_MS;
	st_rc r;

	if (s->readonly)
		return ST_READONLY;
	if (s->in_import)
		return ST_BUSY;          /* our own import holds the write lock */
	s->wait_t0 = mono_ms();
	if ((r = check_wait_telling(s)) != ST_OK) {
		s->wait_t0 = 0;
		return r;                /* a write waits for the open's check */
	}
	deadline = mono_ms() + s->busy_ms;
	for (;;) {
		r = sq_begin(s);
		if (r == ST_OK) {
			/* invariant 4: no hook while this connection holds the lock */
			int64_t t0 = s->wait_t0;

			s->wait_t0 = 0;
			r = body(s, ctx);
			if (r == ST_OK)
				r = sq_commit(s);
			s->wait_t0 = t0;
			if (r == ST_OK)
				break;
		}
		rollback(s);
		if (r != ST_BUSY)
			break;
		wait_tell(s);
		if (!backoff(deadline, &delay)) {
			r = ST_BUSY;
			break;
		}
	}
	s->wait_t0 = 0;
	return r;
}

/* Run one statement that needs a lock (journal_mode) with the retry loop. */
static st_rc exec_retry(store *s, const char *sql, char *res, size_t resn)
{
	int64_t deadline = mono_ms() + s->busy_ms;
	int delay = ST_BACKOFF_MIN_MS;
	sq_stmt *st;
	st_rc r;
	int rc;

	for (;;) {
		if ((r = st_prep(s, sql, &st)) != ST_OK && r != ST_BUSY)
			return r;
		if (r == ST_OK) {
			rc = sq_step(st);
			if (rc == SQ_ROW && res)
				st_col_copy(st, 0, res, resn);
			sq_finalize(st);
			r = sq_map(rc);
			if (r != ST_BUSY)
				return r;
		}
		if (!backoff(deadline, &delay))
			return ST_BUSY;
	}
}

/* ---- opening ------------------------------------------------------------- */

static st_rc fail(st_rc rc, char *err, size_t errsz, const char *fmt,
                  const char *a, const char *b)
{
	if (err && errsz)
		snprintf(err, errsz, fmt, a, b);
	return rc;
}

/* Create the missing file with the exact mode (and group). */
static st_rc create_file(const char *path, const struct store_opts *o,
                         char *err, size_t errsz)
{
	mode_t mode = (o && o->group) ? 0660 : 0600;
	struct group *g = NULL;
	int fd;

	if (o && o->group && !(g = getgrnam(o->group)))
		return fail(ST_INVALID, err, errsz, "%s: no such group %s",
		            path, o->group);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0) {
		if (errno == EEXIST)
			return ST_OK;        /* another process was quicker */
		return fail(errno == EACCES || errno == EROFS ? ST_READONLY
		            : errno == ENOSPC ? ST_FULL : ST_IO,
		            err, errsz, "%s: %s", path, strerror(errno));
	}
	if (fchmod(fd, mode) != 0 || (g && fchown(fd, (uid_t)-1, g->gr_gid) != 0)) {
		int e = errno;
		close(fd);
		unlink(path);
		return fail(ST_IO, err, errsz, "%s: cannot set mode/group: %s",
		            path, strerror(e));
	}
	close(fd);
	return ST_OK;
}

/* "path" + suffix ("-wal", "-shm", "-journal"): does it exist, how big? */
static bool side_file(const char *path, const char *suffix, off_t *size)
{
	char *p = xasprintf("%s%s", path, suffix);
	struct stat sb;
	bool ok = stat(p, &sb) == 0;

	free(p);
	if (size)
		*size = ok ? sb.st_size : 0;
	return ok;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* No block left for us on path's file system? SQLite reports a full disk
 * met while it sets up the -shm or -wal as "disk I/O error"
 * (SQLITE_IOERR_SHMSIZE …); the open says what is really wrong. */
static bool disk_full(const char *path)
{
	char *d = xstrdup(path);
	struct statvfs vf;
	bool full = statvfs(dirname(d), &vf) == 0 && vf.f_bavail == 0;

	free(d);
	return full;
}

static bool shm_readable(const char *path)
{
	char *p = xasprintf("%s-shm", path);
	bool ok = access(p, R_OK) == 0;

	free(p);
	return ok;
}

/* What a read-only open must do about -wal/-shm (see "Read-only opens"). */
enum ro_how { RO_PLAIN, RO_SHM_READONLY, RO_IMMUTABLE };

/* errno of a failed stat/open/access of path or its directory → code and
 * one sentence saying exactly what is wrong. */
static st_rc file_branch(store *s, const char *want, const char *path,
                         char *err, size_t errsz);
static st_rc fail_errno(int e, const char *path, const char *dir,
                        const char *doing, char *err, size_t errsz)
{
	switch (e) {
	case ENOENT: case ENOTDIR:
		return fail(ST_NODIR, err, errsz, "%s: directory %s does not exist",
		            path, dir);
	case EACCES: case EPERM:
		return fail(ST_DENIED, err, errsz, "%s: permission denied: this user "
		            "may not %s", path, doing);
	case EROFS:
		return fail(ST_READONLY, err, errsz, "%s: %s", path,
		            "on a read-only file system");
	case ENOSPC: case EDQUOT:
		return fail(ST_FULL, err, errsz, "%s: %s", path,
		            "the disk is full (no space left on the device)");
	default:
		return fail(ST_IO, err, errsz, "%s: %s", path, strerror(e));
	}
}

/* Check what is on disk before SQLite touches it. For a read-only open
 * also decide how to open it (*how) and refuse what is not a complete
 * khidma database file. */
static st_rc check_file(const char *path, const struct store_opts *o,
                        bool *in_wal, bool *created, enum ro_how *how,
                        char *err, size_t errsz)
{
	static const char magic[16] = "SQLite format 3";
	char *dup = xstrdup(path), *dir, doing[600];
	unsigned char hdr[100];
	struct stat sb;
	bool ro = o && o->readonly, dir_w, wal;
	off_t walsz = 0, jsz = 0;
	ssize_t got;
	int fd;
	st_rc r = ST_OK;

	dir = dirname(dup);
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		int e = errno;
		if (stat(dir, &sb) == 0)
			e = ENOTDIR;
		snprintf(doing, sizeof doing, "search a directory on the way to %s", dir);
		r = fail_errno(e, path, dir, doing, err, errsz);
		free(dup);
		return r;
	}
	dir_w = access(dir, W_OK) == 0;
	if (!ro && !dir_w) {
		r = errno == EROFS
		    ? fail(ST_READONLY, err, errsz, "%s: directory %s is on a "
		           "read-only file system", path, dir)
		    : fail(ST_READONLY, err, errsz, "%s: directory %s is not "
		           "writable for this user", path, dir);
		free(dup);
		return r;
	}
	if (stat(path, &sb) != 0) {
		int e = errno;
		if (e == ENOENT) {
			free(dup);
			if (ro || !o || !o->create)
				return fail(ST_NOTFOUND, err, errsz, "%s: %s", path,
				            "no such database");
			r = create_file(path, o, err, errsz);
			*created = r == ST_OK;
			return r;
		}
		snprintf(doing, sizeof doing, "enter directory %s (no search "
		         "permission)", dir);
		r = fail_errno(e, path, dir, doing, err, errsz);
		free(dup);
		return r;
	}
	free(dup);
	if (!S_ISREG(sb.st_mode))
		return fail(ST_CORRUPT, err, errsz, "%s: %s", path, "not a regular file");
	if (!ro && access(path, W_OK) != 0)
		return fail(ST_READONLY, err, errsz, "%s: %s", path,
		            errno == EROFS ? "on a read-only file system"
		            : "the file is read-only for this user");
	if (sb.st_size == 0) {
		if (ro)                  /* nothing to read: never create a schema */
			return fail(ST_CORRUPT, err, errsz, "%s: %s", path,
			            "empty file (0 bytes), not a khidma database "
			            "(left by an interrupted `khidma init`? remove it "
			            "and run `khidma init`)");
		return ST_OK;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail_errno(errno, path, "", "read it", err, errsz);
	got = read(fd, hdr, sizeof hdr);
	close(fd);
	if (got != (ssize_t)sizeof hdr || memcmp(hdr, magic, sizeof magic) != 0)
		return fail(ST_CORRUPT, err, errsz, "%s: %s", path,
		            "not a khidma database (refused, left untouched)");
	/* File format write/read versions 2/2: the file is in WAL mode. */
	*in_wal = hdr[18] == 2 && hdr[19] == 2;
	wal = side_file(path, "-wal", &walsz);
	if (!ro)
		return ST_OK;
	/* An interrupted write in rollback mode (a backup's copy, an old
	 * file): reading it needs the rollback, which only a writer does. */
	if (side_file(path, "-journal", &jsz) && jsz > 0)
		return fail(ST_CORRUPT, err, errsz, "%s: %s", path, "an interrupted "
		            "write left its -journal beside it: the file is "
		            "incomplete (refused, left untouched)");
	/* The header's page count is valid when bytes 24 and 92 agree; with no
	 * WAL the file must hold every page it counts. */
	if (walsz == 0 && be32(hdr + 24) == be32(hdr + 92)) {
		uint32_t psz = (uint32_t)hdr[16] << 8 | hdr[17];
		uint64_t want = (uint64_t)be32(hdr + 28) * (psz == 1 ? 65536 : psz);

		if (want > (uint64_t)sb.st_size)
			return fail(ST_CORRUPT, err, errsz, "%s: truncated: %s", path,
			            "the file is shorter than its header says (an "
			            "interrupted copy?); refused, left untouched");
	}
	/* Read-only opens: see the design comment. A full disk stops SQLite
	 * creating the -wal/-shm a plain open wants: immutable then too. */
	if (!wal && (!dir_w || access(path, W_OK) != 0 || disk_full(path)))
		*how = RO_IMMUTABLE;
	else if (wal && walsz == 0 && access(path, W_OK) != 0 &&
	         !shm_readable(path))
		*how = RO_IMMUTABLE;     /* an empty -wal holds nothing to read */
	else if (access(path, W_OK) != 0)
		*how = RO_SHM_READONLY;
	else
		*how = RO_PLAIN;
	return ST_OK;
}

static st_rc quick_check(store *s, const char *path, char *err, size_t errsz)
{
	char res[128] = "";
	st_rc r = exec_retry(s, "PRAGMA quick_check(1)", res, sizeof res);

	if (r == ST_OK && strcmp(res, "ok") == 0)
		return ST_OK;
	if (r == ST_BUSY || r == ST_IO)
		return fail(r, err, errsz, "%s: quick_check: %s", path,
		            sqlite3_errmsg(s->db));
	return fail(ST_CORRUPT, err, errsz, "%s: integrity check failed (%s); "
	            "refused, left untouched", path, r == ST_OK ? res
	            : sqlite3_errmsg(s->db));
}

static st_rc pragmas(store *s, const char *path, char *err, size_t errsz)
{
	char mode[16] = "";
	st_rc r;

	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_handler(s->db, busy_wait, s);
	if ((r = exec_retry(s, "PRAGMA foreign_keys=ON", NULL, 0)) != ST_OK)
		return fail(r, err, errsz, "%s: foreign_keys: %s", path, sqlite3_errmsg(s->db));
	if (!s->readonly) {
		r = exec_retry(s, "PRAGMA journal_mode=WAL", mode, sizeof mode);
		if (r != ST_OK || strcmp(mode, "wal") != 0)
			return fail(r ? r : ST_IO, err, errsz, "%s: cannot use WAL: %s",
			            path, sqlite3_errmsg(s->db));
	}
	if ((r = exec_retry(s, "PRAGMA synchronous=FULL", NULL, 0)) != ST_OK)
		return fail(r, err, errsz, "%s: synchronous: %s", path, sqlite3_errmsg(s->db));
	return ST_OK;
}

/* Remove a file this open created (O_EXCL) and could not make a database
 * of — a full disk during `khidma init` leaves 0 bytes or a header page —
 * with whatever SQLite put beside it, so the next run starts clean and no
 * reader mistakes it for a database. Only when it is empty, or the disk
 * was full (then a second process that opened it meanwhile failed too). */
static void remove_if_created_empty(const char *path, st_rc why)
{
	static const char *const sfx[] = { "-wal", "-shm", "-journal" };
	struct stat sb;

	if (stat(path, &sb) != 0 || (sb.st_size != 0 && why != ST_FULL))
		return;
	unlink(path);
	for (size_t i = 0; i < ARRAY_LEN(sfx); i++) {
		char *p = xasprintf("%s%s", path, sfx[i]);
		unlink(p);
		free(p);
	}
}

/* RO_IMMUTABLE: hold a shared lock on the database file the way SQLite's
 * unix VFS takes one (a read lock on its SHARED byte range), so a writer
 * that closes cannot checkpoint into the file under us (it needs an
 * exclusive lock for that) while SQLite itself, told the file is
 * immutable, takes no lock and creates no -wal/-shm. -1 when the lock
 * cannot be had (a writer is checkpointing: ST_BUSY). */
static int shared_lock(const char *path)
{
	struct flock fl = { .l_type = F_RDLCK, .l_whence = SEEK_SET,
	                    .l_start = 0x40000002, .l_len = 510 };
	int fd = open(path, O_RDONLY | O_CLOEXEC), tries = 0;

	if (fd < 0)
		return -1;
	while (fcntl(fd, F_SETLK, &fl) != 0) {
		struct timespec ts = { 0, 10 * 1000000L };
		if (++tries > 500) {     /* 5 s */
			close(fd);
			return -1;
		}
		nanosleep(&ts, NULL);
	}
	return fd;
}

/* Percent-encode path for a file: URI (RFC 3986 unreserved and '/' kept). */
static char *file_uri(const char *path, const char *query)
{
	size_t n = strlen(path);
	char *u = xcalloc(1, n * 3 + strlen(query) + 16), *q = u;

	q += sprintf(q, "file:");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("/-._~", *p))
			*q++ = (char)*p;
		else
			q += sprintf(q, "%%%02X", *p);
	}
	sprintf(q, "?%s", query);
	return u;
}

/* A read-only open that failed inside SQLite: say exactly why. */
static st_rc ro_failed(store *s, const char *path, int rc, char *err,
                       size_t errsz)
{
	int x = s->db ? sqlite3_extended_errcode(s->db) : rc;

	if (x == SQLITE_READONLY_ROLLBACK)
		return fail(ST_CORRUPT, err, errsz, "%s: %s", path, "an interrupted "
		            "write left its -journal beside it: the file is "
		            "incomplete (refused, left untouched)");
	if ((x & 0xff) == SQLITE_CANTOPEN || x == SQLITE_READONLY_CANTINIT ||
	    x == SQLITE_READONLY_CANTLOCK)
		return fail(ST_DENIED, err, errsz, "%s: %s", path, "this user may "
		            "read the database but not its -wal/-shm files, which "
		            "hold the latest changes (read it as its owner or a "
		            "member of its group)");
	if ((x & 0xff) == SQLITE_NOTADB || (x & 0xff) == SQLITE_CORRUPT)
		return fail(ST_CORRUPT, err, errsz, "%s: %s", path,
		            "not a khidma database (refused, left untouched)");
	return fail(st_map(rc) == ST_OK ? ST_IO : st_map(rc), err, errsz,
	            "%s: %s", path, s->db ? sqlite3_errmsg(s->db) : "out of memory");
}

/* The test hook and the real open share this: migrate up to `target`.
 * force_ro: -1, or how a read-only open must open (the retry below). */
static st_rc open_at(const char *path, const struct store_opts *o, int target,
                     store **out, char *err, size_t errsz, int force_ro)
{
	enum ro_how how = RO_PLAIN;
	store *s;
	st_rc r;
	int rc, v;
	bool in_wal = false, created = false;

	*out = NULL;
	if (err && errsz)
		err[0] = '\0';
	if ((r = check_file(path, o, &in_wal, &created, &how, err, errsz)) != ST_OK)
		return r;
	if (force_ro >= 0)
		how = (enum ro_how)force_ro;
	s = xcalloc(1, sizeof *s);
	s->lock_fd = -1;
	s->readonly = o && o->readonly;
	s->busy_ms = (o && o->busy_ms > 0) ? o->busy_ms : 10000;
	strlcpy_k(s->branch, "01", sizeof s->branch);
	s->path = xstrdup(path);
	if (s->readonly) {
		char *uri = file_uri(path, how == RO_IMMUTABLE ? "immutable=1"
		                     : how == RO_SHM_READONLY ? "readonly_shm=1"
		                     : "mode=ro");

		if (how == RO_IMMUTABLE && (s->lock_fd = shared_lock(path)) < 0) {
			free(uri);
			r = fail(ST_BUSY, err, errsz, "%s: %s", path, "a writer kept "
			         "the file locked (checkpointing); try again");
			goto fail;
		}
		rc = sqlite3_open_v2(uri, &s->db, SQLITE_OPEN_READONLY |
		                     SQLITE_OPEN_URI, NULL);
		free(uri);
	} else {
		rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE, NULL);
	}
	if (rc != SQLITE_OK) {
		r = s->readonly ? ro_failed(s, path, rc, err, errsz)
		    : fail(st_map(rc) == ST_OK ? ST_IO : st_map(rc), err, errsz,
		           "%s: %s", path, s->db ? sqlite3_errmsg(s->db)
		           : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_handler(s->db, busy_wait, s);
	sq_sqlite_register(s->db);   /* least, greatest, string_agg */
	if (o && o->check_in_background && in_wal && !s->readonly &&
	    sqlite3_threadsafe())
		s->check = st_check_start_prio(path, !o->check_normal_priority);
	if (!s->check && !(s->readonly && o->no_open_check) &&
	    (r = quick_check(s, path, err, errsz)) != ST_OK)
		goto fail;
	if ((r = pragmas(s, path, err, errsz)) != ST_OK) {
		if (s->readonly && r != ST_BUSY)
			r = ro_failed(s, path, sqlite3_errcode(s->db), err, errsz);
		goto fail;
	}
	v = st_user_version(s->db);
	if (v < 0) {
		r = s->readonly ? ro_failed(s, path, sqlite3_errcode(s->db), err, errsz)
		    : fail(ST_IO, err, errsz, "%s: %s", path, sqlite3_errmsg(s->db));
		goto fail;
	}
	if (v > store_schema_latest()) {
		r = fail(ST_TOONEW, err, errsz, "%s: %s", path,
		         "schema is newer than this program; upgrade khidma");
		goto fail;
	}
	if (v < target) {
		if (s->readonly && v == 0) {
			r = fail(ST_CORRUPT, err, errsz, "%s: %s", path,
			         "not a khidma database (an SQLite file without its "
			         "tables; refused, left untouched)");
			goto fail;
		}
		if (s->readonly && o->any_version)
			goto opened;
		if (s->readonly) {
			char why[160];
			snprintf(why, sizeof why, "schema version %d is older than "
			         "this program's %d: run `khidma init` to upgrade it",
			         v, target);
			r = fail(ST_READONLY, err, errsz, "%s: %s", path, why);
			goto fail;
		}
		char why[256] = "";
		if (s->check && (r = st_check_wait(s->check, why, sizeof why)) != ST_OK) {
			r = fail(r, err, errsz, "%s: %s; refused, left untouched", path, why);
			goto fail;
		}
		if ((r = st_migrate(s, target, err, errsz)) != ST_OK)
			goto fail;
	}
opened:
	if (target >= 1 && v >= 1)
		store_meta_get(s, "branch", s->branch, sizeof s->branch);
	if (o && o->branch && (r = file_branch(s, o->branch, path, err,
	                                       errsz)) != ST_OK)
		goto fail;
	store_changed(s);
	*out = s;
	return ST_OK;
fail:
	if (r == ST_IO && disk_full(path))
		r = fail(ST_FULL, err, errsz, "%s: %s", path, "the disk is full (no "
		         "space left on the device)");
	if (s->check && st_check_failed(s->check) == r) {
		/* the background check failed during the open: say so */
		char why[256] = "";
		st_check_wait(s->check, why, sizeof why);
		fail(r, err, errsz, "%s: %s; refused, left untouched", path, why);
	}
	st_check_finish(s->check);
	st_cache_free(s);        /* the statements kept prepared (requests.c) */
	sqlite3_close(s->db);
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	free(s->path);
	free(s);
	if (created)
		remove_if_created_empty(path, r);
	return r;
}

st_rc store_open_at_version(const char *path, const struct store_opts *o,
                            int target, store **out, char *err, size_t errsz)
{
	if (st_is_pg_uri(path))  /* issue 13: the PostgreSQL engine (sq_pg.c) */
		return st_open_pg(path, o, target, out, err, errsz);
	return open_at(path, o, target, out, err, errsz, -1);
}

/* Open path (see the design comment above); *out NULL on failure. */
st_rc store_open(const char *path, const struct store_opts *o, store **out,
                 char *err, size_t errsz)
{
	return store_open_at_version(path, o, st_is_pg_uri(path) ? -1
	                             : store_schema_latest(), out, err, errsz);
}

/* Close and free s (NULL is fine). Aborts an unfinished import. */
void store_close(store *s)
{
	if (!s)
		return;
	if (s->in_import)
		store_import_abort(s);
	st_check_finish(s->check);
	st_cache_free(s);        /* the statements kept prepared (requests.c) */
	if (s->pg)
		st_close_pg(s);
	else
		sqlite3_close(s->db);
	if (s->lock_fd >= 0)
		close(s->lock_fd);   /* after SQLite's close: see shared_lock */
	free(s->path);
	free(s);
}

/* See store.h; the message matches quick_check()'s and the open's. */
st_rc store_check_wait(store *s, char *err, size_t errsz)
{
	char why[256] = "";
	st_rc r;

	if (err && errsz)
		err[0] = '\0';
	if (!s || !s->check || (r = st_check_wait(s->check, why, sizeof why)) == ST_OK)
		return ST_OK;
	return fail(r, err, errsz, "%s: %s; refused, left untouched", s->path, why);
}

const char *store_errmsg(store *s)
{
	return s ? sq_errmsg(s) : "no database";
}

/* See store.h. */
st_rc store_check_poll(store *s)
{
	return s && s->check ? st_check_failed(s->check) : ST_OK;
}

/* See store.h: the connection's own read-only state first (SQLite knows a
 * read-only main file at open), then a real write lock, released at once. */
st_rc store_write_probe(store *s, int wait_ms)
{
	int keep;
	st_rc r;

	if (!s)
		return ST_IO;
	if (s->readonly || (s->db && sqlite3_db_readonly(s->db, "main") == 1))
		return ST_READONLY;
	keep = s->busy_ms;
	s->busy_ms = wait_ms > 0 ? wait_ms : 1;
	r = sq_begin(s);         /* PostgreSQL: reaches the server */
	s->busy_ms = keep;
	rollback(s);
	return r;
}

int store_schema_version(store *s)
{
	return s->pg ? st_pg_version(s) : st_user_version(s->db);
}

/* Compares PRAGMA data_version with the value seen last time; on
 * PostgreSQL the change notices of the other sessions (sq_pg.c invariant
 * 9). */
bool store_changed(store *s)
{
	sq_stmt *st;
	int64_t v = -1;

	if (st_door(s))       /* a kiosk's login reads no table (pg_kiosk.c) */
		return false;
	if (s->pg)
		return sqpg_changed(s);
	if (st_prep(s, "PRAGMA data_version", &st) != ST_OK)
		return false;
	if (sq_step(st) == SQ_ROW)
		v = sq_col_i64(st, 0);
	sq_finalize(st);
	if (v < 0 || v == s->data_version)
		return false;
	s->data_version = v;
	return true;
}

struct sqlite3 *store_db(store *s)
{
	return s->db;
}

/* ---- meta ---------------------------------------------------------------- */

/* Copy the value of key into buf; ST_NOTFOUND when unset. */
st_rc store_meta_get(store *s, const char *key, char *buf, size_t n)
{
	sq_stmt *st;
	st_rc r;
	int rc;

	if (st_door(s))         /* a kiosk's login: the branch only (pg_kiosk.c) */
		return st_door_meta_get(s, key, buf, n);
	if ((r = st_prep(s, "SELECT value FROM meta WHERE key = ?", &st)) != ST_OK)
		return r;
	sq_bind_text(st, 1, key);
	rc = sq_step(st);
	if (rc == SQ_ROW) {
		st_col_copy(st, 0, buf, n);
		r = ST_OK;
	} else {
		r = rc == SQ_DONE ? ST_NOTFOUND : sq_map(rc);
	}
	sq_finalize(st);
	return r;
}

struct meta_set { const char *key, *value; };

static st_rc meta_set_body(store *s, void *ctx)
{
	struct meta_set *m = ctx;
	sq_stmt *st;
	st_rc r;

	if ((r = st_actor_check(s, NULL, ST_ADMIN_ONLY)) != ST_OK)
		return r;
	if ((r = st_prep(s, "INSERT INTO meta(key, value) VALUES (?, ?) "
	                 "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
	                 &st)) != ST_OK)
		return r;
	sq_bind_text(st, 1, m->key);
	sq_bind_text(st, 2, m->value);
	r = st_done(st);
	sq_finalize(st);
	return r;
}

/* Set key = value. The branch code must be exactly 2 digits. */
st_rc store_meta_set(store *s, const char *key, const char *value)
{
	struct meta_set m = { key, value };
	st_rc r;

	if (!key || !value || !st_utf8_ok(key) || !st_utf8_ok(value))
		return ST_INVALID;
	if (strcmp(key, "branch") == 0 &&
	    (strlen(value) != 2 || value[0] < '0' || value[0] > '9' ||
	     value[1] < '0' || value[1] > '9'))
		return ST_INVALID;
	r = st_tx(s, meta_set_body, &m);
	if (r == ST_OK && strcmp(key, "branch") == 0)
		strlcpy_k(s->branch, value, sizeof s->branch);
	return r;
}

const char *store_branch(store *s)
{
	return s->branch;
}

/* ---- raw SQL for tests and tools (store.h) -------------------------------- */

st_rc store_sql_exec(store *s, const char *sql)
{
	return sq_exec(s, sql);
}

static st_rc sql_first(store *s, const char *sql, int64_t *i, char *buf,
                       size_t n)
{
	sq_stmt *st;
	st_rc r;
	int rc;

	if ((r = st_prep(s, sql, &st)) != ST_OK)
		return r;
	rc = sq_step(st);
	if (rc == SQ_ROW) {
		if (i)
			*i = sq_col_i64(st, 0);
		if (buf)
			st_col_copy(st, 0, buf, n);
		r = ST_OK;
	} else {
		r = rc == SQ_DONE ? ST_NOTFOUND : sq_map(rc);
	}
	sq_finalize(st);
	return r;
}

st_rc store_sql_i64(store *s, const char *sql, int64_t *out)
{
	return sql_first(s, sql, out, NULL, 0);
}

st_rc store_sql_text(store *s, const char *sql, char *buf, size_t n)
{
	return sql_first(s, sql, NULL, buf, n);
}

const char *store_sql_engine(store *s)
{
	return sq_dialect(s) == SQ_PG ? "postgresql" : "sqlite";
}
/* store_opts.branch on a SQLite file (store.h): the file holds one branch.
 * Its meta 'branch' equals want: nothing to do. Otherwise a file without a
 * request yet takes want (written into meta on a writable open, kept in
 * memory on a read-only one); a file with requests of its own branch is
 * the wrong file for this machine (or the configuration names the wrong
 * branch): ST_INVALID with both codes, nothing written. */
static st_rc file_branch(store *s, const char *want, const char *path,
                         char *err, size_t errsz)
{
	int64_t any = 0;
	st_rc r;

	if (strlen(want) != 2 || want[0] < '0' || want[0] > '9' ||
	    want[1] < '0' || want[1] > '9')
		return fail(ST_INVALID, err, errsz, "%s: %s", path, "the branch "
		            "code is not two digits");
	if (strcmp(s->branch, want) == 0)
		return ST_OK;
	if ((r = store_sql_i64(s, "SELECT EXISTS (SELECT 1 FROM requests)",
	                       &any)) != ST_OK)
		return fail(r, err, errsz, "%s: %s", path, store_errmsg(s));
	if (any) {
		char why[256];
		snprintf(why, sizeof why, "this file is branch %s's (its references "
		         "start with %s) but this machine is configured for branch %s: "
		         "point db at branch %s's file, or correct `branch`", s->branch,
		         s->branch, want, want);
		return fail(ST_INVALID, err, errsz, "%s: %s", path, why);
	}
	if (s->readonly) {
		strlcpy_k(s->branch, want, sizeof s->branch);
		return ST_OK;
	}
	if ((r = store_meta_set(s, "branch", want)) != ST_OK)
		return fail(r, err, errsz, "%s: setting the branch code: %s", path,
		            store_errmsg(s));
	return ST_OK;
}

