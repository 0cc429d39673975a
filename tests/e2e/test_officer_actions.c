/*
 * test_officer_actions — the console's safer actions (issue 10 finding 9,
 * issue 15 #13), on the real binary:
 *
 *  - every entry of the actions menu keeps one key whatever the status:
 *    the menu is read at "received" and again at "verified", and each
 *    label present in both has the same key beside it (before: position
 *    numbers, 3 was "Refer" on a received request and "Withdrawn" on a
 *    verified one); the letter the same key types on the Arabic keyboard
 *    chooses it too;
 *  - withdraw asks for a reason (required) and then "Withdraw this
 *    request?" with No selected: No keeps the reason in the field and
 *    changes nothing; Yes withdraws, and the reason is in the history;
 *    an officer is not offered "Reopen", an admin is, with a required
 *    reason: the request is back where it was, the reason in the history;
 *  - a stale action (someone else changed the request while the note was
 *    typed) says the action was NOT applied and the new status, and the
 *    note stays in the field (before: "reloaded", the note gone);
 *  - a refused action (the committee's accept inside the study period)
 *    says why with the date and keeps the typed reason in the field;
 *  - a search that fails (the name index damaged under the console) keeps
 *    its text in the prompt and says why (before: the prompt closed);
 *  - disk full (root: the database on a small tmpfs, filled up by the
 *    test): an internal note and an intake on someone's behalf fail with
 *    "The disk is full", everything typed stays, and F5 after room is
 *    made saves it once.
 */
#include "e2e/test_officer_fixture.h"

#include <errno.h>
#include <wchar.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sqlite3.h>
#include "workflow/workflow.h"

/* src/officer/request.h (private to the console; the test links it). */
wchar_t oc_action_key(int entry, wchar_t *ar);

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

/* The key in front of each label of the actions menu on screen (0 when
 * the label is not offered). labels[] are English msgids. */
static void read_keys(ht *h, const char *const *labels, int n, char *keys)
{
	for (int i = 0; i < n; i++) {
		keys[i] = 0;
		for (int row = 1; row < ht_rows(h) - 2; row++) {
			const char *t = ht_screen_text(h, row), *p = strstr(t, labels[i]);

			if (p != NULL && p - t >= 2 && p[-1] == ' ')
				keys[i] = p[-2];
		}
	}
}

static void mark_required(ht *h)
{
	ht_key(h, HT_KEY_TAB);
	HT_ASSERT_TEXT(h, "In the register", T);
	for (int i = 0; i < 4; i++)
		ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "Not saved yet", T);
	ht_key(h, HT_KEY_F(5));
	HT_ASSERT_TEXT(h, "Register check saved.", T);
	ht_key(h, HT_KEY_TAB);
	ht_key(h, HT_KEY_TAB);
}

