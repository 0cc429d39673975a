/*
 * store/report_render — report_render_text and report_render_csv; see
 * report.h. Pure formatting of a struct report: no SQL here.
 *
 * Bars are drawn in eighths of a cell with U+2588..U+258F (█▉▊▋▌▍▎▏), so a
 * 20-cell bar resolves 160 steps; a non-zero value always shows at least ▏.
 */
#include "store/report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "text/text.h"

static const char *const eighths[8] = {
	"", "▏", "▎", "▍", "▌", "▋", "▊", "▉",
};

/* A bar of value/max scaled to `cells` cells. */
static void
bar(FILE *f, double value, double max, int cells)
{
	long units, i;

	if (max <= 0 || value <= 0)
		return;
	units = (long)(value / max * cells * 8 + 0.5);
	if (units < 1)
		units = 1;
	for (i = 0; i < units / 8; i++)
		fputs("█", f);
	fputs(eighths[units % 8], f);
}

/* Data printed from the database: sanitised, at most `max` bytes. */
static void
put_safe(FILE *f, const char *s, int pad)
{
	char *safe = text_sanitize(s, strlen(s));
	int w = text_width(safe);

	fputs(safe, f);
	for (; w < pad; w++)
		fputc(' ', f);
	free(safe);
}

static void
heading(FILE *f, const char *title, int width)
{
	int i, n = (int)text_char_count(title);

	fprintf(f, "\n%s\n", title);
	for (i = 0; i < n && i < width; i++)
		fputs("─", f);
	fputc('\n', f);
}

static void
sat_table(FILE *f, const char *title, const char *keyname,
          const struct report_sat *rows, int n, int width)
{
	int i, bw = width - 72 > 20 ? 20 : width - 72;

	heading(f, title, width);
	if (n == 0) {
		fprintf(f, "  no answers in the period\n");
		return;
	}
	fprintf(f, "  %-7s  %-14s %6s %5s %6s  %-13s %s\n", "month", keyname,
	        "n", "mean", "CSAT", "95% CI", "1/2/3/4/5");
	for (i = 0; i < n; i++) {
		const struct report_sat *s = &rows[i];
		char ci[32], dist[64];

		snprintf(ci, sizeof ci, "%.1f–%.1f", s->ci_lo, s->ci_hi);
		snprintf(dist, sizeof dist, "%lld/%lld/%lld/%lld/%lld",
		         (long long)s->dist[0], (long long)s->dist[1],
		         (long long)s->dist[2], (long long)s->dist[3],
		         (long long)s->dist[4]);
		fprintf(f, "  %-7s  ", s->month);
		put_safe(f, s->key, 14);
		if (s->n == 0) {                    /* no answer: no figure */
			fprintf(f, " %6d %4s%s %5s%s  ", 0, "", REPORT_NONE, "", REPORT_NONE);
			snprintf(ci, sizeof ci, "%s", REPORT_NONE);
		} else {
			fprintf(f, " %6lld %5.2f %5.1f%%  ", (long long)s->n, s->mean, s->csat);
		}
		put_safe(f, ci, 13);
		fprintf(f, " %s", dist);
		if (bw >= 4) {
			fputs("  ", f);
			bar(f, s->csat, 100, bw);
		}
		fputc('\n', f);
	}
}

/* Contract: see report.h. */
struct report_shown
report_duration_shown(double days)
{
	struct report_shown v = { RU_DAYS, 0, 1, 0 };
	double per_day = 1, scale;

	if (!(days > 0))                    /* also NaN */
		return v;
	if (days < 1.0 / 24) {
		v.unit = RU_MINUTES;
		per_day = 1440;
	} else if (days < 2) {
		v.unit = RU_HOURS;
		per_day = 24;
	}
	v.value = days * per_day;
	if (v.unit == RU_MINUTES && v.value >= 9.95)
		v.decimals = 0;
	scale = v.decimals ? 10 : 1;
	v.value = round(v.value * scale) / scale;
	v.days = v.value / per_day;
	return v;
}

const char *
report_unit_name(enum report_unit u)
{
	return u == RU_MINUTES ? "min" : u == RU_HOURS ? "h" : "days";
}

