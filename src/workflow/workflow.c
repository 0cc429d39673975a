/*
 * workflow — the request state machine (policy steps 1–7, NOTES.md).
 *
 * The one table of allowed transitions, roles and conflicts. Every status
 * change goes through wf_apply, which checks this table on the caller's copy
 * and then again, with the audit trail, inside the write transaction
 * (store_request_act: one UPDATE of status and version plus one
 * request_events row). On-behalf intake goes through wf_submit.
 *
 *   action      from                 to             roles              rules
 *   ----------  -------------------  -------------  -----------------  ------------------------
 *   ask_info    received             needs_info     officer, admin     step 2: data missing
 *   info_back   needs_info           received       officer, admin     data supplied
 *   verify      received             verified       officer, admin     steps 2+4: every required
 *                                                                      field matched, declaration
 *                                                                      signed; not the enterer
 *   refer       received | verified  referred       officer, admin     step 3: social researcher
 *   refer_back  referred             where it was   researcher, admin  explained; received stays
 *                                    referred from                     unverified
 *   forward     verified             committee      officer, admin     step 5
 *   accept      committee            accepted       committee          reason; a decision
 *   reject      committee            rejected       committee          reason; a decision
 *   register    accepted             registered     officer, admin     step 6
 *   deliver     registered           delivered      officer, admin     step 7
 *   withdraw    any open status      withdrawn      officer, admin     reason (member's request)
 *   reopen      withdrawn            where it was   admin              reason
 *                                    withdrawn from
 *   exception   received … committee (unchanged)    admin              reason; lets the committee
 *                                                                      decide before the
 *                                                                      earliest-response date
 *   intake      (new request)        received       officer, admin     on someone's behalf
 *   duplicate   any open status      withdrawn      officer, admin     reason; another open
 *                                                                      request of the same
 *                                                                      national ID (the link,
 *                                                                      requests.duplicate_of)
 *
 *   open = received, needs_info, verified, referred, committee, accepted,
 *   registered; final = delivered, rejected, withdrawn.
 *
 * The rules, in the words README.md and khidma.1 use:
 *  - Who may do what: the table above. Researchers and committee members
 *    do not enter requests on someone's behalf.
 *  - Verification: the only way into "verified" is verify, by an officer
 *    other than the one who entered the request, with every required field
 *    (name, national ID, mobile, category) marked matched at that moment.
 *    "Explained — back to the officer" returns a referred request to the
 *    status it was referred from: a request referred before it was verified
 *    comes back unverified.
 *  - Conflicts: the officer who entered, verified or forwarded a request
 *    may not decide it (accept, reject or vote on it).
 *  - Quorum: each committee member records one vote — accept or reject,
 *    with a reason; the request is decided when committee_quorum members
 *    (config, default 1) have voted the same way. Every vote is in the
 *    request's history and on its screen.
 *  - Study period: no decision before the earliest-response date (received
 *    + study_days, config, default 14 — the date the member was given)
 *    unless an admin records an exception with a reason. The refusal says
 *    the date when a decision becomes possible.
 *  - Withdrawal needs a reason; an admin may reopen a withdrawn request,
 *    with a reason, into the status it was withdrawn from.
 *
 * Invariants:
 *  1. A transition not in the table (wrong status or wrong role), a missing
 *     reason, an unmatched verify, a conflict, a decision in the study
 *     period or a second vote is refused with ST_DENIED, logged with
 *     log_security, and the database is not touched.
 *  2. An allowed action writes exactly one request_events row, of kind
 *     t->code (a vote below the quorum: vote_accept / vote_reject), in the
 *     same transaction as the status change, and every rule is decided on
 *     the row and events as that transaction reads them (decide()).
 *  3. The caller's view (r->status, r->version) must still be current; if
 *     the row moved meanwhile the store answers ST_STALE and nothing changes.
 *  4. An inactive officer may do nothing.
 *  5. declared_by "kiosk" is the member at the kiosk, so an officer account
 *     named "kiosk" could verify no kiosk request — refused rather than
 *     guessed. The verify event's note starts "fields checked: " and the
 *     marks as they were at that moment (the audit keeps what was checked).
 *  6. WF_TO_BACK rows go to the from-status of the latest event that moved
 *     the request into its current status from a status in back_mask (the
 *     refer, the withdraw); with no such event (older data) to received.
 *  7. A committee round starts with the latest event into committee from
 *     another status; votes count within the round, one per member.
 *  8. wf_audit_request checks the audit trail for the invariants these
 *     rules guarantee (see there); the exhaustive test
 *     (tests/unit/test_workflow_search.c) runs it after every step of every
 *     action sequence up to its bound.
 *  9. ask_info records what is needed (wf_ask_info: "missing" catalog
 *     codes from screens/catalog.conf and a free text) in
 *     requests.info_items / info_text in the same transaction — the
 *     kiosk's tracking and the needs-information notification read them
 *     there — and its event note says "needed: <codes> — <text>".
 * 10. duplicate closes a request (into withdrawn, so an admin's reopen
 *     brings it back to where it was) only with a reason and naming
 *     another request that is open and has the same national ID, checked
 *     in the transaction; requests.duplicate_of keeps the link and the
 *     event's note says "duplicate of <ref> — <reason>".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/util.h"
#include "workflow/workflow.h"

#define S(x)  (1u << (x))
#define R(x)  (1u << (x))
#define OPEN_MASK (S(RS_RECEIVED) | S(RS_NEEDS_INFO) | S(RS_VERIFIED) | \
                   S(RS_REFERRED) | S(RS_COMMITTEE) | S(RS_ACCEPTED) | \
                   S(RS_REGISTERED))
#define UNDECIDED (S(RS_RECEIVED) | S(RS_NEEDS_INFO) | S(RS_VERIFIED) | \
                   S(RS_REFERRED) | S(RS_COMMITTEE))
#define DESK  (R(ROLE_OFFICER) | R(ROLE_ADMIN))
#define DECIDERS_CONFLICT (WF_C_ENTERED | WF_C_VERIFIED | WF_C_FORWARDED)

#ifndef N_
#define N_(s) s
#endif

static const struct wf_transition table[WF__COUNT] = {
	[WF_ASK_INFO]   = { WF_ASK_INFO,   S(RS_RECEIVED),   RS_NEEDS_INFO, DESK, false,
	                    N_("Ask for information"), "ask_info", 0, 0, false, false },
	[WF_INFO_BACK]  = { WF_INFO_BACK,  S(RS_NEEDS_INFO), RS_RECEIVED,   DESK, false,
	                    N_("Information received"), "info_back", 0, 0, false, false },
	[WF_VERIFY]     = { WF_VERIFY,     S(RS_RECEIVED),   RS_VERIFIED,   DESK, false,
	                    N_("Verify"), "verify", 0, WF_C_ENTERED, true, false },
	[WF_REFER]      = { WF_REFER,      S(RS_RECEIVED) | S(RS_VERIFIED), RS_REFERRED, DESK, false,
	                    N_("Refer to the social researcher"), "refer", 0, 0, false, false },
	[WF_REFER_BACK] = { WF_REFER_BACK, S(RS_REFERRED),   WF_TO_BACK,
	                    R(ROLE_RESEARCHER) | R(ROLE_ADMIN), false,
	                    N_("Explained — back to the officer"), "refer_back",
	                    S(RS_RECEIVED) | S(RS_VERIFIED), 0, false, false },
	[WF_FORWARD]    = { WF_FORWARD,    S(RS_VERIFIED),   RS_COMMITTEE,  DESK, false,
	                    N_("Forward to the committee"), "forward", 0, 0, false, false },
	[WF_ACCEPT]     = { WF_ACCEPT,     S(RS_COMMITTEE),  RS_ACCEPTED,   R(ROLE_COMMITTEE), true,
	                    N_("Accept"), "accept", 0, DECIDERS_CONFLICT, false, true },
	[WF_REJECT]     = { WF_REJECT,     S(RS_COMMITTEE),  RS_REJECTED,   R(ROLE_COMMITTEE), true,
	                    N_("Reject"), "reject", 0, DECIDERS_CONFLICT, false, true },
	[WF_REGISTER]   = { WF_REGISTER,   S(RS_ACCEPTED),   RS_REGISTERED, DESK, false,
	                    N_("Complete registration"), "register", 0, 0, false, false },
	[WF_DELIVER]    = { WF_DELIVER,    S(RS_REGISTERED), RS_DELIVERED,  DESK, false,
	                    N_("Service delivered"), "deliver", 0, 0, false, false },
	[WF_WITHDRAW]   = { WF_WITHDRAW,   OPEN_MASK,        RS_WITHDRAWN,  DESK, true,
	                    N_("Withdrawn by the member"), "withdraw", 0, 0, false, false },
	[WF_REOPEN]     = { WF_REOPEN,     S(RS_WITHDRAWN),  WF_TO_BACK,    R(ROLE_ADMIN), true,
	                    N_("Reopen the withdrawn request"), "reopen", OPEN_MASK, 0, false, false },
	[WF_EXCEPTION]  = { WF_EXCEPTION,  UNDECIDED,        WF_TO_SAME,    R(ROLE_ADMIN), true,
	                    N_("Allow a decision before the earliest-response date"),
	                    "exception", 0, 0, false, false },
	[WF_INTAKE]     = { WF_INTAKE,     0,                RS_RECEIVED,   DESK, false,
	                    N_("New request on someone's behalf"), "intake", 0, 0, false, false },
	[WF_DUPLICATE]  = { WF_DUPLICATE,  OPEN_MASK,        RS_WITHDRAWN,  DESK, true,
	                    N_("Close as a duplicate of another request"), "duplicate",
	                    0, 0, false, false },
};

const char *const wf_required_fields[] = {
	"name", "national_id", "mobile", "category", NULL
};

const char wf_msg_study_period[] =
	N_("No decision before %s: the study period is not over. An admin may record an exception.");

static int quorum = 1;

const struct wf_transition *wf_table(void)
{
	return table;
}

void wf_configure(int committee_quorum)
{
	quorum = committee_quorum >= 1 ? committee_quorum : 1;
}

int wf_quorum(void)
{
	return quorum;
}

/* See workflow.h; out-of-range arguments are simply not allowed. */
bool wf_allowed(wf_action action, req_status from, officer_role role)
{
	if ((unsigned)action >= WF__COUNT || (unsigned)from >= RS__COUNT ||
	    (unsigned)role >= ROLE__COUNT)
		return false;
	return (table[action].from_mask & S(from)) && (table[action].role_mask & R(role));
}

