/*
 * bench/store_bench — the store's latencies on a generated branch database
 * (bench/gen), printed as Markdown table rows for bench/results.md:
 *
 *   | measure | khidma median | p90 | anchor median | p90 | ratio | goal |
 *
 *   store_bench DB|postgresql://… [-r ROUNDS] [-T FILE.tsv] [-o WHICH]
 *
 * On a postgresql:// URI (issue 13) the same store calls run on the server;
 * the submit's anchor is a bare BEGIN / INSERT / COMMIT on a libpq
 * connection of our own into a plain table of the same database (the
 * server's durability: fsync, synchronous_commit), the WAL pages become the
 * WAL bytes the server inserted (pg_current_wal_insert_lsn, read between
 * the timed calls), and the cold view counts are left out (they drop a
 * SQLite file from the page cache). -T FILE writes every figure's median
 * and p95 as "key TAB median TAB p95 TAB unit" lines (anchors as KEY.bare)
 * for bench/run.sh's side-by-side table.
 *
 *  - durable submit: store_request_submit (WAL, synchronous=FULL, one
 *    BEGIN IMMEDIATE … COMMIT) against the anchor, a bare sqlite3 INSERT of
 *    one row in its own transaction into a plain table of a fresh file in
 *    the same directory with the same pragmas; the two alternate, so disk
 *    weather hits both alike; and the pages each commit wrote to the WAL
 *    (SQLITE_DBSTATUS_CACHE_WRITE: deterministic, unlike the times);
 *  - status lookup by reference (store_request_by_ref), random references;
 *  - the officer queue (open requests, newest first, 20 rows): the first
 *    page and page 51 (keyset-paged), plus a name search;
 *  - the full report (report_build over everything);
 *  - store_open of the file (what every process pays at start);
 *  - the queue header's four view counts (issue 12) for each role, the
 *    way they were counted before (store_queue_count of each view's
 *    filter: COUNT(*) over the rows) against store_queue_views (schema
 *    v14's counters): warm (median, p90 of ROUNDS/4, 5 to 10: the
 *    anchor takes a second a call at 1M) and cold (the first
 *    call on a fresh read-only connection after the file's pages were
 *    dropped from the page cache with posix_fadvise: 3 runs, median);
 *    the two must give the same numbers, or the benchmark fails;
 *  - the cost of the outbox (issue 14) on a durable status change: the
 *    same transition (received → needs_info, with the officer's text) on
 *    a request whose member chose SMS and e-mail (two outbox rows written
 *    in the transaction) against one without consent (the hook runs, no
 *    row); alternating, with the pages each commit wrote.
 *
 * Invariants:
 *  1. Every call's result is checked; a failing call stops the benchmark
 *     with a message (a benchmark of errors measures nothing).
 *  2. Nothing but this process touches DB while it runs; the submits it
 *     adds are real rows (the database grows by ROUNDS requests).
 */
#include <fcntl.h>
#include <getopt.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/refno.h"
#include "core/util.h"
#include "store/report.h"
#include "store/store.h"
#include "bench/benchdata.h"
#include "bench/stats.h"

#define PAGE 20

/* -T FILE: every measure also as one tab-separated line there (key,
 * median, p95, unit), for bench/run.sh's side-by-side table of the two
 * engines; anchors under KEY.bare. */
static FILE *tsv;
static bool on_pg;               /* the store is on PostgreSQL */

static int fail(const char *what, st_rc rc, store *s)
{
	fprintf(stderr, "store_bench: %s: %s (%s)\n", what, st_rc_name(rc),
	        s ? store_errmsg(s) : "");
	return 1;
}

static void row(const char *key, const char *what, double *k, int nk, double *a,
                int na, const char *unit, double scale, const char *goal)
{
	double km = bs_pct(k, nk, 50) * scale, k9 = bs_pct(k, nk, 90) * scale;

	if (tsv) {
		fprintf(tsv, "%s\t%.3f\t%.3f\t%s\n", key, km, bs_pct(k, nk, 95) * scale, unit);
		if (a && na)
			fprintf(tsv, "%s.bare\t%.3f\t%.3f\t%s\n", key, bs_pct(a, na, 50) * scale,
			        bs_pct(a, na, 95) * scale, unit);
		fflush(tsv);
	}
	if (a && na) {
		double am = bs_pct(a, na, 50) * scale, a9 = bs_pct(a, na, 90) * scale;

		printf("| %s | %.3f %s | %.3f %s | %.3f %s | %.3f %s | %.2f× | %s |\n",
		       what, km, unit, k9, unit, am, unit, a9, unit, km / am, goal);
	} else {
		printf("| %s | %.3f %s | %.3f %s | – | – | – | %s |\n",
		       what, km, unit, k9, unit, goal);
	}
}

