/*
 * store/report — report_build: the read transaction, the counts and the
 * overdue list, and the statistics helpers (Wilson interval, percentile);
 * see report.h for what each figure means. Processing times are in
 * report_times.c, satisfaction in report_sat.c, the renderers in
 * report_render.c.
 *
 * Performance (bench/gen: 1M requests, 6.5M events, 200k survey responses
 * with 1M answers): schema v4 keeps summaries beside the rows
 * (requests.decided_at and delivered_at, survey_responses.s1..s5,
 * survey_days, survey_channel_days) by triggers in the writing transaction,
 * so no part of the report joins events or reads the answers; schema v5
 * adds counters (request_days, request_durations), so the counts read a
 * few rows per day instead of every request, and the whole-time
 * percentiles find their bucket in C and seek in the duration index
 * (report_times.c); v9 keeps the per-officer sums by day
 * (survey_officer_days, credited at delivery), so no report looks up a
 * request for satisfaction. Satisfaction reads a few rows per day. Figures before/after (1M: 596 ms → ~32 ms CPU) are in
 * the commits that made it so and bench/README.md.
 *
 * Invariants:
 *  1. One read transaction for the whole report (a consistent snapshot).
 *  2. Reads only: report_ensure_indexes only checks.
 */
#include "store/report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "store/report_int.h"

#define DAY REPORT_DAY

/* The indexes and summaries come with the schema (v4); check they are there. */
st_rc
report_ensure_indexes(store *s)
{
	static const char *const need[] = {
		"request_days", "request_durations", "survey_officer_days",
		"requests_decided", "requests_delivered", "survey_days",
		"survey_channel_days",
	};
	sq_stmt *st;
	st_rc e;
	int rc;

	for (size_t i = 0; i < ARRAY_LEN(need); i++) {
		/* the catalog of each engine: SQLite's schema table, PostgreSQL's
		 * relations visible on the search path (tables and indexes) */
		if ((e = st_prep(s, sq_dialect(s) == SQ_PG
		                 ? "SELECT 1 FROM pg_class WHERE relname = ? AND "
		                   "pg_table_is_visible(oid)"
		                 : "SELECT 1 FROM sqlite_schema WHERE name = ?", &st)))
			return e;
		sq_bind_text(st, 1, need[i]);
		rc = sq_step(st);
		sq_finalize(st);
		if (rc == SQ_DONE)
			return ST_INVALID;
		if (rc != SQ_ROW)
			return sq_map(rc);
	}
	return ST_OK;
}

void
report_wilson(int64_t k, int64_t n, double *lo, double *hi)
{
	const double z = 1.959963984540054;
	double p, den, centre, half;

	if (n <= 0) {
		*lo = *hi = 0;
		return;
	}
	p = (double)k / (double)n;
	den = 1 + z * z / (double)n;
	centre = (p + z * z / (2.0 * (double)n)) / den;
	half = z / den * sqrt(p * (1 - p) / (double)n +
	                      z * z / (4.0 * (double)n * (double)n));
	*lo = centre - half < 0 ? 0 : centre - half;
	*hi = centre + half > 1 ? 1 : centre + half;
}

double
report_percentile(const double *x, int64_t n, double p)
{
	double h, f;
	int64_t i;

	if (n <= 0)
		return 0;
	h = (double)(n - 1) * p;
	i = (int64_t)floor(h);
	f = h - (double)i;
	if (i + 1 >= n)
		return x[n - 1];
	return x[i] + f * (x[i + 1] - x[i]);
}

st_rc
report_prep_period(store *s, const char *sql, const struct period *p, sq_stmt **st)
{
	st_rc r;

	if ((r = st_prep(s, sql, st)) != ST_OK)
		return r;
	sq_bind_i64(*st, 1, p->since);
	sq_bind_i64(*st, 2, p->until);
	return ST_OK;
}

/* A service's count while counting: the full code (the array keeps a copy
 * cut to its size) and n. */
struct svc { char *code; int64_t n; };

static int
cmp_svc(const void *a, const void *b)
{
	const struct svc *x = a, *y = b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;       /* by count, descending */
	return strcmp(x->code, y->code);       /* then code (SQLite's BINARY) */
}