int wf_actions(req_status from, officer_role role, wf_action *out)
{
	int n = 0;

	for (int a = 0; a < WF__COUNT; a++)
		if (wf_allowed((wf_action)a, from, role))
			out[n++] = (wf_action)a;
	return n;
}

bool wf_may_intake(officer_role role)
{
	return (unsigned)role < ROLE__COUNT && (table[WF_INTAKE].role_mask & R(role));
}

bool wf_is_open(req_status st)
{
	return (unsigned)st < RS__COUNT && (OPEN_MASK & S(st));
}

/* True when every wf_required_fields entry appears as "field=1" in the
 * comma-separated list (any order; other fields ignored; a later entry for
 * the same field wins). */
bool wf_all_matched(const char *field_match)
{
	for (int i = 0; wf_required_fields[i]; i++) {
		const char *f = wf_required_fields[i], *p = field_match;
		size_t fl = strlen(f);
		bool ok = false;

		while (p && *p) {
			const char *end = strchr(p, ',');
			size_t len = end ? (size_t)(end - p) : strlen(p);

			if (len > fl && strncmp(p, f, fl) == 0 && p[fl] == '=')
				ok = len == fl + 2 && p[fl + 1] == '1';
			p = end ? end + 1 : NULL;
		}
		if (!ok)
			return false;
	}
	return true;
}

