/*
 * test_ui_bytes — the wire budgets of issue 6, asserted through the real
 * kiosk on a pty (80×24, xterm-256color, libvterm), counting every byte the
 * program writes (ht_bytes_read):
 *
 *  1. a move in the home menu costs ≤ 16 bytes (worst of every Down and Up
 *     over the whole menu, in English and in Arabic), and the selection
 *     marker really moved (seen on the screen);
 *  2. a Latin character typed into a text field costs ≤ 2 bytes (worst key);
 *  3. an Arabic character costs ≤ 12 bytes on average (the worst single
 *     key may be 13: a letter that changes its neighbour's joining form
 *     resends that neighbour's cell too);
 *  4. a 10 kB paste into the description field is worked off in batches
 *     (ui_loop.c, invariant 4): it is done — the limit counter "1000 of at
 *     most 1000 characters" shown and the program quiet — within 1 s
 *     (scaled by HT_TIMEOUT_SCALE; with a repaint, a doupdate and a BEL per
 *     key it took 5 s, and over 10 s under ASan), and the bytes written for
 *     the whole paste stay under 4000 (per key: ~45 kB).
 *
 * Each key is measured alone: send it, wait until the program was quiet for
 * 150 ms, count what arrived.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "e2e/test_kiosk_util.h"

#define MENU_BUDGET   16
#define LATIN_BUDGET  2
#define ARABIC_BUDGET 12
#define PASTE_MS      1000

/* Bytes the program writes for one key (a named key, or UTF-8 when key is
 * 0), once quiet. */
static uint64_t key_bytes(ht *h, int key, const char *utf8)
{
	uint64_t b0 = ht_bytes_read(h);

	if (utf8 != NULL)
		HT_ASSERT(h, ht_keys(h, utf8));
	else
		HT_ASSERT(h, ht_key(h, key));
	HT_ASSERT(h, ht_wait_quiet(h, 150));
	return ht_bytes_read(h) - b0;
}

/* Welcome → home in the language (1 Arabic, 2 English); the Arabic home is
 * recognised by its first item as libvterm shows it (visual, shaped). */
static void choose_lang(ht *h, bool arabic)
{
	char *vis = visual_of("\u0637\u0644\u0628 \u062e\u062f\u0645\u0629 \u062c\u062f\u064a\u062f",
	                      TEXT_RTL);

	HT_ASSERT_TEXT(h, "Welcome", KT);
	ht_keys(h, arabic ? "1" : "2");
	HT_ASSERT_TEXT(h, arabic ? vis : "New service request", KT);
	free(vis);
}

/* Row of the selection marker (► in English, ◄ in Arabic), or -1. */
static int marker_row(ht *h, bool arabic)
{
	const char *m = arabic ? "\u25c4" : "\u25ba";

	for (int r = 1; r < ht_rows(h) - 2; r++)
		if (strstr(ht_screen_text(h, r), m) != NULL)
			return r;
	return -1;
}

/* Welcome → home in the language; then every Down to the last item and
 * every Up back, each measured; returns the worst. */
static uint64_t menu_walk(ht *h, bool arabic, int *moves)
{
	uint64_t worst = 0, total = 0, b;
	int first, row, n = 0;

	choose_lang(h, arabic);
	HT_ASSERT(h, ht_wait_quiet(h, 300));
	first = marker_row(h, arabic);
	HT_ASSERT(h, first > 0);
	for (int dir = 0; dir < 2; dir++)
		for (;;) {
			row = marker_row(h, arabic);
			b = key_bytes(h, dir == 0 ? HT_KEY_DOWN : HT_KEY_UP, NULL);
			if (marker_row(h, arabic) == row) {
				/* the end of the menu: nothing may be sent */
				HT_ASSERT(h, b == 0);
				break;
			}
			HT_ASSERT(h, marker_row(h, arabic) == row + (dir == 0 ? 1 : -1));
			if (b > worst)
				worst = b;
			total += b;
			n++;
		}
	HT_ASSERT(h, n >= 4 && marker_row(h, arabic) == first);
	print_message("%s menu: %d moves, worst %llu B, mean %.1f B\n",
	              arabic ? "Arabic" : "English", n,
	              (unsigned long long)worst, (double)total / n);
	*moves = n;
	return worst;
}

static void menu_moves(void **state)
{
	for (int lang = 0; lang < 2; lang++) {
		ht *h = kiosk_start(NULL, NULL);
		int n = 0;
		uint64_t worst;

		(void)state;
		worst = menu_walk(h, lang == 0, &n);
		HT_ASSERT(h, worst > 0 && worst <= MENU_BUDGET);
		ht_end(h);
	}
}

/* Home → request form → category member → the name field (focused). */
static void to_name(ht *h, bool arabic)
{
	choose_lang(h, arabic);
	ht_keys(h, "1");
	HT_ASSERT(h, ht_wait_quiet(h, 300));
	ht_keys(h, "1");                      /* category: member */
	ht_key(h, HT_KEY_DOWN);               /* → full name */
	HT_ASSERT(h, ht_wait_quiet(h, 300));
	HT_ASSERT(h, ht_cursor_visible(h));
}

