/*
 * bench/gen — generate a realistic branch database for the benchmarks:
 * N requests (default 1 000 000, or $KHIDMA_BENCH_N) spread over three
 * years with the events of their life so far, 200 000 anonymous survey
 * responses with their answers, 20 officers, and optionally a CSV of
 * members for the import benchmark.
 *
 *   gen DB [-n N] [-s SURVEYS] [-m MEMBERS -c MEMBERS.csv] [-r SEED]
 *   gen -c MEMBERS.csv -m MEMBERS          (the CSV only, no database)
 *
 * store_open creates the schema (and so the indexes the queue uses); the
 * rows then go in through prepared statements on store_db(), one
 * transaction per 10 000 requests, synchronous=OFF for the generation only
 * (the benchmarks reopen with the store's own pragmas).
 *
 * Invariants:
 *  1. The rows are what the store itself would write: ref = refno_make(
 *     branch, seq) with seq = id, name_key = text_search_key(name), one
 *     "submitted" event first, every later event a status change, an
 *     assignment or a match, and version = 1 + the number of those;
 *     decided_at/delivered_at = the time of the change into accepted|
 *     rejected / delivered, and last_officer = the last event's writer
 *     other than the kiosk, set by an UPDATE as store_request_transition
 *     sets them (schema v5/v6: the triggers count durations and officers
 *     from it, and the request_days counters from the INSERT).
 *  2. Old requests are mostly closed, recent ones mostly open, so the
 *     officer queue (open requests, newest first) looks like a real one.
 *  3. Deterministic for a given seed.
 */
#include <errno.h>
#include <getopt.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/refno.h"
#include "core/util.h"
#include "text/text.h"
#include "store/report.h"
#include "store/store.h"
#include "bench/benchdata.h"

#define DAY_S  (24 * 3600)
#define BATCH  10000

struct gen {
	sqlite3 *db;
	sqlite3_stmt *req, *ev, *sv, *ans, *times;
	struct bd_rng rng;
	time_t t0, span;
	long nreq, nev, nsv, nans;
};

static int die_sql(sqlite3 *db, const char *what)
{
	fprintf(stderr, "gen: %s: %s\n", what, sqlite3_errmsg(db));
	return 1;
}

static int exec(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return die_sql(db, sql);
	return 0;
}

/* Final status by age (invariant 2). */
static req_status pick_status(struct bd_rng *r, time_t age)
{
	uint32_t p = bd_below(r, 100);

	if (age > 60 * DAY_S) {
		if (p < 55) return RS_DELIVERED;
		if (p < 70) return RS_REJECTED;
		if (p < 80) return RS_WITHDRAWN;
		if (p < 85) return RS_REGISTERED;
		if (p < 90) return RS_ACCEPTED;
		if (p < 94) return RS_COMMITTEE;
		if (p < 97) return RS_VERIFIED;
		return RS_RECEIVED;
	}
	if (p < 25) return RS_RECEIVED;
	if (p < 35) return RS_NEEDS_INFO;
	if (p < 50) return RS_VERIFIED;
	if (p < 60) return RS_REFERRED;
	if (p < 75) return RS_COMMITTEE;
	if (p < 85) return RS_ACCEPTED;
	if (p < 90) return RS_REGISTERED;
	if (p < 95) return RS_DELIVERED;
	if (p < 98) return RS_REJECTED;
	return RS_WITHDRAWN;
}

/* The statuses a request passed through on its way to `final`, after
 * received (a chain of transitions), and whether it was matched first. */
static int path_to(req_status final, req_status *chain, bool *matched)
{
	int n = 0;

	*matched = false;
	switch (final) {
	case RS_RECEIVED:   return 0;
	case RS_NEEDS_INFO: chain[n++] = RS_NEEDS_INFO; return n;
	case RS_WITHDRAWN:  chain[n++] = RS_WITHDRAWN; return n;
	default: break;
	}
	*matched = true;
	chain[n++] = RS_VERIFIED;
	if (final == RS_VERIFIED)
		return n;
	if (final == RS_REFERRED) {
		chain[n++] = RS_REFERRED;
		return n;
	}
	chain[n++] = RS_COMMITTEE;
	if (final == RS_COMMITTEE)
		return n;
	if (final == RS_REJECTED) {
		chain[n++] = RS_REJECTED;
		return n;
	}
	chain[n++] = RS_ACCEPTED;
	if (final == RS_ACCEPTED)
		return n;
	chain[n++] = RS_REGISTERED;
	if (final == RS_REGISTERED)
		return n;
	chain[n++] = RS_DELIVERED;
	return n;
}

