/*
 * store/dbcheck — PRAGMA quick_check(1) in a background thread, for the
 * long-lived kiosk (store_opts.check_in_background), so the first screen is
 * not held up by a check that reads every page of the file (≈ 2.6 s for a
 * branch with 100 000 requests on the reference machine, growing with the
 * file).
 *
 * The check runs on its own read-only connection with a small page cache:
 * 16 pages (≈ 70 KB with SQLite's per-page headers). It reads each page
 * once, walking one b-tree at a time, so a bigger cache only raises the
 * kiosk's peak RSS: the whole 100k-request file checks as fast with 16
 * pages as with the 128 KiB used before (≈ 0.3 s either way, sqlite3 CLI,
 * warm cache). The memory is allocated page by page as the check reads
 * (app_sqlite_config turns off SQLite's 20-page initial bulk allocation),
 * in this thread's malloc arena, and freed when the connection closes.
 * db.c decides when the background check may be used at all (an existing
 * file already in WAL mode, SQLite built thread-safe) and makes every write
 * wait for it (see the design comment of store/db.c, invariant 1).
 *
 * Invariants:
 *  1. The thread touches only its own connection and the st_check it was
 *     given; the result (rc, err) is published with a release store of
 *     `done` and read only after an acquire load of it or after the join.
 *  2. st_check_finish always joins: after it returns, no thread and no
 *     connection of the check remain. Cancelling interrupts a running check
 *     (sqlite3_interrupt) so closing the store never waits for a full scan.
 *  3. The thread runs at SCHED_IDLE: it only uses CPU time the UI leaves —
 *     unless started with idle = false (a CLI command waiting for it,
 *     store_opts.check_normal_priority), where starving it behind the rest
 *     of a busy machine would only make the user wait longer.
 *  4. A check that was cancelled, interrupted or could not run never counts
 *     as passed: rc is then ST_IO (or the mapped SQLite code), not ST_OK.
 *  5. Tests only: $KHIDMA_CHECK_DELAY_MS (read when the check starts, in
 *     the caller's thread) holds the check back that long, cancellably, as
 *     a file big enough to take that long would — so the kiosk's
 *     out-of-service tests see a check fail after the first screen, or
 *     while a visitor types, on a small file.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/util.h"
#include "store/store_int.h"

#define CHECK_CACHE_SQL "PRAGMA cache_size=16"     /* pages, not KiB */

struct st_check {
	pthread_t       th;
	pthread_mutex_t mu;        /* guards db and cancel */
	sqlite3        *db;        /* the check's connection while it is open */
	bool            cancel;
	atomic_bool     done;      /* rc and err are final */
	bool            joined;
	bool            idle;      /* run at SCHED_IDLE */
	long            delay_ms;  /* invariant 5 */
	st_rc           rc;
	char            path[4096];
	char            err[256];
};

static void check_result(struct st_check *c, st_rc rc, const char *what,
                         const char *msg)
{
	c->rc = rc;
	if (rc != ST_OK)
		snprintf(c->err, sizeof c->err, "%s: %s", what, msg);
}

static void *check_main(void *arg)
{
	struct st_check *c = arg;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	const unsigned char *res;
	struct sched_param sp = { .sched_priority = 0 };
	int rc;

	/* Only idle CPU time: the first screen (main thread) goes first on a
	 * small branch machine; failure to lower the priority is harmless. */
	if (c->idle)
		pthread_setschedparam(pthread_self(), SCHED_IDLE, &sp);
	for (long t = 0; t < c->delay_ms; t += 10) {      /* invariant 5 */
		struct timespec ten = { 0, 10 * 1000000L };
		bool stop;

		pthread_mutex_lock(&c->mu);
		stop = c->cancel;
		pthread_mutex_unlock(&c->mu);
		if (stop)
			break;
		nanosleep(&ten, NULL);
	}
	rc = sqlite3_open_v2(c->path, &db, SQLITE_OPEN_READONLY, NULL);
	if (rc != SQLITE_OK) {
		check_result(c, st_map(rc) == ST_OK ? ST_IO : st_map(rc), "quick_check",
		             db ? sqlite3_errmsg(db) : "out of memory");
		goto out;
	}
	sqlite3_busy_timeout(db, 10000);
	pthread_mutex_lock(&c->mu);
	c->db = db;
	rc = c->cancel ? SQLITE_INTERRUPT : SQLITE_OK;
	pthread_mutex_unlock(&c->mu);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, CHECK_CACHE_SQL, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		res = sqlite3_column_text(st, 0);
		if (res && strcmp((const char *)res, "ok") == 0)
			check_result(c, ST_OK, "", "");
		else {
			/* worded like db.c's synchronous check, so a refused file
			 * gives the same message either way */
			c->rc = ST_CORRUPT;
			snprintf(c->err, sizeof c->err, "integrity check failed (%s)",
			         res ? (const char *)res : "no result");
		}
	} else {
		st_rc r = st_map(rc);
		/* Interrupted or unreadable: not a pass (invariant 3). */
		check_result(c, r == ST_OK || r == ST_BUSY ? ST_IO : r, "quick_check",
		             sqlite3_errmsg(db));
	}
	sqlite3_finalize(st);
	pthread_mutex_lock(&c->mu);
	c->db = NULL;
	pthread_mutex_unlock(&c->mu);
out:
	sqlite3_close(db);
	atomic_store_explicit(&c->done, true, memory_order_release);
	return NULL;
}

struct st_check *st_check_start(const char *path)
{
	return st_check_start_prio(path, true);
}

struct st_check *st_check_start_prio(const char *path, bool idle)
{
	struct st_check *c;

	if (strlen(path) >= sizeof c->path)
		return NULL;
	c = xcalloc(1, sizeof *c);
	c->idle = idle;
	if (getenv("KHIDMA_CHECK_DELAY_MS") != NULL)
		c->delay_ms = atol(getenv("KHIDMA_CHECK_DELAY_MS"));
	strlcpy_k(c->path, path, sizeof c->path);
	c->rc = ST_IO;
	atomic_init(&c->done, false);
	pthread_mutex_init(&c->mu, NULL);
	if (pthread_create(&c->th, NULL, check_main, c) != 0) {
		pthread_mutex_destroy(&c->mu);
		free(c);
		return NULL;
	}
	return c;
}

bool st_check_done(struct st_check *c)
{
	return !c || atomic_load_explicit(&c->done, memory_order_acquire);
}

st_rc st_check_failed(struct st_check *c)
{
	if (!c || !atomic_load_explicit(&c->done, memory_order_acquire))
		return ST_OK;
	return c->rc;
}

st_rc st_check_wait(struct st_check *c, char *err, size_t errsz)
{
	if (!c)
		return ST_OK;
	if (!c->joined) {
		pthread_join(c->th, NULL);
		c->joined = true;
	}
	if (c->rc != ST_OK && err && errsz)
		strlcpy_k(err, c->err, errsz);
	return c->rc;
}

void st_check_finish(struct st_check *c)
{
	if (!c)
		return;
	if (!c->joined) {
		pthread_mutex_lock(&c->mu);
		c->cancel = true;
		if (c->db)
			sqlite3_interrupt(c->db);
		pthread_mutex_unlock(&c->mu);
		pthread_join(c->th, NULL);
		c->joined = true;
	}
	pthread_mutex_destroy(&c->mu);
	free(c);
}
