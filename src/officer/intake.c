/*
 * officer/intake — a request entered by an officer on someone's behalf (a
 * member who phoned, wrote, used social media, the website, a help-request
 * or volunteering service, or a branch representative). The fields are the
 * kiosk's "request" form from screens/forms.conf, including the channel,
 * where the officer picks one of all the channels of the catalog. Then the
 * declaration: the officer reads it to the applicant and types the name the
 * applicant confirmed it with; it is recorded as taken by this officer
 * (declared_by = the officer's login). The reference is shown at the end.
 *
 * Stages:  FORM ──F5 (all valid)──► DECLARE ──F5──► DONE (reference)
 *            ▲                         │ Esc
 *            └─────────────────────────┘
 *
 * Invariants:
 *  1. The form is the kiosk's widget (ui_form): every value is validated
 *     with core/validate and text_clean'ed before it reaches the store; an
 *     invalid field keeps the focus with the reason under it.
 *  2. A failed submission (busy, disk full) keeps everything typed and says
 *     what happened; nothing is half-stored (one store transaction).
 *  3. Everything typed is overwritten when the screen ends (ui_form_free,
 *     text_edit_wipe).
 *  4. Nothing typed is lost by a key: Esc on the form asks first ("No"
 *     selected, so Enter keeps the form); F10 asks
 *     first once anything was typed (oc_quit); a failed submission keeps
 *     the form and the declaration as they were (invariant 2), ready for
 *     F5 again.
 */
#include "officer/officer_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/log.h"
#include "core/util.h"
#include "workflow/workflow.h"

enum stage { ST_FORM, ST_DECLARE, ST_DONE };

struct intake {
	struct console *c;
	const struct form_def *def;
	struct ui_form  form;          /* the request form (src/ui/ui_form.c) */
	enum stage      stage;
	struct ui_field signature;
	struct ui_pager decl;
	char            ref[16];
};

static const struct catalog_item *
catalog_of(struct intake *k, const char *kind, int *n)
{
	if (kind != NULL && strcmp(kind, "service") == 0) {
		*n = k->c->nservices;
		return k->c->services;
	}
	if (kind != NULL && strcmp(kind, "channel") == 0) {
		*n = k->c->nchannels;
		return k->c->channels;
	}
	*n = 0;
	return NULL;
}

/* The form of the "request" definition; catalog choices offer the active
 * items of the console's catalogs (all 8 channels: nothing preset). */
static void
form_build(struct intake *k)
{
	static const struct field_def notify_def = {
		.id = (char *)"notify", .label = (char *)N_("Messages about this request"),
		.type = FT_CHOICE, .required = false,
	};
	static const char *const ncodes[] = { "none", "sms", "email", "both" };
	static const char *const nlabels[] = { N_("No messages"), N_("By SMS"),
		N_("By e-mail"), N_("By SMS and e-mail") };

	ui_form_init(&k->form);
	ui_form_add_fields(&k->form, k->def);
	/* issue 14: the member's consent, asked by the officer (not chosen =
	 * no messages) */
	ui_form_add_choice(&k->form, &notify_def, NULL, NULL, 4, ncodes, nlabels);
	for (int i = 0; i < k->form.n; i++) {
		const struct field_def *d = k->form.it[i].def;
		const struct catalog_item *cat;
		const char **codes, **en, **ar;
		int n, m = 0;

		if (!k->form.it[i].is_choice || d->catalog == NULL)
			continue;
		cat = catalog_of(k, d->catalog, &n);
		codes = xcalloc((size_t)n + 1, sizeof *codes);
		en = xcalloc((size_t)n + 1, sizeof *en);
		ar = xcalloc((size_t)n + 1, sizeof *ar);
		for (int j = 0; j < n; j++) {
			if (!cat[j].active)
				continue;
			codes[m] = cat[j].code;
			en[m] = cat[j].name_en;
			ar[m++] = cat[j].name_ar;
		}
		ui_form_set_options(&k->form, i, m, codes, en, ar);
		free(codes);
		free(en);
		free(ar);
	}
}


/* ---- drawing --------------------------------------------------------------- */

