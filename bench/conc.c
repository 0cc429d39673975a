/*
 * bench/conc — concurrency: P officer processes (fork, default 20), each
 * making T workflow transitions (wf_apply, default 500) on Q shared
 * requests (default 100) of one database, as officers at the branch do.
 *
 *   conc DB|postgresql://… [-p PROCS] [-t TRANSITIONS] [-q REQUESTS] [-b BRANCHES]
 *
 * DB may be a PostgreSQL URI (issue 13): an empty database, the same calls
 * through the store. -b B runs B branches at once, each with its own P
 * officers on its own Q requests (B × P processes): on SQLite each branch
 * is its own file (DB.b01, DB.b02 …: one machine per branch, as today); on
 * PostgreSQL all of them share the one database, each branch's requests
 * under its own two-digit reference prefix (01, 02 …; the meta branch set
 * before each branch's requests are submitted).
 *
 * Each officer picks a request at random, loads it, and applies an action
 * the workflow allows from its status; the actions used form cycles
 * (received → needs_info → received, received → referred → verified →
 * referred …) so no request ever runs out of moves. On ST_STALE (someone
 * else changed it; wf_apply has reloaded it) the officer chooses again from
 * the new status and retries, as the console does after "changed by
 * someone else — reloaded". ST_BUSY is never retried here: it is what a
 * user would see, and it is counted.
 *
 * Afterwards the parent checks (and prints as Markdown rows):
 *  1. every transition a child reported as done is in request_events
 *     (per officer login), and there are no others — 0 lost updates;
 *  2. every request's version = 1 + its events after the submission, and
 *     the events chain (each from = the previous to, the last to = the
 *     request's status);
 *  3. PRAGMA integrity_check is ok (SQLite; "–" on PostgreSQL, whose
 *     pages no process of ours writes);
 *  4. no ST_BUSY reached an officer.
 * Exit status 0 only when all four hold.
 */
#include <getopt.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/util.h"
#include "store/store.h"
#include "workflow/workflow.h"
#include "bench/benchdata.h"
#include "bench/stats.h"

struct child_res {
	long done, stale, busy, other;
};

static wf_action choose(struct bd_rng *rng, req_status st)
{
	switch (st) {
	case RS_RECEIVED:   return bd_below(rng, 2) ? WF_ASK_INFO : WF_REFER;
	case RS_NEEDS_INFO: return WF_INFO_BACK;
	case RS_REFERRED:   return WF_REFER_BACK;
	case RS_VERIFIED:   return WF_REFER;
	default:            return WF__COUNT;
	}
}

static void officer_run(const char *path, int idx, int t, int64_t base, int64_t q,
                        int pipe_rd, struct child_res *res, double *lat)
{
	struct store_opts o = { 0 };
	struct officer me = { 0 };
	struct bd_rng rng = { 1000 + (uint64_t)idx * 7919 };
	char err[256], go;
	store *s = NULL;

	snprintf(me.login, sizeof me.login, "conc%02d", idx);
	me.role = ROLE_ADMIN;
	me.active = true;
	if (store_open(path, &o, &s, err, sizeof err) != ST_OK) {
		fprintf(stderr, "conc[%d]: %s\n", idx, err);
		_exit(1);
	}
	if (read(pipe_rd, &go, 1) != 1)
		_exit(1);
	for (int i = 0; i < t; i++) {
		int64_t id = base + 1 + (int64_t)bd_below(&rng, (uint32_t)q);
		struct request r;
		uint64_t t0 = bs_now_ns();
		st_rc rc;

		if ((rc = store_request_get(s, id, &r)) != ST_OK) {
			if (rc == ST_BUSY)
				res->busy++;
			else
				res->other++;
			continue;
		}
		for (;;) {
			wf_action a = choose(&rng, r.status);

			if (a == WF__COUNT) {
				rc = ST_DENIED;
				break;
			}
			rc = wf_apply(s, &r, a, &me, "");
			if (rc != ST_STALE && rc != ST_DENIED)
				break;
			res->stale++;      /* reloaded by wf_apply: choose again */
		}
		lat[i] = (double)(bs_now_ns() - t0);
		request_free(&r);
		if (rc == ST_OK)
			res->done++;
		else if (rc == ST_BUSY)
			res->busy++;
		else {
			fprintf(stderr, "conc[%d]: wf_apply: %s (%s)\n", idx, st_rc_name(rc),
			        store_errmsg(s));
			res->other++;
		}
	}
	store_close(s);
	_exit(0);
}

static bool on_pg;

/* Branch b's database (0-based): the one URI on PostgreSQL; on SQLite DB
 * itself for one branch, else DB.bNN. Caller frees. */
