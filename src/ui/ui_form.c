/*
 * ui/ui_form — the form's model: items built from a form_def, options,
 * show_if, the keys, wipe. Validation is ui_form_valid.c, drawing
 * ui_form_draw.c. The design and the invariants are over struct ui_form
 * in ui.h; in short:
 *
 *  1. Validated when left forward and on submit; an invalid item keeps the
 *     focus, its reason (a msgid, translated when drawn) under it.
 *  2. Nothing language-dependent is stored but msgids and both catalog
 *     names: F2 re-translates, what was typed stays.
 *  3. Every typed buffer and normalised copy is overwritten before it is
 *     freed or forgotten.
 *  4. Hidden items (show_if) are skipped, never validated, and are "".
 *  5. Keypad only: digits, Enter, the keypad's operator keys and arrows
 *     reach everything. Backspace in an empty item does nothing (it never
 *     moves the focus: a held Backspace must not go on deleting in the
 *     item before). On a choice or a digits field (national ID, mobile,
 *     number) a plain '/', '-' or '*' is the keypad command (ui.h); '+'
 *     (keypad PgDn) moves on like Tab. A letter typed on a choice says
 *     how to choose instead of vanishing.
 *  6. The on-screen keyboard (ui_osk.c): on a free-text item (not a
 *     choice, digits or a password) the keypad's '*' (or a plain '*' in
 *     an empty item) turns it on; while on, it takes its keys first and
 *     what it types goes through ui_field_key; "done" ('+') leaves the
 *     item forward like Enter (validated). It shows on every free-text
 *     item until '/' closes it — but a membership number (mostly digits,
 *     typed on the keypad) shows it only when '*' asks for it there.
 */
#include "ui/ui_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/screens.h"
#include "core/util.h"
#include "core/validate.h"   /* validate_reason (a digits field refuses a letter) */

/* Overwrite and free an item's normalised value (ui_int.h). */
void
ui_form_value_free(struct ui_form_item *it)
{
	if (it->value != NULL) {
		explicit_bzero(it->value, strlen(it->value));
		free(it->value);
		it->value = NULL;
	}
}

static size_t
default_max(const struct field_def *d)
{
	if (d->max_len > 0)
		return (size_t)d->max_len;
	switch (d->type) {
	case FT_NATIONAL_ID: return 14;
	case FT_MOBILE:      return 16;
	case FT_DIGITS:      return 15;
	case FT_MEMBER_NUMBER: return MEMBER_NUMBER_MAX;
	case FT_EMAIL:       return 100;
	case FT_MULTILINE:   return 1000;
	default:             return 80;
	}
}

static bool
ltr_field(const struct field_def *d)
{
	return d->type == FT_DIGITS || d->type == FT_NATIONAL_ID ||
	       d->type == FT_MOBILE || d->type == FT_EMAIL || d->type == FT_MEMBER_NUMBER;
}

static struct ui_form_item *
add_item(struct ui_form *f, const struct field_def *d)
{
	struct ui_form_item *it;

	f->it = xrealloc(f->it, (size_t)(f->n + 1) * sizeof *f->it);
	it = &f->it[f->n++];
	memset(it, 0, sizeof *it);
	it->def = d;
	it->visible = true;
	return it;
}

static void
init_field(struct ui_form_item *it)
{
	const struct field_def *d = it->def;
	int h = d->type == FT_MULTILINE ? 4 : 1;

	ui_field_init(&it->field, "", ltr_field(d) ? TEXT_LTR : ui_dir(),
	              default_max(d), h);
	it->field.digits_only = d->type == FT_DIGITS;
}

static void
options_free(struct ui_form_item *it)
{
	for (int j = 0; j < it->nopts; j++) {
		free(it->codes[j]);
		free(it->opt_en[j]);
		if (it->opt_ar)
			free(it->opt_ar[j]);
	}
	free(it->codes);
	free(it->opt_en);
	free(it->opt_ar);
	free(it->items);
	it->codes = it->opt_en = it->opt_ar = NULL;
	it->items = NULL;
	it->nopts = 0;
}

static void
set_options(struct ui_form_item *it, int n, const char *const *codes,
            const char *const *en, const char *const *ar)
{
	options_free(it);
	it->is_choice = true;
	it->nopts = n;
	it->codes = xcalloc((size_t)n + 1, sizeof *it->codes);
	it->opt_en = xcalloc((size_t)n + 1, sizeof *it->opt_en);
	it->opt_ar = ar ? xcalloc((size_t)n + 1, sizeof *it->opt_ar) : NULL;
	it->items = xcalloc((size_t)n + 1, sizeof *it->items);
	for (int i = 0; i < n; i++) {
		it->codes[i] = xstrdup(codes[i]);
		it->opt_en[i] = xstrdup(en[i]);
		if (ar)
			it->opt_ar[i] = xstrdup(ar[i] ? ar[i] : en[i]);
	}
	it->choice.items = it->items;
	it->choice.nitems = n;
	it->choice.selected = -1;
}