/* "6.0 days", "35 min"; REPORT_NONE when n == 0. */
static void
duration_text(char *buf, size_t size, int64_t n, double days)
{
	struct report_shown v = report_duration_shown(days);

	if (n == 0)
		snprintf(buf, size, "%s", REPORT_NONE);
	else
		snprintf(buf, size, "%.*f %s", v.decimals, v.value, report_unit_name(v.unit));
}

/* The processing-time table, then the four figures as bars (the console's
 * chart): each bar from the number its label prints. */
static void
durations(FILE *f, const struct report *r, int width)
{
	const struct report_duration *d[2] = { &r->to_decision, &r->to_delivery };
	static const char *const rows[2] = { "received to decision", "received to delivery" };
	static const char *const bars[4] = { "decision, median", "decision, p90",
	                                     "delivery, median", "delivery, p90" };
	char a[32], b[32];
	double v[4], max = 0;
	int i, bw = width - 36;

	fprintf(f, "  %-24s %9s %12s %12s\n", "", "n", "median", "p90");
	for (i = 0; i < 2; i++) {
		duration_text(a, sizeof a, d[i]->n, d[i]->median_days);
		duration_text(b, sizeof b, d[i]->n, d[i]->p90_days);
		fprintf(f, "  %-24s %9lld %*s%s %*s%s\n", rows[i], (long long)d[i]->n,
		        12 - text_width(a), "", a, 12 - text_width(b), "", b);
	}
	for (i = 0; i < 4; i++) {
		const struct report_duration *x = d[i / 2];
		v[i] = x->n ? report_duration_shown(i % 2 ? x->p90_days : x->median_days).days : 0;
		if (v[i] > max)
			max = v[i];
	}
	if (max <= 0)
		return;
	fputc('\n', f);
	for (i = 0; i < 4; i++) {
		const struct report_duration *x = d[i / 2];
		duration_text(a, sizeof a, x->n, i % 2 ? x->p90_days : x->median_days);
		fprintf(f, "  %-18s %*s%s  ", bars[i], 10 - text_width(a), "", a);
		bar(f, v[i], max, bw);
		fputc('\n', f);
	}
}

