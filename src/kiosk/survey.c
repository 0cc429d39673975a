/*
 * kiosk/survey — the satisfaction survey. Anonymous, and it says exactly
 * what is kept: the evaluation is for improving the service, never to
 * punish anyone. The questions are the catalog's "question" items in sort
 * order, each answered 1–5 with word labels; then the channel used, an
 * optional comment and, optionally, the reference number with the last 4
 * digits of the mobile, which credit the evaluation to the service type
 * and the officers who served the request (store.h, store_survey_submit).
 *
 * Invariants:
 *  1. Nothing identifying is asked or kept: no name or ID; the reference
 *     and the mobile digits only prove the link and are not stored.
 *  2. One store_survey_submit call checks the link and stores the
 *     response and its answers.
 *  3. The link is throttled like tracking (kiosk/throttle.c): a wrong
 *     reference or mobile is one failure of this kiosk and of that
 *     reference, answered with tracking's words ("no request matches this
 *     reference number and mobile number") after the throttle's wait, never
 *     "no request has this reference". A request not delivered, or already
 *     evaluated, is said so only to whoever gave its mobile digits.
 *  4. A refused link keeps everything typed; the visitor may clear the
 *     reference and send the evaluation unlinked.
 *  5. The one-time survey code of the delivery message (issue 14) is typed
 *     in the reference field with no mobile digits: 8 digits and an empty
 *     last-4 field are a code (is_code). It links exactly like reference
 *     + mobile (store/survey.c link_request), works once, is throttled the
 *     same way, and is kept nowhere with the response.
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

enum smode { S_FORM, S_WAIT };

struct survey {
	struct kiosk *k;
	struct ui_form form;
	enum smode    mode;
	struct timespec wait_until;
	bool          wait_fail;        /* S_WAIT: then say "no match" (else send) */
	struct catalog_item *q;
	int           nq;
	struct field_def qdef[SURVEY_MAXQ];
	enum kstep    next;
};

static const struct ui_key_hint hints[] = {
	{ "1-5", N_("your score") },
	{ "Enter", N_("next or send") },
	{ "Esc /", N_("back") },
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
	used += ui_para((struct ui_rect){ b.y + used, b.x + 1, 4, b.w - 2 },
	                _("We keep your answers, your comment, the channel and the month. "
	                  "With your reference number and the last 4 digits of your mobile, "
	                  "or the survey code of our message in its place, also the service "
	                  "type and the officers who served you; never the reference, the "
	                  "code, your name or your mobile."), ui_dir(), AL_START, 0);
	used += ui_para((struct ui_rect){ b.y + used, b.x + 1, 2, b.w - 2 },
	                _("1 Very dissatisfied, 2 Dissatisfied, 3 Neutral, 4 Satisfied, "
	                  "5 Very satisfied"), ui_dir(), AL_START, KA_DIM);
	b.y += used + 1;
	b.h -= used + 1;
	b.x += 1;
	b.w -= 2;
	ui_form_draw(&v->form, b);
}

static void
ref_error(struct survey *v, const char *msgid)
{
	struct ui_form_item *refit = ui_form_item(&v->form, "ref");

	if (refit) {
		refit->err = msgid;
		ui_form_focus(&v->form, (int)(refit - v->form.it));
	}
	ui_form_status(&v->form);
}

/* Invariant 5: the reference field holds a survey code. */
static bool
is_code(struct survey *v)
{
	const char *ref = ui_form_value(&v->form, "ref");

	return strlen(ref) == 8 && !*ui_form_value(&v->form, "mobile_last4");
}

/* Check what was typed; true when it may be sent. */
static bool
check(struct survey *v)
{
	struct ui_form_item *l4 = ui_form_item(&v->form, "mobile_last4");
	const char *ref = ui_form_value(&v->form, "ref");
	const char *last4 = ui_form_value(&v->form, "mobile_last4");

	if (is_code(v))
		return true;
	if (*ref && !refno_valid(ref)) {
		ref_error(v, validate_reason(VAL_REF));
		return false;
	}
	if (*ref && strlen(last4) != 4 && l4) {
		l4->err = N_("Type the last 4 digits of the mobile number you gave with the "
		             "request, or clear the reference number.");
		ui_form_focus(&v->form, (int)(l4 - v->form.it));
		ui_form_status(&v->form);
		return false;
	}
	return true;
}