static void
update_visibility(struct ui_form *f)
{
	for (int i = 0; i < f->n; i++) {
		const char *si = f->it[i].def ? f->it[i].def->show_if : NULL;
		const char *eq;
		char id[64];

		f->it[i].visible = true;
		if (si == NULL || (eq = strchr(si, '=')) == NULL)
			continue;
		snprintf(id, sizeof id, "%.*s", (int)(eq - si), si);
		f->it[i].visible = strcmp(ui_form_code(f, id), eq + 1) == 0;
	}
}

/* Contract: see ui.h. */
void
ui_form_init(struct ui_form *f)
{
	memset(f, 0, sizeof *f);
}

/* Contract: see ui.h. */
void
ui_form_add_fields(struct ui_form *f, const struct form_def *def)
{
	for (int i = 0; def != NULL && i < def->nfields; i++) {
		const struct field_def *d = &def->fields[i];
		struct ui_form_item *it = add_item(f, d);

		if (d->type != FT_CHOICE) {
			init_field(it);
			continue;
		}
		if (d->catalog != NULL) {
			set_options(it, 0, NULL, NULL, NULL);
			continue;
		}
		const char **codes = xcalloc((size_t)d->noptions + 1, sizeof *codes);
		const char **en = xcalloc((size_t)d->noptions + 1, sizeof *en);
		for (int j = 0; j < d->noptions; j++) {
			codes[j] = d->options[j].code;
			en[j] = d->options[j].label;
		}
		set_options(it, d->noptions, codes, en, NULL);
		free(codes);
		free(en);
	}
	update_visibility(f);
}

/* Contract: see ui.h. */
void
ui_form_set_options(struct ui_form *f, int i, int n, const char *const *codes,
                    const char *const *en, const char *const *ar)
{
	if (i < 0 || i >= f->n || !f->it[i].is_choice)
		return;
	set_options(&f->it[i], n, codes, en, ar);
	f->draw_w = 0;                      /* the layout is stale */
	update_visibility(f);
}

/* Contract: see ui.h. */
void
ui_form_add_choice(struct ui_form *f, const struct field_def *def,
                   const char *label_en, const char *label_ar, int nopts,
                   const char *const *codes, const char *const *msgids)
{
	struct ui_form_item *it = add_item(f, def);

	it->label_en = label_en;
	it->label_ar = label_ar;
	set_options(it, nopts, codes, msgids, NULL);
}

static void
item_wipe(struct ui_form_item *it)
{
	ui_form_value_free(it);
	it->err = NULL;
	if (it->is_choice)
		it->choice.selected = -1;
	else
		text_edit_wipe(&it->field.edit);
}

/* Contract: see ui.h. */
void
ui_form_wipe(struct ui_form *f)
{
	for (int i = 0; i < f->n; i++)
		item_wipe(&f->it[i]);
	f->focus = 0;
	f->top = 0;
	f->dirty = false;
	update_visibility(f);
}

/* Contract: see ui.h. */
void
ui_form_free(struct ui_form *f)
{
	for (int i = 0; i < f->n; i++) {
		struct ui_form_item *it = &f->it[i];

		item_wipe(it);
		if (it->is_choice) {
			options_free(it);
			free(it->choice.error);
		} else {
			ui_field_free(&it->field);
		}
	}
	free(f->it);
	memset(f, 0, sizeof *f);
}

/* Contract: see ui.h. */
struct ui_form_item *
ui_form_item(struct ui_form *f, const char *id)
{
	for (int i = 0; i < f->n; i++)
		if (f->it[i].def && strcmp(f->it[i].def->id, id) == 0)
			return &f->it[i];
	return NULL;
}

/* Contract: see ui.h. */
const char *
ui_form_code(struct ui_form *f, const char *id)
{
	struct ui_form_item *it = ui_form_item(f, id);

	if (it == NULL || !it->is_choice || it->choice.selected < 0 ||
	    it->choice.selected >= it->nopts)
		return "";
	return it->codes[it->choice.selected];
}

/* Contract: see ui.h. */
bool
ui_form_choose(struct ui_form *f, const char *id, const char *code)
{
	struct ui_form_item *it = ui_form_item(f, id);

	if (it == NULL || !it->is_choice)
		return false;
	for (int i = 0; i < it->nopts; i++)
		if (strcmp(it->codes[i], code) == 0) {
			it->choice.selected = i;
			update_visibility(f);
			return true;
		}
	return false;
}

