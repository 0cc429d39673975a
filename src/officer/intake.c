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
 *  1. Every value is validated with core/validate (as at the kiosk) and
 *     text_clean'ed before it reaches the store; an invalid field keeps the
 *     form on screen with the reason under the field.
 *  2. A failed submission (busy, disk full) keeps everything typed and says
 *     what happened; nothing is half-stored (one store transaction).
 *  3. Everything typed is overwritten when the screen ends (text_edit_wipe).
 */
#include "officer/officer_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/log.h"
#include "core/util.h"
#include "core/validate.h"

struct item {
	const struct field_def *def;
	bool            is_choice;
	struct ui_field field;
	struct ui_choice choice;
	const char    **codes;         /* choice codes (borrowed) */
	const char    **labels;        /* fixed options: msgids */
	const struct catalog_item **cat; /* catalog options, or NULL */
	char           *value;         /* normalised, after validation */
};

enum stage { ST_FORM, ST_DECLARE, ST_DONE };

struct intake {
	struct console *c;
	const struct form_def *def;
	struct item    *it;
	int             n, focus, top;
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

static void
items_init(struct intake *k)
{
	int i, j, n;

	k->n = k->def->nfields;
	k->it = xcalloc((size_t)k->n + 1, sizeof *k->it);
	for (i = 0; i < k->n; i++) {
		const struct field_def *d = &k->def->fields[i];
		struct item *t = &k->it[i];

		t->def = d;
		if (d->type == FT_CHOICE) {
			const struct catalog_item *cat = catalog_of(k, d->catalog, &n);

			t->is_choice = true;
			if (cat != NULL) {
				t->codes = xcalloc((size_t)n + 1, sizeof *t->codes);
				t->cat = xcalloc((size_t)n + 1, sizeof *t->cat);
				for (j = 0; j < n; j++) {       /* active items only */
					if (!cat[j].active)
						continue;
					t->codes[t->choice.nitems] = cat[j].code;
					t->cat[t->choice.nitems++] = &cat[j];
				}
			} else {
				t->codes = xcalloc((size_t)d->noptions + 1, sizeof *t->codes);
				t->labels = xcalloc((size_t)d->noptions + 1, sizeof *t->labels);
				for (j = 0; j < d->noptions; j++) {
					t->codes[j] = d->options[j].code;
					t->labels[j] = d->options[j].label;
				}
				t->choice.nitems = d->noptions;
			}
			t->choice.items = xcalloc((size_t)t->choice.nitems + 1, sizeof *t->choice.items);
			t->choice.selected = -1;
		} else {
			bool ltr = d->type == FT_DIGITS || d->type == FT_NATIONAL_ID ||
			           d->type == FT_MOBILE || d->type == FT_EMAIL;
			int max = d->max_len > 0 ? d->max_len : (d->type == FT_MULTILINE ? 1000 : 120);

			ui_field_init(&t->field, "", ltr ? TEXT_LTR : ui_dir(), (size_t)max,
			              d->type == FT_MULTILINE ? 3 : 1);
			t->field.edit.multiline = d->type == FT_MULTILINE;
			t->field.digits_only = d->type == FT_DIGITS || d->type == FT_NATIONAL_ID;
		}
	}
}

static void
items_free(struct intake *k)
{
	int i;

	for (i = 0; i < k->n; i++) {
		struct item *t = &k->it[i];

		if (t->is_choice) {
			free(t->codes);
			free(t->labels);
			free(t->cat);
			free(t->choice.items);
			free(t->choice.error);
		} else {
			text_edit_wipe(&t->field.edit);
			ui_field_free(&t->field);
		}
		free(t->value);
	}
	free(k->it);
}

/* The code chosen in the choice item with this id, or "". */
static const char *
chosen_code(const struct intake *k, const char *id)
{
	int i;

	for (i = 0; i < k->n; i++)
		if (k->it[i].is_choice && strcmp(k->it[i].def->id, id) == 0)
			return k->it[i].choice.selected >= 0
			       ? k->it[i].codes[k->it[i].choice.selected] : "";
	return "";
}

static bool
visible(const struct intake *k, const struct item *t)
{
	const char *eq, *si = t->def->show_if;
	char id[64];

	if (si == NULL || (eq = strchr(si, '=')) == NULL)
		return true;
	snprintf(id, sizeof id, "%.*s", (int)(eq - si), si);
	return strcmp(chosen_code(k, id), eq + 1) == 0;
}

static void
set_error(struct item *t, const char *msg)
{
	if (t->is_choice) {
		free(t->choice.error);
		t->choice.error = msg ? xstrdup(msg) : NULL;
	} else {
		ui_field_set_error(&t->field, msg);
	}
}

/* Validate one visible item into t->value; returns false with the error set. */
static bool
validate_item(struct item *t)
{
	const struct field_def *d = t->def;
	char norm[32], *raw, *clean;
	val_rc rc = VAL_OK;
	size_t nch;

	free(t->value);
	t->value = NULL;
	set_error(t, NULL);
	if (t->is_choice) {
		if (t->choice.selected < 0) {
			if (d->required) {
				set_error(t, _("Please choose one."));
				return false;
			}
			t->value = xstrdup("");
			return true;
		}
		t->value = xstrdup(t->codes[t->choice.selected]);
		return true;
	}
	raw = text_edit_get(&t->field.edit);
	clean = text_clean(raw, strlen(raw), d->type == FT_MULTILINE);
	explicit_bzero(raw, strlen(raw));
	free(raw);
	if (clean == NULL)
		rc = VAL_INVALID_UTF8;
	else if (clean[0] == '\0')
		rc = d->required ? VAL_EMPTY : VAL_OK;
	else {
		nch = text_char_count(clean);
		switch (d->type) {
		case FT_NATIONAL_ID:
			rc = validate_national_id(clean, norm, sizeof norm);
			break;
		case FT_MOBILE:
			rc = validate_mobile(clean, norm, sizeof norm);
			break;
		case FT_EMAIL:
			rc = validate_email(clean);
			break;
		case FT_DIGITS:
			rc = text_digits(clean, norm, sizeof norm, false) < 0 ? VAL_NOT_DIGITS : VAL_OK;
			break;
		default:
			if (strcmp(d->id, "name") == 0)
				rc = validate_name(clean, d->max_len > 0 ? d->max_len : 80);
			break;
		}
		if (rc == VAL_OK && d->min_len > 0 && nch < (size_t)d->min_len)
			rc = VAL_TOO_SHORT;
		if (rc == VAL_OK && d->max_len > 0 && nch > (size_t)d->max_len)
			rc = VAL_TOO_LONG;
		if (rc == VAL_OK && (d->type == FT_NATIONAL_ID || d->type == FT_MOBILE ||
		                     d->type == FT_DIGITS)) {
			free(clean);
			clean = xstrdup(norm);
		}
	}
	if (rc != VAL_OK) {
		set_error(t, _(validate_reason(rc)));
		free(clean);
		return false;
	}
	t->value = clean;
	return true;
}

static bool
validate_all(struct intake *k)
{
	int i, first = -1;

	for (i = 0; i < k->n; i++) {
		if (!visible(k, &k->it[i])) {
			free(k->it[i].value);
			k->it[i].value = xstrdup("");
			continue;
		}
		if (!validate_item(&k->it[i]) && first < 0)
			first = i;
	}
	if (first >= 0) {
		k->focus = first;
		ui_status(_("Some fields need attention."), true);
		return false;
	}
	return true;
}

static int
item_height(const struct item *t)
{
	return t->is_choice ? 2 : t->field.height + 1;
}


/* ---- drawing --------------------------------------------------------------- */

static void
form_draw(struct intake *k, struct ui_rect r)
{
	int i, y, h, avail = r.h, used;

	/* keep the focused item in view */
	if (k->focus < k->top)
		k->top = k->focus;
	for (;;) {
		used = 0;
		for (i = k->top; i <= k->focus; i++)
			if (visible(k, &k->it[i]))
				used += item_height(&k->it[i]);
		if (used <= avail || k->top >= k->focus)
			break;
		k->top++;
	}
	y = r.y;
	for (i = k->top; i < k->n; i++) {
		struct item *t = &k->it[i];

		if (!visible(k, t))
			continue;
		h = item_height(t);
		if (y + h > r.y + r.h)
			break;
		if (t->is_choice) {
			int j;
			t->choice.label = _(t->def->label);
			for (j = 0; j < t->choice.nitems; j++)
				t->choice.items[j] = t->cat != NULL
				    ? ui_pick(t->cat[j]->name_en, t->cat[j]->name_ar)
				    : _(t->labels[j]);
			ui_choice_draw(&t->choice, (struct ui_rect){ y, r.x, h, r.w }, i == k->focus);
		} else {
			t->field.label = _(t->def->label);
			ui_field_draw(&t->field, (struct ui_rect){ y, r.x, h, r.w }, false);
		}
		y += h;
	}
	/* the focused field last, so the cursor is its */
	if (!k->it[k->focus].is_choice && visible(k, &k->it[k->focus])) {
		y = r.y;
		for (i = k->top; i < k->focus; i++)
			if (visible(k, &k->it[i]))
				y += item_height(&k->it[i]);
		ui_field_draw(&k->it[k->focus].field,
		              (struct ui_rect){ y, r.x, item_height(&k->it[k->focus]), r.w }, true);
	}
}

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
		form_draw(k, r);
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
move_focus(struct intake *k, int step)
{
	int i = k->focus;

	do {
		i += step;
		if (i < 0 || i >= k->n)
			return;
	} while (!visible(k, &k->it[i]));
	k->focus = i;
}

static const char *
value_of(const struct intake *k, const char *id)
{
	int i;

	for (i = 0; i < k->n; i++)
		if (strcmp(k->it[i].def->id, id) == 0 && k->it[i].value != NULL)
			return k->it[i].value;
	return "";
}

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
		ui_field_set_error(&k->signature, _("Please fill this in."));
		return;
	}
	strlcpy_k(r.category, value_of(k, "category"), sizeof r.category);
	r.name = xstrdup(value_of(k, "name"));
	strlcpy_k(r.national_id, value_of(k, "national_id"), sizeof r.national_id);
	strlcpy_k(r.mobile, value_of(k, "mobile"), sizeof r.mobile);
	r.email = xstrdup(value_of(k, "email"));
	strlcpy_k(r.member_number, value_of(k, "member_number"), sizeof r.member_number);
	strlcpy_k(r.service, value_of(k, "service"), sizeof r.service);
	strlcpy_k(r.channel, value_of(k, "channel"), sizeof r.channel);
	r.description = xstrdup(value_of(k, "description"));
	r.declared_at = khidma_now();
	r.signature = sig;
	r.declaration_version = scr->declaration.version;
	strlcpy_k(r.declared_by, k->c->me.login, sizeof r.declared_by);
	rc = store_request_submit(k->c->db, &r, k->c->me.login);
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
	struct item *t = &k->it[k->focus];

	if (ev.a == A_TICK)
		return 0;
	if (ev.a == A_REDRAW) {
		decl_load(k);
		return UI_REDRAW;
	}
	if (ev.a == A_QUIT)
		return UI_HOME;
	if (k->stage == ST_DONE)
		return ev.a == A_ENTER || ev.a == A_BACK ? UI_DONE : UI_HANDLED;
	if (k->stage == ST_DECLARE) {
		if (ev.a == A_BACK) {
			k->stage = ST_FORM;
			return UI_REDRAW;
		}
		if (ev.a == A_SAVE || ev.a == A_ENTER) {
			submit(k);
			s->has_draft = k->stage != ST_DONE;
			return UI_REDRAW;
		}
		return ui_field_key(&k->signature, ev) | UI_REDRAW;
	}
	s->has_draft = true;
	switch (ev.a) {
	case A_BACK:
		if (ui_confirm(_("Leave the form?"), _("What was typed will be discarded.")))
			return UI_BACK;
		return UI_REDRAW;
	case A_NEXT:
	case A_DOWN:
		move_focus(k, 1);
		return UI_REDRAW;
	case A_PREV:
	case A_UP:
		move_focus(k, -1);
		return UI_REDRAW;
	case A_SAVE:
		if (!validate_all(k))
			return UI_REDRAW;
		ui_status("", false);
		text_edit_set(&k->signature.edit, value_of(k, "name"));
		k->stage = ST_DECLARE;
		return UI_REDRAW;
	case A_ENTER:
		if (t->is_choice || !t->field.edit.multiline) {
			if (!t->is_choice)
				(void)validate_item(t);
			move_focus(k, 1);
			return UI_REDRAW;
		}
		break;
	default:
		break;
	}
	if (t->is_choice)
		return ui_choice_key(&t->choice, ev) | UI_REDRAW;
	return ui_field_key(&t->field, ev) | UI_REDRAW;
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
	items_init(&k);
	ui_field_init(&k.signature, "", ui_dir(), 80, 1);
	ui_pager_init(&k.decl, xstrdup(""), ui_dir());
	decl_load(&k);
	r = ui_run(&s);
	text_edit_wipe(&k.signature.edit);
	ui_field_free(&k.signature);
	ui_pager_free(&k.decl);
	items_free(&k);
	ui_status("", false);
	return oc_unwind(r) ? r : UI_BACK;
}
