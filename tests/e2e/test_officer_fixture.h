/*
 * test_officer_fixture — shared by the officer console's e2e tests: one
 * database in a temp directory made with the real CLI (`khidma init`,
 * `khidma officer add` with the password on stdin), requests submitted
 * through the store API, and officer sessions started under the libvterm
 * harness as a given officer (KHIDMA_OFFICER_LOGIN, honoured only because
 * the binary runs from the source tree — see src/officer/login.c).
 */
#ifndef KHIDMA_TEST_OFFICER_FIXTURE_H
#define KHIDMA_TEST_OFFICER_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/util.h"
#include "core/validate.h"
#include "store/store.h"
#include "e2e/harness.h"

#define OFX static __attribute__((unused))
#define T  8000                        /* ms: a wait usually takes < 100 */
#define PW "Khidma-Test-2026!"          /* strong enough for password_weak */

struct ofx {
	ht   *base;                        /* owns the temp directory */
	char  db[512], conf[512];
};

OFX void ofx_sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		fail_msg("command failed: %s", cmd);
}

OFX const char *ofx_bin(void)
{
	const char *b = getenv("KHIDMA_BIN");

	if (b == NULL)
		fail_msg("KHIDMA_BIN is not set (run through tests/run.sh)");
	return b;
}

OFX void ofx_officer_add(struct ofx *f, const char *login, const char *name,
                         const char *role)
{
	ofx_sh("printf '%%s\\n%%s\\n' '%s' '%s' | '%s' --db '%s' --config '%s' "
	       "officer add %s --name '%s' --role %s >/dev/null",
	       PW, PW, ofx_bin(), f->db, f->conf, login, name, role);
}

OFX void ofx_setup(struct ofx *f)
{
	f->base = ht_new(24, 80);
	snprintf(f->db, sizeof f->db, "%s", ht_db_path(f->base));
	snprintf(f->conf, sizeof f->conf, "%s", ht_config_path(f->base));
	assert_true(ht_write_file(f->base, "khidma.conf", ""));
	ofx_sh("'%s' --db '%s' --config '%s' init >/dev/null", ofx_bin(), f->db, f->conf);
	ofx_officer_add(f, "ali", "Ali Officer", "officer");
	ofx_officer_add(f, "sara", "Sara Researcher", "researcher");
	ofx_officer_add(f, "omar", "Omar Committee", "committee");
	ofx_officer_add(f, "admin1", "Head Admin", "admin");
}

OFX void ofx_teardown(struct ofx *f)
{
	ht_end(f->base);
}

OFX store *ofx_open(struct ofx *f)
{
	struct store_opts o = { .create = false, .busy_ms = 10000 };
	char err[256];
	store *s = NULL;

	if (store_open(f->db, &o, &s, err, sizeof err) != ST_OK)
		fail_msg("store_open: %s", err);
	return s;
}

/* A valid national ID (first digit 1, Luhn) from a seed. */
OFX void ofx_nid(int seed, char out[11])
{
	unsigned body = (unsigned)seed % 100000000u;

	for (unsigned d = 0; d <= 9; d++) {
		snprintf(out, 11, "1%08u%u", body, d % 10u);
		if (luhn_valid(out))
			return;
	}
	fail_msg("no Luhn digit for %d", seed);
}

/* Submit a request as the kiosk would (declaration signed); returns the
 * reference in ref (>= 16 bytes) and the id. Also puts the applicant in
 * the member register when in_register. */
