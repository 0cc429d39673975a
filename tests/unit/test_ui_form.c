/*
 * Unit tests for src/ui/ui_form's model (no terminal: ui_form_key and the
 * validators only read and write the form): validation as an item is left
 * with the focus kept on an invalid one, Eastern digits normalised,
 * show_if hiding an item from the focus and the values, Enter past the last
 * item submitting, Backspace in an empty item going back, the multi-line
 * field left by Enter on an empty last line, options given by the screen,
 * and wipe forgetting everything typed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/screens.h"
#include "ui/ui_int.h"

static struct field_option cat_opts[] = {
	{ "member", "A member" }, { "supporter", "A supporter" },
};

static struct field_def fields[] = {
	{ .id = "category", .label = "You are", .type = FT_CHOICE, .required = true,
	  .noptions = 2, .options = cat_opts },
	{ .id = "national_id", .label = "National ID", .type = FT_NATIONAL_ID,
	  .required = true },
	{ .id = "member_number", .label = "Membership number", .type = FT_DIGITS,
	  .required = true, .min_len = 1, .max_len = 12, .show_if = "category=member" },
	{ .id = "service", .label = "Service", .type = FT_CHOICE, .catalog = "service",
	  .required = true },
	{ .id = "description", .label = "Describe", .type = FT_MULTILINE,
	  .required = true, .min_len = 3, .max_len = 100 },
};
static const struct form_def def = { .id = "t", .title = "T", .nfields = 5, .fields = fields };

static struct ui_event ev(ui_action a, wchar_t ch) { return (struct ui_event){ a, ch }; }

static void
type(struct ui_form *f, const wchar_t *s)
{
	for (; *s; s++)
		assert_int_equal(ui_form_key(f, ev(ACT_CHAR, *s)), UF_NONE);
}

static void
build(struct ui_form *f)
{
	static const char *const codes[] = { "ac", "plumbing" };
	static const char *const en[] = { "Air conditioning", "Plumbing" };
	static const char *const ar[] = { "تكييف", "سباكة" };

	ui_set_lang(LANG_EN);
	ui_form_init(f);
	ui_form_add_fields(f, &def);
	ui_form_set_options(f, 3, 2, codes, en, ar);
}

static void
test_form_walk_and_submit(void **state)
{
	struct ui_form f;

	(void)state;
	build(&f);
	assert_int_equal(f.n, 5);
	/* a required choice left empty keeps the focus */
	assert_int_equal(ui_form_key(&f, ev(ACT_ENTER, 0)), UF_NONE);
	assert_int_equal(f.focus, 0);
	assert_non_null(f.it[0].err);
	type(&f, L"2");                                  /* supporter */
	assert_null(f.it[0].err);
	assert_false(f.it[2].visible);                   /* no membership number */
	assert_int_equal(ui_form_key(&f, ev(ACT_ENTER, 0)), UF_NONE);
	assert_int_equal(f.focus, 1);
	type(&f, L"1000000009");                         /* wrong check digit */
	assert_int_equal(ui_form_key(&f, ev(ACT_DOWN, 0)), UF_NONE);
	assert_int_equal(f.focus, 1);
	assert_non_null(f.it[1].err);
	ui_form_key(&f, ev(ACT_BACKSPACE, 0));
	type(&f, L"٨");                                  /* an Eastern 8 */
	assert_null(f.it[1].err);
	assert_int_equal(ui_form_key(&f, ev(ACT_ENTER, 0)), UF_NONE);
	assert_int_equal(f.focus, 3);                    /* the hidden one skipped */
	assert_string_equal(ui_form_value(&f, "national_id"), "1000000008");
	type(&f, L"2");
	assert_string_equal(ui_form_code(&f, "service"), "plumbing");
	ui_set_lang(LANG_AR);
	char *shown = ui_form_display(&f, 3);
	assert_string_equal(shown, "سباكة");
	free(shown);
	ui_set_lang(LANG_EN);
	assert_int_equal(ui_form_key(&f, ev(ACT_ENTER, 0)), UF_NONE);
	assert_int_equal(f.focus, 4);
	type(&f, L"Leak");
	assert_int_equal(ui_form_key(&f, ev(ACT_ENTER, 0)), UF_NONE);   /* a newline */
	assert_int_equal(f.focus, 4);
	/* Enter on the empty last line: the newline dropped, the form submitted */
	assert_int_equal(ui_form_key(&f, ev(ACT_ENTER, 0)), UF_SUBMIT);
	assert_string_equal(ui_form_value(&f, "description"), "Leak");
	assert_string_equal(ui_form_value(&f, "member_number"), "");
	assert_string_equal(ui_form_value(&f, "category"), "supporter");
	assert_true(f.dirty);
	ui_form_free(&f);
}

