/*
 * workflow — the request state machine (policy steps 1–7, NOTES.md).
 *
 * The one table of allowed transitions. Every status change goes through
 * wf_apply, which checks this table and then calls the one function that
 * performs a transition, store_request_transition (one UPDATE of status and
 * version plus one request_events row, in one transaction).
 *
 *   action        from                    to          roles               extra
 *   ------------  ----------------------  ----------  ------------------  ---------------------
 *   ask_info      received                needs_info  officer, admin      step 2: data missing
 *   info_back     needs_info              received    officer, admin      data supplied
 *   verify        received                verified    officer, admin      steps 2+4: all required
 *                                                                         fields matched, declaration
 *                                                                         signed (maker-checker), and
 *                                                                         not by the officer who
 *                                                                         entered it (declared_by)
 *   refer         received | verified     referred    officer, admin      step 3: social researcher
 *   refer_back    referred                verified    researcher, admin   explained
 *   forward       verified                committee   officer, admin      step 5 (≥ 14 days)
 *   accept        committee               accepted    committee           reason required
 *   reject        committee               rejected    committee           reason required
 *   register      accepted                registered  officer, admin      step 6
 *   deliver       registered              delivered   officer, admin      step 7
 *   withdraw      any open state          withdrawn   officer, admin      member's request
 *
 *   open = received, needs_info, verified, referred, committee, accepted,
 *   registered; final = delivered, rejected, withdrawn.
 *
 * Invariants:
 *  1. A transition not in the table (wrong status or wrong role), a missing
 *     reason or an unmatched verify is refused with ST_DENIED, logged with
 *     log_security, and the database is not touched.
 *  2. An allowed transition writes exactly one request_events row in the
 *     same transaction as the status change (store_request_transition).
 *  3. The caller's view (r->status, r->version) is what is checked; if the
 *     row moved meanwhile the store answers ST_STALE and nothing changes.
 *  4. An inactive officer may do nothing.
 *  5. Maker-checker for intake on someone's behalf: the officer who entered
 *     a request (declared_by = their login) may not verify it; another
 *     officer must. declared_by "kiosk" is the member at the kiosk, so an
 *     officer account named "kiosk" could verify no kiosk request — refused
 *     rather than guessed.
 *  6. wf_refusal is the only place the refusal rules live: wf_apply refuses
 *     exactly when it answers non-NULL, and the console shows its answer.
 */
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
#define DESK  (R(ROLE_OFFICER) | R(ROLE_ADMIN))

#ifndef N_
#define N_(s) s
#endif

static const struct wf_transition table[WF__COUNT] = {
	[WF_ASK_INFO]   = { WF_ASK_INFO,   S(RS_RECEIVED),   RS_NEEDS_INFO, DESK, false, N_("Ask for information") },
	[WF_INFO_BACK]  = { WF_INFO_BACK,  S(RS_NEEDS_INFO), RS_RECEIVED,   DESK, false, N_("Information received") },
	[WF_VERIFY]     = { WF_VERIFY,     S(RS_RECEIVED),   RS_VERIFIED,   DESK, false, N_("Verify") },
	[WF_REFER]      = { WF_REFER,      S(RS_RECEIVED) | S(RS_VERIFIED), RS_REFERRED, DESK, false,
	                    N_("Refer to the social researcher") },
	[WF_REFER_BACK] = { WF_REFER_BACK, S(RS_REFERRED),   RS_VERIFIED,
	                    R(ROLE_RESEARCHER) | R(ROLE_ADMIN), false, N_("Explained — back to the officer") },
	[WF_FORWARD]    = { WF_FORWARD,    S(RS_VERIFIED),   RS_COMMITTEE,  DESK, false, N_("Forward to the committee") },
	[WF_ACCEPT]     = { WF_ACCEPT,     S(RS_COMMITTEE),  RS_ACCEPTED,   R(ROLE_COMMITTEE), true, N_("Accept") },
	[WF_REJECT]     = { WF_REJECT,     S(RS_COMMITTEE),  RS_REJECTED,   R(ROLE_COMMITTEE), true, N_("Reject") },
	[WF_REGISTER]   = { WF_REGISTER,   S(RS_ACCEPTED),   RS_REGISTERED, DESK, false, N_("Complete registration") },
	[WF_DELIVER]    = { WF_DELIVER,    S(RS_REGISTERED), RS_DELIVERED,  DESK, false, N_("Service delivered") },
	[WF_WITHDRAW]   = { WF_WITHDRAW,   OPEN_MASK,        RS_WITHDRAWN,  DESK, false, N_("Withdrawn by the member") },
};

const char *const wf_required_fields[] = {
	"name", "national_id", "mobile", "category", NULL
};

const struct wf_transition *wf_table(void)
{
	return table;
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

static st_rc refuse(const struct request *r, wf_action action,
                    const struct officer *o, const char *why)
{
	log_security("workflow: refused %s on request %s (status %s) by %s (%s): %s",
	             (unsigned)action < WF__COUNT ? table[action].name : "?",
	             r ? r->ref : "?", r ? req_status_name(r->status) : "?",
	             o ? o->login : "?", o ? officer_role_name(o->role) : "?", why);
	return ST_DENIED;
}

/* See workflow.h. The English log reason goes to *why_log. */
static const char *check(const struct request *r, wf_action action,
                         const struct officer *o, const char *note,
                         const char **why_log)
{
	const struct wf_transition *t;

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
		return N_("A reason is required for this decision.");
	}
	if (action == WF_VERIFY) {
		if (!wf_all_matched(r->field_match)) {
			*why_log = "required fields not all matched";
			return N_("Every required field must be marked matched before verifying.");
		}
		if (r->declared_at == 0 || blank(r->signature)) {
			*why_log = "declaration not signed";
			return N_("The declaration is not signed.");
		}
		if (strcmp(r->declared_by, o->login) == 0) {
			*why_log = "maker-checker: entered by the same officer";
			return N_("Another officer must verify a request you entered.");
		}
	}
	*why_log = NULL;
	return NULL;
}

const char *wf_refusal(const struct request *r, wf_action action,
                       const struct officer *o, const char *note)
{
	const char *why_log;

	return check(r, action, o, note, &why_log);
}

/* See workflow.h. */
st_rc wf_apply(store *s, struct request *r, wf_action action,
               const struct officer *o, const char *note)
{
	const struct wf_transition *t;
	struct request fresh;
	const char *why_log;
	st_rc rc;

	if (!s || !r || !o)
		return ST_INVALID;
	if (check(r, action, o, note, &why_log) != NULL)
		return refuse(r, action, o, why_log);
	t = &table[action];
	rc = store_request_transition(s, r->id, r->version, r->status, t->to,
	                              o->login, note);
	if (rc == ST_DENIED)
		refuse(r, action, o, "status changed meanwhile");
	if (rc != ST_OK && rc != ST_STALE && rc != ST_DENIED)
		return rc;
	/* reload on success and on a stale view, so the caller shows the truth */
	if (rc == ST_OK || rc == ST_STALE || rc == ST_DENIED) {
		if (store_request_get(s, r->id, &fresh) == ST_OK) {
			request_free(r);
			*r = fresh;
		}
	}
	return rc;
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
