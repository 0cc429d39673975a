/*
 * officer/reports — the Reports screen: the figures of store/report
 * (report_build) in five views switched with Tab: counts by status and by
 * service type, the overdue list, processing times, satisfaction by
 * question, satisfaction by channel (and per officer where n allows).
 * Bars are drawn with ui_chart_draw; satisfaction can be looked at month by
 * month (Left/Right; "all" = the whole period).
 *
 * Every view but the overdue table (which pages itself) is drawn whole
 * inside ui_scroll_begin/end and scrolled with Up/Down, PgUp/PgDn and
 * Home/End; when it is taller than the screen the last row says which rows
 * show. Durations are shown as report_duration_shown gives them (the unit
 * that suits each, the bar from the printed number), as `khidma report`
 * prints them; a figure with n = 0 shows REPORT_NONE.
 *
 * Invariants:
 *  1. The report is one consistent snapshot (report_build reads in one
 *     transaction); F5 (or Ctrl-L) builds it again.
 *  2. Only what report_build returns is shown: per-officer figures exist
 *     only where n >= min_n (never below REPORT_MIN_N) — the policy says
 *     evaluation is for improvement, not punishment.
 *  3. No applicant data: the overdue list names requests by reference.
 *  4. P (print) writes exactly what `khidma report` prints (report_render_text
 *     at 80 columns, as to a file or a pipe) of the snapshot on screen: into
 *     report_dir (else backup_dir) as khidma-report-YYYYMMDD-HHMMSS.txt,
 *     created new (never over another file), the path on the status line;
 *     or, with report_print_command set, piped to it (stdin from a private
 *     temporary copy, its output to /dev/null, given 30 s). A failure says
 *     why and leaves no partial file.
 */
#include "officer/officer_int.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "core/log.h"
#include "core/util.h"
#include "store/report.h"
#include "officer/officer_attr.h"

enum rview { RP_COUNTS = 0, RP_OVERDUE, RP_TIMES, RP_QUESTIONS, RP_CHANNELS, RP__COUNT };

struct reports {
	struct console *c;
	struct report  *rep;
	struct catalog_item *questions; int nquestions;
	enum rview      view;
	char          (*months)[8];
	int             nmonths, month;        /* index into months; last = "all" */
	/* overdue table */
	struct ui_column ocols[7];
	struct ui_table  otable;
	char             cell[32];
	int              top, content_h;   /* scrolled views: first row shown, rows */
	int              page;             /* rows the last draw showed */
};

static const char *
question_name(const struct reports *p, const char *code)
{
	int i;

	for (i = 0; i < p->nquestions; i++)
		if (strcmp(p->questions[i].code, code) == 0)
			return ui_pick(p->questions[i].name_en, p->questions[i].name_ar);
	return code;
}

static void
add_month(struct reports *p, const char *m)
{
	int i;

	for (i = 0; i < p->nmonths; i++)
		if (strcmp(p->months[i], m) == 0)
			return;
	p->months = xrealloc(p->months, (size_t)(p->nmonths + 1) * sizeof *p->months);
	strlcpy_k(p->months[p->nmonths++], m, sizeof p->months[0]);
}

static int
month_cmp(const void *a, const void *b)
{
	const char *x = a, *y = b;

	if (strcmp(x, "all") == 0)
		return strcmp(y, "all") == 0 ? 0 : 1;
	if (strcmp(y, "all") == 0)
		return -1;
	return strcmp(x, y);
}

static st_rc
build(struct reports *p)
{
	struct report_opts o = { 0 };
	struct report *rep = NULL;
	st_rc rc;
	int i;

	o.sla_days = p->c->a->cfg.sla_days > 0 ? p->c->a->cfg.sla_days : 30;
	o.min_n = p->c->a->cfg.report_min_n;
	rc = report_build(p->c->db, &o, &rep);
	if (rc != ST_OK) {
		log_error("officer reports: %s", st_rc_name(rc));
		return rc;
	}
	report_free(p->rep);
	p->rep = rep;
	free(p->months);
	p->months = NULL;
	p->nmonths = 0;
	add_month(p, "all");
	for (i = 0; i < rep->nquestion; i++)
		add_month(p, rep->by_question[i].month);
	for (i = 0; i < rep->nchannel; i++)
		add_month(p, rep->by_channel[i].month);
	qsort(p->months, (size_t)p->nmonths, sizeof *p->months, month_cmp);
	p->month = p->nmonths - 1;
	p->otable.nrows = rep->noverdue;
	p->otable.selected = 0;
	p->otable.top = 0;
	return ST_OK;
}