/* Add one (status, service, n) row to the counts. */
static void
count_row(struct report *r, struct svc **sv, int *nsv, int *cap,
          const char *status, const char *code, int64_t n)
{
	req_status rs;
	int i;

	if (n == 0)
		return;
	if (req_status_parse(status, &rs))
		r->by_status[rs] += n;
	r->total += n;
	if (code == NULL)
		code = "";
	for (i = 0; i < *nsv && strcmp((*sv)[i].code, code) != 0; i++)
		;
	if (i == *nsv) {
		if (*nsv == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			*sv = xrealloc(*sv, (size_t)*cap * sizeof **sv);
		}
		(*sv)[i].code = xstrdup(code);
		(*sv)[(*nsv)++].n = 0;
	}
	(*sv)[i].n += n;
}

/* Run st (bound) and add its (status, service, n) rows to the counts. */
static st_rc
count_rows(sq_stmt *st, struct report *r, struct svc **sv, int *nsv,
           int *cap)
{
	int rc;

	while ((rc = sq_step(st)) == SQ_ROW)
		count_row(r, sv, nsv, cap, (const char *)sq_col_text(st, 0),
		          (const char *)sq_col_text(st, 1),
		          sq_col_i64(st, 2));
	sq_finalize(st);
	return rc == SQ_DONE ? ST_OK : sq_map(rc);
}

/* Requests by status and by service. The whole UTC days inside the period
 * come from the counter table request_days (schema v5: a row per status,
 * service and day, walked in key order, no sort); the parts of a day at either end of a bounded period from the
 * requests themselves, through requests_created. */
static st_rc
counts(store *s, const struct period *p, struct report *r)
{
	/* the index hint is SQLite's; PostgreSQL has no such clause */
	const char *edge_sql = sq_dialect(s) == SQ_PG ?
	    "SELECT status, service, count(*) FROM "
	    "requests WHERE created_at >= ?1 AND "
	    "created_at < ?2 GROUP BY status, service" :
	    "SELECT status, service, count(*) FROM "
	    "requests INDEXED BY requests_created WHERE created_at >= ?1 AND "
	    "created_at < ?2 GROUP BY status, service";
	sq_stmt *st;
	struct svc *sv = NULL;
	struct period days = { INT64_MIN, INT64_MAX }, edge;
	st_rc e = ST_OK;
	int nsv = 0, cap = 0, i;

	/* days [days.since, days.until) lie whole inside the period */
	if (p->since != INT64_MIN)
		days.since = report_floordiv(p->since, REPORT_DAY) +
		             (report_floordiv(p->since, REPORT_DAY) * REPORT_DAY < p->since);
	if (p->until != INT64_MAX)
		days.until = report_floordiv(p->until, REPORT_DAY);
	if (days.since >= days.until) {          /* no whole day: the rows */
		if ((e = report_prep_period(s, edge_sql, p, &st)) == ST_OK)
			e = count_rows(st, r, &sv, &nsv, &cap);
	} else {
		if ((e = report_prep_period(s, "SELECT status, service, sum(n) FROM "
		    "request_days WHERE day >= ?1 AND day < ?2 GROUP BY status, "
		    "service", &days, &st)) == ST_OK)
			e = count_rows(st, r, &sv, &nsv, &cap);
		if (e == ST_OK && p->since != INT64_MIN &&
		    p->since < days.since * REPORT_DAY) {
			edge.since = p->since;
			edge.until = days.since * REPORT_DAY;
			if ((e = report_prep_period(s, edge_sql, &edge, &st)) == ST_OK)
				e = count_rows(st, r, &sv, &nsv, &cap);
		}
		if (e == ST_OK && p->until != INT64_MAX &&
		    days.until * REPORT_DAY < p->until) {
			edge.since = days.until * REPORT_DAY;
			edge.until = p->until;
			if ((e = report_prep_period(s, edge_sql, &edge, &st)) == ST_OK)
				e = count_rows(st, r, &sv, &nsv, &cap);
		}
	}
	/* services that every counter row of gives 0 are not listed */
	for (i = 0; i < nsv; ) {
		if (sv[i].n == 0) {
			free(sv[i].code);
			sv[i] = sv[--nsv];
		} else {
			i++;
		}
	}
	if (e == ST_OK && nsv > 0) {
		qsort(sv, (size_t)nsv, sizeof *sv, cmp_svc);
		r->by_service = xcalloc((size_t)nsv, sizeof *r->by_service);
		for (i = 0; i < nsv; i++) {
			strlcpy_k(r->by_service[i].code, sv[i].code,
			          sizeof r->by_service[i].code);
			r->by_service[i].n = sv[i].n;
		}
		r->nservice = nsv;
	}
	for (i = 0; i < nsv; i++)
		free(sv[i].code);
	free(sv);
	return e;
}