static void keys_do_not_move_with_the_status(void **state)
{
	struct ofx *f = *state;
	const char *labels[WF__COUNT + 2];
	char k_recv[WF__COUNT + 2], k_ver[WF__COUNT + 2], ref[16];
	int n = 0, common = 0;
	int64_t id = ofx_submit(f, "Reem Alshehri", 41, true, ref);
	ht *h = ofx_session(f, "admin1", "en", NULL, 30, 100);

	for (int a = 0; a < WF__COUNT; a++)
		labels[n++] = wf_table()[a].name;
	labels[n++] = "Assign to an officer";
	labels[n++] = "Add an internal note";

	ofx_login(h, PW);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "— Received", T);
	mark_required(h);
	ht_key(h, HT_KEY_F1);
	HT_ASSERT_TEXT(h, "Actions", T);
	HT_ASSERT_TEXT(h, "Add an internal note", T);
	read_keys(h, labels, n, k_recv);
	/* the Arabic letter on the key of Verify chooses Verify */
	assert_true(k_recv[WF_VERIFY] != 0);
	{
		wchar_t ar = 0;
		char u8[3];

		assert_int_equal(oc_action_key(WF_VERIFY, &ar), (wchar_t)k_recv[WF_VERIFY]);
		assert_true(ar >= 0x80 && ar < 0x800);     /* an Arabic letter: 2 bytes */
		u8[0] = (char)(0xc0 | (ar >> 6));
		u8[1] = (char)(0x80 | (ar & 0x3f));
		u8[2] = '\0';
		ht_keys(h, u8);
	}
	HT_ASSERT_TEXT(h, "(optional)", T);
	ht_key(h, HT_KEY_F(5));
	HT_ASSERT_TEXT(h, "Done.", T);
	HT_ASSERT_TEXT(h, "— Verified", T);
	assert_int_equal(ofx_status(f, id), RS_VERIFIED);

	ht_key(h, HT_KEY_F1);
	HT_ASSERT_TEXT(h, "Actions", T);
	HT_ASSERT_TEXT(h, "Add an internal note", T);
	read_keys(h, labels, n, k_ver);
	for (int i = 0; i < n; i++) {
		if (k_recv[i] == 0 || k_ver[i] == 0)
			continue;
		common++;
		if (k_recv[i] != k_ver[i])
			fail_msg("\"%s\" is %c on a received request but %c on a verified one",
			         labels[i], k_recv[i], k_ver[i]);
	}
	/* withdraw, refer, assign and note are offered in both */
	assert_true(common >= 4);
	/* and no two entries share a key */
	for (int i = 0; i < n; i++)
		for (int j = 0; j < i; j++)
			if (k_ver[i] != 0 && k_ver[i] == k_ver[j])
				fail_msg("\"%s\" and \"%s\" share %c", labels[i], labels[j], k_ver[i]);
	print_message("%d entries with the same key at received and verified\n", common);
	ht_key(h, HT_KEY_ESC);
	ht_end(h);
}

/* The queue's menu: the same key for the same command whatever the role
 * (before: "5 Reports" for an officer, "4 Reports" for the committee,
 * whose menu has no "New request"); the key works in the queue itself. */
static void menu_keys_do_not_move_with_the_role(void **state)
{
	struct ofx *f = *state;
	const char *labels[] = { "Search", "Filter", "Reports", "Refresh", "Log out" };
	char k[2][5], ref[16];
	const char *who[2] = { "ali", "omar" };

	ofx_submit(f, "Wafa Alqarni", 47, true, ref);
	for (int i = 0; i < 2; i++) {
		ht *h = ofx_session(f, who[i], "en", NULL, 24, 100);

		ofx_login(h, PW);
		ht_key(h, HT_KEY_F1);
		HT_ASSERT_TEXT(h, "Menu", T);
		HT_ASSERT_TEXT(h, "Log out", T);
		read_keys(h, labels, 5, k[i]);
		ht_key(h, HT_KEY_ESC);
		HT_ASSERT_GONE(h, "Menu", T);
		if (i == 1) {
			/* the key works in the queue itself, in either case */
			char key[2] = { (char)(k[1][2] | 0x20), 0 };

			ht_keys(h, key);
			HT_ASSERT_ROW(h, 0, "Reports", T);
		}
		ht_end(h);
	}
	for (int j = 0; j < 5; j++) {
		assert_true(k[0][j] != 0);
		if (k[0][j] != k[1][j])
			fail_msg("\"%s\" is %c for an officer but %c for the committee", labels[j],
			         k[0][j], k[1][j]);
	}
}