/* Send the response. true: stored (the thank-you was shown). */
static bool
submit(struct survey *v)
{
	struct survey_response r;
	const char *ref = ui_form_value(&v->form, "ref");
	const char *comment = ui_form_value(&v->form, "comment");
	st_rc rc;
	int wait;

	memset(&r, 0, sizeof r);
	if (is_code(v)) {
		strlcpy_k(r.code, ref, sizeof r.code);
	} else if (*ref) {
		strlcpy_k(r.ref, ref, sizeof r.ref);
		strlcpy_k(r.last4, ui_form_value(&v->form, "mobile_last4"), sizeof r.last4);
	}
	strlcpy_k(r.channel, ui_form_value(&v->form, "channel"), sizeof r.channel);
	r.comment = xstrdup(comment);
	for (int i = 0; i < v->nq && r.nanswers < 16; i++) {
		struct survey_answer *a = &r.answers[r.nanswers++];

		strlcpy_k(a->question, v->q[i].code, sizeof a->question);
		a->score = atoi(ui_form_value(&v->form, v->q[i].code));
	}
	rc = store_survey_submit(v->k->a->db, &r);
	free(r.comment);
	explicit_bzero(r.last4, sizeof r.last4);
	explicit_bzero(r.code, sizeof r.code);
	if (rc == ST_NOTFOUND) {                /* invariant 3 */
		wait = kiosk_throttle_fail(v->k, ref, &v->wait_until);
		if (wait < 0) {
			log_error("kiosk: survey link refused: cannot record a failed lookup: %s",
			          store_errmsg(v->k->a->db));
			ui_message(_("Your evaluation was not sent"),
			           _("Tracking is unavailable right now. Please try again later "
			             "or ask an officer."), false);
			return false;
		}
		if (wait > 0) {
			v->mode = S_WAIT;
			v->wait_fail = true;
			ui_status(_("Please wait while your request is looked up..."), false);
			return false;
		}
		ref_error(v, is_code(v) ? N_("This survey code is not known. Please check it.")
		          : N_("No request matches this reference number and mobile number. "
		               "Please check both."));
		return false;
	}
	if (rc == ST_DENIED) {
		ref_error(v, r.refused == SURVEY_ALREADY_USED
		          ? N_("This request has already been evaluated: one evaluation per "
		               "request. Clear the reference number to send this one unlinked.")
		          : N_("This request is not delivered yet: it can be evaluated once the "
		               "service is delivered. Clear the reference number to send this "
		               "one unlinked."));
		return false;
	}
	if (rc != ST_OK) {
		log_error("kiosk: survey not stored: %s", st_rc_name(rc));
		ui_message(_("Your evaluation was not sent"), _(kiosk_store_msg(rc)), false);
		return false;
	}
	ui_message(_("Thank you"), _("Thank you: your evaluation was recorded. "
	           "It helps us improve our service."), true);
	return true;
}

/* Enter/F5 on a complete form: send now, or after a wait still running
 * at this kiosk (a link is a lookup: kiosk/throttle.c invariant 3). */
static bool
send(struct survey *v)
{
	if (!check(v))
		return false;
	if (*ui_form_value(&v->form, "ref") &&
	    !kiosk_throttle_ready(v->k, &v->wait_until)) {
		v->mode = S_WAIT;
		v->wait_fail = false;
		ui_status(_("Please wait while your request is looked up..."), false);
		return false;
	}
	return submit(v);
}

static int
sent(struct survey *v)
{
	ui_form_wipe(&v->form);
	v->next = K_RESET;
	return UI_DONE;
}

static int
survey_key(struct ui_screen *s, struct ui_event ev)
{
	struct survey *v = s->state;

	if (ev.a == ACT_TICK) {
		if (v->mode == S_WAIT && kiosk_mono_passed(&v->wait_until)) {
			v->mode = S_FORM;
			ui_status("", false);
			if (v->wait_fail)
				ref_error(v, is_code(v) ? N_("This survey code is not known. "
				                             "Please check it.")
				          : N_("No request matches this reference number and "
				               "mobile number. Please check both."));
			else if (submit(v))
				return sent(v);
			return UI_HANDLED | UI_REDRAW;
		}
		return 0;
	}
	if (v->mode == S_WAIT)
		return UI_HANDLED;
	switch (ui_form_key(&v->form, ev)) {
	case UF_BACK:
		if (v->form.dirty && !kiosk_confirm_discard())
			return UI_HANDLED | UI_REDRAW;
		ui_form_wipe(&v->form);
		v->next = K_HOME;
		return UI_BACK;
	case UF_SUBMIT:
		if (send(v))
			return sent(v);
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
	if (v->k->survey_ref[0] && (it = ui_form_item(&v->form, "ref")) != NULL)
		text_edit_set(&it->field.edit, v->k->survey_ref);
	if (v->k->survey_last4[0] && (it = ui_form_item(&v->form, "mobile_last4")) != NULL)
		text_edit_set(&it->field.edit, v->k->survey_last4);
}

/* Run the survey; K_RESET after a stored response, K_HOME on Back. */
enum kstep
kiosk_survey(struct kiosk *k)
{
	struct survey v;
	struct ui_screen s = {
		.name = "survey",
		.help = N_("Give each question a score from 1 to 5 and press Enter for "
		           "the next; Enter on the last sends your answers. They are "
		           "anonymous."),
		.state = &v, .draw = survey_draw,
		.key = survey_key, .wipe = survey_wipe,
	};
	int r;

	memset(&v, 0, sizeof v);
	v.k = k;
	v.next = K_HOME;
	build_form(&v);
	k->survey_request = 0;
	k->survey_ref[0] = '\0';
	explicit_bzero(k->survey_last4, sizeof k->survey_last4);
	r = ui_run(&s);
	ui_form_free(&v.form);
	catalog_items_free(v.q, v.nq);
	if (r & UI_HANGUP)
		return K_EXIT;
	if (r & UI_HOME)
		return K_RESET;
	return v.next;
}
