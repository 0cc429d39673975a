/*
 * store/report_sat — satisfaction for report_build: per question and per
 * channel month by month (local calendar months) plus the whole period
 * ("all"), and per officer over the period (report.h says what each
 * figure is).
 *
 * Schema v4 keeps the sums the report needs beside the answers, by
 * triggers on survey_answers: survey_days (day, question, score) → n, and
 * on every response s1..s5, its scored answers by score. So:
 *  - per question: one range scan of survey_days (a few rows per day),
 *    never the ~1M answers; n = responses for a question, since a
 *    (response, question) pair is unique (survey_answers' primary key);
 *  - per channel: one range scan of survey_channel_days (day, channel) →
 *    s1..s5 and the responses with at least one scored answer (a response
 *    counts once);
 *  - per officer, whole time: the rows of officer_sat (schema v6: sums
 *    per officer kept by triggers, following each request's assignee,
 *    else the last officer who wrote an event on it); for a period, the
 *    linked responses grouped by request (covering index
 *    survey_responses_linked), each request's officer looked up once
 *    through the narrow index requests_officer (id, assigned_to) — by the
 *    table's rowid instead, a period's report took ~5x longer at 1M, so the
 *    index stays although every submit writes a page of it.
 * Days are turned into months in C (localtime_r, once per distinct day),
 * as before, so the months do not depend on the writer's time zone.
 *
 * Invariants:
 *  1. Reads only; runs inside report_build's read transaction.
 *  2. No per-officer row rests on fewer than r->min_n responses; the
 *     officers left out are only counted (report.h invariant 3).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/util.h"
#include "store/report_int.h"

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

/* Add dist[0..5) scores 1..5 and `responses` responses to cell (m, k). */
static void
add_counts(struct satgrid *g, int m, int k, const int64_t dist[5],
           int64_t responses)
{
	struct report_sat *c = cell(g, m, k);

	for (int i = 0; i < 5; i++)
		c->dist[i] += dist[i];
	c->responses += responses;
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

/* The "YYYY-MM" of a stored day (local midnight), cached on the last day:
 * the scans below come in day order. */
struct month_cache { int64_t day; char month[8]; };

static const char *
month_of(struct month_cache *mc, int64_t day)
{
	struct tm tm;
	time_t t;

	if (day != mc->day || mc->month[0] == '\0') {
		t = (time_t)day;
		localtime_r(&t, &tm);
		strftime(mc->month, sizeof mc->month, "%Y-%m", &tm);
		mc->day = day;
	}
	return mc->month;
}

/* Per question: survey_days over the period. */
static st_rc
by_question(store *s, const struct period *p, struct satgrid *g)
{
	struct month_cache mc = { 0, "" };
	sqlite3_stmt *st;
	int rc, all = month_index(g, "all"), m, k, score;
	int64_t dist[5], n;
	st_rc e;

	if ((e = report_prep_period(s, "SELECT day, question, score, n FROM "
	    "survey_days WHERE day >= ?1 AND day < ?2", p, &st)))
		return e;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		score = sqlite3_column_int(st, 2);
		n = sqlite3_column_int64(st, 3);
		if (score < 1 || score > 5 || n <= 0)
			continue;
		memset(dist, 0, sizeof dist);
		dist[score - 1] = n;
		m = month_index(g, month_of(&mc, sqlite3_column_int64(st, 0)));
		k = intern(&g->keys, (const char *)sqlite3_column_text(st, 1));
		add_counts(g, m, k, dist, n);
		add_counts(g, all, k, dist, n);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? ST_OK : st_map(rc);
}

/* Per channel: the responses' sums grouped by day and channel. */
static st_rc
by_channel(store *s, const struct period *p, struct satgrid *g)
{
	struct month_cache mc = { 0, "" };
	sqlite3_stmt *st;
	int rc, all = month_index(g, "all"), m, k;
	int64_t dist[5], resp;
	st_rc e;

	if ((e = report_prep_period(s, "SELECT day, channel, s1, s2, s3, s4, s5, "
	    "responses FROM survey_channel_days WHERE day >= ?1 AND day < ?2",
	    p, &st)))
		return e;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		resp = sqlite3_column_int64(st, 7);
		if (resp <= 0)
			continue;
		for (int i = 0; i < 5; i++)
			dist[i] = sqlite3_column_int64(st, 2 + i);
		m = month_index(g, month_of(&mc, sqlite3_column_int64(st, 0)));
		k = intern(&g->keys, (const char *)sqlite3_column_text(st, 1));
		add_counts(g, m, k, dist, resp);
		add_counts(g, all, k, dist, resp);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? ST_OK : st_map(rc);
}

/* Per officer over the whole time: one row per officer of officer_sat
 * (schema v6, kept by triggers). */
static st_rc
by_officer_all(store *s, struct satgrid *g)
{
	sqlite3_stmt *st;
	int rc, all = month_index(g, "all"), k;
	int64_t dist[5];
	st_rc e;

	if ((e = st_prep(s, "SELECT officer, s1, s2, s3, s4, s5, responses FROM "
	                 "officer_sat WHERE officer <> '' AND responses > 0", &st)))
		return e;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < 5; i++)
			dist[i] = sqlite3_column_int64(st, 1 + i);
		k = intern(&g->keys, (const char *)sqlite3_column_text(st, 0));
		add_counts(g, all, k, dist, sqlite3_column_int64(st, 6));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? ST_OK : st_map(rc);
}

