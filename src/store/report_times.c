/*
 * store/report_times — processing times for report_build: receipt to
 * decision and receipt to delivery, median and 90th percentile (R type 7,
 * report.h).
 *
 * Schema v4 keeps requests.decided_at and delivered_at (the first event
 * into accepted|rejected, resp. delivered, with from <> to) by a trigger on
 * request_events, and indexes the duration itself: requests_decided
 * (decided_at - created_at, created_at) WHERE decided_at IS NOT NULL, and
 * requests_delivered likewise. So no event is joined and no duration comes
 * out to C one by one: n is a count over the index, and each pair of order
 * statistics a percentile needs is ORDER BY duration LIMIT 2 OFFSET k on
 * it, from the nearer end — SQLite steps over the k entries inside the VM
 * (about 1.6 n index steps in all for n, median and p90). The period
 * (created_at) is checked on the index entry; a narrow period still walks
 * the whole index, which stays cheaper than the full report's other parts.
 *
 * Invariants:
 *  1. The figures are those of sorting every duration, as days (double),
 *     and interpolating as report_percentile does: same order statistics,
 *     same arithmetic on the same doubles.
 *  2. Reads only; runs inside report_build's read transaction.
 */
#include <math.h>
#include <stdlib.h>

#include "core/util.h"
#include "store/report_int.h"

/* Up to `want` values through `st` (bound to the period; ?3 = offset k)
 * into x; *got = how many came. */
static st_rc
walk(sqlite3_stmt *st, int64_t k, int want, int64_t x[2], int *got)
{
	int rc = SQLITE_DONE;

	*got = 0;
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 3, k);
	while (*got < want && (rc = sqlite3_step(st)) == SQLITE_ROW)
		x[(*got)++] = sqlite3_column_int64(st, 0);
	if (*got < want && rc != SQLITE_DONE)
		return st_map(rc);
	return *got < want ? ST_IO : ST_OK;     /* fewer rows than counted */
}

/* Percentile p of the n durations, in days, as report_percentile over the
 * sorted days would give it. x[i] and x[i+1] come from whichever end of
 * the index is nearer (asc: OFFSET i; desc: OFFSET n-2-i gives x[i+1] and
 * x[i]), so the 90th percentile walks a tenth of the index, not 9/10. */
static st_rc
percentile_days(sqlite3_stmt *asc, sqlite3_stmt *desc, int64_t n, double p,
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

/* Count, median and p90 of `col` - created_at over the requests received
 * in p that have `col` set, through `index`. */
static st_rc
one(store *s, const struct period *p, const char *col, const char *index,
    struct report_duration *d)
{
	sqlite3_stmt *st = NULL, *asc = NULL, *desc = NULL;
	char *sql;
	st_rc e;
	int rc;

	sql = xasprintf("SELECT count(*) FROM requests INDEXED BY %s WHERE %s "
	                "IS NOT NULL AND created_at >= ?1 AND created_at < ?2",
	                index, col);
	e = report_prep_period(s, sql, p, &st);
	free(sql);
	if (e)
		return e;
	rc = sqlite3_step(st);
	d->n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return st_map(rc);
	if (d->n == 0)
		return ST_OK;

	for (int dir = 0; dir < 2; dir++) {
		sql = xasprintf("SELECT %s - created_at FROM requests INDEXED BY %s "
		                "WHERE %s IS NOT NULL AND created_at >= ?1 AND "
		                "created_at < ?2 ORDER BY %s - created_at %s "
		                "LIMIT 2 OFFSET ?3", col, index, col, col,
		                dir ? "DESC" : "ASC");
		e = report_prep_period(s, sql, p, dir ? &desc : &asc);
		free(sql);
		if (e)
			goto out;
	}
	if (!(e = percentile_days(asc, desc, d->n, 0.5, &d->median_days)))
		e = percentile_days(asc, desc, d->n, 0.9, &d->p90_days);
out:
	sqlite3_finalize(asc);
	sqlite3_finalize(desc);
	return e;
}

st_rc
report_times(store *s, const struct period *p, struct report *r)
{
	st_rc e;

	if ((e = one(s, p, "decided_at", "requests_decided", &r->to_decision)))
		return e;
	return one(s, p, "delivered_at", "requests_delivered", &r->to_delivery);
}
