/*
 * store/report — the figures of issue 5 §5, computed with SQL over the
 * store (store_db), and two renderers. The officer console's Reports
 * screen calls report_build and draws its own charts from struct report;
 * `khidma report` prints report_render_text or report_render_csv (or the
 * HTML page of cli/report_html). All of them show durations through
 * report_duration_shown, so the screen, the text and the page agree.
 *
 * What is counted (all restricted to the period [since, until) — requests
 * by their receipt time created_at, surveys by their day):
 *  - requests by status and by service type;
 *  - the overdue list: open requests whose society's time exceeds
 *    sla_days — received more than sla_days plus the time spent waiting
 *    for the member (needs_info, schema v11 paused_s) before now
 *    (khidma_now), and not waiting for the member now — the queue's
 *    overdue rule (store/queue.c); oldest first, at most
 *    REPORT_OVERDUE_MAX rows plus the total, with the earliest-response
 *    date and days_open counted the same way;
 *  - processing time in days, median and 90th percentile, from receipt to
 *    the decision (the event that moved the request to accepted or
 *    rejected) and to delivery (the event to delivered). Percentiles by
 *    linear interpolation between order statistics (R type 7, numpy's
 *    default): h = (n-1)p, x[⌊h⌋] + (h-⌊h⌋)(x[⌊h⌋+1]-x[⌊h⌋]); so the median
 *    of an even count is the mean of the middle two;
 *  - satisfaction per question, per channel and per officer. The unit is
 *    the response, so n is a number of responses: per question, the
 *    responses that answered it (scores 1..5; 0 = skipped is not
 *    counted), with their scores' distribution, mean, CSAT = % of scores
 *    4–5 and its 95 % Wilson score interval (k = those 4–5 answers, n).
 *    Per channel and per officer, each response counts once, by its own
 *    mean m = the mean of its scored answers: n = responses with a scored
 *    answer, mean = the mean of their m, distribution = the responses by
 *    floor(m) (1..5), CSAT = % of responses with m >= 4 (satisfied) and
 *    its Wilson interval over n. Per question and per channel month by
 *    month (local calendar months, "YYYY-MM") plus a whole-period row
 *    (month "all"); surveys are kept by month (store/survey.c), so a
 *    period counts the surveys of every month it touches;
 *  - requests by status per branch (issue 13), one column per branch
 *    beside the society's total (the views: only with more than one);
 *  - per officer (whole period): the responses credited to that officer —
 *    a response linked to a request credits who verified, registered and
 *    delivered it, as frozen at its delivery (each officer once) — only
 *    for officers with at least min_n such responses; min_n is never
 *    below REPORT_MIN_N (30), whatever the configuration says.
 *
 * Invariants:
 *  1. Nothing here writes to the database, and the whole report is read
 *     inside one read transaction: a consistent snapshot while kiosks and
 *     officers keep writing. What makes it fast (indexes, summaries kept
 *     by triggers) is part of the schema (v4–v6, store/schema.c).
 *  2. No visitor identity is ever in a report: no name, national ID,
 *     mobile, comment; the overdue list names a request by its reference.
 *  3. No per-officer figure rests on fewer than REPORT_MIN_N responses;
 *     only the number of officers left out is reported.
 */
#ifndef KHIDMA_STORE_REPORT_H
#define KHIDMA_STORE_REPORT_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "store/store.h"

#define REPORT_MIN_N        30
#define REPORT_OVERDUE_MAX  200
/* A response's mean in units of 1/720720 (= lcm(1..16)): exact for up to
 * 16 answers, so sums of means are exact integers (schema v9). */
#define REPORT_MEAN_SCALE   720720

struct report_count {
	char    code[32];          /* service (catalog code) */
	int64_t n;
};

struct report_overdue {
	char       ref[16];
	char       service[32];
	char       channel[32];
	req_status status;
	time_t     created_at;
	time_t     earliest_response;
	int        days_open;       /* whole days since receipt */
	char       assigned_to[64];
};

struct report_duration {
	int64_t n;                  /* requests that reached the step */
	double  median_days;        /* 0 when n == 0 */
	double  p90_days;
};

struct report_sat {
	char    month[8];           /* "YYYY-MM", or "all" for the period */
	char    key[64];            /* question code, channel code or login */
	int64_t dist[5];            /* count of scores 1..5 */
	int64_t n;                  /* responses counted (see above) */
	int64_t responses;          /* the same as n (kept for the CSV column) */
	int64_t msum;               /* per channel/officer: sum of the responses'
	                             * means x REPORT_MEAN_SCALE; 0 per question */
	double  mean;               /* 0 when n == 0 */
	double  csat;               /* % of 4–5, 0..100 */
	double  ci_lo, ci_hi;       /* 95 % Wilson interval of csat, in % */
};