static bool blank(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n')
			return false;
	return true;
}

/* ---- reading the audit trail ----------------------------------------------- */

/* The action an event records: by its kind (v8), else — an older event —
 * by its statuses; -1 for a note, assignment, match or submission, or a
 * vote (see is_vote). */
static int event_action(const struct request_event *e)
{
	if (e->kind[0]) {
		for (int a = 0; a < WF__COUNT; a++)
			if (strcmp(e->kind, table[a].code) == 0)
				return a;
		return -1;
	}
	if (e->from == e->to)
		return -1;
	for (int a = 0; a < WF__COUNT; a++) {
		const struct wf_transition *t = &table[a];

		if (!(t->from_mask & S(e->from)))
			continue;
		if (t->to == e->to || (t->to == WF_TO_BACK && (t->back_mask & S(e->to))))
			return a;
	}
	return -1;
}

/* 1 vote to accept, 2 to reject, 0 not a vote. */
static int is_vote(const struct request_event *e)
{
	if (strcmp(e->kind, "vote_accept") == 0)
		return 1;
	if (strcmp(e->kind, "vote_reject") == 0)
		return 2;
	return 0;
}

/* True when login did what `bits` names on the request. */
static bool conflicted(const struct request *r, const struct request_event *ev,
                       int nev, unsigned bits, const char *login)
{
	if ((bits & WF_C_ENTERED) && strcmp(r->declared_by, login) == 0)
		return true;
	for (int i = 0; i < nev; i++) {
		int a = event_action(&ev[i]);

		if (strcmp(ev[i].who, login) != 0)
			continue;
		if (((bits & WF_C_VERIFIED) && a == WF_VERIFY) ||
		    ((bits & WF_C_FORWARDED) && a == WF_FORWARD))
			return true;
	}
	return false;
}

