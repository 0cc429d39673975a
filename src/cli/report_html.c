/*
 * cli/report_html — `khidma report --format html`: the report for the
 * board as one self-contained HTML page (no script, no external file: the
 * style sheet is inline and the bar charts are CSS bars), in the language
 * of --lang (Arabic by default: <html lang="ar" dir="rtl">, so the browser
 * shapes the Arabic and lays the page right to left; English: lang="en"
 * dir="ltr"). The same figures and charts as the console's Reports screen
 * and `khidma report`: requests by status and by service type, the
 * overdue list, processing times (each duration in the unit that suits it,
 * report_duration_shown, the bar from the number its label prints; n = 0
 * shows REPORT_NONE), satisfaction by question and by channel (a chart of
 * the whole period, then every month in a table), per officer only where
 * report_build gives it. A browser prints it or saves it as PDF (print
 * style included).
 *
 * Invariants:
 *  1. Every value that comes from the database or the catalogs — codes,
 *     names, references, logins — passes text_sanitize (no control or bidi
 *     override characters) and then html_esc (& < > " '), and is wrapped
 *     in <bdi> where it sits among text of the other direction. Labels are
 *     the program's own translations and are escaped too.
 *  2. No visitor identity: only what struct report holds (store/report.h,
 *     invariant 2).
 *  3. Bars are widths in % of their cell, from the same number the cell
 *     beside them prints.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/report_html.h"
#include "core/util.h"
#include "text/text.h"
#include "ui/ui.h"

static const char *const status_labels[RS__COUNT] = {
	[RS_RECEIVED]   = N_("Received"),
	[RS_NEEDS_INFO] = N_("Needs information"),
	[RS_VERIFIED]   = N_("Verified"),
	[RS_REFERRED]   = N_("Referred to research"),
	[RS_COMMITTEE]  = N_("At the committee"),
	[RS_ACCEPTED]   = N_("Accepted"),
	[RS_REJECTED]   = N_("Rejected"),
	[RS_REGISTERED] = N_("Registered"),
	[RS_DELIVERED]  = N_("Delivered"),
	[RS_WITHDRAWN]  = N_("Withdrawn"),
};

struct html {
	FILE *f;
	struct catalog_item *cat[3]; int ncat[3];   /* service, channel, question */
};

/* Invariant 1: sanitised, then escaped. */
static void
esc(FILE *f, const char *s)
{
	char *safe = text_sanitize(s ? s : "", strlen(s ? s : ""));

	for (const char *p = safe; *p; p++) {
		switch (*p) {
		case '&':  fputs("&amp;", f); break;
		case '<':  fputs("&lt;", f); break;
		case '>':  fputs("&gt;", f); break;
		case '"':  fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default:   fputc(*p, f);
		}
	}
	free(safe);
}

/* fmt (a translation with n "%s") escaped, each %s replaced by the next
 * value, escaped and isolated left to right (dates, figures). */
static void
esc_fmt(FILE *f, const char *fmt, const char *const *v, int n)
{
	char *copy = xstrdup(fmt), *p = copy, *q;
	int i = 0;

	while ((q = strstr(p, "%s")) != NULL && i < n) {
		*q = '\0';
		esc(f, p);
		fputs("<bdi dir=\"ltr\">", f);
		esc(f, v[i++]);
		fputs("</bdi>", f);
		p = q + 2;
	}
	esc(f, p);
	free(copy);
}

/* The catalog name of code (kind 0 service, 1 channel, 2 question) in the
 * page's language, or the code itself. */
static const char *
cat_name(const struct html *h, int kind, const char *code)
{
	for (int i = 0; i < h->ncat[kind]; i++)
		if (strcmp(h->cat[kind][i].code, code) == 0)
			return ui_pick(h->cat[kind][i].name_en, h->cat[kind][i].name_ar);
	return code;
}

static void
duration_text(char *buf, size_t n, int64_t count, double days)
{
	struct report_shown v = report_duration_shown(days);

	if (count == 0)
		snprintf(buf, n, "%s", REPORT_NONE);
	else
		snprintf(buf, n, v.unit == RU_MINUTES ? _("%.*f min")
		                 : v.unit == RU_HOURS ? _("%.*f hours") : _("%.*f days"),
		         v.decimals, v.value);
}

/* One chart row: label, the printed value, a bar of value/max. */
static void
bar_row(FILE *f, const char *label, const char *shown, double value, double max)
{
	double pct = max > 0 && value > 0 ? 100.0 * value / max : 0;

	fputs("<tr><th scope=\"row\"><bdi>", f);
	esc(f, label);
	fputs("</bdi></th><td class=\"num\">", f);
	esc(f, shown);
	fprintf(f, "</td><td class=\"barcell\"><span class=\"bar\" style=\"width:%.1f%%\">"
	        "</span></td></tr>\n", pct > 100 ? 100 : pct);
}