/* ---- views ----------------------------------------------------------------- */

static int
draw_counts(struct reports *p, struct ui_rect r)
{
	const struct report *rep = p->rep;
	struct ui_bar bars[RS__COUNT];
	struct ui_bar *sb = xcalloc((size_t)rep->nservice + 1, sizeof *sb);
	char vs[RS__COUNT][24], (*vsv)[24] = xcalloc((size_t)rep->nservice + 1, sizeof *vsv);
	char head[128];
	int i, h1 = RS__COUNT + 1, h2 = rep->nservice + 1, used;
	bool side = r.w >= 100;

	snprintf(head, sizeof head, "%s: %lld", _("Requests in the period"), (long long)rep->total);
	ui_text(r.y, r.x, r.w, head, ui_dir(), AL_START, OA_HEADING);
	for (i = 0; i < RS__COUNT; i++) {
		snprintf(vs[i], sizeof vs[i], "%lld", (long long)rep->by_status[i]);
		bars[i] = (struct ui_bar){ oc_status_label((req_status)i), (double)rep->by_status[i], vs[i] };
	}
	for (i = 0; i < rep->nservice; i++) {
		snprintf(vsv[i], sizeof vsv[i], "%lld", (long long)rep->by_service[i].n);
		sb[i] = (struct ui_bar){ oc_catalog_name(p->c, "service", rep->by_service[i].code),
		                         (double)rep->by_service[i].n, vsv[i] };
	}
	if (side) {
		int w = (r.w - 2) / 2;
		ui_chart_draw((struct ui_rect){ r.y + 2, r.x, h1, w }, _("By status"), bars, RS__COUNT, 0);
		ui_chart_draw((struct ui_rect){ r.y + 2, r.x + w + 2, h2, w }, _("By service type"),
		              sb, rep->nservice, 0);
		used = 2 + (h1 > h2 ? h1 : h2);
	} else {
		ui_chart_draw((struct ui_rect){ r.y + 2, r.x, h1, r.w }, _("By status"), bars, RS__COUNT, 0);
		ui_chart_draw((struct ui_rect){ r.y + 3 + h1, r.x, h2, r.w }, _("By service type"),
		              sb, rep->nservice, 0);
		used = 3 + h1 + h2;
	}
	/* issue 13: the requests of each branch beside the society's total,
	 * when more than one branch has requests in the period */
	if (rep->nbranch > 1) {
		struct ui_bar *bb = xcalloc((size_t)rep->nbranch + 1, sizeof *bb);
		char (*lb)[160] = xcalloc((size_t)rep->nbranch + 1, sizeof *lb);
		char (*vb)[24] = xcalloc((size_t)rep->nbranch + 1, sizeof *vb);
		int h3 = rep->nbranch + 1;

		for (i = 0; i < rep->nbranch; i++) {
			const struct report_branch *b = &rep->by_branch[i];

			if (b->name_en[0])
				snprintf(lb[i], sizeof lb[i], "%s %s", b->code,
				         ui_pick(b->name_en, b->name_ar));
			else
				snprintf(lb[i], sizeof lb[i], "%s", b->code);
			snprintf(vb[i], sizeof vb[i], "%lld", (long long)b->total);
			bb[i] = (struct ui_bar){ lb[i], (double)b->total, vb[i] };
		}
		ui_chart_draw((struct ui_rect){ r.y + used + 1, r.x, h3, side ? (r.w - 2) / 2
		              : r.w }, _("By branch"), bb, rep->nbranch, 0);
		used += 1 + h3;
		free(bb);
		free(lb);
		free(vb);
	}
	free(sb);
	free(vsv);
	return used;
}

static const char *
overdue_cell(void *ctx, int row, int col)
{
	struct reports *p = ctx;
	const struct report_overdue *o;

	if (row < 0 || row >= p->rep->noverdue)
		return "";
	o = &p->rep->overdue[row];
	switch (col) {
	case 0: return o->ref;
	case 1: return oc_catalog_name(p->c, "service", o->service);
	case 2: return oc_status_label(o->status);
	case 3: khidma_date(o->created_at, p->cell, sizeof p->cell); return p->cell;
	case 4: khidma_date(o->earliest_response, p->cell, sizeof p->cell); return p->cell;
	case 5: snprintf(p->cell, sizeof p->cell, "%d", o->days_open); return p->cell;
	default: return o->assigned_to;
	}
}

