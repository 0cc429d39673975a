/*
 * kiosk/kform — a vertical form built from a form_def of screens/forms.conf:
 * text fields (ui_field) and choices (ui_choice), one under the other, the
 * label at the reading start, a help/limit/error row under a field when it
 * has one, scrolled so the focused field is always in view.
 *
 * Invariants:
 *  1. A field is validated when it is left forward (Down, Tab, Enter) and
 *     when the form is submitted (F5 / past the last field); an invalid field
 *     keeps the focus and its reason shows under it and in the status line,
 *     in the current language (the msgid is kept, translated at draw time,
 *     so F2 re-translates it).
 *  2. Labels, option labels and text directions are re-derived at every
 *     draw from the definitions and the current language: a language switch
 *     never loses or re-creates what was typed.
 *  3. kform_wipe / kform_free overwrite every typed buffer (text_edit_wipe)
 *     and every normalised copy (explicit_bzero) before freeing.
 *  4. Items hidden by show_if ("category=member") are skipped by the focus,
 *     never validated, and give "" as their value.
 */
#include "kiosk/kiosk.h"
#include "kiosk/kiosk_attr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "core/validate.h"

static void
value_free(struct kitem *it)
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
	case FT_EMAIL:       return 100;
	case FT_MULTILINE:   return 1000;
	default:             return 80;
	}
}

static bool
ltr_field(const struct field_def *d)
{
	return d->type == FT_DIGITS || d->type == FT_NATIONAL_ID ||
	       d->type == FT_MOBILE || d->type == FT_EMAIL;
}

static struct kitem *
add_item(struct kform *f, const struct field_def *d)
{
	struct kitem *it;

	f->it = xrealloc(f->it, (size_t)(f->n + 1) * sizeof *f->it);
	it = &f->it[f->n++];
	memset(it, 0, sizeof *it);
	it->def = d;
	it->visible = true;
	return it;
}

static void
init_field(struct kitem *it)
{
	const struct field_def *d = it->def;
	int h = d->type == FT_MULTILINE ? 4 : 1;

	ui_field_init(&it->field, "", ltr_field(d) ? TEXT_LTR : ui_dir(),
	              default_max(d), h);
	it->field.digits_only = d->type == FT_DIGITS;
}

static void
set_options(struct kitem *it, int n, const char *const *codes,
            const char *const *en, const char *const *ar)
{
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
			it->opt_ar[i] = xstrdup(ar[i]);
	}
	it->choice.items = it->items;
	it->choice.nitems = n;
	it->choice.selected = -1;
}

static void
init_choice(struct kitem *it, store *db)
{
	const struct field_def *d = it->def;
	struct catalog_item *ci = NULL;
	const char **codes, **en, **ar;
	int n = 0;

	if (d->catalog != NULL) {
		if (store_catalog_list(db, d->catalog, false, &ci, &n) != ST_OK)
			n = 0;
		codes = xcalloc((size_t)n + 1, sizeof *codes);
		en = xcalloc((size_t)n + 1, sizeof *en);
		ar = xcalloc((size_t)n + 1, sizeof *ar);
		for (int i = 0; i < n; i++) {
			codes[i] = ci[i].code;
			en[i] = ci[i].name_en;
			ar[i] = ci[i].name_ar;
		}
		set_options(it, n, codes, en, ar);
		catalog_items_free(ci, n);
		free(codes);
		free(en);
		free(ar);
		return;
	}
	codes = xcalloc((size_t)d->noptions + 1, sizeof *codes);
	en = xcalloc((size_t)d->noptions + 1, sizeof *en);
	for (int i = 0; i < d->noptions; i++) {
		codes[i] = d->options[i].code;
		en[i] = d->options[i].label;
	}
	set_options(it, d->noptions, codes, en, NULL);
	free(codes);
	free(en);
}

static void
update_visibility(struct kform *f)
{
	for (int i = 0; i < f->n; i++) {
		const char *si = f->it[i].def ? f->it[i].def->show_if : NULL;
		const char *eq;
		char id[64];

		f->it[i].visible = true;
		if (si == NULL || (eq = strchr(si, '=')) == NULL)
			continue;
		snprintf(id, sizeof id, "%.*s", (int)(eq - si), si);
		f->it[i].visible = strcmp(kform_code(f, id), eq + 1) == 0;
	}
}

void
kform_init(struct kform *f, const struct form_def *def, store *db)
{
	memset(f, 0, sizeof *f);
	kform_add_fields(f, def, db);
}

void
kform_add_fields(struct kform *f, const struct form_def *def, store *db)
{
	for (int i = 0; def != NULL && i < def->nfields; i++) {
		struct kitem *it = add_item(f, &def->fields[i]);

		if (def->fields[i].type == FT_CHOICE)
			init_choice(it, db);
		else
			init_field(it);
	}
	update_visibility(f);
}

