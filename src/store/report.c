/*
 * store/report — report_build: the SQL and the aggregation; see report.h
 * for what each figure means. The renderers are in report_render.c.
 *
 * Performance (1M requests, 200k survey responses, a 2-core machine): the
 * counts scan covering indexes (requests_queue, requests_service); the
 * processing times read only the decision/delivery events through
 * request_events_to (report_ensure_indexes) and sort the durations in C;
 * the satisfaction figures stream the answers once (responses outer, so
 * the answers of one response arrive together) and aggregate in C into
 * month × key tables, rather than asking SQLite to GROUP BY a million rows
 * through a sorter.
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

/* Durations (days) from receipt to the event moving a request into one of
 * `targets` (an SQL list). */
static st_rc
duration(store *s, const struct period *p, const char *targets,
         struct report_duration *d)
{
	char *sql;
	sqlite3_stmt *st;
	double *x = NULL;
	int64_t n = 0, cap = 0;
	st_rc e;
	int rc;

	/* CROSS JOIN: events outer, through request_events_to; with requests
	 * outer the planner would visit every request's events. */
	sql = xasprintf("SELECT e.at - r.created_at FROM request_events e "
	    "CROSS JOIN requests r ON r.id = e.request_id WHERE e.to_status IN %s "
	    "AND e.from_status <> e.to_status "
	    "AND r.created_at >= ?1 AND r.created_at < ?2", targets);
	e = prep_period(s, sql, p, &st);
	free(sql);
	if (e)
		return e;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			x = xrealloc(x, (size_t)cap * sizeof *x);
		}
		x[n++] = (double)sqlite3_column_int64(st, 0) / DAY;
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

struct satgrid {
	char (*months)[8]; int nmonths, capm;
	struct keys keys;
	/* cells[m * cap_keys + k]; grown by rebuilding */
	struct report_sat *cells; int cellm, cellk;
	int64_t *last_resp;         /* parallel to cells */
};

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
cell(struct satgrid *g, int m, int k, int64_t **last)
{
	struct report_sat *nc;
	int64_t *nl;
	int cm, ck, i, j;

	if (m >= g->cellm || k >= g->cellk) {
		cm = m >= g->cellm ? (m + 1) * 2 : g->cellm;
		ck = k >= g->cellk ? (k + 1) * 2 : g->cellk;
		nc = xcalloc((size_t)cm * (size_t)ck, sizeof *nc);
		nl = xcalloc((size_t)cm * (size_t)ck, sizeof *nl);
		for (i = 0; i < g->cellm; i++)
			for (j = 0; j < g->cellk; j++) {
				nc[i * ck + j] = g->cells[i * g->cellk + j];
				nl[i * ck + j] = g->last_resp[i * g->cellk + j];
			}
		free(g->cells);
		free(g->last_resp);
		g->cells = nc;
		g->last_resp = nl;
		g->cellm = cm;
		g->cellk = ck;
	}
	*last = &g->last_resp[m * g->cellk + k];
	return &g->cells[m * g->cellk + k];
}

