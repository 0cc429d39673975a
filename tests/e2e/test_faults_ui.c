/*
 * test_faults_ui — the real kiosk under faults, through the pty harness:
 *
 *  - SIGHUP mid-form (an SSH drop): the kiosk exits within 1 s, nothing
 *    half-typed is stored, and another writer gets the database at once
 *    (no stale lock);
 *  - the database cannot be opened (missing directory, not a database):
 *    a message in both languages before curses, exit status 1, no crash,
 *    the bad file left as it was; on a read-only file system the kiosk
 *    shows its out-of-service screen instead (kiosk.c invariant 5);
 *  - the database locked by another writer longer than the store's retry
 *    budget at the moment of submitting: the kiosk says the system is busy
 *    in the visitor's language, keeps the draft, and Enter sends it once
 *    the lock is gone;
 *  - disk full at the moment of submitting (root: the database on a small
 *    tmpfs, filled up by the test): "storage is full", the draft kept, and
 *    the retry succeeds after room is made.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "e2e/test_kiosk_util.h"
#include "sqlite_lock.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* From home (English): the request form filled up to the declaration's
 * signature, the signature typed, not yet sent. */
static void fill_to_signature(ht *h)
{
	kiosk_fill_request(h, "Sara Ali", NID_OK, "0551234567",
	                   "The air conditioner at home is broken.");
	HT_ASSERT_TEXT(h, "Check your request", KT);
	ht_keys(h, "1");                       /* everything is correct */
	HT_ASSERT_TEXT(h, "Messages about this request", KT);
	ht_keys(h, "1");                       /* no messages (consent.c) */
	HT_ASSERT_TEXT(h, "I confirm that the information", KT);
	ht_keys(h, "1");                       /* I accept */
	ht_key(h, HT_KEY_ENTER);
	ht_keys(h, "Sara Ali");                /* the signature */
	ht_wait_quiet(h, 100);
}

static int requests_named(const char *db_path, const char *name)
{
	struct store_opts o = { 0 };
	struct queue_filter f = { .status = -2 };
	struct queue_row *rows = NULL;
	char err[256];
	store *s = NULL;
	int n = 0, hits = 0;

	if (store_open(db_path, &o, &s, err, sizeof err) != ST_OK)
		fail_msg("cannot open %s: %s", db_path, err);
	assert_int_equal(store_queue(s, &f, 0, 0, 1000, &rows, &n), ST_OK);
	for (int i = 0; i < n; i++)
		if (name == NULL || strcmp(rows[i].name, name) == 0)
			hits++;
	queue_rows_free(rows, n);
	store_close(s);
	return hits;
}

static void hangup_mid_form(void **state)
{
	ht *h = kiosk_start(NULL, NULL);
	struct store_opts o = { .busy_ms = 300 };
	char err[256];
	store *s = NULL;
	struct request r;
	double t0, t;
	int st;

	(void)state;
	kiosk_choose_lang(h, false);
	ht_keys(h, "1");
	ht_wait_quiet(h, 100);
	ht_keys(h, "1");
	ht_key(h, HT_KEY_ENTER);
	type_line(h, "Sara Ali");
	ht_keys(h, "10000");                   /* half a national ID */
	HT_ASSERT_TEXT(h, "10000", KT);
	t0 = now_s();
	ht_hangup(h);
	HT_ASSERT(h, ht_wait_exit(h, ht_timeout(1000), &st));
	t = now_s() - t0;
	print_message("exited %.3f s after the hang-up (status 0x%x)\n", t, st);
	assert_false(WIFSIGNALED(st) && WTERMSIG(st) != SIGHUP);
	/* no partial row, and the database is free for another writer at once */
	assert_int_equal(requests_named(ht_db_path(h), NULL), 0);
	if (store_open(ht_db_path(h), &o, &s, err, sizeof err) != ST_OK)
		fail_msg("open after hang-up: %s", err);
	memset(&r, 0, sizeof r);
	r.name = "Other Writer";
	strcpy(r.category, "member");
	strcpy(r.national_id, NID_OK);
	strcpy(r.mobile, "0551234567");
	r.email = "";
	strcpy(r.service, "maintenance");
	strcpy(r.channel, "in_person");
	r.description = "after the hang-up";
	r.signature = "Other Writer";
	t0 = now_s();
	assert_int_equal(store_request_submit(s, &r, "kiosk"), ST_OK);
	t = now_s() - t0;
	print_message("another writer committed in %.3f s\n", t);
	/* a stale lock would cost the whole 300 ms budget and then ST_BUSY;
	 * a durable commit takes a few ms (more under valgrind: scaled) */
	assert_true(t < ht_timeout(500) / 1000.0);
	store_close(s);
	ht_end(h);
}