static void
draw_overdue(struct reports *p, struct ui_rect r)
{
	static const char *const titles[7] = {
		N_("Ref."), N_("Service"), N_("Status"), N_("Arrived"), N_("Reply from"),
		N_("Days"), N_("Assigned"),
	};
	static const int widths[7] = { 9, 16, 14, 10, 10, 5, 10 };
	char head[160];
	int i;

	char days[96];

	/* the count in the language's plural form (ngettext), then the line */
	snprintf(days, sizeof days, ui_ntr("more than %d day", "more than %d days",
	                                   (unsigned long)p->rep->sla_days), p->rep->sla_days);
	snprintf(head, sizeof head, _("Overdue (open for %s): %lld"), days,
	         (long long)p->rep->overdue_total);
	ui_text(r.y, r.x, r.w, head, ui_dir(), AL_START, OA_HEADING);
	for (i = 0; i < 7; i++) {
		p->ocols[i].title = _(titles[i]);
		p->ocols[i].width = widths[i];
		p->ocols[i].dir = i == 1 || i == 2 ? ui_dir() : TEXT_LTR;
		p->ocols[i].guess = false;
	}
	if (p->rep->noverdue == 0) {
		ui_text(r.y + 2, r.x, r.w, _("Nothing is overdue."), ui_dir(), AL_START, 0);
		return;
	}
	ui_table_draw(&p->otable, (struct ui_rect){ r.y + 2, r.x, r.h - 2, r.w });
}

/* A duration in the unit that suits it (report_duration_shown), or "–". */
static const char *
duration_text(char *buf, size_t n, int64_t count, double days)
{
	struct report_shown v = report_duration_shown(days);

	if (count == 0)
		snprintf(buf, n, "%s", REPORT_NONE);
	else
		snprintf(buf, n, v.unit == RU_MINUTES ? _("%.*f min")
		                 : v.unit == RU_HOURS ? _("%.*f hours") : _("%.*f days"),
		         v.decimals, v.value);
	return buf;
}

static void
duration_line(char *buf, size_t n, const char *label, const struct report_duration *d)
{
	char a[48], b[48];

	snprintf(buf, n, _("%s: median %s, 90th pct. %s (n = %lld)"), label,
	         duration_text(a, sizeof a, d->n, d->median_days),
	         duration_text(b, sizeof b, d->n, d->p90_days), (long long)d->n);
}

static int
draw_times(struct reports *p, struct ui_rect r)
{
	const struct report *rep = p->rep;
	const struct report_duration *d[2] = { &rep->to_decision, &rep->to_delivery };
	char l1[240], l2[240], v[4][48];
	struct ui_bar bars[4];
	int i, y = r.y;

	duration_line(l1, sizeof l1, _("From receipt to the decision"), &rep->to_decision);
	duration_line(l2, sizeof l2, _("From receipt to delivery"), &rep->to_delivery);
	y += ui_para((struct ui_rect){ y, r.x, 3, r.w }, l1, ui_dir(), AL_START, 0);
	y += ui_para((struct ui_rect){ y, r.x, 3, r.w }, l2, ui_dir(), AL_START, 0);
	bars[0].label = _("Decision, median");
	bars[1].label = _("Decision, 90th pct.");
	bars[2].label = _("Delivery, median");
	bars[3].label = _("Delivery, 90th pct.");
	for (i = 0; i < 4; i++) {
		double days = i % 2 ? d[i / 2]->p90_days : d[i / 2]->median_days;
		/* the bar from the very number its label prints */
		bars[i].value = d[i / 2]->n ? report_duration_shown(days).days : 0;
		bars[i].value_text = duration_text(v[i], sizeof v[i], d[i / 2]->n, days);
	}
	ui_chart_draw((struct ui_rect){ y + 1, r.x, 5, r.w }, _("Processing time"), bars, 4, 0);
	return y + 6 - r.y;
}