/* Contract: see ui.h. */
const char *
ui_form_value(struct ui_form *f, const char *id)
{
	struct ui_form_item *it = ui_form_item(f, id);

	if (it == NULL || !it->visible || it->value == NULL)
		return "";
	return it->value;
}

/* Contract: see ui.h. */
const char *
ui_form_label(const struct ui_form *f, int i)
{
	const struct ui_form_item *it = &f->it[i];

	if (it->label_en != NULL)
		return ui_pick(it->label_en, it->label_ar);
	return it->def && it->def->label ? _(it->def->label) : "";
}

/* The label of option j of a choice in the current language. */
const char *
ui_form_option_label(const struct ui_form_item *it, int j)
{
	if (it->opt_ar != NULL)
		return ui_pick(it->opt_en[j], it->opt_ar[j]);
	return _(it->opt_en[j]);
}

/* Contract: see ui.h. */
char *
ui_form_display(struct ui_form *f, int i)
{
	struct ui_form_item *it = &f->it[i];

	if (it->is_choice)
		return xstrdup(it->choice.selected >= 0 && it->choice.selected < it->nopts ?
		               ui_form_option_label(it, it->choice.selected) : "");
	return text_edit_get(&it->field.edit);
}

/* Contract: see ui.h. */
void
ui_form_set_text(struct ui_form *f, int i, const char *utf8)
{
	if (i < 0 || i >= f->n || f->it[i].is_choice)
		return;
	text_edit_set(&f->it[i].field.edit, utf8);
}

static bool
item_empty(const struct ui_form_item *it)
{
	if (it->is_choice)
		return it->choice.selected < 0;
	return it->field.edit.len == 0;
}

/* Contract: see ui.h. */
void
ui_form_focus(struct ui_form *f, int i)
{
	if (i >= 0 && i < f->n && f->it[i].visible && !f->it[i].locked)
		f->focus = i;
}

static int
step(struct ui_form *f, int from, int dir)
{
	for (int i = from + dir; i >= 0 && i < f->n; i += dir)
		if (f->it[i].visible && !f->it[i].locked)
			return i;
	return -1;
}

/* Enter in a multi-line field: a newline, except on an empty field or
 * right after a newline at the end (an empty last line), which finish the
 * field — the keypad's way out (the trailing newline is dropped). */
static bool
multiline_enter_leaves(struct ui_form_item *it)
{
	struct text_edit *e = &it->field.edit;

	if (e->len == 0)
		return true;
	if (e->cursor == e->len && e->buf[e->len - 1] == '\n') {
		text_edit_backspace(e);
		return true;
	}
	return false;
}

/* Leave the focused item forward: validate, then the next item or submit. */
static int
leave_forward(struct ui_form *f)
{
	int to;

	if (!ui_form_validate(f, f->focus)) {
		ui_form_status(f);
		return UF_NONE;
	}
	ui_status("", false);
	to = step(f, f->focus, 1);
	if (to < 0)
		return ui_form_validate_all(f) ? UF_SUBMIT : UF_NONE;
	f->focus = to;
	return UF_NONE;
}

static bool
is_digit_key(wchar_t ch)
{
	return ui_digit_value(ch) >= 0;
}

/* A field that takes only digits (and a leading '+'): there the keypad's
 * operator keys are commands even as plain characters. */
static bool
digits_field(const struct ui_form_item *it)
{
	if (it->is_choice || it->def == NULL)
		return false;
	return it->def->type == FT_DIGITS || it->def->type == FT_NATIONAL_ID ||
	       it->def->type == FT_MOBILE;
}

/* Contract (ui_int.h): where the on-screen keyboard applies. */
bool
ui_form_free_text(const struct ui_form_item *it)
{
	/* a membership number is mostly digits: the keypad types them, and
	 * the keyboard comes only when '*' asks for it here (letters: "M-") */
	if (it->def != NULL && it->def->type == FT_MEMBER_NUMBER && !it->osk_here)
		return false;
	return !it->is_choice && it->def != NULL && !digits_field(it) &&
	       !it->field.secret;
}

/* Contract: see ui.h. */
struct ui_key_hint
ui_form_keypad_hint(const struct ui_form *f)
{
	static const struct ui_key_hint kb = { "*", N_("keyboard") },
	                                erase = { "-", N_("erase") },
	                                move = { "\u2191\u2193", N_("move") };
	const struct ui_form_item *it;

	if (f->n == 0)
		return move;
	it = &f->it[f->focus];
	if (ui_form_free_text(it) ||
	    (!it->is_choice && it->def != NULL && it->def->type == FT_MEMBER_NUMBER))
		return kb;
	return digits_field(it) ? erase : move;
}