/* The anchor: a bare INSERT of one row in its own transaction into a plain
 * table — SQLite: a fresh file beside DB with the same pragmas (WAL,
 * synchronous=FULL); PostgreSQL: a table of its own in the same database,
 * on a libpq connection of our own, the server's settings (fsync,
 * synchronous_commit on), BEGIN / INSERT (PQexecParams, as the store
 * sends) / COMMIT. */
struct bare {
	sqlite3 *db;
	sqlite3_stmt *st;
	PGconn *pg;
};

static void quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static const char bare_cols[] = "ref, name, national_id, mobile, service, channel, "
	"description, created_at";

static int bare_open(const char *dbpath, struct bare *b)
{
	char *path, *sql;
	int rc;

	if (on_pg) {
		PGresult *res;

		b->pg = PQconnectdb(dbpath);
		if (PQstatus(b->pg) != CONNECTION_OK) {
			fprintf(stderr, "store_bench: bare: %s", PQerrorMessage(b->pg));
			return 1;
		}
		PQsetNoticeProcessor(b->pg, quiet, NULL);
		res = PQexec(b->pg, "DROP TABLE IF EXISTS bench_bare; CREATE TABLE bench_bare ("
		             "id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, ref text, "
		             "name text, national_id text, mobile text, service text, "
		             "channel text, description text, created_at bigint)");
		rc = PQresultStatus(res) == PGRES_COMMAND_OK;
		PQclear(res);
		if (!rc) {
			fprintf(stderr, "store_bench: bare: %s", PQerrorMessage(b->pg));
			return 1;
		}
		return 0;
	}
	path = xasprintf("%s.bare", dbpath);
	unlink(path);
	rc = sqlite3_open(path, &b->db);
	free(path);
	if (rc != SQLITE_OK ||
	    sqlite3_exec(b->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	                 "PRAGMA foreign_keys=ON;"
	                 "CREATE TABLE t (id INTEGER PRIMARY KEY, ref TEXT, name TEXT,"
	                 " national_id TEXT, mobile TEXT, service TEXT, channel TEXT,"
	                 " description TEXT, created_at INTEGER) STRICT;",
	                 NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "store_bench: bare: %s\n", sqlite3_errmsg(b->db));
		return 1;
	}
	sql = xasprintf("INSERT INTO t(%s) VALUES (?,?,?,?,?,?,?,?)", bare_cols);
	rc = sqlite3_prepare_v2(b->db, sql, -1, &b->st, NULL);
	free(sql);
	if (rc != SQLITE_OK) {
		fprintf(stderr, "store_bench: bare: %s\n", sqlite3_errmsg(b->db));
		return 1;
	}
	return 0;
}

static void bare_close(const char *dbpath, struct bare *b)
{
	if (b->pg) {
		PQclear(PQexec(b->pg, "DROP TABLE IF EXISTS bench_bare"));
		PQfinish(b->pg);
		return;
	}
	sqlite3_finalize(b->st);
	sqlite3_close(b->db);
	{
		char *p = xasprintf("%s.bare", dbpath), *w = xasprintf("%s.bare-wal", dbpath),
		     *m = xasprintf("%s.bare-shm", dbpath);

		unlink(p); unlink(w); unlink(m);
		free(p); free(w); free(m);
	}
}

static bool pg_ok(PGconn *c, const char *sql, int n, const char *const *v)
{
	PGresult *res = n ? PQexecParams(c, sql, n, NULL, v, NULL, NULL, 0) : PQexec(c, sql);
	bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;

	PQclear(res);
	return ok;
}

