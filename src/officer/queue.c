/*
 * officer/queue — the console's home: the requests, first the view
 * "Waiting for me" (queue_filter.c: the work waiting for the officer's
 * role; V cycles the views, whose counts the header shows; T the order:
 * newest, oldest or due date first), in a ui_table (reference, name, service, channel, status, received, earliest
 * response, assigned, overdue mark), filtered and searched (queue_filter.c)
 * and paged by key through store_queue.
 *
 * Invariants:
 *  1. Keyset paging: page k starts after the last row of page k-1; the
 *     start keys of the pages seen are kept on a stack (keys[0] = "from the
 *     top"), so PgUp is exact and no query ever uses OFFSET. A page holds as
 *     many rows as the table shows (page_rows()), so PgDn is one screenful.
 *  2. Every reload keeps the cursor on the same request id when it is still
 *     on the page, else on the same row index (clamped).
 *  3. Auto-refresh: on every ACT_TICK store_changed() is polled (PRAGMA
 *     data_version: another officer or a kiosk committed); a change reloads
 *     the current page. Returning from a request screen always reloads.
 *  4. Cells are drawn by the table, which sanitises: names stored with
 *     escape sequences or bidi controls are shown inert.
 *  5. Help calls from the kiosks (store/help.c) are a row above the
 *     table, reloaded with the page: the oldest open call's kiosk and time
 *     and how many more wait; H marks the oldest answered by this officer.
 *  6. Every command has one key whatever the role (queue_cmds), shown in
 *     the F1 menu and taken in the queue itself (not log out: F10 there),
 *     in either case or as the letter on the same Arabic key.

 *  7. The rows under the header are always the answer to the header's
 *     view, filter, search, order and page: a load for another of these
 *     that fails clears them, and the table says why (queue_load). Only a
 *     refresh of the same list that fails keeps its rows (stale by
 *     seconds, but of this view); the status line says why.
 */
#include "officer/queue.h"
#include "officer/officer_attr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/log.h"
#include "core/util.h"
#include "workflow/workflow.h"

/* Rows the table shows (and a page holds) on the current screen. */
static int
page_rows(void)
{
	int rows = 24, cols = 80, n;

	(void)ui_size(&rows, &cols);
	n = rows - 8;     /* title, filter line, blank, header, status, footer, margins */
	return n < 3 ? 3 : n;
}

static void
rows_free(struct queue *q)
{
	queue_rows_free(q->rows, q->nrows);
	q->rows = NULL;
	q->nrows = 0;
	free(q->recv);
	free(q->early);
	q->recv = q->early = NULL;
}

static void
full_date(time_t t, char out[11])
{
	char buf[24];

	khidma_date(t, buf, sizeof buf);      /* YYYY-MM-DD */
	strlcpy_k(out, buf, 11);
}

/* The date as shown: YY-MM-DD when the columns are narrow. */
static const char *
shown_date(const struct queue *q, const char *d)
{
	return !q->long_dates && strlen(d) == 10 ? d + 2 : d;
}

