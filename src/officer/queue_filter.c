/*
 * officer/queue_filter — the queue's views, filters (status, overdue,
 * assigned to me, channel, service type), order and search, as a menu of
 * the current settings: choosing a line changes it, Esc returns to the
 * queue, which then starts again from its first page.
 *
 * Views (V cycles them; the header counts each): "Waiting for me" — the
 * first view, the work waiting for the officer's role (store/queue.c
 * invariant 3) —, "Open", "Overdue" (the SLA clock stopped while a request
 * waits for the member: store/queue.c invariant 4) and "All". The order
 * (O): newest first, oldest first, due date first.
 *
 * Invariants:
 *  1. q->f only ever points into q (its strings) and the officer's login;
 *     queue_filter_apply is called before every store_queue.
 *  2. The search text is given to the store as typed (cleaned); the store
 *     folds Arabic and digits (text_search_key) on both sides.
 *  3. Issue 13: with more than one branch carrying requests (a PostgreSQL
 *     server shared by branches) the desk and the researcher see their
 *     machine's branch by default, the committee and the admin every
 *     branch; the filter menu's "Branch" line changes it (every branch,
 *     or one). With one branch (every SQLite file) there is no branch line
 *     and no filter: nothing changes.
 */
#include "officer/queue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/util.h"

void
queue_filter_apply(struct queue *q)
{
	memset(&q->f, 0, sizeof q->f);
	q->f.status = q->status;
	q->f.overdue = q->overdue;
	q->f.sla_days = q->c->a->cfg.sla_days > 0 ? q->c->a->cfg.sla_days : 30;
	q->f.assigned_to = q->mine ? q->c->me.login : NULL;
	q->f.channel = q->channel;
	q->f.service = q->service;
	q->f.search = q->search;
	q->f.sort = q->sort;
	q->f.waiting = q->waiting;
	q->f.role = (int)q->c->me.role;
	q->f.login = q->c->me.login;
	q->f.branch = q->branch;
}

/* The default branch of the officer's role (invariant 3). */
static void
branch_default(struct queue *q)
{
	free(q->branch);
	q->branch = NULL;
	if (q->nbusy > 1 && (q->c->me.role == ROLE_OFFICER ||
	                     q->c->me.role == ROLE_RESEARCHER))
		q->branch = xstrdup(store_branch(q->c->db));
}

void
queue_branch_init(struct queue *q)
{
	branch_items_free(q->branches, q->nbranches);
	q->branches = NULL;
	q->nbranches = q->nbusy = 0;
	if (store_branch_list(q->c->db, &q->branches, &q->nbranches) != ST_OK)
		q->nbranches = 0;         /* one branch: no filter, no column */
	for (int i = 0; i < q->nbranches; i++)
		q->nbusy += q->branches[i].has_requests;
	branch_default(q);
}

void
queue_branch_label(const struct queue *q, const char *code, char *buf, size_t n)
{
	if (code == NULL) {
		snprintf(buf, n, "%s", _("All branches"));
		return;
	}
	for (int i = 0; i < q->nbranches; i++)
		if (strcmp(q->branches[i].code, code) == 0 && q->branches[i].name_en[0]) {
			snprintf(buf, n, "%s — %s", code, ui_pick(q->branches[i].name_en,
			                                          q->branches[i].name_ar));
			return;
		}
	snprintf(buf, n, "%s", code);
}

/* Choose a branch (or every branch) for the queue. */
static int
pick_branch(struct queue *q)
{
	const char **items = xcalloc((size_t)q->nbranches + 1, sizeof *items);
	char (*labels)[160] = xcalloc((size_t)q->nbranches + 1, sizeof *labels);
	int i, sel = 0, r = 0, chosen;

	items[0] = _("All branches");
	for (i = 0; i < q->nbranches; i++) {
		queue_branch_label(q, q->branches[i].code, labels[i], sizeof labels[i]);
		items[i + 1] = labels[i];
		if (q->branch && strcmp(q->branch, q->branches[i].code) == 0)
			sel = i + 1;
	}
	chosen = oc_pick(N_("Branch"), items, q->nbranches + 1, sel, &r);
	if (!r && chosen >= 0) {
		free(q->branch);
		q->branch = chosen == 0 ? NULL : xstrdup(q->branches[chosen - 1].code);
	}
	free(items);
	free(labels);
	return r;
}