static int bare_insert(struct bare *b, const struct request *r, int64_t i)
{
	char ref[16], now[24];
	sqlite3_stmt *st = b->st;

	refno_make("01", i, ref, sizeof ref);
	snprintf(now, sizeof now, "%lld", (long long)time(NULL));
	if (b->pg) {
		const char *v[8] = { ref, r->name, r->national_id, r->mobile, r->service,
		                     r->channel, r->description, now };

		if (!pg_ok(b->pg, "BEGIN", 0, NULL))
			return 1;
		if (!pg_ok(b->pg, "INSERT INTO bench_bare(ref, name, national_id, mobile, "
		           "service, channel, description, created_at) VALUES "
		           "($1,$2,$3,$4,$5,$6,$7,$8)", 8, v)) {
			pg_ok(b->pg, "ROLLBACK", 0, NULL);
			return 1;
		}
		return !pg_ok(b->pg, "COMMIT", 0, NULL);
	}
	if (sqlite3_exec(b->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return 1;
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->national_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->mobile, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->service, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, r->channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, r->description, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)time(NULL));
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		sqlite3_exec(b->db, "ROLLBACK", NULL, NULL, NULL);
		return 1;
	}
	sqlite3_reset(st);
	return sqlite3_exec(b->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK;
}

static const char *bare_errmsg(struct bare *b)
{
	return b->pg ? PQerrorMessage(b->pg) : sqlite3_errmsg(b->db);
}

/* What a connection wrote since the last call. SQLite (db given): the pages
 * its commits appended to the WAL (SQLITE_DBSTATUS_CACHE_WRITE), 4 KiB
 * each. PostgreSQL (s given): the bytes of WAL the server inserted
 * (pg_current_wal_insert_lsn; the server's, but nothing else writes while
 * this runs), read on the store's connection between the timed calls. */
static int64_t wal_last;

static double pages_written(sqlite3 *db)
{
	int cur = 0, hi = 0;

	sqlite3_db_status(db, SQLITE_DBSTATUS_CACHE_WRITE, &cur, &hi, 1);
	return (double)cur;
}

static double wal_written(store *s)
{
	int64_t now = 0, d;

	if (!on_pg)
		return pages_written(store_db(s));
	if (store_sql_i64(s, "SELECT (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint",
	                  &now) != ST_OK)
		return 0;
	d = now - wal_last;
	wal_last = now;
	return (double)d;
}

static int bench_submit(store *s, const char *path, int rounds)
{
	double *k = xcalloc((size_t)rounds, sizeof *k), *a = xcalloc((size_t)rounds, sizeof *a);
	double *kp = xcalloc((size_t)rounds, sizeof *kp), *ap = xcalloc((size_t)rounds, sizeof *ap);
	struct bd_rng rng = { 77 };
	struct bare bare = { 0 };
	int rc = 1;

	if (bare_open(path, &bare))
		goto out;
	for (int i = 0; i < rounds; i++) {
		struct bd_req_buf b;
		struct request r;
		uint64_t t0;
		st_rc e;

		bd_request(&rng, &r, &b);
		wal_written(s);
		t0 = bs_now_ns();
		if ((e = store_request_submit(s, &r, "kiosk")) != ST_OK) {
			fail("store_request_submit", e, s);
			goto out;
		}
		k[i] = (double)(bs_now_ns() - t0);
		kp[i] = wal_written(s);
		if (!on_pg)
			pages_written(bare.db);
		t0 = bs_now_ns();
		if (bare_insert(&bare, &r, i + 1)) {
			fprintf(stderr, "store_bench: bare insert: %s\n", bare_errmsg(&bare));
			goto out;
		}
		a[i] = (double)(bs_now_ns() - t0);
		ap[i] = on_pg ? wal_written(s) : pages_written(bare.db);
	}
	if (on_pg) {
		row("submit", "durable submit (store_request_submit vs bare BEGIN/INSERT/COMMIT, "
		    "fsync and synchronous_commit on)", k, rounds, a, rounds, "ms", 1e-6, "≤ 2× bare");
		row("submit.wal", "WAL bytes per durable submit (pg_current_wal_insert_lsn)",
		    kp, rounds, ap, rounds, "B", 1, "–");
	} else {
		row("submit", "durable submit (store_request_submit vs bare INSERT+COMMIT, "
		    "synchronous=FULL)", k, rounds, a, rounds, "ms", 1e-6, "≤ 2× bare");
		row("submit.wal", "pages written to the WAL per durable submit (4 KiB each; "
		    "SQLITE_DBSTATUS_CACHE_WRITE)", kp, rounds, ap, rounds, "", 1, "–");
	}
	rc = 0;
out:
	bare_close(path, &bare);
	free(k);
	free(a);
	free(kp);
	free(ap);
	return rc;
}