int
report_render_text(const struct report *r, FILE *f, int width)
{
	char a[32], b[32];
	int64_t max = 0;
	int i, bw;

	if (width < 60)
		width = 60;
	bw = width - 30;
	khidma_datetime(r->generated_at, a, sizeof a);
	fprintf(f, "khidma report, %s\n", a);
	if (r->since)
		khidma_date(r->since, a, sizeof a);
	if (r->until)
		khidma_date(r->until - 1, b, sizeof b);
	fprintf(f, "Period: %s to %s\n", r->since ? a : "the beginning",
	        r->until ? b : "now");
	fprintf(f, "Requests received: %lld\n", (long long)r->total);

	heading(f, "Requests by status", width);
	for (i = 0; i < RS__COUNT; i++)
		if (r->by_status[i] > max)
			max = r->by_status[i];
	for (i = 0; i < RS__COUNT; i++) {
		fprintf(f, "  %-12s %9lld  ", req_status_name((req_status)i),
		        (long long)r->by_status[i]);
		bar(f, (double)r->by_status[i], (double)max, bw);
		fputc('\n', f);
	}

	/* issue 13: one column per branch beside the society's, when more
	 * than one branch has requests in the period */
	if (r->nbranch > 1) {
		int shown = (width - 16) / 10 - 1, j;

		if (shown > r->nbranch)
			shown = r->nbranch;
		heading(f, "Requests by branch", width);
		fprintf(f, "  %-12s", "");
		for (j = 0; j < shown; j++)
			fprintf(f, " %9s", r->by_branch[j].code);
		fprintf(f, " %9s\n", "society");
		for (i = 0; i <= RS__COUNT; i++) {
			fprintf(f, "  %-12s", i < RS__COUNT ? req_status_name((req_status)i)
			                                   : "total");
			for (j = 0; j < shown; j++)
				fprintf(f, " %9lld", (long long)(i < RS__COUNT
				        ? r->by_branch[j].by_status[i] : r->by_branch[j].total));
			fprintf(f, " %9lld\n", (long long)(i < RS__COUNT ? r->by_status[i]
			                                             : r->total));
		}
		for (j = 0; j < r->nbranch; j++) {
			fprintf(f, "  %s  ", r->by_branch[j].code);
			put_safe(f, r->by_branch[j].name_en[0] ? r->by_branch[j].name_en
			         : "(not in the branches catalog)", width - 8);
			fputc('\n', f);
		}
		if (shown < r->nbranch)
			fprintf(f, "  (%d more branches: --format csv or html)\n",
			        r->nbranch - shown);
	}

	heading(f, "Requests by service type", width);
	max = r->nservice ? r->by_service[0].n : 0;
	for (i = 0; i < r->nservice; i++) {
		fputs("  ", f);
		put_safe(f, r->by_service[i].code, 12);
		fprintf(f, " %9lld  ", (long long)r->by_service[i].n);
		bar(f, (double)r->by_service[i].n, (double)max, bw);
		fputc('\n', f);
	}
	if (r->nservice == 0)
		fprintf(f, "  none\n");

	snprintf(a, sizeof a, "%d", r->sla_days);
	heading(f, "Overdue requests (open more than the SLA after receipt)", width);
	fprintf(f, "  %lld open request%s received more than %s days ago"
	        " (days waiting for the member not counted)\n",
	        (long long)r->overdue_total, r->overdue_total == 1 ? "" : "s", a);
	if (r->noverdue)
		fprintf(f, "  %-12s %-10s %-10s %5s  %-11s %-14s %s\n", "reference",
		        "received", "earliest", "days", "status", "service", "assigned");
	for (i = 0; i < r->noverdue; i++) {
		const struct report_overdue *o = &r->overdue[i];
		khidma_date(o->created_at, a, sizeof a);
		khidma_date(o->earliest_response, b, sizeof b);
		fputs("  ", f);
		put_safe(f, o->ref, 12);
		fprintf(f, " %-10s %-10s %5d  %-11s ", a, b, o->days_open,
		        req_status_name(o->status));
		put_safe(f, o->service, 14);
		fputc(' ', f);
		put_safe(f, o->assigned_to[0] ? o->assigned_to : "-", 0);
		fputc('\n', f);
	}
	if (r->overdue_total > r->noverdue)
		fprintf(f, "  (the %d oldest shown)\n", r->noverdue);

	heading(f, "Processing time", width);
	durations(f, r, width);

	sat_table(f, "Satisfaction by question", "question", r->by_question,
	          r->nquestion, width);
	sat_table(f, "Satisfaction by channel", "channel", r->by_channel,
	          r->nchannel, width);
	snprintf(a, sizeof a, "%d", r->min_n);
	heading(f, "Satisfaction by officer", width);
	fprintf(f, "  Shown only for officers with at least %s survey responses:\n"
	        "  evaluation is for improvement, not for punishment.\n", a);
	if (r->nofficer)
		sat_table(f, "", "officer", r->by_officer, r->nofficer, width);
	if (r->officers_hidden)
		fprintf(f, "  %d officer%s with fewer responses not shown.\n",
		        r->officers_hidden, r->officers_hidden == 1 ? "" : "s");
	fflush(f);
	return ferror(f) ? -1 : 0;
}

/* ---- CSV ------------------------------------------------------------------ */

/* One CSV cell (RFC 4180 quoting, also for ';' and TAB, which some
 * spreadsheets split on; codes and refs rarely need it). */
