/*
 * Commands that only read (report, export, officer list, backup) never
 * write, never create and never leave a trap (issue 15, findings 3, 4, 9),
 * run as the real binary:
 *  - on a file that is not a complete khidma database (0 bytes, random
 *    bytes, a plain SQLite file, a truncated copy, a file with an
 *    interrupted write's -journal) every read command says what is wrong
 *    and exits 1, and the directory is byte-for-byte as before (before: a
 *    schema was created in the 0-byte file and "Requests received: 0"
 *    printed with exit 0, the journal rolled back);
 *  - as a user who may read the file but not write it (nobody, through
 *    setpriv; we are root; an installed copy of the binary in a prefix
 *    every user may read, tests/other_user.h, since the checkout may be
 *    closed to others) no -wal/-shm is created, and the writers keep
 *    working afterwards (before: -wal/-shm owned by nobody, every writer
 *    then failed "read-only"); while a writer has the file open, the
 *    reader sees its latest (uncheckpointed) changes;
 *  - a read-only directory does not stop them; a directory without search
 *    permission and a missing directory say so, naming the path once;
 *  - `khidma init` on a full disk (a small tmpfs) says the disk is full and
 *    leaves no file behind.
 */
#include "test_cli_util.h"
#include "other_user.h"

#include <sched.h>

#include <grp.h>
#include <stdbool.h>
#include <pwd.h>
#include <sys/mount.h>

#include <sqlite3.h>

static const char *const read_cmds[][6] = {
	{ "report", NULL },
	{ "report", "--format", "csv", NULL },
	{ "export", "requests", "--format", "csv", NULL },
	{ "export", "surveys", "--format", "json", NULL },
	{ "export", "events", "--format", "csv", NULL },
	{ "officer", "list", NULL },
	{ "backup", "@copy", NULL },
};
#define NREAD ((int)(sizeof read_cmds / sizeof read_cmds[0]))

/* Run read command i (argument "@copy" → a backup path in the test dir). */
static void run_read(struct cu *c, int i)
{
	const char *args[8];
	int n = 0;

	for (const char *const *a = read_cmds[i]; *a; a++)
		args[n++] = strcmp(*a, "@copy") == 0 ? cu_path(c, "copy.db") : *a;
	args[n] = NULL;
	cu_runv(c, NULL, args);
}

/* The directory as a string: every name with its size, mode and owner,
 * and the bytes of the database. */
static char *snapshot(struct cu *c)
{
	char *out = NULL, line[512];
	size_t len = 0;
	struct dirent **ents;
	struct stat sb;
	int n = scandir(c->dir, &ents, NULL, alphasort);

	assert_true(n >= 0);
	for (int i = 0; i < n; i++) {
		if (lstat(cu_path(c, ents[i]->d_name), &sb) == 0) {
			int k = snprintf(line, sizeof line, "%s %lld %o %d\n",
			                 ents[i]->d_name, (long long)sb.st_size,
			                 (unsigned)sb.st_mode, (int)sb.st_uid);
			out = realloc(out, len + (size_t)k + 1);
			memcpy(out + len, line, (size_t)k + 1);
			len += (size_t)k;
		}
		free(ents[i]);
	}
	free(ents);
	size_t dn = 0;
	char *db = cu_slurp(c->db, &dn);
	if (db) {
		out = realloc(out, len + dn * 2 + 1);
		for (size_t i = 0; i < dn; i++)
			sprintf(out + len + i * 2, "%02x", (unsigned char)db[i]);
		len += dn * 2;
		free(db);
	}
	return out;
}

/* Every read command refuses the file with `why` and changes nothing. */
static void all_refuse(struct cu *c, const char *why)
{
	char *before = snapshot(c), *after;

	for (int i = 0; i < NREAD; i++) {
		run_read(c, i);
		if (c->status != 1)
			fail_msg("%s %s: exit %d, wanted 1\nstdout:\n%s\nstderr:\n%s",
			         read_cmds[i][0], read_cmds[i][1] ? read_cmds[i][1] : "",
			         c->status, c->out, c->err);
		CU_ASSERT_HAS(c->err, why);
		CU_ASSERT_LACKS(c->out, "Requests received");
		CU_ASSERT_LACKS(c->out, "backup written");
		after = snapshot(c);
		if (strcmp(before, after) != 0)
			fail_msg("%s changed the directory", read_cmds[i][0]);
		free(after);
	}
	free(before);
}