static int bench_transition(store *s, int rounds)
{
	double *k = xcalloc((size_t)rounds, sizeof *k), *a = xcalloc((size_t)rounds, sizeof *a);
	double *kp = xcalloc((size_t)rounds, sizeof *kp), *ap = xcalloc((size_t)rounds, sizeof *ap);
	int64_t *with = xcalloc((size_t)rounds, sizeof *with);
	int64_t *without = xcalloc((size_t)rounds, sizeof *without);
	struct bd_rng rng = { 91 };
	int rc = 1;

	for (int i = 0; i < 2 * rounds; i++) {
		struct bd_req_buf b;
		struct request r;
		st_rc e;

		bd_request(&rng, &r, &b);
		r.notify = i % 2 ? NOTIFY_NONE : NOTIFY_BOTH;
		r.email = (char *)"member@example.org";
		if ((e = store_request_submit(s, &r, "kiosk")) != ST_OK) {
			fail("store_request_submit", e, s);
			goto out;
		}
		(i % 2 ? without : with)[i / 2] = r.id;
	}
	for (int i = 0; i < rounds; i++) {
		/* alternate which goes first, so disk weather hits both alike */
		for (int j = 0; j < 2; j++) {
			bool w = (i + j) % 2 == 0;
			int64_t id = w ? with[i] : without[i];
			uint64_t t0;
			st_rc e;

			wal_written(s);
			t0 = bs_now_ns();
			e = store_request_transition(s, id, 1, RS_RECEIVED, RS_NEEDS_INFO, "bench",
			                             "Please bring the last electricity bill.");
			if (e != ST_OK) {
				fail("store_request_transition", e, s);
				goto out;
			}
			(w ? k : a)[i] = (double)(bs_now_ns() - t0);
			(w ? kp : ap)[i] = wal_written(s);
		}
	}
	row("transition", "durable transition with its messages (SMS + e-mail: 2 outbox rows) vs the "
	    "same without consent (no row)", k, rounds, a, rounds, "ms", 1e-6, "≤ 1.10×");
	row("transition.wal", on_pg ? "WAL bytes per durable transition, with messages vs without"
	    : "pages written to the WAL per durable transition, with messages vs without",
	    kp, rounds, ap, rounds, on_pg ? "B" : "", 1, "–");
	rc = 0;
out:
	free(k);
	free(a);
	free(kp);
	free(ap);
	free(with);
	free(without);
	return rc;
}

static int64_t max_id(store *s)
{
	int64_t n = 0;

	if (store_sql_i64(s, "SELECT MAX(id) FROM requests", &n) != ST_OK)
		return 0;
	return n;
}

static int bench_lookup(store *s, int rounds)
{
	int64_t n = max_id(s);
	double *k = xcalloc((size_t)rounds, sizeof *k);
	struct bd_rng rng = { 4242 };

	if (n <= 0)
		return fail("no requests", ST_NOTFOUND, s);
	for (int i = 0; i < rounds; i++) {
		struct request r;
		char ref[16];
		uint64_t t0;
		st_rc e;

		refno_make(store_branch(s), 1 + (int64_t)bd_below(&rng, (uint32_t)n), ref, sizeof ref);
		t0 = bs_now_ns();
		e = store_request_by_ref(s, ref, &r);
		k[i] = (double)(bs_now_ns() - t0);
		request_free(&r);
		if (e != ST_OK) {
			free(k);
			return fail(ref, e, s);
		}
	}
	row("lookup", "status lookup by reference (store_request_by_ref)", k, rounds, NULL, 0,
	    "ms", 1e-6, "≤ 1 ms");
	free(k);
	return 0;
}