static void
csv_cell(FILE *f, const char *s)
{
	if (strpbrk(s, ",;\"\t\r\n") == NULL && s[0] != '=' && s[0] != '+' &&
	    s[0] != '-' && s[0] != '@') {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	if (strchr("=+-@", s[0]) && s[0])
		fputc('\'', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void
csv_head(FILE *f, const char *section, const char *month, const char *key,
         const char *detail)
{
	csv_cell(f, section);
	fputc(',', f);
	csv_cell(f, month);
	fputc(',', f);
	csv_cell(f, key);
	fputc(',', f);
	csv_cell(f, detail);
}

static void
csv_sat(FILE *f, const char *section, const struct report_sat *s)
{
	csv_head(f, section, s->month, s->key, "");
	fprintf(f, ",%lld,%lld,,,%.2f,%.2f,%.2f,%.2f,%lld,%lld,%lld,%lld,%lld,,\r\n",
	        (long long)s->n, (long long)s->responses, s->mean, s->csat,
	        s->ci_lo, s->ci_hi, (long long)s->dist[0], (long long)s->dist[1],
	        (long long)s->dist[2], (long long)s->dist[3], (long long)s->dist[4]);
}

/* Days with two decimals; empty cells when n == 0 (no value, not 0). */
static void
csv_duration(FILE *f, const char *section, const struct report_duration *d)
{
	csv_head(f, section, "", "", "");
	if (d->n == 0)
		fputs(",0,,,,,,,,,,,,,,\r\n", f);
	else
		fprintf(f, ",%lld,,%.2f,%.2f,,,,,,,,,,,\r\n", (long long)d->n,
		        d->median_days, d->p90_days);
}

int
report_render_csv(const struct report *r, FILE *f)
{
	char a[32], b[32], detail[160];
	int i;

	fputs("section,month,key,detail,n,responses,median_days,p90_days,mean,"
	      "csat_pct,ci_lo_pct,ci_hi_pct,s1,s2,s3,s4,s5,received,"
	      "earliest_response\r\n", f);
	csv_head(f, "total", "", "", "");
	fprintf(f, ",%lld,,,,,,,,,,,,,,\r\n", (long long)r->total);
	for (i = 0; i < RS__COUNT; i++) {
		csv_head(f, "status", "", req_status_name((req_status)i), "");
		fprintf(f, ",%lld,,,,,,,,,,,,,,\r\n", (long long)r->by_status[i]);
	}
	for (i = 0; i < r->nservice; i++) {
		csv_head(f, "service", "", r->by_service[i].code, "");
		fprintf(f, ",%lld,,,,,,,,,,,,,,\r\n", (long long)r->by_service[i].n);
	}
	/* issue 13: per branch (key = its code, detail = the status or
	 * "total"), when more than one branch has requests */
	for (int j = 0; r->nbranch > 1 && j < r->nbranch; j++) {
		for (i = 0; i <= RS__COUNT; i++) {
			csv_head(f, "branch", "", r->by_branch[j].code, i < RS__COUNT
			         ? req_status_name((req_status)i) : "total");
			fprintf(f, ",%lld,,,,,,,,,,,,,,\r\n", (long long)(i < RS__COUNT
			        ? r->by_branch[j].by_status[i] : r->by_branch[j].total));
		}
	}
	csv_head(f, "overdue_total", "", "", "");
	fprintf(f, ",%lld,,,,,,,,,,,,,,\r\n", (long long)r->overdue_total);
	for (i = 0; i < r->noverdue; i++) {
		const struct report_overdue *o = &r->overdue[i];
		snprintf(detail, sizeof detail, "%s/%s/%s", req_status_name(o->status),
		         o->service, o->assigned_to);
		khidma_date(o->created_at, a, sizeof a);
		khidma_date(o->earliest_response, b, sizeof b);
		csv_head(f, "overdue", "", o->ref, detail);
		fprintf(f, ",%d,,,,,,,,,,,,,%s,%s\r\n", o->days_open, a, b);
	}
	csv_duration(f, "to_decision", &r->to_decision);
	csv_duration(f, "to_delivery", &r->to_delivery);
	for (i = 0; i < r->nquestion; i++)
		csv_sat(f, "question", &r->by_question[i]);
	for (i = 0; i < r->nchannel; i++)
		csv_sat(f, "channel", &r->by_channel[i]);
	for (i = 0; i < r->nofficer; i++)
		csv_sat(f, "officer", &r->by_officer[i]);
	csv_head(f, "officers_hidden", "", "", "");
	fprintf(f, ",%d,,,,,,,,,,,,,,\r\n", r->officers_hidden);
	fflush(f);
	return ferror(f) ? -1 : 0;
}