static void
declare_draw(struct intake *k, struct ui_rect r)
{
	int ph = r.h - 6;

	ui_pager_draw(&k->decl, (struct ui_rect){ r.y, r.x, ph, r.w });
	ui_para((struct ui_rect){ r.y + ph + 1, r.x, 2, r.w },
	        _("Read the declaration to the applicant. Type the name they confirmed it with:"),
	        ui_dir(), AL_START, 0);
	k->signature.label = _("Confirmed by");
	ui_field_draw(&k->signature, (struct ui_rect){ r.y + ph + 3, r.x, 2, r.w }, true);
}

static void
intake_draw(struct ui_screen *s)
{
	struct intake *k = s->state;
	static const struct ui_key_hint form_hints[] = {
		{ "Tab", N_("next field") }, { "F5", N_("continue") }, { "Esc", N_("cancel") },
	};
	static const struct ui_key_hint decl_hints[] = {
		{ "F5", N_("submit") }, { "Esc", N_("back to the form") },
	};
	static const struct ui_key_hint done_hints[] = {
		{ "Enter", N_("back to the requests") },
	};
	struct ui_rect r;
	char line[128];

	switch (k->stage) {
	case ST_FORM:
		r = ui_frame(_("New request on someone's behalf"), form_hints, 3);
		ui_form_draw(&k->form, r);
		break;
	case ST_DECLARE:
		r = ui_frame(_("The declaration"), decl_hints, 2);
		declare_draw(k, r);
		break;
	default:
		r = ui_frame(_("Request saved"), done_hints, 1);
		snprintf(line, sizeof line, "%s %s", _("Reference number:"), k->ref);
		ui_text(r.y + 1, r.x, r.w, line, ui_dir(), AL_CENTER, 0);
		ui_bigdigits((struct ui_rect){ r.y + 3, r.x, 7, r.w }, k->ref);
		ui_para((struct ui_rect){ r.y + 11, r.x, 3, r.w },
		        _("Give the applicant this reference number: with the last 4 digits "
		          "of their mobile they can follow the request at the kiosk."),
		        ui_dir(), AL_CENTER, 0);
		break;
	}
}

/* ---- keys and submission ------------------------------------------------------ */

static void
submit(struct intake *k)
{
	const struct screens *scr = &k->c->a->scr;
	struct request r = { 0 };
	char *raw = text_edit_get(&k->signature.edit);
	char *sig = text_clean(raw, strlen(raw), false);
	st_rc rc;

	free(raw);
	if (sig == NULL || sig[0] == '\0') {
		free(sig);
		ui_field_set_error(&k->signature, N_("Please fill this in."));
		return;
	}
	{
		int want = NOTIFY_NONE;

		notify_choice_parse(ui_form_value(&k->form, "notify"), &want);
		if ((want & NOTIFY_EMAIL) && !*ui_form_value(&k->form, "email")) {
			free(sig);
			ui_status(_("Messages by e-mail need the applicant's e-mail address."), true);
			return;
		}
	}
	strlcpy_k(r.category, ui_form_value(&k->form, "category"), sizeof r.category);
	r.name = xstrdup(ui_form_value(&k->form, "name"));
	strlcpy_k(r.national_id, ui_form_value(&k->form, "national_id"), sizeof r.national_id);
	strlcpy_k(r.mobile, ui_form_value(&k->form, "mobile"), sizeof r.mobile);
	r.email = xstrdup(ui_form_value(&k->form, "email"));
	strlcpy_k(r.member_number, ui_form_value(&k->form, "member_number"), sizeof r.member_number);
	strlcpy_k(r.service, ui_form_value(&k->form, "service"), sizeof r.service);
	strlcpy_k(r.channel, ui_form_value(&k->form, "channel"), sizeof r.channel);
	r.description = xstrdup(ui_form_value(&k->form, "description"));
	r.declared_at = khidma_now();
	r.signature = sig;
	r.declaration_version = scr->declaration.version;
	/* issue 14: the member's consent as chosen in the form, in the
	 * console's language at the time */
	notify_choice_parse(ui_form_value(&k->form, "notify"), &r.notify);
	strlcpy_k(r.lang, ui_get_lang() == LANG_EN ? "en" : "ar", sizeof r.lang);
	/* an open request of the same national ID for the same service is
	 * shown and must be acknowledged; the link is kept (issue 12) */
	{
		struct queue_row *tw = NULL;
		int ntw = 0;

		if (store_requests_of(k->c->db, r.national_id, r.service, true, 0,
		                      &tw, &ntw) == ST_OK && ntw > 0) {
			char d1[32], *msg;
			bool go;

			khidma_date(tw[0].created_at, d1, sizeof d1);
			msg = xasprintf(_("This member already has an open request for this "
			                  "service: %s (%s, received %s).\nEnter another one "
			                  "anyway? The two are linked."),
			                tw[0].ref, oc_status_label(tw[0].status), d1);
			go = ui_confirm_default(_("Possible duplicate"), msg, false);
			free(msg);
			if (go)
				r.duplicate_of = tw[0].id;
			queue_rows_free(tw, ntw);
			if (!go) {
				ui_status(_("Not entered: what you typed is kept."), false);
				request_free(&r);
				return;
			}
		}
	}
	/* wf_submit: on-behalf intake is for desk roles only; it sets
	 * declared_by to this officer's login */
	rc = wf_submit(k->c->db, &r, &k->c->me);
	if (rc == ST_OK) {
		strlcpy_k(k->ref, r.ref, sizeof k->ref);
		k->stage = ST_DONE;
		ui_status("", false);
		log_info("officer %s: request %s entered (channel %s)", k->c->me.login, r.ref, r.channel);
	} else {
		log_error("officer %s: submit: %s", k->c->me.login, st_rc_name(rc));
		ui_status(oc_store_error(rc), true);
	}
	request_free(&r);
}