/* Time one queue page after key (ac, ai); returns the last row's key. */
static int queue_page(store *s, const struct queue_filter *f, time_t ac,
                      int64_t ai, double *ns, time_t *lc, int64_t *li, int *got)
{
	struct queue_row *rows = NULL;
	uint64_t t0 = bs_now_ns();
	int n = 0;
	st_rc e = store_queue(s, f, ac, ai, PAGE, &rows, &n);

	*ns = (double)(bs_now_ns() - t0);
	if (e != ST_OK)
		return fail("store_queue", e, s);
	if (n > 0) {
		*lc = rows[n - 1].created_at;
		*li = rows[n - 1].id;
	}
	*got = n;
	queue_rows_free(rows, n);
	return 0;
}

static int bench_queue(store *s, int rounds)
{
	struct queue_filter open = { .status = -1, .sla_days = 30 };
	struct queue_filter search = { .status = -2, .sla_days = 30, .search = "محمد العتيبي" };
	double *k = xcalloc((size_t)rounds, sizeof *k), ns;
	time_t c = 0, c50 = 0;
	int64_t id = 0, id50 = 0;
	int got = 0, rc = 1;

	for (int i = 0; i < rounds; i++)
		if (queue_page(s, &open, 0, 0, &k[i], &c, &id, &got))
			goto out;
	if (got != PAGE) {
		fprintf(stderr, "store_bench: queue first page has %d rows\n", got);
		goto out;
	}
	row("queue.first", "officer queue, first page (20 open requests, newest first)", k, rounds,
	    NULL, 0, "ms", 1e-6, "≤ 5 ms");
	/* walk to the key of page 50 once, then time page 51 */
	c50 = 0;
	id50 = 0;
	for (int p = 0; p < 50; p++)
		if (queue_page(s, &open, c50, id50, &ns, &c50, &id50, &got))
			goto out;
	for (int i = 0; i < rounds; i++)
		if (queue_page(s, &open, c50, id50, &k[i], &c, &id, &got))
			goto out;
	row("queue.p51", "officer queue, page 51 (keyset)", k, rounds, NULL, 0, "ms", 1e-6, "≤ 5 ms");
	for (int i = 0; i < rounds; i++)
		if (queue_page(s, &search, 0, 0, &k[i], &c, &id, &got))
			goto out;
	row("queue.search", "officer queue, name search \"محمد العتيبي\" (first page)", k, rounds,
	    NULL, 0, "ms", 1e-6, "–");
	rc = 0;
out:
	free(k);
	return rc;
}

static int bench_report(store *s, int rounds)
{
	double *k = xcalloc((size_t)rounds, sizeof *k);
	struct report_opts o = { .sla_days = 30, .min_n = 30 };
	int rc = 1;

	for (int i = 0; i < rounds; i++) {
		struct report *r = NULL;
		uint64_t t0 = bs_now_ns();
		st_rc e = report_build(s, &o, &r);

		k[i] = (double)(bs_now_ns() - t0);
		if (e != ST_OK) {
			fail("report_build", e, s);
			goto out;
		}
		if (i == 0)
			fprintf(stderr, "store_bench: report: %lld requests, %lld overdue\n",
			        (long long)r->total, (long long)r->overdue_total);
		report_free(r);
	}
	row("report", "full report (report_build, all time)", k, rounds, NULL, 0, "ms", 1e-6,
	    "≤ 300 ms");
	rc = 0;
out:
	free(k);
	return rc;
}

/* ---- the queue header's view counts (issue 12) ------------------------- */

static const struct { int role; const char *login, *label; } view_roles[] = {
	{ ROLE_OFFICER, "officer01", "officer" },
	{ ROLE_RESEARCHER, "researcher1", "researcher" },
	{ ROLE_COMMITTEE, "committee1", "committee" },
	{ ROLE_ADMIN, "admin", "admin" },
};

/* The four counts as the console took them before schema v14. */
static st_rc views_by_count(store *s, int role, const char *login,
                            struct queue_views *v)
{
	struct queue_filter f = { .status = -1, .sla_days = 30, .waiting = true,
	                          .role = role, .login = login };
	st_rc r;