static void
test_form_backspace_stays(void **state)
{
	struct ui_form f;

	(void)state;
	build(&f);
	type(&f, L"1");                                  /* member: number shown */
	assert_true(f.it[2].visible);
	ui_form_key(&f, ev(ACT_ENTER, 0));
	type(&f, L"1000000008");
	ui_form_key(&f, ev(ACT_ENTER, 0));
	assert_int_equal(f.focus, 2);
	/* a letter in a digits field is refused with the reason */
	type(&f, L"x");
	assert_non_null(f.it[2].err);
	assert_int_equal(f.it[2].field.edit.len, 0);
	/* Backspace in the empty field stays there, however often (issue
	 * 11: it used to go back and delete the ID); the ID keeps its text */
	for (int i = 0; i < 5; i++) {
		assert_int_equal(ui_form_key(&f, ev(ACT_BACKSPACE, 0)), UF_NONE);
		assert_int_equal(f.focus, 2);
	}
	assert_int_equal(f.it[1].field.edit.len, 10);
	/* in a digits field a plain '-' (a keypad in numeric mode) erases */
	type(&f, L"47");
	assert_int_equal(f.it[2].field.edit.len, 2);
	type(&f, L"-");
	assert_int_equal(f.it[2].field.edit.len, 1);
	/* a choice: Backspace neither leaves nor moves; '/' (Back) leaves */
	f.focus = 0;
	assert_int_equal(ui_form_key(&f, ev(ACT_BACKSPACE, 0)), UF_NONE);
	assert_int_equal(f.focus, 0);
	assert_string_equal(ui_form_code(&f, "category"), "member");
	assert_int_equal(ui_form_key(&f, ev(ACT_CHAR, L'/')), UF_BACK);
	ui_form_free(&f);
}

static void
test_form_wipe(void **state)
{
	struct ui_form f;

	(void)state;
	build(&f);
	type(&f, L"1");
	ui_form_key(&f, ev(ACT_ENTER, 0));
	type(&f, L"1000000008");
	ui_form_key(&f, ev(ACT_ENTER, 0));
	assert_string_equal(ui_form_value(&f, "national_id"), "1000000008");
	ui_form_wipe(&f);
	assert_int_equal(f.focus, 0);
	assert_false(f.dirty);
	assert_int_equal(f.it[0].choice.selected, -1);
	assert_int_equal(f.it[1].field.edit.len, 0);
	assert_null(f.it[1].value);
	assert_string_equal(ui_form_value(&f, "national_id"), "");
	assert_false(f.it[2].visible);                   /* show_if re-evaluated */
	/* choose by code, as the kiosk presets its channel */
	assert_true(ui_form_choose(&f, "category", "member"));
	assert_false(ui_form_choose(&f, "category", "nobody"));
	assert_true(f.it[2].visible);
	ui_form_free(&f);
	assert_int_equal(f.n, 0);
	assert_null(f.it);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_form_walk_and_submit),
		cmocka_unit_test(test_form_backspace_stays),
		cmocka_unit_test(test_form_wipe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