enum queue_view
queue_view_of(const struct queue *q)
{
	if (q->waiting)
		return q->status == -1 && !q->overdue ? QV_WAITING : QV_CUSTOM;
	if (q->status == -1)
		return q->overdue ? QV_OVERDUE : QV_OPEN;
	if (q->status == -2 && !q->overdue)
		return QV_ALL;
	return QV_CUSTOM;
}

void
queue_view_set(struct queue *q, enum queue_view v)
{
	q->waiting = v == QV_WAITING;
	q->overdue = v == QV_OVERDUE;
	q->status = v == QV_ALL ? -2 : -1;
}

static const char *const view_names[QV__COUNT] = {
	[QV_WAITING] = N_("Waiting for me"), [QV_OPEN] = N_("Open"),
	[QV_OVERDUE] = N_("Overdue"), [QV_ALL] = N_("All"),
};

void
queue_view_count(struct queue *q)
{
	struct queue_views v;

	/* one statement over the schema-v14 counters (store/queue.c invariant
	 * 5): the header costs the same at 1M requests as at 100 */
	if (store_queue_views_branch(q->c->db, (int)q->c->me.role, q->c->me.login,
	                             q->f.sla_days, q->branch, &v) != ST_OK) {
		for (int i = 0; i < QV__COUNT; i++)
			q->counts[i] = -1;
		return;
	}
	q->counts[QV_WAITING] = v.waiting;
	q->counts[QV_OPEN] = v.open;
	q->counts[QV_OVERDUE] = v.overdue;
	q->counts[QV_ALL] = v.all;
}

void
queue_view_describe(const struct queue *q, char *buf, size_t n)
{
	enum queue_view cur = queue_view_of(q);
	size_t len = 0;

	buf[0] = '\0';
	for (int v = 0; v < QV__COUNT && len + 1 < n; v++) {
		char cnt[24];

		if (q->counts[v] >= 0)
			snprintf(cnt, sizeof cnt, "%lld", (long long)q->counts[v]);
		else
			snprintf(cnt, sizeof cnt, "?");
		len += (size_t)snprintf(buf + len, n - len, "%s%s%s %s%s",
		                        v ? " · " : "", (int)cur == v ? "[" : "",
		                        _(view_names[v]), cnt, (int)cur == v ? "]" : "");
	}
}

static const char *
status_filter_label(int status)
{
	if (status == -1)
		return _("Open requests");
	if (status == -2)
		return _("All requests");
	return oc_status_label((req_status)status);
}

static void
append(char *buf, size_t n, const char *s)
{
	size_t len = strlen(buf);

	if (len > 0 && len + 3 < n)
		len += (size_t)snprintf(buf + len, n - len, " · ");
	if (len < n)
		snprintf(buf + len, n - len, "%s", s);
}

void
queue_filter_describe(const struct queue *q, char *buf, size_t n)
{
	char tmp[256];

	buf[0] = '\0';
	if (queue_view_of(q) == QV_CUSTOM) {
		if (q->waiting)
			append(buf, n, _("waiting for me"));
		append(buf, n, status_filter_label(q->status));
		if (q->overdue)
			append(buf, n, _("overdue"));
	}
	if (q->sort == QS_OLDEST)
		append(buf, n, _("oldest first"));
	else if (q->sort == QS_DUE)
		append(buf, n, _("due date first"));
	if (q->mine)
		append(buf, n, _("assigned to me"));
	if (q->channel != NULL)
		append(buf, n, oc_catalog_name(q->c, "channel", q->channel));
	if (q->service != NULL)
		append(buf, n, oc_catalog_name(q->c, "service", q->service));
	if (q->search != NULL) {
		snprintf(tmp, sizeof tmp, "%s: %s", _("search"), q->search);
		append(buf, n, tmp);
	}
	if (q->nbusy > 1) {                      /* invariant 3 */
		char b[160];

		queue_branch_label(q, q->branch, b, sizeof b);
		if (q->branch) {
			snprintf(tmp, sizeof tmp, "%s %s", _("branch"), b);
			append(buf, n, tmp);
		} else {
			append(buf, n, b);
		}
	}
}

