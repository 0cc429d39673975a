/*
 * store/report_times — processing times for report_build: receipt to
 * decision and receipt to delivery, median and 90th percentile (R type 7,
 * report.h).
 *
 * Schema v4 keeps requests.decided_at and delivered_at (the first event
 * into accepted|rejected, resp. delivered, with from <> to; since v5 set
 * by the status change itself, see schema.c invariant 7), and indexes the
 * duration itself: requests_decided
 * (decided_at - created_at, created_at) WHERE decided_at IS NOT NULL, and
 * requests_delivered likewise. So no event is joined and no duration comes
 * out to C one by one: n is a count over the index, and each pair of order
 * statistics a percentile needs is ORDER BY duration LIMIT 2 OFFSET k on
 * it, from the nearer end — SQLite steps over the k entries inside the VM
 * (about 1.6 n index steps in all for n, median and p90). The period
 * (created_at) is checked on the index entry; a narrow period still walks
 * the whole index.
 *
 * The whole-time report (no period: the console's Reports screen, `khidma
 * report` without --since/--until) does not walk: schema v5 counts the
 * durations per hour bucket (request_durations, kept by triggers), so n is
 * a sum over a few hundred rows, the bucket holding the k-th duration is
 * found in C, and inside the bucket the value is its minimum when the
 * bucket holds one value only (two index seeks), else LIMIT 1 OFFSET r
 * from the nearer end of the bucket — at most half a bucket's entries,
 * not half the index.
 *
 * Invariants:
 *  1. The figures are those of sorting every duration, as days (double),
 *     and interpolating as report_percentile does: same order statistics,
 *     same arithmetic on the same doubles.
 *  2. Reads only; runs inside report_build's read transaction.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/util.h"
#include "store/report_int.h"

/* Up to `want` values through `st` (bound to the period; ?3 = offset k)
 * into x; *got = how many came. */
static st_rc
walk(sq_stmt *st, int64_t k, int want, int64_t x[2], int *got)
{
	int rc = SQ_DONE;

	*got = 0;
	sq_reset(st);
	sq_bind_i64(st, 3, k);
	while (*got < want && (rc = sq_step(st)) == SQ_ROW)
		x[(*got)++] = sq_col_i64(st, 0);
	if (*got < want && rc != SQ_DONE)
		return sq_map(rc);
	return *got < want ? ST_IO : ST_OK;     /* fewer rows than counted */
}

/* Percentile p of the n durations, in days, as report_percentile over the
 * sorted days would give it. x[i] and x[i+1] come from whichever end of
 * the index is nearer (asc: OFFSET i; desc: OFFSET n-2-i gives x[i+1] and
 * x[i]), so the 90th percentile walks a tenth of the index, not 9/10. */
static st_rc
percentile_days(sq_stmt *asc, sq_stmt *desc, int64_t n, double p,
                double *out)
{
	int64_t i, x[2], lo, hi;
	double h, f, a, b;
	int got;
	st_rc e;

	*out = 0;
	if (n <= 0)
		return ST_OK;
	h = (double)(n - 1) * p;
	i = (int64_t)floor(h);
	if (i + 1 >= n) {                   /* the largest: x[n-1] */
		if ((e = walk(desc, 0, 1, x, &got)))
			return e;
		*out = (double)x[0] / REPORT_DAY;
		return ST_OK;
	}
	if (i <= n - 2 - i) {
		if ((e = walk(asc, i, 2, x, &got)))
			return e;
		lo = x[0];
		hi = x[1];
	} else {
		if ((e = walk(desc, n - 2 - i, 2, x, &got)))
			return e;
		lo = x[1];
		hi = x[0];
	}
	a = (double)lo / REPORT_DAY;
	b = (double)hi / REPORT_DAY;
	f = h - (double)i;
	*out = a + f * (b - a);
	return ST_OK;
}

/* ---- the whole time: through the hour buckets of request_durations ---- */

