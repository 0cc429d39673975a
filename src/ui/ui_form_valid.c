/*
 * ui/ui_form_valid — validating a form's items through core/validate (the
 * design is over struct ui_form in ui.h; the model is ui_form.c).
 *
 * Invariants:
 *  1. An item's error is a msgid (+ one %d argument), translated when it is
 *     shown, so a language switch re-translates it.
 *  2. A valid item's value is normalised (ASCII digits for IDs, mobiles and
 *     digit fields; text_clean'ed text); every intermediate copy of what
 *     was typed is overwritten before it is freed.
 *  3. A hidden item is valid and its value is "".
 */
#include "ui/ui_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/screens.h"
#include "core/util.h"
#include "core/validate.h"

static bool
fail(struct ui_form_item *it, const char *msgid, int arg)
{
	it->err = msgid;
	it->err_arg = arg;
	return false;
}

static bool
check_len(struct ui_form_item *it, const char *v, bool digits)
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

/* Validate the cleaned text of a field; on success it->value is set. */
static bool
validate_text(struct ui_form_item *it, const char *clean)
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
		if (rc == VAL_OK && !check_len(it, clean, false))
			return false;
		break;
	case FT_MEMBER_NUMBER:
		rc = validate_member_number(clean, buf, sizeof buf);
		break;
	case FT_DIGITS:
		if (text_digits(clean, buf, sizeof buf, false) < 0)
			rc = VAL_NOT_DIGITS;
		else if (!check_len(it, buf, true))
			return false;
		break;
	case FT_TEXT:
		if (strcmp(d->id, "name") == 0 || strcmp(d->id, "signature") == 0) {
			rc = validate_name(clean, d->max_len > 0 ? d->max_len : 80);
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
	if (d->type == FT_NATIONAL_ID || d->type == FT_MOBILE || d->type == FT_DIGITS ||
	    d->type == FT_MEMBER_NUMBER)
		it->value = xstrdup(buf);
	else
		it->value = xstrdup(clean);
	explicit_bzero(buf, sizeof buf);
	return true;
}

/* Contract: see ui.h. */
bool
ui_form_validate(struct ui_form *f, int i)
{
	struct ui_form_item *it = &f->it[i];
	char *raw, *clean;
	bool ok;

	ui_form_value_free(it);
	it->err = NULL;
	if (!it->visible)
		return true;
	if (it->is_choice) {
		if (it->choice.selected < 0 || it->choice.selected >= it->nopts) {
			if (it->def && it->def->required)
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

/* Contract: see ui.h. */
bool
ui_form_validate_all(struct ui_form *f)
{
	int first = -1;

	for (int i = 0; i < f->n; i++)
		if (!ui_form_validate(f, i) && first < 0)
			first = i;
	if (first >= 0) {
		f->focus = first;
		ui_form_status(f);
		return false;
	}
	return true;
}

/* The error of item it in the current language, formatted. */
void
ui_form_error_text(const struct ui_form_item *it, char *buf, size_t n)
{
	const char *m = _(it->err);

	if (strstr(m, "%d") != NULL)
		snprintf(buf, n, m, it->err_arg);
	else
		snprintf(buf, n, "%s", m);
}

/* Contract: see ui.h. */
void
ui_form_status(struct ui_form *f)
{
	if (f->n == 0 || f->it[f->focus].err == NULL) {
		ui_status("", false);
		return;
	}
	ui_status_tr(f->it[f->focus].err, f->it[f->focus].err_arg, true);
}