static int add_event(struct gen *g, int64_t id, time_t at, const char *who,
                     req_status from, req_status to, const char *note)
{
	sqlite3_stmt *st = g->ev;

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, at);
	sqlite3_bind_text(st, 3, who, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, req_status_name(from), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, req_status_name(to), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, note, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE)
		return die_sql(g->db, "insert event");
	sqlite3_reset(st);
	g->nev++;
	return 0;
}

static int gen_request(struct gen *g, int64_t id, long n)
{
	struct bd_req_buf b;
	struct request r;
	req_status chain[8], final, cur = RS_RECEIVED;
	char ref[16], officer[16], note[96];
	time_t created = g->t0 + (time_t)((double)g->span * (double)(id - 1) / (double)n);
	time_t now = g->t0 + g->span, at, decided = 0, delivered = 0;
	const char *last = NULL;      /* the last event's who, not the kiosk */
	int nchain, version = 1;
	bool matched, assigned;
	char *key;
	sqlite3_stmt *st = g->req;

	bd_request(&g->rng, &r, &b);
	r.declared_at = created;
	final = pick_status(&g->rng, now - created);
	nchain = path_to(final, chain, &matched);
	assigned = final != RS_RECEIVED || bd_below(&g->rng, 2);
	snprintf(officer, sizeof officer, "off%02u", bd_below(&g->rng, 20) + 1);
	if (!refno_make("01", id, ref, sizeof ref)) {
		fprintf(stderr, "gen: refno_make failed for %lld\n", (long long)id);
		return 1;
	}
	key = text_search_key(r.name);
	if (!key) {
		fprintf(stderr, "gen: text_search_key failed\n");
		return 1;
	}
	version += (assigned ? 1 : 0) + (matched ? 1 : 0) + nchain;
	at = created + (time_t)(1 + nchain + 2) * 3600;

	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_text(st, 3, ref, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r.category, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r.name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, r.national_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, r.mobile, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, r.service, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, r.channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, r.description, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 11, created);
	sqlite3_bind_text(st, 12, r.signature, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 13, created);
	sqlite3_bind_int64(st, 14, created + 14 * DAY_S);
	sqlite3_bind_text(st, 15, req_status_name(final), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 16, assigned ? officer : "", -1, SQLITE_STATIC);
	if (final == RS_ACCEPTED || final == RS_REGISTERED || final == RS_DELIVERED)
		sqlite3_bind_text(st, 17, "meets the conditions", -1, SQLITE_STATIC);
	else if (final == RS_REJECTED)
		sqlite3_bind_text(st, 17, "outside the service area", -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 17);
	sqlite3_bind_text(st, 18, matched ? "name=1,national_id=1,mobile=1,category=1"
	                  : "", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 19, version);
	sqlite3_bind_int64(st, 20, at);
	sqlite3_bind_text(st, 21, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		free(key);
		return die_sql(g->db, "insert request");
	}
	sqlite3_reset(st);
	free(key);
	g->nreq++;

	at = created;
	if (add_event(g, id, at, "kiosk", RS_RECEIVED, RS_RECEIVED, "submitted"))
		return 1;
	if (assigned) {
		snprintf(note, sizeof note, "assigned to %s", officer);
		if (add_event(g, id, at += 3600, officer, cur, cur, note))
			return 1;
		last = officer;
	}
	if (matched && add_event(g, id, at += 3600, officer, cur, cur,
	                         "fields checked: name=1,national_id=1,mobile=1,category=1"))
		return 1;
	if (matched)
		last = officer;
	for (int i = 0; i < nchain; i++) {
		const char *who = chain[i] == RS_ACCEPTED || chain[i] == RS_REJECTED
		                  ? "committee1" : officer;
		const char *why = chain[i] == RS_ACCEPTED ? "meets the conditions"
		                : chain[i] == RS_REJECTED ? "outside the service area" : "";

		if (add_event(g, id, at += 3600, who, cur, chain[i], why))
			return 1;
		if (chain[i] == RS_ACCEPTED || chain[i] == RS_REJECTED)
			decided = at;
		if (chain[i] == RS_DELIVERED)
			delivered = at;
		last = who;
		cur = chain[i];
	}
	/* what store_request_transition sets with those changes (invariant 1;
	 * schema v5 counts the durations from this UPDATE) */
	if (decided || delivered || last) {
		if (decided)
			sqlite3_bind_int64(g->times, 1, decided);
		else
			sqlite3_bind_null(g->times, 1);
		if (delivered)
			sqlite3_bind_int64(g->times, 2, delivered);
		else
			sqlite3_bind_null(g->times, 2);
		sqlite3_bind_int64(g->times, 3, id);
		sqlite3_bind_text(g->times, 4, last ? last : "", -1, SQLITE_STATIC);
		if (sqlite3_step(g->times) != SQLITE_DONE)
			return die_sql(g->db, "set decided_at/delivered_at");
		sqlite3_reset(g->times);
	}
	return 0;
}

