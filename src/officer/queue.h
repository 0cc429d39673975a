/*
 * officer/queue.h — the queue screen's state, shared by queue.c (the table,
 * paging, refresh) and queue_filter.c (filters, search, their description).
 * Private to src/officer.
 */
#ifndef KHIDMA_OFFICER_QUEUE_H
#define KHIDMA_OFFICER_QUEUE_H

#include "officer/officer_int.h"

/* The queue's columns, in reading order; those from QCOL_EARLIEST on are
 * left out (width 0: not drawn) when the screen is narrow, and the branch
 * unless the queue shows more than one branch's requests (issue 13). */
enum queue_col {
	QCOL_REF = 0, QCOL_OVERDUE, QCOL_BRANCH, QCOL_NAME, QCOL_SERVICE, QCOL_STATUS,
	QCOL_RECEIVED, QCOL_EARLIEST, QCOL_CHANNEL, QCOL_ASSIGNED, QUEUE_NCOLS
};

struct queue_key { time_t created; int64_t id; };   /* created: the row's sort_key */

/* The views the header counts (V cycles them); QV_CUSTOM when the filter
 * menu chose a status or overdue that is none of them. */
enum queue_view { QV_WAITING = 0, QV_OPEN, QV_OVERDUE, QV_ALL, QV__COUNT, QV_CUSTOM = QV__COUNT };

struct queue {
	struct console    *c;
	/* filter state (queue_filter.c turns it into f) */
	int                status;       /* -1 open, -2 all, else req_status */
	bool               overdue, mine;
	char              *channel, *service, *search;   /* NULL = any */
	bool               waiting;      /* "waiting for me" (the first view) */
	int                sort;         /* QS_NEWEST, QS_OLDEST, QS_DUE */
	int64_t            counts[QV__COUNT];   /* per view, -1 unknown */
	/* issue 13: the branch shown ("02"), NULL = every branch; the
	 * branches known (store_branch_list) and how many carry requests —
	 * the filter's branch line and the branch column only when above 1 */
	char              *branch;
	struct branch_item *branches;
	int                nbranches, nbusy;
	bool               skip_counts;  /* End walking the pages: count once after */
	struct queue_filter f;
	/* paging: keys[page] is where the current page starts */
	struct queue_key  *keys;
	int                page, cap, limit;
	/* the current page */
	struct queue_row  *rows;
	int                nrows;
	st_rc              load_rc;      /* the last load's failure (rows cleared), or ST_OK */
	char             (*recv)[11], (*early)[11];   /* YYYY-MM-DD */
	bool               long_dates;   /* room for the century */
	bool               short_status; /* the status column's short labels */
	struct ui_column   cols[QUEUE_NCOLS];
	struct ui_table    table;
	/* added: open "call an officer" requests from the kiosks (store/help.c) */
	struct help_call  *calls;
	int                ncalls;
};

enum queue_cmd { QC_OPEN, QC_SEARCH, QC_FILTER, QC_INTAKE, QC_REPORTS, QC_REFRESH, QC_LOGOUT,
                 QC_VIEW, QC_ORDER,
                 QC_ADMIN /* admin.c: role admin only */ };

/* queue.c */
/* Load the current page (keys[page]) of the current view, filter, search
 * and order. keep_cursor: the same list again (a refresh), cursor kept
 * (invariant 2). On a store error the status line says why and the code
 * is returned; a refresh keeps the rows it showed, any other load (another
 * view, filter, search, order or page) clears them and the table says the
 * requests could not be loaded — never rows of another view under this
 * one's header. */
st_rc queue_load(struct queue *q, bool keep_cursor);
st_rc queue_restart(struct queue *q);
int  queue_command(struct queue *q, enum queue_cmd cmd);

/* queue_filter.c */
/* Fill q->f from the filter state (pointers into q). */
void queue_filter_apply(struct queue *q);
/* The view the filter state is (QV_CUSTOM when none), and setting one. */
enum queue_view queue_view_of(const struct queue *q);
void queue_view_set(struct queue *q, enum queue_view v);
/* The header's counts per view (the views alone, not the other filters);
 * a failed count is -1 and shown as "?". */
void queue_view_count(struct queue *q);
/* "Waiting for me 3 · [Open 12] · Overdue 1 · All 20" into buf. */
void queue_view_describe(const struct queue *q, char *buf, size_t n);
/* One line saying what is shown ("Open · overdue · mine · search: …"). */
void queue_filter_describe(const struct queue *q, char *buf, size_t n);
/* Issue 13: load the branches and set the default branch filter — the
 * machine's branch for the desk and the researcher when more than one
 * branch carries requests, every branch otherwise. */
void queue_branch_init(struct queue *q);
/* "02 — Riyadh" (the catalog's name in the screen's language), or the
 * code alone, into buf; "All branches" for NULL. */
void queue_branch_label(const struct queue *q, const char *code, char *buf,
                        size_t n);
/* The filter menu; returns UI_HOME/UI_HANGUP to unwind, else 0. */
int  queue_filter_menu(struct queue *q);

#endif