/* Type utf8 one code point at a time; worst and total bytes, keys. */
static uint64_t type_each(ht *h, const char *utf8, uint64_t *total, int *keys)
{
	const unsigned char *p = (const unsigned char *)utf8;
	uint64_t worst = 0;

	while (*p) {
		char one[5] = { 0 };
		int n = *p < 0x80 ? 1 : *p < 0xe0 ? 2 : *p < 0xf0 ? 3 : 4;
		uint64_t b;

		memcpy(one, p, (size_t)n);
		p += n;
		b = key_bytes(h, 0, one);
		if (b > worst)
			worst = b;
		*total += b;
		++*keys;
	}
	return worst;
}

static void typing_latin(void **state)
{
	ht *h = kiosk_start(NULL, NULL);
	uint64_t worst, total = 0;
	int keys = 0, row, col;

	(void)state;
	to_name(h, false);
	ht_cursor(h, &row, &col);
	worst = type_each(h, "Ahmed Khalid", &total, &keys);
	print_message("Latin: worst %llu B, mean %.2f B over %d keys\n",
	              (unsigned long long)worst, (double)total / keys, keys);
	HT_ASSERT_ROW(h, row, "Ahmed Khalid", KT);
	HT_ASSERT(h, worst > 0 && worst <= LATIN_BUDGET);
	ht_end(h);
}

static void typing_arabic(void **state)
{
	/* "محمد العتيبي" typed into the Arabic form's name field */
	static const char name[] = "\u0645\u062d\u0645\u062f \u0627\u0644\u0639\u062a\u064a\u0628\u064a";
	ht *h = kiosk_start(NULL, NULL);
	uint64_t worst, total = 0;
	int keys = 0, row, col;
	char *vis;

	(void)state;
	to_name(h, true);
	ht_cursor(h, &row, &col);
	worst = type_each(h, name, &total, &keys);
	print_message("Arabic: worst %llu B, mean %.2f B over %d keys\n",
	              (unsigned long long)worst, (double)total / keys, keys);
	vis = visual_of(name, TEXT_RTL);
	HT_ASSERT_ROW(h, row, vis, KT);
	free(vis);
	HT_ASSERT(h, total <= ARABIC_BUDGET * (uint64_t)keys);
	HT_ASSERT(h, worst > 0 && worst <= ARABIC_BUDGET + 1);
	ht_end(h);
}

/* Home (English) → the request form, every field before the description
 * filled, the cursor in the description (as test_faults_hostile). */
static void to_description(ht *h)
{
	kiosk_choose_lang(h, false);
	kiosk_to_description(h, "Sara Ali", NID_OK, "0551234567");
	HT_ASSERT_TEXT(h, "Describe your request", KT);
	HT_ASSERT(h, ht_wait_quiet(h, 300));
}

static void paste_10k_batched(void **state)
{
	const char *chunk = "Paste \u0637\u0648\u064a\u0644 from a document: "
	                    "\u0646\u0635 \u0639\u0631\u0628\u064a and English. ";
	ht *h = kiosk_start(NULL, NULL);
	char *big = malloc(10241);
	size_t n = 0, cl = strlen(chunk);
	uint64_t b0, bytes, t0, ms, done;

	(void)state;
	assert_non_null(big);
	to_description(h);
	while (n + cl <= 10240) {
		memcpy(big + n, chunk, cl);
		n += cl;
	}
	memset(big + n, '.', 10240 - n);
	big[10240] = '\0';
	b0 = ht_bytes_read(h);
	t0 = ht_elapsed_ns(h);
	HT_ASSERT(h, ht_send(h, big, 10240));
	free(big);
	HT_ASSERT_TEXT(h, "1000 of at most 1000 characters", ht_timeout(10000));
	ms = (ht_elapsed_ns(h) - t0) / 1000000;
	HT_ASSERT(h, ht_wait_quiet(h, 300));
	/* the paste is worked off when the last byte of its output came */
	done = (ht_last_output_ns(h) - t0) / 1000000;
	bytes = ht_bytes_read(h) - b0;
	print_message("10 kB paste: limit shown after %llu ms, done after %llu ms, "
	              "%llu bytes written\n", (unsigned long long)ms,
	              (unsigned long long)done, (unsigned long long)bytes);
	HT_ASSERT(h, done <= (uint64_t)ht_timeout(PASTE_MS));
	/* Per key (before batching) this paste wrote ~45 kB: a BEL for each
	 * of the ~9 200 refused keys, the cell and the counter for each
	 * accepted one. Batched it is one update of the field and the counter
	 * per batch (~300 B); a whole repaint of this screen is ~3 kB. */
	HT_ASSERT(h, bytes <= 4000);
	HT_ASSERT(h, strstr(ht_screen(h), "Paste") != NULL);
	/* typing at once after the paste is refused with the reason shown, and
	 * Backspace takes one character */
	ht_key(h, HT_KEY_BACKSPACE);
	HT_ASSERT_TEXT(h, "999 of at most 1000 characters", KT);
	ht_end(h);
}

static int teardown(void **state)
{
	(void)state;
	ht_end_all();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(menu_moves, teardown),
		cmocka_unit_test_teardown(typing_latin, teardown),
		cmocka_unit_test_teardown(typing_arabic, teardown),
		cmocka_unit_test_teardown(paste_10k_batched, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
