/*
 * test_faults_hostile — hostile input through the real kiosk's request
 * form (pty + libvterm): a 10 kB paste, invalid UTF-8, every C0 control
 * that is not an editing key, every C1 control, bidi overrides and
 * isolates, 1000 combining marks on one letter, and terminal escape
 * sequences. Each is either shown inert or refused; the kiosk keeps
 * running; and what reaches the database is clean.
 *
 * Checked on the screen (libvterm's cells): no cell holds a C0/C1 control,
 * DEL or a bidi control, and the injected escape sequences did not act on
 * the terminal (the screen was not cleared, no colour appeared on the
 * injected text). Checked in the database after the request is sent:
 * valid UTF-8 without C0 (but '\n')/C1 controls, DEL, ESC or bidi
 * controls, within the field's length limit, and the visible text around
 * the hostile bytes is still there.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "e2e/test_kiosk_util.h"

/* The editing keys a raw byte would trigger: not "hostile text". */
static bool is_key_byte(int c)
{
	return c == 0x08 || c == 0x09 || c == 0x0a || c == 0x0d || c == 0x13 ||
	       c == 0x1b || c == 0x7f;
}

static bool bad_bytes(const char *s, bool allow_nl)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!text_valid_utf8(s, strlen(s)))
		return true;
	for (; *p; p++) {
		if ((*p < 0x20 && !(allow_nl && *p == '\n')) || *p == 0x7F)
			return true;
		if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
			return true;
		if (p[0] == 0xE2 && p[1] == 0x80 && ((p[2] >= 0xAA && p[2] <= 0xAE) ||
		                                     p[2] == 0x8E || p[2] == 0x8F))
			return true;
		if (p[0] == 0xE2 && p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9)
			return true;
		if (p[0] == 0xD8 && p[1] == 0x9C)
			return true;
	}
	return false;
}

/* Wait until the kiosk has worked through a large paste: quiet for 300 ms,
 * however long the paste takes (an ASan build redraws slowly). */
static bool settle_paste(ht *h)
{
	for (int i = 0; i < 12; i++)
		if (ht_wait_quiet(h, 300))
			return true;
	return false;
}

/* Every row of the screen is free of controls. */
static void screen_clean(ht *h)
{
	for (int r = 0; r < ht_rows(h); r++)
		HT_ASSERT(h, !bad_bytes(ht_screen_text(h, r), false));
}

/* Home (English) → the request form, every field but the description
 * filled, the cursor in the description. */
static void to_description(ht *h)
{
	kiosk_choose_lang(h, false);
	kiosk_to_description(h, "Sara Ali", NID_OK, "0551234567");
	HT_ASSERT_TEXT(h, "Describe your request", KT);
}

/* Review → declaration → signature → sent; returns the stored request. */
static void send_and_load(ht *h, struct request *out)
{
	char ref[32];
	store *s;

	ht_key(h, HT_KEY_F(5));
	HT_ASSERT_TEXT(h, "Check your request", KT);
	screen_clean(h);
	ht_keys(h, "1");
	HT_ASSERT_TEXT(h, "Messages about this request", KT);
	ht_keys(h, "1");                       /* no messages (consent.c) */
	HT_ASSERT_TEXT(h, "I confirm that the information", KT);
	ht_keys(h, "1");
	ht_key(h, HT_KEY_ENTER);
	type_line(h, "Sara Ali");
	HT_ASSERT_TEXT(h, "Your reference number is", KT);
	ht_wait_quiet(h, 200);                 /* the whole confirmation painted */
	HT_ASSERT(h, kiosk_wait_ref(h, ref, sizeof ref));
	s = open_db(h);
	assert_int_equal(store_request_by_ref(s, ref, out), ST_OK);
	store_close(s);
	assert_false(bad_bytes(out->name, false));
	assert_false(bad_bytes(out->description, true));
	assert_true(text_char_count(out->description) <= 1000);
}

static void paste_10k(void **state)
{
	ht *h = kiosk_start(NULL, NULL);
	char *big = malloc(10241);
	const char *chunk = "Paste طويل from a document: نص عربي and English. ";
	size_t n = 0, cl = strlen(chunk);
	struct request r;

	(void)state;
	to_description(h);
	while (n + cl <= 10240) {
		memcpy(big + n, chunk, cl);
		n += cl;
	}
	memset(big + n, '.', 10240 - n);
	big[10240] = '\0';
	assert_true(ht_send(h, big, 10240));
	free(big);
	HT_ASSERT(h, settle_paste(h));
	HT_ASSERT_TEXT(h, "1000 of at most 1000 characters", KT);
	screen_clean(h);
	send_and_load(h, &r);
	print_message("stored %zu characters of the 10 kB paste\n",
	              text_char_count(r.description));
	assert_true(strstr(r.description, "Paste") == r.description);
	request_free(&r);
	ht_end(h);
}