static void test_zero_byte_file(void **state)
{
	struct cu *c = cu_new();
	(void)state;

	cu_write(c, "khidma.db", "", 0);
	all_refuse(c, "empty file (0 bytes), not a khidma database");
	cu_free(c);
}

static void test_random_file(void **state)
{
	struct cu *c = cu_new();
	char junk[8192];
	unsigned seed = 15;
	(void)state;

	for (size_t i = 0; i < sizeof junk; i++)
		junk[i] = (char)rand_r(&seed);
	cu_write(c, "khidma.db", junk, sizeof junk);
	all_refuse(c, "not a khidma database");
	/* an SQLite file that is not ours */
	unlink(c->db);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(c->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(x); INSERT INTO t "
	                              "VALUES (1)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	all_refuse(c, "not a khidma database");
	cu_free(c);
}

/* A copy cut short, as an interrupted `cp` or the old backup left it. */
static void test_truncated_copy(void **state)
{
	struct cu *c = cu_init();
	size_t n;
	char *img;
	(void)state;

	cu_run(c, NULL, "backup", cu_path(c, "full.db"));
	CU_ASSERT_STATUS(c, 0);
	img = cu_slurp(cu_path(c, "full.db"), &n);
	assert_true(n > 8192);
	cu_rmtree(c->dir);
	assert_int_equal(mkdir(c->dir, 0700), 0);
	cu_write(c, "khidma.conf", "", 0);
	cu_write(c, "khidma.db", img, n / 2);
	free(img);
	all_refuse(c, "truncated");
	cu_free(c);
}

/* A rollback-mode file whose writer died mid-transaction: a hot -journal.
 * Before, the read-only open fell back to a writing one, which rolled the
 * journal back and then created a schema. */
static void test_interrupted_write(void **state)
{
	struct cu *c = cu_new();
	pid_t pid;
	int st;
	(void)state;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		sqlite3 *db;
		if (sqlite3_open(c->db, &db) != SQLITE_OK ||
		    sqlite3_exec(db, "PRAGMA journal_mode=DELETE; PRAGMA "
		                 "cache_size=2; CREATE TABLE t(x); WITH RECURSIVE "
		                 "n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n "
		                 "WHERE i < 2000) INSERT INTO t SELECT "
		                 "randomblob(200) FROM n; BEGIN; UPDATE t SET x = "
		                 "randomblob(300);", NULL, NULL, NULL) != SQLITE_OK)
			_exit(1);
		_exit(0);                /* dies mid-transaction */
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	assert_int_equal(access(cu_path(c, "khidma.db-journal"), F_OK), 0);
	all_refuse(c, "interrupted write left its -journal");
	cu_free(c);
}

/* ---- as another user ------------------------------------------------------ */

/* The installed copy the other users run (made once, removed by main). */
static char other_prefix[PATH_MAX], other_bin[PATH_MAX];

/* setpriv runs the binary as another user; only root can, and the valgrind
 * wrapper of `make faults` could not write its logs as that user. Then c
 * runs the installed copy (the checkout may be closed to other users). */
static bool can_switch_user(struct cu *c)
{
	const char *b = cu_bin(), *slash = strrchr(b, '/');

	if (geteuid() != 0 || access("/usr/bin/setpriv", X_OK) != 0 ||
	    strcmp(slash ? slash + 1 : b, "khidma") != 0) {
		print_message("SKIPPED: needs root, setpriv and the plain binary\n");
		return false;
	}
	if (!other_bin[0])
		assert_true(ou_install(other_prefix, other_bin));
	assert_true(ou_parent_reachable(c->dir));
	c->bin = other_bin;
	return true;
}

static const char *const as_nobody[] = { "/usr/bin/setpriv", "--reuid=nobody",
	"--regid=nogroup", "--clear-groups", NULL };
static const char *const as_daemon[] = { "/usr/bin/setpriv", "--reuid=daemon",
	"--regid=daemon", "--clear-groups", NULL };

/* Names in the directory owned by uid (0 when none). */
static int owned_by(struct cu *c, uid_t uid, char *names, size_t n)
{
	DIR *d = opendir(c->dir);
	struct dirent *e;
	struct stat sb;
	int k = 0;

	names[0] = '\0';
	while ((e = readdir(d))) {
		if (lstat(cu_path(c, e->d_name), &sb) == 0 && sb.st_uid == uid &&
		    e->d_name[0] != '.') {
			k++;
			strncat(names, e->d_name, n - strlen(names) - 2);
			strcat(names, " ");
		}
	}
	closedir(d);
	return k;
}

static void test_reader_leaves_no_trap(void **state)
{
	struct passwd *pw;
	struct cu *c = cu_new();
	char names[512];
	sqlite3 *held;
	uid_t nobody, daemon_uid;
	gid_t daemon_gid;
	(void)state;

	if (!can_switch_user(c) || !(pw = getpwnam("nobody"))) {
		cu_free(c);
		return;
	}
	nobody = pw->pw_uid;             /* getpwnam's result is static */
	assert_non_null(pw = getpwnam("daemon"));
	daemon_uid = pw->pw_uid;
	daemon_gid = pw->pw_gid;
	/* the database belongs to daemon (its writers), readable by all, in a
	 * directory anyone may write (the worst case: nothing stops SQLite
	 * from creating files there) */
	assert_int_equal(chown(c->dir, daemon_uid, daemon_gid), 0);
	assert_int_equal(chmod(c->dir, 0777), 0);
	assert_int_equal(chmod(c->conf, 0644), 0);
	c->wrap = as_daemon;
	cu_run(c, NULL, "init");
	CU_ASSERT_STATUS(c, 0);
	assert_int_equal(chmod(c->db, 0644), 0);
	unlink(cu_path(c, "khidma.db-wal"));   /* as after the last writer */
	unlink(cu_path(c, "khidma.db-shm"));

	c->wrap = as_nobody;
	for (int i = 0; i < NREAD - 1; i++) {   /* backup: see below */
		run_read(c, i);
		CU_ASSERT_STATUS(c, 0);
		if (owned_by(c, nobody, names, sizeof names))
			fail_msg("%s left files owned by nobody: %s", read_cmds[i][0],
			         names);
	}
	/* the writers still write */
	c->wrap = as_daemon;
	cu_run(c, "Qaswa-2024-mahal\nQaswa-2024-mahal\n", "officer", "add",
	       "sara", "--name", "Sara", "--role", "officer");
	CU_ASSERT_STATUS(c, 0);
	cu_run(c, NULL, "init", "--branch", "07");
	CU_ASSERT_STATUS(c, 0);

	/* a writer keeps the file open (a kiosk): its -wal holds changes not
	 * yet in the file, and the reader must see them */
	assert_int_equal(sqlite3_open(c->db, &held), SQLITE_OK);
	assert_int_equal(sqlite3_exec(held, "SELECT count(*) FROM meta", NULL,
	                              NULL, NULL), SQLITE_OK);
	cu_run(c, "Qaswa-2024-mahal\nQaswa-2024-mahal\n", "officer", "add",
	       "huda", "--name", "Huda", "--role", "researcher");
	CU_ASSERT_STATUS(c, 0);
	assert_int_equal(access(cu_path(c, "khidma.db-wal"), F_OK), 0);
	c->wrap = as_nobody;
	cu_run(c, NULL, "officer", "list");
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "huda");
	assert_int_equal(owned_by(c, nobody, names, sizeof names), 0);
	/* -wal/-shm this user may not read: refused with the reason */
	assert_int_equal(chmod(cu_path(c, "khidma.db-shm"), 0600), 0);
	cu_run(c, NULL, "report");
	CU_ASSERT_STATUS(c, 1);
	CU_ASSERT_HAS(c->err, "may read the database but not its -wal/-shm");
	assert_int_equal(chmod(cu_path(c, "khidma.db-shm"), 0644), 0);
	sqlite3_close(held);
	/* an empty -wal and a -shm this user cannot read, as a writer leaves
	 * them: nothing to miss, so it is read (immutable), nothing created */
	{
		static char zeros[32768];
		char *before, *after;

		cu_write(c, "khidma.db-wal", "", 0);
		cu_write(c, "khidma.db-shm", zeros, sizeof zeros);
		assert_int_equal(chown(cu_path(c, "khidma.db-wal"), daemon_uid,
		                       daemon_gid), 0);
		assert_int_equal(chown(cu_path(c, "khidma.db-shm"), daemon_uid,
		                       daemon_gid), 0);
		assert_int_equal(chmod(cu_path(c, "khidma.db-shm"), 0600), 0);
		before = snapshot(c);
		cu_run(c, NULL, "officer", "list");
		CU_ASSERT_STATUS(c, 0);
		CU_ASSERT_HAS(c->out, "huda");
		after = snapshot(c);
		assert_string_equal(before, after);
		free(before);
		free(after);
	}
	c->wrap = NULL;
	cu_free(c);
}