static void
h2(FILE *f, const char *title)
{
	fputs("<h2>", f);
	esc(f, title);
	fputs("</h2>\n", f);
}

static void
counts(struct html *h, const struct report *r)
{
	FILE *f = h->f;
	char v[32];
	int64_t max = 0;
	int i;

	fputs("<section>\n", f);
	h2(f, _("By status"));
	fputs("<table class=\"chart\">\n", f);
	for (i = 0; i < RS__COUNT; i++)
		if (r->by_status[i] > max)
			max = r->by_status[i];
	for (i = 0; i < RS__COUNT; i++) {
		snprintf(v, sizeof v, "%lld", (long long)r->by_status[i]);
		bar_row(f, _(status_labels[i]), v, (double)r->by_status[i], (double)max);
	}
	fputs("</table>\n", f);
	h2(f, _("By service type"));
	fputs("<table class=\"chart\">\n", f);
	max = 0;
	for (i = 0; i < r->nservice; i++)
		if (r->by_service[i].n > max)
			max = r->by_service[i].n;
	for (i = 0; i < r->nservice; i++) {
		snprintf(v, sizeof v, "%lld", (long long)r->by_service[i].n);
		bar_row(f, cat_name(h, 0, r->by_service[i].code), v, (double)r->by_service[i].n,
		        (double)max);
	}
	fputs("</table>\n", f);
	/* issue 13: one column per branch beside the society's */
	if (r->nbranch > 1) {
		h2(f, _("By branch"));
		fputs("<table class=\"data\">\n<thead><tr><th></th>", f);
		for (int j = 0; j < r->nbranch; j++) {
			const struct report_branch *b = &r->by_branch[j];

			fputs("<th><bdi>", f);
			esc(f, b->code);
			if (b->name_en[0]) {
				fputs(" ", f);
				esc(f, ui_pick(b->name_en, b->name_ar));
			}
			fputs("</bdi></th>", f);
		}
		fputs("<th>", f);
		esc(f, _("The society"));
		fputs("</th></tr></thead>\n<tbody>\n", f);
		for (i = 0; i <= RS__COUNT; i++) {
			fputs("<tr><th scope=\"row\">", f);
			esc(f, i < RS__COUNT ? _(status_labels[i]) : _("Total"));
			fputs("</th>", f);
			for (int j = 0; j < r->nbranch; j++)
				fprintf(f, "<td class=\"num\">%lld</td>", (long long)(i < RS__COUNT
				        ? r->by_branch[j].by_status[i] : r->by_branch[j].total));
			fprintf(f, "<td class=\"num\">%lld</td></tr>\n", (long long)(i < RS__COUNT
			        ? r->by_status[i] : r->total));
		}
		fputs("</tbody></table>\n", f);
	}
	fputs("</section>\n", f);
}

