/*
 * test_kiosk_util — what the kiosk's e2e tests share: starting the kiosk
 * with a test configuration, walking the intake, reading the reference
 * number off the screen and opening the test database with the store API.
 * Static functions only: every test_kiosk_*.c includes it once.
 */
#ifndef KHIDMA_TEST_KIOSK_UTIL_H
#define KHIDMA_TEST_KIOSK_UTIL_H

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fribidi.h>

#include "e2e/harness.h"
#include "store/store.h"
#include "text/text.h"

#define KT 5000                 /* ms for a screen to appear */

/* A valid national ID (Luhn) and Iqama, and a mobile. */
#define NID_OK   "1000000008"
#define IQAMA_OK "2123456788"
#define NID_BAD  "1000000009"

/* Start the kiosk on 80×24 with conf (NULL: quiet defaults) and args
 * (e.g. "--bidi=terminal"). */
static inline ht *
kiosk_start(const char *conf, const char *const args[])
{
	ht *h = ht_new(24, 80);

	if (!ht_write_file(h, "khidma.conf", conf ? conf :
	                   "idle_timeout = 600;\nidle_warning = 20;\n"))
		fail_msg("cannot write khidma.conf");
	if (!ht_spawn_khidma(h, args, NULL))
		fail_msg("cannot start khidma");
	return h;
}

/* Welcome → choose the language (1 Arabic, 2 English) → home. */
static inline void
kiosk_choose_lang(ht *h, bool arabic)
{
	HT_ASSERT_TEXT(h, "Welcome", KT);
	ht_keys(h, arabic ? "1" : "2");
	HT_ASSERT_TEXT(h, arabic ? "طلب خدمة جديد" : "New service request", KT);
}

static inline void
type_line(ht *h, const char *text)
{
	ht_keys(h, text);
	ht_key(h, HT_KEY_ENTER);
}

/* From home: fill every field of the request form before the description,
 * as a member; the cursor ends in the description. */
static inline void
kiosk_to_description(ht *h, const char *name, const char *nid, const char *mobile)
{
	ht_keys(h, "1");                    /* home: new request */
	ht_wait_quiet(h, 100);
	ht_keys(h, "1");                    /* category: member */
	ht_key(h, HT_KEY_ENTER);
	type_line(h, name);
	type_line(h, nid);
	type_line(h, "4711");               /* membership number */
	type_line(h, mobile);
	ht_key(h, HT_KEY_ENTER);            /* no e-mail */
	ht_keys(h, "2");                    /* service: the second in the catalog */
	ht_key(h, HT_KEY_ENTER);
}

/* From home: fill the whole request form as a member and go to review. */
static inline void
kiosk_fill_request(ht *h, const char *name, const char *nid, const char *mobile,
                   const char *desc)
{
	kiosk_to_description(h, name, nid, mobile);
	ht_keys(h, desc);
	ht_key(h, HT_KEY_F(5));             /* review */
}

/* The first run of >= 8 digits alone on a row (the plain reference under
 * the big digits), copied to out in ASCII: an Arabic screen shows it in
 * Arabic-Indic digits (arabic_digits = "eastern", the default), U+0660..
 * U+0669, two bytes each in UTF-8 (0xD9 0xA0..0xA9). */
static inline bool
screen_ref(ht *h, char *out, size_t n)
{
	for (int r = 0; r < ht_rows(h); r++) {
		const char *row = ht_screen_text(h, r);
		const unsigned char *p = (const unsigned char *)row;
		size_t len = 0;

		while (*p == ' ')
			p++;
		while (len + 1 < n) {
			if (*p >= '0' && *p <= '9') {
				out[len++] = (char)*p++;
			} else if (p[0] == 0xD9 && p[1] >= 0xA0 && p[1] <= 0xA9) {
				out[len++] = (char)('0' + (p[1] - 0xA0));
				p += 2;
			} else {
				break;
			}
		}
		if (len >= 8 && *p == '\0') {
			out[len] = '\0';
			return true;
		}
	}
	return false;
}

struct ref_want { char *out; size_t n; };

static inline bool
ref_shown(ht *h, void *arg)
{
	struct ref_want *w = arg;

	return screen_ref(h, w->out, w->n);
}