static char *branch_path(const char *db, int nb, int b)
{
	return on_pg || nb == 1 ? xstrdup(db) : xasprintf("%s.b%02d", db, b + 1);
}

/* The first request id of branch b (its requests are base+1 … base+q). */
static int64_t branch_base(int b, int64_t q)
{
	return on_pg ? (int64_t)b * q : 0;
}

/* Branch b's database: the catalog, every officer (nofficers), and its q
 * requests under the reference prefix b+1. */
static int setup(const char *path, int nofficers, int64_t q, int b)
{
	struct store_opts o = { .create = true };
	struct bd_rng rng = { 99 + (uint64_t)b };
	int64_t base = branch_base(b, q);
	char err[256], code[3];
	store *s = NULL;

	if (!on_pg)
		unlink(path);
	if (store_open(path, &o, &s, err, sizeof err) != ST_OK) {
		fprintf(stderr, "conc: %s: %s\n", path, err);
		return 1;
	}
	if (bd_seed_catalog(s) != ST_OK)
		goto fail;
	snprintf(code, sizeof code, "%02d", b + 1);
	if (store_meta_set(s, "branch", code) != ST_OK)
		goto fail;
	for (int i = 0; i < nofficers && (!on_pg || b == 0); i++) {
		struct officer of = { 0 };
		char name[32];

		snprintf(of.login, sizeof of.login, "conc%02d", i);
		snprintf(name, sizeof name, "Officer %d", i);
		of.name = name;
		of.role = ROLE_ADMIN;
		of.active = true;
		snprintf(of.pwhash, sizeof of.pwhash, "bench-not-a-hash");
		if (store_officer_add(s, &of) != ST_OK)
			goto fail;
	}
	for (int64_t i = 0; i < q; i++) {
		struct bd_req_buf bb;
		struct request r;

		bd_request(&rng, &r, &bb);
		if (store_request_submit(s, &r, "kiosk") != ST_OK || r.id != base + i + 1 ||
		    strncmp(r.ref, code, 2) != 0)
			goto fail;
	}
	store_close(s);
	return 0;
fail:
	fprintf(stderr, "conc: setup of branch %s: %s\n", code, store_errmsg(s));
	store_close(s);
	return 1;
}

/* The events officer `login` wrote (a name of ours: conc%02d). */
static int64_t events_of(store *s, const char *login)
{
	char sql[96];
	int64_t v = -1;

	snprintf(sql, sizeof sql, "SELECT count(*) FROM request_events WHERE who = '%s'", login);
	if (store_sql_i64(s, sql, &v) != ST_OK) {
		fprintf(stderr, "conc: %s: %s\n", sql, store_errmsg(s));
		return -1;
	}
	return v;
}

/* Invariant 2 over every request: version and the events chain. */
static long bad_chains(store *s, int64_t base, int64_t q)
{
	long bad = 0;

	for (int64_t id = base + 1; id <= base + q; id++) {
		struct request r;
		struct request_event *ev = NULL;
		int n = 0;

		if (store_request_get(s, id, &r) != ST_OK ||
		    store_request_events(s, id, &ev, &n) != ST_OK || n < 1) {
			bad++;
			request_free(&r);
			continue;
		}
		if (r.version != n || ev[n - 1].to != r.status)
			bad++;
		else
			for (int i = 1; i < n; i++)
				if (ev[i].from != ev[i - 1].to) {
					bad++;
					break;
				}
		request_events_free(ev, n);
		request_free(&r);
	}
	return bad;
}