/* Issue 13: a branch's column of the report (requests by status). */
struct report_branch {
	char    code[4];            /* two digits */
	char    name_en[128];       /* the branches catalog's, "" when unnamed */
	char    name_ar[128];
	int64_t total;
	int64_t by_status[RS__COUNT];
};

struct report {
	time_t  since, until;       /* as asked (0 = unbounded) */
	time_t  generated_at;
	int     sla_days, min_n;    /* min_n after clamping */
	int64_t total;              /* requests in the period */
	int64_t by_status[RS__COUNT];
	struct report_count *by_service;  int nservice;   /* by count, desc */
	int64_t overdue_total;
	struct report_overdue *overdue;   int noverdue;   /* oldest first */
	struct report_duration to_decision, to_delivery;
	/* sorted by month ("all" last), then key */
	struct report_sat *by_question;   int nquestion;
	struct report_sat *by_channel;    int nchannel;
	struct report_sat *by_officer;    int nofficer;   /* month "all" */
	int     officers_hidden;    /* officers with 0 < responses < min_n */
	/* issue 13: requests by status per branch, by code — a branch with
	 * requests in the period (PostgreSQL: request_branch_days, schema_pg
	 * v6; a SQLite file is one branch: its column is the totals above).
	 * The views show them, one column per branch beside the society's
	 * total, only when nbranch > 1. */
	struct report_branch *by_branch;  int nbranch;
};

/*
 * Compute the report over s for o (NULL = everything, default SLA 30 and
 * min_n 30). *out is malloc'd (report_free). Returns ST_OK or the store
 * error (ST_BUSY, ST_IO, …); on error *out is NULL.
 */
st_rc report_build(store *s, const struct report_opts *o, struct report **out);
void  report_free(struct report *r);

/*
 * Check that the indexes and summaries report_build reads are in the
 * database: since schema v4 the migration creates them (this used to
 * create request_events_to by hand, which v5 dropped: nothing reads it),
 * so after store_open this is ST_OK; ST_INVALID when one is missing (a
 * file held below v6). Writes nothing.
 */
st_rc report_ensure_indexes(store *s);

/* 95 % Wilson score interval for k successes out of n, as fractions
 * (0..1); n == 0 gives 0, 0. */
void  report_wilson(int64_t k, int64_t n, double *lo, double *hi);

/* Percentile p (0..1) of the sorted array x[0..n) by linear interpolation
 * (see above); 0 when n == 0. */
double report_percentile(const double *x, int64_t n, double p);

/*
 * A duration as every view shows it (the console's screen, the text and
 * HTML reports): in the unit that suits it — minutes below one hour, hours
 * below two days, days from there — rounded to what is printed (`decimals`
 * places: 0 for 10 minutes or more, else 1). `days` is that printed number
 * converted back to days, so a bar drawn from it and the label printed
 * from `value` come from the same number (two bars of different length
 * never carry the same label). A figure with n == 0 has no value: views
 * show "–" (REPORT_NONE), never 0.
 */
enum report_unit { RU_MINUTES, RU_HOURS, RU_DAYS };
struct report_shown {
	enum report_unit unit;
	double value;               /* in unit, rounded to decimals */
	int    decimals;
	double days;                /* value converted back to days */
};
#define REPORT_NONE "–"
struct report_shown report_duration_shown(double days);
/* The English unit name for text output ("min", "h", "days"). */
const char *report_unit_name(enum report_unit u);

/*
 * Plain text for a terminal or a printer, `width` columns wide (>= 60):
 * headed sections, tables and horizontal bar charts drawn with the block
 * characters ▏▎▍▌▋▊▉█ (eighths of a cell). English labels; data is
 * sanitised. Returns 0, -1 on a write error.
 */
int report_render_text(const struct report *r, FILE *f, int width);

/*
 * One CSV table (RFC 4180, CRLF) for spreadsheets, a row per figure:
 *   section,month,key,n,value,extra1..
 * with the header
 *   section,month,key,n,mean,csat_pct,ci_lo_pct,ci_hi_pct,s1,s2,s3,s4,s5
 * for satisfaction rows; the counts, durations and overdue rows use the
 * same columns (section names the meaning; unused cells empty). See
 * report_render.c for the exact layout. Returns 0, -1 on a write error.
 */
int report_render_csv(const struct report *r, FILE *f);

#endif