static bool has_exception(const struct request_event *ev, int nev, int upto)
{
	for (int i = 0; i < nev && i < upto; i++)
		if (event_action(&ev[i]) == WF_EXCEPTION)
			return true;
	return false;
}

/* Index of the first event of the current committee round (the latest
 * event into committee from another status, searching before `upto`). */
static int round_start(const struct request_event *ev, int upto)
{
	for (int i = upto - 1; i >= 0; i--)
		if (ev[i].to == RS_COMMITTEE && ev[i].from != RS_COMMITTEE)
			return i;
	return 0;
}

/* Where a WF_TO_BACK action from `cur` goes (invariant 6). */
static req_status back_to(const struct wf_transition *t, req_status cur,
                          const struct request_event *ev, int upto)
{
	for (int i = upto - 1; i >= 0; i--)
		if (ev[i].to == cur && ev[i].from != cur && (t->back_mask & S(ev[i].from)))
			return ev[i].from;
	return RS_RECEIVED;
}

/* ---- the rules --------------------------------------------------------------- */

struct outcome {
	struct st_act_out out;
	char note[600];
};

/*
 * Every rule for `action` on r by o with note at time now. ev/nev are the
 * request's events (nev < 0: unknown — only the rules the row shows are
 * checked). Returns NULL and fills *oc when allowed, else the msgid of the
 * refusal; *why_log gets the English reason for the security log.
 */
static const char *decide(const struct request *r, const struct request_event *ev,
                          int nev, time_t now, wf_action action,
                          const struct officer *o, const char *note,
                          struct outcome *oc, const char **why_log)
{
	const struct wf_transition *t;
	bool events = nev >= 0;

