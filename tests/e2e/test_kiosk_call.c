/*
 * test_kiosk_call — "Call an officer" (issue 11), kiosk and console on one
 * database: the visitor chooses it with the keypad and is told someone is
 * coming; the officers' queue shows the call (the kiosk and the time, no
 * personal data) within a refresh; H answers it; a second press at the
 * kiosk while the call is open adds nothing.
 */
#include "e2e/test_officer_fixture.h"

static int setup(void **state)
{
	struct ofx *f = calloc(1, sizeof *f);

	ofx_setup(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	ofx_teardown(*state);
	free(*state);
	return 0;
}

/* A kiosk on the fixture's database, its kiosk_id lobby-A. */
static ht *
kiosk_on(struct ofx *f)
{
	ht *h = ht_new(24, 80);
	const char *conf;
	const char *argv[6];

	assert_true(ht_write_file(h, "kiosk.conf",
	                          "idle_timeout = 600;\nkiosk_id = \"lobby-A\";\n"));
	conf = ht_path(h, "kiosk.conf");
	argv[0] = ofx_bin();
	argv[1] = "--db"; argv[2] = f->db;
	argv[3] = "--config"; argv[4] = conf;
	argv[5] = NULL;
	assert_true(ht_spawn(h, argv, NULL));
	return h;
}

static int
open_calls(struct ofx *f)
{
	store *s = ofx_open(f);
	struct help_call *c = NULL;
	int n = -1;

	assert_int_equal(store_help_calls_open(s, &c, &n), ST_OK);
	free(c);
	store_close(s);
	return n;
}

static void
call_reaches_the_queue(void **state)
{
	struct ofx *f = *state;
	ht *o = ofx_session(f, "ali", "en", NULL, 24, 80);
	ht *k;

	ofx_login(o, PW);
	assert_false(ht_wait_text(o, "Help requested", 300));
	k = kiosk_on(f);
	HT_ASSERT_TEXT(k, "Welcome", T);
	ht_keypad(k, "2");                        /* English */
	HT_ASSERT_TEXT(k, "5 Call an officer", T);
	HT_ASSERT_TEXT(k, "1-5 choose", T);       /* the footer follows the menu */
	ht_keypad(k, "5");
	HT_ASSERT_TEXT(k, "An officer has been called and is coming to you", T);
	assert_int_equal(open_calls(f), 1);
	ht_keypad(k, "\n");                       /* back to the menu */
	HT_ASSERT_TEXT(k, "Information and guides", T);
	ht_keypad(k, "5");                        /* again: still one call */
	HT_ASSERT_TEXT(k, "An officer has been called", T);
	assert_int_equal(open_calls(f), 1);

	HT_ASSERT_TEXT(o, "Help requested at kiosk lobby-A since", T);
	ht_keys(o, "h");
	HT_ASSERT_GONE(o, "Help requested", T);
	assert_int_equal(open_calls(f), 0);
	ht_end(k);
	ht_end(o);
}

static void
call_in_arabic(void **state)
{
	struct ofx *f = *state;
	ht *k = kiosk_on(f);

	HT_ASSERT_TEXT(k, "Welcome", T);
	ht_keypad(k, "1");                        /* Arabic */
	ht_wait_quiet(k, 200);
	ht_keypad(k, "5");
	ht_wait_quiet(k, 200);
	assert_int_equal(open_calls(f), 1);
	ht_end(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(call_reaches_the_queue, setup, teardown),
		cmocka_unit_test_setup_teardown(call_in_arabic, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