static st_rc
overdue(store *s, const struct period *p, time_t now, struct report *r)
{
	struct period q = *p;
	sq_stmt *st;
	struct report_overdue *o;
	st_rc e;
	int rc;

	if (now - (int64_t)r->sla_days * DAY < q.until)
		q.until = now - (int64_t)r->sla_days * DAY;
	/* the queue's rule (store/queue.c invariant 4, schema.c invariant 11):
	 * the clock stops while the request waits for the member */
	if ((e = report_prep_period(s, "SELECT count(*) FROM requests WHERE status IN "
	    ST_OPEN_SQL " AND status <> 'needs_info' AND created_at >= ?1 AND"
	    " created_at < ?2 AND created_at + paused_s < ?3", &q, &st)))
		return e;
	sq_bind_i64(st, 3, (int64_t)(now - (int64_t)r->sla_days * DAY));
	if ((rc = sq_step(st)) == SQ_ROW)
		r->overdue_total = sq_col_i64(st, 0);
	sq_finalize(st);
	if (rc != SQ_ROW)
		return sq_map(rc);

	if ((e = report_prep_period(s, "SELECT ref, service, channel, status, created_at,"
	    " earliest_response, assigned_to, paused_s FROM requests WHERE status IN "
	    ST_OPEN_SQL " AND status <> 'needs_info' AND created_at >= ?1 AND"
	    " created_at < ?2 AND created_at + paused_s < ?4 "
	    "ORDER BY created_at, id LIMIT ?3", &q, &st)))
		return e;
	sq_bind_i64(st, 3, REPORT_OVERDUE_MAX);
	sq_bind_i64(st, 4, (int64_t)(now - (int64_t)r->sla_days * DAY));
	r->overdue = xcalloc(REPORT_OVERDUE_MAX, sizeof *r->overdue);
	while ((rc = sq_step(st)) == SQ_ROW &&
	       r->noverdue < REPORT_OVERDUE_MAX) {
		o = &r->overdue[r->noverdue++];
		st_col_copy(st, 0, o->ref, sizeof o->ref);
		st_col_copy(st, 1, o->service, sizeof o->service);
		st_col_copy(st, 2, o->channel, sizeof o->channel);
		req_status_parse((const char *)sq_col_text(st, 3), &o->status);
		o->created_at = (time_t)sq_col_i64(st, 4);
		o->earliest_response = (time_t)sq_col_i64(st, 5);
		st_col_copy(st, 6, o->assigned_to, sizeof o->assigned_to);
		/* the society's days: the member's (needs_info) not counted */
		o->days_open = (int)((now - o->created_at - sq_col_i64(st, 7)) / DAY);
	}
	sq_finalize(st);
	return rc == SQ_DONE || rc == SQ_ROW ? ST_OK : sq_map(rc);
}

/* Issue 13: requests by status per branch — on PostgreSQL the whole days
 * from request_branch_days (schema_pg v6, a row per branch, status and
 * day), the partial days at the ends from the requests, as counts();
 * on SQLite the file is one branch: its column is r->by_status. Names from
 * the branches catalog. */
static struct report_branch *
branch_slot(struct report *r, const char *code)
{
	int i;

	for (i = 0; i < r->nbranch; i++)
		if (strcmp(r->by_branch[i].code, code) == 0)
			return &r->by_branch[i];
	for (i = 0; i < r->nbranch && strcmp(r->by_branch[i].code, code) < 0; i++)
		;
	r->by_branch = xrealloc(r->by_branch, (size_t)(r->nbranch + 1) *
	                        sizeof *r->by_branch);
	memmove(&r->by_branch[i + 1], &r->by_branch[i],
	        (size_t)(r->nbranch - i) * sizeof *r->by_branch);
	memset(&r->by_branch[i], 0, sizeof *r->by_branch);
	strlcpy_k(r->by_branch[i].code, code, sizeof r->by_branch[i].code);
	r->nbranch++;
	return &r->by_branch[i];
}

static st_rc
branch_rows(sq_stmt *st, struct report *r)
{
	int rc;

	while ((rc = sq_step(st)) == SQ_ROW) {
		const char *code = (const char *)sq_col_text(st, 0);
		req_status stt;
		struct report_branch *b;

		if (!code || !req_status_parse((const char *)sq_col_text(st, 1), &stt) ||
		    sq_col_i64(st, 2) == 0)
			continue;
		b = branch_slot(r, code);
		b->by_status[stt] += sq_col_i64(st, 2);
		b->total += sq_col_i64(st, 2);
	}
	sq_finalize(st);
	return rc == SQ_DONE ? ST_OK : sq_map(rc);
}

