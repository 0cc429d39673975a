/*
 * officer/request_actions — the actions menu of a request: exactly the
 * workflow actions wf_actions() allows this officer's role in the request's
 * status, then "Assign to an officer" and "Add an internal note".
 *
 * Every entry has ONE fixed key, whatever the status and the role (shown
 * in front of it, taken in either case and as the letter the same key
 * types on the Arabic keyboard), so a key pressed from habit never does
 * another action than last time (before, entries were numbered by
 * position: 3 was "Refer" on a received request and "Withdrawn" on a
 * verified one):
 *
 *   key  ar  entry                          key  ar  entry
 *   I    ه   Ask for information            A    ش   Accept
 *   K    ن   Information received           J    ت   Reject
 *   V    ر   Verify                         G    ل   Complete registration
 *   R    ق   Refer to the social researcher D    ي   Service delivered
 *   E    ث   Explained — back to officer    W    ص   Withdrawn by the member
 *   F    ب   Forward to the committee       O    خ   Reopen the withdrawn request
 *   S    س   Assign to an officer           X    ء   Allow a decision before the
 *   N    ى   Add an internal note                    earliest-response date
 *   C    ؤ   Save the register check        U    ع   Close as a duplicate of
 *   H    ا   Member history (every request           another request
 *            of the same national ID)    M    ة   Correct the data (before
 *                                                 verification)
 *
 *   (Arabic letters: the standard Arabic (101) layout, as xkb "ara".)
 *
 * Invariants:
 *  1. Status changes go through wf_apply_why only; the reason is asked
 *     (and required) where the table says so (accept, reject, withdraw,
 *     reopen, exception), an optional note elsewhere. An unsaved register
 *     check is saved first. A committee vote below the quorum says so.
 *  2. The write runs while the note's prompt is still open
 *     (oc_prompt_apply): on ST_STALE (someone else changed the request),
 *     ST_DENIED, a busy or full database, the request is reloaded, the
 *     status line says the action was NOT applied and why, and the typed
 *     note stays in the field (F5 tries again, Esc gives up). The same for
 *     a note.
 *  3. ST_DENIED says why in the officer's language (unmatched fields,
 *     unsigned declaration, a conflict, the study period with its date,
 *     not allowed now: wf_refusal_text); wf_apply has logged it.
 *  4. Withdraw is final for everyone but an admin (reopen, with a reason):
 *     it needs a reason and a second "Yes" (No selected first).
 *  5. action_keys has a distinct key for every wf action
 *     (tests/unit/test_officer_keys.c checks it for the whole table).
 */
#include "officer/request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/log.h"
#include "core/util.h"
#include "core/validate.h"
#include "workflow/workflow.h"

/* Fixed keys (design comment). Indexed by wf_action; see oc_action_key. */
static const struct { wchar_t key, ar; } action_keys[WF__COUNT] = {
	[WF_ASK_INFO]   = { L'I', L'\u0647' },   /* ه */
	[WF_INFO_BACK]  = { L'K', L'\u0646' },   /* ن */
	[WF_VERIFY]     = { L'V', L'\u0631' },   /* ر */
	[WF_REFER]      = { L'R', L'\u0642' },   /* ق */
	[WF_REFER_BACK] = { L'E', L'\u062b' },   /* ث */
	[WF_FORWARD]    = { L'F', L'\u0628' },   /* ب */
	[WF_ACCEPT]     = { L'A', L'\u0634' },   /* ش */
	[WF_REJECT]     = { L'J', L'\u062a' },   /* ت */
	[WF_REGISTER]   = { L'G', L'\u0644' },   /* ل */
	[WF_DELIVER]    = { L'D', L'\u064a' },   /* ي */
	[WF_WITHDRAW]   = { L'W', L'\u0635' },   /* ص */
	[WF_REOPEN]     = { L'O', L'\u062e' },   /* خ */
	[WF_EXCEPTION]  = { L'X', L'\u0621' },   /* ء */
	[WF_DUPLICATE]  = { L'U', L'\u0639' },   /* ع */
	/* WF_INTAKE is never in this menu (the queue's N) */
};
#define KEY_ASSIGN  L'S'
#define AR_ASSIGN   L'\u0633'                 /* س */
#define KEY_NOTE    L'N'
#define AR_NOTE     L'\u0649'                 /* ى */
#define KEY_SAVE    L'C'
#define AR_SAVE     L'\u0624'                 /* ؤ */
#define KEY_HISTORY L'H'
#define AR_HISTORY  L'\u0627'                 /* ا */
#define KEY_CORRECT L'M'
#define AR_CORRECT  L'\u0629'                 /* ة */