/* Contract: see queue.h (invariants 2 and 7). */
st_rc
queue_load(struct queue *q, bool keep_cursor)
{
	int64_t keep = keep_cursor && q->nrows > 0 && q->table.selected < q->nrows
	               ? q->rows[q->table.selected].id : 0;
	int keep_idx = keep_cursor ? q->table.selected : 0, i;
	struct queue_row *rows = NULL;
	int n = 0;
	st_rc rc;

	queue_filter_apply(q);
	q->limit = page_rows();
	rc = store_queue(q->c->db, &q->f, q->keys[q->page].created, q->keys[q->page].id,
	                 q->limit, &rows, &n);
	if (rc != ST_OK) {
		log_error("officer queue: %s", st_rc_name(rc));
		ui_status(oc_store_error(rc), true);
		if (!keep_cursor || q->load_rc != ST_OK) {   /* invariant 7 */
			rows_free(q);
			q->table.nrows = 0;
			q->table.selected = q->table.top = 0;
			q->load_rc = rc;
		}
		return rc;
	}
	q->load_rc = ST_OK;
	if (n == 0 && q->page > 0) {          /* the page emptied under us */
		queue_rows_free(rows, n);
		q->page--;
		return queue_load(q, keep_cursor);
	}
	rows_free(q);
	q->rows = rows;
	q->nrows = n;
	free(q->calls);
	q->calls = NULL;
	q->ncalls = 0;
	if (store_help_calls_open(q->c->db, &q->calls, &q->ncalls) != ST_OK)
		q->ncalls = 0;                /* the requests still show */
	if (!q->skip_counts)
		queue_view_count(q);
	q->recv = xcalloc((size_t)n + 1, sizeof *q->recv);
	q->early = xcalloc((size_t)n + 1, sizeof *q->early);
	for (i = 0; i < n; i++) {
		full_date(rows[i].created_at, q->recv[i]);
		full_date(rows[i].earliest_response, q->early[i]);
	}
	q->table.nrows = n;
	q->table.selected = keep_idx < n ? keep_idx : (n > 0 ? n - 1 : 0);
	if (keep_idx < 0)
		q->table.selected = 0;
	for (i = 0; i < n && keep != 0; i++)
		if (rows[i].id == keep) {
			q->table.selected = i;
			break;
		}
	if (q->table.top > q->table.selected)
		q->table.top = q->table.selected;
	return ST_OK;
}

/* Go to the next page (true) or the previous one; the cursor goes to the
 * first / last row of the new page. */
static void
turn_page(struct queue *q, bool next)
{
	if (next) {
		if (q->nrows < q->limit || q->nrows == 0)
			return;                       /* this is the last page */
		if (q->page + 1 >= q->cap) {
			q->cap *= 2;
			q->keys = xrealloc(q->keys, (size_t)q->cap * sizeof *q->keys);
		}
		q->keys[q->page + 1].created = q->rows[q->nrows - 1].sort_key;
		q->keys[q->page + 1].id = q->rows[q->nrows - 1].id;
		q->page++;
		queue_load(q, false);
		q->table.selected = 0;
	} else {
		if (q->page == 0)
			return;
		q->page--;
		queue_load(q, false);
		q->table.selected = q->nrows > 0 ? q->nrows - 1 : 0;
	}
	q->table.top = 0;
}

/* End: the last row of the queue, page by page from here (keyset: there is
 * no OFFSET to jump with). Stops after END_MAX_PAGES pages and says so. */
#define END_MAX_PAGES 2000
static void
go_end(struct queue *q)
{
	int pages = 0;

	q->skip_counts = true;
	while (q->nrows == q->limit && q->nrows > 0 && pages < END_MAX_PAGES) {
		int before = q->page;

		turn_page(q, true);
		if (q->page == before)
			break;
		pages++;
	}
	q->skip_counts = false;
	queue_view_count(q);
	if (pages >= END_MAX_PAGES)
		ui_status(_("Still more requests: use a filter or the search to narrow the list."),
		          false);
	q->table.selected = q->nrows > 0 ? q->nrows - 1 : 0;
}

/* Back to the first page (after a filter or search change). */
st_rc
queue_restart(struct queue *q)
{
	q->page = 0;
	q->table.selected = 0;
	q->table.top = 0;
	return queue_load(q, false);
}

/* oc_prompt_apply's callback for the search: the query runs while the
 * prompt is open; if it fails the previous search is put back and the
 * typed text stays in the field (common.c, invariant 4). */
static bool
search_apply(void *p, const char *text)
{
	struct queue *q = p;
	char *old = q->search;
	st_rc rc;

	q->search = text[0] ? xstrdup(text) : NULL;
	rc = queue_restart(q);
	if (rc != ST_OK) {
		free(q->search);
		q->search = old;
		oc_say_kept(oc_store_error(rc));
		return false;
	}
	free(old);
	return true;
}

