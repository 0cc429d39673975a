/*
 * store/report_int — what the files of report_build share (report.c: the
 * build, counts, overdue list and the statistics helpers; report_times.c:
 * processing times; report_sat.c: satisfaction). Nothing outside the
 * store's report files includes it.
 */
#ifndef KHIDMA_STORE_REPORT_INT_H
#define KHIDMA_STORE_REPORT_INT_H

#include "store/report.h"
#include "store/store_int.h"

#define REPORT_DAY 86400
/* schema v5 counters: request_days by UTC day (floor(created_at / DAY)),
 * request_durations by hour bucket (floor(duration / REPORT_BUCKET)). */
#define REPORT_BUCKET 3600

/* floor(a / b) for b > 0, as the schema's DAYOF/HOUROF compute it. */
static inline int64_t report_floordiv(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

/* The period as bounds for SQL: [since, until), INT64_MIN/MAX = open. */
struct period { int64_t since, until; };

/* Prepare sql with ?1 = p->since, ?2 = p->until bound. */
st_rc report_prep_period(store *s, const char *sql, const struct period *p,
                         sq_stmt **st);

/* report_times.c: receipt → decision and receipt → delivery, from the
 * schema-v4 columns requests.decided_at / delivered_at. */
st_rc report_times(store *s, const struct period *p, struct report *r);

/* report_sat.c: by question, by channel (month by month and "all") and by
 * officer (above r->min_n), from the schema-v4 summaries. */
st_rc report_satisfaction(store *s, const struct period *p, struct report *r);

#endif