wchar_t
oc_action_key(int entry, wchar_t *ar)
{
	wchar_t k = 0, a = 0;

	if (entry >= 0 && entry < WF__COUNT) {
		k = action_keys[entry].key;
		a = action_keys[entry].ar;
	} else if (entry == OC_ENTRY_ASSIGN) {
		k = KEY_ASSIGN; a = AR_ASSIGN;
	} else if (entry == OC_ENTRY_NOTE) {
		k = KEY_NOTE; a = AR_NOTE;
	} else if (entry == OC_ENTRY_SAVE) {
		k = KEY_SAVE; a = AR_SAVE;
	} else if (entry == OC_ENTRY_HISTORY) {
		k = KEY_HISTORY; a = AR_HISTORY;
	} else if (entry == OC_ENTRY_CORRECT) {
		k = KEY_CORRECT; a = AR_CORRECT;
	}
	if (ar != NULL)
		*ar = a;
	return k;
}

static void
say_result(struct req_screen *q, st_rc rc, const char *done_msgid)
{
	if (rc == ST_OK) {
		ui_status(_(done_msgid), false);
		return;
	}
	if (rc == ST_STALE) {
		q->draft = false;
		(void)req_reload(q, false);
		ui_status(_("Changed by someone else — reloaded."), true);
		return;
	}
	ui_status(oc_store_error(rc), true);
}

struct act_ctx {
	struct req_screen *q;
	wf_action          a;
	const char        *items;   /* ask_info: the codes picked ("" none) */
	int64_t            dup_of;  /* duplicate: the request it duplicates */
};

/* oc_prompt_apply's callback: the transition, with the prompt still open
 * (invariant 2). */
static bool
act_apply(void *p, const char *note)
{
	struct act_ctx *x = p;
	struct req_screen *q = x->q;
	const struct wf_transition *t = &wf_table()[x->a];
	req_status before = q->r.status;
	const char *why = NULL;
	char *msg, buf[512];
	st_rc rc;

	if (x->a == WF_WITHDRAW &&
	    !ui_confirm_default(_("Withdraw this request?"),
	                        _("The request is closed as withdrawn by the member, with this "
				  "reason. Only an administrator can reopen it."),
	                        false)) {
		oc_say_kept(_("Not withdrawn."));
		return false;
	}
	/* The reason the workflow gives — decided inside the transaction, on
	 * the request as it is then — is what the officer reads. */
	if (x->a == WF_ASK_INFO)           /* what is needed: items and text */
		rc = wf_ask_info(q->c->db, &q->r, &q->c->me, x->items, note, &why);
	else if (x->a == WF_DUPLICATE)
		rc = wf_close_duplicate(q->c->db, &q->r, &q->c->me, x->dup_of, note, &why);
	else
		rc = wf_apply_why(q->c->db, &q->r, x->a, &q->c->me, note[0] ? note : NULL, &why);
	if (rc == ST_OK) {
		(void)req_reload(q, false);
		log_info("officer %s: %s on request %s", q->c->me.login, t->name, q->r.ref);
		/* a committee vote below the quorum leaves the status alone */
		ui_status(t->decision && q->r.status == before
		          ? _("Your vote is recorded; the committee has not decided yet.")
		          : _("Done."), false);
		return true;
	}
	log_info("officer %s: %s on request %s not applied: %s", q->c->me.login, t->name,
	         q->r.ref, st_rc_name(rc));
	(void)req_reload(q, false);
	if (rc == ST_STALE || (rc == ST_DENIED && q->r.status != before)) {
		msg = xasprintf(_("Someone else changed it meanwhile (now %s): not applied."),
		                oc_status_label(q->r.status));
		oc_say_kept(msg);
		free(msg);
	} else if (rc == ST_DENIED) {
		wf_refusal_text(why, &q->r, ui_tr, buf, sizeof buf);
		oc_say_kept(buf);
	} else {
		oc_say_kept(oc_store_error(rc));
	}
	return false;
}