static const char *
queue_cell(void *ctx, int row, int col)
{
	struct queue *q = ctx;
	const struct queue_row *r;

	if (row < 0 || row >= q->nrows)
		return "";
	r = &q->rows[row];
	switch (col) {
	case QCOL_REF:      return r->ref;
	case QCOL_OVERDUE:  return r->overdue ? "!" : "";
	case QCOL_BRANCH: {     /* the reference's first two digits (issue 13) */
		static char two[3];
		memcpy(two, r->ref, 2);
		two[2] = '\0';
		return two;
	}
	case QCOL_NAME:     return r->name ? r->name : "";
	case QCOL_SERVICE:  return oc_catalog_name(q->c, "service", r->service);
	case QCOL_CHANNEL:  return oc_catalog_name(q->c, "channel", r->channel);
	case QCOL_STATUS:   return q->short_status ? oc_status_short(r->status)
	                                       : oc_status_label(r->status);
	case QCOL_RECEIVED: return shown_date(q, q->recv[row]);
	case QCOL_EARLIEST: return shown_date(q, q->early[row]);
	case QCOL_ASSIGNED: return r->assigned_to;
	default:          return "";
	}
}

/* The widest cell of column col on the current page (at least min). */
static int
widest(struct queue *q, int col, int min)
{
	int w = min;

	for (int i = 0; i < q->nrows; i++) {
		int cw = text_width(queue_cell(q, i, col));

		if (cw > w)
			w = cw;
	}
	return w;
}

/* Column widths for w columns (the table spends 2 columns on its cursor
 * mark and 1 between columns). The reference, the overdue mark (second, so
 * a narrow screen never cuts it off) and the date received (YYYY-MM-DD)
 * keep their full width. Wide screens (about 110 columns and more) show
 * every column, the status in its long words. Otherwise (issue 12: at 80
 * columns "Techni…" and "Assi…" were all one could read) the reply-from
 * date, the channel and the assignee are left out, the status is its
 * short label in a column as wide as the longest of them in the language
 * (oc_status_short: at most 10 cells, whatever the page holds), the
 * service as wide as its longest cell on the page, and the name the rest;
 * only when the name would get fewer than 10 cells (a narrower screen, a
 * service type named at length by the branch) does the service give,
 * down to 8. At 80 columns (76 for the table) the catalog's longest
 * service and the longest status stand whole beside a name of 12 cells
 * in English ("Air-conditioning maintenance", 28) and 23 in Arabic. */
static void
layout_columns(struct queue *q, int w)
{
	int fixed, rest, svc, st, name, i;

	for (i = 0; i < QUEUE_NCOLS; i++)
		q->cols[i].width = 0;
	q->long_dates = true;
	q->short_status = false;
	q->cols[QCOL_REF].width = widest(q, QCOL_REF, 8);
	q->cols[QCOL_OVERDUE].width = 1;
	q->cols[QCOL_RECEIVED].width = 10;
	/* the cursor mark, the reference and its gap, the mark and its gap,
	 * the date (the last column: no gap after it) */
	fixed = 2 + q->cols[QCOL_REF].width + 1 + 2 + 10;
	/* issue 13: which branch a row is from, when the page may hold more
	 * than one branch's (every branch shown, more than one carrying
	 * requests); taken from the name */
	if (q->nbusy > 1 && q->branch == NULL) {
		int bw = text_width(_("Br."));

		q->cols[QCOL_BRANCH].width = bw > 2 ? bw : 2;
		fixed += q->cols[QCOL_BRANCH].width + 1;
	}
	svc = widest(q, QCOL_SERVICE, text_width(_("Service")));
	st = widest(q, QCOL_STATUS, text_width(_("Status")));
	if (w - fixed - 3 - svc - st >= 24 + 10 + 1 + 12 + 10 + 3) {
		/* wide: every column, the long status; the extra to the name */
		q->cols[QCOL_EARLIEST].width = 10;
		q->cols[QCOL_CHANNEL].width = widest(q, QCOL_CHANNEL, 7) < 24
		                              ? widest(q, QCOL_CHANNEL, 7) : 24;
		q->cols[QCOL_ASSIGNED].width = widest(q, QCOL_ASSIGNED, 8) < 12
		                               ? widest(q, QCOL_ASSIGNED, 8) : 12;
		fixed += 11 + q->cols[QCOL_CHANNEL].width + 1 + q->cols[QCOL_ASSIGNED].width + 1;
	} else {
		q->short_status = true;
		st = text_width(_("Status"));
		for (i = 0; i < RS__COUNT; i++)
			if (text_width(oc_status_short((req_status)i)) > st)
				st = text_width(oc_status_short((req_status)i));
	}
	rest = w - fixed - 3;      /* name, service, status and the gaps after them */
	name = rest - svc - st;
	if (name < 10) {                    /* the service gives, down to 8 */
		svc -= 10 - name;
		if (svc < 8)
			svc = 8;
		name = rest - svc - st;
	}
	if (name < 6)
		name = 6;
	q->cols[QCOL_NAME].width = name;
	q->cols[QCOL_SERVICE].width = svc;
	q->cols[QCOL_STATUS].width = st;
}

