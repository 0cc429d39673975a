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
	char script[700], conf[900], title[64];
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
	ht_end(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(request_screen_shows_messages, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