/* A CSAT chart of the rows of one month, then a detail line per row. */
static int
draw_sat(struct reports *p, struct ui_rect r, const char *title,
         const struct report_sat *rows, int n, int kind /* 0 q, 1 channel, 2 officer */)
{
	const char *month = p->months[p->month];
	struct ui_bar *bars = xcalloc((size_t)n + 1, sizeof *bars);
	char (*vt)[32] = xcalloc((size_t)n + 1, sizeof *vt);
	const struct report_sat **sel = xcalloc((size_t)n + 1, sizeof *sel);
	char line[256];
	int i, k = 0, y;

	for (i = 0; i < n; i++) {
		if (strcmp(rows[i].month, month) != 0)
			continue;
		sel[k] = &rows[i];
		snprintf(vt[k], sizeof vt[k], "%.0f%% n=%lld", rows[i].csat, (long long)rows[i].n);
		bars[k].label = kind == 0 ? question_name(p, rows[i].key)
		              : kind == 1 ? oc_catalog_name(p->c, "channel", rows[i].key) : rows[i].key;
		bars[k].value = rows[i].csat;
		bars[k].value_text = vt[k];
		k++;
	}
	if (k == 0) {
		ui_text(r.y, r.x, r.w, title, ui_dir(), AL_START, OA_HEADING);
		ui_text(r.y + 1, r.x, r.w, _("No answers in this period."), ui_dir(), AL_START, 0);
		y = r.y + 2;
		goto cleanup;
	}
	ui_chart_draw((struct ui_rect){ r.y, r.x, k + 1, r.w }, title, bars, k, 100);
	y = r.y + k + 2;
	for (i = 0; i < k && y < r.y + r.h; i++, y++) {
		snprintf(line, sizeof line, _("%s: mean %.2f · CSAT %.0f%% (95%% CI %.0f–%.0f%%) · n = %lld · 1–5: %lld/%lld/%lld/%lld/%lld"),
		         bars[i].label, sel[i]->mean, sel[i]->csat, sel[i]->ci_lo, sel[i]->ci_hi,
		         (long long)sel[i]->n, (long long)sel[i]->dist[0], (long long)sel[i]->dist[1],
		         (long long)sel[i]->dist[2], (long long)sel[i]->dist[3], (long long)sel[i]->dist[4]);
		ui_text(y, r.x, r.w, line, ui_dir(), AL_START, OA_DIM);
	}
cleanup:
	free(bars);
	free(vt);
	free(sel);
	return y - r.y;
}

/* The current view (not the overdue table) from r.y down, whole; returns
 * the rows it takes. */
static int
draw_view(struct reports *p, struct ui_rect r)
{
	struct ui_rect body = r;
	char month[64], sub[160];
	int i, used;

	switch (p->view) {
	case RP_COUNTS:
		return draw_counts(p, body);
	case RP_TIMES:
		return draw_times(p, body);
	case RP_QUESTIONS:
	case RP_CHANNELS:
		snprintf(month, sizeof month, "%s: %s", _("Month"),
		         strcmp(p->months[p->month], "all") == 0 ? _("whole period") : p->months[p->month]);
		ui_text(body.y, body.x, body.w, month, ui_dir(), AL_START, OA_HEADING);
		body.y += 2;
		if (p->view == RP_QUESTIONS)
			return 2 + draw_sat(p, body, _("Satisfied (4–5) by question"),
			                    p->rep->by_question, p->rep->nquestion, 0);
		used = 0;
		for (i = 0; i < p->rep->nchannel; i++)
			used += strcmp(p->rep->by_channel[i].month, p->months[p->month]) == 0;
		(void)draw_sat(p, (struct ui_rect){ body.y, body.x, used + 2, body.w },
		               _("Satisfied (4–5) by channel"), p->rep->by_channel, p->rep->nchannel, 1);
		body.y += used + 3;
		if (strcmp(p->months[p->month], "all") == 0) {
			char hidden[96];

			snprintf(hidden, sizeof hidden,
			         ui_ntr("%d officer with fewer", "%d officers with fewer",
			                (unsigned long)p->rep->officers_hidden),
			         p->rep->officers_hidden);
			snprintf(sub, sizeof sub, _("By officer (only where n ≥ %d; %s not shown)"),
			         p->rep->min_n, hidden);
			body.y += draw_sat(p, (struct ui_rect){ body.y, body.x, 10000, body.w }, sub,
			                   p->rep->by_officer, p->rep->nofficer, 2);
		}
		return body.y - r.y;
	default:
		return 0;
	}
}

/* Write the report's text (`khidma report`'s, 80 columns) to fd; 0 or -1
 * (errno set). fd is closed. */
