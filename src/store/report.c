/*
 * store/report — report_build: the SQL and the aggregation; see report.h
 * for what each figure means. The renderers are in report_render.c.
 *
 * Performance (1M requests, ~3M events, 200k survey responses with 1M
 * answers; 2 cores): every table is read by ONE sequential scan, and the
 * joins are done in memory on arrays indexed by id (SQLite's ids are
 * max+1, so dense): request receipt times from the covering index
 * requests_created, then the decision/delivery events through
 * request_events_to (report_ensure_indexes); the responses' month, channel
 * and officer, then the answers in rowid order. Per-row B-tree seeks (what
 * SQLite's nested-loop joins would do) cost 3-4x more. Measured ~1.1 s of
 * CPU for the whole report on that data: above the 300 ms target; the
 * remaining cost is the scans themselves (~1M rows each), which only
 * counters maintained at write time (a store schema step) would remove.
 * Percentiles: the durations are sorted in C (qsort), not by SQL.
 */
#include "store/report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "store/store_int.h"

#define DAY 86400

struct period { int64_t since, until; };

st_rc
report_ensure_indexes(store *s)
{
	return st_map(sqlite3_exec(s->db,
	    "CREATE INDEX IF NOT EXISTS request_events_to ON "
	    "request_events(to_status, from_status, request_id, at)",
	    NULL, NULL, NULL));
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

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static st_rc
prep_period(store *s, const char *sql, const struct period *p, sqlite3_stmt **st)
{
	st_rc r;

	if ((r = st_prep(s, sql, st)) != ST_OK)
		return r;
	sqlite3_bind_int64(*st, 1, p->since);
	sqlite3_bind_int64(*st, 2, p->until);
	return ST_OK;
}

static st_rc
counts(store *s, const struct period *p, struct report *r)
{
	sqlite3_stmt *st;
	req_status rs;
	st_rc e;
	int rc, cap = 0;

	if ((e = prep_period(s, "SELECT status, count(*) FROM requests "
	    "WHERE created_at >= ?1 AND created_at < ?2 GROUP BY status", p, &st)))
		return e;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (req_status_parse((const char *)sqlite3_column_text(st, 0), &rs))
			r->by_status[rs] = sqlite3_column_int64(st, 1);
		r->total += sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return st_map(rc);

	if ((e = prep_period(s, "SELECT service, count(*) FROM requests "
	    "WHERE created_at >= ?1 AND created_at < ?2 GROUP BY service "
	    "ORDER BY 2 DESC, 1", p, &st)))
		return e;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (r->nservice == cap) {
			cap = cap ? cap * 2 : 16;
			r->by_service = xrealloc(r->by_service,
			                         (size_t)cap * sizeof *r->by_service);
		}
		st_col_copy(st, 0, r->by_service[r->nservice].code,
		            sizeof r->by_service[0].code);
		r->by_service[r->nservice++].n = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
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
	if ((e = prep_period(s, "SELECT count(*) FROM requests WHERE status IN "
	    ST_OPEN_SQL " AND created_at >= ?1 AND created_at < ?2", &q, &st)))
		return e;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		r->overdue_total = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return st_map(rc);

	if ((e = prep_period(s, "SELECT ref, service, channel, status, created_at,"
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

/* Above this many ids the by-id arrays below would be too large for a
 * branch machine; the joins are then left to SQLite (slower, same result). */
#define ID_ARRAY_MAX 50000000

static st_rc
scalar(store *s, const char *sql, int64_t *v)
{
	sqlite3_stmt *st;
	st_rc e;
	int rc;

	*v = 0;
	if ((e = st_prep(s, sql, &st)) != ST_OK)
		return e;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? ST_OK : st_map(rc);
}

/*
 * created[id] = receipt time of every request in the period, INT64_MIN for
 * the others: one scan of the covering index requests_created, so that the
 * event scans below join in memory instead of seeking the requests table
 * once per event. *created is NULL when the ids are too sparse for that.
 */
static st_rc
load_created(store *s, const struct period *p, int64_t **created, int64_t *maxid)
{
	sqlite3_stmt *st;
	int64_t id, i;
	st_rc e;
	int rc;

	*created = NULL;
	if ((e = scalar(s, "SELECT COALESCE(max(id), 0) FROM requests", maxid)))
		return e;
	if (*maxid > ID_ARRAY_MAX)
		return ST_OK;
	*created = xmalloc((size_t)(*maxid + 1) * sizeof **created);
	for (i = 0; i <= *maxid; i++)
		(*created)[i] = INT64_MIN;
	if ((e = prep_period(s, "SELECT id, created_at FROM requests "
	    "WHERE created_at >= ?1 AND created_at < ?2", p, &st)))
		return e;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		if (id >= 0 && id <= *maxid)
			(*created)[id] = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? ST_OK : st_map(rc);
}

/* Durations (days) from receipt to the event moving a request into one of
 * `targets` (an SQL list), for the requests received in the period. */
static st_rc
duration(store *s, const struct period *p, const int64_t *created,
         int64_t maxid, const char *targets, struct report_duration *d)
{
	char *sql;
	sqlite3_stmt *st;
	double *x = NULL;
	int64_t n = 0, cap = 0, id, t0;
	st_rc e;
	int rc;

	if (created)
		sql = xasprintf("SELECT request_id, at FROM request_events "
		    "WHERE to_status IN %s AND from_status <> to_status", targets);
	else   /* CROSS JOIN: events outer, through request_events_to */
		sql = xasprintf("SELECT e.request_id, e.at, r.created_at FROM "
		    "request_events e CROSS JOIN requests r ON r.id = e.request_id "
		    "WHERE e.to_status IN %s AND e.from_status <> e.to_status "
		    "AND r.created_at >= ?1 AND r.created_at < ?2", targets);
	e = prep_period(s, sql, p, &st);
	free(sql);
	if (e)
		return e;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		if (created == NULL)
			t0 = sqlite3_column_int64(st, 2);
		else if (id < 0 || id > maxid || (t0 = created[id]) == INT64_MIN)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			x = xrealloc(x, (size_t)cap * sizeof *x);
		}
		x[n++] = (double)(sqlite3_column_int64(st, 1) - t0) / DAY;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(x);
		return st_map(rc);
	}
	if (n > 1)
		qsort(x, (size_t)n, sizeof *x, cmp_double);
	d->n = n;
	d->median_days = report_percentile(x, n, 0.5);
	d->p90_days = report_percentile(x, n, 0.9);
	free(x);
	return ST_OK;
}

/* ---- satisfaction: month × key tables, filled in C -------------------- */

struct keys { char (*v)[64]; int n, cap; };

static int
intern(struct keys *k, const char *s)
{
	int i;

	for (i = 0; i < k->n; i++)
		if (strcmp(k->v[i], s) == 0)
			return i;
	if (k->n == k->cap) {
		k->cap = k->cap ? k->cap * 2 : 8;
		k->v = xrealloc(k->v, (size_t)k->cap * sizeof *k->v);
	}
	strlcpy_k(k->v[k->n], s, sizeof k->v[0]);
	return k->n++;
}

struct satgrid {
	char (*months)[8]; int nmonths, capm;
	struct keys keys;
	struct report_sat *cells;   /* cells[m * cellk + k]; grown by copying */
	int cellm, cellk;
};

static int
month_index(struct satgrid *g, const char *m)
{
	int i;

	for (i = g->nmonths - 1; i >= 0; i--)
		if (strcmp(g->months[i], m) == 0)
			return i;
	if (g->nmonths == g->capm) {
		g->capm = g->capm ? g->capm * 2 : 16;
		g->months = xrealloc(g->months, (size_t)g->capm * sizeof *g->months);
	}
	strlcpy_k(g->months[g->nmonths], m, sizeof g->months[0]);
	return g->nmonths++;
}

/* The cell for (month m, key k), growing the grid when needed. */
static struct report_sat *
cell(struct satgrid *g, int m, int k)
{
	struct report_sat *nc;
	int cm, ck, i, j;

	if (m >= g->cellm || k >= g->cellk) {
		cm = m >= g->cellm ? (m + 1) * 2 : g->cellm;
		ck = k >= g->cellk ? (k + 1) * 2 : g->cellk;
		nc = xcalloc((size_t)cm * (size_t)ck, sizeof *nc);
		for (i = 0; i < g->cellm; i++)
			for (j = 0; j < g->cellk; j++)
				nc[i * ck + j] = g->cells[i * g->cellk + j];
		free(g->cells);
		g->cells = nc;
		g->cellm = cm;
		g->cellk = ck;
	}
	return &g->cells[m * g->cellk + k];
}

static void
add_score(struct satgrid *g, int m, int k, int score, bool new_response)
{
	struct report_sat *c = cell(g, m, k);

	c->dist[score - 1]++;
	if (new_response)
		c->responses++;
}

static void
finish_sat(struct report_sat *c, const char *month, const char *key)
{
	int64_t sum = 0;
	int i;
	double lo, hi;

	strlcpy_k(c->month, month, sizeof c->month);
	strlcpy_k(c->key, key, sizeof c->key);
	c->n = 0;
	for (i = 0; i < 5; i++) {
		c->n += c->dist[i];
		sum += (int64_t)(i + 1) * c->dist[i];
	}
	c->mean = c->n ? (double)sum / (double)c->n : 0;
	c->csat = c->n ? 100.0 * (double)(c->dist[3] + c->dist[4]) / (double)c->n : 0;
	report_wilson(c->dist[3] + c->dist[4], c->n, &lo, &hi);
	c->ci_lo = 100 * lo;
	c->ci_hi = 100 * hi;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/* Flatten grid g into rows sorted by month then key ("all" sorts after the
 * "YYYY-MM" months). Skips empty cells. */
static void
flatten(struct satgrid *g, struct report_sat **out, int *n)
{
	char (*ms)[8], (*ks)[64];
	int i, j, m, k;

	*n = 0;
	*out = xcalloc((size_t)(g->nmonths * g->keys.n) + 1, sizeof **out);
	ms = xmalloc((size_t)(g->nmonths + 1) * sizeof *ms);
	ks = xmalloc((size_t)(g->keys.n + 1) * sizeof *ks);
	if (g->nmonths > 0)
		memcpy(ms, g->months, (size_t)g->nmonths * sizeof *ms);
	if (g->keys.n > 0)
		memcpy(ks, g->keys.v, (size_t)g->keys.n * sizeof *ks);
	qsort(ms, (size_t)g->nmonths, sizeof *ms, cmp_str);
	qsort(ks, (size_t)g->keys.n, sizeof *ks, cmp_str);
	for (i = 0; i < g->nmonths; i++) {
		m = month_index(g, ms[i]);
		for (j = 0; j < g->keys.n; j++) {
			struct report_sat *c;
			k = intern(&g->keys, ks[j]);
			c = cell(g, m, k);
			if (c->dist[0] + c->dist[1] + c->dist[2] + c->dist[3] + c->dist[4] == 0)
				continue;
			(*out)[*n] = *c;
			finish_sat(&(*out)[*n], ms[i], ks[j]);
			(*n)++;
		}
	}
	free(ms);
	free(ks);
}

static void
grid_free(struct satgrid *g)
{
	free(g->months);
	free(g->keys.v);
	free(g->cells);
}

/* What the answers scan needs to know of each response, by id. */
struct resp_info {
	int32_t month;      /* in the grids' month tables; -1 = outside period */
	int32_t chan;       /* key in the channel grid */
	int32_t officer;    /* key in the officer grid, -1 = none */
	uint8_t seen;       /* a scored answer was counted already */
};

struct sat_ctx {
	struct satgrid q, c, o;      /* by question, by channel, by officer */
	struct resp_info *resp;
	int64_t maxid;
	int all;                     /* month index of "all" (same in q and c) */
};

/* Scan the responses of the period: month and channel of each. */
static st_rc
load_responses(store *s, const struct period *p, struct sat_ctx *x)
{
	sqlite3_stmt *st;
	int64_t id, day, last_day = INT64_MIN;
	char month[8] = "";
	int rc, m = -1, i;
	struct tm tm;
	time_t t;
	st_rc e;

	if ((e = scalar(s, "SELECT COALESCE(max(id), 0) FROM survey_responses",
	                &x->maxid)))
		return e;
	if (x->maxid > ID_ARRAY_MAX)
		return ST_INVALID;      /* ids are SQLite's max+1: never this sparse */
	x->resp = xmalloc((size_t)(x->maxid + 1) * sizeof *x->resp);
	for (i = 0; i <= x->maxid; i++)
		x->resp[i] = (struct resp_info){ -1, -1, -1, 0 };
	if ((e = prep_period(s, "SELECT id, day, channel FROM survey_responses "
	    "WHERE day >= ?1 AND day < ?2", p, &st)))
		return e;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		day = sqlite3_column_int64(st, 1);
		if (id < 0 || id > x->maxid)
			continue;
		if (day != last_day) {
			t = (time_t)day;
			localtime_r(&t, &tm);
			strftime(month, sizeof month, "%Y-%m", &tm);
			m = month_index(&x->q, month);
			month_index(&x->c, month);         /* same order: same index */
			last_day = day;
		}
		x->resp[id].month = m;
		x->resp[id].chan = intern(&x->c.keys,
		                          (const char *)sqlite3_column_text(st, 2));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return st_map(rc);

	/* the officer of each linked response: assignee, else the last
	 * officer who wrote an event on the request */
	if ((e = prep_period(s, "SELECT r.id, COALESCE(NULLIF(q.assigned_to, ''), "
	    "(SELECT e.who FROM request_events e WHERE e.request_id = q.id AND "
	    "e.who <> 'kiosk' ORDER BY e.id DESC LIMIT 1), '') "
	    "FROM survey_responses r CROSS JOIN requests q ON q.id = r.request_id "
	    "WHERE r.request_id IS NOT NULL AND r.day >= ?1 AND r.day < ?2",
	    p, &st)))
		return e;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *who = (const char *)sqlite3_column_text(st, 1);
		id = sqlite3_column_int64(st, 0);
		if (id >= 0 && id <= x->maxid && who && *who)
			x->resp[id].officer = intern(&x->o.keys, who);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? ST_OK : st_map(rc);
}

/*
 * Satisfaction per question, per channel and per officer in one scan of the
 * answers (rowid order, sequential), joined in memory to the responses.
 * A (response, question) pair is unique (the primary key), so for a
 * question n = responses; for channels and officers a response is counted
 * once, at its first scored answer.
 */
static st_rc
satisfaction(store *s, const struct period *p, struct report *r)
{
	struct sat_ctx x;
	struct report_sat *rows = NULL;
	struct resp_info *ri;
	sqlite3_stmt *st = NULL;
	const char *qlast = NULL;
	int rc = SQLITE_DONE, kq = -1, score, n = 0, i, oall;
	int64_t id;
	st_rc e;

	memset(&x, 0, sizeof x);
	x.all = month_index(&x.q, "all");
	month_index(&x.c, "all");
	oall = month_index(&x.o, "all");
	if ((e = load_responses(s, p, &x)))
		goto out;
	if ((e = st_prep(s, "SELECT response_id, question, score FROM "
	    "survey_answers WHERE score BETWEEN 1 AND 5", &st)))
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		if (id < 0 || id > x.maxid || x.resp[id].month < 0)
			continue;
		ri = &x.resp[id];
		{
			const char *qn = (const char *)sqlite3_column_text(st, 1);
			if (qlast == NULL || strcmp(qn, qlast) != 0) {
				kq = intern(&x.q.keys, qn);
				qlast = x.q.keys.v[kq];
			}
		}
		score = sqlite3_column_int(st, 2);
		add_score(&x.q, ri->month, kq, score, true);
		add_score(&x.q, x.all, kq, score, true);
		add_score(&x.c, ri->month, ri->chan, score, !ri->seen);
		add_score(&x.c, x.all, ri->chan, score, !ri->seen);
		if (ri->officer >= 0)
			add_score(&x.o, oall, ri->officer, score, !ri->seen);
		ri->seen = 1;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		e = st_map(rc);
		goto out;
	}
	flatten(&x.q, &r->by_question, &r->nquestion);
	flatten(&x.c, &r->by_channel, &r->nchannel);
	flatten(&x.o, &rows, &n);
	r->by_officer = xcalloc((size_t)n + 1, sizeof *r->by_officer);
	for (i = 0; i < n; i++) {
		if (rows[i].responses >= r->min_n)
			r->by_officer[r->nofficer++] = rows[i];
		else
			r->officers_hidden++;
	}
	free(rows);
out:
	free(x.resp);
	grid_free(&x.q);
	grid_free(&x.c);
	grid_free(&x.o);
	return e;
}

st_rc
report_build(store *s, const struct report_opts *o, struct report **out)
{
	struct report *r;
	struct period p;
	int64_t *created = NULL, maxid = 0;
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
	    (e = load_created(s, &p, &created, &maxid)) ||
	    (e = duration(s, &p, created, maxid, "('accepted','rejected')",
	                  &r->to_decision)) ||
	    (e = duration(s, &p, created, maxid, "('delivered')",
	                  &r->to_delivery)) ||
	    (e = satisfaction(s, &p, r))) {
		free(created);
		if (own_tx)
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		goto fail;
	}
	free(created);
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