static void open_fails(const char *db_arg, const char *what, ht *h)
{
	const char *args[] = { "--db", db_arg, NULL };
	int st;

	if (!ht_spawn_khidma(h, args, NULL))
		fail_msg("cannot start khidma");
	HT_ASSERT_TEXT(h, "cannot open the database", KT);
	HT_ASSERT_TEXT(h, "لا يمكن فتح قاعدة البيانات", KT);
	HT_ASSERT(h, ht_wait_exit(h, ht_timeout(5000), &st));
	print_message("%s: exit status %d\n", what, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 1);
}

static void open_missing_directory(void **state)
{
	ht *h = ht_new(24, 80);
	char db[4096], dir[4096];
	struct stat sb;

	(void)state;
	assert_true(ht_write_file(h, "khidma.conf", "idle_timeout = 600;\n"));
	snprintf(db, sizeof db, "%s/no/such/dir/khidma.db", ht_dir(h));
	snprintf(dir, sizeof dir, "%s/no", ht_dir(h));
	open_fails(db, "missing directory", h);
	HT_ASSERT_TEXT(h, "does not exist", 100);
	HT_ASSERT_TEXT(h, "المجلد غير موجود", 100);   /* the reason in Arabic too */
	assert_int_equal(stat(dir, &sb), -1);
	ht_end(h);
}

static void open_not_a_database(void **state)
{
	static const char junk[] = "this is a spreadsheet, not a database\n";
	ht *h = ht_new(24, 80);
	char db[4096], buf[128];
	ssize_t n;
	int fd;

	(void)state;
	assert_true(ht_write_file(h, "khidma.conf", "idle_timeout = 600;\n"));
	assert_true(ht_write_file(h, "junk.db", junk));
	snprintf(db, sizeof db, "%s", ht_path(h, "junk.db"));
	open_fails(db, "not a database", h);
	fd = open(db, O_RDONLY);
	assert_true(fd >= 0);
	n = read(fd, buf, sizeof buf);
	close(fd);
	assert_int_equal(n, (ssize_t)strlen(junk));
	assert_memory_equal(buf, junk, strlen(junk));
	ht_end(h);
}

/* True when text is on the screen with the rows joined without breaks
 * (a long message wraps at 80 columns wherever it falls). */
static bool screen_has_unwrapped(ht *h, const char *text)
{
	char *all = calloc(1, 64 * 1024);
	bool found;

	for (int r = 0; r < ht_rows(h); r++)
		strncat(all, ht_screen_text(h, r), 64 * 1024 - strlen(all) - 1);
	found = strstr(all, text) != NULL;
	free(all);
	return found;
}

static bool has_unwrapped_pred(ht *h, void *text)
{
	return screen_has_unwrapped(h, text);
}

static void open_readonly_filesystem(void **state)
{
	ht *h;
	char mnt[2048], db[4096];
	struct store_opts o = { .create = true };
	char err[256];
	store *s = NULL;

	(void)state;
	if (geteuid() != 0) {
		print_message("SKIPPED: a read-only file system needs root (mount)\n");
		skip();
		return;
	}
	h = ht_new(24, 80);
	assert_true(ht_write_file(h, "khidma.conf", "idle_timeout = 600;\n"));
	snprintf(mnt, sizeof mnt, "%s", ht_path(h, "mnt"));
	assert_int_equal(mkdir(mnt, 0700), 0);
	if (mount("khidma-faults", mnt, "tmpfs", 0, "size=4m,mode=0700") != 0) {
		print_message("SKIPPED: cannot mount a tmpfs: %s\n", strerror(errno));
		ht_end(h);
		skip();
		return;
	}
	snprintf(db, sizeof db, "%s/khidma.db", mnt);
	if (store_open(db, &o, &s, err, sizeof err) != ST_OK)
		fail_msg("%s", err);
	store_close(s);
	assert_int_equal(mount("khidma-faults", mnt, "tmpfs", MS_REMOUNT | MS_RDONLY, NULL), 0);
	/* the kiosk: out of service (kiosk.c invariant 5), not exit 1 */
	{
		const char *args[] = { "--db", db, NULL };
		int st;

		assert_true(ht_spawn_khidma(h, args, NULL));
		HT_ASSERT_TEXT(h, "This kiosk is out of service.", KT);
		/* the screen may arrive in more than one read: wait for the
		 * reason line, do not look once */
		HT_ASSERT(h, ht_wait_until(h, has_unwrapped_pred, "(read-only)", KT));
		HT_ASSERT(h, !ht_wait_exit(h, 300, &st));
		ht_hangup(h);
		HT_ASSERT(h, ht_wait_exit(h, ht_timeout(5000), &st));
	}
	umount2(mnt, MNT_DETACH);
	ht_end(h);
}