struct hist {
	int64_t *bucket, *n;      /* ascending buckets, their counts (> 0) */
	int len;
	sq_stmt *lo, *hi;    /* in [?1, ?2): asc / desc, LIMIT 1 OFFSET ?3 */
};

/* The buckets of `kind` in order, n > 0 only; *total = their sum. */
static st_rc
hist_load(store *s, const char *kind, struct hist *h, int64_t *total)
{
	sq_stmt *st;
	int rc, cap = 0;
	int64_t n;
	st_rc e;

	*total = 0;
	if ((e = st_prep(s, "SELECT bucket, n FROM request_durations WHERE "
	                 "kind = ?1 AND n > 0 ORDER BY bucket", &st)))
		return e;
	sq_bind_text(st, 1, kind);
	while ((rc = sq_step(st)) == SQ_ROW) {
		if (h->len == cap) {
			cap = cap ? cap * 2 : 64;
			h->bucket = xrealloc(h->bucket, (size_t)cap * sizeof *h->bucket);
			h->n = xrealloc(h->n, (size_t)cap * sizeof *h->n);
		}
		n = sq_col_i64(st, 1);
		h->bucket[h->len] = sq_col_i64(st, 0);
		h->n[h->len++] = n;
		*total += n;
	}
	sq_finalize(st);
	return rc == SQ_DONE ? ST_OK : sq_map(rc);
}

/* One value through a bucket statement: bounds [lo, hi), offset k. */
static st_rc
seek(sq_stmt *st, int64_t lo, int64_t hi, int64_t k, int64_t *out)
{
	int rc;

	sq_reset(st);
	sq_bind_i64(st, 1, lo);
	sq_bind_i64(st, 2, hi);
	sq_bind_i64(st, 3, k);
	rc = sq_step(st);
	if (rc == SQ_ROW) {
		*out = sq_col_i64(st, 0);
		return ST_OK;
	}
	return rc == SQ_DONE ? ST_IO : sq_map(rc);   /* fewer than counted */
}

/* The k-th smallest duration (0-based) over every request. */
static st_rc
hist_nth(struct hist *h, int64_t k, int64_t *out)
{
	int64_t before = 0, lo, hi, r, a, b;
	int i;
	st_rc e;

	for (i = 0; i < h->len && before + h->n[i] <= k; i++)
		before += h->n[i];
	if (i == h->len)
		return ST_IO;
	lo = h->bucket[i] * REPORT_BUCKET;
	hi = lo + REPORT_BUCKET;
	r = k - before;
	if ((e = seek(h->lo, lo, hi, 0, &a)) || (e = seek(h->hi, lo, hi, 0, &b)))
		return e;
	if (a == b || r == 0) {
		*out = a;
		return ST_OK;
	}
	if (r == h->n[i] - 1) {
		*out = b;
		return ST_OK;
	}
	if (r <= h->n[i] - 1 - r)
		return seek(h->lo, lo, hi, r, out);
	return seek(h->hi, lo, hi, h->n[i] - 1 - r, out);
}

/* Percentile p of the n durations, as percentile_days gives it. */
static st_rc
hist_percentile(struct hist *h, int64_t n, double p, double *out)
{
	int64_t i, lo, hi;
	double hh, a, b;
	st_rc e;

	*out = 0;
	if (n <= 0)
		return ST_OK;
	hh = (double)(n - 1) * p;
	i = (int64_t)floor(hh);
	if (i + 1 >= n) {
		if ((e = hist_nth(h, n - 1, &hi)))
			return e;
		*out = (double)hi / REPORT_DAY;
		return ST_OK;
	}
	if ((e = hist_nth(h, i, &lo)) || (e = hist_nth(h, i + 1, &hi)))
		return e;
	a = (double)lo / REPORT_DAY;
	b = (double)hi / REPORT_DAY;
	*out = a + (hh - (double)i) * (b - a);
	return ST_OK;
}

