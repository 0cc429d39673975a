/*
 * officer/request_match — step 2 of the policy: the officer compares the
 * request with the member register and marks each field matched or not
 * (saved with store_request_set_match as "name=1,national_id=0,…"). Verify
 * is refused by the workflow until every required field is matched
 * (maker-checker: the marks are recorded, with who made them, in the audit
 * trail before anyone can verify).
 *
 * Invariants:
 *  1. The marks on screen are a draft until F5; a draft is never replaced by
 *     a refresh, and saving it against a newer version is refused (ST_STALE)
 *     with "changed by someone else — reloaded" and the stored marks shown.
 *  2. Marks can be changed only while this officer may verify the request
 *     (wf_allowed(WF_VERIFY, …)); otherwise the view is read-only.
 *  3. The register record is found by the linked member_id, else by the
 *     national ID; its id is saved with the marks.
 */
#include "officer/request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/util.h"
#include "workflow/workflow.h"
#include "officer/officer_attr.h"

const char *const match_ids[MATCH_ROWS] = {
	"name", "national_id", "mobile", "category", "member_number",
};

static const char *const match_labels[MATCH_ROWS] = {
	N_("Full name"), N_("National ID"), N_("Mobile"), N_("Applicant"),
	N_("Membership number"),
};

void
match_from_string(struct req_screen *q)
{
	const char *p;
	int i;

	for (i = 0; i < MATCH_ROWS; i++) {
		size_t n = strlen(match_ids[i]);

		q->mark[i] = false;
		for (p = q->r.field_match; p && *p; ) {
			const char *end = strchr(p, ',');
			size_t len = end ? (size_t)(end - p) : strlen(p);

			if (len == n + 2 && strncmp(p, match_ids[i], n) == 0 && p[n] == '=')
				q->mark[i] = p[n + 1] == '1';
			p = end ? end + 1 : NULL;
		}
	}
}

static bool
is_required(int i)
{
	int k;

	for (k = 0; wf_required_fields[k] != NULL; k++)
		if (strcmp(wf_required_fields[k], match_ids[i]) == 0)
			return true;
	return false;
}

bool
match_editable(const struct req_screen *q)
{
	return wf_allowed(WF_VERIFY, q->r.status, q->c->me.role);
}

static const char *
request_value(const struct req_screen *q, int i)
{
	switch (i) {
	case 0: return q->r.name ? q->r.name : "";
	case 1: return q->r.national_id;
	case 2: return q->r.mobile;
	case 3: return q->r.category;
	default: return q->r.member_number;
	}
}

static const char *
register_value(const struct req_screen *q, int i)
{
	if (!q->have_member)
		return "";
	switch (i) {
	case 0: return q->m.name ? q->m.name : "";
	case 1: return q->m.national_id;
	case 2: return q->m.mobile;
	case 3: return q->m.category;
	default: return q->m.number;
	}
}

/* x of a column that starts `off` columns from the reading start of r. */
static int
col_x(struct ui_rect r, int off, int w)
{
	return ui_dir() == TEXT_RTL ? r.x + r.w - off - w : r.x + off;
}