static int gen_survey(struct gen *g, int64_t id, long n, long nreq)
{
	time_t t = g->t0 + (time_t)((double)g->span * (double)(id - 1) / (double)n);
	struct tm tm;
	sqlite3_stmt *st = g->sv;

	char off[3][16];

	localtime_r(&t, &tm);
	tm.tm_mday = 1;                 /* kept by month (schema v9) */
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)mktime(&tm));
	sqlite3_bind_text(st, 3, bd_channels[bd_below(&g->rng, BD_LEN(bd_channels))],
	                  -1, SQLITE_STATIC);
	if (bd_below(&g->rng, 10) == 0)
		sqlite3_bind_text(st, 4, bd_below(&g->rng, 2) ? "شكراً على حسن الاستقبال"
		                  : "Quick and friendly service.", -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 4);
	/* 30 % linked at the kiosk: the service and the officers credited
	 * (who verified, registered, delivered), never the request */
	for (int i = 0; i < 3; i++)
		off[i][0] = '\0';
	if (nreq > 0 && bd_below(&g->rng, 10) < 3) {
		sqlite3_bind_text(st, 5, bd_services[bd_below(&g->rng, BD_LEN(bd_services))],
		                  -1, SQLITE_STATIC);
		for (int i = 0; i < 3; i++)
			snprintf(off[i], sizeof off[i], "off%02u", bd_below(&g->rng, 20) + 1);
	} else
		sqlite3_bind_text(st, 5, "", -1, SQLITE_STATIC);
	for (int i = 0; i < 3; i++)
		sqlite3_bind_text(st, 6 + i, off[i], -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE)
		return die_sql(g->db, "insert survey");
	sqlite3_reset(st);
	g->nsv++;
	for (uint32_t q = 0; q < BD_LEN(bd_questions); q++) {
		int score = bd_below(&g->rng, 100) < 3 ? 0 : 1 + (int)bd_below(&g->rng, 5);

		/* skew towards satisfied visitors, as real surveys are */
		if (score && score < 4 && bd_below(&g->rng, 2))
			score += 2;
		sqlite3_bind_int64(g->ans, 1, id);
		sqlite3_bind_text(g->ans, 2, bd_questions[q], -1, SQLITE_STATIC);
		sqlite3_bind_int(g->ans, 3, score);
		if (sqlite3_step(g->ans) != SQLITE_DONE)
			return die_sql(g->db, "insert answer");
		sqlite3_reset(g->ans);
		g->nans++;
	}
	return 0;
}

