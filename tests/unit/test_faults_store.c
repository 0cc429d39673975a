/*
 * test_faults_store — the store under a hostile environment: each fault
 * gives the st_rc the ui turns into a message in the user's language, no
 * crash, and nothing on disk damaged or overwritten.
 *
 *  - a missing directory                       → ST_NODIR, nothing created;
 *  - a file that is not a database             → ST_CORRUPT, bytes untouched;
 *  - a database with a damaged page            → ST_CORRUPT, bytes untouched;
 *  - a read-only file (as another user when root, chmod otherwise) and a
 *    read-only file system (root: a tmpfs remounted ro)  → ST_READONLY;
 *  - disk full (root: a 2 MiB tmpfs)           → ST_FULL on submit; after
 *    room is made the file opens, checks ok and holds every request that
 *    was acknowledged;
 *  - the database locked by another writer (a second process holding
 *    BEGIN IMMEDIATE): with a short busy budget → ST_BUSY after about that
 *    budget and a retry succeeds once the lock is gone; with the default
 *    budget a lock shorter than it is waited out (no ST_BUSY reaches the
 *    user). $KHIDMA_FAULT_LONG=1 (make faults) holds the lock 10 s.
 *
 * Mounting needs root (CI runs as root); elsewhere those cases are skipped
 * with a message saying so.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "core/util.h"
#include "store/store.h"
#include "../../bench/benchdata.h"
#include "../../bench/stats.h"
#include "sqlite_lock.h"

struct fx { char dir[64]; char path[128]; char mnt[128]; bool mounted; };

static int setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof *f);

	strlcpy_k(f->dir, "/tmp/khidma-faults-XXXXXX", sizeof f->dir);
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/khidma.db", f->dir);
	snprintf(f->mnt, sizeof f->mnt, "%s/mnt", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[160];

	if (f->mounted)
		umount2(f->mnt, MNT_DETACH);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* A database at path with `n` requests, closed. */
static void make_db(const char *path, int n)
{
	struct store_opts o = { .create = true };
	struct bd_rng rng = { 7 };
	char err[256];
	store *s;

	if (store_open(path, &o, &s, err, sizeof err) != ST_OK)
		fail_msg("store_open %s: %s", path, err);
	assert_int_equal(bd_seed_catalog(s), ST_OK);
	for (int i = 0; i < n; i++) {
		struct bd_req_buf b;
		struct request r;

		bd_request(&rng, &r, &b);
		assert_int_equal(store_request_submit(s, &r, "kiosk"), ST_OK);
	}
	store_close(s);
}

static char *slurp(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long len;

	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	rewind(fp);
	buf = xmalloc((size_t)len + 1);
	assert_int_equal(fread(buf, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);
	*n = (size_t)len;
	return buf;
}

static st_rc try_open(const char *path, bool create, char *err, size_t errsz)
{
	struct store_opts o = { .create = create };
	store *s = NULL;
	st_rc rc = store_open(path, &o, &s, err, errsz);

	if (rc == ST_OK)
		store_close(s);
	else
		assert_null(s);
	return rc;
}

static void test_missing_directory(void **state)
{
	struct fx *f = *state;
	char path[192], err[256] = "";
	struct stat sb;

	snprintf(path, sizeof path, "%s/no/such/dir/khidma.db", f->dir);
	assert_int_equal(try_open(path, true, err, sizeof err), ST_NODIR);
	assert_true(err[0] != '\0');
	print_message("missing directory: %s\n", err);
	snprintf(path, sizeof path, "%s/no", f->dir);
	assert_int_equal(stat(path, &sb), -1);         /* nothing created */
}

static void test_not_a_database(void **state)
{
	struct fx *f = *state;
	static const char junk[] = "membership_number,name\nM1,Ali\n" "\x00\x01\x02 not sqlite";
	char err[256] = "";
	size_t n;
	char *after;
	FILE *fp = fopen(f->path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(junk, 1, sizeof junk, fp), sizeof junk);
	fclose(fp);
	assert_int_equal(try_open(f->path, true, err, sizeof err), ST_CORRUPT);
	print_message("not a database: %s\n", err);
	after = slurp(f->path, &n);
	assert_int_equal(n, sizeof junk);
	assert_memory_equal(after, junk, sizeof junk);   /* never overwritten */
	free(after);
}

static void test_damaged_page(void **state)
{
	struct fx *f = *state;
	char err[256] = "", *before, *after;
	size_t n, m;
	int fd;

	make_db(f->path, 300);
	before = slurp(f->path, &n);
	assert_true(n > 8 * 4096);
	/* garbage over a b-tree page in the middle (header and page 1 intact) */
	for (size_t i = n / 2 / 4096 * 4096; i < n / 2 / 4096 * 4096 + 4096; i++)
		before[i] = (char)(0xA5 ^ (i * 31));
	fd = open(f->path, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, before + n / 2 / 4096 * 4096, 4096,
	                        (off_t)(n / 2 / 4096 * 4096)), 4096);
	close(fd);
	assert_int_equal(try_open(f->path, false, err, sizeof err), ST_CORRUPT);
	print_message("damaged page: %s\n", err);
	after = slurp(f->path, &m);
	assert_int_equal(m, n);
	assert_memory_equal(after, before, n);
	free(before);
	free(after);
}