static void busy_at_submit_keeps_draft(void **state)
{
	ht *h = kiosk_start(NULL, NULL);
	double t0;
	pid_t pid;
	int st;

	(void)state;
	kiosk_choose_lang(h, false);
	fill_to_signature(h);
	/* longer than the store's 10 s retry budget */
	pid = hold_lock(ht_db_path(h), 12000);
	t0 = now_s();
	ht_key(h, HT_KEY_ENTER);               /* send */
	HT_ASSERT_TEXT(h, "The system is busy right now", ht_timeout(20000));
	HT_ASSERT_TEXT(h, "what you typed is kept", 100);
	print_message("busy message after %.1f s\n", now_s() - t0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	ht_key(h, HT_KEY_ENTER);               /* close the message */
	HT_ASSERT_GONE(h, "The system is busy right now", KT);
	ht_key(h, HT_KEY_ENTER);               /* try again: the draft is all there */
	HT_ASSERT_TEXT(h, "Your reference number is", ht_timeout(15000));
	assert_int_equal(requests_named(ht_db_path(h), "Sara Ali"), 1);
	ht_end(h);
}

static void disk_full_at_submit_keeps_draft(void **state)
{
	ht *h;
	char mnt[2048], db[4096], filler[4096], opts[] = "size=8m,mode=0700";
	const char *args[] = { "--db", db, NULL };
	char block[65536];
	int fd;

	(void)state;
	if (geteuid() != 0) {
		print_message("SKIPPED: disk full needs root to mount a small tmpfs\n");
		skip();
		return;
	}
	h = ht_new(24, 80);
	assert_true(ht_write_file(h, "khidma.conf", "idle_timeout = 600;\n"));
	snprintf(mnt, sizeof mnt, "%s", ht_path(h, "mnt"));
	assert_int_equal(mkdir(mnt, 0700), 0);
	if (mount("khidma-faults", mnt, "tmpfs", 0, opts) != 0) {
		print_message("SKIPPED: cannot mount a tmpfs: %s\n", strerror(errno));
		ht_end(h);
		skip();
		return;
	}
	snprintf(db, sizeof db, "%s/khidma.db", mnt);
	snprintf(filler, sizeof filler, "%s/filler", mnt);
	if (!ht_spawn_khidma(h, args, NULL))
		fail_msg("cannot start khidma");
	kiosk_choose_lang(h, false);
	fill_to_signature(h);
	/* fill the file system to the last byte */
	fd = open(filler, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	memset(block, 'x', sizeof block);
	for (size_t sz = sizeof block; sz >= 1; ) {
		if (write(fd, block, sz) < 0)
			sz /= 2;
	}
	close(fd);
	ht_key(h, HT_KEY_ENTER);               /* send */
	HT_ASSERT_TEXT(h, "storage is full", ht_timeout(15000));
	HT_ASSERT_TEXT(h, "what you typed is kept", 100);
	assert_int_equal(unlink(filler), 0);   /* make room */
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_GONE(h, "storage is full", KT);
	ht_key(h, HT_KEY_ENTER);               /* try again */
	HT_ASSERT_TEXT(h, "Your reference number is", ht_timeout(15000));
	assert_int_equal(requests_named(db, "Sara Ali"), 1);
	ht_hangup(h);
	ht_wait_exit(h, ht_timeout(3000), NULL);
	umount2(mnt, MNT_DETACH);
	ht_end(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hangup_mid_form),
		cmocka_unit_test(open_missing_directory),
		cmocka_unit_test(open_not_a_database),
		cmocka_unit_test(open_readonly_filesystem),
		cmocka_unit_test(busy_at_submit_keeps_draft),
		cmocka_unit_test(disk_full_at_submit_keeps_draft),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
