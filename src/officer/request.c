/*
 * officer/request — one request on a screen, in three views switched with
 * Tab: the request (all data, the declaration record, the decision), the
 * register check of step 2 (request_match.c) and the history — the full
 * audit timeline with the internal notes. F1 or Enter opens the actions
 * menu (request_actions.c).
 *
 * Invariants:
 *  1. What is shown is what was last read from the store; after every write
 *     (ours or, seen through store_changed on ACT_TICK, someone else's) the
 *     request is read again. An unsaved register-check draft is never
 *     overwritten by a refresh: saving it is then refused as stale.
 *  2. Stored text is untrusted: single-line values have their line breaks
 *     flattened before they go into the pager (no forged lines), and the ui
 *     sanitises every character it draws.
 *  3. Internal notes appear only here (and in exports), never at the kiosk.
 */
#include "officer/request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/log.h"
#include "core/util.h"
#include "officer/officer_attr.h"
#include "workflow/workflow.h"

/* ---- text of the views ----------------------------------------------------- */

struct sbuf { char *s; size_t len, cap; };

static void
sb_add(struct sbuf *b, const char *s)
{
	size_t n = strlen(s);

	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

/* Append a value on one line: CR/LF (and other C0 controls the ui would show
 * as U+FFFD anyway) become spaces so a stored value cannot forge lines. */
static void
sb_value(struct sbuf *b, const char *v)
{
	char *c = xstrdup(v ? v : ""), *p;

	for (p = c; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	sb_add(b, c);
	free(c);
}

static void
sb_line(struct sbuf *b, const char *label_msgid, const char *value)
{
	sb_add(b, _(label_msgid));
	sb_add(b, ": ");
	sb_value(b, value && value[0] ? value : "—");
	sb_add(b, "\n");
}

static const char *
category_label(const char *code)
{
	if (strcmp(code, "member") == 0)
		return _("Member of the general assembly");
	if (strcmp(code, "supporter") == 0)
		return _("Supporter");
	if (strcmp(code, "volunteer") == 0)
		return _("Volunteer");
	return code;
}

/* What an event with from = to is, by its kind (schema v8): a committee
 * member's vote, an admin's study-period exception, else a note. */
static const char *
event_label(const struct request_event *e)
{
	if (strcmp(e->kind, "vote_accept") == 0)
		return _("vote to accept");
	if (strcmp(e->kind, "vote_reject") == 0)
		return _("vote to reject");
	if (strcmp(e->kind, "exception") == 0)
		return _("exception: a decision before the earliest-response date");
	if (strcmp(e->kind, "notify_off") == 0)
		return _("the member stopped the messages");
	return _("note");
}

static void notify_text(struct req_screen *q, struct sbuf *b);

/* The committee's votes of the current round (since the request last came
 * to the committee), for the request view while it is there. */
static void
votes_text(struct req_screen *q, struct sbuf *b)
{
	int start = 0, yes = 0, no = 0;
	char line[256];

	for (int i = 0; i < q->nev; i++)
		if (q->ev[i].to == RS_COMMITTEE && q->ev[i].from != RS_COMMITTEE)
			start = i;
	for (int i = start; i < q->nev; i++) {
		yes += strcmp(q->ev[i].kind, "vote_accept") == 0;
		no += strcmp(q->ev[i].kind, "vote_reject") == 0;
	}
	snprintf(line, sizeof line, _("%d to accept, %d to reject; agreeing votes needed to decide: %d"),
	         yes, no, wf_quorum());
	sb_line(b, N_("Committee votes"), line);
	for (int i = start; i < q->nev; i++)
		if (strncmp(q->ev[i].kind, "vote_", 5) == 0) {
			sb_add(b, "    ");
			sb_value(b, q->ev[i].who);
			sb_add(b, " · ");
			sb_add(b, event_label(&q->ev[i]));
			sb_add(b, " · ");
			sb_value(b, q->ev[i].note);
			sb_add(b, "\n");
		}
}

static char *
details_text(struct req_screen *q)
{
	const struct request *r = &q->r;
	struct sbuf b = { 0 };
	char d1[32], d2[32], tmp[128];

	sb_line(&b, N_("Reference"), r->ref);
	sb_line(&b, N_("Status"), oc_status_label(r->status));
	if (r->decision_reason != NULL && r->decision_reason[0])
		sb_line(&b, N_("Reason for the decision"), r->decision_reason);
	if (r->status == RS_COMMITTEE)
		votes_text(q, &b);
	for (int i = 0; i < q->nev; i++)    /* corrections, old → new (issue 12) */
		if (strcmp(q->ev[i].kind, "correct") == 0) {
			snprintf(tmp, sizeof tmp, "%s: ", q->ev[i].who);
			sb_add(&b, _("Corrected"));
			sb_add(&b, " — ");
			sb_value(&b, tmp);
			sb_value(&b, q->ev[i].note);
			sb_add(&b, "\n");
		}
	if (r->duplicate_of > 0) {          /* the link kept (issue 12) */
		struct request o;

		if (store_request_get(q->c->db, r->duplicate_of, &o) == ST_OK) {
			snprintf(tmp, sizeof tmp, "%s (%s)", o.ref, oc_status_label(o.status));
			sb_line(&b, N_("Linked to the same member's request"), tmp);
			request_free(&o);
		}
	}
	if (wf_is_open(r->status)) {        /* an open twin: a possible duplicate */
		struct queue_row *tw = NULL;
		int ntw = 0;

		if (store_requests_of(q->c->db, r->national_id, r->service, true, r->id,
		                      &tw, &ntw) == ST_OK && ntw > 0) {
			snprintf(tmp, sizeof tmp, "%s (%s)%s", tw[0].ref,
			         oc_status_label(tw[0].status), ntw > 1 ? " …" : "");
			sb_line(&b, N_("Another open request for this service"), tmp);
		}
		queue_rows_free(tw, ntw);
	}
	if (r->status == RS_NEEDS_INFO) {   /* what was asked (wf_ask_info) */
		const char *p = r->info_items ? r->info_items : "";
		struct sbuf need = { 0 };

		while (*p) {
			char code[40];
			size_t cl = strcspn(p, ",");
			const char *nm;

			snprintf(code, sizeof code, "%.*s", (int)(cl < 39 ? cl : 39), p);
			nm = screens_missing_name(&q->c->a->scr, code, ui_get_lang() == LANG_AR);
			sb_add(&need, need.len ? "; " : "");
			sb_add(&need, nm ? nm : code);
			p += cl + (p[cl] == ',');
		}
		if (r->info_text && r->info_text[0]) {
			sb_add(&need, need.len ? " — " : "");
			sb_add(&need, r->info_text);
		}
		if (need.len)
			sb_line(&b, N_("Asked of the member"), need.s);
		free(need.s);
	}
	khidma_datetime(r->created_at, d1, sizeof d1);
	khidma_date(r->earliest_response, d2, sizeof d2);
	sb_line(&b, N_("Received on"), d1);
	sb_line(&b, N_("Earliest response"), d2);
	sb_line(&b, N_("Assigned to"), r->assigned_to[0] ? r->assigned_to : _("nobody"));
	sb_line(&b, N_("Contact channel"), oc_catalog_name(q->c, "channel", r->channel));
	sb_line(&b, N_("Service type"), oc_catalog_name(q->c, "service", r->service));
	sb_line(&b, N_("Applicant"), category_label(r->category));
	sb_line(&b, N_("Full name"), r->name);
	sb_line(&b, N_("National ID"), r->national_id);
	sb_line(&b, N_("Mobile"), r->mobile);
	sb_line(&b, N_("E-mail"), r->email);
	notify_text(q, &b);
	sb_line(&b, N_("Membership number"), r->member_number);
	sb_line(&b, N_("Register record"),
	        q->have_member ? q->m.number : _("not found in the register"));
	sb_add(&b, _("Description"));
	sb_add(&b, ":\n");
	sb_add(&b, r->description ? r->description : "");
	sb_add(&b, "\n\n");
	sb_add(&b, _("Declaration"));
	sb_add(&b, "\n");
	if (r->declared_at == 0) {
		sb_add(&b, _("Not signed."));
		sb_add(&b, "\n");
	} else {
		khidma_datetime(r->declared_at, d1, sizeof d1);
		sb_line(&b, N_("Signed as"), r->signature);
		sb_line(&b, N_("Signed at"), d1);
		snprintf(tmp, sizeof tmp, "%d", r->declaration_version);
		sb_line(&b, N_("Declaration text version"), tmp);
		sb_line(&b, N_("Taken by"),
		        strcmp(r->declared_by, "kiosk") == 0 ? _("the kiosk (the member)") : r->declared_by);
	}
	return b.s;
}

/* code → msgid in a { code, msgid, … NULL } list; the code itself when
 * it is not there. */
static const char *
pick(const char *const *list, const char *code)
{
	for (; list[0]; list += 2)
		if (strcmp(list[0], code) == 0)
			return list[1];
	return code;
}

static const char *const ob_events[] = {
	"received", N_("received"), "needs_info", N_("information needed"),
	"accepted", N_("accepted"), "rejected", N_("rejected"),
	"registered", N_("registered"), "delivered", N_("delivered"), NULL,
};
static const char *const ob_states[] = {
	"queued", N_("waiting"), "sending", N_("sending"), "sent", N_("sent"),
	"failed", N_("failed"), "unknown", N_("interrupted, not resent"),
	"cancelled", N_("cancelled"), NULL,
};

/* Contract (request.h). */
const char *
req_outbox_event(const char *code)
{
	return _(pick(ob_events, code));
}

/* Contract (request.h). */
const char *
req_outbox_state(const char *code)
{
	return _(pick(ob_states, code));
}

/* The member's consent (issue 14) and the messages of the outbox: what
 * was sent, when (its time sent, else queued), the state with the tries,
 * and the gateway's answer. */
static void
notify_text(struct req_screen *q, struct sbuf *b)
{
	static const char *const how[4] = { N_("No messages"), N_("By SMS"),
		N_("By e-mail"), N_("By SMS and e-mail") };
	const struct request *r = &q->r;
	struct outbox_msg *m = NULL;
	char when[32], line[512];
	int n = 0;

	if (r->notify_at > 0) {
		khidma_datetime(r->notify_at, when, sizeof when);
		snprintf(line, sizeof line, "%s (%s %s, %s %d)", _(how[r->notify & 3]),
		         _("since"), when, _("declaration version"), r->notify_decl);
		sb_line(b, N_("Messages"), line);
	} else {
		sb_line(b, N_("Messages"), _(how[r->notify & 3]));
	}
	if (store_outbox_list(q->c->db, r->id, &m, &n) != ST_OK || n == 0) {
		outbox_msgs_free(m, n);
		return;
	}
	for (int i = 0; i < n; i++) {
		char at[32] = "";

		if (m[i].sent_at > 0)
			khidma_datetime(m[i].sent_at, at, sizeof at);
		else
			khidma_datetime(m[i].created_at, at, sizeof at);
		snprintf(line, sizeof line, "  %s · %s · %s · %s (%d) · ", at,
		         strcmp(m[i].transport, "sms") == 0 ? _("SMS") : _("e-mail"),
		         _(pick(ob_events, m[i].event)), _(pick(ob_states, m[i].state)), m[i].tries);
		sb_add(b, line);
		sb_value(b, m[i].answer);
		sb_add(b, "\n");
	}
	outbox_msgs_free(m, n);
}

static char *
timeline_text(struct req_screen *q)
{
	struct sbuf b = { 0 };
	char when[32];
	int i;

	sb_add(&b, "");
	for (i = 0; i < q->nev; i++) {
		const struct request_event *e = &q->ev[i];

		khidma_datetime(e->at, when, sizeof when);
		sb_add(&b, when);
		sb_add(&b, " · ");
		sb_value(&b, e->who);
		sb_add(&b, " · ");
		if (e->from != e->to) {
			sb_add(&b, oc_status_label(e->from));
			sb_add(&b, ui_dir() == TEXT_RTL ? " ← " : " → ");
			sb_add(&b, oc_status_label(e->to));
		} else {
			sb_add(&b, event_label(e));
		}
		sb_add(&b, "\n");
		if (e->note != NULL && e->note[0]) {
			sb_add(&b, "    ");
			sb_add(&b, e->note);
			sb_add(&b, "\n");
		}
	}
	if (q->nev == 0)
		sb_add(&b, _("No events."));
	return b.s;
}

static void
rebuild_pagers(struct req_screen *q)
{
	int top0 = q->details.top, top1 = q->timeline.top;

	ui_pager_free(&q->details);
	ui_pager_free(&q->timeline);
	ui_pager_init(&q->details, details_text(q), ui_dir());
	ui_pager_init(&q->timeline, timeline_text(q), ui_dir());
	q->details.top = top0;
	q->timeline.top = top1;
}

st_rc
req_reload(struct req_screen *q, bool keep_draft)
{
	struct request r = { 0 };
	struct request_event *ev = NULL;
	int nev = 0;
	st_rc rc;

	rc = store_request_get(q->c->db, q->id, &r);
	if (rc == ST_OK)
		rc = store_request_events(q->c->db, q->id, &ev, &nev);
	if (rc != ST_OK) {
		request_free(&r);
		log_error("officer request %lld: %s", (long long)q->id, st_rc_name(rc));
		return rc;
	}
	if (q->loaded)
		request_free(&q->r);
	q->r = r;
	q->loaded = true;
	request_events_free(q->ev, q->nev);
	q->ev = ev;
	q->nev = nev;
	if (q->have_member)
		member_free(&q->m);
	memset(&q->m, 0, sizeof q->m);
	q->have_member = false;
	if (q->r.member_id != 0)
		q->have_member = store_member_get(q->c->db, q->r.member_id, &q->m) == ST_OK;
	if (!q->have_member && q->r.national_id[0])
		q->have_member = store_member_by_national_id(q->c->db, q->r.national_id, &q->m) == ST_OK;
	if (!q->have_member)
		memset(&q->m, 0, sizeof q->m);
	if (!keep_draft || !q->draft) {
		match_from_string(q);
		q->draft = false;
	}
	rebuild_pagers(q);
	return ST_OK;
}

/* ---- the screen -------------------------------------------------------------- */

static void
req_draw(struct ui_screen *s)
{
	struct req_screen *q = s->state;
	static const struct ui_key_hint hints[] = {
		{ "Tab", N_("next view") }, { "F1", N_("actions") },
		{ "Esc", N_("back") }, { "F10", N_("log out") },
	};
	static const struct ui_key_hint hints_match[] = {
		{ "Tab", N_("next view") }, { "Space", N_("matched / not") },
		{ "F5", N_("save") }, { "F1", N_("actions") }, { "Esc", N_("back") },
	};
	static const char *const views[RV__COUNT] = {
		N_("Request"), N_("Register check"), N_("History and notes"),
	};
	char title[128];
	struct ui_rect r, body;
	int i, x, w;

	snprintf(title, sizeof title, "%s %s — %s", _("Request"), q->r.ref,
	         oc_status_label(q->r.status));
	if (q->view == RV_MATCH)
		r = ui_frame(title, hints_match, (int)ARRAY_LEN(hints_match));
	else
		r = ui_frame(title, hints, (int)ARRAY_LEN(hints));
	w = (r.w - 2) / RV__COUNT;
	for (i = 0; i < RV__COUNT; i++) {
		x = ui_dir() == TEXT_RTL ? r.x + r.w - 1 - (i + 1) * w : r.x + 1 + i * w;
		ui_text(r.y, x, w - 1, _(views[i]), ui_dir(), AL_CENTER,
		        i == (int)q->view ? OA_SELECTED : 0);
	}
	body = (struct ui_rect){ r.y + 2, r.x + 1, r.h - 2, r.w - 2 };
	switch (q->view) {
	case RV_DETAILS:  ui_pager_draw(&q->details, body); break;
	case RV_MATCH:    match_draw(q, body); break;
	default:          ui_pager_draw(&q->timeline, body); break;
	}
}

static int
tick(struct req_screen *q)
{
	int old = q->r.version;

	if (!store_changed(q->c->db))
		return 0;
	if (q->draft) {
		ui_status(_("Someone else changed this request; saving your marks will reload it."), true);
		return UI_REDRAW;
	}
	if (req_reload(q, false) == ST_OK && q->r.version != old)
		ui_status(_("Changed by someone else — reloaded."), false);
	return UI_REDRAW;
}

static int
req_key(struct ui_screen *s, struct ui_event ev)
{
	struct req_screen *q = s->state;
	int r = UI_REDRAW;

	switch (ev.a) {
	case ACT_TICK:
		r = tick(q);
		break;
	case ACT_REDRAW:
		rebuild_pagers(q);
		break;
	case ACT_QUIT:
		s->has_draft = q->draft;
		return oc_quit();
	case ACT_BACK:
		if (q->draft && !ui_confirm_default(_("Leave this request?"),
		                                    _("The register-check marks are not saved and will be discarded."),
		                                    false))
			break;
		return UI_BACK;
	case ACT_NEXT:
		q->view = (q->view + 1) % RV__COUNT;
		break;
	case ACT_PREV:
		q->view = (q->view + RV__COUNT - 1) % RV__COUNT;
		break;
	case ACT_HELP:
		r = req_actions(q);
		break;
	case ACT_ENTER:
		if (q->view != RV_MATCH) {
			r = req_actions(q);
			break;
		}
		/* FALLTHROUGH */
	default:
		/* H (ا on the Arabic keyboard): the member history in one key,
		 * as in the actions menu (issue 12); the register check's own
		 * keys stay its own */
		if (ev.a == ACT_CHAR && q->view != RV_MATCH &&
		    (ev.ch == L'h' || ev.ch == L'H' || ev.ch == L'\u0627')) {
			r = req_history(q);
			break;
		}
		if (q->view == RV_MATCH)
			r = match_key(q, ev);
		else if (q->view == RV_DETAILS)
			(void)ui_pager_key(&q->details, ev);
		else
			(void)ui_pager_key(&q->timeline, ev);
		break;
	}
	s->has_draft = q->draft;
	return r;
}

int
oc_request(struct console *c, int64_t id)
{
	struct req_screen q = { .c = c, .id = id };
	struct ui_screen s = { .name = "officer-request", .state = &q,
	                       .draw = req_draw, .key = req_key };
	st_rc rc;
	int r;

	ui_pager_init(&q.details, xstrdup(""), ui_dir());
	ui_pager_init(&q.timeline, xstrdup(""), ui_dir());
	rc = req_reload(&q, false);
	if (rc != ST_OK) {
		ui_status(oc_store_error(rc), true);
		r = UI_BACK;
		goto cleanup;
	}
	(void)store_changed(c->db);
	ui_status("", false);
	r = ui_run(&s);
	ui_status("", false);
cleanup:
	ui_pager_free(&q.details);
	ui_pager_free(&q.timeline);
	if (q.loaded)
		request_free(&q.r);
	request_events_free(q.ev, q.nev);
	if (q.have_member)
		member_free(&q.m);
	return oc_unwind(r) ? r : UI_BACK;
}