static void
overdue(struct html *h, const struct report *r)
{
	static const char *const heads[7] = {
		N_("Ref."), N_("Service"), N_("Status"), N_("Arrived"), N_("Reply from"),
		N_("Days"), N_("Assigned"),
	};
	FILE *f = h->f;
	char buf[200], a[32], b[32];

	fputs("<section>\n", f);
	snprintf(buf, sizeof buf, _("Overdue (open for more than %d days): %lld"), r->sla_days,
	         (long long)r->overdue_total);
	h2(f, buf);
	if (r->noverdue == 0) {
		fputs("<p>", f);
		esc(f, _("Nothing is overdue."));
		fputs("</p>\n</section>\n", f);
		return;
	}
	fputs("<table class=\"data\">\n<thead><tr>", f);
	for (int i = 0; i < 7; i++) {
		fputs("<th>", f);
		esc(f, _(heads[i]));
		fputs("</th>", f);
	}
	fputs("</tr></thead>\n<tbody>\n", f);
	for (int i = 0; i < r->noverdue; i++) {
		const struct report_overdue *o = &r->overdue[i];
		khidma_date(o->created_at, a, sizeof a);
		khidma_date(o->earliest_response, b, sizeof b);
		fputs("<tr><td class=\"ltr\">", f);
		esc(f, o->ref);
		fputs("</td><td><bdi>", f);
		esc(f, cat_name(h, 0, o->service));
		fputs("</bdi></td><td>", f);
		esc(f, (int)o->status >= 0 && o->status < RS__COUNT ? _(status_labels[o->status]) : "?");
		fprintf(f, "</td><td class=\"ltr\">%s</td><td class=\"ltr\">%s</td>"
		        "<td class=\"num\">%d</td><td><bdi>", a, b, o->days_open);
		esc(f, o->assigned_to[0] ? o->assigned_to : "–");
		fputs("</bdi></td></tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
	if (r->overdue_total > r->noverdue) {
		snprintf(buf, sizeof buf, _("(the %d oldest shown)"), r->noverdue);
		fputs("<p>", f);
		esc(f, buf);
		fputs("</p>\n", f);
	}
	fputs("</section>\n", f);
}

static void
times(struct html *h, const struct report *r)
{
	const struct report_duration *d[2] = { &r->to_decision, &r->to_delivery };
	const char *rows[2] = { _("From receipt to the decision"), _("From receipt to delivery") };
	const char *bars[4] = { _("Decision, median"), _("Decision, 90th pct."),
	                        _("Delivery, median"), _("Delivery, 90th pct.") };
	FILE *f = h->f;
	char a[48], b[48];
	double v[4], max = 0;
	int i;

	fputs("<section>\n", f);
	h2(f, _("Processing time"));
	fputs("<table class=\"data\">\n<thead><tr><th></th><th>", f);
	esc(f, _("n"));
	fputs("</th><th>", f);
	esc(f, _("Median"));
	fputs("</th><th>", f);
	esc(f, _("90th percentile"));
	fputs("</th></tr></thead>\n<tbody>\n", f);
	for (i = 0; i < 2; i++) {
		duration_text(a, sizeof a, d[i]->n, d[i]->median_days);
		duration_text(b, sizeof b, d[i]->n, d[i]->p90_days);
		fputs("<tr><th scope=\"row\">", f);
		esc(f, rows[i]);
		fprintf(f, "</th><td class=\"num\">%lld</td><td class=\"num\">", (long long)d[i]->n);
		esc(f, a);
		fputs("</td><td class=\"num\">", f);
		esc(f, b);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n<table class=\"chart\">\n", f);
	for (i = 0; i < 4; i++) {
		const struct report_duration *x = d[i / 2];
		v[i] = x->n ? report_duration_shown(i % 2 ? x->p90_days : x->median_days).days : 0;
		if (v[i] > max)
			max = v[i];
	}
	for (i = 0; i < 4; i++) {
		const struct report_duration *x = d[i / 2];
		duration_text(a, sizeof a, x->n, i % 2 ? x->p90_days : x->median_days);
		bar_row(f, bars[i], a, v[i], max);
	}
	fputs("</table>\n</section>\n", f);
}

/* A CSAT chart of the whole period's rows, then every row in a table. */
static void
sat(struct html *h, const char *title, const char *keyhead, int kind,
    const struct report_sat *rows, int n)
{
	FILE *f = h->f;
	char v[48], buf[64];
	int i, all = 0;

	h2(f, title);
	if (n == 0) {
		fputs("<p>", f);
		esc(f, _("No answers in this period."));
		fputs("</p>\n", f);
		return;
	}
	for (i = 0; i < n; i++)
		all += strcmp(rows[i].month, "all") == 0;
	if (all > 0) {
		fputs("<table class=\"chart\">\n", f);
		for (i = 0; i < n; i++) {
			if (strcmp(rows[i].month, "all") != 0)
				continue;
			if (rows[i].n == 0)
				snprintf(v, sizeof v, "%s", REPORT_NONE);
			else
				snprintf(v, sizeof v, "%.0f%% (n = %lld)", rows[i].csat, (long long)rows[i].n);
			bar_row(f, kind >= 0 ? cat_name(h, kind, rows[i].key) : rows[i].key, v,
			        rows[i].n ? rows[i].csat : 0, 100);
		}
		fputs("</table>\n", f);
	}
	fputs("<table class=\"data\">\n<thead><tr><th>", f);
	esc(f, _("Month"));
	fputs("</th><th>", f);
	esc(f, keyhead);
	fputs("</th><th>n</th><th>", f);
	esc(f, _("Mean"));
	fputs("</th><th>CSAT</th><th>", f);
	esc(f, _("95% interval"));
	fputs("</th><th><bdi dir=\"ltr\">1/2/3/4/5</bdi></th></tr></thead>\n<tbody>\n", f);
	for (i = 0; i < n; i++) {
		const struct report_sat *s = &rows[i];
		fputs("<tr><td>", f);
		esc(f, strcmp(s->month, "all") == 0 ? _("whole period") : s->month);
		fputs("</td><td><bdi>", f);
		esc(f, kind >= 0 ? cat_name(h, kind, s->key) : s->key);
		fprintf(f, "</bdi></td><td class=\"num\">%lld</td>", (long long)s->n);
		if (s->n == 0) {
			fprintf(f, "<td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td>",
			        REPORT_NONE, REPORT_NONE, REPORT_NONE);
		} else {
			fprintf(f, "<td class=\"num\">%.2f</td><td class=\"num\">%.1f%%</td>", s->mean, s->csat);
			snprintf(buf, sizeof buf, "%.1f–%.1f%%", s->ci_lo, s->ci_hi);
			fputs("<td class=\"num\"><bdi dir=\"ltr\">", f);
			esc(f, buf);
			fputs("</bdi></td>", f);
		}
		fprintf(f, "<td class=\"num\"><bdi dir=\"ltr\">%lld/%lld/%lld/%lld/%lld</bdi></td></tr>\n",
		        (long long)s->dist[0], (long long)s->dist[1], (long long)s->dist[2],
		        (long long)s->dist[3], (long long)s->dist[4]);
	}
	fputs("</tbody></table>\n", f);
}

static const char style[] =
"body{font-family:\"DejaVu Sans\",\"Noto Sans Arabic\",\"Noto Naskh Arabic\",Arial,sans-serif;"
"max-width:60em;margin:1em auto;padding:0 1em;color:#111;line-height:1.4}\n"
"h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;margin:1.2em 0 .4em;"
"border-bottom:1px solid #999}\n"
"table{border-collapse:collapse;margin:.3em 0}\n"
"th,td{padding:.15em .5em;text-align:start;vertical-align:middle}\n"
"table.data th,table.data td{border-bottom:1px solid #ddd}\n"
"table.chart{width:100%}table.chart th{font-weight:normal;white-space:nowrap;width:1%}\n"
"td.num{text-align:end;white-space:nowrap;font-variant-numeric:tabular-nums}\n"
"td.ltr{direction:ltr;text-align:start;unicode-bidi:isolate;white-space:nowrap}\n"
"td.barcell{width:70%}\n"
".bar{display:block;height:.9em;background:#2c5d8f;min-width:0}\n"
".meta,.note{color:#444}\n"
"@media print{body{max-width:none;margin:0}section{break-inside:avoid}"
".bar{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n";

/* Contract: see report_html.h. */
int
report_render_html(const struct report *r, store *db, FILE *f, bool arabic)
{
	static const char *const kinds[3] = { "service", "channel", "question" };
	struct html h = { .f = f };
	char a[32], b[32], buf[256];
	const char *m = setlocale(LC_MESSAGES, NULL);
	ui_lang keep = ui_get_lang();
	int i;

	if (m == NULL || strcmp(m, "C") == 0 || strcmp(m, "POSIX") == 0)
		setlocale(LC_MESSAGES, "C.UTF-8");    /* gettext honours LANGUAGE */
	ui_set_lang(arabic ? LANG_AR : LANG_EN);
	for (i = 0; i < 3; i++)
		if (store_catalog_list(db, kinds[i], true, &h.cat[i], &h.ncat[i]) != ST_OK) {
			h.cat[i] = NULL;
			h.ncat[i] = 0;
		}

	fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\" dir=\"%s\">\n<head>\n"
	        "<meta charset=\"utf-8\">\n"
	        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
	        arabic ? "ar" : "en", arabic ? "rtl" : "ltr");
	esc(f, _("Service report"));
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>", style);
	esc(f, _("Service report"));
	fputs("</h1>\n<p class=\"meta\">", f);
	khidma_datetime(r->generated_at, a, sizeof a);
	{
		const char *v[1] = { a };
		esc_fmt(f, _("Generated %s"), v, 1);
	}
	fputs("<br>", f);
	if (r->since)
		khidma_date(r->since, a, sizeof a);
	if (r->until)
		khidma_date(r->until - 1, b, sizeof b);
	if (r->since && r->until) {
		const char *v[2] = { a, b };
		esc_fmt(f, _("Period: %s to %s"), v, 2);
	} else {
		snprintf(buf, sizeof buf, _("Period: %s to %s"), r->since ? a : _("the beginning"),
		         r->until ? b : _("now"));
		esc(f, buf);
	}
	fputs("<br>", f);
	snprintf(buf, sizeof buf, "%s: %lld", _("Requests in the period"), (long long)r->total);
	esc(f, buf);
	fputs("</p>\n", f);

	counts(&h, r);
	overdue(&h, r);
	times(&h, r);
	fputs("<section>\n", f);
	sat(&h, _("Satisfied (4–5) by question"), _("Question"), 2, r->by_question, r->nquestion);
	sat(&h, _("Satisfied (4–5) by channel"), _("Channel"), 1, r->by_channel, r->nchannel);
	snprintf(buf, sizeof buf, _("By officer (only where n ≥ %d; %d officers with fewer not shown)"),
	         r->min_n, r->officers_hidden);
	sat(&h, buf, _("Officer"), -1, r->by_officer, r->nofficer);
	fputs("<p class=\"note\">", f);
	esc(f, _("Satisfaction is measured for improvement, never for punishment."));
	fputs("</p>\n</section>\n</body>\n</html>\n", f);

	for (i = 0; i < 3; i++)
		catalog_items_free(h.cat[i], h.ncat[i]);
	ui_set_lang(keep);
	fflush(f);
	return ferror(f) ? -1 : 0;
}