/* The declaration text in the current language (again after F2). */
static void
decl_load(struct intake *k)
{
	const struct declaration_def *d = &k->c->a->scr.declaration;
	int top = k->decl.top;

	ui_pager_free(&k->decl);
	ui_pager_init(&k->decl, xstrdup(ui_pick(d->text_en ? d->text_en : "",
	                                        d->text_ar ? d->text_ar : "")), ui_dir());
	k->decl.top = top;
}

static int
intake_key(struct ui_screen *s, struct ui_event ev)
{
	struct intake *k = s->state;
	int r;

	if (ev.a == ACT_TICK)
		return 0;
	if (ev.a == ACT_REDRAW) {
		decl_load(k);
		return UI_REDRAW;
	}
	if (ev.a == ACT_QUIT)
		return oc_quit();
	if (k->stage == ST_DONE)
		return ev.a == ACT_ENTER || ev.a == ACT_BACK ? UI_DONE : UI_HANDLED;
	if (k->stage == ST_DECLARE) {
		if (ev.a == ACT_BACK) {
			k->stage = ST_FORM;
			return UI_REDRAW;
		}
		if (ev.a == ACT_SAVE || ev.a == ACT_ENTER) {
			submit(k);
			s->has_draft = k->stage != ST_DONE;
			return UI_REDRAW;
		}
		return ui_field_key(&k->signature, ev) | UI_REDRAW;
	}
	r = ui_form_key(&k->form, ev);
	s->has_draft = k->form.dirty;
	switch (r) {
	case UF_BACK:
		if (ui_confirm_default(_("Leave the form?"),
		                       _("What was typed will be discarded."), false))
			return UI_BACK;
		return UI_REDRAW;
	case UF_SUBMIT:
		ui_status("", false);
		text_edit_set(&k->signature.edit, ui_form_value(&k->form, "name"));
		k->stage = ST_DECLARE;
		return UI_REDRAW;
	default:
		return UI_HANDLED | UI_REDRAW;
	}
}

int
oc_intake(struct console *c)
{
	struct intake k = { .c = c };
	struct ui_screen s = { .name = "officer-intake", .state = &k,
	                       .draw = intake_draw, .key = intake_key };
	int r;

	k.def = screens_form(&c->a->scr, "request");
	if (k.def == NULL || k.def->nfields == 0) {
		log_error("officer intake: no \"request\" form in the screen definitions");
		ui_status(_("The request form is missing from the screen definitions."), true);
		return UI_BACK;
	}
	form_build(&k);
	ui_field_init(&k.signature, "", ui_dir(), 80, 1);
	ui_pager_init(&k.decl, xstrdup(""), ui_dir());
	decl_load(&k);
	r = ui_run(&s);
	text_edit_wipe(&k.signature.edit);
	ui_field_free(&k.signature);
	ui_pager_free(&k.decl);
	ui_form_free(&k.form);
	ui_status("", false);
	return oc_unwind(r) ? r : UI_BACK;
}