/* Wait (up to 15 s) until the confirmation shows its reference number, then read
 * it once the child has stopped writing, so a row caught half painted is
 * never taken for the number. Use this, not screen_ref right after a key
 * or a fixed ht_wait_quiet: the submit commits (BEGIN IMMEDIATE, fsync)
 * before the confirmation is painted, and on a loaded machine that can
 * take longer than any quiet period. */
static inline bool
kiosk_wait_ref(ht *h, char *out, size_t n)
{
	struct ref_want w = { out, n };

	if (!ht_wait_until(h, ref_shown, &w, 15000))
		return false;
	ht_wait_quiet(h, 100);
	return screen_ref(h, out, n);
}

static inline bool
output_grew(ht *h, void *arg)
{
	return ht_bytes_read(h) > *(uint64_t *)arg;
}

/* Wait until the kiosk has opened (created, seeded) its database: it paints
 * the welcome first and reads no key before the open has finished
 * (kiosk.c, invariant 5), so the full redraw that Ctrl-L asks for proves
 * it. Call on the welcome screen, before open_db of a fresh kiosk. */
static inline void
kiosk_wait_open(ht *h)
{
	uint64_t before;

	HT_ASSERT_TEXT(h, "Welcome", KT);
	ht_wait_quiet(h, 50);
	before = ht_bytes_read(h);
	ht_ctrl(h, 'l');
	HT_ASSERT(h, ht_wait_until(h, output_grew, &before, KT));
	ht_wait_quiet(h, 50);
}

static inline store *
open_db(ht *h)
{
	struct store_opts o = { .create = false };
	char err[256];
	store *s = NULL;

	if (store_open(ht_db_path(h), &o, &s, err, sizeof err) != ST_OK)
		fail_msg("cannot open the test database: %s", err);
	return s;
}

/* Number of requests of any status in the database. */
static inline int
count_requests(store *s)
{
	struct queue_filter f = { .status = -2 };
	struct queue_row *rows = NULL;
	int n = 0;

	if (store_queue(s, &f, 0, 0, 1000, &rows, &n) != ST_OK)
		fail_msg("store_queue failed: %s", store_errmsg(s));
	queue_rows_free(rows, n);
	return n;
}

/* The cells text_layout makes of utf8 (app mode: visual, shaped), as UTF-8. */
static inline char *
visual_of(const char *utf8, text_dir dir)
{
	struct text_line l;
	char *out = calloc(1, 4096), *w = out;

	text_set_mode(BIDI_APP);
	text_layout(utf8, dir, &l);
	for (int i = 0; i < l.ncells; i++)
		for (int k = 0; k < TEXT_CELL_CHARS && l.cells[i].ch[k]; k++) {
			uint32_t c = l.cells[i].ch[k];
			if (c < 0x80) *w++ = (char)c;
			else if (c < 0x800) { *w++ = (char)(0xC0 | c >> 6); *w++ = (char)(0x80 | (c & 0x3F)); }
			else if (c < 0x10000) { *w++ = (char)(0xE0 | c >> 12); *w++ = (char)(0x80 | ((c >> 6) & 0x3F)); *w++ = (char)(0x80 | (c & 0x3F)); }
			else { *w++ = (char)(0xF0 | c >> 18); *w++ = (char)(0x80 | ((c >> 12) & 0x3F)); *w++ = (char)(0x80 | ((c >> 6) & 0x3F)); *w++ = (char)(0x80 | (c & 0x3F)); }
		}
	text_line_free(&l);
	return out;
}

/*
 * A terminal doing bidi itself, as mlterm 3.9 does it (its
 * vtemu/libctl/vt_bidi.c; read there, not taken from khidma): a row
 * without a right-to-left letter (R, AL — Arabic-Indic digits are AN and
 * do not count) is shown as written. A row holding box drawing or block
 * elements (U+2500-U+259F: frames, the field edges ▏ ▕) is cut at each of
 * them; every piece after the row's first R/AL letter (that letter's piece
 * included) is its own left-to-right paragraph, the box characters and
 * the pieces before stay in place. Any other row is one paragraph, its
 * direction from its first strong character (P2-P3): what VTE, Konsole
 * and PuTTY do with every row. On return lv[] holds each character's
 * level (0 where nothing moves; before L1, for shaping) and map[k] the
 * logical index of the character seen at k. n <= 512.
 */