static st_rc
branch_counts(store *s, const struct period *p, struct report *r)
{
	static const char edge_sql[] = "SELECT branch, status, count(*) FROM "
	    "requests WHERE created_at >= ?1 AND created_at < ?2 GROUP BY 1, 2";
	struct period days = { INT64_MIN, INT64_MAX }, edge;
	sq_stmt *st;
	st_rc e = ST_OK;
	int rc;

	if (sq_dialect(s) != SQ_PG) {
		struct report_branch *b = branch_slot(r, store_branch(s));

		memcpy(b->by_status, r->by_status, sizeof b->by_status);
		b->total = r->total;
	} else {
		if (p->since != INT64_MIN)
			days.since = report_floordiv(p->since, REPORT_DAY) +
			             (report_floordiv(p->since, REPORT_DAY) * REPORT_DAY < p->since);
		if (p->until != INT64_MAX)
			days.until = report_floordiv(p->until, REPORT_DAY);
		if (days.since >= days.until) {
			if ((e = report_prep_period(s, edge_sql, p, &st)) == ST_OK)
				e = branch_rows(st, r);
		} else {
			if ((e = report_prep_period(s, "SELECT branch, status, sum(n) FROM "
			    "request_branch_days WHERE day >= ?1 AND day < ?2 GROUP BY 1, 2",
			    &days, &st)) == ST_OK)
				e = branch_rows(st, r);
			if (e == ST_OK && p->since != INT64_MIN &&
			    p->since < days.since * REPORT_DAY) {
				edge.since = p->since;
				edge.until = days.since * REPORT_DAY;
				if ((e = report_prep_period(s, edge_sql, &edge, &st)) == ST_OK)
					e = branch_rows(st, r);
			}
			if (e == ST_OK && p->until != INT64_MAX &&
			    days.until * REPORT_DAY < p->until) {
				edge.since = days.until * REPORT_DAY;
				edge.until = p->until;
				if ((e = report_prep_period(s, edge_sql, &edge, &st)) == ST_OK)
					e = branch_rows(st, r);
			}
		}
		if (e != ST_OK)
			return e;
	}
	/* the names (a file below schema v16 has no catalog: codes only) */
	if (st_prep(s, "SELECT code, name_en, name_ar FROM branches", &st) != ST_OK)
		return ST_OK;
	while ((rc = sq_step(st)) == SQ_ROW)
		for (int i = 0; i < r->nbranch; i++)
			if (strcmp(r->by_branch[i].code, (const char *)sq_col_text(st, 0)) == 0) {
				st_col_copy(st, 1, r->by_branch[i].name_en,
				            sizeof r->by_branch[i].name_en);
				st_col_copy(st, 2, r->by_branch[i].name_ar,
				            sizeof r->by_branch[i].name_ar);
			}
	sq_finalize(st);
	return rc == SQ_DONE ? ST_OK : sq_map(rc);
}

st_rc
report_build(store *s, const struct report_opts *o, struct report **out)
{
	struct report *r;
	struct period p;
	bool own_tx;
	time_t now = khidma_now();
	st_rc e;

	*out = NULL;
	r = xcalloc(1, sizeof *r);
	r->generated_at = now;
	r->since = o ? o->since : 0;
	r->until = o ? o->until : 0;
	r->sla_days = o && o->sla_days > 0 ? o->sla_days : 30;
	r->min_n = o && o->min_n > REPORT_MIN_N ? o->min_n : REPORT_MIN_N;
	p.since = r->since ? (int64_t)r->since : INT64_MIN;
	p.until = r->until ? (int64_t)r->until : INT64_MAX;

	/* One read transaction: every figure from the same snapshot. */
	own_tx = !sq_in_tx(s) != 0;
	if (own_tx && (e = sq_exec(s, "BEGIN")))
		goto fail;
	if ((e = counts(s, &p, r)) || (e = branch_counts(s, &p, r)) ||
	    (e = overdue(s, &p, now, r)) ||
	    (e = report_times(s, &p, r)) || (e = report_satisfaction(s, &p, r))) {
		if (own_tx)
			sq_rollback(s);
		goto fail;
	}
	if (own_tx && (e = sq_exec(s, "COMMIT"))) {
		sq_rollback(s);
		goto fail;
	}
	*out = r;
	return ST_OK;
fail:
	report_free(r);
	return e;
}

void
report_free(struct report *r)
{
	if (r == NULL)
		return;
	free(r->by_service);
	free(r->overdue);
	free(r->by_question);
	free(r->by_channel);
	free(r->by_officer);
	free(r->by_branch);
	free(r);
}