int main(int argc, char **argv)
{
	int p = 20, t = 500, nb = 1, n, c, fds[2], ok = 1;
	int64_t q = 100;
	struct child_res *res;
	double *lat, wall;
	char integ[64] = "", *path;
	long done = 0, stale = 0, busy = 0, other = 0, lost = 0, bad = 0;
	uint64_t t0;
	const char *db;

	while ((c = getopt(argc, argv, "p:t:q:b:")) != -1) {
		switch (c) {
		case 'p': p = atoi(optarg); break;
		case 't': t = atoi(optarg); break;
		case 'q': q = atoll(optarg); break;
		case 'b': nb = atoi(optarg); break;
		default: goto usage;
		}
	}
	if (optind != argc - 1 || p < 1 || t < 1 || q < 1 || nb < 1 || nb > 9 || p * nb > 99)
		goto usage;
	db = argv[optind];
	on_pg = store_uri_is_pg(db);
	n = p * nb;                      /* officer processes */
	for (int b = 0; b < nb; b++) {
		path = branch_path(db, nb, b);
		if (setup(path, n, q, b))
			return 1;
		free(path);
	}
	res = mmap(NULL, (size_t)n * sizeof *res, PROT_READ | PROT_WRITE,
	           MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	lat = mmap(NULL, (size_t)n * (size_t)t * sizeof *lat, PROT_READ | PROT_WRITE,
	           MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED || lat == MAP_FAILED || pipe(fds) != 0) {
		perror("conc");
		return 1;
	}
	for (int i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("conc: fork");
			return 1;
		}
		if (pid == 0) {
			close(fds[1]);
			officer_run(branch_path(db, nb, i / p), i, t, branch_base(i / p, q), q,
			            fds[0], &res[i], lat + (size_t)i * (size_t)t);
		}
	}
	close(fds[0]);
	usleep(200000 + 20000 * (useconds_t)n);   /* let every child open the database */
	t0 = bs_now_ns();
	for (int i = 0; i < n; i++)
		if (write(fds[1], "g", 1) != 1)
			return 1;
	close(fds[1]);
	for (int i = 0; i < n; i++) {
		int st;

		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			ok = 0;
	}
	wall = (double)(bs_now_ns() - t0) / 1e9;

	snprintf(integ, sizeof integ, on_pg ? "– (PostgreSQL)" : "ok");
	for (int b = 0; b < nb; b++) {
		struct store_opts o = { 0 };
		char err[256];
		store *s = NULL;

		path = branch_path(db, nb, b);
		if (store_open(path, &o, &s, err, sizeof err) != ST_OK) {
			fprintf(stderr, "conc: reopen: %s\n", err);
			return 1;
		}
		free(path);
		for (int i = b * p; i < (b + 1) * p; i++) {
			char login[16];
			int64_t ne;

			snprintf(login, sizeof login, "conc%02d", i);
			ne = events_of(s, login);
			if (ne != res[i].done)
				lost += labs((long)(ne - res[i].done));
			done += res[i].done;
			stale += res[i].stale;
			busy += res[i].busy;
			other += res[i].other;
		}
		bad += bad_chains(s, branch_base(b, q), q);
		if (!on_pg) {
			sqlite3_stmt *st;

			if (sqlite3_prepare_v2(store_db(s), "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK ||
			    sqlite3_step(st) != SQLITE_ROW)
				snprintf(integ, sizeof integ, "could not run");
			else if (strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0)
				snprintf(integ, sizeof integ, "%s", sqlite3_column_text(st, 0));
			sqlite3_finalize(st);
		}
		store_close(s);
	}

	if (nb > 1)
		printf("| %d branches × %d officer processes × %d transitions, each branch on its own %lld requests (%s) | "
		       "%ld done in %.2f s = **%.0f transitions/s** |\n", nb, p, t, (long long)q,
		       on_pg ? "one PostgreSQL database, references 01…, 02…, 03…" : "one SQLite file per branch",
		       done, wall, (double)done / wall);
	else
		printf("| %d officer processes × %d transitions on %lld shared requests | "
		       "%ld done in %.2f s = **%.0f transitions/s** |\n",
		       p, t, (long long)q, done, wall, (double)done / wall);
	printf("| transition latency incl. stale retries (median / p90 / p95 / p99 / max) | %.2f ms / %.2f ms / %.2f ms / %.2f ms / %.2f ms |\n",
	       bs_pct(lat, n * t, 50) / 1e6, bs_pct(lat, n * t, 90) / 1e6,
	       bs_pct(lat, n * t, 95) / 1e6, bs_pct(lat, n * t, 99) / 1e6,
	       bs_pct(lat, n * t, 100) / 1e6);
	{
		struct rusage ru;

		getrusage(RUSAGE_CHILDREN, &ru);
		printf("| CPU of the %d officer processes (user / system, incl. waiting for the lock) | %.1f s / %.1f s |\n",
		       n, ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
		       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
	}
	printf("| ST_STALE seen and retried after reload | %ld |\n", stale);
	printf("| lost updates (events missing or extra vs. reported) | **%ld** |\n", lost);
	printf("| requests whose version ≠ 1 + events, or broken event chain | **%ld** of %lld |\n",
	       bad, (long long)q * nb);
	printf("| ST_BUSY reaching an officer | **%ld** |\n", busy);
	printf("| other errors | %ld |\n", other);
	printf("| PRAGMA integrity_check | %s |\n", integ);
	if (!ok || lost || bad || busy || other || done != (long)n * t ||
	    (!on_pg && strcmp(integ, "ok") != 0)) {
		fprintf(stderr, "conc: FAILED (see the table)\n");
		return 1;
	}
	return 0;
usage:
	fprintf(stderr, "usage: conc DB|postgresql://… [-p PROCS] [-t TRANSITIONS] [-q REQUESTS] "
	        "[-b BRANCHES] (PROCS × BRANCHES ≤ 99)\n");
	return 2;
}