static void withdraw_needs_a_reason_and_a_yes(void **state)
{
	struct ofx *f = *state;
	char ref[16], key[2] = { 0 };
	const char *labels[1] = { "Withdrawn by the member" };
	int64_t id = ofx_submit(f, "Maha Alghamdi", 42, true, ref);
	ht *h = ofx_session(f, "ali", "en", NULL, 24, 80);

	ofx_login(h, PW);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "— Received", T);
	ht_key(h, HT_KEY_F1);
	HT_ASSERT_TEXT(h, labels[0], T);
	read_keys(h, labels, 1, key);
	assert_true(key[0] != 0);
	ht_keys(h, key);
	HT_ASSERT_TEXT(h, "required", T);
	ht_key(h, HT_KEY_F(5));                     /* no reason: refused */
	HT_ASSERT_TEXT(h, "Please fill this in.", T);
	ht_keys(h, "The member found another supplier");
	ht_key(h, HT_KEY_F(5));
	HT_ASSERT_TEXT(h, "Withdraw this request?", T);
	ht_key(h, HT_KEY_ENTER);                    /* No is selected first */
	HT_ASSERT_TEXT(h, "Not withdrawn.", T);
	HT_ASSERT_TEXT(h, "The member found another supplier", T);
	assert_int_equal(ofx_status(f, id), RS_RECEIVED);
	ht_key(h, HT_KEY_F(5));
	HT_ASSERT_TEXT(h, "Withdraw this request?", T);
	ht_keys(h, "1");                            /* Yes */
	HT_ASSERT_TEXT(h, "Done.", T);
	HT_ASSERT_TEXT(h, "— Withdrawn", T);
	assert_int_equal(ofx_status(f, id), RS_WITHDRAWN);
	ht_key(h, HT_KEY_TAB);
	ht_key(h, HT_KEY_TAB);
	HT_ASSERT_TEXT(h, "The member found another supplier", T);
	/* an officer cannot reopen it: only an admin */
	ht_key(h, HT_KEY_F1);
	HT_ASSERT_TEXT(h, "Add an internal note", T);
	HT_ASSERT(h, ofx_row_of(h, "Reopen") < 0);
	ht_key(h, HT_KEY_ESC);
	ht_end(h);

	/* the admin reopens it with a reason (required), audited */
	h = ofx_session(f, "admin1", "en", NULL, 24, 80);
	ofx_login(h, PW);
	ht_keys(h, "f");                            /* Filter: Status: All requests */
	HT_ASSERT_TEXT(h, "Filter the requests", T);
	HT_ASSERT(h, ofx_choose(h, "Status: Open requests"));
	HT_ASSERT_TEXT(h, "All requests", T);
	ht_key(h, HT_KEY_DOWN);                     /* the second entry */
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "Status: All requests", T);
	ht_key(h, HT_KEY_ESC);
	HT_ASSERT_TEXT(h, "Maha", T);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "— Withdrawn", T);
	ht_key(h, HT_KEY_F1);
	HT_ASSERT(h, ofx_choose(h, "Reopen the withdrawn request"));
	HT_ASSERT_TEXT(h, "required", T);
	ht_key(h, HT_KEY_F(5));
	HT_ASSERT_TEXT(h, "Please fill this in.", T);
	assert_int_equal(ofx_status(f, id), RS_WITHDRAWN);
	ht_keys(h, "Withdrawn by mistake: the member called back");
	ht_key(h, HT_KEY_F(5));
	HT_ASSERT_TEXT(h, "Done.", T);
	HT_ASSERT_TEXT(h, "— Received", T);
	assert_int_equal(ofx_status(f, id), RS_RECEIVED);
	ht_key(h, HT_KEY_TAB);
	ht_key(h, HT_KEY_TAB);
	HT_ASSERT_TEXT(h, "admin1 · Withdrawn → Received", T);
	HT_ASSERT_TEXT(h, "Withdrawn by mistake: the member called back", T);
	ht_end(h);
}