static inline bool
bidi_term_order(const FriBidiChar *u, int n, FriBidiLevel *lv, FriBidiStrIndex *map)
{
	enum { W = 512 };
	FriBidiCharType t[W];
	FriBidiBracketType br[W];
	FriBidiLevel l1[W];
	bool box = false, rtl = false;
	int start = 0;

	if (n > W)
		return false;
	fribidi_get_bidi_types(u, n, t);
	fribidi_get_bracket_types(u, n, t, br);
	for (int i = 0; i < n; i++) {
		map[i] = i;
		lv[i] = 0;
		box = box || (u[i] >= 0x2500 && u[i] <= 0x259F);
		rtl = rtl || (t[i] & FRIBIDI_MASK_RTL) != 0;
	}
	if (!rtl)
		return true;
	if (!box) {
		FriBidiParType pd = FRIBIDI_PAR_ON;
		if (!fribidi_get_par_embedding_levels_ex(t, br, n, &pd, lv))
			return false;
		memcpy(l1, lv, (size_t)n * sizeof *lv);
		return fribidi_reorder_line(FRIBIDI_FLAGS_DEFAULT, t, n, 0, pd, l1,
		                            NULL, map) != 0;
	}
	rtl = false;
	for (int i = 0; i <= n; i++) {
		if (i < n && !(u[i] >= 0x2500 && u[i] <= 0x259F)) {
			rtl = rtl || (t[i] & FRIBIDI_MASK_RTL) != 0;
			continue;
		}
		if (rtl && i > start) {
			FriBidiParType pd = FRIBIDI_PAR_LTR;
			int len = i - start;
			if (!fribidi_get_par_embedding_levels_ex(t + start, br + start, len,
			                                         &pd, lv + start))
				return false;
			memcpy(l1 + start, lv + start, (size_t)len * sizeof *lv);
			if (!fribidi_reorder_line(FRIBIDI_FLAGS_DEFAULT, t + start, len, 0,
			                          pd, l1 + start, NULL, map + start))
				return false;
		}
		start = i + 1;
	}
	return true;
}

/*
 * --bidi=terminal: khidma writes each row so that a terminal doing bidi
 * itself shows the app-mode picture. What such a terminal shows:
 * bidi_term_order on the row (test_bidi_terminal's model, without
 * shaping). bidi_shown_col maps a written column to the shown one;
 * bidi_shown_text is the shown row as UTF-8 (base characters only; static
 * buffer).
 */
static inline int
bidi_shown_map(ht *h, int row, int *shown, FriBidiChar *u)
{
	enum { W = 256 };
	FriBidiLevel lv[W];
	FriBidiStrIndex map[W];
	VTermScreenCell cell;
	int n = ht_cols(h) < W ? ht_cols(h) : W;

	for (int i = 0; i < n; i++) {
		u[i] = ht_cell(h, row, i, &cell) && cell.chars[0] &&
		       cell.chars[0] != (uint32_t)-1 ? cell.chars[0] : ' ';
		shown[i] = i;
	}
	if (!bidi_term_order(u, n, lv, map))
		return n;
	for (int k = 0; k < n; k++)
		shown[map[k]] = k;
	return n;
}

static inline int
bidi_shown_col(ht *h, int row, int x)
{
	int shown[256];
	FriBidiChar u[256];
	int n = bidi_shown_map(h, row, shown, u);

	return x >= 0 && x < n ? shown[x] : x;
}

static inline const char *
bidi_shown_text(ht *h, int row)
{
	static char out[1024];
	int shown[256];
	FriBidiChar u[256], v[256];
	int n = bidi_shown_map(h, row, shown, u);
	char *w = out;

	for (int i = 0; i < n; i++)
		v[shown[i]] = u[i];
	for (int i = 0; i < n; i++) {
		uint32_t c = v[i];
		if (c < 0x80) *w++ = (char)c;
		else if (c < 0x800) { *w++ = (char)(0xC0 | c >> 6); *w++ = (char)(0x80 | (c & 0x3F)); }
		else { *w++ = (char)(0xE0 | c >> 12); *w++ = (char)(0x80 | ((c >> 6) & 0x3F)); *w++ = (char)(0x80 | (c & 0x3F)); }
	}
	*w = '\0';
	return out;
}

#endif