static void
queue_draw(struct ui_screen *s)
{
	struct queue *q = s->state;
	static const struct ui_key_hint hints[] = {
		{ "Enter", N_("open") }, { "V", N_("view") }, { "T", N_("order") },
		{ "/", N_("search") }, { "F", N_("filter") },
		{ "N", N_("new") }, { "R", N_("reports") }, { "F1", N_("menu") },
		{ "F10", N_("log out") },
	};
	/* researchers and committee members enter no request (workflow's
	 * intake row): no "N new" for them */
	static const struct ui_key_hint hints_nointake[] = {
		{ "Enter", N_("open") }, { "V", N_("view") }, { "T", N_("order") },
		{ "/", N_("search") }, { "F", N_("filter") },
		{ "R", N_("reports") }, { "F1", N_("menu") }, { "F10", N_("log out") },
	};
	bool intake = wf_may_intake(q->c->me.role);
	static const char *const titles[QUEUE_NCOLS] = {
		[QCOL_REF] = N_("Ref."), [QCOL_OVERDUE] = "!", [QCOL_BRANCH] = N_("Br."),
		[QCOL_NAME] = N_("Name"),
		[QCOL_SERVICE] = N_("Service"), [QCOL_CHANNEL] = N_("Channel"),
		[QCOL_STATUS] = N_("Status"), [QCOL_RECEIVED] = N_("Arrived"),
		[QCOL_EARLIEST] = N_("Reply from"), [QCOL_ASSIGNED] = N_("Assigned"),
	};
	char title[160], line[512], views[256], pg[64];
	struct ui_rect r;
	bool below;
	int i;

	snprintf(title, sizeof title, "%s — %s (%s)", _("Requests"), q->c->me.name,
	         oc_role_label(q->c->me.role));
	r = intake ? ui_frame(title, hints, (int)ARRAY_LEN(hints))
	           : ui_frame(title, hints_nointake, (int)ARRAY_LEN(hints_nointake));
	queue_view_describe(q, views, sizeof views);
	queue_filter_describe(q, title, sizeof title);
	/* the order and the filters after the views when they fit there, else
	 * on the row below (free unless a help call is up): with four-digit
	 * counts at 80 columns "oldest first" read "o…" */
	below = title[0] && q->ncalls == 0 &&
	        text_width(views) + 3 + text_width(title) > r.w - 15;
	if (title[0] && !below)
		snprintf(line, sizeof line, "%s — %s", views, title);
	else
		snprintf(line, sizeof line, "%s", views);
	if (below)
		ui_text(r.y + 1, r.x + 1, r.w - 2, title, ui_dir(), AL_START, 0);
	snprintf(pg, sizeof pg, _("page %d"), q->page + 1);
	/* the filter line from the reading start, the page number at the end */
	if (ui_dir() == TEXT_RTL) {
		ui_text(r.y, r.x + 14, r.w - 15, line, ui_dir(), AL_START, 0);
		ui_text(r.y, r.x + 1, 12, pg, ui_dir(), AL_END, 0);
	} else {
		ui_text(r.y, r.x + 1, r.w - 15, line, ui_dir(), AL_START, 0);
		ui_text(r.y, r.x + r.w - 13, 12, pg, ui_dir(), AL_END, 0);
	}
	for (i = 0; i < QUEUE_NCOLS; i++) {
		q->cols[i].title = _(titles[i]);
		q->cols[i].dir = i == QCOL_REF || i == QCOL_BRANCH || i == QCOL_RECEIVED || i == QCOL_EARLIEST ||
		                 i == QCOL_ASSIGNED ? TEXT_LTR : ui_dir();
		/* an Arabic name in an English session (and the other way) reads
		 * in its own direction, cut at its own end */
		q->cols[i].guess = i == QCOL_NAME;
	}
	if (q->ncalls > 0) {                  /* invariant 5 */
		char when[24] = "", *call;
		struct tm tm;
		time_t t = q->calls[0].called_at;

		if (localtime_r(&t, &tm) != NULL)
			strftime(when, sizeof when, "%H:%M", &tm);
		call = q->ncalls > 1
		     ? xasprintf(_("Help requested at kiosk %s since %s (calls waiting: %d) — H: answered"),
		                 q->calls[0].kiosk, when, q->ncalls)
		     : xasprintf(_("Help requested at kiosk %s since %s — H: answered"),
		                 q->calls[0].kiosk, when);
		ui_text(r.y + 1, r.x + 1, r.w - 2, call, ui_dir(), AL_START, OA_HEADING | OA_SELECTED);
		free(call);
	}
	/* the table spans the frame's whole body: at 80 columns those two
	 * cells are the name's (12 beside the longest service) */
	layout_columns(q, r.w);
	if (q->nrows == 0 && q->load_rc != ST_OK) {   /* invariant 7 */
		char *why = xasprintf("%s %s", _("The requests could not be loaded (G: try again)."),
		                      oc_store_error(q->load_rc));

		ui_para((struct ui_rect){ r.y + 3, r.x + 1, 3, r.w - 2 }, why, ui_dir(),
		        AL_CENTER, OA_HEADING);
		free(why);
		return;
	}
	if (q->nrows == 0) {
		ui_text(r.y + 3, r.x + 1, r.w - 2,
		        _("No requests match. Change the filter (F) or the search (/)."),
		        ui_dir(), AL_CENTER, 0);
		return;
	}
	ui_table_draw(&q->table, (struct ui_rect){ r.y + 2, r.x, q->limit + 1, r.w });
}