	if (!r || !o || (unsigned)action >= WF__COUNT) {
		*why_log = "unknown action";
		return N_("This action is not allowed now.");
	}
	t = &table[action];
	if (!o->active) {
		*why_log = "officer inactive";
		return N_("Your officer account is disabled: ask an admin.");
	}
	if (!wf_allowed(action, r->status, o->role)) {
		*why_log = "not in the transition table";
		return N_("This action is not allowed now.");
	}
	if (t->reason_required && blank(note)) {
		*why_log = "reason required";
		return t->decision ? N_("A reason is required for this decision.")
		                   : N_("A reason is required for this action.");
	}
	if (t->checked) {
		if (!wf_all_matched(r->field_match)) {
			*why_log = "required fields not all matched";
			return N_("Every required field must be marked matched before verifying.");
		}
		if (r->declared_at == 0 || blank(r->signature)) {
			*why_log = "declaration not signed";
			return N_("The declaration is not signed.");
		}
	}
	if ((t->conflicts & WF_C_ENTERED) && action == WF_VERIFY &&
	    strcmp(r->declared_by, o->login) == 0) {
		*why_log = "maker-checker: entered by the same officer";
		return N_("Another officer must verify a request you entered.");
	}
	if (t->conflicts && conflicted(r, ev, events ? nev : 0, t->conflicts, o->login)) {
		*why_log = "conflict: entered, verified or forwarded by the same officer";
		return N_("You entered, verified or forwarded this request: another committee member must decide it.");
	}
	if (action == WF_EXCEPTION && now >= r->earliest_response) {
		*why_log = "exception after the study period";
		return N_("The study period is already over: no exception is needed.");
	}
	if (action == WF_EXCEPTION && events && has_exception(ev, nev, nev)) {
		*why_log = "exception already recorded";
		return N_("An exception is already recorded for this request.");
	}
	if (oc) {
		memset(oc, 0, sizeof *oc);
		oc->out.kind = t->code;
		oc->out.to = t->to == WF_TO_SAME ? r->status :
		             t->to == WF_TO_BACK ? back_to(t, r->status, ev, events ? nev : 0) :
		             t->to;
	}
	if (t->decision && events) {
		int start = round_start(ev, nev), same = 0;
		int mine = action == WF_ACCEPT ? 1 : 2;

		if (now < r->earliest_response && !has_exception(ev, nev, nev)) {
			*why_log = "decision in the study period";
			return wf_msg_study_period;
		}
		for (int i = start; i < nev; i++) {
			int v = is_vote(&ev[i]);

			if (!v)
				continue;
			if (strcmp(ev[i].who, o->login) == 0) {
				*why_log = "second vote by the same member";
				return N_("You have already voted on this request.");
			}
			same += v == mine;
		}
		if (oc) {
			oc->out.decision = same + 1 >= quorum;
			if (!oc->out.decision) {
				oc->out.to = RS_COMMITTEE;
				oc->out.kind = mine == 1 ? "vote_accept" : "vote_reject";
			}
		}
	}
	if (oc && t->checked) {
		snprintf(oc->note, sizeof oc->note, "fields checked: %s%s%s", r->field_match,
		         blank(note) ? "" : " — ", blank(note) ? "" : note);
		oc->out.note = oc->note;
	}
	*why_log = NULL;
	return NULL;
}

static void refuse(const struct request *r, wf_action action,
                   const struct officer *o, const char *why)
{
	log_security("workflow: refused %s on request %s (status %s) by %s (%s): %s",
	             (unsigned)action < WF__COUNT ? table[action].code : "?",
	             r ? r->ref : "?", r ? req_status_name(r->status) : "?",
	             o ? o->login : "?", o ? officer_role_name(o->role) : "?", why);
}

const char *wf_refusal(const struct request *r, wf_action action,
                       const struct officer *o, const char *note)
{
	const char *why_log;

	return decide(r, NULL, -1, khidma_now(), action, o, note, NULL, &why_log);
}

const char *wf_refusal_ev(const struct request *r, const struct request_event *ev,
                          int nev, time_t now, wf_action action,
                          const struct officer *o, const char *note)
{
	const char *why_log;

	return decide(r, ev, nev < 0 ? 0 : nev, now, action, o, note, NULL, &why_log);
}

void wf_refusal_text(const char *why, const struct request *r,
                     const char *(*tr)(const char *), char *buf, size_t n)
{
	char date[64];

	if (!why)
		why = N_("This action is not allowed now.");
	if (why == wf_msg_study_period || strcmp(why, wf_msg_study_period) == 0) {
		khidma_date(r ? r->earliest_response : 0, date, sizeof date);
		snprintf(buf, n, tr(wf_msg_study_period), date);
		return;
	}
	snprintf(buf, n, "%s", tr(why));
}

struct apply_ctx {
	wf_action action;
	const struct officer *o;
	const char *note;
	const char *why, *why_log;
	struct outcome oc;
	const char *items, *text;   /* ask_info: what is needed (wf_ask_info) */
	int64_t dup_of;             /* duplicate: the other request (0: r's link) */
};

/* Inside the write transaction (store_request_act): the rules on the row
 * and the events as they are now (invariant 2). */
static st_rc apply_cb(void *ctx, store *s, const struct request *cur,
                      const struct request_event *ev, int nev, time_t now,
                      struct st_act_out *out)
{
	struct apply_ctx *c = ctx;

