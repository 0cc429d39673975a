/*
 * test_pg_flow — issue 13's "kiosk → officer → tracking e2e flow on
 * PostgreSQL": every part is the real khidma binary on one fresh database of
 * the run's server (KHIDMA_TEST_PG, started by tests/run.sh; without it the
 * test fails, never skips), through its postgresql:// URI.
 *
 *  - kiosk_to_delivery: `khidma init` and `khidma officer add` on the URI;
 *    a visitor submits at the kiosk (--db postgresql://…) and gets a
 *    reference; Ali (officer) checks the register and verifies, refers to
 *    Sara (researcher) — whose queue follows by itself — who explains it
 *    back; Ali forwards it; Omar (committee) accepts with a reason; Ali
 *    completes the registration and records the delivery. After the
 *    submission and after every step the same kiosk's tracking screen shows
 *    the visitor the status the step made ("Status: …" and the stored
 *    status read back through the store on the same URI), and at the end
 *    the request's history on the server holds one event per step, in
 *    order, by whom it was made.
 *
 * The officer consoles run 15 days ahead (KHIDMA_FAKE_NOW=+15): the
 * committee may not decide before the earliest-response date, and the steps
 * keep their order in time.
 */
#include "unit/store_fixture.h"
#include "e2e/test_officer_fixture.h"

#include <sys/wait.h>

struct flow {
	struct ofx f;                      /* f.db is the URI */
	char  pgname[64];
};

static int setup(void **state)
{
	struct flow *w = calloc(1, sizeof *w);

	if (!fx_pg_uri())
		fail_msg("KHIDMA_TEST_PG is not set: run through tests/run.sh");
	fx_pg_create(w->pgname, sizeof w->pgname, w->f.db, sizeof w->f.db);
	w->f.base = ht_new(24, 80);
	snprintf(w->f.conf, sizeof w->f.conf, "%s", ht_config_path(w->f.base));
	assert_true(ht_write_file(w->f.base, "khidma.conf",
	                          "idle_timeout = 600;\nconfirm_timeout = 600;\n"));
	ofx_sh("'%s' --db '%s' --config '%s' init >/dev/null", ofx_bin(),
	       w->f.db, w->f.conf);
	ofx_officer_add(&w->f, "ali", "Ali Officer", "officer");
	ofx_officer_add(&w->f, "sara", "Sara Researcher", "researcher");
	ofx_officer_add(&w->f, "omar", "Omar Committee", "committee");
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct flow *w = *state;

	ht_end_all();
	if (w->pgname[0])
		fx_pg_drop(w->pgname);
	free(w);
	return 0;
}

/* The kiosk on the server's URI, English, at its home screen. */
static ht *kiosk_on(struct flow *w)
{
	const char *argv[] = { ofx_bin(), "--db", w->f.db, "--config", w->f.conf,
	                       NULL };
	ht *k = ht_new(24, 80);

	assert_true(ht_spawn(k, argv, NULL));
	HT_ASSERT_TEXT(k, "Welcome", T);
	ht_keys(k, "2");                            /* English */
	HT_ASSERT_TEXT(k, "New service request", T);
	return k;
}

/* A whole reference (8+ digits alone on a row) on the confirmation. */
static bool ref_on_screen(ht *h, void *arg)
{
	char *out = arg;

	for (int r = 0; r < ht_rows(h); r++) {
		const char *t = ht_screen_text(h, r);
		size_t n;

		while (*t == ' ')
			t++;
		n = strspn(t, "0123456789");
		if (n >= 8 && n < 16 && t[n] == '\0') {
			memcpy(out, t, n);
			out[n] = '\0';
			return true;
		}
	}
	return false;
}

/* At the home screen: the whole request form as a member, the review, the
 * messages, the declaration and the signature; the reference into ref. */
