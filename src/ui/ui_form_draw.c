/*
 * ui/ui_form_draw — the form's layout (the model is ui_form.c; the design
 * is over struct ui_form in ui.h).
 *
 *   heading                                  (a section title, when set)
 *   label-column  ▕value area             ▏  (a field or a choice)
 *                 help / counter / error     (under the value, START side)
 *
 * Invariants:
 *  1. The label column is as wide as the longest label of the form in the
 *     current language, at most 40% of the width (F2 re-measures it), so
 *     labels are shown whole at 80 columns in both languages.
 *  2. Everything under a field (help, character counter, error) starts
 *     where the field starts: under its left edge in English, under its
 *     right edge in Arabic.
 *  3. A choice whose options do not fit beside its label, but fit the
 *     whole width, gets a row of its own under the label; a label_above
 *     item (a survey question) always does. One whose options fit no row
 *     (service types, channels) lists them one per row while focused, so a
 *     keypad visitor sees which digit is which.
 *  4. The focused item is drawn last and is always scrolled into view.
 *  5. A choice whose options fit no row shows, while not focused, only the
 *     chosen option with its number ("2 Plumbing"), or until one is chosen
 *     how to choose ("not chosen yet — press 1–8"); a locked choice (the
 *     kiosk's channel, never focused) only the chosen option's label. The
 *     survey's ratings (label_above, a legend gives their words) keep
 *     their row of numbers.
 *  6. An error wider than its value area wraps to two rows under the item
 *     when the whole form still fits in the rect; otherwise it takes one
 *     row (cut with "…"). The status line shows it whole either way.
 */
#include "ui/ui_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/screens.h"
#include "core/util.h"

#define FORM_MAX_ITEMS 64
#define LABEL_MIN 8

/* Fields whose text is always left to right (digits, e-mail). */
static bool
ltr_fixed(const struct ui_form_item *it)
{
	enum field_type t = it->def ? it->def->type : FT_TEXT;

	return t == FT_DIGITS || t == FT_NATIONAL_ID || t == FT_MOBILE || t == FT_EMAIL ||
	       t == FT_MEMBER_NUMBER;
}

static bool
has_sub_row(const struct ui_form_item *it)
{
	return it->err != NULL || (it->def && it->def->help) ||
	       (!it->is_choice && it->field.height > 1 && it->def &&
	        it->def->max_len > 0);
}

static bool
own_label_row(const struct ui_form_item *it)
{
	return it->label_above || (it->is_choice && it->opts_below);
}

/* A focused choice whose options fit no row lists them one per row. */
static int
list_rows(const struct ui_form *f, const struct ui_form_item *it)
{
	if (!it->is_choice || it->label_above || it != &f->it[f->focus] ||
	    !it->opts_long)
		return 0;
	return it->nopts;
}

static struct ui_rect value_area(const struct ui_form *f, const struct ui_form_item *it,
                                 struct ui_rect r);

/* Rows of item it's error: two when wider than its value area and the
 * form has room (f->err_wrap, invariant 6), else one. */
static int
err_rows(const struct ui_form *f, const struct ui_form_item *it)
{
	char buf[256];

	if (!f->err_wrap)
		return 1;
	ui_form_error_text(it, buf, sizeof buf);
	return text_width(buf) > value_area(f, it, (struct ui_rect){ 0, 0, 1, f->draw_w }).w ?
	       2 : 1;
}

/* Rows under the item: an error one or two (err_rows), a counter one; a
 * help text the rows form_measure found (two when wider than the value
 * area). */
static int
sub_rows(const struct ui_form *f, const struct ui_form_item *it)
{
	if (!has_sub_row(it))
		return 0;
	if (it->err != NULL)
		return err_rows(f, it);
	if (!it->def || !it->def->help ||
	    (!it->is_choice && it->field.height > 1 && it->def->max_len > 0))
		return 1;
	return it->help_rows > 1 ? 2 : 1;
}

static int
item_rows(const struct ui_form *f, const struct ui_form_item *it, bool first)
{
	int rows = (it->is_choice ? 1 : it->field.height) + list_rows(f, it);

	if (own_label_row(it))
		rows++;
	if (it->heading)
		rows += first ? 1 : 2;
	return rows + sub_rows(f, it);
}

/* Measure the layout (invariants 1 and 3): the label column, which choices
 * go under their label or list their options, the rows of each help text.
 * Done again only when the width, the language or the items changed, so a
 * keystroke does not re-measure every label. */