/* Read-only file: as root, open it as "nobody" in a child (root ignores
 * mode bits); otherwise chmod 0444 is enough. */
static void test_readonly_file(void **state)
{
	struct fx *f = *state;
	struct passwd *pw = getpwnam("nobody");
	char err[256] = "";
	st_rc rc;

	make_db(f->path, 3);
	assert_int_equal(chmod(f->path, 0444), 0);
	if (geteuid() != 0) {
		assert_int_equal(try_open(f->path, false, err, sizeof err), ST_READONLY);
		print_message("read-only file: %s\n", err);
		return;
	}
	if (!pw) {
		skip();
		return;
	}
	assert_int_equal(chmod(f->dir, 0777), 0);
	assert_int_equal(chown(f->path, pw->pw_uid, pw->pw_gid), 0);
	{
		pid_t pid = fork();
		int wst;

		assert_true(pid >= 0);
		if (pid == 0) {
			if (setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
				_exit(90);
			rc = try_open(f->path, false, err, sizeof err);
			dprintf(2, "read-only file (as nobody): %s: %s\n", st_rc_name(rc), err);
			_exit(rc == ST_READONLY ? 0 : 10 + (int)rc);
		}
		assert_int_equal(waitpid(pid, &wst, 0), pid);
		assert_true(WIFEXITED(wst));
		assert_int_equal(WEXITSTATUS(wst), 0);
	}
}

static bool mount_tmpfs(struct fx *f, const char *size)
{
	char opts[64];

	if (geteuid() != 0)
		return false;
	if (mkdir(f->mnt, 0700) != 0 && errno != EEXIST)
		return false;
	snprintf(opts, sizeof opts, "size=%s,mode=0700", size);
	if (mount("khidma-faults", f->mnt, "tmpfs", 0, opts) != 0) {
		print_message("cannot mount a tmpfs: %s\n", strerror(errno));
		return false;
	}
	f->mounted = true;
	return true;
}

static void test_readonly_filesystem(void **state)
{
	struct fx *f = *state;
	char path[192], err[256] = "";

	if (!mount_tmpfs(f, "4m")) {
		print_message("SKIPPED: a read-only file system needs root (mount)\n");
		skip();
		return;
	}
	snprintf(path, sizeof path, "%s/khidma.db", f->mnt);
	make_db(path, 5);
	assert_int_equal(mount("khidma-faults", f->mnt, "tmpfs", MS_REMOUNT | MS_RDONLY, NULL), 0);
	assert_int_equal(try_open(path, false, err, sizeof err), ST_READONLY);
	print_message("read-only file system: %s\n", err);
	/* (A read-only open of a WAL database on read-only media fails with
	 * ST_IO "unable to open database file": SQLite needs the -shm file.
	 * Not asserted here; reported in the issue-6 notes.) */
}

static void test_disk_full(void **state)
{
	struct fx *f = *state;
	struct store_opts o = { .create = true };
	struct bd_rng rng = { 11 };
	char path[192], err[256] = "", *big;
	int ok = 0, i;
	store *s = NULL;
	st_rc rc = ST_OK;

	if (!mount_tmpfs(f, "2m")) {
		print_message("SKIPPED: disk full needs root (a 2 MiB tmpfs)\n");
		skip();
		return;
	}
	snprintf(path, sizeof path, "%s/khidma.db", f->mnt);
	if (store_open(path, &o, &s, err, sizeof err) != ST_OK)
		fail_msg("open on tmpfs: %s", err);
	assert_int_equal(bd_seed_catalog(s), ST_OK);
	big = xmalloc(4001);
	memset(big, 'x', 4000);
	big[4000] = '\0';
	for (i = 0; i < 2000; i++) {
		struct bd_req_buf b;
		struct request r;

		bd_request(&rng, &r, &b);
		r.description = big;
		rc = store_request_submit(s, &r, "kiosk");
		if (rc != ST_OK)
			break;
		ok++;
	}
	free(big);
	print_message("disk full after %d submits: %s (%s)\n", ok, st_rc_name(rc), store_errmsg(s));
	assert_int_equal(rc, ST_FULL);
	assert_true(ok >= 1);
	/* the failed submit left nothing behind, and reads still work */
	{
		struct request r;

		assert_int_equal(store_request_get(s, ok, &r), ST_OK);
		request_free(&r);
		assert_int_equal(store_request_get(s, ok + 1, &r), ST_NOTFOUND);
	}
	store_close(s);
	/* make room: the file opens, checks ok and has every acknowledged row */
	assert_int_equal(mount("khidma-faults", f->mnt, "tmpfs", MS_REMOUNT, "size=16m"), 0);
	o.create = false;
	if (store_open(path, &o, &s, err, sizeof err) != ST_OK)
		fail_msg("reopen after disk full: %s", err);
	{
		sqlite3_stmt *st;

		assert_int_equal(sqlite3_prepare_v2(store_db(s), "SELECT (SELECT count(*) FROM "
		                 "requests), (SELECT count(*) FROM request_events)", -1, &st, NULL),
		                 SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(st, 0), ok);
		assert_int_equal(sqlite3_column_int(st, 1), ok);
		sqlite3_finalize(st);
		assert_int_equal(sqlite3_prepare_v2(store_db(s), "PRAGMA integrity_check", -1, &st,
		                 NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
		sqlite3_finalize(st);
	}
	store_close(s);
}

static st_rc timed_submit(store *s, double *secs)
{
	struct bd_rng rng = { (uint64_t)bs_now_ns() | 1 };
	struct bd_req_buf b;
	struct request r;
	uint64_t t0 = bs_now_ns();
	st_rc rc;

	bd_request(&rng, &r, &b);
	rc = store_request_submit(s, &r, "kiosk");
	*secs = (double)(bs_now_ns() - t0) / 1e9;
	return rc;
}

static void test_locked_short_budget(void **state)
{
	struct fx *f = *state;
	struct store_opts o = { .busy_ms = 1000 };
	char err[256];
	store *s;
	double t;
	pid_t pid;
	int wst;
	st_rc rc;

	make_db(f->path, 1);
	assert_int_equal(store_open(f->path, &o, &s, err, sizeof err), ST_OK);
	pid = hold_lock(f->path, 3000);
	rc = timed_submit(s, &t);
	print_message("locked 3 s, budget 1 s: %s after %.2f s\n", st_rc_name(rc), t);
	assert_int_equal(rc, ST_BUSY);
	assert_true(t >= 0.9 && t < 4.0);
	assert_int_equal(waitpid(pid, &wst, 0), pid);
	rc = timed_submit(s, &t);                  /* the lock is gone: at once */
	assert_int_equal(rc, ST_OK);
	assert_true(t < 1.0);
	store_close(s);
}

static void test_locked_waited_out(void **state)
{
	struct fx *f = *state;
	struct store_opts o = { 0 };               /* the default budget (10 s) */
	const char *lng = getenv("KHIDMA_FAULT_LONG");
	bool long_run = lng && *lng == '1';
	int hold = long_run ? 10000 : 2000;
	char err[256];
	store *s;
	double t;
	pid_t pid;
	int wst;
	st_rc rc;

	make_db(f->path, 1);
	assert_int_equal(store_open(f->path, &o, &s, err, sizeof err), ST_OK);
	pid = hold_lock(f->path, hold);
	rc = timed_submit(s, &t);
	print_message("locked %d s, default budget: %s after %.2f s\n", hold / 1000,
	              st_rc_name(rc), t);
	if (long_run) {
		/* as long as the budget: either outcome, but promptly and clean */
		assert_true(rc == ST_OK || rc == ST_BUSY);
		assert_true(t < 12.5);
	} else {
		assert_int_equal(rc, ST_OK);
		assert_true(t >= (hold - 200) / 1000.0);
	}
	assert_int_equal(waitpid(pid, &wst, 0), pid);
	assert_int_equal(timed_submit(s, &t), ST_OK);
	store_close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_missing_directory, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_database, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readonly_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readonly_filesystem, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disk_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_locked_short_budget, setup, teardown),
		cmocka_unit_test_setup_teardown(test_locked_waited_out, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