static void kiosk_submit(ht *k, char ref[16])
{
	ht_keys(k, "1");                            /* new request */
	HT_ASSERT_TEXT(k, "You are", T);
	ht_keys(k, "1");                            /* a member */
	ht_key(k, HT_KEY_ENTER);
	HT_ASSERT_TEXT(k, "Full name", T);
	ht_keys(k, "Noura Alqahtani");
	ht_key(k, HT_KEY_ENTER);
	ht_keys(k, "1000000008");                   /* national ID (Luhn) */
	ht_key(k, HT_KEY_ENTER);
	ht_keys(k, "4711");                         /* membership number */
	ht_key(k, HT_KEY_ENTER);
	ht_keys(k, "0551234567");
	ht_key(k, HT_KEY_ENTER);
	ht_key(k, HT_KEY_ENTER);                    /* no e-mail */
	ht_keys(k, "1");                            /* the first service */
	ht_key(k, HT_KEY_ENTER);
	ht_keys(k, "The water heater in the house needs repair.");
	HT_ASSERT_TEXT(k, "needs repair.", T);
	ht_key(k, HT_KEY_F(5));                     /* review */
	HT_ASSERT_TEXT(k, "Check your request", T);
	ht_keys(k, "1");                            /* everything is correct */
	HT_ASSERT_TEXT(k, "Messages about this request", T);
	ht_keys(k, "1");                            /* no messages */
	HT_ASSERT_TEXT(k, "I confirm that the information", T);
	ht_keys(k, "1");                            /* I accept */
	ht_key(k, HT_KEY_ENTER);
	ht_keys(k, "Noura Alqahtani");              /* the signature */
	ht_key(k, HT_KEY_ENTER);
	HT_ASSERT_TEXT(k, "Your reference number is", 3 * T);
	HT_ASSERT(k, ht_wait_until(k, ref_on_screen, ref, T));
	ht_key(k, HT_KEY_ENTER);                    /* finish */
	HT_ASSERT_TEXT(k, "Welcome", T);
}

/* The kiosk (at its welcome) tracks ref as a visitor would and shows
 * "Status: <label>"; then finishes, back at the welcome. */
static void kiosk_track_shows(ht *k, const char *ref, const char *label)
{
	char want[128], refline[64];

	snprintf(want, sizeof want, "Status: %s", label);
	snprintf(refline, sizeof refline, "Reference number: %s ", ref);
	HT_ASSERT_TEXT(k, "Welcome", T);
	ht_keys(k, "2");                            /* English */
	HT_ASSERT_TEXT(k, "Track my request", T);
	HT_ASSERT(k, ofx_choose(k, "Track my request"));
	HT_ASSERT_TEXT(k, "Reference number", T);
	ht_keys(k, ref);
	ht_key(k, HT_KEY_ENTER);
	ht_keys(k, "4567");                         /* the mobile's last 4 */
	ht_key(k, HT_KEY_ENTER);
	HT_ASSERT_TEXT(k, "Status:", T);
	HT_ASSERT_TEXT(k, want, T);
	HT_ASSERT_TEXT(k, refline, T);
	ht_key(k, HT_KEY_ENTER);                    /* finish */
	HT_ASSERT_GONE(k, "Status:", T);
}

/* The request as the server has it now (through the store on the URI). */
static req_status status_of(struct flow *w, const char *ref, int64_t *id)
{
	store *s = ofx_open(&w->f);
	struct request r = { 0 };
	req_status st;

	assert_int_equal(store_request_by_ref(s, ref, &r), ST_OK);
	st = r.status;
	if (id)
		*id = r.id;
	request_free(&r);
	store_close(s);
	return st;
}

/* An officer's console on the URI, logged in, 15 days ahead. */
static ht *console(struct flow *w, const char *login)
{
	ht *h = ofx_session_env(&w->f, login, "en", NULL, 24, 80,
	                        "KHIDMA_FAKE_NOW=+15");

	ofx_login(h, PW);
	return h;
}

/* F1, the action, an optional note (or a required reason), F5. */
static void act(ht *h, const char *action, const char *note)
{
	ht_key(h, HT_KEY_F1);
	HT_ASSERT_TEXT(h, "Actions", T);
	HT_ASSERT(h, ofx_choose(h, action));
	HT_ASSERT_TEXT(h, "(optional)", T);
	if (note)
		ht_keys(h, note);
	ht_key(h, HT_KEY_F(5));
	HT_ASSERT_TEXT(h, "Done.", T);
}