static void
form_measure(struct ui_form *f, int w)
{
	int lw = 0, max = w * 2 / 5;

	for (int i = 0; i < f->n; i++) {
		int tw;

		if (f->it[i].label_above)
			continue;
		tw = text_width(ui_form_label(f, i));
		if (tw > lw)
			lw = tw;
	}
	if (lw > max)
		lw = max;
	if (lw < LABEL_MIN)
		lw = LABEL_MIN;
	f->label_w = lw;
	f->draw_w = w;
	f->layout_lang = (int)ui_get_lang() + 1;
	f->layout_n = f->n;
	for (int i = 0; i < f->n; i++) {
		struct ui_form_item *it = &f->it[i];
		struct ui_rect v;

		it->help_rows = 1;
		if (it->is_choice) {
			int cw = ui_choice_width(&it->choice);

			it->opts_below = !it->label_above && cw > w - lw - 1 && cw <= w;
			it->opts_long = cw > w;
		}
		v = value_area(f, it, (struct ui_rect){ 0, 0, 1, w });
		if (it->def && it->def->help && text_width(_(it->def->help)) > v.w)
			it->help_rows = 2;
	}
}

/* Labels, options and directions in the current language (every draw:
 * F2 re-translates), then the layout when it is stale. */
static void
form_refresh(struct ui_form *f, int w)
{
	for (int i = 0; i < f->n; i++) {
		struct ui_form_item *it = &f->it[i];

		if (it->is_choice) {
			for (int j = 0; j < it->nopts; j++)
				it->items[j] = ui_form_option_label(it, j);
			it->choice.label = "";          /* the form draws the label */
		} else {
			if (!ltr_fixed(it)) {
				it->field.dir = ui_dir();
				it->field.edit.dir = ui_dir();
			}
			it->field.label = it->label_above ? "" : ui_form_label(f, i);
		}
	}
	if (w != f->draw_w || f->layout_lang != (int)ui_get_lang() + 1 || f->n != f->layout_n)
		form_measure(f, w);
	for (int i = 0; i < f->n; i++)
		if (!f->it[i].is_choice)
			f->it[i].field.label_w = f->label_w;
}

/* The value area of an item drawn on row(s) of r: where its help goes. */
static struct ui_rect
value_area(const struct ui_form *f, const struct ui_form_item *it, struct ui_rect r)
{
	int lw = f->label_w;

	if (own_label_row(it))
		return r;
	if (r.w - lw - 1 < 4)
		return r;
	r.w -= lw + 1;
	if (ui_dir() != TEXT_RTL)
		r.x += lw + 1;
	if (!it->is_choice) {           /* inside the field's ▕ ▏ edges */
		r.x += 1;
		r.w -= 2;
	}
	return r;
}

static void
draw_sub_row(const struct ui_form *f, const struct ui_form_item *it, int y,
             struct ui_rect r)
{
	char buf[256];
	text_dir d = ui_dir();
	struct ui_rect v = value_area(f, it, r);

	if (it->err != NULL) {
		ui_form_error_text(it, buf, sizeof buf);
		ui_para((struct ui_rect){ y, v.x, sub_rows(f, it), v.w }, buf, d, AL_START,
		        A_BOLD | A_UNDERLINE);
	} else if (!it->is_choice && it->field.height > 1 && it->def->max_len > 0) {
		snprintf(buf, sizeof buf, _("%d of at most %d characters"),
		         (int)it->field.edit.len, it->def->max_len);
		ui_text(y, v.x, v.w, buf, d, AL_START, A_DIM);
	} else if (it->def && it->def->help) {
		ui_para((struct ui_rect){ y, v.x, sub_rows(f, it), v.w }, _(it->def->help), d,
		        AL_START, A_DIM);
	}
}

/* A choice shown by its value alone (invariant 5): a locked one always, one
 * whose options fit no row while it is not focused. */
static bool
summarised(const struct ui_form_item *it, bool focused)
{
	return it->is_choice && (it->locked || (!focused && it->opts_long &&
	                                        !it->label_above));
}

/* Invariant 5 in v: a locked choice's option label; otherwise the chosen
 * option "n label" highlighted as in a row, or how to choose. */
static void
draw_choice_summary(const struct ui_form_item *it, struct ui_rect v)
{
	const struct ui_choice *c = &it->choice;
	char *s, *hint = NULL, num[12];
	bool chosen = c->selected >= 0 && c->selected < c->nitems;
	int n = c->nitems < 9 ? c->nitems : 9, attr = 0, sw;

	/* one space either side, like the options of a row */
	if (chosen && it->locked) {
		s = ui_cat(" ", c->items[c->selected] ? c->items[c->selected] : "", " ",
		           (char *)NULL);
	} else if (chosen) {
		s = ui_cat(" ", ui_itoa(num, c->selected + 1), " ",
		           c->items[c->selected] ? c->items[c->selected] : "", " ",
		           (char *)NULL);
		attr = A_REVERSE | A_BOLD;
	} else if (n > 0 && !it->locked) {
		hint = xasprintf(_("not chosen yet — press 1–%d"), n);
		s = ui_cat(" ", hint, " ", (char *)NULL);
		attr = A_DIM;
	} else {
		s = xstrdup(" \u2014 ");
	}
	free(hint);
	sw = text_width(s);
	if (sw > v.w)
		sw = v.w;
	ui_fill(v.y, v.x, v.w, 0);
	ui_text(v.y, ui_dir() == TEXT_RTL ? v.x + v.w - sw : v.x, sw, s, ui_dir(),
	        AL_START, attr);
	free(s);
}