/* SQLite's index hint "INDEXED BY index " (the walks below depend on the
 * order of that index); nothing on PostgreSQL, whose planner has
 * statistics and no such clause (sq_dialect). Static buffer: one use. */
static const char *
hint(store *s, const char *index)
{
	static char buf[96];

	if (sq_dialect(s) == SQ_PG)
		return "";
	snprintf(buf, sizeof buf, "INDEXED BY %s ", index);
	return buf;
}

static st_rc
whole_time(store *s, const char *col, const char *index, const char *kind,
           struct report_duration *d)
{
	struct hist h = { 0 };
	char *sql;
	st_rc e;

	if ((e = hist_load(s, kind, &h, &d->n)) || d->n == 0)
		goto out;
	for (int dir = 0; dir < 2; dir++) {
		sql = xasprintf("SELECT %s - created_at FROM requests %s"
		                "WHERE %s IS NOT NULL AND %s - created_at >= ?1 AND "
		                "%s - created_at < ?2 ORDER BY %s - created_at %s "
		                "LIMIT 1 OFFSET ?3", col, hint(s, index), col, col, col, col,
		                dir ? "DESC" : "ASC");
		e = st_prep(s, sql, dir ? &h.hi : &h.lo);
		free(sql);
		if (e)
			goto out;
	}
	if (!(e = hist_percentile(&h, d->n, 0.5, &d->median_days)))
		e = hist_percentile(&h, d->n, 0.9, &d->p90_days);
out:
	sq_finalize(h.lo);
	sq_finalize(h.hi);
	free(h.bucket);
	free(h.n);
	return e;
}

/* ---- a period: walks of the duration index ---------------------------- */

/* Count, median and p90 of `col` - created_at over the requests received
 * in p that have `col` set, through `index`. */
static st_rc
one(store *s, const struct period *p, const char *col, const char *index,
    struct report_duration *d)
{
	sq_stmt *st = NULL, *asc = NULL, *desc = NULL;
	char *sql;
	st_rc e;
	int rc;

	sql = xasprintf("SELECT count(*) FROM requests %sWHERE %s "
	                "IS NOT NULL AND created_at >= ?1 AND created_at < ?2",
	                hint(s, index), col);
	e = report_prep_period(s, sql, p, &st);
	free(sql);
	if (e)
		return e;
	rc = sq_step(st);
	d->n = rc == SQ_ROW ? sq_col_i64(st, 0) : 0;
	sq_finalize(st);
	if (rc != SQ_ROW)
		return sq_map(rc);
	if (d->n == 0)
		return ST_OK;

	for (int dir = 0; dir < 2; dir++) {
		sql = xasprintf("SELECT %s - created_at FROM requests %s"
		                "WHERE %s IS NOT NULL AND created_at >= ?1 AND "
		                "created_at < ?2 ORDER BY %s - created_at %s "
		                "LIMIT 2 OFFSET ?3", col, hint(s, index), col, col,
		                dir ? "DESC" : "ASC");
		e = report_prep_period(s, sql, p, dir ? &desc : &asc);
		free(sql);
		if (e)
			goto out;
	}
	if (!(e = percentile_days(asc, desc, d->n, 0.5, &d->median_days)))
		e = percentile_days(asc, desc, d->n, 0.9, &d->p90_days);
out:
	sq_finalize(asc);
	sq_finalize(desc);
	return e;
}

st_rc
report_times(store *s, const struct period *p, struct report *r)
{
	st_rc e;

	if (p->since == INT64_MIN && p->until == INT64_MAX) {
		if ((e = whole_time(s, "decided_at", "requests_decided", "decided",
		                    &r->to_decision)))
			return e;
		return whole_time(s, "delivered_at", "requests_delivered",
		                  "delivered", &r->to_delivery);
	}
	if ((e = one(s, p, "decided_at", "requests_decided", &r->to_decision)))
		return e;
	return one(s, p, "delivered_at", "requests_delivered", &r->to_delivery);
}