static void test_directories(void **state)
{
	struct cu *c = cu_init();
	char sub[256], db[320], names[256];
	char *before;
	struct passwd *nob = getpwnam("nobody");
	uid_t nobody = nob ? nob->pw_uid : 0;
	(void)state;

	/* a missing directory: named once, the database path once */
	snprintf(db, sizeof db, "%s/no/such/dir/k.db", c->dir);
	strcpy(c->db, db);
	cu_run(c, NULL, "report");
	CU_ASSERT_STATUS(c, 1);
	CU_ASSERT_HAS(c->err, "does not exist");
	char *p = strstr(c->err, db);
	assert_non_null(p);
	assert_null(strstr(p + strlen(db), "k.db"));
	snprintf(c->db, sizeof c->db, "%s/khidma.db", c->dir);

	if (!can_switch_user(c) || !nob) {
		cu_free(c);
		return;
	}
	/* a read-only directory (a copy on read-only media): reading works */
	snprintf(sub, sizeof sub, "%s/ro", c->dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	snprintf(db, sizeof db, "%s/ro/k.db", c->dir);
	strcpy(c->db, db);
	c->wrap = NULL;
	cu_run(c, NULL, "init");
	CU_ASSERT_STATUS(c, 0);
	unlink(cu_path(c, "ro/k.db-wal"));
	unlink(cu_path(c, "ro/k.db-shm"));
	assert_int_equal(chmod(db, 0644), 0);
	assert_int_equal(chmod(sub, 0555), 0);
	assert_int_equal(chmod(c->dir, 0755), 0);
	assert_int_equal(chmod(c->conf, 0644), 0);
	c->wrap = as_nobody;
	before = snapshot(c);
	for (int i = 0; i < NREAD - 1; i++) {
		run_read(c, i);
		CU_ASSERT_STATUS(c, 0);
	}
	char *after = snapshot(c);
	assert_string_equal(before, after);
	free(before);
	free(after);
	assert_int_equal(owned_by(c, nobody, names, sizeof names), 0);
	/* a directory this user may not enter: not "I/O error" */
	assert_int_equal(chmod(sub, 0666), 0);
	cu_run(c, NULL, "report");
	CU_ASSERT_STATUS(c, 1);
	CU_ASSERT_HAS(c->err, "no search permission");
	CU_ASSERT_LACKS(c->err, "I/O error");
	assert_int_equal(chmod(sub, 0755), 0);
	c->wrap = NULL;
	cu_free(c);
}

/* ---- a full disk ---------------------------------------------------------- */

static void test_init_on_full_disk(void **state)
{
	struct cu *c = cu_new();
	char mnt[160];
	int sizes[] = { 48, 160, 360 }, left = 0, mounted = 0;
	(void)state;

	snprintf(mnt, sizeof mnt, "%s/small", c->dir);
	assert_int_equal(mkdir(mnt, 0700), 0);
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		char opt[32];

		snprintf(opt, sizeof opt, "size=%dk", sizes[i]);
		if (mount("tmpfs", mnt, "tmpfs", 0, opt) != 0) {
			print_message("SKIPPED: a full disk needs root to mount a "
			              "small tmpfs\n");
			break;
		}
		mounted++;
		snprintf(c->db, sizeof c->db, "%s/new.db", mnt);
		cu_run(c, NULL, "init");
		CU_ASSERT_STATUS(c, 1);
		CU_ASSERT_HAS(c->err, "disk");
		CU_ASSERT_HAS(c->err, "full");
		CU_ASSERT_LACKS(c->err, "not an error");
		/* the schema failed: nothing is left (before: a 0-byte or
		 * 4096-byte new.db that readers took for a database) */
		if (strstr(c->err, "schema upgrade") || strstr(c->err, "WAL")) {
			assert_int_not_equal(access(c->db, F_OK), 0);
			assert_int_not_equal(access(cu_path(c, "small/new.db-wal"), F_OK), 0);
			cu_run(c, NULL, "report");
			CU_ASSERT_STATUS(c, 1);
			CU_ASSERT_HAS(c->err, "no such database");
			left++;
		}
		umount(mnt);
	}
	if (mounted && left == 0)
		fail_msg("no size failed in the schema: the test proves nothing");
	cu_free(c);
}