OFX int64_t ofx_submit(struct ofx *f, const char *name, int seed, bool in_register,
                       char *ref)
{
	store *s = ofx_open(f);
	struct catalog_item *svc = NULL;
	struct request r = { 0 };
	int n = 0;
	int64_t id;

	assert_int_equal(store_catalog_list(s, "service", false, &svc, &n), ST_OK);
	assert_true(n > 0);
	strcpy(r.category, "member");
	r.name = (char *)name;
	ofx_nid(seed, r.national_id);
	snprintf(r.mobile, sizeof r.mobile, "05512%05d", seed % 100000);
	r.email = "";
	snprintf(r.member_number, sizeof r.member_number, "%d", 7000 + seed);
	strlcpy_k(r.service, svc[0].code, sizeof r.service);
	strcpy(r.channel, "in_person");
	r.description = "Maintenance of the air conditioner in the house.";
	r.declared_at = khidma_now();
	r.signature = (char *)name;
	r.declaration_version = 1;
	strcpy(r.declared_by, "kiosk");
	if (in_register) {
		struct member m = { 0 };
		snprintf(m.number, sizeof m.number, "%d", 7000 + seed);
		m.name = (char *)name;
		strlcpy_k(m.national_id, r.national_id, sizeof m.national_id);
		strlcpy_k(m.mobile, r.mobile, sizeof m.mobile);
		strcpy(m.category, "member");
		assert_int_equal(store_import_begin(s), ST_OK);
		assert_int_equal(store_import_member(s, &m), ST_OK);
		assert_int_equal(store_import_commit(s), ST_OK);
	}
	assert_int_equal(store_request_submit(s, &r, "kiosk"), ST_OK);
	strcpy(ref, r.ref);
	id = r.id;
	catalog_items_free(svc, n);
	store_close(s);
	return id;
}

OFX req_status ofx_status(struct ofx *f, int64_t id)
{
	store *s = ofx_open(f);
	struct request r = { 0 };
	req_status st;

	assert_int_equal(store_request_get(s, id, &r), ST_OK);
	st = r.status;
	request_free(&r);
	store_close(s);
	return st;
}

/* ASCII digits → Arabic-Indic (U+0660..U+0669) as UTF-8, the rest as it
 * is: what an Arabic screen shows under arabic_digits = "eastern" (the
 * default). Static buffer, valid until the next call. */