static int
write_text(const struct report *rep, int fd)
{
	FILE *f = fdopen(fd, "w");
	int rc;

	if (f == NULL) {
		close(fd);
		return -1;
	}
	rc = report_render_text(rep, f, 80);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

/* Run cmd (sh -c) with stdin from path, output to /dev/null; true when it
 * exited 0 within 30 s (else it is killed). */
static bool
run_printer(const char *cmd, const char *path)
{
	pid_t pid = fork();
	int st = 0;

	if (pid < 0)
		return false;
	if (pid == 0) {
		int in = open(path, O_RDONLY | O_CLOEXEC), nul = open("/dev/null", O_WRONLY);

		if (in < 0 || nul < 0 || dup2(in, 0) < 0 || dup2(nul, 1) < 0 || dup2(nul, 2) < 0)
			_exit(127);
		setsid();                       /* never the console's terminal */
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 300; i++) {         /* 30 s in 0.1 s steps */
		pid_t w = waitpid(pid, &st, WNOHANG);

		if (w == pid)
			return WIFEXITED(st) && WEXITSTATUS(st) == 0;
		if (w < 0 && errno != EINTR)
			return false;
		struct timespec ts = { 0, 100000000L };
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	(void)waitpid(pid, &st, 0);
	return false;
}

/* Invariant 4: P. Says on the status line what happened. */
static void
print_report(struct reports *p)
{
	const struct config *cfg = &p->c->a->cfg;
	const char *dir = cfg->report_dir ? cfg->report_dir : cfg->backup_dir;
	char stamp[32], *path, *m;
	struct tm tm;
	time_t now = khidma_now();
	int fd;

	if (p->rep == NULL)
		return;
	if (cfg->report_print_command != NULL && cfg->report_print_command[0]) {
		char tmp[] = "/tmp/khidma-report-XXXXXX";
		bool ok;

		fd = mkstemp(tmp);
		if (fd < 0 || write_text(p->rep, fd) != 0) {
			if (fd >= 0)
				unlink(tmp);
			ui_status(_("The report could not be written; nothing was printed."), true);
			return;
		}
		ok = run_printer(cfg->report_print_command, tmp);
		unlink(tmp);
		log_info("officer %s: report printed with \"%s\": %s", p->c->me.login,
		         cfg->report_print_command, ok ? "ok" : "failed");
		m = xasprintf(ok ? _("The report was sent to the printer (%s).")
		                 : _("The printer command (%s) failed; nothing was printed."),
		              cfg->report_print_command);
		ui_status(m, !ok);
		free(m);
		return;
	}
	if (dir == NULL || dir[0] == '\0') {
		ui_status(_("No report directory is configured (report_dir or backup_dir); "
		            "nothing was written."), true);
		return;
	}
	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	path = xasprintf("%s/khidma-report-%s.txt", dir, stamp);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0 || write_text(p->rep, fd) != 0) {
		int e = errno;

		if (fd >= 0)
			unlink(path);
		log_error("officer %s: report to %s: %s", p->c->me.login, path, strerror(e));
		m = xasprintf(e == ENOENT ? _("The report directory %s does not exist; nothing was written.")
		              : e == EEXIST ? _("A report with this name exists already (%s); try again in a second.")
		              : _("The report could not be written in %s; nothing was written."),
		              e == EEXIST ? path : dir);
		ui_status(m, true);
		free(m);
		free(path);
		return;
	}
	log_info("officer %s: report written to %s", p->c->me.login, path);
	m = xasprintf(_("Report written to %s"), path);
	ui_status(m, false);
	free(m);
	free(path);
}

static void
reports_draw(struct ui_screen *s)
{
	struct reports *p = s->state;
	static const struct ui_key_hint hints[] = {
		{ "Tab", N_("next view") }, { "↑↓", N_("scroll") }, { "←→", N_("month") },
		{ "F5", N_("refresh") }, { "P", N_("print") },
		{ "Esc", N_("back") },
	};
	static const char *const views[RP__COUNT] = {
		N_("Counts"), N_("Overdue"), N_("Processing time"), N_("Satisfaction"), N_("By channel"),
	};
	struct ui_rect r, body, view;
	char sub[160];
	int i, w, x;

	r = ui_frame(_("Reports"), hints, (int)ARRAY_LEN(hints));
	w = (r.w - 2) / RP__COUNT;
	for (i = 0; i < RP__COUNT; i++) {
		x = ui_dir() == TEXT_RTL ? r.x + r.w - 1 - (i + 1) * w : r.x + 1 + i * w;
		ui_text(r.y, x, w - 1, _(views[i]), ui_dir(), AL_CENTER,
		        i == (int)p->view ? OA_SELECTED : 0);
	}
	body = (struct ui_rect){ r.y + 2, r.x + 1, r.h - 2, r.w - 2 };
	if (p->rep == NULL)
		return;
	if (p->view == RP_OVERDUE) {         /* the table pages itself */
		draw_overdue(p, body);
		return;
	}
	/* measure (nothing painted), then draw the rows from top */
	ui_scroll_begin((struct ui_rect){ 0, 0, 0, 0 }, 0);
	p->content_h = draw_view(p, body);
	ui_scroll_end();
	view = body;
	if (p->content_h > body.h && body.h > 2)
		view.h--;                        /* the last row says where we are */
	if (p->top > p->content_h - view.h)
		p->top = p->content_h - view.h;
	if (p->top < 0)
		p->top = 0;
	p->page = view.h;
	ui_scroll_begin(view, p->top);
	(void)draw_view(p, body);
	ui_scroll_end();
	if (view.h < body.h) {
		snprintf(sub, sizeof sub, _("rows %d–%d of %d · ↑↓ PgUp PgDn"), p->top + 1,
		         p->top + view.h, p->content_h);
		ui_text(body.y + body.h - 1, body.x, body.w, sub, ui_dir(), AL_END, OA_DIM);
	}
}

static int
reports_key(struct ui_screen *s, struct ui_event ev)
{
	struct reports *p = s->state;
	st_rc rc;
	int page;

	switch (ev.a) {
	case ACT_TICK:
		return 0;
	case ACT_QUIT:
		return oc_quit();
	case ACT_BACK:
		return UI_BACK;
	case ACT_NEXT:
		p->view = (p->view + 1) % RP__COUNT;
		p->top = 0;
		return UI_REDRAW;
	case ACT_PREV:
		p->view = (p->view + RP__COUNT - 1) % RP__COUNT;
		p->top = 0;
		return UI_REDRAW;
	case ACT_LEFT:
	case ACT_RIGHT:
		/* months run the reading way: Left is "next" in RTL */
		if ((ev.a == ACT_RIGHT) == (ui_dir() == TEXT_LTR)) {
			if (p->month + 1 < p->nmonths)
				p->month++;
		} else if (p->month > 0) {
			p->month--;
		}
		return UI_REDRAW;
	case ACT_CHAR:
		if (ev.ch == L'p' || ev.ch == L'P' || ev.ch == L'\u062d') {   /* ح: P on the Arabic layout */
			print_report(p);
			return UI_REDRAW;
		}
		if (p->view == RP_OVERDUE)
			(void)ui_table_key(&p->otable, ev);
		return UI_REDRAW;
	case ACT_SAVE:
		rc = build(p);
		ui_status(rc == ST_OK ? _("Report refreshed.") : oc_store_error(rc), rc != ST_OK);
		return UI_REDRAW;
	default:
		if (p->view == RP_OVERDUE) {
			(void)ui_table_key(&p->otable, ev);
			return UI_REDRAW;
		}
		/* scrolled views; reports_draw clamps top to the content */
		page = p->page > 2 ? p->page - 1 : 1;
		switch (ev.a) {
		case ACT_UP:   p->top--; break;
		case ACT_DOWN: p->top++; break;
		case ACT_PGUP: p->top -= page; break;
		case ACT_PGDN: p->top += page; break;
		case ACT_HOME: p->top = 0; break;
		case ACT_END:  p->top = p->content_h; break;
		default:       return UI_REDRAW;
		}
		if (p->top < 0)
			p->top = 0;
		return UI_REDRAW;
	}
}

int
oc_reports(struct console *c)
{
	struct reports p = { .c = c };
	struct ui_screen s = { .name = "officer-reports", .state = &p,
	                       .draw = reports_draw, .key = reports_key };
	st_rc rc;
	int r;

	p.otable.cols = p.ocols;
	p.otable.ncols = 7;
	p.otable.cell = overdue_cell;
	p.otable.ctx = &p;
	rc = store_catalog_list(c->db, "question", true, &p.questions, &p.nquestions);
	if (rc == ST_OK)
		rc = build(&p);
	if (rc != ST_OK) {
		catalog_items_free(p.questions, p.nquestions);
		ui_message(_("Reports"), oc_store_error(rc), false);
		return UI_BACK;
	}
	r = ui_run(&s);
	report_free(p.rep);
	free(p.months);
	catalog_items_free(p.questions, p.nquestions);
	return oc_unwind(r) ? r : UI_BACK;
}