static int write_members_csv(const char *path, long n, uint64_t seed)
{
	struct bd_rng rng = { seed ^ 0x9e3779b97f4a7c15ULL };
	FILE *f = fopen(path, "w");

	if (!f) {
		fprintf(stderr, "gen: %s: %s\n", path, strerror(errno));
		return 1;
	}
	fputs("membership_number,name,national_id,mobile,category\r\n", f);
	for (long i = 1; i <= n; i++) {
		char name[160], nid[16], mob[16];

		bd_name(&rng, name, sizeof name, NULL);
		bd_national_id(&rng, nid);
		bd_mobile(&rng, mob);
		fprintf(f, "M%07ld,\"%s\",%s,%s,%s\r\n", i, name, nid, mob,
		        bd_categories[bd_below(&rng, BD_LEN(bd_categories))]);
	}
	if (fclose(f) != 0) {
		fprintf(stderr, "gen: %s: %s\n", path, strerror(errno));
		return 1;
	}
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int prepare(struct gen *g)
{
	static const char req_sql[] =
		"INSERT INTO requests(id, seq, ref, category, name, national_id, "
		"mobile, email, member_number, member_id, service, channel, "
		"description, declared_at, signature, declaration_version, "
		"declared_by, created_at, earliest_response, status, assigned_to, "
		"decision_reason, field_match, version, updated_at, name_key) "
		"VALUES (?1,?2,?3,?4,?5,?6,?7,'','',NULL,?8,?9,?10,?11,?12,1,"
		"'kiosk',?13,?14,?15,?16,?17,?18,?19,?20,?21)";

	if (sqlite3_prepare_v2(g->db, req_sql, -1, &g->req, NULL) ||
	    sqlite3_prepare_v2(g->db, "INSERT INTO request_events(request_id, at, "
	                       "who, from_status, to_status, note) VALUES "
	                       "(?,?,?,?,?,?)", -1, &g->ev, NULL) ||
	    sqlite3_prepare_v2(g->db, "INSERT INTO survey_responses(id, day, "
	                       "channel, comment, service, off_verified, off_registered, "
	                       "off_delivered) VALUES (?,?,?,?,?,?,?,?)",
	                       -1, &g->sv, NULL) ||
	    sqlite3_prepare_v2(g->db, "INSERT INTO survey_answers(response_id, "
	                       "question, score) VALUES (?,?,?)", -1, &g->ans, NULL) ||
	    sqlite3_prepare_v2(g->db, "UPDATE requests SET decided_at = ?1, "
	                       "delivered_at = ?2, last_officer = ?4 WHERE id = ?3", -1, &g->times, NULL))
		return die_sql(g->db, "prepare");
	return 0;
}

static int add_officers(store *s)
{
	for (int i = 1; i <= 20; i++) {
		struct officer o = { 0 };
		char name[32];
		st_rc rc;

		snprintf(o.login, sizeof o.login, "off%02d", i);
		snprintf(name, sizeof name, "Officer %d", i);
		o.name = name;
		o.role = i == 20 ? ROLE_ADMIN : ROLE_OFFICER;
		snprintf(o.pwhash, sizeof o.pwhash, "bench-not-a-hash");
		o.active = true;
		rc = store_officer_add(s, &o);
		if (rc != ST_OK && rc != ST_INVALID) {
			fprintf(stderr, "gen: officer: %s\n", st_rc_name(rc));
			return 1;
		}
	}
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: gen DB [-n REQUESTS] [-s SURVEYS] [-m MEMBERS -c FILE.csv] [-r SEED]\n"
	        "       gen -c FILE.csv -m MEMBERS\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *env = getenv("KHIDMA_BENCH_N"), *csv = NULL, *path;
	long n = env && *env ? atol(env) : 1000000, nsurvey = 200000, nmembers = 0;
	uint64_t seed = 20261125;
	struct store_opts o = { .create = true };
	struct gen g = { 0 };
	char err[256];
	store *s = NULL;
	double t;
	int c, rc = 1;

	while ((c = getopt(argc, argv, "n:s:m:c:r:")) != -1) {
		switch (c) {
		case 'n': n = atol(optarg); break;
		case 's': nsurvey = atol(optarg); break;
		case 'm': nmembers = atol(optarg); break;
		case 'c': csv = optarg; break;
		case 'r': seed = strtoull(optarg, NULL, 10); break;
		default: return usage();
		}
	}
	if (csv && nmembers > 0 && write_members_csv(csv, nmembers, seed))
		return 1;
	if (optind == argc)
		return csv ? 0 : usage();
	path = argv[optind];
	if (n < 0 || nsurvey < 0)
		return usage();

	t = now_s();
	if (store_open(path, &o, &s, err, sizeof err) != ST_OK) {
		fprintf(stderr, "gen: %s: %s\n", path, err);
		return 1;
	}
	if (bd_seed_catalog(s) != ST_OK || add_officers(s))
		goto out;

	g.db = store_db(s);
	g.rng.s = seed;
	g.span = 3 * 365 * (time_t)DAY_S;
	g.t0 = khidma_now() - g.span;
	if (exec(g.db, "PRAGMA synchronous=OFF") || exec(g.db, "PRAGMA cache_size=-131072") ||
	    prepare(&g))
		goto out;
	for (long i = 1; i <= n; i++) {
		if ((i - 1) % BATCH == 0 && exec(g.db, "BEGIN IMMEDIATE"))
			goto out;
		if (gen_request(&g, i, n))
			goto out;
		if ((i % BATCH == 0 || i == n) && exec(g.db, "COMMIT"))
			goto out;
	}
	for (long i = 1; i <= nsurvey; i++) {
		if ((i - 1) % BATCH == 0 && exec(g.db, "BEGIN IMMEDIATE"))
			goto out;
		if (gen_survey(&g, i, nsurvey, n))
			goto out;
		if ((i % BATCH == 0 || i == nsurvey) && exec(g.db, "COMMIT"))
			goto out;
	}
	/* what `khidma init` does on a real branch (after the bulk load: one sort) */
	if (report_ensure_indexes(s) != ST_OK) {
		fprintf(stderr, "gen: report_ensure_indexes: %s\n", store_errmsg(s));
		goto out;
	}
	if (exec(g.db, "PRAGMA wal_checkpoint(TRUNCATE)"))
		goto out;
	printf("gen: %ld requests, %ld events, %ld survey responses, %ld answers "
	       "in %.1f s\n", g.nreq, g.nev, g.nsv, g.nans, now_s() - t);
	rc = 0;
out:
	sqlite3_finalize(g.req);
	sqlite3_finalize(g.ev);
	sqlite3_finalize(g.sv);
	sqlite3_finalize(g.ans);
	sqlite3_finalize(g.times);
	store_close(s);
	return rc;
}