static void stale_action_keeps_the_note(void **state)
{
	struct ofx *f = *state;
	char ref[16], key[2] = { 0 };
	const char *labels[1] = { "Ask for information" };
	int64_t id = ofx_submit(f, "Lama Alzahrani", 43, true, ref);
	ht *h = ofx_session(f, "ali", "en", NULL, 24, 80);
	struct officer other = { 0 };
	struct request r = { 0 };
	store *s;

	ofx_login(h, PW);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "— Received", T);
	ht_key(h, HT_KEY_F1);
	HT_ASSERT_TEXT(h, labels[0], T);
	read_keys(h, labels, 1, key);
	ht_keys(h, key);
	/* what is needed: nothing ticked, then the words */
	HT_ASSERT_TEXT(h, "What is needed from the member?", T);
	HT_ASSERT(h, ofx_choose(h, "Continue: what else is needed"));
	HT_ASSERT_TEXT(h, "What is needed, in words", T);
	ht_keys(h, "Please bring the lease contract");
	HT_ASSERT_TEXT(h, "Please bring the lease contract", T);

	/* meanwhile another officer asks for information first */
	s = ofx_open(f);
	assert_int_equal(store_officer_get(s, "admin1", &other), ST_OK);
	assert_int_equal(store_request_get(s, id, &r), ST_OK);
	assert_int_equal(wf_apply(s, &r, WF_ASK_INFO, &other, "Phoned: ID copy missing"), ST_OK);
	request_free(&r);
	officer_free(&other);
	store_close(s);

	ht_key(h, HT_KEY_F(5));
	HT_ASSERT_TEXT(h, "not applied", T);
	HT_ASSERT_TEXT(h, "Needs information", T);
	HT_ASSERT_TEXT(h, "what you typed is kept", T);
	HT_ASSERT_TEXT(h, "Please bring the lease contract", T);   /* still in the field */
	assert_int_equal(ofx_status(f, id), RS_NEEDS_INFO);
	/* Esc on a typed note asks first; No keeps it */
	ht_key(h, HT_KEY_ESC);
	HT_ASSERT_TEXT(h, "Discard what you typed?", T);
	ht_key(h, HT_KEY_ENTER);                    /* No is selected first */
	HT_ASSERT_GONE(h, "Discard what you typed?", T);
	HT_ASSERT_TEXT(h, "Please bring the lease contract", T);
	ht_key(h, HT_KEY_ESC);
	HT_ASSERT_TEXT(h, "Discard what you typed?", T);
	ht_keys(h, "1");
	HT_ASSERT_TEXT(h, "— Needs information", T);
	ht_end(h);
}

/* A refused action keeps its text too: the committee's accept on day 0
 * (the study period) says the date and leaves the typed reason in the
 * field (before: the prompt closed and the reason was gone). */
static void refused_decision_keeps_the_reason(void **state)
{
	struct ofx *f = *state;
	char ref[16];
	int64_t id = ofx_submit(f, "Ghada Alshammari", 48, true, ref);
	struct request r = { 0 };
	struct officer o = { 0 };
	store *s = ofx_open(f);
	ht *h;

	/* verified and forwarded by ali through the workflow API */
	assert_int_equal(store_officer_get(s, "ali", &o), ST_OK);
	assert_int_equal(store_request_get(s, id, &r), ST_OK);
	assert_int_equal(store_request_set_match(s, id, r.version, "ali",
	                 "name=1,national_id=1,mobile=1,category=1,member_number=1", 0), ST_OK);
	request_free(&r);
	assert_int_equal(store_request_get(s, id, &r), ST_OK);
	assert_int_equal(wf_apply(s, &r, WF_VERIFY, &o, NULL), ST_OK);
	assert_int_equal(wf_apply(s, &r, WF_FORWARD, &o, NULL), ST_OK);
	request_free(&r);
	officer_free(&o);
	store_close(s);

	h = ofx_session(f, "omar", "en", NULL, 24, 80);
	ofx_login(h, PW);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "— At the committee", T);
	ht_key(h, HT_KEY_F1);
	HT_ASSERT(h, ofx_choose(h, "Accept"));
	HT_ASSERT_TEXT(h, "required", T);
	ht_keys(h, "All papers complete");
	ht_key(h, HT_KEY_F(5));
	HT_ASSERT_TEXT(h, "No decision before", T);
	HT_ASSERT_TEXT(h, "what you typed is kept", T);
	HT_ASSERT_TEXT(h, "All papers complete", T);
	assert_int_equal(ofx_status(f, id), RS_COMMITTEE);
	ht_end(h);
}