/* Choose a catalog code (or "any"); *code is replaced. */
static int
pick_catalog(struct queue *q, const char *title, const struct catalog_item *it,
             int n, char **code)
{
	const char **items = xcalloc((size_t)n + 1, sizeof *items);
	int i, sel = 0, r = 0, chosen;

	items[0] = _("Any");
	for (i = 0; i < n; i++) {
		items[i + 1] = ui_pick(it[i].name_en, it[i].name_ar);
		if (*code != NULL && strcmp(*code, it[i].code) == 0)
			sel = i + 1;
	}
	chosen = oc_pick(title, items, n + 1, sel, &r);
	free(items);
	(void)q;
	if (r || chosen < 0)
		return r;
	free(*code);
	*code = chosen == 0 ? NULL : xstrdup(it[chosen - 1].code);
	return 0;
}

static int
pick_status(struct queue *q)
{
	const char *items[RS__COUNT + 2];
	int i, r = 0, chosen, sel;

	items[0] = status_filter_label(-1);
	items[1] = status_filter_label(-2);
	for (i = 0; i < RS__COUNT; i++)
		items[i + 2] = oc_status_label((req_status)i);
	sel = q->status == -1 ? 0 : q->status == -2 ? 1 : q->status + 2;
	chosen = oc_pick(N_("Status"), items, RS__COUNT + 2, sel, &r);
	if (r || chosen < 0)
		return r;
	q->status = chosen == 0 ? -1 : chosen == 1 ? -2 : chosen - 2;
	q->waiting = false;          /* a status chosen: that status, not "mine" */
	return 0;
}

int
queue_filter_menu(struct queue *q)
{
	char l0[160], l1[160], l2[160], l3[200], l4[200], l5[200], l6[240], b[160];
	const char *items[8];
	int r = 0, chosen = 0, nitems;
	bool branches = q->nbusy > 1;     /* invariant 3: the line only then */

	for (;;) {
		snprintf(l0, sizeof l0, "%s: %s", _("Status"), status_filter_label(q->status));
		snprintf(l1, sizeof l1, "%s: %s", _("Overdue only"), q->overdue ? _("yes") : _("no"));
		snprintf(l2, sizeof l2, "%s: %s", _("Assigned to me only"), q->mine ? _("yes") : _("no"));
		snprintf(l3, sizeof l3, "%s: %s", _("Channel"),
		         q->channel ? oc_catalog_name(q->c, "channel", q->channel) : _("Any"));
		snprintf(l4, sizeof l4, "%s: %s", _("Service type"),
		         q->service ? oc_catalog_name(q->c, "service", q->service) : _("Any"));
		snprintf(l5, sizeof l5, "%s: %s", _("Search"), q->search ? q->search : "—");
		items[0] = l0; items[1] = l1; items[2] = l2; items[3] = l3;
		items[4] = l4; items[5] = l5; items[6] = _("Clear all filters");
		nitems = 7;
		if (branches) {
			/* before "clear all": the lines that set, then the reset */
			queue_branch_label(q, q->branch, b, sizeof b);
			snprintf(l6, sizeof l6, "%s: %s", _("Branch"), b);
			items[6] = l6;
			items[7] = _("Clear all filters");
			nitems = 8;
		}
		chosen = oc_pick(N_("Filter the requests"), items, nitems, chosen, &r);
		if (r || chosen < 0)
			return r;
		if (branches && chosen == 6) {
			if ((r = pick_branch(q)) != 0)
				return r;
			continue;
		}
		switch (branches && chosen == 7 ? 6 : chosen) {
		case 0: r = pick_status(q); break;
		case 1: q->overdue = !q->overdue; q->waiting = false; break;
		case 2: q->mine = !q->mine; break;
		case 3: r = pick_catalog(q, N_("Channel"), q->c->channels, q->c->nchannels, &q->channel); break;
		case 4: r = pick_catalog(q, N_("Service type"), q->c->services, q->c->nservices, &q->service); break;
		case 5: {
			char *s = oc_prompt(N_("Search"),
			                    N_("Reference, name, national ID or mobile (empty: show all):"),
			                    q->search, false, false, 80, &r);
			if (s != NULL) {
				free(q->search);
				q->search = s[0] ? s : NULL;
				if (!s[0])
					free(s);
			}
			break;
		}
		case 6:
			q->waiting = false;
			q->sort = QS_NEWEST;
			q->status = -1;
			q->overdue = q->mine = false;
			free(q->channel); free(q->service); free(q->search);
			q->channel = q->service = q->search = NULL;
			branch_default(q);
			break;
		}
		if (r)
			return r;
	}
}
