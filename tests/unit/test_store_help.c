/*
 * Store: help calls from the kiosk (store/help.c) — one open call per
 * kiosk, no personal data in the table, answered once by an officer whose
 * session is checked, bad input refused with nothing written. Both engines
 * (FX_RUN_BOTH).
 */
#include "unit/store_fixture.h"

static void test_help_calls(void **state)
{
	struct fx *f = *state;
	struct help_call *c = NULL;
	struct officer o = { .role = ROLE_OFFICER, .active = true, .name = (char *)"Ali" };
	int64_t id1 = 0, id2 = 0, id3 = 0;
	int n = -1;

	/* the table says only where and when */
	assert_int_equal(fx_extra_columns(f->s, "help_calls", "'id','kiosk','called_at',"
	                                  "'answered_at','answered_by'"), 0);
	assert_int_equal(store_help_call(f->s, "lobby-A", &id1), ST_OK);
	assert_true(id1 > 0);
	/* pressed again: the same open call */
	assert_int_equal(store_help_call(f->s, "lobby-A", &id2), ST_OK);
	assert_int_equal(id2, id1);
	assert_int_equal(store_help_call(f->s, "lobby-B", &id3), ST_OK);
	assert_true(id3 != id1);
	assert_int_equal(store_help_calls_open(f->s, &c, &n), ST_OK);
	assert_int_equal(n, 2);
	assert_string_equal(c[0].kiosk, "lobby-A");
	assert_string_equal(c[1].kiosk, "lobby-B");
	free(c);
	/* bad input: nothing written */
	assert_int_equal(store_help_call(f->s, "\xff\xfe", NULL), ST_INVALID);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM help_calls"), 2);

	/* answered by a logged-in officer, once */
	strcpy(o.login, "ali");
	strcpy(o.pwhash, "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g");
	assert_int_equal(store_officer_add(f->s, &o), ST_OK);
	assert_int_equal(store_session_begin(f->s, "ali", ROLE_OFFICER), ST_OK);
	assert_int_equal(store_help_call_answer(f->s, id1, "someone-else"), ST_DENIED);
	assert_int_equal(store_help_call_answer(f->s, id1, "ali"), ST_OK);
	assert_int_equal(store_help_call_answer(f->s, id1, "ali"), ST_NOTFOUND);
	assert_int_equal(store_help_calls_open(f->s, &c, &n), ST_OK);
	assert_int_equal(n, 1);
	assert_string_equal(c[0].kiosk, "lobby-B");
	free(c);
	assert_string_equal(fx_text(f->s, "SELECT answered_by FROM help_calls WHERE kiosk = 'lobby-A'"),
	                    "ali");
	/* a new call from lobby-A after the answer is a new row */
	assert_int_equal(store_help_call(f->s, "lobby-A", &id2), ST_OK);
	assert_true(id2 != id1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_help_calls, fx_setup, fx_teardown),
	};
	return FX_RUN_BOTH(tests, NULL, NULL);
}