void
match_draw(struct req_screen *q, struct ui_rect r)
{
	int lw = 18, mw = 16, vw = (r.w - lw - mw - 3) / 2, i, y = r.y, attr;
	bool edit = match_editable(q);
	char mark[96];

	ui_text(y, col_x(r, 0, lw), lw, _("Field"), ui_dir(), AL_START, OA_HEADING);
	ui_text(y, col_x(r, lw + 1, vw), vw, _("In the request"), ui_dir(), AL_START, OA_HEADING);
	ui_text(y, col_x(r, lw + vw + 2, vw), vw, _("In the register"), ui_dir(), AL_START, OA_HEADING);
	ui_text(y, col_x(r, lw + 2 * vw + 3, mw), mw, _("Matched?"), ui_dir(), AL_START, OA_HEADING);
	y += 2;
	for (i = 0; i < MATCH_ROWS; i++, y++) {
		const char *rv = request_value(q, i), *gv = register_value(q, i);
		text_dir vd = i == 0 ? text_guess_dir(rv) : TEXT_LTR;

		attr = i == q->mcursor ? OA_SELECTED : OA_NORMAL;
		snprintf(mark, sizeof mark, "%s%s", _(match_labels[i]), is_required(i) ? " *" : "");
		ui_text(y, col_x(r, 0, lw), lw, mark, ui_dir(), AL_START, attr);
		if (i == 3) {
			rv = _(rv[0] == 'm' ? "Member" : rv[0] == 's' ? "Supporter" : rv[0] ? "Volunteer" : "");
			gv = gv[0] ? _(gv[0] == 'm' ? "Member" : gv[0] == 's' ? "Supporter" : "Volunteer") : "";
			vd = ui_dir();
		}
		ui_text(y, col_x(r, lw + 1, vw), vw, rv, vd, AL_START, OA_NORMAL);
		ui_text(y, col_x(r, lw + vw + 2, vw), vw, gv[0] ? gv : "—",
		        i == 0 ? text_guess_dir(gv) : vd, AL_START, OA_NORMAL);
		snprintf(mark, sizeof mark, "%s %s", q->mark[i] ? "[x]" : "[ ]",
		         q->mark[i] ? _("matched") : _("not matched"));
		ui_text(y, col_x(r, lw + 2 * vw + 3, mw), mw, mark, ui_dir(), AL_START, attr);
	}
	y++;
	if (!q->have_member)
		y += ui_para((struct ui_rect){ y, r.x, 2, r.w },
		             _("No register record has this national ID: check the member's papers."),
		             ui_dir(), AL_START, OA_NORMAL);
	y += ui_para((struct ui_rect){ y, r.x, 2, r.w },
	             _("* required before the request can be verified."),
	             ui_dir(), AL_START, OA_DIM);
	if (!edit)
		ui_para((struct ui_rect){ y, r.x, 2, r.w },
		        _("Read-only: the marks can be changed while the request awaits verification."),
		        ui_dir(), AL_START, OA_DIM);
	else if (q->draft)
		ui_para((struct ui_rect){ y, r.x, 2, r.w },
		        _("Not saved yet: press F5 to save the marks."), ui_dir(), AL_START, OA_HEADING);
}

int
match_key(struct req_screen *q, struct ui_event ev)
{
	bool set;

	switch (ev.a) {
	case ACT_UP:
		if (q->mcursor > 0)
			q->mcursor--;
		return UI_REDRAW;
	case ACT_DOWN:
		if (q->mcursor < MATCH_ROWS - 1)
			q->mcursor++;
		return UI_REDRAW;
	case ACT_SAVE:
		(void)match_save(q);
		return UI_REDRAW;
	case ACT_ENTER:
		set = !q->mark[q->mcursor];
		break;
	case ACT_CHAR:
		if (ev.ch == L' ')
			set = !q->mark[q->mcursor];
		else if (ev.ch == L'y' || ev.ch == L'Y' || ev.ch == L'1')
			set = true;
		else if (ev.ch == L'n' || ev.ch == L'N' || ev.ch == L'0')
			set = false;
		else
			return UI_HANDLED;
		break;
	default:
		return UI_HANDLED;
	}
	if (!match_editable(q)) {
		ui_status(_("The marks cannot be changed now."), true);
		return UI_REDRAW;
	}
	if (q->mark[q->mcursor] != set) {
		q->mark[q->mcursor] = set;
		q->draft = true;
	}
	if (q->mcursor < MATCH_ROWS - 1)
		q->mcursor++;
	return UI_REDRAW;
}

st_rc
match_save(struct req_screen *q)
{
	char buf[sizeof q->r.field_match];
	size_t len = 0;
	st_rc rc;
	int i;

	if (!q->draft) {
		ui_status(_("Nothing to save."), false);
		return ST_OK;
	}
	if (!match_editable(q)) {
		ui_status(_("The marks cannot be changed now."), true);
		return ST_DENIED;
	}
	buf[0] = '\0';
	for (i = 0; i < MATCH_ROWS; i++)
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s=%d",
		                        i ? "," : "", match_ids[i], q->mark[i] ? 1 : 0);
	rc = store_request_set_match(q->c->db, q->id, q->r.version, q->c->me.login, buf,
	                             q->have_member ? q->m.id : 0);
	if (rc == ST_OK) {
		q->draft = false;
		(void)req_reload(q, false);
		ui_status(_("Register check saved."), false);
		return rc;
	}
	if (rc == ST_STALE) {
		q->draft = false;
		(void)req_reload(q, false);
		ui_status(_("Changed by someone else — reloaded."), true);
		return rc;
	}
	ui_status(oc_store_error(rc), true);
	return rc;
}