static int
open_selected(struct queue *q)
{
	int r;

	if (q->nrows == 0)
		return UI_HANDLED;
	r = oc_request(q->c, q->rows[q->table.selected].id);
	if (oc_unwind(r))
		return r;
	queue_load(q, true);
	(void)store_changed(q->c->db);
	return UI_REDRAW;
}

int
queue_command(struct queue *q, enum queue_cmd cmd)
{
	int r = 0;
	char *s;

	switch (cmd) {
	case QC_OPEN:
		return open_selected(q);
	case QC_SEARCH:
		s = oc_prompt_apply(N_("Search"),
		                    N_("Reference, name, national ID or mobile (empty: show all):"),
		                    q->search, false, false, 80, search_apply, q, &r);
		free(s);
		if (r)
			return r;
		return UI_REDRAW;
	case QC_FILTER:
		r = queue_filter_menu(q);
		if (r)
			return r;
		queue_restart(q);
		return UI_REDRAW;
	case QC_INTAKE:
		if (!wf_may_intake(q->c->me.role)) {
			ui_status(_("Only officers and admins enter requests on someone's behalf."), true);
			return UI_REDRAW;
		}
		r = oc_intake(q->c);
		break;
	case QC_REPORTS:
		r = oc_reports(q->c);
		break;
	case QC_ADMIN:
		r = oc_admin(q->c);         /* refuses any role but admin */
		break;
	case QC_REFRESH:
		break;
	case QC_VIEW: {
		enum queue_view v = queue_view_of(q);

		queue_view_set(q, v >= QV__COUNT - 1 ? QV_WAITING : (enum queue_view)(v + 1));
		queue_restart(q);
		return UI_REDRAW;
	}
	case QC_ORDER:
		q->sort = (q->sort + 1) % 3;
		queue_restart(q);
		return UI_REDRAW;
	case QC_LOGOUT:
		return UI_HOME;
	}
	if (oc_unwind(r))
		return r;
	queue_load(q, true);
	return UI_REDRAW;
}

