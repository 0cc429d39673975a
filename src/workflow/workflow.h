/*
 * workflow — the request state machine: ONE table of allowed transitions and
 * the roles that may make each (the full table is in workflow.c's design
 * comment). Screens ask wf_actions() what to offer and call wf_apply();
 * nothing else changes a request's status.
 *
 * Invariants:
 *  1. A transition not in the table is refused (WF_DENIED) and logged as a
 *     security event; the database is not touched.
 *  2. wf_apply writes exactly one request_events row in the same transaction
 *     as the status change (store_request_transition).
 *  3. A stale version is refused with ST_STALE ("changed by someone else —
 *     reloaded"); the caller reloads.
 *  4. Verify (received → verified) additionally needs every required field
 *     marked matched (maker-checker) and the declaration signed.
 *  5. Accept and reject need a non-empty reason.
 *  6. Verify is refused to the officer who entered the request on the
 *     member's behalf (declared_by = their login): another officer checks.
 */
#ifndef KHIDMA_WORKFLOW_H
#define KHIDMA_WORKFLOW_H

#include "store/store.h"

typedef enum {
	WF_ASK_INFO = 0,   /* received → needs_info           officer, admin */
	WF_INFO_BACK,      /* needs_info → received           officer, admin */
	WF_VERIFY,         /* received → verified             officer, admin */
	WF_REFER,          /* received|verified → referred    officer, admin */
	WF_REFER_BACK,     /* referred → verified             researcher, admin */
	WF_FORWARD,        /* verified → committee            officer, admin */
	WF_ACCEPT,         /* committee → accepted            committee */
	WF_REJECT,         /* committee → rejected            committee */
	WF_REGISTER,       /* accepted → registered           officer, admin */
	WF_DELIVER,        /* registered → delivered          officer, admin */
	WF_WITHDRAW,       /* any open → withdrawn            officer, admin */
	WF__COUNT
} wf_action;

struct wf_transition {
	wf_action   action;
	unsigned    from_mask;     /* bit (1u << req_status) for each allowed source */
	req_status  to;
	unsigned    role_mask;     /* bit (1u << officer_role) */
	bool        reason_required;
	const char *name;          /* English msgid for the action, e.g. "Verify" */
};

/* The table (WF__COUNT rows, indexed by action). */
const struct wf_transition *wf_table(void);

/* True when `role` may take `action` on a request in status `from`. */
bool wf_allowed(wf_action action, req_status from, officer_role role);

/* The actions allowed now, written to out[] (size WF__COUNT); returns count. */
int  wf_actions(req_status from, officer_role role, wf_action *out);

/* Open = not delivered, rejected or withdrawn. */
bool wf_is_open(req_status st);

/* Required fields for step 2 (maker-checker), and whether a field_match
 * string marks them all matched: "name=1,national_id=1,mobile=1,category=1". */
extern const char *const wf_required_fields[];
bool wf_all_matched(const char *field_match);

/*
 * Apply `action` to request r (as loaded: r->status and r->version are the
 * caller's view) by officer `o` with `note` (the reason where required).
 * Returns ST_OK, ST_DENIED (not allowed / reason missing / not matched),
 * ST_STALE, or a store error. On ST_OK r is reloaded.
 */
st_rc wf_apply(store *s, struct request *r, wf_action action,
               const struct officer *o, const char *note);

/*
 * Why wf_apply would refuse `action` on r (as loaded) by officer o with
 * note, as an English msgid to show through _() — e.g. "Another officer
 * must verify a request you entered." — or NULL when it is allowed (the
 * store may still answer ST_STALE). Touches no database; wf_apply refuses
 * with ST_DENIED exactly when this is non-NULL.
 */
const char *wf_refusal(const struct request *r, wf_action action,
                       const struct officer *o, const char *note);

/* The policy step (1–7) a status belongs to, for the kiosk timeline. */
int  wf_policy_step(req_status st);

#endif