/* Ask for information: the officer ticks what is missing from the
 * "missing" items of screens/catalog.conf (Enter toggles, "Continue"
 * goes on); *out gets their codes, comma-separated ("" none). Returns
 * UI_HOME/UI_HANGUP to unwind, 1 when cancelled (Esc), else 0. */
static int
pick_missing(struct req_screen *q, char **out)
{
	const struct screens *scr = &q->c->a->scr;
	int *idx = xcalloc((size_t)scr->nseeds + 1, sizeof *idx);
	bool *on = xcalloc((size_t)scr->nseeds + 1, sizeof *on);
	const char **items = xcalloc((size_t)scr->nseeds + 2, sizeof *items);
	char **labels = xcalloc((size_t)scr->nseeds + 1, sizeof *labels);
	int n = 0, sel = 0, rc_ui = 0, chosen, res = 0;
	size_t len = 0;

	for (int i = 0; i < scr->nseeds; i++)
		if (strcmp(scr->seeds[i].kind, "missing") == 0)
			idx[n++] = i;
	for (;;) {
		for (int i = 0; i < n; i++) {
			free(labels[i]);
			labels[i] = xasprintf("[%s] %s", on[i] ? "x" : " ",
			                      ui_pick(scr->seeds[idx[i]].name_en,
			                              scr->seeds[idx[i]].name_ar));
			items[i] = labels[i];
		}
		items[n] = _("Continue: what else is needed, in words");
		chosen = oc_pick(N_("What is needed from the member?"), items, n + 1, sel, &rc_ui);
		if (rc_ui || chosen < 0) {
			res = rc_ui ? rc_ui : 1;
			break;
		}
		if (chosen == n)
			break;
		on[chosen] = !on[chosen];
		sel = chosen;
	}
	*out = xcalloc(1, (size_t)n * 33 + 1);
	for (int i = 0; res == 0 && i < n; i++)
		if (on[i])
			len += (size_t)sprintf(*out + len, "%s%s", len ? "," : "",
			                       scr->seeds[idx[i]].code);
	for (int i = 0; i < n; i++)
		free(labels[i]);
	free(labels);
	free(items);
	free(on);
	free(idx);
	return res;
}

/* One line for another request of the member: "REF · service · status ·
 * received DATE · last change DATE" (malloc'd). */
static char *
other_line(struct req_screen *q, const struct queue_row *o)
{
	char d1[32], d2[32];

	khidma_date(o->created_at, d1, sizeof d1);
	khidma_date(o->sort_key, d2, sizeof d2);
	return xasprintf("%s · %s · %s · %s %s · %s %s", o->ref,
	                 oc_catalog_name(q->c, "service", o->service),
	                 oc_status_label(o->status), _("received"), d1,
	                 _("last change"), d2);
}

/* Duplicate: choose the open request of the same national ID that this one
 * duplicates (the link kept first). 0 and a status line when there is
 * none; -1 when Esc; UI_* bits in *rc_ui. */
