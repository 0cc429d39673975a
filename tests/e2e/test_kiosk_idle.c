/*
 * test_kiosk_idle — the idle warning with its countdown, the wipe of what
 * was typed, the return to the welcome screen in Arabic; and the
 * information pager.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "e2e/test_kiosk_util.h"

static const char *const TERM_MODE[] = { "--bidi=terminal", NULL };
static const char *const SHORT =
	"idle_timeout = 5;\nidle_warning = 3;\n";

static void
idle_warns_then_wipes_en(void **state)
{
	ht *h = kiosk_start(SHORT, TERM_MODE);

	(void)state;
	kiosk_choose_lang(h, false);
	ht_keys(h, "1");
	ht_wait_quiet(h, 100);
	ht_keys(h, "1");
	ht_key(h, HT_KEY_ENTER);
	ht_keys(h, "Idle Person");
	HT_ASSERT_TEXT(h, "Idle Person", KT);
	HT_ASSERT_TEXT(h, "Are you still there?", 9000);
	ht_keys(h, "x");                        /* a key continues, nothing lost */
	HT_ASSERT_GONE(h, "Are you still there?", KT);
	HT_ASSERT_TEXT(h, "Idle Person", KT);
	HT_ASSERT_TEXT(h, "Are you still there?", 9000);
	/* now let it run out */
	HT_ASSERT_TEXT(h, "Welcome", 6000);
	HT_ASSERT_TEXT(h, "العربية", KT);      /* Arabic is the default again: */
	for (int r = 0; r < ht_rows(h); r++)    /* the marker on its row */
		if (strstr(ht_screen_text(h, r), "العربية") != NULL)
			HT_ASSERT(h, strstr(ht_screen_text(h, r), "◄") != NULL);
	HT_ASSERT_TEXT(h, "متابعة", KT);        /* and the footer is Arabic */
	ht_keys(h, "2");
	HT_ASSERT_TEXT(h, "New service request", KT);
	ht_keys(h, "1");
	HT_ASSERT_TEXT(h, "Full name", KT);
	HT_ASSERT(h, strstr(ht_screen(h), "Idle Person") == NULL);
	ht_end(h);
}

static void
idle_wipes_ar(void **state)
{
	ht *h = kiosk_start(SHORT, TERM_MODE);

	(void)state;
	kiosk_choose_lang(h, true);
	ht_keys(h, "1");
	ht_wait_quiet(h, 100);
	ht_keys(h, "1");
	ht_key(h, HT_KEY_ENTER);
	ht_keys(h, "سلمى");
	HT_ASSERT_TEXT(h, "سلمى", KT);
	HT_ASSERT_TEXT(h, "Welcome", 12000);
	ht_keys(h, "1");
	HT_ASSERT_TEXT(h, "طلب خدمة جديد", KT);
	ht_keys(h, "1");
	HT_ASSERT_TEXT(h, "الاسم الكامل", KT);
	HT_ASSERT(h, strstr(ht_screen(h), "سلمى") == NULL);
	ht_end(h);
}

static void
back_asks_before_discarding(void **state)
{
	ht *h = kiosk_start(NULL, NULL);

	(void)state;
	kiosk_choose_lang(h, false);
	ht_keys(h, "1");
	ht_wait_quiet(h, 100);
	ht_keys(h, "1");
	ht_key(h, HT_KEY_ENTER);
	ht_keys(h, "Keep Me");
	ht_key(h, HT_KEY_ESC);
	HT_ASSERT_TEXT(h, "What you typed will be erased", KT);
	ht_keys(h, "2");                        /* no */
	HT_ASSERT_GONE(h, "What you typed will be erased", KT);
	HT_ASSERT_TEXT(h, "Keep Me", KT);
	ht_key(h, HT_KEY_ESC);
	HT_ASSERT_TEXT(h, "What you typed will be erased", KT);
	ht_keys(h, "1");                        /* yes */
	HT_ASSERT_TEXT(h, "Track my request", KT);
	ht_keys(h, "1");
	HT_ASSERT_TEXT(h, "Full name", KT);
	HT_ASSERT(h, strstr(ht_screen(h), "Keep Me") == NULL);
	ht_end(h);
}

static void
information_pager(void **state)
{
	ht *h = kiosk_start(NULL, TERM_MODE);

	(void)state;
	kiosk_choose_lang(h, false);
	ht_keys(h, "4");
	HT_ASSERT_TEXT(h, "Frequently asked questions", KT);
	ht_keys(h, "3");
	HT_ASSERT_TEXT(h, "Who can send a request at the kiosk?", KT);
	ht_key(h, HT_KEY_PGDN);
	HT_ASSERT_GONE(h, "Who can send a request at the kiosk?", KT);
	ht_key(h, HT_KEY_F2);                   /* the same guide in Arabic */
	HT_ASSERT_TEXT(h, "الأسئلة الشائعة", KT);
	ht_key(h, HT_KEY_ESC);
	HT_ASSERT_TEXT(h, "دليل سياسة الدعم للأعضاء", KT);
	ht_end(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(idle_warns_then_wipes_en),
		cmocka_unit_test(idle_wipes_ar),
		cmocka_unit_test(back_asks_before_discarding),
		cmocka_unit_test(information_pager),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