/* The queue's commands, each with one key whatever the role (the menu
 * shows it; the same key works in the queue itself, but for log out,
 * which is F10 there) and the letter on the same key of the Arabic
 * keyboard. Before, the menu numbered them by position, and a role
 * without "New request" had "Reports" on another number. */
static const struct {
	enum queue_cmd cmd;
	const char    *label;
	wchar_t        key, ar;
} queue_cmds[] = {
	{ QC_OPEN,    N_("Open the selected request"),       L'O', L'\u062e' },  /* خ */
	{ QC_SEARCH,  N_("Search"),                          L'S', L'\u0633' },  /* س */
	{ QC_FILTER,  N_("Filter"),                          L'F', L'\u0628' },  /* ب */
	{ QC_VIEW,    N_("Next view (waiting for me, open, overdue, all)"), L'V', L'\u0631' },  /* ر */
	{ QC_ORDER,   N_("Order: newest, oldest or due date first"), L'T', L'\u0641' },  /* ف */
	{ QC_INTAKE,  N_("New request on someone's behalf"), L'N', L'\u0649' },  /* ى */
	{ QC_REPORTS, N_("Reports"),                         L'R', L'\u0642' },  /* ق */
	{ QC_REFRESH, N_("Refresh"),                         L'G', L'\u0644' },  /* ل */
	{ QC_ADMIN,   N_("Administration"),                  L'A', L'\u0634' },  /* ش: admins only */
	{ QC_LOGOUT,  N_("Log out"),                         L'L', L'\u0645' },  /* م */
};

/* Whether the role has the command: "New request" only for roles that
 * enter requests, "Administration" for admins only (admin.c). */
static bool
queue_cmd_shown(const struct queue *q, enum queue_cmd cmd)
{
	if (cmd == QC_INTAKE)
		return wf_may_intake(q->c->me.role);
	if (cmd == QC_ADMIN)
		return q->c->me.role == ROLE_ADMIN;
	return true;
}

static int
commands_menu(struct queue *q)
{
	const char *shown[ARRAY_LEN(queue_cmds)];
	wchar_t keys[ARRAY_LEN(queue_cmds)], ar[ARRAY_LEN(queue_cmds)];
	enum queue_cmd shown_cmd[ARRAY_LEN(queue_cmds)];
	int r = 0, i, n = 0;

	for (i = 0; i < (int)ARRAY_LEN(queue_cmds); i++)
		if (queue_cmd_shown(q, queue_cmds[i].cmd)) {
			shown[n] = _(queue_cmds[i].label);
			keys[n] = queue_cmds[i].key;
			ar[n] = queue_cmds[i].ar;
			shown_cmd[n++] = queue_cmds[i].cmd;
		}
	i = oc_pick_keys(N_("Menu"), shown, keys, ar, n, 0, &r);
	if (r)
		return r;
	if (i < 0)
		return UI_REDRAW;
	return queue_command(q, shown_cmd[i]);
}