static void controls_invalid_utf8_bidi(void **state)
{
	ht *h = kiosk_start(NULL, NULL);
	static const char *const bidi[] = {
		"\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066",
		"\u2067", "\u2068", "\u2069", "\u200E", "\u200F", "\u061C",
	};
	struct request r;
	char buf[8];

	(void)state;
	to_description(h);
	ht_keys(h, "start ");
	/* invalid UTF-8: a stray continuation, an overlong NUL, a lone lead
	 * byte, a surrogate, bytes never valid */
	assert_true(ht_send(h, "\x80 \xC0\x80 \xE2\x82 \xED\xA0\x80 \xFE\xFF", 15));
	/* every C0 control that is not an editing key */
	for (int c = 0; c < 0x20; c++)
		if (!is_key_byte(c)) {
			buf[0] = (char)c;
			assert_true(ht_send(h, buf, 1));
		}
	/* every C1 control, as UTF-8 (U+0080..U+009F) */
	for (int c = 0x80; c < 0xA0; c++) {
		buf[0] = (char)(0xC2);
		buf[1] = (char)c;
		assert_true(ht_send(h, buf, 2));
	}
	/* bidi overrides, embeddings, isolates and marks around a word */
	for (size_t i = 0; i < sizeof bidi / sizeof bidi[0]; i++) {
		ht_keys(h, bidi[i]);
		ht_keys(h, "x");
	}
	ht_keys(h, " end");
	HT_ASSERT(h, settle_paste(h));
	HT_ASSERT_TEXT(h, "start", KT);
	screen_clean(h);
	send_and_load(h, &r);
	print_message("stored: \"%s\"\n", r.description);
	assert_non_null(strstr(r.description, "start"));
	assert_non_null(strstr(r.description, "end"));
	request_free(&r);
	ht_end(h);
}

static void thousand_marks(void **state)
{
	ht *h = kiosk_start(NULL, NULL);
	char *marks = malloc(1 + 2 * 1000 + 1), *p = marks;
	struct request r;

	(void)state;
	to_description(h);
	*p++ = 'a';
	for (int i = 0; i < 1000; i++) {         /* U+0301 COMBINING ACUTE */
		*p++ = (char)0xCC;
		*p++ = (char)0x81;
	}
	*p = '\0';
	assert_true(ht_send(h, marks, strlen(marks)));
	free(marks);
	HT_ASSERT(h, settle_paste(h));
	screen_clean(h);
	/* refused past the limit, with the reason on screen: one letter and
	 * 999 marks make 1000 characters */
	HT_ASSERT_TEXT(h, "1000 of at most 1000 characters", KT);
	/* Backspace takes the whole cluster (the letter with its marks); the
	 * kiosk is alive and takes keys again */
	ht_key(h, HT_KEY_BACKSPACE);
	HT_ASSERT_TEXT(h, "0 of at most 1000 characters", KT);
	ht_keys(h, "still working after the marks");
	HT_ASSERT_TEXT(h, "still working", KT);
	send_and_load(h, &r);
	assert_string_equal(r.description, "still working after the marks");
	print_message("stored %zu characters\n", text_char_count(r.description));
	request_free(&r);
	ht_end(h);
}

static void escape_sequences(void **state)
{
	ht *h = kiosk_start(NULL, NULL);
	static const char seq[] =
		"\x1b[31mRED\x1b[0m \x1b]0;pwned\x07 \x1b[2J\x1b[H \x1bP1$r\x1b\\"
		" \x9b" "31m \x1b[6n";
	VTermScreenCell cell;
	int st;

	(void)state;
	to_description(h);
	ht_keys(h, "before ");
	HT_ASSERT_TEXT(h, "before", KT);
	assert_true(ht_send(h, seq, sizeof seq - 1));
	ht_wait_quiet(h, 500);
	/* still running, the screen not cleared (the frame is still there) */
	HT_ASSERT(h, !ht_exited(h, &st));
	HT_ASSERT(h, strstr(ht_screen(h), "text reversed? F3") != NULL);
	screen_clean(h);
	/* no cell turned red: the injected SGR was not obeyed */
	for (int r = 0; r < ht_rows(h); r++)
		for (int c = 0; c < ht_cols(h); c++)
			if (ht_cell(h, r, c, &cell) && cell.chars[0] == 'R' &&
			    ht_cell(h, r, c + 1, &cell) && cell.chars[0] == 'E') {
				ht_cell(h, r, c, &cell);
				HT_ASSERT(h, !(VTERM_COLOR_IS_INDEXED(&cell.fg) && cell.fg.indexed.idx == 1));
			}
	/* whatever screen the ESCs led to, nothing raw gets stored */
	ht_hangup(h);
	ht_wait_exit(h, ht_timeout(3000), NULL);
	{
		store *s = open_db(h);
		struct queue_filter f = { .status = -2 };
		struct queue_row *rows = NULL;
		int n = 0;

		assert_int_equal(store_queue(s, &f, 0, 0, 100, &rows, &n), ST_OK);
		for (int i = 0; i < n; i++) {
			struct request r;

			assert_int_equal(store_request_get(s, rows[i].id, &r), ST_OK);
			assert_false(bad_bytes(r.description, true));
			assert_false(bad_bytes(r.name, false));
			request_free(&r);
		}
		queue_rows_free(rows, n);
		store_close(s);
	}
	ht_end(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(paste_10k),
		cmocka_unit_test(controls_invalid_utf8_bidi),
		cmocka_unit_test(thousand_marks),
		cmocka_unit_test(escape_sequences),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