void
kform_add_choice(struct kform *f, const struct field_def *def,
                 const char *label_en, const char *label_ar, int nopts,
                 const char *const *codes, const char *const *msgids)
{
	struct kitem *it = add_item(f, def);

	it->label_en = label_en;
	it->label_ar = label_ar;
	set_options(it, nopts, codes, msgids, NULL);
}

static void
item_wipe(struct kitem *it)
{
	value_free(it);
	it->err = NULL;
	if (it->is_choice)
		it->choice.selected = -1;
	else
		text_edit_wipe(&it->field.edit);
}

void
kform_wipe(struct kform *f)
{
	for (int i = 0; i < f->n; i++)
		item_wipe(&f->it[i]);
	f->focus = 0;
	f->top = 0;
	f->dirty = false;
	update_visibility(f);
}

void
kform_free(struct kform *f)
{
	for (int i = 0; i < f->n; i++) {
		struct kitem *it = &f->it[i];

		item_wipe(it);
		if (it->is_choice) {
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
			free(it->choice.error);
		} else {
			ui_field_free(&it->field);
		}
	}
	free(f->it);
	memset(f, 0, sizeof *f);
}

struct kitem *
kform_item(struct kform *f, const char *id)
{
	for (int i = 0; i < f->n; i++)
		if (f->it[i].def && strcmp(f->it[i].def->id, id) == 0)
			return &f->it[i];
	return NULL;
}

const char *
kform_code(struct kform *f, const char *id)
{
	struct kitem *it = kform_item(f, id);

	if (it == NULL || !it->is_choice || it->choice.selected < 0 ||
	    it->choice.selected >= it->nopts)
		return "";
	return it->codes[it->choice.selected];
}