	(void)s;
	c->why = decide(cur, ev, nev, now, c->action, c->o, c->note, &c->oc, &c->why_log);
	if (c->why)
		return ST_DENIED;
	if (c->action == WF_DUPLICATE) {    /* invariant 10 */
		int64_t of = c->dup_of > 0 ? c->dup_of : cur->duplicate_of;
		struct request other;
		bool ok = false;

		if (of > 0 && of != cur->id && store_request_get(s, of, &other) == ST_OK) {
			ok = wf_is_open(other.status) &&
			     strcmp(other.national_id, cur->national_id) == 0;
			if (ok)
				snprintf(c->oc.note, sizeof c->oc.note, "duplicate of %s — %s",
				         other.ref, c->note ? c->note : "");
			request_free(&other);
		}
		if (!ok) {
			c->why_log = "duplicate: no open request of the same national ID named";
			c->why = N_("Name another open request of the same national ID: this one "
			            "is closed as its duplicate.");
			return ST_DENIED;
		}
		*out = c->oc.out;
		out->duplicate_of = of;
		out->note = c->oc.note;
		return ST_OK;
	}
	*out = c->oc.out;
	if (c->action == WF_ASK_INFO) {     /* invariant 9 */
		out->set_info = true;
		out->info_items = c->items ? c->items : "";
		out->info_text = c->text ? c->text : "";
		if (out->info_items[0]) {
			snprintf(c->oc.note, sizeof c->oc.note, "needed: %s%s%s",
			         out->info_items, out->info_text[0] ? " — " : "",
			         out->info_text);
			out->note = c->oc.note;
		}
	}
	return ST_OK;
}

static st_rc apply(store *s, struct request *r, wf_action action,
                   const struct officer *o, const char *note, const char **why,
                   const char *items, const char *text, int64_t dup_of);

/* See workflow.h. */
st_rc wf_apply_why(store *s, struct request *r, wf_action action,
                   const struct officer *o, const char *note, const char **why)
{
	return apply(s, r, action, o, note, why, NULL, note, 0);
}

/* See workflow.h. */
st_rc wf_ask_info(store *s, struct request *r, const struct officer *o,
                  const char *items, const char *text, const char **why)
{
	if (items) {               /* catalog codes: a-z 0-9 _ , only */
		if (strlen(items) > 400)
			return ST_INVALID;
		for (const char *p = items; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
			      *p == '_' || *p == ','))
				return ST_INVALID;
	}
	if (text && strlen(text) > 2000)
		return ST_INVALID;
	return apply(s, r, WF_ASK_INFO, o, text, why, items, text, 0);
}

/* See workflow.h. */
st_rc wf_close_duplicate(store *s, struct request *r, const struct officer *o,
                         int64_t of_id, const char *reason, const char **why)
{
	return apply(s, r, WF_DUPLICATE, o, reason, why, NULL, NULL, of_id);
}

static st_rc apply(store *s, struct request *r, wf_action action,
                   const struct officer *o, const char *note, const char **why,
                   const char *items, const char *text, int64_t dup_of)
{
	struct apply_ctx c = { .action = action, .o = o, .note = note,
	                       .items = items, .text = text, .dup_of = dup_of };
	struct request fresh;
	const char *why_log;
	st_rc rc;

	if (why)
		*why = NULL;
	if (!s || !r || !o)
		return ST_INVALID;
	c.why = decide(r, NULL, -1, khidma_now(), action, o, note, NULL, &why_log);
	if (c.why) {
		refuse(r, action, o, why_log);
		if (why)
			*why = c.why;
		return ST_DENIED;
	}
	rc = store_request_act(s, r->id, r->version, r->status, o->login,
	                       blank(note) ? NULL : note, apply_cb, &c);
	if (rc == ST_DENIED) {
		refuse(r, action, o, c.why_log ? c.why_log : "status changed meanwhile");
		if (why)
			*why = c.why ? c.why : N_("This action is not allowed now.");
	}
	if (rc != ST_OK && rc != ST_STALE && rc != ST_DENIED)
		return rc;
	/* reload on success and on a stale view, so the caller shows the truth */
	if (store_request_get(s, r->id, &fresh) == ST_OK) {
		request_free(r);
		*r = fresh;
	}
	return rc;
}

