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
 * DB may be a postgresql:// URI (an empty database; issue 13): the same
 * rows, from the same seed, go in by COPY on a libpq connection of our own,
 * 10 000 requests per transaction, synchronous_commit off for the load
 * only, with session_replication_role = replica (a superuser's: no trigger
 * fires), and the report's counters are then computed in one pass each
 * (pg_counters_sql) — exactly what the triggers would have left, checked
 * against a load with them (GEN_PG_TRIGGERS=1: every counter table equal at
 * 20 000 requests). With the triggers the load is far slower: each row's
 * trigger updates a few hot counter rows, and inside a transaction every
 * such update leaves a version the next one walks past, so 10 000 requests
 * per transaction took 17-20 s and 250 per transaction 1.5 ms a request
 * (load 8 on 2 cores), 25 min for 1M.
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
 *  3. Deterministic for a given seed, and the same rows on both engines
 *     (on PostgreSQL decided_at, delivered_at and last_officer are in the
 *     request's row from the start; the counters end the same).
 */
#include <errno.h>
#include <getopt.h>
#include <libpq-fe.h>
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
/* PostgreSQL with GEN_PG_TRIGGERS=1: small transactions (see the top). */
#define PG_BATCH 250

/* A growing text buffer: one COPY stream's rows of the current batch. */
struct cbuf { char *p; size_t n, cap; };

struct gen {
	sqlite3 *db;                     /* SQLite: the store's connection */
	sqlite3_stmt *req, *ev, *sv, *ans, *times;
	PGconn *pg;                      /* PostgreSQL: a connection of our own */
	struct cbuf creq, cev, csv, cans;
	struct bd_rng rng;
	time_t t0, span;
	long nreq, nev, nsv, nans;
};

/* One event of a generated request's life, computed before anything is
 * written (the PostgreSQL rows carry decided_at & co. in the INSERT). */
struct gev {
	time_t at;
	const char *who;
	req_status from, to;
	char note[96];
};

static void cb_putc(struct cbuf *b, char c)
{
	if (b->n + 1 >= b->cap) {
		b->cap = b->cap ? b->cap * 2 : 1 << 20;
		b->p = xrealloc(b->p, b->cap);
	}
	b->p[b->n++] = c;
}

/* A COPY text field: NULL as \N, backslash, tab, newline, CR escaped;
 * sep is the character after it ('\t' or '\n'). */
static void cb_text(struct cbuf *b, const char *v, char sep)
{
	if (!v) {
		cb_putc(b, '\\');
		cb_putc(b, 'N');
	} else {
		for (; *v; v++) {
			char c = *v;

			if (c == '\\' || c == '\t' || c == '\n' || c == '\r') {
				cb_putc(b, '\\');
				c = c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : c;
			}
			cb_putc(b, c);
		}
	}
	cb_putc(b, sep);
}

static void cb_i64(struct cbuf *b, int64_t v, char sep)
{
	char num[24];

	snprintf(num, sizeof num, "%lld", (long long)v);
	cb_text(b, num, sep);
}

static int pg_fail(PGconn *c, PGresult *res, const char *what)
{
	fprintf(stderr, "gen: %s: %s", what, PQerrorMessage(c));
	PQclear(res);
	return 1;
}

static int pg_exec(PGconn *c, const char *sql)
{
	PGresult *res = PQexec(c, sql);

	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
		return pg_fail(c, res, sql);
	PQclear(res);
	return 0;
}

/* COPY table(cols) FROM STDIN with the rows in b; empties b. */
static int pg_copy(PGconn *c, const char *table_cols, struct cbuf *b)
{
	char *sql = xasprintf("COPY %s FROM STDIN", table_cols);
	PGresult *res = PQexec(c, sql);

	free(sql);
	if (PQresultStatus(res) != PGRES_COPY_IN)
		return pg_fail(c, res, table_cols);
	PQclear(res);
	if (PQputCopyData(c, b->p ? b->p : "", (int)b->n) != 1 || PQputCopyEnd(c, NULL) != 1)
		return pg_fail(c, NULL, table_cols);
	res = PQgetResult(c);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		return pg_fail(c, res, table_cols);
	PQclear(res);
	while ((res = PQgetResult(c)))
		PQclear(res);
	b->n = 0;
	return 0;
}

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

static int add_event(struct gen *g, int64_t id, const struct gev *e)
{
	sqlite3_stmt *st = g->ev;

	g->nev++;
	if (g->pg) {
		cb_i64(&g->cev, id, '\t');
		cb_i64(&g->cev, e->at, '\t');
		cb_text(&g->cev, e->who, '\t');
		cb_text(&g->cev, req_status_name(e->from), '\t');
		cb_text(&g->cev, req_status_name(e->to), '\t');
		cb_text(&g->cev, e->note, '\n');
		return 0;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, e->at);
	sqlite3_bind_text(st, 3, e->who, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, req_status_name(e->from), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, req_status_name(e->to), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, e->note, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE)
		return die_sql(g->db, "insert event");
	sqlite3_reset(st);
	return 0;
}

static struct gev *push_ev(struct gev *ev, int *n, time_t at, const char *who,
                           req_status from, req_status to, const char *note)
{
	struct gev *e = &ev[(*n)++];

	e->at = at;
	e->who = who;
	e->from = from;
	e->to = to;
	snprintf(e->note, sizeof e->note, "%s", note);
	return e;
}

/* The request's row as COPY text (PostgreSQL; the column list is REQ_COLS). */
#define REQ_COLS "requests(id, seq, ref, category, name, national_id, mobile, " \
	"email, member_number, member_id, service, channel, description, declared_at, " \
	"signature, declaration_version, declared_by, created_at, earliest_response, " \
	"status, assigned_to, decision_reason, field_match, version, updated_at, " \
	"name_key, decided_at, delivered_at, last_officer)"

static int gen_request(struct gen *g, int64_t id, long n)
{
	struct bd_req_buf b;
	struct request r;
	req_status chain[8], final, cur = RS_RECEIVED;
	char ref[16], officer[16], note[96];
	time_t created = g->t0 + (time_t)((double)g->span * (double)(id - 1) / (double)n);
	time_t now = g->t0 + g->span, at, decided = 0, delivered = 0;
	const char *last = NULL;      /* the last event's who, not the kiosk */
	const char *reason;
	const char *match;
	struct gev ev[16];
	int nchain, version = 1, nev = 0;
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
	version += (assigned ? 1 : 0) + (matched ? 1 : 0) + nchain;
	reason = final == RS_ACCEPTED || final == RS_REGISTERED || final == RS_DELIVERED
	         ? "meets the conditions" : final == RS_REJECTED ? "outside the service area"
	         : NULL;
	match = matched ? "name=1,national_id=1,mobile=1,category=1" : "";

	/* the events of its life so far (no randomness: the generated data is
	 * the same on both engines) */
	at = created;
	push_ev(ev, &nev, at, "kiosk", RS_RECEIVED, RS_RECEIVED, "submitted");
	if (assigned) {
		snprintf(note, sizeof note, "assigned to %s", officer);
		push_ev(ev, &nev, at += 3600, officer, cur, cur, note);
		last = officer;
	}
	if (matched) {
		push_ev(ev, &nev, at += 3600, officer, cur, cur,
		        "fields checked: name=1,national_id=1,mobile=1,category=1");
		last = officer;
	}
	for (int i = 0; i < nchain; i++) {
		const char *who = chain[i] == RS_ACCEPTED || chain[i] == RS_REJECTED
		                  ? "committee1" : officer;
		const char *why = chain[i] == RS_ACCEPTED ? "meets the conditions"
		                : chain[i] == RS_REJECTED ? "outside the service area" : "";

		push_ev(ev, &nev, at += 3600, who, cur, chain[i], why);
		if (chain[i] == RS_ACCEPTED || chain[i] == RS_REJECTED)
			decided = at;
		if (chain[i] == RS_DELIVERED)
			delivered = at;
		last = who;
		cur = chain[i];
	}
	at = created + (time_t)(1 + nchain + 2) * 3600;      /* updated_at */

	key = text_search_key(r.name);
	if (!key) {
		fprintf(stderr, "gen: text_search_key failed\n");
		return 1;
	}
	g->nreq++;
	if (g->pg) {
		/* decided_at, delivered_at and last_officer in the INSERT: the
		 * counter trigger counts a request inserted with them (schema_pg
		 * v1), so the counters end as the store's UPDATEs leave them */
		struct cbuf *c = &g->creq;

		cb_i64(c, id, '\t');
		cb_i64(c, id, '\t');
		cb_text(c, ref, '\t');
		cb_text(c, r.category, '\t');
		cb_text(c, r.name, '\t');
		cb_text(c, r.national_id, '\t');
		cb_text(c, r.mobile, '\t');
		cb_text(c, "", '\t');
		cb_text(c, "", '\t');
		cb_text(c, NULL, '\t');
		cb_text(c, r.service, '\t');
		cb_text(c, r.channel, '\t');
		cb_text(c, r.description, '\t');
		cb_i64(c, created, '\t');
		cb_text(c, r.signature, '\t');
		cb_i64(c, 1, '\t');
		cb_text(c, "kiosk", '\t');
		cb_i64(c, created, '\t');
		cb_i64(c, created + 14 * DAY_S, '\t');
		cb_text(c, req_status_name(final), '\t');
		cb_text(c, assigned ? officer : "", '\t');
		cb_text(c, reason, '\t');
		cb_text(c, match, '\t');
		cb_i64(c, version, '\t');
		cb_i64(c, at, '\t');
		cb_text(c, key, '\t');
		if (decided)
			cb_i64(c, decided, '\t');
		else
			cb_text(c, NULL, '\t');
		if (delivered)
			cb_i64(c, delivered, '\t');
		else
			cb_text(c, NULL, '\t');
		cb_text(c, last ? last : "", '\n');
		free(key);
		for (int i = 0; i < nev; i++)
			add_event(g, id, &ev[i]);
		return 0;
	}

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
	if (reason)
		sqlite3_bind_text(st, 17, reason, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 17);
	sqlite3_bind_text(st, 18, match, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 19, version);
	sqlite3_bind_int64(st, 20, at);
	sqlite3_bind_text(st, 21, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		free(key);
		return die_sql(g->db, "insert request");
	}
	sqlite3_reset(st);
	free(key);

	for (int i = 0; i < nev; i++)
		if (add_event(g, id, &ev[i]))
			return 1;
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

#define SV_COLS "survey_responses(id, day, channel, comment, service, " \
	"off_verified, off_registered, off_delivered)"
#define ANS_COLS "survey_answers(response_id, question, score)"

static int gen_survey(struct gen *g, int64_t id, long n, long nreq)
{
	time_t t = g->t0 + (time_t)((double)g->span * (double)(id - 1) / (double)n);
	struct tm tm;
	sqlite3_stmt *st = g->sv;
	const char *channel, *comment = NULL, *service = "";
	char off[3][16];
	time_t day;

	localtime_r(&t, &tm);
	tm.tm_mday = 1;                 /* kept by month (schema v9) */
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	day = mktime(&tm);
	channel = bd_channels[bd_below(&g->rng, BD_LEN(bd_channels))];
	if (bd_below(&g->rng, 10) == 0)
		comment = bd_below(&g->rng, 2) ? "شكراً على حسن الاستقبال"
		          : "Quick and friendly service.";
	/* 30 % linked at the kiosk: the service and the officers credited
	 * (who verified, registered, delivered), never the request */
	for (int i = 0; i < 3; i++)
		off[i][0] = '\0';
	if (nreq > 0 && bd_below(&g->rng, 10) < 3) {
		service = bd_services[bd_below(&g->rng, BD_LEN(bd_services))];
		for (int i = 0; i < 3; i++)
			snprintf(off[i], sizeof off[i], "off%02u", bd_below(&g->rng, 20) + 1);
	}
	if (g->pg) {
		cb_i64(&g->csv, id, '\t');
		cb_i64(&g->csv, day, '\t');
		cb_text(&g->csv, channel, '\t');
		cb_text(&g->csv, comment, '\t');
		cb_text(&g->csv, service, '\t');
		for (int i = 0; i < 3; i++)
			cb_text(&g->csv, off[i], i == 2 ? '\n' : '\t');
	} else {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)day);
		sqlite3_bind_text(st, 3, channel, -1, SQLITE_STATIC);
		if (comment)
			sqlite3_bind_text(st, 4, comment, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 4);
		sqlite3_bind_text(st, 5, service, -1, SQLITE_STATIC);
		for (int i = 0; i < 3; i++)
			sqlite3_bind_text(st, 6 + i, off[i], -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE)
			return die_sql(g->db, "insert survey");
		sqlite3_reset(st);
	}
	g->nsv++;
	for (uint32_t q = 0; q < BD_LEN(bd_questions); q++) {
		int score = bd_below(&g->rng, 100) < 3 ? 0 : 1 + (int)bd_below(&g->rng, 5);

		/* skew towards satisfied visitors, as real surveys are */
		if (score && score < 4 && bd_below(&g->rng, 2))
			score += 2;
		g->nans++;
		if (g->pg) {
			cb_i64(&g->cans, id, '\t');
			cb_text(&g->cans, bd_questions[q], '\t');
			cb_i64(&g->cans, score, '\n');
			continue;
		}
		sqlite3_bind_int64(g->ans, 1, id);
		sqlite3_bind_text(g->ans, 2, bd_questions[q], -1, SQLITE_STATIC);
		sqlite3_bind_int(g->ans, 3, score);
		if (sqlite3_step(g->ans) != SQLITE_DONE)
			return die_sql(g->db, "insert answer");
		sqlite3_reset(g->ans);
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

/* A batch's start and end: SQLite, one write transaction around the
 * prepared INSERTs; PostgreSQL, the rows gathered in memory, then sent by
 * COPY (parents first) in one transaction. */
static int batch_begin(struct gen *g)
{
	return g->pg ? 0 : exec(g->db, "BEGIN IMMEDIATE");
}

static int batch_end(struct gen *g, bool surveys)
{
	if (!g->pg)
		return exec(g->db, "COMMIT");
	if (pg_exec(g->pg, "BEGIN"))
		return 1;
	if (surveys ? pg_copy(g->pg, SV_COLS, &g->csv) || pg_copy(g->pg, ANS_COLS, &g->cans)
	            : pg_copy(g->pg, REQ_COLS, &g->creq) || pg_copy(g->pg, "request_events("
	                      "request_id, at, who, from_status, to_status, note)", &g->cev))
		return 1;
	return pg_exec(g->pg, "COMMIT");
}

/* The report's counters as the triggers leave them (schema_pg.c v1:
 * khidma_requests_counters, khidma_requests_branch_seq,
 * khidma_survey_answers_summary), computed over the loaded rows in one pass
 * each instead of one trigger call per row. The survey summaries: a
 * response's class is its integer mean t / c over its scored answers (1-5)
 * and its msum share t * 720720 / c — what the trigger's per-answer deltas
 * add up to once all of a response's answers are in. GEN_PG_TRIGGERS=1
 * loads with the triggers instead (slow; to check these against them). */
static const char *const pg_counters_sql[] = {
	"INSERT INTO request_days(day, status, service, n) "
	"SELECT khidma_dayof(created_at), status, service, count(*) FROM requests "
	"GROUP BY 1, 2, 3",
	"INSERT INTO request_durations(kind, bucket, n) "
	"SELECT 'decided', khidma_hourof(decided_at - created_at), count(*) FROM requests "
	"WHERE decided_at IS NOT NULL GROUP BY 2 UNION ALL "
	"SELECT 'delivered', khidma_hourof(delivered_at - created_at), count(*) FROM requests "
	"WHERE delivered_at IS NOT NULL GROUP BY 2",
	"INSERT INTO branch_seq AS b(branch, last) SELECT branch, max(seq) FROM requests "
	"GROUP BY branch ON CONFLICT (branch) DO UPDATE SET last = greatest(b.last, excluded.last)",
	"UPDATE survey_responses r SET s1 = a.s1, s2 = a.s2, s3 = a.s3, s4 = a.s4, s5 = a.s5 "
	"FROM (SELECT response_id, count(*) FILTER (WHERE score = 1) AS s1, "
	"count(*) FILTER (WHERE score = 2) AS s2, count(*) FILTER (WHERE score = 3) AS s3, "
	"count(*) FILTER (WHERE score = 4) AS s4, count(*) FILTER (WHERE score = 5) AS s5 "
	"FROM survey_answers WHERE score BETWEEN 1 AND 5 GROUP BY response_id) a "
	"WHERE r.id = a.response_id",
	"INSERT INTO survey_days(day, question, score, n) "
	"SELECT r.day, a.question, a.score, count(*) FROM survey_answers a "
	"JOIN survey_responses r ON r.id = a.response_id WHERE a.score BETWEEN 1 AND 5 "
	"GROUP BY 1, 2, 3",
	"CREATE TEMP VIEW gen_sv AS SELECT id, day, channel, off_verified, off_registered, "
	"off_delivered, (s1 + 2 * s2 + 3 * s3 + 4 * s4 + 5 * s5) / (s1 + s2 + s3 + s4 + s5) AS k, "
	"(s1 + 2 * s2 + 3 * s3 + 4 * s4 + 5 * s5) * 720720 / (s1 + s2 + s3 + s4 + s5) AS m "
	"FROM survey_responses WHERE s1 + s2 + s3 + s4 + s5 > 0",
	"INSERT INTO survey_channel_days(day, channel, s1, s2, s3, s4, s5, responses, msum) "
	"SELECT day, channel, count(*) FILTER (WHERE k = 1), count(*) FILTER (WHERE k = 2), "
	"count(*) FILTER (WHERE k = 3), count(*) FILTER (WHERE k = 4), "
	"count(*) FILTER (WHERE k = 5), count(*), sum(m) FROM gen_sv GROUP BY 1, 2",
	"INSERT INTO survey_officer_days(day, officer, s1, s2, s3, s4, s5, responses, msum) "
	"SELECT day, officer, count(*) FILTER (WHERE k = 1), count(*) FILTER (WHERE k = 2), "
	"count(*) FILTER (WHERE k = 3), count(*) FILTER (WHERE k = 4), "
	"count(*) FILTER (WHERE k = 5), count(*), sum(m) FROM (SELECT DISTINCT v.id, v.day, "
	"u.officer, v.k, v.m FROM gen_sv v, unnest(ARRAY[v.off_verified, v.off_registered, "
	"v.off_delivered]) AS u(officer) WHERE u.officer <> '') o GROUP BY 1, 2",
	"DROP VIEW gen_sv",
};

/* PostgreSQL after the load: the counters (unless the triggers kept them);
 * the identity columns were given their values, so their sequences move
 * past them (the next submit takes MAX + 1); and the planner gets its
 * statistics (autovacuum would, some time later). */
static int pg_finish(struct gen *g, bool triggers)
{
	if (!triggers) {
		if (pg_exec(g->pg, "BEGIN"))
			return 1;
		for (size_t i = 0; i < ARRAY_LEN(pg_counters_sql); i++)
			if (pg_exec(g->pg, pg_counters_sql[i]))
				return 1;
		if (pg_exec(g->pg, "COMMIT") || pg_exec(g->pg, "SET session_replication_role = origin"))
			return 1;
	}
	return pg_exec(g->pg, "SELECT setval(pg_get_serial_sequence('requests', 'id'), "
	               "coalesce((SELECT max(id) FROM requests), 0) + 1, false)") ||
	       pg_exec(g->pg, "SELECT setval(pg_get_serial_sequence('survey_responses', 'id'), "
	               "coalesce((SELECT max(id) FROM survey_responses), 0) + 1, false)") ||
	       pg_exec(g->pg, "VACUUM (ANALYZE)") ||
	       pg_exec(g->pg, "CHECKPOINT");
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
	int c, rc = 1, batch = BATCH;
	bool pg_triggers = false;

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

	g.rng.s = seed;
	g.span = 3 * 365 * (time_t)DAY_S;
	g.t0 = khidma_now() - g.span;
	if (store_uri_is_pg(path)) {
		int64_t have = 0;

		if (store_sql_i64(s, "SELECT count(*) FROM requests", &have) != ST_OK || have) {
			fprintf(stderr, "gen: %s: %s\n", path, have ? "the database already "
			        "holds requests: generate into an empty one" : store_errmsg(s));
			goto out;
		}
		g.pg = PQconnectdb(path);
		if (PQstatus(g.pg) != CONNECTION_OK) {
			fprintf(stderr, "gen: %s: %s", path, PQerrorMessage(g.pg));
			goto out;
		}
		PQsetClientEncoding(g.pg, "UTF8");
		pg_triggers = getenv("GEN_PG_TRIGGERS") && atoi(getenv("GEN_PG_TRIGGERS"));
		batch = pg_triggers ? PG_BATCH : BATCH;
		/* the load only (as SQLite's synchronous=OFF below): the
		 * benchmarks connect with the server's durable settings */
		if (pg_exec(g.pg, "SET synchronous_commit = off") ||
		    (!pg_triggers && pg_exec(g.pg, "SET session_replication_role = replica")))
			goto out;
	} else {
		g.db = store_db(s);
		if (exec(g.db, "PRAGMA synchronous=OFF") || exec(g.db, "PRAGMA cache_size=-131072") ||
		    prepare(&g))
			goto out;
	}
	for (long i = 1; i <= n; i++) {
		if ((i - 1) % batch == 0 && batch_begin(&g))
			goto out;
		if (gen_request(&g, i, n))
			goto out;
		if ((i % batch == 0 || i == n) && batch_end(&g, false))
			goto out;
	}
	for (long i = 1; i <= nsurvey; i++) {
		if ((i - 1) % batch == 0 && batch_begin(&g))
			goto out;
		if (gen_survey(&g, i, nsurvey, n))
			goto out;
		if ((i % batch == 0 || i == nsurvey) && batch_end(&g, true))
			goto out;
	}
	/* what `khidma init` does on a real branch (after the bulk load: one sort) */
	if (report_ensure_indexes(s) != ST_OK) {
		fprintf(stderr, "gen: report_ensure_indexes: %s\n", store_errmsg(s));
		goto out;
	}
	if (g.pg ? pg_finish(&g, pg_triggers) : exec(g.db, "PRAGMA wal_checkpoint(TRUNCATE)"))
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
	if (g.pg)
		PQfinish(g.pg);
	free(g.creq.p);
	free(g.cev.p);
	free(g.csv.p);
	free(g.cans.p);
	store_close(s);
	return rc;
}