/* Invariant 6: the on-screen keyboard's keys on a free-text item; -1 when
 * the key is not the keyboard's, else the UF_ result. */
static int
osk_key(struct ui_form *f, struct ui_form_item *it, struct ui_event ev)
{
	if (!it->is_choice && it->def != NULL && it->def->type == FT_MEMBER_NUMBER &&
	    !it->osk_here && (ev.a == ACT_OSK ||
	                      (ev.a == ACT_CHAR && ev.ch == L'*' && it->field.edit.len == 0))) {
		it->osk_here = true;
		ui_osk_open();
		return UF_NONE;
	}
	if (!ui_form_free_text(it))
		return -1;
	if (!ui_osk_on()) {
		if (ev.a == ACT_OSK ||
		    (ev.a == ACT_CHAR && ev.ch == L'*' && it->field.edit.len == 0)) {
			ui_osk_open();
			return UF_NONE;
		}
		return -1;
	}
	switch (ui_osk_key(&it->field, ev)) {
	case OSK_TYPED:
		f->dirty = true;
		if (it->err != NULL) {
			it->err = NULL;
			ui_status("", false);
		}
		return UF_NONE;
	case OSK_MOVED:
	case OSK_CLOSED:
		return UF_NONE;
	case OSK_DONE:
		return leave_forward(f);
	default:
		return -1;
	}
}

/* Contract: see ui.h (invariants 1 and 5). */
int
ui_form_key(struct ui_form *f, struct ui_event ev)
{
	struct ui_form_item *it;
	int r, to;

	if (f->n == 0)
		return ev.a == ACT_BACK || ev.a == ACT_BACKSPACE ? UF_BACK : UF_NONE;
	it = &f->it[f->focus];
	if ((r = osk_key(f, it, ev)) >= 0)
		return r;
	if (it->is_choice || (digits_field(it) && !(ev.a == ACT_CHAR && ev.ch == L'+')))
		ev = ui_keypad_event(ev);
	switch (ev.a) {
	case ACT_ENTER:
		if (!it->is_choice && it->field.height > 1 && !multiline_enter_leaves(it))
			break;          /* a newline in a multi-line field */
		return leave_forward(f);
	case ACT_DOWN:
	case ACT_NEXT:
	case ACT_PGDN:
		return leave_forward(f);
	case ACT_UP:
	case ACT_PREV:
		if (!item_empty(it) && !ui_form_validate(f, f->focus)) {
			ui_form_status(f);
			return UF_NONE;
		}
		if (item_empty(it))
			it->err = NULL;
		ui_status("", false);
		if ((to = step(f, f->focus, -1)) >= 0)
			f->focus = to;
		return UF_NONE;
	case ACT_SAVE:
		return ui_form_validate_all(f) ? UF_SUBMIT : UF_NONE;
	case ACT_BACK:
		return UF_BACK;
	case ACT_BACKSPACE:
		if (item_empty(it) || it->is_choice)
			return UF_NONE;     /* invariant 5: nothing to erase here */
		break;
	default:
		break;
	}
	if (it->is_choice) {
		r = ui_choice_key(&it->choice, ev);
		if ((r & UI_HANDLED) && ev.a == ACT_CHAR &&
		    ui_digit_value(ev.ch) >= 0 && (ui_digit_value(ev.ch) < 1 ||
		                                   ui_digit_value(ev.ch) > it->nopts)) {
			return UF_NONE;         /* a digit out of range: the beep */
		}
		if (r & UI_HANDLED) {
			f->dirty = true;
			it->err = NULL;
			ui_status("", false);
			update_visibility(f);
		} else if (ev.a == ACT_CHAR && it->nopts > 0) {
			/* a letter: say how to choose (invariant 5) */
			it->err = N_("Choose with a number key, 1 to %d.");
			it->err_arg = it->nopts < 9 ? it->nopts : 9;
			ui_form_status(f);
		}
		return UF_NONE;
	}
	if (ev.a == ACT_CHAR && it->def->type == FT_DIGITS && !is_digit_key(ev.ch)) {
		it->err = validate_reason(VAL_NOT_DIGITS);
		ui_form_status(f);
		return UF_NONE;
	}
	r = ui_field_key(&it->field, ev);
	if ((r & UI_HANDLED) && (ev.a == ACT_CHAR || ev.a == ACT_BACKSPACE ||
	                         ev.a == ACT_DELETE || ev.a == ACT_ENTER)) {
		f->dirty = true;
		if (it->err != NULL) {
			it->err = NULL;
			ui_status("", false);
		}
	}
	return UF_NONE;
}