/* A full disk (a tmpfs filled up after init): the commands that only read
 * still work and create nothing; the writers say the disk is full (before:
 * "cannot use WAL: disk I/O error", and the readers failed the same way). */
static void test_full_disk_messages(void **state)
{
	struct cu *c = cu_new();
	char mnt[160], pad[200], *before, *after;
	FILE *f;
	(void)state;

	snprintf(mnt, sizeof mnt, "%s/small", c->dir);
	assert_int_equal(mkdir(mnt, 0700), 0);
	if (mount("tmpfs", mnt, "tmpfs", 0, "size=1m") != 0) {
		print_message("SKIPPED: a full disk needs root to mount a tmpfs\n");
		cu_free(c);
		return;
	}
	snprintf(c->db, sizeof c->db, "%s/k.db", mnt);
	cu_run(c, NULL, "init");
	CU_ASSERT_STATUS(c, 0);
	snprintf(pad, sizeof pad, "%s/pad", mnt);
	assert_non_null(f = fopen(pad, "w"));
	{
		char blk[4096] = { 0 };
		while (fwrite(blk, 1, sizeof blk, f) == sizeof blk && fflush(f) == 0)
			;
	}
	fclose(f);
	before = snapshot(c);
	for (int i = 0; i < NREAD - 1; i++) {   /* backup needs room */
		run_read(c, i);
		CU_ASSERT_STATUS(c, 0);
	}
	after = snapshot(c);
	assert_string_equal(before, after);
	free(before);
	free(after);
	cu_run(c, "Qaswa-2024-mahal\nQaswa-2024-mahal\n", "officer", "add",
	       "sara", "--name", "Sara", "--role", "officer");
	CU_ASSERT_STATUS(c, 1);
	CU_ASSERT_HAS(c->err, "the disk is full");
	CU_ASSERT_LACKS(c->err, "I/O error");
	CU_ASSERT_LACKS(c->err, "not an error");
	cu_run(c, NULL, "init", "--branch", "05");
	CU_ASSERT_STATUS(c, 1);
	CU_ASSERT_HAS(c->err, "the disk is full");
	cu_run(c, NULL, "backup", cu_path(c, "small/copy.db"));
	CU_ASSERT_STATUS(c, 1);
	CU_ASSERT_HAS(c->err, "full");
	CU_ASSERT_LACKS(c->err, "not an error");
	umount(mnt);
	cu_free(c);
}

int main(void)
{
	/* The small tmpfs mounts (full disks) live in a mount namespace of our
	 * own: a failing assertion can never leave one mounted. */
	if (geteuid() == 0 && unshare(CLONE_NEWNS) == 0)
		mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zero_byte_file),
		cmocka_unit_test(test_random_file),
		cmocka_unit_test(test_truncated_copy),
		cmocka_unit_test(test_interrupted_write),
		cmocka_unit_test(test_reader_leaves_no_trap),
		cmocka_unit_test(test_directories),
		cmocka_unit_test(test_init_on_full_disk),
		cmocka_unit_test(test_full_disk_messages),
	};
	/* the test directories (cu_new, under $TMPDIR) must be reachable by
	 * nobody and daemon too */
	ou_use_reachable_tmpdir();
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	if (other_prefix[0])
		ou_rmtree(other_prefix);
	return failed;
}