/* F10 logs out: exit 0 (under ASan: no leak, no error). */
static void logout(ht *h)
{
	int st = -1;

	ht_key(h, HT_KEY_F10);
	HT_ASSERT(h, ht_wait_exit(h, T, &st));
	HT_ASSERT(h, WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ht_end(h);
}

static void kiosk_to_delivery(void **state)
{
	struct flow *w = *state;
	char ref[16], title[64];
	int64_t id;
	ht *k = kiosk_on(w), *a, *b, *c;

	/* the visitor submits; the kiosk tracks it as received */
	kiosk_submit(k, ref);
	assert_int_equal(status_of(w, ref, &id), RS_RECEIVED);
	kiosk_track_shows(k, ref, "Received, waiting for verification");
	snprintf(title, sizeof title, "Request %s", ref);

	/* Ali checks the register's four required fields and verifies */
	a = console(w, "ali");
	HT_ASSERT_TEXT(a, ref, T);
	ht_key(a, HT_KEY_ENTER);
	HT_ASSERT_TEXT(a, title, T);
	ht_key(a, HT_KEY_TAB);
	HT_ASSERT_TEXT(a, "In the register", T);
	for (int i = 0; i < 4; i++)
		ht_key(a, HT_KEY_ENTER);
	HT_ASSERT_TEXT(a, "Not saved yet", T);
	ht_key(a, HT_KEY_F(5));
	HT_ASSERT_TEXT(a, "Register check saved.", T);
	act(a, "Verify", NULL);
	assert_int_equal(status_of(w, ref, NULL), RS_VERIFIED);
	kiosk_track_shows(k, ref, "Data verified");

	/* … refers it to Sara, whose queue shows it move by itself */
	b = console(w, "sara");
	HT_ASSERT(b, ofx_view(b, "All"));
	HT_ASSERT_TEXT(b, "Verified", T);
	act(a, "Refer to the social researcher", "Please confirm the address.");
	HT_ASSERT_TEXT(b, "Research", T);           /* the queue's short label */
	assert_int_equal(status_of(w, ref, NULL), RS_REFERRED);
	kiosk_track_shows(k, ref, "With the social-research officer");

	/* Sara explains it back; Ali's open request reloads by itself */
	ht_key(b, HT_KEY_ENTER);
	HT_ASSERT_TEXT(b, title, T);
	act(b, "Explained", "Address confirmed by phone.");
	HT_ASSERT_TEXT(a, "— Verified", T);
	assert_int_equal(status_of(w, ref, NULL), RS_VERIFIED);
	kiosk_track_shows(k, ref, "Data verified");
	logout(b);

	/* Ali forwards it to the committee */
	act(a, "Forward to the committee", NULL);
	HT_ASSERT_TEXT(a, "— At the committee", T);
	assert_int_equal(status_of(w, ref, NULL), RS_COMMITTEE);
	kiosk_track_shows(k, ref, "With the research committee");

	/* Omar accepts, with the reason the decision requires */
	c = console(w, "omar");
	HT_ASSERT_TEXT(c, ref, T);
	ht_key(c, HT_KEY_ENTER);
	HT_ASSERT_TEXT(c, title, T);
	ht_key(c, HT_KEY_F1);
	HT_ASSERT_TEXT(c, "Actions", T);
	HT_ASSERT(c, ofx_choose(c, "Accept"));
	HT_ASSERT_TEXT(c, "required", T);
	ht_keys(c, "Eligible under the maintenance policy");
	ht_key(c, HT_KEY_F(5));
	HT_ASSERT_TEXT(c, "Done.", T);
	HT_ASSERT_TEXT(c, "— Accepted", T);
	logout(c);
	HT_ASSERT_TEXT(a, "— Accepted", T);
	assert_int_equal(status_of(w, ref, NULL), RS_ACCEPTED);
	kiosk_track_shows(k, ref, "Accepted");

	/* Ali completes the registration, then records the delivery */
	act(a, "Complete registration", NULL);
	HT_ASSERT_TEXT(a, "— Registered", T);
	assert_int_equal(status_of(w, ref, NULL), RS_REGISTERED);
	kiosk_track_shows(k, ref, "Registration completed");
	act(a, "Service delivered", NULL);
	HT_ASSERT_TEXT(a, "— Delivered", T);
	assert_int_equal(status_of(w, ref, NULL), RS_DELIVERED);
	kiosk_track_shows(k, ref, "Service delivered");
	logout(a);

	/* the server's history: one event per step, in order, by whom */
	{
		static const struct { const char *kind, *by; req_status to; } want[] = {
			{ "submitted", "kiosk", RS_RECEIVED },
			{ "match", "ali", RS_RECEIVED },        /* the register check */
			{ "verify", "ali", RS_VERIFIED },
			{ "refer", "ali", RS_REFERRED },
			{ "refer_back", "sara", RS_VERIFIED },
			{ "forward", "ali", RS_COMMITTEE },
			{ "accept", "omar", RS_ACCEPTED },
			{ "register", "ali", RS_REGISTERED },
			{ "deliver", "ali", RS_DELIVERED },
		};
		store *s = ofx_open(&w->f);
		struct request_event *ev = NULL;
		int nev = 0;

		assert_int_equal(store_request_events(s, id, &ev, &nev), ST_OK);
		for (int i = 0; i < nev; i++)
			print_message("event %d: %s by %s, %d -> %d\n", i, ev[i].kind,
			              ev[i].who, ev[i].from, ev[i].to);
		assert_int_equal(nev, (int)ARRAY_LEN(want));
		for (int i = 0; i < nev; i++) {
			assert_string_equal(ev[i].kind, want[i].kind);
			assert_string_equal(ev[i].who, want[i].by);
			assert_int_equal(ev[i].to, want[i].to);
		}
		request_events_free(ev, nev);
		store_close(s);
	}
	ht_end(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(kiosk_to_delivery, setup, teardown),
	};

	if (!ht_khidma_bin_set())
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
