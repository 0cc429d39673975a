/*
 * e2e: the officer's request screen shows the member's consent to
 * messages (issue 14) and, per message, what was sent, when, its state
 * and the gateway's answer — after a real `khidma notify --once` through
 * an SMS command, with the e-mail still waiting (no SMTP configured).
 */
#include "e2e/test_officer_fixture.h"

#include <sys/stat.h>

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

static void request_screen_shows_messages(void **state)
{
	struct ofx *f = *state;
	char script[700], conf[900], title[64], line[128], today[32];
	struct request r = { 0 };
	store *s = ofx_open(f);
	FILE *fp;
	ht *a;

	snprintf(script, sizeof script, "%s/sms.sh", ht_dir(f->base));
	fp = fopen(script, "w");
	assert_non_null(fp);
	fputs("#!/bin/sh\ncat >/dev/null\necho 'OK gateway-id 7731'\n", fp);
	fclose(fp);
	chmod(script, 0755);
	snprintf(conf, sizeof conf, "sms_command = \"%s\";\nnotify_quiet = \"\";\n", script);
	assert_true(ht_write_file(f->base, "khidma.conf", conf));

	strcpy(r.category, "member");
	r.name = (char *)"Noura Saad";
	strcpy(r.national_id, "1000000008");
	strcpy(r.mobile, "0551234567");
	r.email = (char *)"noura@example.org";
	strcpy(r.service, "maintenance");
	strcpy(r.channel, "in_person");
	r.description = (char *)"The air conditioner is broken.";
	r.declared_at = khidma_now();
	r.signature = (char *)"Noura Saad";
	r.declaration_version = 1;
	strcpy(r.declared_by, "kiosk");
	r.notify = NOTIFY_BOTH;
	strcpy(r.lang, "en");
	assert_int_equal(store_request_submit(s, &r, "kiosk"), ST_OK);
	store_close(s);
	ofx_sh("'%s' --db '%s' --config '%s' notify --once >/dev/null", ofx_bin(),
	       f->db, f->conf);

	khidma_date(khidma_now(), today, sizeof today);
	a = ofx_session(f, "ali", "en", NULL, 40, 120);
	ofx_login(a, PW);
	HT_ASSERT_TEXT(a, r.ref, T);
	ht_key(a, HT_KEY_ENTER);
	snprintf(title, sizeof title, "Request %s", r.ref);
	HT_ASSERT_TEXT(a, title, T);
	HT_ASSERT_TEXT(a, "By SMS and e-mail (since", T);
	HT_ASSERT_TEXT(a, "declaration version 1)", T);
	HT_ASSERT_TEXT(a, "SMS · received · sent (1) · OK gateway-id 7731", T);
	HT_ASSERT_TEXT(a, "e-mail · received · waiting (0)", T);
	/* the member history (H) lists the same messages as the member's
	 * survey-free contacts, with their dates (issue 12) */
	ht_key(a, HT_KEY_F1);
	HT_ASSERT_TEXT(a, "Actions", T);
	ht_keys(a, "h");
	HT_ASSERT_TEXT(a, "Member history (0)", T);
	HT_ASSERT_TEXT(a, "No other request of this national ID.", T);
	HT_ASSERT_TEXT(a, "Messages sent to the member (2)", T);
	snprintf(line, sizeof line, " · %s · SMS · received · sent %s", r.ref, today);
	HT_ASSERT_TEXT(a, line, T);
	snprintf(line, sizeof line, " · %s · e-mail · received · waiting", r.ref);
	HT_ASSERT_TEXT(a, line, T);
	HT_ASSERT_TEXT(a, "Surveys are anonymous", T);
	ht_key(a, HT_KEY_ENTER);
	HT_ASSERT_GONE(a, "Member history (0)", T);
	HT_ASSERT_TEXT(a, title, T);
	ht_end(a);
}

/* The console's on-behalf intake asks the same question: e-mail without
 * an address is refused, SMS is stored with its time and the declaration
 * version, and the "received" message is queued with the request. */
static void on_behalf_consent(void **state)
{
	struct ofx *f = *state;
	char nid[11];
	ht *a = ofx_session(f, "ali", "en", NULL, 30, 100);
	struct request r = { 0 };
	store *s;

	ofx_nid(78, nid);
	ofx_intake_by_phone(a, "Noura Alqahtani", nid,
	                    "Repair of the water heater, by phone.");
	ht_key(a, HT_KEY_TAB);
	HT_ASSERT_TEXT(a, "Messages about this request", T);
	ht_keys(a, "3");                            /* by e-mail: no address */
	ht_key(a, HT_KEY_F(5));
	HT_ASSERT_TEXT(a, "Read the declaration to the applicant", T);
	ht_key(a, HT_KEY_F(5));
	HT_ASSERT_TEXT(a, "Messages by e-mail need the applicant's e-mail address.", T);
	s = ofx_open(f);
	assert_int_equal(store_request_by_ref(s, "0", &r), ST_NOTFOUND);
	{
		struct queue_filter qf = { .status = -2 };
		struct queue_row *rows = NULL;
		int n = 0;

		assert_int_equal(store_queue(s, &qf, 0, 0, 10, &rows, &n), ST_OK);
		assert_int_equal(n, 0);
		queue_rows_free(rows, n);
	}
	store_close(s);
	ht_key(a, HT_KEY_ESC);                   /* back to the form */
	HT_ASSERT_TEXT(a, "Messages about this request", T);
	ht_keys(a, "2");                            /* by SMS */
	ht_key(a, HT_KEY_F(5));
	HT_ASSERT_TEXT(a, "Read the declaration to the applicant", T);
	ht_key(a, HT_KEY_F(5));
	HT_ASSERT_TEXT(a, "Request saved", T);
	s = ofx_open(f);
	{
		struct queue_filter qf = { .status = -2 };
		struct queue_row *rows = NULL;
		int n = 0;

		assert_int_equal(store_queue(s, &qf, 0, 0, 10, &rows, &n), ST_OK);
		assert_int_equal(n, 1);
		assert_int_equal(store_request_get(s, rows[0].id, &r), ST_OK);
		queue_rows_free(rows, n);
	}
	assert_int_equal(r.notify, NOTIFY_SMS);
	assert_true(r.notify_at > 0);
	assert_int_equal(r.notify_decl, r.declaration_version);
	assert_string_equal(r.lang, "en");
	{
		struct outbox_msg *m = NULL;
		int n = 0;

		assert_int_equal(store_outbox_list(s, r.id, &m, &n), ST_OK);
		assert_int_equal(n, 1);
		assert_string_equal(m[0].transport, "sms");
		assert_string_equal(m[0].event, "received");
		outbox_msgs_free(m, n);
	}
	request_free(&r);
	store_close(s);
	ht_end(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(request_screen_shows_messages, setup, teardown),
		cmocka_unit_test_setup_teardown(on_behalf_consent, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