OFX const char *ofx_eastern(const char *ascii)
{
	static char out[512];
	char *w = out;

	for (const char *p = ascii; *p && w < out + sizeof out - 3; p++) {
		if (*p >= '0' && *p <= '9') {
			*w++ = (char)0xD9;
			*w++ = (char)(0xA0 + (*p - '0'));
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
	return out;
}

/* Start `khidma officer` as login (lang "en" or "ar"), bidi "app" (NULL) or
 * "terminal", with one extra environment entry (or NULL). */
OFX ht *ofx_session_env(struct ofx *f, const char *login, const char *lang,
                        const char *bidi, int rows, int cols, const char *extra)
{
	char env[128], bidiarg[32];
	const char *argv[12];
	int n = 0;
	ht *h = ht_new(rows, cols);

	snprintf(env, sizeof env, "KHIDMA_OFFICER_LOGIN=%s", login);
	snprintf(bidiarg, sizeof bidiarg, "--bidi=%s", bidi ? bidi : "app");
	argv[n++] = ofx_bin();
	argv[n++] = "--db"; argv[n++] = f->db;
	argv[n++] = "--config"; argv[n++] = f->conf;
	argv[n++] = "--lang"; argv[n++] = lang;
	argv[n++] = bidiarg;
	argv[n++] = "officer";
	argv[n] = NULL;
	const char *envv[] = { env, extra, NULL };
	assert_true(ht_spawn(h, argv, envv));
	return h;
}

OFX ht *ofx_session(struct ofx *f, const char *login, const char *lang,
                    const char *bidi, int rows, int cols)
{
	return ofx_session_env(f, login, lang, bidi, rows, cols, NULL);
}

/* Type the password and wait for the queue. */
OFX void ofx_login(ht *h, const char *pw)
{
	HT_ASSERT_TEXT(h, "Password", T);
	ht_keys(h, pw);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "Requests", T);
}

/* Press the key shown in front of the menu item labelled `label`: its
 * number, or its fixed letter (the actions menu). */
OFX bool ofx_choose(ht *h, const char *label)
{
	for (int tries = 0; tries < 50; tries++) {
		for (int row = 0; row < ht_rows(h); row++) {
			const char *t = ht_screen_text(h, row), *p = strstr(t, label);
			if (p != NULL && p - t >= 2 && p[-1] == ' ' && isalnum((unsigned char)p[-2]) &&
			    (p - t == 2 || !isalnum((unsigned char)p[-3]))) {
				char k[2] = { p[-2], 0 };
				return ht_keys(h, k);
			}
		}
		ht_pump(h, 100);
	}
	return false;
}

/* Switch the queue to the view named `view` ("Open", "All", "Overdue",
 * "Waiting for me") with V; the header marks it "[view ". */
OFX bool ofx_view(ht *h, const char *view)
{
	char mark[64];

	snprintf(mark, sizeof mark, "[%s ", view);
	for (int i = 0; i < 5; i++) {
		if (ht_wait_text(h, mark, i == 0 ? 300 : 2000))
			return true;
		ht_keys(h, "v");
	}
	return false;
}

/* The row holding text, or -1. */
OFX int ofx_row_of(ht *h, const char *text)
{
	for (int row = 0; row < ht_rows(h); row++)
		if (strstr(ht_screen_text(h, row), text) != NULL)
			return row;
	return -1;
}

/* The first column of the first row of sql (a count) on the database, -1
 * when there is no row. */
OFX int64_t ofx_count(struct ofx *f, const char *sql)
{
	store *s = ofx_open(f);
	sqlite3_stmt *st;
	int64_t n = -1;

	assert_int_equal(sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	store_close(s);
	return n;
}

/* A kiosk (rows×80, English) on the test database at its tracking screen
 * for ref and the mobile ending in last4, once "Status:" shows. */
OFX ht *ofx_track(struct ofx *f, const char *ref, const char *last4, int rows)
{
	const char *argv[] = { ofx_bin(), "--db", f->db, "--config", f->conf, NULL };
	ht *k = ht_new(rows, 80);

	assert_true(ht_spawn(k, argv, NULL));
	HT_ASSERT_TEXT(k, "Welcome", T);
	ht_keys(k, "2");                            /* English */
	HT_ASSERT_TEXT(k, "Track my request", T);
	HT_ASSERT(k, ofx_choose(k, "Track my request"));
	HT_ASSERT_TEXT(k, "Reference number", T);
	ht_keys(k, ref);
	ht_key(k, HT_KEY_ENTER);
	ht_keys(k, last4);
	ht_key(k, HT_KEY_ENTER);
	HT_ASSERT_TEXT(k, "Status:", T);
	return k;
}

/* Log in, open the on-behalf form (N) and type a supporter's request —
 * name, national ID nid, 0551234567, no e-mail, the first service, by
 * phone call — up to and with its description. */
OFX void ofx_intake_by_phone(ht *h, const char *name, const char *nid,
                             const char *description)
{
	ofx_login(h, PW);
	ht_keys(h, "n");
	HT_ASSERT_TEXT(h, "New request on someone's behalf", T);
	ht_keys(h, "2");                            /* a supporter: no membership no. */
	ht_key(h, HT_KEY_TAB);
	ht_keys(h, name);
	ht_key(h, HT_KEY_TAB);
	ht_keys(h, nid);
	ht_key(h, HT_KEY_TAB);
	ht_keys(h, "0551234567");
	ht_key(h, HT_KEY_TAB);
	ht_key(h, HT_KEY_TAB);                      /* no e-mail */
	ht_keys(h, "1");                            /* the first service */
	ht_key(h, HT_KEY_TAB);
	ht_keys(h, "2");                            /* channel 2: phone call */
	HT_ASSERT_TEXT(h, "Phone call", T);
	ht_key(h, HT_KEY_TAB);
	ht_keys(h, description);
}

#endif
