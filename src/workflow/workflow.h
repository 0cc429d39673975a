/*
 * workflow — the request state machine: ONE table of allowed transitions,
 * the roles that may make each and the conflict rules (the full table is in
 * workflow.c's design comment). Screens ask wf_actions() what to offer and
 * call wf_apply(); nothing else changes a request's status. On-behalf intake
 * goes through wf_submit().
 *
 * Invariants:
 *  1. A transition not in the table is refused (ST_DENIED) and logged as a
 *     security event; the database is not touched.
 *  2. wf_apply writes exactly one request_events row in the same transaction
 *     as the status change (store_request_act), and every rule is checked
 *     inside that transaction on the row and audit trail as they are then —
 *     not only on the caller's copy.
 *  3. A stale version is refused with ST_STALE ("changed by someone else —
 *     reloaded"); the caller reloads.
 *  4. The only way into verified from an unverified status is verify: every
 *     required field marked matched at that moment, the declaration
 *     signed, by an officer other than the one who entered it (declared_by).
 *     refer_back returns to the status the request was referred from, so a
 *     received request referred and explained is still received.
 *  5. Accept, reject, withdraw, reopen and exception need a non-empty
 *     reason.
 *  6. Conflicts: the officer who entered, verified or forwarded a request
 *     may not decide it (accept, reject, vote).
 *  7. Study period: no decision before the request's earliest-response
 *     date unless an admin recorded an exception.
 *  8. Quorum: a decision needs committee_quorum members voting the same way;
 *     each member votes once per time the request is at the committee.
 */
#ifndef KHIDMA_WORKFLOW_H
#define KHIDMA_WORKFLOW_H

#include "store/store.h"

typedef enum {
	WF_ASK_INFO = 0,   /* received → needs_info           officer, admin */
	WF_INFO_BACK,      /* needs_info → received           officer, admin */
	WF_VERIFY,         /* received → verified             officer, admin */
	WF_REFER,          /* received|verified → referred    officer, admin */
	WF_REFER_BACK,     /* referred → where it came from   researcher, admin */
	WF_FORWARD,        /* verified → committee            officer, admin */
	WF_ACCEPT,         /* committee → accepted (or vote)  committee */
	WF_REJECT,         /* committee → rejected (or vote)  committee */
	WF_REGISTER,       /* accepted → registered           officer, admin */
	WF_DELIVER,        /* registered → delivered          officer, admin */
	WF_WITHDRAW,       /* any open → withdrawn            officer, admin */
	WF_REOPEN,         /* withdrawn → where it came from  admin */
	WF_EXCEPTION,      /* before a decision → same status admin: decide
	                      before the earliest-response date */
	WF_INTAKE,         /* (no request yet) → received     officer, admin:
	                      a request on someone's behalf (wf_submit); never
	                      offered by wf_actions */
	WF_DUPLICATE,      /* any open → withdrawn            officer, admin:
	                      closed as a duplicate of another open request of
	                      the same national ID (reason; wf_close_duplicate) */
	WF__COUNT
} wf_action;

/* `to` of a row that does not go to one fixed status. */
#define WF_TO_BACK ((req_status)RS__COUNT)        /* see back_mask */
#define WF_TO_SAME ((req_status)(RS__COUNT + 1))  /* status unchanged */

/* Conflict bits: who may not take the action on a request. */
#define WF_C_ENTERED   1u   /* the officer who entered it (declared_by) */
#define WF_C_VERIFIED  2u   /* an officer who verified it */
#define WF_C_FORWARDED 4u   /* an officer who forwarded it to the committee */

struct wf_transition {
	wf_action   action;
	unsigned    from_mask;     /* bit (1u << req_status) for each allowed source */
	req_status  to;            /* or WF_TO_BACK / WF_TO_SAME */
	unsigned    role_mask;     /* bit (1u << officer_role) */
	bool        reason_required;
	const char *name;          /* English msgid for the action, e.g. "Verify" */
	/* additive (issue "the policy, enforced") */
	const char *code;          /* stable name: the event kind, "verify" */
	unsigned    back_mask;     /* WF_TO_BACK: the statuses it may go back to */
	unsigned    conflicts;     /* WF_C_* bits */
	bool        checked;       /* verify: fields matched, declaration signed */
	bool        decision;      /* study period and quorum apply */
};

/* The table (WF__COUNT rows, indexed by action). */
const struct wf_transition *wf_table(void);

/*
 * The policy settings from the configuration: the committee quorum
 * (committee_quorum, ≥ 1, default 1). Call once at start-up; values < 1
 * mean 1. The study period is the request's own earliest_response
 * (store_set_study_days sets it at submission).
 */
void wf_configure(int committee_quorum);
int  wf_quorum(void);

/* True when `role` may take `action` on a request in status `from`. */
bool wf_allowed(wf_action action, req_status from, officer_role role);