	if ((r = store_queue_count(s, &f, &v->waiting)) != ST_OK)
		return r;
	f.waiting = false;
	if ((r = store_queue_count(s, &f, &v->open)) != ST_OK)
		return r;
	f.overdue = true;
	if ((r = store_queue_count(s, &f, &v->overdue)) != ST_OK)
		return r;
	f.overdue = false;
	f.status = -2;
	return store_queue_count(s, &f, &v->all);
}

static st_rc views_once(store *s, bool counted, int i, struct queue_views *v)
{
	return counted ? views_by_count(s, view_roles[i].role, view_roles[i].login, v)
	               : store_queue_views(s, view_roles[i].role, view_roles[i].login, 30, v);
}

/* Drop the file's pages (and its WAL's) from the OS page cache. */
static void drop_cache(const char *path)
{
	char *wal = xasprintf("%s-wal", path);
	const char *files[] = { path, wal };

	for (int i = 0; i < 2; i++) {
		int fd = open(files[i], O_RDONLY);

		if (fd >= 0) {
			(void)fdatasync(fd);
			(void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
			close(fd);
		}
	}
	free(wal);
}

/* One cold call: a fresh read-only connection, the file out of the cache. */
static int views_cold(const char *path, bool counted, int i, double *ns)
{
	struct store_opts o = { .readonly = true, .no_open_check = true };
	struct queue_views v;
	char err[256];
	store *s = NULL;
	uint64_t t0;
	st_rc e;

	if ((e = store_open(path, &o, &s, err, sizeof err)) != ST_OK) {
		fprintf(stderr, "store_bench: open: %s\n", err);
		return 1;
	}
	drop_cache(path);
	t0 = bs_now_ns();
	e = views_once(s, counted, i, &v);
	*ns = (double)(bs_now_ns() - t0);
	store_close(s);
	return e != ST_OK ? fail("views (cold)", e, NULL) : 0;
}

static int bench_views(store *s, const char *path, int rounds)
{
	double *k = xcalloc((size_t)rounds, sizeof *k), *a = xcalloc((size_t)rounds, sizeof *a);
	double kc[3], ac[3];
	int rc = 1;

	for (int i = 0; i < (int)ARRAY_LEN(view_roles); i++) {
		struct queue_views want, got;
		char what[200], key[48];
		st_rc e;

		if ((e = views_by_count(s, view_roles[i].role, view_roles[i].login, &want)) != ST_OK ||
		    (e = store_queue_views(s, view_roles[i].role, view_roles[i].login, 30, &got)) != ST_OK) {
			fail("views", e, s);
			/* a finding, not a reason to lose the other figures */
			snprintf(what, sizeof what, "%s", store_errmsg(s));
			what[strcspn(what, "\n|")] = '\0';
			printf("| queue header, four view counts, %s | **not measured: %s (%s)** "
			       "| | | | | |\n", view_roles[i].label, st_rc_name(e), what);
			goto out;
		}
		if (memcmp(&want, &got, sizeof want) != 0) {
			fprintf(stderr, "store_bench: views of %s differ: counted %lld/%lld/%lld/%lld,"
			        " kept %lld/%lld/%lld/%lld\n", view_roles[i].label,
			        (long long)want.waiting, (long long)want.open,
			        (long long)want.overdue, (long long)want.all,
			        (long long)got.waiting, (long long)got.open,
			        (long long)got.overdue, (long long)got.all);
			goto out;
		}
		fprintf(stderr, "store_bench: views of %s: waiting %lld, open %lld, overdue %lld,"
		        " all %lld\n", view_roles[i].label, (long long)got.waiting,
		        (long long)got.open, (long long)got.overdue, (long long)got.all);
		for (int j = 0; j < rounds; j++) {
			uint64_t t0 = bs_now_ns();

			if ((e = views_once(s, true, i, &got)) != ST_OK) {
				fail("views (counted)", e, s);
				goto out;
			}
			a[j] = (double)(bs_now_ns() - t0);
			t0 = bs_now_ns();
			if ((e = views_once(s, false, i, &got)) != ST_OK) {
				fail("views", e, s);
				goto out;
			}
			k[j] = (double)(bs_now_ns() - t0);
		}
		snprintf(what, sizeof what, "queue header, four view counts, %s, warm"
		         " (anchor: COUNT(*) per view, as before v14)", view_roles[i].label);
		snprintf(key, sizeof key, "views.%s", view_roles[i].label);
		row(key, what, k, rounds, a, rounds, "ms", 1e-6, "–");
		if (on_pg)
			continue;        /* the cold runs drop a file from the page cache */
		for (int j = 0; j < 3; j++)
			if (views_cold(path, true, i, &ac[j]) || views_cold(path, false, i, &kc[j]))
				goto out;
		snprintf(what, sizeof what, "queue header, four view counts, %s, cold"
		         " (file out of the page cache, median of 3)", view_roles[i].label);
		snprintf(key, sizeof key, "views.%s.cold", view_roles[i].label);
		row(key, what, kc, 3, ac, 3, "ms", 1e-6, "–");
	}
	rc = 0;
out:
	free(k);
	free(a);
	return rc;
}

/* store_open + store_close of the whole file: what every kiosk, officer
 * console and CLI command pays at start (invariant 6: PRAGMA quick_check). */
static int bench_open(const char *path, int rounds)
{
	double *k = xcalloc((size_t)rounds, sizeof *k);

	for (int i = 0; i < rounds; i++) {
		struct store_opts o = { 0 };
		char err[256];
		store *s = NULL;
		uint64_t t0 = bs_now_ns();
		st_rc e = store_open(path, &o, &s, err, sizeof err);

		store_close(s);
		k[i] = (double)(bs_now_ns() - t0);
		if (e != ST_OK) {
			fprintf(stderr, "store_bench: open: %s\n", err);
			free(k);
			return 1;
		}
	}
	row("open", on_pg ? "store_open + store_close (connect, schema version check)"
	    : "store_open + store_close (PRAGMA quick_check of the whole file)", k, rounds,
	    NULL, 0, "ms", 1e-6, "–");
	free(k);
	return 0;
}

int main(int argc, char **argv)
{
	struct store_opts o = { 0 };
	const char *only = NULL;
	int rounds = 200, c, rc = 1;
	bool views_failed = false;
	char err[256];
	store *s = NULL;
	st_rc e;

	while ((c = getopt(argc, argv, "r:o:T:V")) != -1) {
		switch (c) {
		case 'T':
			if (!(tsv = fopen(optarg, "w"))) {
				perror(optarg);
				return 1;
			}
			break;
		case 'V': printf("%s\n", sqlite3_libversion()); return 0;
		case 'r': rounds = atoi(optarg); break;
		case 'o': only = optarg; break;
		default: goto usage;
		}
	}
	if (optind != argc - 1 || rounds < 5)
		goto usage;
	on_pg = store_uri_is_pg(argv[optind]);
	if ((e = store_open(argv[optind], &o, &s, err, sizeof err)) != ST_OK) {
		fprintf(stderr, "store_bench: %s: %s\n", argv[optind], err);
		return 1;
	}
	if ((!only || strstr(only, "lookup")) && bench_lookup(s, rounds * 10))
		goto out;
	if ((!only || strstr(only, "queue")) && bench_queue(s, rounds))
		goto out;
	if ((!only || strstr(only, "report")) && bench_report(s, rounds / 20 < 5 ? 5 : rounds / 20))
		goto out;
	if ((!only || strstr(only, "submit")) && bench_submit(s, argv[optind], rounds))
		goto out;
	if ((!only || strstr(only, "transition")) && bench_transition(s, rounds))
		goto out;
	if ((!only || strstr(only, "views")) && bench_views(s, argv[optind],
	                                                      rounds / 4 < 5 ? 5 : rounds / 4 > 10 ? 10 : rounds / 4))
		views_failed = true;     /* in the table; the rest is still measured */
	if ((!only || strstr(only, "open")) && bench_open(argv[optind], 5))
		goto out;
	rc = views_failed;
out:
	store_close(s);
	if (tsv)
		fclose(tsv);
	return rc;
usage:
	fprintf(stderr, "usage: store_bench DB|postgresql://… [-r ROUNDS] [-T FILE.tsv] "
	        "[-o lookup,queue,report,submit,transition,views,open] | -V\n");
	return 2;
}
