/*
 * store/report_sat — satisfaction for report_build: per question and per
 * channel month by month (local calendar months) plus the whole period
 * ("all"), and per officer over the period (report.h says what each
 * figure is: n is always a number of responses).
 *
 * The sums come with the schema, kept by triggers on survey_answers:
 *  - per question: survey_days (day, question, score) → n (v4); a
 *    (response, question) pair is unique (survey_answers' primary key), so
 *    the answers of a question are its responses;
 *  - per channel: survey_channel_days (day, channel) → the responses by
 *    the class floor(mean) of their scored answers (s1..s5), their number
 *    and the sum of their means x REPORT_MEAN_SCALE (v9);
 *  - per officer: survey_officer_days (day, officer), the same sums over
 *    the responses credited to the officer (v9: frozen at delivery).
 * Each is one range scan of a few rows per day. Days are turned into
 * months in C (localtime_r, once per distinct day), so the months do not
 * depend on the writer's time zone. Responses are dated by the 1st of
 * their month, so the period's start is moved back to the 1st of its month
 * (a period counts the surveys of every month it touches).
 *
 * Invariants:
 *  1. Reads only; runs inside report_build's read transaction.
 *  2. No per-officer row rests on fewer than r->min_n responses; the
 *     officers left out are only counted (report.h invariant 3).
 */
#include <stdbool.h>
#include <stdio.h>
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

/* Add dist[0..5) (scores, or responses by class, 1..5) and msum (0 per
 * question) to cell (m, k). */
static void
add_counts(struct satgrid *g, int m, int k, const int64_t dist[5],
           int64_t msum)
{
	struct report_sat *c = cell(g, m, k);

	for (int i = 0; i < 5; i++)
		c->dist[i] += dist[i];
	c->msum += msum;
}

/* n, mean, CSAT and its interval of a cell; by_response: the mean is of
 * the responses' means (msum), else of the scores. */
static void
finish_sat(struct report_sat *c, const char *month, const char *key,
           bool by_response)
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
	c->responses = c->n;
	if (by_response)
		c->mean = c->n ? (double)c->msum / REPORT_MEAN_SCALE / (double)c->n : 0;
	else
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
flatten(struct satgrid *g, bool by_response, struct report_sat **out, int *n)
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
			finish_sat(&(*out)[*n], ms[i], ks[j], by_response);
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
	sq_stmt *st;
	int rc, all = month_index(g, "all"), m, k, score;
	int64_t dist[5], n;
	st_rc e;

	if ((e = report_prep_period(s, "SELECT day, question, score, n FROM "
	    "survey_days WHERE day >= ?1 AND day < ?2", p, &st)))
		return e;
	while ((rc = sq_step(st)) == SQ_ROW) {
		score = sq_col_int(st, 2);
		n = sq_col_i64(st, 3);
		if (score < 1 || score > 5 || n <= 0)
			continue;
		memset(dist, 0, sizeof dist);
		dist[score - 1] = n;
		m = month_index(g, month_of(&mc, sq_col_i64(st, 0)));
		k = intern(&g->keys, (const char *)sq_col_text(st, 1));
		add_counts(g, m, k, dist, 0);
		add_counts(g, all, k, dist, 0);
	}
	sq_finalize(st);
	return rc == SQ_DONE ? ST_OK : sq_map(rc);
}

/* Per channel (months and "all") or per officer ("all" only): the
 * responses' sums by day from table (survey_channel_days or
 * survey_officer_days, whose key column is col). */
static st_rc
by_response(store *s, const struct period *p, const char *table,
            const char *col, bool months, struct satgrid *g)
{
	struct month_cache mc = { 0, "" };
	sq_stmt *st;
	int rc, all = month_index(g, "all"), m, k;
	int64_t dist[5];
	char sql[256];
	st_rc e;

	snprintf(sql, sizeof sql, "SELECT day, %s, s1, s2, s3, s4, s5, responses, "
	         "msum FROM %s WHERE day >= ?1 AND day < ?2 AND responses > 0",
	         col, table);
	if ((e = report_prep_period(s, sql, p, &st)))
		return e;
	while ((rc = sq_step(st)) == SQ_ROW) {
		const char *key = (const char *)sq_col_text(st, 1);

		if (key == NULL || *key == '\0')
			continue;
		for (int i = 0; i < 5; i++)
			dist[i] = sq_col_i64(st, 2 + i);
		k = intern(&g->keys, key);
		if (months) {
			m = month_index(g, month_of(&mc, sq_col_i64(st, 0)));
			add_counts(g, m, k, dist, sq_col_i64(st, 8));
		}
		add_counts(g, all, k, dist, sq_col_i64(st, 8));
	}
	sq_finalize(st);
	return rc == SQ_DONE ? ST_OK : sq_map(rc);
}

/* The local midnight of the 1st of the month of t. */
static int64_t
month_start(int64_t t)
{
	struct tm tm;
	time_t x = (time_t)t;

	localtime_r(&x, &tm);
	tm.tm_mday = 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

st_rc
report_satisfaction(store *s, const struct period *p, struct report *r)
{
	struct satgrid q, c, o;
	struct period sp = *p;
	struct report_sat *rows = NULL;
	int n = 0, i;
	st_rc e;

	memset(&q, 0, sizeof q);
	memset(&c, 0, sizeof c);
	memset(&o, 0, sizeof o);
	if (sp.since != INT64_MIN)
		sp.since = month_start(sp.since);
	if ((e = by_question(s, &sp, &q)) ||
	    (e = by_response(s, &sp, "survey_channel_days", "channel", true, &c)) ||
	    (e = by_response(s, &sp, "survey_officer_days", "officer", false, &o)))
		goto out;
	flatten(&q, false, &r->by_question, &r->nquestion);
	flatten(&c, true, &r->by_channel, &r->nchannel);
	flatten(&o, true, &rows, &n);
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