/* H: the oldest open help call answered by this officer (invariant 5). */
static int
answer_call(struct queue *q)
{
	st_rc rc;

	if (q->ncalls == 0)
		return UI_HANDLED;
	rc = store_help_call_answer(q->c->db, q->calls[0].id, q->c->me.login);
	if (rc != ST_OK && rc != ST_NOTFOUND)
		ui_status(oc_store_error(rc), true);
	else
		log_info("officer %s answered the help call of kiosk %s",
		         q->c->me.login, q->calls[0].kiosk);
	queue_load(q, true);        /* a revoked account: the console's watch ends it */
	return UI_REDRAW;
}

/* The command a character typed in the queue names (its key in either
 * case, its Arabic letter, or '/' for search); -1 for none. Log out is
 * F10 here, never a letter. */
static int
queue_cmd_of(const struct queue *q, wchar_t ch)
{
	wchar_t up = ch >= L'a' && ch <= L'z' ? ch - L'a' + L'A' : ch;

	if (ch == L'/')
		return QC_SEARCH;
	for (size_t i = 0; i < ARRAY_LEN(queue_cmds); i++)
		if (queue_cmds[i].cmd != QC_LOGOUT &&
		    (queue_cmds[i].cmd != QC_ADMIN || q->c->me.role == ROLE_ADMIN) &&
		    (queue_cmds[i].key == up || queue_cmds[i].ar == ch))
			return (int)queue_cmds[i].cmd;
	return -1;
}

static int
queue_key(struct ui_screen *s, struct ui_event ev)
{
	struct queue *q = s->state;
	int i;

	switch (ev.a) {
	case ACT_TICK:
		if (!store_changed(q->c->db))
			return 0;
		queue_load(q, true);
		return UI_REDRAW;
	case ACT_REDRAW:
		if (page_rows() != q->limit)
			queue_load(q, true);
		return UI_REDRAW;
	case ACT_QUIT:
		return oc_quit();
	case ACT_HELP:
		return commands_menu(q);
	case ACT_PGDN:
		turn_page(q, true);
		return UI_REDRAW;
	case ACT_PGUP:
		turn_page(q, false);
		return UI_REDRAW;
	case ACT_HOME:                 /* the first row of the whole queue */
		queue_restart(q);
		return UI_REDRAW;
	case ACT_END:                  /* its last row */
		go_end(q);
		return UI_REDRAW;
	case ACT_CHAR:
		if (ev.ch == L'h' || ev.ch == L'H' || ev.ch == L'\u0627')   /* ا: the H key */
			return answer_call(q);
		i = queue_cmd_of(q, ev.ch);
		return i < 0 ? UI_HANDLED : queue_command(q, (enum queue_cmd)i);
	case ACT_BACK:
		return UI_HANDLED;   /* the queue is home: Esc does not log out */
	default:
		break;
	}
	i = ui_table_key(&q->table, ev);
	if (i >= 0)
		return open_selected(q);
	if (i == -3)
		turn_page(q, true);
	else if (i == -4)
		turn_page(q, false);
	return UI_REDRAW;
}

int
oc_queue(struct console *c)
{
	struct queue q = { .c = c, .status = -1, .cap = 16, .waiting = true };
	struct ui_screen s = { .name = "officer-queue", .state = &q,
	                       .draw = queue_draw, .key = queue_key };
	int r;

	q.keys = xcalloc((size_t)q.cap, sizeof *q.keys);
	q.table.cols = q.cols;
	q.table.ncols = QUEUE_NCOLS;
	q.table.cell = queue_cell;
	q.table.ctx = &q;
	queue_branch_init(&q);
	queue_load(&q, false);
	(void)store_changed(c->db);
	do {
		r = ui_run(&s);
	} while (!oc_unwind(r) && !(r & UI_DONE));
	rows_free(&q);
	free(q.calls);
	free(q.keys);
	free(q.search);
	free(q.channel);
	free(q.service);
	free(q.branch);
	branch_items_free(q.branches, q.nbranches);
	return r;
}