/* The actions allowed now, written to out[] (size WF__COUNT); returns count. */
int  wf_actions(req_status from, officer_role role, wf_action *out);

/* True when role may enter a request on someone's behalf (the WF_INTAKE
 * row: officer and admin). */
bool wf_may_intake(officer_role role);

/* Open = not delivered, rejected or withdrawn. */
bool wf_is_open(req_status st);

/* Required fields for step 2 (maker-checker), and whether a field_match
 * string marks them all matched: "name=1,national_id=1,mobile=1,category=1". */
extern const char *const wf_required_fields[];
bool wf_all_matched(const char *field_match);

/*
 * Apply `action` to request r (as loaded: r->status and r->version are the
 * caller's view) by officer `o` with `note` (the reason where required).
 * Returns ST_OK, ST_DENIED (not allowed / reason missing / not matched /
 * conflict / study period / already voted), ST_STALE, or a store error.
 * r is reloaded after ST_OK, ST_STALE and ST_DENIED. With why non-NULL,
 * *why is the English msgid of a refusal (NULL otherwise); the study-period
 * refusal (wf_msg_study_period) holds one %s for the date when a decision
 * becomes possible — format it with wf_refusal_text.
 * An accept or reject below the quorum records the officer's vote (status
 * unchanged, event kind vote_accept / vote_reject) and returns ST_OK.
 */
st_rc wf_apply(store *s, struct request *r, wf_action action,
               const struct officer *o, const char *note);
st_rc wf_apply_why(store *s, struct request *r, wf_action action,
                   const struct officer *o, const char *note, const char **why);

/*
 * Why wf_apply would refuse `action` on r (as loaded) by officer o with
 * note, as an English msgid to show through _() — e.g. "Another officer
 * must verify a request you entered." — or NULL when the caller's copy
 * shows no reason to refuse. Touches no database. wf_refusal_ev also
 * weighs the audit trail (ev, nev: the request's events, oldest first) —
 * conflicts, votes, exceptions — at time now; it answers what wf_apply
 * would, as long as nothing changed meanwhile.
 */
const char *wf_refusal(const struct request *r, wf_action action,
                       const struct officer *o, const char *note);
const char *wf_refusal_ev(const struct request *r, const struct request_event *ev,
                          int nev, time_t now, wf_action action,
                          const struct officer *o, const char *note);
extern const char wf_msg_study_period[];
/* The refusal `why` for the officer, translated with tr (the caller's _()),
 * the study-period date filled in from r->earliest_response. */
void wf_refusal_text(const char *why, const struct request *r,
                     const char *(*tr)(const char *), char *buf, size_t n);

/*
 * Close r as a duplicate of the open request of_id (WF_DUPLICATE) with a
 * reason: of_id must be another request, open, of the same national ID —
 * checked inside the transaction; requests.duplicate_of is set to it and
 * the event's note is "duplicate of <ref> — <reason>". of_id 0 takes
 * r's own duplicate_of (the link kept at intake or verification), which
 * is what wf_apply(WF_DUPLICATE) does. Otherwise as wf_apply_why.
 */
st_rc wf_close_duplicate(store *s, struct request *r, const struct officer *o,
                         int64_t of_id, const char *reason, const char **why);

/*
 * Ask the member for information (WF_ASK_INFO) saying what is needed:
 * items = "missing" catalog codes (screens/catalog.conf), comma-separated
 * (a-z 0-9 _ only; NULL or "" for none), text = the officer's words (NULL
 * or ""). Both are stored in requests.info_items / info_text in the
 * action's transaction (what the kiosk's tracking shows and a
 * needs-information notification reads); the event's note is "needed:
 * <items> — <text>" (just the text without items). Otherwise as
 * wf_apply_why; ST_INVALID for bad codes or text over 2000 bytes.
 */
st_rc wf_ask_info(store *s, struct request *r, const struct officer *o,
                  const char *items, const char *text, const char **why);

/*
 * Submit r: o == NULL for the member at the kiosk (declared_by "kiosk"),
 * else on someone's behalf by officer o, which the WF_INTAKE row must allow
 * (officer, admin; active) — declared_by is set to o's login. ST_DENIED
 * (logged) when refused; else store_request_submit's answer.
 */
st_rc wf_submit(store *s, struct request *r, const struct officer *o);

/* The policy step (1–7) a status belongs to, for the kiosk timeline. */
int  wf_policy_step(req_status st);

/*
 * The audit-trail invariants (see workflow.c): checks one request's row
 * and its events against the rules, with the quorum given. Returns 0 when
 * they hold, else writes an English description of the first broken one to
 * msg and returns -1. For tests and `khidma check`.
 */
int  wf_audit_request(const struct request *r, const struct request_event *ev,
                      int nev, int quorum, char *msg, size_t msgsz);

#endif