bool
kform_choose(struct kform *f, const char *id, const char *code)
{
	struct kitem *it = kform_item(f, id);

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

const char *
kform_value(struct kform *f, const char *id)
{
	struct kitem *it = kform_item(f, id);

	if (it == NULL || !it->visible || it->value == NULL)
		return "";
	return it->value;
}

static const char *
item_label(const struct kitem *it)
{
	if (it->label_en != NULL)
		return ui_pick(it->label_en, it->label_ar);
	return _(it->def->label);
}

static const char *
option_label(const struct kitem *it, int i)
{
	if (it->opt_ar != NULL)
		return ui_pick(it->opt_en[i], it->opt_ar[i]);
	return _(it->opt_en[i]);
}

char *
kform_display(struct kform *f, int i)
{
	struct kitem *it = &f->it[i];

	if (it->is_choice)
		return xstrdup(it->choice.selected >= 0 ?
		               option_label(it, it->choice.selected) : "");
	return text_edit_get(&it->field.edit);
}

static bool
item_empty(struct kitem *it)
{
	if (it->is_choice)
		return it->choice.selected < 0;
	return it->field.edit.len == 0;
}

static bool
fail(struct kitem *it, const char *msgid, int arg)
{
	it->err = msgid;
	it->err_arg = arg;
	return false;
}

static bool
check_len(struct kitem *it, const char *v, bool digits)
{
	const struct field_def *d = it->def;
	int n = (int)text_char_count(v);

	if (digits && d->min_len > 0 && d->min_len == d->max_len && n != d->min_len)
		return fail(it, N_("Please type exactly %d digits."), d->min_len);
	if (d->min_len > 0 && n < d->min_len)
		return fail(it, digits ? N_("Please type at least %d digits.")
		                       : N_("Please type at least %d characters."),
		            d->min_len);
	if (d->max_len > 0 && n > d->max_len)
		return fail(it, digits ? N_("Please type at most %d digits.")
		                       : N_("Please type at most %d characters."),
		            d->max_len);
	return true;
}

/* Validate the typed text of a field; on success it->value is set. */
static bool
validate_text(struct kitem *it, const char *clean)
{
	const struct field_def *d = it->def;
	char buf[64];
	val_rc rc = VAL_OK;

	if (*clean == '\0') {
		if (d->required)
			return fail(it, validate_reason(VAL_EMPTY), 0);
		it->value = xstrdup("");
		return true;
	}
	switch (d->type) {
	case FT_NATIONAL_ID:
		rc = validate_national_id(clean, buf, sizeof buf);
		break;
	case FT_MOBILE:
		rc = validate_mobile(clean, buf, sizeof buf);
		break;
	case FT_EMAIL:
		rc = validate_email(clean);
		strlcpy_k(buf, "", sizeof buf);
		break;
	case FT_DIGITS:
		if (text_digits(clean, buf, sizeof buf, false) < 0)
			rc = VAL_NOT_DIGITS;
		else if (!check_len(it, buf, true))
			return false;
		break;
	case FT_TEXT:
		if (strcmp(d->id, "name") == 0 || strcmp(d->id, "signature") == 0) {
			rc = validate_name(clean, d->max_len);
			if (rc == VAL_OK && !check_len(it, clean, false))
				return false;
			break;
		}
		/* fall through */
	default:
		if (!check_len(it, clean, false))
			return false;
		break;
	}
	if (rc != VAL_OK)
		return fail(it, validate_reason(rc), 0);
	if (d->type == FT_NATIONAL_ID || d->type == FT_MOBILE || d->type == FT_DIGITS)
		it->value = xstrdup(buf);
	else
		it->value = xstrdup(clean);
	explicit_bzero(buf, sizeof buf);
	return true;
}

bool
kform_validate(struct kform *f, int i)
{
	struct kitem *it = &f->it[i];
	char *raw, *clean;
	bool ok;

	value_free(it);
	it->err = NULL;
	if (!it->visible)
		return true;
	if (it->is_choice) {
		if (it->choice.selected < 0) {
			if (it->def->required)
				return fail(it, N_("Please choose one of the options."), 0);
			it->value = xstrdup("");
			return true;
		}
		it->value = xstrdup(it->codes[it->choice.selected]);
		return true;
	}
	raw = text_edit_get(&it->field.edit);
	clean = text_clean(raw, strlen(raw), it->def->type == FT_MULTILINE);
	explicit_bzero(raw, strlen(raw));
	free(raw);
	if (clean == NULL)
		return fail(it, validate_reason(VAL_INVALID_UTF8), 0);
	ok = validate_text(it, clean);
	explicit_bzero(clean, strlen(clean));
	free(clean);
	return ok;
}

bool
kform_validate_all(struct kform *f)
{
	int first = -1;

	for (int i = 0; i < f->n; i++)
		if (!kform_validate(f, i) && first < 0)
			first = i;
	if (first >= 0) {
		f->focus = first;
		kform_status(f);
		return false;
	}
	return true;
}

static void
format_err(const struct kitem *it, char *buf, size_t n)
{
	const char *m = _(it->err);

	if (strstr(m, "%d") != NULL)
		snprintf(buf, n, m, it->err_arg);
	else
		snprintf(buf, n, "%s", m);
}

void
kform_status(struct kform *f)
{
	char buf[256];

	if (f->n == 0 || f->it[f->focus].err == NULL) {
		ui_status("", false);
		return;
	}
	format_err(&f->it[f->focus], buf, sizeof buf);
	ui_status(buf, true);
}

void
kform_focus(struct kform *f, int i)
{
	if (i >= 0 && i < f->n && f->it[i].visible && !f->it[i].locked)
		f->focus = i;
}

static int
step(struct kform *f, int from, int dir)
{
	for (int i = from + dir; i >= 0 && i < f->n; i += dir)
		if (f->it[i].visible && !f->it[i].locked)
			return i;
	return -1;
}

int
kform_key(struct kform *f, struct ui_event ev)
{
	struct kitem *it;
	int r, to;

	if (f->n == 0)
		return ev.a == A_BACK ? KF_BACK : KF_NONE;
	it = &f->it[f->focus];
	switch (ev.a) {
	case A_ENTER:
		if (!it->is_choice && it->field.height > 1)
			break;          /* a newline in a multi-line field */
		/* fall through */
	case A_DOWN:
	case A_NEXT:
		if (!kform_validate(f, f->focus)) {
			kform_status(f);
			return KF_NONE;
		}
		ui_status("", false);
		to = step(f, f->focus, 1);
		if (to < 0)
			return kform_validate_all(f) ? KF_SUBMIT : KF_NONE;
		f->focus = to;
		return KF_NONE;
	case A_UP:
	case A_PREV:
		if (!item_empty(it) && !kform_validate(f, f->focus)) {
			kform_status(f);
			return KF_NONE;
		}
		if (item_empty(it))
			it->err = NULL;
		ui_status("", false);
		if ((to = step(f, f->focus, -1)) >= 0)
			f->focus = to;
		return KF_NONE;
	case A_SAVE:
		return kform_validate_all(f) ? KF_SUBMIT : KF_NONE;
	case A_BACK:
		return KF_BACK;
	case A_BACKSPACE:
		if (item_empty(it) || it->is_choice) {
			it->err = NULL;
			if ((to = step(f, f->focus, -1)) < 0)
				return KF_BACK;
			f->focus = to;
			return KF_NONE;
		}
		break;
	default:
		break;
	}
	if (it->is_choice) {
		r = ui_choice_key(&it->choice, ev);
		if (r & UI_HANDLED) {
			f->dirty = true;
			it->err = NULL;
			update_visibility(f);
		}
		return KF_NONE;
	}
	if (ev.a == A_CHAR && it->def->type == FT_DIGITS &&
	    !((ev.ch >= L'0' && ev.ch <= L'9') || (ev.ch >= 0x660 && ev.ch <= 0x669) ||
	      (ev.ch >= 0x6F0 && ev.ch <= 0x6F9))) {
		it->err = validate_reason(VAL_NOT_DIGITS);
		kform_status(f);
		return KF_NONE;
	}
	r = ui_field_key(&it->field, ev);
	if ((r & UI_HANDLED) && (ev.a == A_CHAR || ev.a == A_BACKSPACE ||
	                         ev.a == A_DELETE || ev.a == A_ENTER)) {
		f->dirty = true;
		if (it->err != NULL) {
			it->err = NULL;
			ui_status("", false);
		}
	}
	return KF_NONE;
}

/* ---- drawing ------------------------------------------------------------ */

static bool
has_sub_row(const struct kitem *it)
{
	return it->err != NULL || (it->def && it->def->help) ||
	       (!it->is_choice && it->field.height > 1 && it->def &&
	        it->def->max_len > 0);
}

static int
item_rows(const struct kitem *it, bool first)
{
	int rows = it->is_choice ? 1 : it->field.height;

	if (it->label_above)
		rows++;
	if (it->heading)
		rows += first ? 1 : 2;
	return rows + (has_sub_row(it) ? 1 : 0);
}

static void
refresh_item(struct kitem *it)
{
	if (it->is_choice) {
		it->choice.label = it->label_above ? "" : item_label(it);
		for (int i = 0; i < it->nopts; i++)
			it->items[i] = option_label(it, i);
		return;
	}
	it->field.label = item_label(it);
	if (!ltr_field(it->def)) {
		it->field.dir = ui_dir();
		it->field.edit.dir = ui_dir();
	}
}

static void
draw_sub_row(struct kitem *it, int y, struct ui_rect r)
{
	char buf[256];
	text_dir d = ui_dir();

	if (it->err != NULL) {
		format_err(it, buf, sizeof buf);
		ui_text(y, r.x, r.w, buf, d, AL_START, KA_ERROR);
	} else if (!it->is_choice && it->field.height > 1 && it->def->max_len > 0) {
		snprintf(buf, sizeof buf, _("%d of at most %d characters"),
		         (int)it->field.edit.len, it->def->max_len);
		ui_text(y, r.x, r.w, buf, d, AL_END, KA_DIM);
	} else if (it->def && it->def->help) {
		ui_text(y, r.x, r.w, _(it->def->help), d, AL_END, KA_DIM);
	}
}

void
kform_draw(struct kform *f, struct ui_rect r)
{
	int ys[64], y = 0, focus_y = 0, focus_h = 1, n = f->n < 64 ? f->n : 64;

	for (int i = 0; i < n; i++) {
		struct kitem *it = &f->it[i];

		refresh_item(it);
		ys[i] = -1;
		if (!it->visible)
			continue;
		ys[i] = y;
		if (i == f->focus) {
			focus_y = y;
			focus_h = item_rows(it, y == 0);
		}
		y += item_rows(it, y == 0);
	}
	if (focus_y < f->top)
		f->top = focus_y;
	if (focus_y + focus_h > f->top + r.h)
		f->top = focus_y + focus_h - r.h;
	if (f->top < 0)
		f->top = 0;
	for (int pass = 0; pass < 2; pass++)
	for (int i = 0; i < n; i++) {
		struct kitem *it = &f->it[i];
		int yy = ys[i] - f->top, h;
		struct ui_rect fr;

		if (ys[i] < 0)
			continue;
		h = item_rows(it, ys[i] == 0);
		if ((pass == 0) == (i == f->focus) || yy < 0 || yy + h > r.h)
			continue;
		yy += r.y;
		if (it->heading) {
			if (ys[i] != 0)
				yy++;
			ui_text(yy++, r.x, r.w, _(it->heading), ui_dir(), AL_START,
			        KA_HEADING);
		}
		if (it->label_above)
			ui_text(yy++, r.x, r.w, item_label(it), ui_dir(), AL_START,
			        i == f->focus ? KA_STRONG : 0);
		fr = (struct ui_rect){ yy, r.x, it->is_choice ? 1 : it->field.height, r.w };
		if (has_sub_row(it))
			draw_sub_row(it, yy + fr.h, r);
		if (it->is_choice)
			ui_choice_draw(&it->choice, fr, i == f->focus);
		else
			ui_field_draw(&it->field, fr, i == f->focus);
	}
}