/* A search that fails (the name index damaged under the console: FTS5's
 * structure record deleted) keeps its text in the field. */
static void failed_search_keeps_the_text(void **state)
{
	struct ofx *f = *state;
	char ref[16];
	sqlite3 *db;
	ht *h;

	ofx_submit(f, "Hind Alsubaie", 46, true, ref);
	h = ofx_session(f, "ali", "en", NULL, 24, 80);
	ofx_login(h, PW);
	HT_ASSERT_TEXT(h, "Hind Alsu", T);
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "DELETE FROM requests_name_fts_data "
	                              "WHERE id = 10", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	ht_keys(h, "/");
	HT_ASSERT_TEXT(h, "Reference, name", T);
	ht_keys(h, "Alsubaie");
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "what you typed is kept", T);
	HT_ASSERT_TEXT(h, "Reference, name", T);    /* still the search prompt */
	HT_ASSERT_TEXT(h, "Alsubaie", T);
	print_message("search failure shown as: %s\n", ht_screen_text(h, ht_rows(h) - 2));
	ht_end(h);
}

/* ---- disk full --------------------------------------------------------------- */

struct full { struct ofx f; char mnt[400], filler[420]; };

/* The fixture with its database on an 8 MB tmpfs; false (skip) when not root. */
static bool full_setup(struct full *x)
{
	struct ofx *f = &x->f;

	if (geteuid() != 0)
		return false;
	f->base = ht_new(24, 80);
	snprintf(x->mnt, sizeof x->mnt, "%s", ht_path(f->base, "mnt"));
	assert_int_equal(mkdir(x->mnt, 0700), 0);
	if (mount("khidma-full", x->mnt, "tmpfs", 0, "size=8m,mode=0700") != 0) {
		print_message("cannot mount a tmpfs: %s\n", strerror(errno));
		ht_end(f->base);
		return false;
	}
	snprintf(f->db, sizeof f->db, "%s/khidma.db", x->mnt);
	snprintf(f->conf, sizeof f->conf, "%s", ht_config_path(f->base));
	snprintf(x->filler, sizeof x->filler, "%s/filler", x->mnt);
	assert_true(ht_write_file(f->base, "khidma.conf", ""));
	ofx_sh("'%s' --db '%s' --config '%s' init >/dev/null", ofx_bin(), f->db, f->conf);
	ofx_officer_add(f, "ali", "Ali Officer", "officer");
	return true;
}

static void fill_up(struct full *x)
{
	char block[65536];
	int fd = open(x->filler, O_WRONLY | O_CREAT, 0600);

	assert_true(fd >= 0);
	memset(block, 'x', sizeof block);
	for (size_t sz = sizeof block; sz >= 1; )
		if (write(fd, block, sz) < 0)
			sz /= 2;
	close(fd);
}

static void full_teardown(struct full *x)
{
	umount2(x->mnt, MNT_DETACH);
	ht_end(x->f.base);
}

static int count_rows(struct ofx *f, const char *sql_like_note)
{
	store *s = ofx_open(f);
	struct request_event *ev = NULL;
	struct queue_filter qf = { .status = -2 };
	struct queue_row *rows = NULL;
	int n = 0, nev = 0, hits = 0;

	assert_int_equal(store_queue(s, &qf, 0, 0, 10, &rows, &n), ST_OK);
	for (int i = 0; i < n; i++) {
		assert_int_equal(store_request_events(s, rows[i].id, &ev, &nev), ST_OK);
		for (int j = 0; j < nev; j++)
			if (ev[j].note != NULL && strstr(ev[j].note, sql_like_note) != NULL)
				hits++;
		request_events_free(ev, nev);
	}
	queue_rows_free(rows, n);
	store_close(s);
	return hits;
}

