/*
 * officer/request_actions — the actions menu of a request: exactly the
 * workflow actions wf_actions() allows this officer's role in the request's
 * status, then "Assign to an officer" and "Add an internal note".
 *
 * Invariants:
 *  1. Status changes go through wf_apply only; the reason is asked (and
 *     required) where the table says so (accept, reject), an optional note
 *     elsewhere. An unsaved register check is saved first.
 *  2. ST_STALE (here or from assign) reloads the request and says
 *     "changed by someone else — reloaded"; nothing of ours was written.
 *  3. ST_DENIED says why in the officer's language (unmatched fields,
 *     unsigned declaration, not allowed now); wf_apply has logged it.
 */
#include "officer/request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/log.h"
#include "core/util.h"
#include "workflow/workflow.h"

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

static int
apply_action(struct req_screen *q, wf_action a)
{
	const struct wf_transition *t = &wf_table()[a];
	char question[256], msg[512];
	char *note;
	const char *why;
	req_status old_status;
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
	snprintf(question, sizeof question, "%s",
	         t->decision ? _("The reason for this decision (required; the member is told):")
	         : t->reason_required ? _("The reason (required; kept in the history):")
	                              : _("A note for the history (optional):"));
	note = oc_prompt(t->name, question, NULL, true, t->reason_required, 500, &rc_ui);
	if (rc_ui)
		return rc_ui;
	if (note == NULL) {
		ui_status(_("Cancelled: nothing was changed."), false);
		return UI_REDRAW;
	}
	/* The reason the workflow gives — decided inside the transaction,
	 * on the request as it is then — is what the officer reads. */
	old_status = q->r.status;
	rc = wf_apply_why(q->c->db, &q->r, a, &q->c->me, note[0] ? note : NULL, &why);
	free(note);
	if (rc == ST_OK) {
		(void)req_reload(q, false);
		log_info("officer %s: %s on request %s", q->c->me.login, t->name, q->r.ref);
		/* a committee vote below the quorum leaves the status alone */
		ui_status(t->decision && q->r.status == old_status
		          ? _("Your vote is recorded; the committee has not decided yet.")
		          : _("Done."), false);
		return UI_REDRAW;
	}
	if (rc == ST_DENIED) {
		(void)req_reload(q, false);
		wf_refusal_text(why, &q->r, ui_tr, msg, sizeof msg);
		ui_status(msg, true);
		return UI_REDRAW;
	}
	say_result(q, rc, N_("Done."));
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

static int
add_note(struct req_screen *q)
{
	int rc_ui = 0;
	char *note = oc_prompt(N_("Add an internal note"),
	                       _("The note is kept in the history; the member never sees it:"),
	                       NULL, true, true, 1000, &rc_ui);
	st_rc rc;

	if (rc_ui)
		return rc_ui;
	if (note == NULL)
		return UI_REDRAW;
	rc = store_request_note(q->c->db, q->id, q->c->me.login, note);
	free(note);
	if (rc == ST_OK) {
		(void)req_reload(q, true);
		q->view = RV_TIMELINE;
	}
	say_result(q, rc, N_("Note added."));
	return UI_REDRAW;
}

int
req_actions(struct req_screen *q)
{
	wf_action acts[WF__COUNT];
	const char *items[WF__COUNT + 3];
	int n = wf_actions(q->r.status, q->c->me.role, acts), i, k, chosen, rc_ui = 0;
	bool can_save = q->draft;

	for (i = 0; i < n; i++)
		items[i] = _(wf_table()[acts[i]].name);
	k = n;
	items[k++] = _("Assign to an officer");
	items[k++] = _("Add an internal note");
	if (can_save)
		items[k++] = _("Save the register check");
	chosen = oc_pick(N_("Actions"), items, k, 0, &rc_ui);
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
	(void)match_save(q);
	return UI_REDRAW;
}