/* Per officer (a period): the linked responses' sums per request,
 * then per officer of that request. */
static st_rc
by_officer(store *s, const struct period *p, struct satgrid *g)
{
	sqlite3_stmt *st;
	int rc, all = month_index(g, "all"), k;
	int64_t dist[5], resp;
	const char *who;
	st_rc e;

	if (p->since == INT64_MIN && p->until == INT64_MAX)
		return by_officer_all(s, g);
	if ((e = report_prep_period(s, "SELECT COALESCE(NULLIF(q.assigned_to, ''), "
	    "(SELECT e.who FROM request_events e WHERE e.request_id = q.id AND "
	    "e.who <> 'kiosk' ORDER BY e.id DESC LIMIT 1), ''), "
	    "l.a1, l.a2, l.a3, l.a4, l.a5, l.resp FROM "
	    "(SELECT request_id, sum(s1) AS a1, sum(s2) AS a2, sum(s3) AS a3, "
	    " sum(s4) AS a4, sum(s5) AS a5, sum(s1 + s2 + s3 + s4 + s5 > 0) AS resp "
	    " FROM survey_responses INDEXED BY survey_responses_linked "
	    " WHERE request_id IS NOT NULL AND day >= ?1 AND day < ?2 "
	    " GROUP BY request_id) AS l "
	    "CROSS JOIN requests q INDEXED BY requests_officer ON q.id = l.request_id "
	    "WHERE l.resp > 0",
	    p, &st)))
		return e;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		who = (const char *)sqlite3_column_text(st, 0);
		if (who == NULL || *who == '\0')
			continue;
		for (int i = 0; i < 5; i++)
			dist[i] = sqlite3_column_int64(st, 1 + i);
		resp = sqlite3_column_int64(st, 6);
		k = intern(&g->keys, who);
		add_counts(g, all, k, dist, resp);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? ST_OK : st_map(rc);
}

st_rc
report_satisfaction(store *s, const struct period *p, struct report *r)
{
	struct satgrid q, c, o;
	struct report_sat *rows = NULL;
	int n = 0, i;
	st_rc e;

	memset(&q, 0, sizeof q);
	memset(&c, 0, sizeof c);
	memset(&o, 0, sizeof o);
	if ((e = by_question(s, p, &q)) || (e = by_channel(s, p, &c)) ||
	    (e = by_officer(s, p, &o)))
		goto out;
	flatten(&q, &r->by_question, &r->nquestion);
	flatten(&c, &r->by_channel, &r->nchannel);
	flatten(&o, &rows, &n);
	r->by_officer = xcalloc((size_t)n + 1, sizeof *r->by_officer);
	for (i = 0; i < n; i++) {
		if (rows[i].responses >= r->min_n)
			r->by_officer[r->nofficer++] = rows[i];
		else
			r->officers_hidden++;
	}
	free(rows);
out:
	grid_free(&q);
	grid_free(&c);
	grid_free(&o);
	return e;
}
