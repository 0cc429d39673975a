/*
 * kiosk/survey — the satisfaction survey. Anonymous by default, and it says
 * so: the evaluation is for improving the service, never to punish anyone.
 * The questions are the catalog's "question" items in sort order, each
 * answered 1–5 with word labels; then the channel used, an optional
 * comment and an optional reference number that links the response to a
 * request (reports never show it with the visitor's identity).
 *
 * Invariants:
 *  1. Nothing identifying is asked: no name, ID or mobile. A reference
 *     number is optional and checked (refno_valid, then it must exist).
 *  2. One store_survey_submit call stores the response and its answers.
 */
#include "kiosk/kiosk.h"
#include "kiosk/kiosk_attr.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/refno.h"
#include "core/util.h"
#include "core/validate.h"

#define SURVEY_MAXQ 16

static const char *const score_codes[5] = { "1", "2", "3", "4", "5" };
static const char *const score_labels[5] = {
	N_("Very dissatisfied"), N_("Dissatisfied"), N_("Neutral"),
	N_("Satisfied"), N_("Very satisfied"),
};

struct survey {
	struct kiosk *k;
	struct ui_form form;
	struct catalog_item *q;
	int           nq;
	struct field_def qdef[SURVEY_MAXQ];
	enum kstep    next;
};

static const struct ui_key_hint hints[] = {
	{ "1-5", N_("your score") },
	{ "Enter", N_("next / send") },
	{ "Esc", N_("back") },
	{ "F2", N_("language") },
};

static void
survey_draw(struct ui_screen *s)
{
	struct survey *v = s->state;
	struct ui_rect b = ui_frame(_("Satisfaction survey"), hints, 4);
	int used;

	used = ui_para((struct ui_rect){ b.y, b.x + 1, 2, b.w - 2 },
	               _("This survey is anonymous. Your evaluation is for improving the "
	                 "service, never to punish anyone."), ui_dir(), AL_START, KA_STRONG);
	used += ui_para((struct ui_rect){ b.y + used, b.x + 1, 2, b.w - 2 },
	                _("1 Very dissatisfied, 2 Dissatisfied, 3 Neutral, 4 Satisfied, "
	                  "5 Very satisfied"), ui_dir(), AL_START, KA_DIM);
	b.y += used + 1;
	b.h -= used + 1;
	b.x += 1;
	b.w -= 2;
	ui_form_draw(&v->form, b);
}

static bool
submit(struct survey *v)
{
	struct survey_response r;
	struct request req;
	struct ui_form_item *refit = ui_form_item(&v->form, "ref");
	const char *ref = ui_form_value(&v->form, "ref");
	const char *comment = ui_form_value(&v->form, "comment");
	st_rc rc;

	memset(&r, 0, sizeof r);
	if (*ref) {
		if (!refno_valid(ref)) {
			refit->err = validate_reason(VAL_REF);
			ui_form_focus(&v->form, (int)(refit - v->form.it));
			ui_form_status(&v->form);
			return false;
		}
		rc = store_request_by_ref(v->k->a->db, ref, &req);
		if (rc != ST_OK) {
			refit->err = rc == ST_NOTFOUND ? N_("No request has this reference number.")
			                               : kiosk_store_msg(rc);
			ui_form_focus(&v->form, (int)(refit - v->form.it));
			ui_form_status(&v->form);
			return false;
		}
		r.request_id = req.id;
		request_free(&req);
	}
	r.at = khidma_now();
	strlcpy_k(r.channel, ui_form_value(&v->form, "channel"), sizeof r.channel);
	r.comment = xstrdup(comment);
	for (int i = 0; i < v->nq && r.nanswers < 16; i++) {
		struct survey_answer *a = &r.answers[r.nanswers++];

		strlcpy_k(a->question, v->q[i].code, sizeof a->question);
		a->score = atoi(ui_form_value(&v->form, v->q[i].code));
	}
	rc = store_survey_submit(v->k->a->db, &r);
	free(r.comment);
	if (rc != ST_OK) {
		log_error("kiosk: survey not stored: %s", st_rc_name(rc));
		ui_message(_("Your evaluation was not sent"), _(kiosk_store_msg(rc)), false);
		return false;
	}
	ui_message(_("Thank you"), _("Thank you: your evaluation was recorded. "
	           "It helps us improve our service."), true);
	return true;
}

static int
survey_key(struct ui_screen *s, struct ui_event ev)
{
	struct survey *v = s->state;

	if (ev.a == ACT_TICK)
		return 0;
	switch (ui_form_key(&v->form, ev)) {
	case UF_BACK:
		if (v->form.dirty && !kiosk_confirm_discard())
			return UI_HANDLED | UI_REDRAW;
		ui_form_wipe(&v->form);
		v->next = K_HOME;
		return UI_BACK;
	case UF_SUBMIT:
		if (submit(v)) {
			ui_form_wipe(&v->form);
			v->next = K_RESET;
			return UI_DONE;
		}
		break;
	default:
		break;
	}
	s->has_draft = v->form.dirty;
	return UI_HANDLED | UI_REDRAW;
}

static void
survey_wipe(struct ui_screen *s)
{
	struct survey *v = s->state;

	ui_form_wipe(&v->form);
}

static void
build_form(struct survey *v)
{
	struct ui_form_item *it;

	memset(&v->form, 0, sizeof v->form);
	if (store_catalog_list(v->k->a->db, "question", false, &v->q, &v->nq) != ST_OK) {
		v->q = NULL;
		v->nq = 0;
	}
	if (v->nq > SURVEY_MAXQ)
		v->nq = SURVEY_MAXQ;
	for (int i = 0; i < v->nq; i++) {
		v->qdef[i] = (struct field_def){ .id = v->q[i].code, .label = v->q[i].name_en,
		                                 .type = FT_CHOICE, .required = true };
		ui_form_add_choice(&v->form, &v->qdef[i], v->q[i].name_en, v->q[i].name_ar,
		                 5, score_codes, score_labels);
		v->form.it[v->form.n - 1].label_above = true;
	}
	kform_add_fields(&v->form, screens_form(&v->k->a->scr, "survey"), v->k->a->db);
	if (v->form.n > 0)
		v->form.it[0].heading = N_("How satisfied are you with...");
	ui_form_choose(&v->form, "channel", "in_person");
	if (v->k->survey_ref[0] && (it = ui_form_item(&v->form, "ref")) != NULL)
		text_edit_set(&it->field.edit, v->k->survey_ref);
}

/* Run the survey; K_RESET after a stored response, K_HOME on Back. */
enum kstep
kiosk_survey(struct kiosk *k)
{
	struct survey v;
	struct ui_screen s = {
		.name = "survey", .state = &v, .draw = survey_draw,
		.key = survey_key, .wipe = survey_wipe,
	};
	int r;

	memset(&v, 0, sizeof v);
	v.k = k;
	v.next = K_HOME;
	build_form(&v);
	k->survey_request = 0;
	k->survey_ref[0] = '\0';
	r = ui_run(&s);
	ui_form_free(&v.form);
	catalog_items_free(v.q, v.nq);
	if (r & UI_HANGUP)
		return K_EXIT;
	if (r & UI_HOME)
		return K_RESET;
	return v.next;
}