static void
draw_item(struct ui_form *f, int i, int yy, struct ui_rect r, bool first)
{
	struct ui_form_item *it = &f->it[i];
	bool focused = i == f->focus;
	struct ui_rect fr;

	if (it->heading) {
		if (!first)
			yy++;
		ui_text(yy++, r.x, r.w, _(it->heading), ui_dir(), AL_START, A_BOLD);
	}
	if (own_label_row(it))
		ui_text(yy++, r.x, r.w, ui_form_label(f, i), ui_dir(), AL_START,
		        focused ? A_BOLD : 0);
	fr = (struct ui_rect){ yy, r.x, it->is_choice ? 1 : it->field.height, r.w };
	if (has_sub_row(it))
		draw_sub_row(f, it, yy + fr.h + list_rows(f, it), r);
	if (it->is_choice && !own_label_row(it)) {
		struct ui_rect v = value_area(f, it, fr);
		int lw = f->label_w, lx = ui_dir() == TEXT_RTL ? r.x + r.w - lw : r.x;

		ui_text(yy, lx, lw, ui_form_label(f, i), ui_dir(), AL_START,
		        focused ? A_BOLD : 0);
		ui_fill(yy, ui_dir() == TEXT_RTL ? lx - 1 : lx + lw, 1, 0);
		if (summarised(it, focused))
			draw_choice_summary(it, v);
		else
			ui_choice_draw(&it->choice, v, focused);
	} else if (it->is_choice && summarised(it, focused))
		draw_choice_summary(it, fr);
	else if (it->is_choice)
		ui_choice_draw(&it->choice, fr, focused);
	else
		ui_field_draw(&it->field, fr, focused);
	for (int j = 0, n = list_rows(f, it); j < n; j++) {
		struct ui_rect v = value_area(f, it, r);
		char num[12];
		char *line = ui_cat(" ", ui_itoa(num, j + 1), " ",
		                    it->items[j] ? it->items[j] : "", " ", (char *)NULL);

		ui_fill(yy + 1 + j, r.x, r.w, 0);
		ui_text(yy + 1 + j, v.x, v.w, line, ui_dir(), AL_START,
		        j == it->choice.selected ? A_REVERSE | A_BOLD : 0);
		free(line);
	}
}

/* Contract: see ui.h and the invariants above. */
void
ui_form_draw(struct ui_form *f, struct ui_rect r)
{
	int ys[FORM_MAX_ITEMS], y = 0, focus_y = 0, focus_h = 1;
	int n = f->n < FORM_MAX_ITEMS ? f->n : FORM_MAX_ITEMS;
	struct ui_form_item *fi = f->n > 0 ? &f->it[f->focus] : NULL;
	struct ui_rect all = r;
	bool osk = false;

	if (r.w <= 0 || r.h <= 0)
		return;
	/* the on-screen keyboard under the items (ui_form.c invariant 6) */
	if (fi != NULL && ui_osk_on() && ui_form_free_text(fi) &&
	    r.h >= UI_OSK_ROWS + 4) {
		osk = true;
		r.h -= UI_OSK_ROWS;
	}
	form_refresh(f, r.w);
	/* invariant 6: errors wrap when everything still fits, else one row */
	for (int wrap = 1; wrap >= 0; wrap--) {
		f->err_wrap = wrap;
		y = 0;
		for (int i = 0; i < n; i++) {
			struct ui_form_item *it = &f->it[i];

			ys[i] = -1;
			if (!it->visible)
				continue;
			ys[i] = y;
			if (i == f->focus) {
				focus_y = y;
				focus_h = item_rows(f, it, y == 0);
			}
			y += item_rows(f, it, y == 0);
		}
		if (y <= r.h)
			break;
	}
	if (focus_y < f->top)
		f->top = focus_y;
	if (focus_y + focus_h > f->top + r.h)
		f->top = focus_y + focus_h - r.h;
	if (f->top < 0)
		f->top = 0;
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < n; i++) {
			int yy = ys[i] - f->top;

			if (ys[i] < 0 || (pass == 0) == (i == f->focus) || yy < 0 ||
			    yy + item_rows(f, &f->it[i], ys[i] == 0) > r.h)
				continue;
			draw_item(f, i, r.y + yy, r, ys[i] == 0);
		}
	if (osk)
		ui_osk_draw(&fi->field, all);
}