st_rc wf_apply(store *s, struct request *r, wf_action action,
               const struct officer *o, const char *note)
{
	return wf_apply_why(s, r, action, o, note, NULL);
}

/* See workflow.h. */
st_rc wf_submit(store *s, struct request *r, const struct officer *o)
{
	if (!s || !r)
		return ST_INVALID;
	if (o == NULL) {
		strlcpy_k(r->declared_by, "kiosk", sizeof r->declared_by);
		return store_request_submit(s, r, "kiosk");
	}
	if (!o->active || !wf_may_intake(o->role) || strcmp(o->login, "kiosk") == 0) {
		log_security("workflow: refused intake on someone's behalf by %s (%s)%s",
		             o->login, officer_role_name(o->role),
		             o->active ? "" : ": officer inactive");
		return ST_DENIED;
	}
	strlcpy_k(r->declared_by, o->login, sizeof r->declared_by);
	return store_request_submit(s, r, o->login);
}

/* The policy step (1–7) of st for the kiosk timeline; 0 for withdrawn,
 * which is on no step. */
int wf_policy_step(req_status st)
{
	switch (st) {
	case RS_RECEIVED:   return 1;
	case RS_NEEDS_INFO: return 2;
	case RS_REFERRED:   return 3;
	case RS_VERIFIED:   return 4;
	case RS_COMMITTEE:
	case RS_ACCEPTED:
	case RS_REJECTED:   return 5;
	case RS_REGISTERED: return 6;
	case RS_DELIVERED:  return 7;
	default:            return 0;
	}
}

/* ---- the audit-trail invariants ---------------------------------------------
 *
 * wf_audit_request replays a request's events from the submission and
 * checks, for every request whatever its status:
 *  A1 the first event is the submission (received → received, kind
 *     submitted — or note "submitted" before v8), and only the first;
 *  A2 every event with from ≠ to is a transition of the table from the
 *     status the replay is in, to the table's status (WF_TO_BACK: to the
 *     status the request came from, invariant 6); events with from = to
 *     leave the status alone; the replay ends in the row's status;
 *  A3 the row's version = 1 + the events that bumped it (all but notes and
 *     the submission): no change without its one event, no event without
 *     its change (skipped for pre-v8 events, whose kind is unknown);
 *  A4 every verify event is by an officer other than declared_by and its
 *     note records every required field matched ("fields checked: …");
 *  A5 no event moves a request into verified before its verify event, and
 *     a request that reached the committee has exactly one verify event,
 *     before its first forward;
 *  A6 every decision and vote is by someone who neither entered, verified
 *     nor forwarded the request, at or after the earliest-response date
 *     unless an exception was recorded before it, with a reason; a member
 *     votes at most once per committee round; a decision has `quorum`
 *     votes the same way in its round, its own included;
 *  A7 withdraw, reopen and exception events carry a reason; votes and
 *     exceptions are only written in a status that allows them.
 */
static int bad(char *msg, size_t n, const struct request *r, int i, const char *what)
{
	snprintf(msg, n, "request %s, event %d: %s", r->ref, i + 1, what);
	return -1;
}