static int64_t
pick_duplicate_of(struct req_screen *q, int *rc_ui)
{
	struct queue_row *rows = NULL;
	const char **items;
	char **lines;
	int n = 0, sel = 0, chosen;
	int64_t of = 0;
	st_rc rc = store_requests_of(q->c->db, q->r.national_id, NULL, true, q->r.id,
	                             &rows, &n);

	if (rc != ST_OK) {
		ui_status(oc_store_error(rc), true);
		return 0;
	}
	if (n == 0) {
		ui_status(_("This member has no other open request: nothing to be a duplicate of."),
		          true);
		return 0;
	}
	items = xcalloc((size_t)n, sizeof *items);
	lines = xcalloc((size_t)n, sizeof *lines);
	for (int i = 0; i < n; i++) {
		lines[i] = other_line(q, &rows[i]);
		items[i] = lines[i];
		if (rows[i].id == q->r.duplicate_of)
			sel = i;
	}
	chosen = oc_pick(N_("A duplicate of which open request?"), items, n, sel, rc_ui);
	of = *rc_ui || chosen < 0 ? -1 : rows[chosen].id;
	for (int i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	free(items);
	queue_rows_free(rows, n);
	return of;
}

/* Verify: an open request of the same national ID for the same service is
 * shown and must be acknowledged; the link is kept (duplicate_of, with an
 * event). True to go on. */
static bool
verify_ack_duplicate(struct req_screen *q)
{
	struct queue_row *rows = NULL;
	int n = 0;
	char *line, *msg;
	bool go;
	st_rc rc = store_requests_of(q->c->db, q->r.national_id, q->r.service, true,
	                             q->r.id, &rows, &n);

	if (rc != ST_OK || n == 0) {
		queue_rows_free(rows, n);
		return true;                  /* nothing to acknowledge */
	}
	line = other_line(q, &rows[0]);
	msg = xasprintf(_("This member has another open request for the same service:\n%s\n"
	                  "Verify this one anyway? The link between them is kept; "
	                  "\"Close as a duplicate\" (U) closes one of them."), line);
	go = ui_confirm_default(_("Possible duplicate"), msg, false);
	if (go && q->r.duplicate_of != rows[0].id) {
		rc = store_request_link_duplicate(q->c->db, q->r.id, q->r.version,
		                                  q->c->me.login, rows[0].id, rows[0].ref);
		(void)req_reload(q, false);
		if (rc != ST_OK) {
			ui_status(oc_store_error(rc), true);
			go = false;
		}
	}
	if (!go && rc == ST_OK)
		ui_status(_("Not verified."), false);
	free(msg);
	free(line);
	queue_rows_free(rows, n);
	return go;
}

static int
apply_action(struct req_screen *q, wf_action a)
{
	const struct wf_transition *t = &wf_table()[a];
	struct act_ctx x = { .q = q, .a = a };
	bool required = t->reason_required || a == WF_WITHDRAW;
	const char *question;
	char *note;
	int rc_ui = 0;
	st_rc rc;

	if (q->draft) {
		rc = match_save(q);
		if (rc != ST_OK)
			return UI_REDRAW;
	}
	if (a == WF_VERIFY && !wf_all_matched(q->r.field_match)) {
		ui_status(_("Verify is refused: mark every required field as matched "
		            "(Register check) first."), true);
		q->view = RV_MATCH;
		return UI_REDRAW;
	}
	if (a == WF_VERIFY && !verify_ack_duplicate(q))
		return UI_REDRAW;
	if (a == WF_DUPLICATE) {
		x.dup_of = pick_duplicate_of(q, &rc_ui);
		if (rc_ui)
			return rc_ui;
		if (x.dup_of <= 0) {
			if (x.dup_of < 0)
				ui_status(_("Cancelled: nothing was changed."), false);
			return UI_REDRAW;
		}
	}
	if (a == WF_ASK_INFO) {
		char *items = NULL;
		int r = pick_missing(q, &items);

		if (r) {
			free(items);
			if (r != 1)
				return r;
			ui_status(_("Cancelled: nothing was changed."), false);
			return UI_REDRAW;
		}
		x.items = items;
		/* nothing ticked: the words must say what is needed */
		note = oc_prompt_apply(t->name,
		                       N_("What is needed, in words the member reads at the kiosk "
		                         "(required when nothing is ticked):"),
		                       NULL, true, items[0] == '\0', 500, act_apply, &x, &rc_ui);
		free(items);
		if (rc_ui) {
			free(note);
			return rc_ui;
		}
		if (note == NULL)
			ui_status(_("Cancelled: nothing was changed."), false);
		free(note);
		return UI_REDRAW;
	}
	if (a == WF_WITHDRAW)
		question = N_("Why does the member withdraw the request? (required; kept in the history):");
	else if (a == WF_DUPLICATE)
		question = N_("Why is it a duplicate? (required; kept in the history):");
	else if (t->decision)
		question = N_("The reason for this decision (required; the member is told):");
	else if (required)
		question = N_("The reason (required; kept in the history):");
	else
		question = N_("A note for the history (optional):");
	note = oc_prompt_apply(t->name, question, NULL, true, required, 500,
	                       act_apply, &x, &rc_ui);
	if (rc_ui)
		return rc_ui;
	if (note == NULL) {
		ui_status(_("Cancelled: nothing was changed."), false);
		return UI_REDRAW;
	}
	free(note);
	return UI_REDRAW;
}

static int
assign(struct req_screen *q)
{
	struct officer *list = NULL;
	const char **items;
	char **labels;
	int n = 0, i, k = 0, sel = 0, chosen, rc_ui = 0;
	int *map;
	st_rc rc;

	rc = store_officer_list(q->c->db, &list, &n);
	if (rc != ST_OK) {
		ui_status(oc_store_error(rc), true);
		return UI_REDRAW;
	}
	items = xcalloc((size_t)n + 1, sizeof *items);
	labels = xcalloc((size_t)n + 1, sizeof *labels);
	map = xcalloc((size_t)n + 1, sizeof *map);
	items[k] = _("Nobody (unassign)");
	map[k++] = -1;
	for (i = 0; i < n; i++) {
		if (!list[i].active)
			continue;
		labels[k] = xasprintf("%s — %s (%s)", list[i].login, list[i].name ? list[i].name : "",
		                      oc_role_label(list[i].role));
		items[k] = labels[k];
		if (strcmp(list[i].login, q->r.assigned_to) == 0)
			sel = k;
		map[k++] = i;
	}
	chosen = oc_pick(N_("Assign to an officer"), items, k, sel, &rc_ui);
	if (!rc_ui && chosen >= 0) {
		rc = store_request_assign(q->c->db, q->id, q->r.version, q->c->me.login,
		                          map[chosen] < 0 ? "" : list[map[chosen]].login);
		if (rc == ST_OK)
			(void)req_reload(q, true);
		say_result(q, rc, N_("Assigned."));
	}
	for (i = 0; i < k; i++)
		free(labels[i]);
	free(labels);
	free(items);
	free(map);
	officers_free(list, n);
	return rc_ui ? rc_ui : UI_REDRAW;
}

/* oc_prompt_apply's callback for a note (invariant 2). */
static bool
note_apply(void *p, const char *note)
{
	struct req_screen *q = p;
	st_rc rc = store_request_note(q->c->db, q->id, q->c->me.login, note);

	if (rc != ST_OK) {
		log_error("officer %s: note on request %s: %s", q->c->me.login, q->r.ref,
		          st_rc_name(rc));
		oc_say_kept(oc_store_error(rc));
		return false;
	}
	(void)req_reload(q, true);
	q->view = RV_TIMELINE;
	ui_status(_("Note added."), false);
	return true;
}

static int
add_note(struct req_screen *q)
{
	int rc_ui = 0;
	char *note = oc_prompt_apply(N_("Add an internal note"),
	                             N_("The note is kept in the history; the member never sees it:"),
	                             NULL, true, true, 1000, note_apply, q, &rc_ui);

	if (rc_ui)
		return rc_ui;
	free(note);
	return UI_REDRAW;
}

/* ---- corrections (issue 12) ---------------------------------------------- */

struct correct_ctx {
	struct req_screen *q;
	const char *field;
	char value[512];
};

static bool
correct_apply(void *p, const char *reason)
{
	struct correct_ctx *x = p;
	struct req_screen *q = x->q;
	st_rc rc = store_request_correct(q->c->db, q->id, q->r.version, q->c->me.login,
	                                 x->field, x->value, reason);

	if (rc == ST_OK) {
		q->draft = false;
		(void)req_reload(q, false);
		log_info("officer %s: corrected %s of request %s", q->c->me.login, x->field,
		         q->r.ref);
		ui_status(_("Corrected. Its register-check mark is cleared: check it again "
		            "before verifying."), false);
		return true;
	}
	(void)req_reload(q, false);
	oc_say_kept(rc == ST_STALE ? _("Changed by someone else — reloaded.") :
	            rc == ST_DENIED ? _("Only a request not yet verified can be corrected.") :
	            rc == ST_INVALID ? _("The new value is the same as the old one.") :
	            oc_store_error(rc));
	return false;
}

/* M: correct one declared field found wrong at verification — the field,
 * its new value (validated as at intake), a reason; old → new in the
 * audit, the field's match mark cleared (store_request_correct). */
static int
correct_data(struct req_screen *q)
{
	static const char *const fields[] = {
		"name", "national_id", "mobile", "email", "member_number",
	};
	static const char *const labels[] = {
		N_("Name"), N_("National ID"), N_("Mobile"), N_("E-mail"), N_("Membership number"),
	};
	const struct request *r = &q->r;
	const char *cur[5] = { r->name ? r->name : "", r->national_id, r->mobile,
	                       r->email ? r->email : "", r->member_number };
	char *lines[5], *v, *reason;
	const char *items[5];
	struct correct_ctx x = { .q = q };
	int chosen, rc_ui = 0;
	val_rc vr = VAL_OK;

	if (r->status != RS_RECEIVED && r->status != RS_NEEDS_INFO) {
		ui_status(_("Only a request not yet verified can be corrected."), true);
		return UI_REDRAW;
	}
	for (int i = 0; i < 5; i++) {
		lines[i] = xasprintf("%s: %s", _(labels[i]), cur[i][0] ? cur[i] : "—");
		items[i] = lines[i];
	}
	chosen = oc_pick(N_("Correct which field?"), items, 5, 0, &rc_ui);
	for (int i = 0; i < 5; i++)
		free(lines[i]);
	if (rc_ui)
		return rc_ui;
	if (chosen < 0)
		return UI_REDRAW;
	v = oc_prompt(labels[chosen], N_("The correct value:"), cur[chosen], false, true, 200,
	              &rc_ui);
	if (rc_ui) {
		free(v);
		return rc_ui;
	}
	if (v == NULL) {
		ui_status(_("Cancelled: nothing was changed."), false);
		return UI_REDRAW;
	}
	x.field = fields[chosen];
	if (chosen == 1)
		vr = validate_national_id(v, x.value, sizeof x.value);
	else if (chosen == 2)
		vr = validate_mobile(v, x.value, sizeof x.value);
	else if (chosen == 4)
		vr = validate_member_number(v, x.value, sizeof x.value);
	else if (chosen == 3 && v[0] && (vr = validate_email(v)) == VAL_OK)
		strlcpy_k(x.value, v, sizeof x.value);
	else
		strlcpy_k(x.value, v, sizeof x.value);
	free(v);
	if (vr != VAL_OK) {
		ui_status(_(validate_reason(vr)), true);
		return UI_REDRAW;
	}
	reason = oc_prompt_apply(N_("Correct the data"),
	                         N_("Why is it corrected? (required; old and new values are "
	                           "kept in the history):"),
	                         NULL, true, true, 500, correct_apply, &x, &rc_ui);
	if (rc_ui) {
		free(reason);
		return rc_ui;
	}
	if (reason == NULL)
		ui_status(_("Cancelled: nothing was changed."), false);
	free(reason);
	return UI_REDRAW;
}

/* A growing text (the history's). */
struct htext { char *s; size_t len, cap; };

static void
ht_add(struct htext *t, const char *line)
{
	size_t l = strlen(line);

	if (t->len + l + 2 > t->cap) {
		t->cap = (t->len + l + 2) * 2;
		t->s = xrealloc(t->s, t->cap);
	}
	memcpy(t->s + t->len, line, l);
	t->len += l;
	t->s[t->len++] = '\n';
	t->s[t->len] = '\0';
}

struct hist { struct ui_pager pg; char title[96]; };

static void
hist_draw(struct ui_screen *s)
{
	struct hist *h = s->state;
	static const struct ui_key_hint hints[] = {
		{ "↑↓ PgUp PgDn", N_("scroll") }, { "Enter Esc", N_("back") },
	};
	struct ui_rect r = ui_frame(h->title, hints, 2);

	ui_pager_draw(&h->pg, (struct ui_rect){ r.y + 1, r.x + 1, r.h - 1, r.w - 2 });
}

static int
hist_key(struct ui_screen *s, struct ui_event ev)
{
	struct hist *h = s->state;

	if (ev.a == ACT_TICK)
		return 0;
	if (ev.a == ACT_QUIT)
		return oc_quit();
	if (ev.a == ACT_ENTER || ui_pager_key(&h->pg, ev) == -2)
		return UI_BACK;
	return UI_HANDLED | UI_REDRAW;
}

/* The member's history (the actions menu's H): every other request of the
 * same national ID, newest first, with status and dates; then the
 * survey-free contacts — the messages sent to the member for any of their
 * requests (when, which request, SMS or e-mail, what about, sent / failed
 * …). Surveys are anonymous and never linked to a person; help calls name
 * no one: neither is here. Scrolls (a pager). */
int
req_history(struct req_screen *q)
{
	struct queue_row *rows = NULL;
	struct outbox_msg *m = NULL;
	int n = 0, nm = 0, r;
	struct htext t = { 0 };
	struct hist h;
	struct ui_screen s = { .name = "officer-history", .state = &h,
	                       .draw = hist_draw, .key = hist_key };
	char *line;
	st_rc rc = store_requests_of(q->c->db, q->r.national_id, NULL, false, q->r.id,
	                             &rows, &n);

	if (rc == ST_OK)
		rc = store_outbox_of_member(q->c->db, q->r.national_id, &m, &nm);
	if (rc != ST_OK) {
		queue_rows_free(rows, n);
		ui_status(oc_store_error(rc), true);
		return UI_REDRAW;
	}
	line = xasprintf("%s (%d)", _("Other requests"), n);
	ht_add(&t, line);
	free(line);
	for (int i = 0; i < n; i++) {
		line = other_line(q, &rows[i]);
		ht_add(&t, line);
		free(line);
	}
	if (n == 0)
		ht_add(&t, _("No other request of this national ID."));
	ht_add(&t, "");
	line = xasprintf("%s (%d)", _("Messages sent to the member"), nm);
	ht_add(&t, line);
	free(line);
	for (int i = 0; i < nm; i++) {
		char at[32], sent[32] = "";

		khidma_datetime(m[i].created_at, at, sizeof at);
		if (strcmp(m[i].state, "sent") == 0 && m[i].sent_at > 0)
			khidma_datetime(m[i].sent_at, sent, sizeof sent);
		line = xasprintf("%s · %s · %s · %s · %s%s%s", at, m[i].ref,
		                 strcmp(m[i].transport, "sms") == 0 ? _("SMS") : _("e-mail"),
		                 req_outbox_event(m[i].event), req_outbox_state(m[i].state),
		                 sent[0] ? " " : "", sent);
		ht_add(&t, line);
		free(line);
	}
	if (nm == 0)
		ht_add(&t, _("No message was sent to this member."));
	ht_add(&t, "");
	ht_add(&t, _("Surveys are anonymous and help calls name no one: neither is shown here."));
	queue_rows_free(rows, n);
	outbox_msgs_free(m, nm);

	memset(&h, 0, sizeof h);
	snprintf(h.title, sizeof h.title, "%s (%d)", _("Member history"), n);
	ui_pager_init(&h.pg, t.s, ui_dir());
	r = ui_run(&s);
	ui_pager_free(&h.pg);
	return oc_unwind(r) ? oc_unwind(r) : UI_REDRAW;
}

int
req_actions(struct req_screen *q)
{
	wf_action acts[WF__COUNT];
	const char *items[WF__COUNT + 5];
	wchar_t keys[WF__COUNT + 5], ar[WF__COUNT + 5];
	int n = wf_actions(q->r.status, q->c->me.role, acts), i, k, chosen, rc_ui = 0;
	bool can_save = q->draft;
	bool can_correct = wf_may_intake(q->c->me.role) &&     /* the desk roles */
	                   (q->r.status == RS_RECEIVED || q->r.status == RS_NEEDS_INFO);

	for (i = 0; i < n; i++) {
		items[i] = _(wf_table()[acts[i]].name);
		keys[i] = oc_action_key((int)acts[i], &ar[i]);
	}
	k = n;
	items[k] = _("Assign to an officer");
	keys[k] = oc_action_key(OC_ENTRY_ASSIGN, &ar[k]);
	k++;
	items[k] = _("Add an internal note");
	keys[k] = oc_action_key(OC_ENTRY_NOTE, &ar[k]);
	k++;
	items[k] = _("Member history (every request of this national ID)");
	keys[k] = oc_action_key(OC_ENTRY_HISTORY, &ar[k]);
	k++;
	if (can_correct) {
		items[k] = _("Correct the data (before verification)");
		keys[k] = oc_action_key(OC_ENTRY_CORRECT, &ar[k]);
		k++;
	}
	if (can_save) {
		items[k] = _("Save the register check");
		keys[k] = oc_action_key(OC_ENTRY_SAVE, &ar[k]);
		k++;
	}
	chosen = oc_pick_keys(N_("Actions"), items, keys, ar, k, 0, &rc_ui);
	if (rc_ui)
		return rc_ui;
	if (chosen < 0)
		return UI_REDRAW;
	if (chosen < n)
		return apply_action(q, acts[chosen]);
	if (chosen == n)
		return assign(q);
	if (chosen == n + 1)
		return add_note(q);
	if (chosen == n + 2)
		return req_history(q);
	if (can_correct && chosen == n + 3)
		return correct_data(q);
	(void)match_save(q);
	return UI_REDRAW;
}