static void
add_score(struct satgrid *g, int m, int k, int64_t resp, int score)
{
	int64_t *last;
	struct report_sat *c = cell(g, m, k, &last);

	c->dist[score - 1]++;
	if (*last != resp) {
		c->responses++;
		*last = resp;
	}
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

/* Flatten grid g into rows sorted by month then key; month "all" (the last
 * month index, added by the caller) sorts last. Skips empty cells. */
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
	qsort(ms, (size_t)g->nmonths, sizeof *ms, cmp_str);   /* "all" > digits */
	qsort(ks, (size_t)g->keys.n, sizeof *ks, cmp_str);
	for (i = 0; i < g->nmonths; i++) {
		m = month_index(g, ms[i]);
		for (j = 0; j < g->keys.n; j++) {
			struct report_sat *c;
			int64_t *last;
			k = intern(&g->keys, ks[j]);
			c = cell(g, m, k, &last);
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
	free(g->last_resp);
}

static st_rc
satisfaction(store *s, const struct period *p, struct report *r)
{
	struct satgrid q, c;
	sqlite3_stmt *st;
	char month[8] = "";
	int64_t day, last_day = INT64_MIN, resp;
	int rc, mq = 0, mc = 0, allq, allc, kq, kc, score;
	struct tm tm;
	time_t t;
	st_rc e;

	memset(&q, 0, sizeof q);
	memset(&c, 0, sizeof c);
	/* CROSS JOIN keeps responses outer: one response's answers are
	 * consecutive, which add_score's distinct-response count relies on. */
	e = prep_period(s, "SELECT r.id, r.day, r.channel, a.question, a.score "
	    "FROM survey_responses r CROSS JOIN survey_answers a "
	    "ON a.response_id = r.id WHERE r.day >= ?1 AND r.day < ?2 "
	    "AND a.score BETWEEN 1 AND 5", p, &st);
	if (e)
		return e;
	allq = month_index(&q, "all");
	allc = month_index(&c, "all");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		resp = sqlite3_column_int64(st, 0);
		day = sqlite3_column_int64(st, 1);
		if (day != last_day) {
			t = (time_t)day;
			localtime_r(&t, &tm);
			strftime(month, sizeof month, "%Y-%m", &tm);
			mq = month_index(&q, month);
			mc = month_index(&c, month);
			last_day = day;
		}
		kq = intern(&q.keys, (const char *)sqlite3_column_text(st, 3));
		kc = intern(&c.keys, (const char *)sqlite3_column_text(st, 2));
		score = sqlite3_column_int(st, 4);
		add_score(&q, mq, kq, resp, score);
		add_score(&q, allq, kq, resp, score);
		add_score(&c, mc, kc, resp, score);
		add_score(&c, allc, kc, resp, score);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE) {
		flatten(&q, &r->by_question, &r->nquestion);
		flatten(&c, &r->by_channel, &r->nchannel);
	}
	grid_free(&q);
	grid_free(&c);
	return rc == SQLITE_DONE ? ST_OK : st_map(rc);
}

/* Per officer, whole period, only where responses >= min_n. */
static st_rc
by_officer(store *s, const struct period *p, struct report *r)
{
	struct satgrid g;
	struct report_sat *rows = NULL;
	sqlite3_stmt *st;
	int i, n = 0, rc, all;
	st_rc e;

	memset(&g, 0, sizeof g);
	e = prep_period(s, "SELECT r.id, COALESCE(NULLIF(q.assigned_to, ''), "
	    "(SELECT e.who FROM request_events e WHERE e.request_id = q.id AND "
	    "e.who <> 'kiosk' ORDER BY e.id DESC LIMIT 1), '') AS officer, a.score "
	    "FROM survey_responses r CROSS JOIN requests q ON q.id = r.request_id "
	    "CROSS JOIN survey_answers a ON a.response_id = r.id "
	    "WHERE r.request_id IS NOT NULL AND r.day >= ?1 AND r.day < ?2 "
	    "AND a.score BETWEEN 1 AND 5", p, &st);
	if (e)
		return e;
	all = month_index(&g, "all");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *who = (const char *)sqlite3_column_text(st, 1);
		if (who == NULL || *who == '\0')
			continue;
		add_score(&g, all, intern(&g.keys, who), sqlite3_column_int64(st, 0),
		          sqlite3_column_int(st, 2));
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE) {
		flatten(&g, &rows, &n);
		r->by_officer = xcalloc((size_t)n + 1, sizeof *r->by_officer);
		for (i = 0; i < n; i++) {
			if (rows[i].responses >= r->min_n)
				r->by_officer[r->nofficer++] = rows[i];
			else
				r->officers_hidden++;
		}
		free(rows);
	}
	grid_free(&g);
	return rc == SQLITE_DONE ? ST_OK : st_map(rc);
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
	    (e = duration(s, &p, "('accepted','rejected')", &r->to_decision)) ||
	    (e = duration(s, &p, "('delivered')", &r->to_delivery)) ||
	    (e = satisfaction(s, &p, r)) || (e = by_officer(s, &p, r))) {
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
