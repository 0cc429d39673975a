/*
 * test_faults_kill — kill -9 at random points across many durable submits
 * (SQLite's crash test, testing.html §"crash testing", done with real
 * processes): child processes submit requests in a loop and print each
 * reference number the moment store_request_submit returned ST_OK; the
 * parent SIGKILLs each child 0–25 ms after it opened the database (one
 * in eight 0–10 ms after fork instead), so deaths land while
 * opening, inside the transaction, inside the fsync of COMMIT, and between
 * the commit and the print.
 *
 * Afterwards, on the surviving file:
 *  1. store_open succeeds and PRAGMA integrity_check says ok;
 *  2. every request has exactly one "submitted" event, and no event points
 *     at a missing request (no half-written submit);
 *  3. seq runs 1..count with no gap or duplicate, and every ref is the one
 *     refno_make gives for its seq (no half row, no torn value);
 *  4. every reference a child printed exists.
 *
 * $KHIDMA_FAULT_SUBMITS sets how many submits to reach (default 100 in
 * `make check`; `make faults` runs 1000); $HT_TIMEOUT_SCALE stretches the
 * delays before the kill (under valgrind a submit is ~50× slower).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "core/refno.h"
#include "core/util.h"
#include "store/store.h"
#include "../../bench/benchdata.h"

struct refs { char (*v)[16]; int n, cap; };

static void refs_add(struct refs *r, const char *ref)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 256;
		r->v = xrealloc(r->v, (size_t)r->cap * sizeof *r->v);
	}
	strlcpy_k(r->v[r->n++], ref, sizeof r->v[0]);
}

/* The child: submit forever, printing each reference once it is durable. */
static void submitter(const char *path, int fd, uint64_t seed)
{
	struct store_opts o = { 0 };
	struct bd_rng rng = { seed };
	char err[256], line[24];
	store *s;

	if (store_open(path, &o, &s, err, sizeof err) != ST_OK) {
		dprintf(2, "child: %s\n", err);
		_exit(3);
	}
	if (write(fd, "+\n", 2) != 2)          /* opened: the parent's clock starts */
		_exit(5);
	for (;;) {
		struct bd_req_buf b;
		struct request r;
		st_rc rc;
		int n;

		bd_request(&rng, &r, &b);
		rc = store_request_submit(s, &r, "kiosk");
		if (rc != ST_OK) {
			dprintf(2, "child: submit: %s\n", st_rc_name(rc));
			_exit(4);
		}
		n = snprintf(line, sizeof line, "%s\n", r.ref);
		if (write(fd, line, (size_t)n) != n)
			_exit(5);
	}
}

static int64_t q1(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void check_file(const char *path, const struct refs *printed)
{
	struct store_opts o = { 0 };
	char err[256];
	store *s = NULL;
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t n;
	st_rc rc;

	rc = store_open(path, &o, &s, err, sizeof err);
	if (rc != ST_OK)
		fail_msg("store_open after kill -9: %s: %s", st_rc_name(rc), err);
	db = store_db(s);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
	sqlite3_finalize(st);

	n = q1(db, "SELECT count(*) FROM requests");
	assert_true(n >= printed->n);
	/* 2: exactly one submitted event per request, no orphan events */
	assert_int_equal(q1(db, "SELECT count(*) FROM requests r WHERE (SELECT count(*) "
	                 "FROM request_events e WHERE e.request_id = r.id AND "
	                 "e.note = 'submitted') <> 1"), 0);
	assert_int_equal(q1(db, "SELECT count(*) FROM request_events e WHERE NOT EXISTS "
	                 "(SELECT 1 FROM requests r WHERE r.id = e.request_id)"), 0);
	assert_int_equal(q1(db, "SELECT count(*) FROM request_events"), n);
	/* 3: seq 1..n, refs well-formed, no empty mandatory values */
	assert_int_equal(q1(db, "SELECT COALESCE(MAX(seq), 0) FROM requests"), n);
	assert_int_equal(q1(db, "SELECT count(DISTINCT seq) FROM requests"), n);
	assert_int_equal(q1(db, "SELECT count(*) FROM requests WHERE name = '' OR "
	                 "national_id = '' OR mobile = '' OR description = '' OR "
	                 "status <> 'received' OR version <> 1"), 0);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT seq, ref FROM requests", -1, &st, NULL),
	                 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char want[16];

		assert_true(refno_make(store_branch(s), sqlite3_column_int64(st, 0), want, sizeof want));
		assert_string_equal((const char *)sqlite3_column_text(st, 1), want);
	}
	sqlite3_finalize(st);
	/* 4: every printed reference exists */
	for (int i = 0; i < printed->n; i++) {
		struct request r;

		rc = store_request_by_ref(s, printed->v[i], &r);
		if (rc != ST_OK)
			fail_msg("reference %s was printed but is %s", printed->v[i], st_rc_name(rc));
		request_free(&r);
	}
	print_message("%lld requests on disk, %d references printed\n", (long long)n,
	              printed->n);
	store_close(s);
}

static void test_kill9_across_submits(void **state)
{
	const char *env = getenv("KHIDMA_FAULT_SUBMITS");
	int target = env && atoi(env) > 0 ? atoi(env) : 100, kills = 0;
	char dir[] = "/tmp/khidma-kill-XXXXXX", path[64], err[256];
	struct store_opts o = { .create = true };
	struct refs printed = { 0 };
	struct bd_rng rng = { (uint64_t)time(NULL) | 1 };
	const char *sc = getenv("HT_TIMEOUT_SCALE");    /* e.g. 10 under valgrind */
	uint32_t scale = sc && atoi(sc) > 1 ? (uint32_t)atoi(sc) : 1;
	store *s;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/khidma.db", dir);
	assert_int_equal(store_open(path, &o, &s, err, sizeof err), ST_OK);
	assert_int_equal(bd_seed_catalog(s), ST_OK);
	store_close(s);
	print_message("seed %llu, target %d submits\n", (unsigned long long)rng.s, target);

	while (printed.n < target) {
		int fds[2];
		pid_t pid;
		char buf[512], part[24] = "";
		size_t plen = 0;
		ssize_t got;
		int wst;

		assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(fds[0]);
			submitter(path, fds[1], bd_next(&rng));
		}
		close(fds[1]);
		/* one in eight dies 0-10 ms after fork (while opening the
		 * database); the others 0-25 ms after the open, a few submits in */
		if (bd_below(&rng, 8) == 0) {
			usleep(bd_below(&rng, 10000 * scale));
		} else {
			char mark[2];

			if (read(fds[0], mark, 2) != 2 || mark[0] != '+')
				fail_msg("child did not open the database");
			usleep(bd_below(&rng, 25000 * scale));
		}
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &wst, 0), pid);
		if (!(WIFSIGNALED(wst) && WTERMSIG(wst) == SIGKILL))
			fail_msg("child ended by itself (status 0x%x): it failed", wst);
		kills++;
		while ((got = read(fds[0], buf, sizeof buf)) > 0)
			for (ssize_t i = 0; i < got; i++) {
				if (buf[i] == '\n') {
					part[plen] = '\0';
					if (strcmp(part, "+") != 0)
						refs_add(&printed, part);
					plen = 0;
				} else if (plen + 1 < sizeof part) {
					part[plen++] = buf[i];
				}
			}
		close(fds[0]);
	}
	print_message("%d children killed\n", kills);
	check_file(path, &printed);
	free(printed.v);
	{
		char cmd[128];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		assert_int_equal(system(cmd), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kill9_across_submits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
