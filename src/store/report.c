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
 * so no part of the report joins events or reads the answers: the counts
 * are one scan of the covering index requests_counts, percentiles are
 * OFFSET walks on an index of the durations, satisfaction reads a few rows
 * per day. Figures before/after are in the commit that made it so.
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
		"request_events_to", "requests_counts", "requests_officer",
		"requests_decided", "requests_delivered", "survey_days",
		"survey_channel_days", "survey_responses_linked",
	};
	sqlite3_stmt *st;
	st_rc e;
	int rc;

	for (size_t i = 0; i < ARRAY_LEN(need); i++) {
		if ((e = st_prep(s, "SELECT 1 FROM sqlite_schema WHERE name = ?", &st)))
			return e;
		sqlite3_bind_text(st, 1, need[i], -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc == SQLITE_DONE)
			return ST_INVALID;
		if (rc != SQLITE_ROW)
			return st_map(rc);
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
report_prep_period(store *s, const char *sql, const struct period *p, sqlite3_stmt **st)
{
	st_rc r;

	if ((r = st_prep(s, sql, st)) != ST_OK)
		return r;
	sqlite3_bind_int64(*st, 1, p->since);
	sqlite3_bind_int64(*st, 2, p->until);
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

/* Requests by status and by service: one scan of the covering index
 * requests_counts (status, service, created_at), grouped by both. */
static st_rc
counts(store *s, const struct period *p, struct report *r)
{
	sqlite3_stmt *st;
	struct svc *sv = NULL;
	const char *code;
	req_status rs;
	int64_t n;
	st_rc e;
	int rc, nsv = 0, cap = 0, i;

	if ((e = report_prep_period(s, "SELECT status, service, count(*) FROM "
	    "requests INDEXED BY requests_counts WHERE created_at >= ?1 AND "
	    "created_at < ?2 GROUP BY status, service", p, &st)))
		return e;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		n = sqlite3_column_int64(st, 2);
		if (req_status_parse((const char *)sqlite3_column_text(st, 0), &rs))
			r->by_status[rs] += n;
		r->total += n;
		code = (const char *)sqlite3_column_text(st, 1);
		if (code == NULL)
			code = "";
		for (i = 0; i < nsv && strcmp(sv[i].code, code) != 0; i++)
			;
		if (i == nsv) {
			if (nsv == cap) {
				cap = cap ? cap * 2 : 16;
				sv = xrealloc(sv, (size_t)cap * sizeof *sv);
			}
			sv[nsv].code = xstrdup(code);
			sv[nsv++].n = 0;
		}
		sv[i].n += n;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE && nsv > 0) {
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
	return rc == SQLITE_DONE ? ST_OK : st_map(rc);
}

static st_rc
overdue(store *s, const struct period *p, time_t now, struct report *r)
{
	struct period q = *p;
	sqlite3_stmt *st;
	struct report_overdue *o;
	st_rc e;
	int rc;

	if (now - (int64_t)r->sla_days * DAY < q.until)
		q.until = now - (int64_t)r->sla_days * DAY;
	if ((e = report_prep_period(s, "SELECT count(*) FROM requests WHERE status IN "
	    ST_OPEN_SQL " AND created_at >= ?1 AND created_at < ?2", &q, &st)))
		return e;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		r->overdue_total = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return st_map(rc);

	if ((e = report_prep_period(s, "SELECT ref, service, channel, status, created_at,"
	    " earliest_response, assigned_to FROM requests WHERE status IN "
	    ST_OPEN_SQL " AND created_at >= ?1 AND created_at < ?2 "
	    "ORDER BY created_at, id LIMIT ?3", &q, &st)))
		return e;
	sqlite3_bind_int(st, 3, REPORT_OVERDUE_MAX);
	r->overdue = xcalloc(REPORT_OVERDUE_MAX, sizeof *r->overdue);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	       r->noverdue < REPORT_OVERDUE_MAX) {
		o = &r->overdue[r->noverdue++];
		st_col_copy(st, 0, o->ref, sizeof o->ref);
		st_col_copy(st, 1, o->service, sizeof o->service);
		st_col_copy(st, 2, o->channel, sizeof o->channel);
		req_status_parse((const char *)sqlite3_column_text(st, 3), &o->status);
		o->created_at = (time_t)sqlite3_column_int64(st, 4);
		o->earliest_response = (time_t)sqlite3_column_int64(st, 5);
		st_col_copy(st, 6, o->assigned_to, sizeof o->assigned_to);
		o->days_open = (int)((now - o->created_at) / DAY);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? ST_OK : st_map(rc);
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
	own_tx = sqlite3_get_autocommit(s->db) != 0;
	if (own_tx && (e = st_map(sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL))))
		goto fail;
	if ((e = counts(s, &p, r)) || (e = overdue(s, &p, now, r)) ||
	    (e = report_times(s, &p, r)) || (e = report_satisfaction(s, &p, r))) {
		if (own_tx)
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		goto fail;
	}
	if (own_tx && (e = st_map(sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL)))) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
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
	free(r);
}