static void disk_full_keeps_the_note(void **state)
{
	struct full x = { 0 };
	char ref[16];
	ht *h;

	(void)state;
	if (!full_setup(&x)) {
		print_message("SKIPPED: disk full needs root to mount a small tmpfs\n");
		skip();
		return;
	}
	ofx_submit(&x.f, "Amal Alharthi", 44, true, ref);
	h = ofx_session(&x.f, "ali", "en", NULL, 24, 80);
	ofx_login(h, PW);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "— Received", T);
	ht_key(h, HT_KEY_F1);
	HT_ASSERT(h, ofx_choose(h, "Add an internal note"));
	HT_ASSERT_TEXT(h, "the member never sees it", T);
	ht_keys(h, "Visited the branch on Sunday with the papers");
	fill_up(&x);
	ht_key(h, HT_KEY_F(5));
	HT_ASSERT_TEXT(h, "The disk is full", ht_timeout(15000));
	HT_ASSERT_TEXT(h, "what you typed is kept", T);
	HT_ASSERT_TEXT(h, "Visited the branch on Sunday with the papers", T);
	assert_int_equal(unlink(x.filler), 0);      /* make room */
	ht_key(h, HT_KEY_F(5));
	HT_ASSERT_TEXT(h, "Note added.", ht_timeout(15000));
	assert_int_equal(count_rows(&x.f, "Visited the branch on Sunday"), 1);
	ht_hangup(h);
	ht_wait_exit(h, ht_timeout(3000), NULL);
	ht_end(h);
	full_teardown(&x);
}

static void disk_full_keeps_the_intake(void **state)
{
	struct full x = { 0 };
	char nid[11];
	ht *h;

	(void)state;
	if (!full_setup(&x)) {
		print_message("SKIPPED: disk full needs root to mount a small tmpfs\n");
		skip();
		return;
	}
	ofx_nid(45, nid);
	h = ofx_session(&x.f, "ali", "en", NULL, 30, 100);
	ofx_intake_by_phone(h, "Salma Alanazi", nid, "Roof leaking over the kitchen, by phone.");
	ht_key(h, HT_KEY_F(5));
	HT_ASSERT_TEXT(h, "Read the declaration to the applicant", T);
	fill_up(&x);
	ht_key(h, HT_KEY_F(5));
	HT_ASSERT_TEXT(h, "The disk is full", ht_timeout(15000));
	HT_ASSERT_TEXT(h, "Salma Alanazi", T);      /* the signature is still there */
	ht_key(h, HT_KEY_ESC);                      /* back to the form: all of it */
	HT_ASSERT_TEXT(h, "Roof leaking over the kitchen", T);
	HT_ASSERT_TEXT(h, "0551234567", T);
	ht_key(h, HT_KEY_F(5));
	HT_ASSERT_TEXT(h, "Read the declaration to the applicant", T);
	assert_int_equal(unlink(x.filler), 0);
	ht_key(h, HT_KEY_F(5));
	HT_ASSERT_TEXT(h, "Request saved", ht_timeout(15000));
	{
		store *s = ofx_open(&x.f);
		struct queue_filter qf = { .status = -2 };
		struct queue_row *rows = NULL;
		int n = 0;

		assert_int_equal(store_queue(s, &qf, 0, 0, 10, &rows, &n), ST_OK);
		assert_int_equal(n, 1);
		queue_rows_free(rows, n);
		store_close(s);
	}
	ht_hangup(h);
	ht_wait_exit(h, ht_timeout(3000), NULL);
	ht_end(h);
	full_teardown(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(keys_do_not_move_with_the_status, setup, teardown),
		cmocka_unit_test_setup_teardown(menu_keys_do_not_move_with_the_role, setup, teardown),
		cmocka_unit_test_setup_teardown(withdraw_needs_a_reason_and_a_yes, setup, teardown),
		cmocka_unit_test_setup_teardown(stale_action_keeps_the_note, setup, teardown),
		cmocka_unit_test_setup_teardown(refused_decision_keeps_the_reason, setup, teardown),
		cmocka_unit_test_setup_teardown(failed_search_keeps_the_text, setup, teardown),
		cmocka_unit_test(disk_full_keeps_the_note),
		cmocka_unit_test(disk_full_keeps_the_intake),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