int wf_audit_request(const struct request *r, const struct request_event *ev,
                     int nev, int q, char *msg, size_t msgsz)
{
	req_status st = RS_RECEIVED;
	int verifies = 0, bumps = 0, first_forward = -1, verify_at = -1;
	bool legacy = false, reached_committee = false;

	if (q < 1)
		q = 1;
	if (nev < 1 || ev[0].from != RS_RECEIVED || ev[0].to != RS_RECEIVED ||
	    (strcmp(ev[0].kind, "submitted") != 0 &&
	     !(ev[0].kind[0] == '\0' && ev[0].note && strcmp(ev[0].note, "submitted") == 0)))
		return bad(msg, msgsz, r, 0, "A1: the first event is not the submission");
	for (int i = 1; i < nev; i++) {
		const struct request_event *e = &ev[i];
		int a = event_action(e), vote = is_vote(e);
		const struct wf_transition *t = a >= 0 ? &table[a] : NULL;

		if (strcmp(e->kind, "submitted") == 0)
			return bad(msg, msgsz, r, i, "A1: a second submission");
		if (e->kind[0] == '\0' && e->from == e->to)
			legacy = true;
		if (e->from != st)
			return bad(msg, msgsz, r, i, "A2: event does not start from the current status");
		if (e->from != e->to || (t && t->to == WF_TO_SAME)) {
			req_status want;

			if (!t || !(t->from_mask & S(st)) || a == WF_INTAKE)
				return bad(msg, msgsz, r, i, "A2: not a transition of the table");
			want = t->to == WF_TO_SAME ? st :
			       t->to == WF_TO_BACK ? back_to(t, st, ev, i) : t->to;
			if (e->to != want)
				return bad(msg, msgsz, r, i, "A2: transition to the wrong status");
		} else if (vote && st != RS_COMMITTEE) {
			return bad(msg, msgsz, r, i, "A7: a vote outside the committee");
		} else if (t && e->kind[0]) {
			return bad(msg, msgsz, r, i, "A2: an action without its status change");
		}
		if (strcmp(e->kind, "note") != 0)
			bumps++;
		if (t && t->reason_required && blank(e->note))
			return bad(msg, msgsz, r, i, "A7: no reason");
		if (vote && blank(e->note))
			return bad(msg, msgsz, r, i, "A7: a vote without a reason");
		if (a == WF_VERIFY) {
			const char *p = e->note ? e->note : "";
			char marks[64];
			size_t k = 0;

			verifies++;
			verify_at = i;
			if (strcmp(e->who, r->declared_by) == 0)
				return bad(msg, msgsz, r, i, "A4: verified by the officer who entered it");
			if (e->kind[0]) {
				if (strncmp(p, "fields checked: ", 16) != 0)
					return bad(msg, msgsz, r, i, "A4: verify without the fields checked");
				p += 16;
				while (p[k] && p[k] != ' ' && k + 1 < sizeof marks) {
					marks[k] = p[k];
					k++;
				}
				marks[k] = '\0';
				if (!wf_all_matched(marks))
					return bad(msg, msgsz, r, i, "A4: verified with a required field not matched");
			}
		}
		if (e->to == RS_VERIFIED && e->from != RS_VERIFIED && verifies == 0)
			return bad(msg, msgsz, r, i, "A5: verified without a verify event");
		if (a == WF_FORWARD && first_forward < 0)
			first_forward = i;
		if (e->to == RS_COMMITTEE)
			reached_committee = true;
		if ((t && t->decision) || vote) {
			int mine = vote ? vote : a == WF_ACCEPT ? 1 : 2, same = 0;

			if (conflicted(r, ev, i, DECIDERS_CONFLICT, e->who))
				return bad(msg, msgsz, r, i, "A6: decided by an officer who entered, verified or forwarded it");
			if (e->at < r->earliest_response && !has_exception(ev, nev, i))
				return bad(msg, msgsz, r, i, "A6: decided in the study period without an exception");
			for (int j = round_start(ev, i); j < i; j++) {
				int v = is_vote(&ev[j]);

				if (v && strcmp(ev[j].who, e->who) == 0)
					return bad(msg, msgsz, r, i, "A6: a second vote by the same member");
				same += v == mine;
			}
			if (t && t->decision && e->kind[0] && same + 1 < q)
				return bad(msg, msgsz, r, i, "A6: decided without the quorum");
			if (vote && same + 1 >= q)
				return bad(msg, msgsz, r, i, "A6: a vote that reached the quorum did not decide");
		}
		st = e->to;
	}
	if (st != r->status)
		return bad(msg, msgsz, r, nev - 1, "A2: the replay does not end in the row's status");
	if (!legacy && r->version != 1 + bumps)
		return bad(msg, msgsz, r, nev - 1, "A3: version and events disagree");
	if (reached_committee && (verifies != 1 || first_forward < 0 || verify_at > first_forward))
		return bad(msg, msgsz, r, nev - 1, "A5: at the committee without exactly one verify before the forward");
	if (msg && msgsz)
		msg[0] = '\0';
	return 0;
}
