/*
 * e2e: messages to members (issue 14) through the real parts — the kiosk
 * in a pseudo-terminal, the real `khidma notify --once`, a real SMTP
 * server (Debian's python3-aiosmtpd, tests/e2e/smtp_server.py) on
 * 127.0.0.1 with STARTTLS (a throwaway self-signed certificate made with
 * openssl) and AUTH, and an SMS command (a shell script logging what it
 * gets).
 *
 *  1. kiosk_consent_smtp_sms: an Arabic intake with consent "SMS and
 *     e-mail" → the request and its two "received" messages are on disk
 *     when the reference is shown → notify --once delivers: the server
 *     parses the message back (the decoded Arabic subject equals the
 *     template rendered with the reference; charset UTF-8, base64, TLS,
 *     AUTH user), the SMS command got the +966 number and the text on
 *     stdin; every later event (needs information, accepted, registered,
 *     delivered) sends exactly one SMS and one e-mail, never twice.
 *  2. retry_backoff: the SMTP server refuses (451) and the SMS command
 *     fails (exit 75): retried after notify_retry, then 2 x, not before
 *     (KHIDMA_FAKE_NOW drives the clock), and sent exactly once when they
 *     recover.
 *     Then the survey at the kiosk with the code from the SMS (typed in
 *     the reference field): recorded and credited (service, officers),
 *     the same code refused the second time.
 *  3. kill9_mid_batch: `khidma notify --once` killed with SIGKILL while a
 *     slow SMS command works through a batch; the next pass sends the rest:
 *     no message twice, the interrupted one 'unknown'.
 *  4. track_shows_and_withdraws: tracking shows "Messages: By SMS (since
 *     …)"; 9 stops them — the queued message cancelled, the next event
 *     sends nothing, the withdrawal in the audit trail.
 *  5. needs_info_names_items: an officer asks for information ticking two
 *     "missing" items (id_copy, income) with a text, on an Arabic and an
 *     English request → each e-mail body names both items by their
 *     catalog labels in the member's language, then the text; the SMS
 *     starts with the first label; the bare codes never reach a member;
 *     items without text send the labels alone (not the event's note).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "e2e/test_kiosk_util.h"
#include "core/notify_tpl.h"
#include "core/screens.h"
#include "core/util.h"

struct smtp {
	pid_t pid;
	int port;
	char dir[512];
};

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		n = 0;
	fclose(f);
	return buf;
}

static int count_sub(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; p && (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static struct smtp *running;     /* stopped by teardown if a test fails */

/* Start the SMTP server in dir (cert made here); READY within 10 s. */
static void smtp_start(ht *h, struct smtp *s)
{
	char cmd[1400], cert[600], key[600], port[16], line[64] = "";
	int out[2];
	FILE *f;

	snprintf(s->dir, sizeof s->dir, "%s/smtp", ht_dir(h));
	mkdir(s->dir, 0700);
	snprintf(cert, sizeof cert, "%s/cert.pem", s->dir);
	snprintf(key, sizeof key, "%s/key.pem", s->dir);
	snprintf(cmd, sizeof cmd, "openssl req -x509 -newkey ec -pkeyopt "
	         "ec_paramgen_curve:prime256v1 -nodes -keyout %s -out %s -days 1 "
	         "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 "
	         ">/dev/null 2>&1", key, cert);
	assert_int_equal(system(cmd), 0);
	for (int attempt = 0; attempt < 5; attempt++) {
		s->port = 20000 + (int)((getpid() * 7 + attempt * 131) % 30000);
		snprintf(port, sizeof port, "%d", s->port);
		assert_int_equal(pipe(out), 0);
		s->pid = fork();
		assert_true(s->pid >= 0);
		if (s->pid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGTERM);   /* never outlives the test */
			dup2(out[1], 1);
			close(out[0]);
			execl("/usr/bin/python3", "python3", "tests/e2e/smtp_server.py", s->dir,
			      port, cert, key, "khidma", "s3cret pass", (char *)NULL);
			_exit(127);
		}
		close(out[1]);
		f = fdopen(out[0], "r");
		line[0] = '\0';
		if (!fgets(line, sizeof line, f))
			line[0] = '\0';
		fclose(f);
		if (strncmp(line, "READY", 5) == 0) {
			running = s;
			return;
		}
		kill(s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
	}
	fail_msg("the SMTP server (python3-aiosmtpd) did not start");
}

static void smtp_stop(struct smtp *s)
{
	running = NULL;
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
		s->pid = 0;
	}
}

/* The configuration: SMTP to s, SMS through dir/sms.sh; no quiet hours. */
static void write_conf(ht *h, const struct smtp *s)
{
	char conf[3000], pw[600], script[600];
	FILE *f;

	snprintf(pw, sizeof pw, "%s/smtp-password", ht_dir(h));
	f = fopen(pw, "w");
	assert_non_null(f);
	fputs("s3cret pass\n", f);
	fclose(f);
	chmod(pw, 0600);
	snprintf(script, sizeof script, "%s/sms.sh", ht_dir(h));
	f = fopen(script, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n"
	        "d=%s\n"
	        "[ -e \"$d/slow\" ] && sleep 0.4\n"
	        "if [ -e \"$d/smsfail\" ]; then echo \"gateway down\"; "
	        "echo fail >> \"$d/sms-fails\"; exit 75; fi\n"
	        "{ printf 'ID=%%s TO=%%s ARG=%%s\\n' \"$KHIDMA_MESSAGE_ID\" \"$KHIDMA_SMS_TO\" \"$1\";"
	        " cat; printf '\\n.\\n'; } >> \"$d/sms.log\"\n"
	        "echo \"OK id-$$\"\n", ht_dir(h));
	fclose(f);
	chmod(script, 0755);
	snprintf(conf, sizeof conf,
	         "idle_timeout = 600;\nidle_warning = 20;\nconfirm_timeout = 3;\n"
	         "smtp_url = \"smtp://127.0.0.1:%d\";\n"
	         "smtp_user = \"khidma\";\n"
	         "smtp_password_file = \"%s\";\n"
	         "smtp_from = \"khidma@example.org\";\n"
	         "smtp_cafile = \"%s/cert.pem\";\n"
	         "sms_command = \"%s\";\n"
	         "notify_quiet = \"\";\n"
	         "notify_retry = 1;\n"
	         "notify_per_day = 0;\n"
	         "notify_timeout = 10;\n", s->port, pw, s->dir, script);
	assert_true(ht_write_file(h, "khidma.conf", conf));
}

/* Run `khidma notify --once` (fake_now: KHIDMA_FAKE_NOW or NULL);
 * returns its exit status. */
static int notify_once(ht *h, const char *fake_now, pid_t *bg)
{
	const char *bin = getenv("KHIDMA_BIN");
	pid_t pid = fork();
	int st;

	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		if (fake_now)
			setenv("KHIDMA_FAKE_NOW", fake_now, 1);
		else
			unsetenv("KHIDMA_FAKE_NOW");
		execl(bin ? bin : "khidma", "khidma", "--db", ht_db_path(h), "--config",
		      ht_path(h, "khidma.conf"), "notify", "--once", (char *)NULL);
		_exit(127);
	}
	if (bg) {
		*bg = pid;
		return 0;
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int64_t q_int(store *s, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	if (sqlite3_prepare_v2((sqlite3 *)store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, store_errmsg(s));
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void step(store *s, int64_t id, req_status from, req_status to, const char *note)
{
	struct request r;

	assert_int_equal(store_request_get(s, id, &r), ST_OK);
	assert_int_equal(store_request_transition(s, id, r.version, from, to, "ali", note), ST_OK);
	request_free(&r);
}

/* The subject the template gives for event/lang and this reference. */
static char *expected_subject(const char *event, const char *lang, const char *ref)
{
	struct screens scr;
	char err[256];
	const struct notify_msg_def *m;
	struct notify_vals v = { ref, "", "", "" };
	char *s;

	assert_int_equal(screens_load("screens", &scr, err, sizeof err), 0);
	m = screens_notify(&scr, event, lang);
	assert_non_null(m);
	s = notify_render(m->subject, &v, false);
	screens_free(&scr);
	return s;
}

static void kiosk_consent_smtp_sms(void **state)
{
	static struct smtp smtp;

	memset(&smtp, 0, sizeof smtp);
	ht *h = ht_new(24, 80);
	char ref[32], path[700], *msg, *log, *want;
	struct request r;
	store *s;

	(void)state;
	smtp_start(h, &smtp);
	write_conf(h, &smtp);
	assert_true(ht_spawn_khidma(h, (const char *const[]){ "--bidi=terminal", NULL }, NULL));
	kiosk_choose_lang(h, true);
	ht_keys(h, "1");                       /* new request */
	ht_wait_quiet(h, 100);
	ht_keys(h, "1");                       /* member */
	ht_key(h, HT_KEY_ENTER);
	type_line(h, "سارة علي");
	type_line(h, NID_OK);
	type_line(h, "4711");
	type_line(h, "0551234567");
	type_line(h, "sara@example.org");
	ht_keys(h, "2");                       /* a service */
	ht_key(h, HT_KEY_ENTER);
	ht_keys(h, "المكيف في البيت معطل منذ أسبوع");
	ht_key(h, HT_KEY_F(5));
	HT_ASSERT_TEXT(h, "مراجعة طلبك", KT);
	ht_keys(h, "1");
	HT_ASSERT_TEXT(h, "الرسائل عن هذا الطلب", KT);
	ht_keys(h, "4");                       /* SMS and e-mail */
	HT_ASSERT_TEXT(h, "أقرّ بأن المعلومات", KT);
	ht_keys(h, "1");
	ht_key(h, HT_KEY_ENTER);
	type_line(h, "سارة علي");
	ht_wait_quiet(h, 300);
	HT_ASSERT(h, kiosk_wait_ref(h, ref, sizeof ref));

	/* the reference is on the screen: request and messages are on disk */
	s = open_db(h);
	assert_int_equal(store_request_by_ref(s, ref, &r), ST_OK);
	assert_int_equal(r.notify, NOTIFY_BOTH);
	assert_true(r.notify_at > 0);
	assert_int_equal(r.notify_decl, r.declaration_version);
	assert_string_equal(r.lang, "ar");
	assert_int_equal(q_int(s, "SELECT count(*) FROM outbox WHERE event = 'received' "
	                 "AND state = 'queued'"), 2);

	assert_int_equal(notify_once(h, NULL, NULL), 0);
	assert_int_equal(q_int(s, "SELECT count(*) FROM outbox WHERE state = 'sent'"), 2);
	snprintf(path, sizeof path, "%s/msg-1.txt", smtp.dir);
	msg = slurp(path);
	assert_non_null(msg);
	want = expected_subject("received", "ar", ref);
	{
		char line[1024];

		snprintf(line, sizeof line, "\nsubject: %s\n", want);
		if (!strstr(msg, line))
			fail_msg("subject: want %s in\n%s", want, msg);
	}
	free(want);
	assert_non_null(strstr(msg, "to: sara@example.org\n"));
	assert_non_null(strstr(msg, "charset: utf-8\n"));
	assert_non_null(strstr(msg, "cte: base64\n"));
	assert_non_null(strstr(msg, "tls: yes\n"));
	assert_non_null(strstr(msg, "auth: khidma\n"));
	assert_non_null(strstr(msg, ref));
	assert_non_null(strstr(msg, "استلمت الجمعية طلبك رقم"));
	free(msg);
	snprintf(path, sizeof path, "%s/sms.log", ht_dir(h));
	log = slurp(path);
	assert_non_null(log);
	assert_int_equal(count_sub(log, "ID="), 1);
	assert_non_null(strstr(log, "TO=+966551234567 ARG=+966551234567"));
	assert_non_null(strstr(log, "الجمعية: استلمنا طلبك"));
	free(log);

	/* each later event: one SMS and one e-mail; a second pass sends nothing */
	step(s, r.id, RS_RECEIVED, RS_NEEDS_INFO, "أحضر فاتورة الكهرباء");
	step(s, r.id, RS_NEEDS_INFO, RS_RECEIVED, "");
	step(s, r.id, RS_RECEIVED, RS_VERIFIED, "");
	step(s, r.id, RS_VERIFIED, RS_COMMITTEE, "");
	step(s, r.id, RS_COMMITTEE, RS_ACCEPTED, "ok");
	step(s, r.id, RS_ACCEPTED, RS_REGISTERED, "");
	step(s, r.id, RS_REGISTERED, RS_DELIVERED, "");
	assert_int_equal(notify_once(h, NULL, NULL), 0);
	assert_int_equal(notify_once(h, NULL, NULL), 0);
	log = slurp(path);
	assert_int_equal(count_sub(log, "ID="), 5);
	assert_int_equal(count_sub(log, "-sms TO="), 5);
	assert_non_null(strstr(log, "أحضر فاتورة الكهرباء"));
	assert_non_null(strstr(log, "رمز الاستبيان"));
	free(log);
	snprintf(path, sizeof path, "%s/msg-5.txt", smtp.dir);
	assert_int_equal(access(path, F_OK), 0);
	snprintf(path, sizeof path, "%s/msg-6.txt", smtp.dir);
	assert_int_not_equal(access(path, F_OK), 0);
	assert_int_equal(q_int(s, "SELECT count(*) FROM outbox WHERE state = 'sent'"), 10);
	assert_int_equal(q_int(s, "SELECT count(DISTINCT idem) FROM outbox"), 10);
	/* once sent, the survey code is no longer in the outbox */
	assert_int_equal(q_int(s, "SELECT count(*) FROM outbox WHERE code <> ''"), 0);

	/* the survey with the code of the SMS: linked and credited like
	 * reference + mobile, once; the response keeps neither */
	snprintf(path, sizeof path, "%s/sms.log", ht_dir(h));
	log = slurp(path);
	assert_non_null(log);
	{
		const char *p = strstr(log, "رمز الاستبيان: ");
		char code[16];

		assert_non_null(p);
		p += strlen("رمز الاستبيان: ");
		assert_int_equal(strspn(p, "0123456789"), 8);
		snprintf(code, sizeof code, "%.8s", p);
		free(log);
		HT_ASSERT_TEXT(h, "Welcome", 9000);
		for (int round = 0; round < 2; round++) {
			ht_keys(h, "2");                   /* English */
			HT_ASSERT_TEXT(h, "New service request", KT);
			ht_keys(h, "3");                   /* survey */
			HT_ASSERT_TEXT(h, "never to punish anyone", KT);
			for (int q = 0; q < 5; q++) {
				ht_keys(h, "4");
				ht_key(h, HT_KEY_ENTER);
			}
			ht_keys(h, "1");                   /* channel: none preset */
			ht_key(h, HT_KEY_ENTER);
			ht_keys(h, "Quick and kind.");
			ht_key(h, HT_KEY_DOWN);
			ht_keys(h, code);                  /* in the reference field */
			ht_key(h, HT_KEY_F(5));
			if (round == 0) {
				HT_ASSERT_TEXT(h, "your evaluation was recorded", KT);
				ht_key(h, HT_KEY_ENTER);
				HT_ASSERT_TEXT(h, "Welcome", KT);
			} else {
				HT_ASSERT_TEXT(h, "already been evaluated", KT);
			}
		}
		assert_int_equal(q_int(s, "SELECT count(*) FROM survey_responses WHERE "
		                 "service <> '' AND off_delivered = 'ali' AND "
		                 "off_registered = 'ali'"), 1);
		assert_int_equal(q_int(s, "SELECT count(*) FROM survey_codes WHERE used = 1"), 1);
		{
			char sql[300];

			snprintf(sql, sizeof sql, "SELECT count(*) FROM survey_responses WHERE "
			         "instr(coalesce(comment, '') || service || channel || "
			         "off_verified || off_delivered, '%s') > 0 OR instr(coalesce("
			         "comment, ''), '%s') > 0", code, ref);
			assert_int_equal(q_int(s, sql), 0);
		}
	}
	request_free(&r);
	store_close(s);
	smtp_stop(&smtp);
	ht_end(h);
}

static int64_t submit(store *s, const char *nid, const char *mobile, int notify)
{
	struct request r;

	memset(&r, 0, sizeof r);
	strcpy(r.category, "member");
	r.name = (char *)"Huda Saad";
	strcpy(r.national_id, nid);
	strcpy(r.mobile, mobile);
	r.email = (char *)(notify & NOTIFY_EMAIL ? "huda@example.org" : "");
	strcpy(r.service, "maintenance");
	strcpy(r.channel, "in_person");
	r.description = (char *)"The water heater is broken.";
	r.declared_at = time(NULL);
	r.signature = (char *)"Huda Saad";
	r.declaration_version = 1;
	strcpy(r.declared_by, "kiosk");
	r.notify = notify;
	strcpy(r.lang, "en");
	assert_int_equal(store_request_submit(s, &r, "kiosk"), ST_OK);
	return r.id;
}

/* A fresh database, made by `khidma init`. */
static store *init_db(ht *h)
{
	const char *bin = getenv("KHIDMA_BIN");
	char cmd[2000];

	snprintf(cmd, sizeof cmd, "%s --db %s --config %s init >/dev/null 2>&1",
	         bin ? bin : "khidma", ht_db_path(h), ht_path(h, "khidma.conf"));
	assert_int_equal(system(cmd), 0);
	return open_db(h);
}

static void retry_backoff(void **state)
{
	static struct smtp smtp;

	memset(&smtp, 0, sizeof smtp);
	ht *h = ht_new(24, 80);
	char path[700], t[32], *log;
	time_t t0 = time(NULL) + 100;
	store *s;

	(void)state;
	smtp_start(h, &smtp);
	write_conf(h, &smtp);
	s = init_db(h);
	submit(s, "1000000008", "0551112222", NOTIFY_BOTH);
	snprintf(path, sizeof path, "%s/fail", smtp.dir);
	assert_true(ht_write_file(h, "smtp/fail", "1"));
	assert_true(ht_write_file(h, "smsfail", "1"));
	snprintf(t, sizeof t, "%lld", (long long)t0);
	assert_int_equal(notify_once(h, t, NULL), 0);           /* try 1: both fail */
	assert_int_equal(q_int(s, "SELECT count(*) FROM outbox WHERE state = 'queued' "
	                 "AND tries = 1"), 2);
	{
		char sql[200];

		snprintf(sql, sizeof sql, "SELECT count(*) FROM outbox WHERE next_at = %lld",
		         (long long)t0 + 1);
		assert_int_equal(q_int(s, sql), 2);         /* notify_retry = 1 s */
	}
	assert_int_equal(notify_once(h, t, NULL), 0);           /* not due yet */
	snprintf(t, sizeof t, "%lld", (long long)t0 + 1);
	assert_int_equal(notify_once(h, t, NULL), 0);           /* try 2: fail */
	assert_int_equal(q_int(s, "SELECT count(*) FROM outbox WHERE state = 'queued' "
	                 "AND tries = 2"), 2);
	snprintf(t, sizeof t, "%lld", (long long)t0 + 2);
	assert_int_equal(notify_once(h, t, NULL), 0);           /* backoff: 2 s now */
	assert_int_equal(q_int(s, "SELECT count(*) FROM outbox WHERE tries = 2"), 2);
	unlink(path);                                            /* they recover */
	snprintf(path, sizeof path, "%s/smsfail", ht_dir(h));
	unlink(path);
	snprintf(t, sizeof t, "%lld", (long long)t0 + 3);
	assert_int_equal(notify_once(h, t, NULL), 0);           /* try 3: sent */
	snprintf(t, sizeof t, "%lld", (long long)t0 + 100);
	assert_int_equal(notify_once(h, t, NULL), 0);           /* nothing more */
	assert_int_equal(q_int(s, "SELECT count(*) FROM outbox WHERE state = 'sent' "
	                 "AND tries = 3"), 2);
	snprintf(path, sizeof path, "%s/refused-2.txt", smtp.dir);
	assert_int_equal(access(path, F_OK), 0);
	snprintf(path, sizeof path, "%s/refused-3.txt", smtp.dir);
	assert_int_not_equal(access(path, F_OK), 0);
	snprintf(path, sizeof path, "%s/msg-1.txt", smtp.dir);
	assert_int_equal(access(path, F_OK), 0);
	snprintf(path, sizeof path, "%s/msg-2.txt", smtp.dir);
	assert_int_not_equal(access(path, F_OK), 0);
	snprintf(path, sizeof path, "%s/sms.log", ht_dir(h));
	log = slurp(path);
	assert_int_equal(count_sub(log, "ID="), 1);
	free(log);
	snprintf(path, sizeof path, "%s/sms-fails", ht_dir(h));
	log = slurp(path);
	assert_int_equal(count_sub(log, "fail"), 2);
	free(log);
	store_close(s);
	smtp_stop(&smtp);
	ht_end(h);
}

static void kill9_mid_batch(void **state)
{
	static struct smtp smtp;

	memset(&smtp, 0, sizeof smtp);
	ht *h = ht_new(24, 80);
	char path[700], *log;
	pid_t pid;
	store *s;
	int n = 0;

	(void)state;
	smtp_start(h, &smtp);
	write_conf(h, &smtp);
	s = init_db(h);
	for (int i = 0; i < 6; i++) {
		char mob[24];   /* room for any int: -O1 (SAN=1) warns otherwise */

		snprintf(mob, sizeof mob, "055000000%d", i);
		submit(s, "1000000008", mob, NOTIFY_SMS);
	}
	assert_true(ht_write_file(h, "slow", "1"));
	snprintf(path, sizeof path, "%s/sms.log", ht_dir(h));
	notify_once(h, NULL, &pid);
	/* two sent, the third under way: a deadline in time (30 s, scaled),
	 * which under load or ASan can be far more than 100 polls of 50 ms */
	for (int ms = 0; ms < ht_timeout(30000); ms += 50) {
		log = slurp(path);
		n = count_sub(log, "ID=");
		free(log);
		if (n >= 2)
			break;
		usleep(50000);
	}
	assert_true(n >= 2);
	usleep(200000);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	usleep(600000);                        /* an orphaned command may finish */
	assert_int_equal(notify_once(h, NULL, NULL), 0);
	assert_int_equal(notify_once(h, NULL, NULL), 0);
	log = slurp(path);
	/* each message at most once, all but the interrupted one sent */
	for (int i = 0; i < 6; i++) {
		char needle[40];

		snprintf(needle, sizeof needle, "ID=k%d-", i + 1);
		assert_true(count_sub(log, needle) <= 1);
	}
	assert_true(q_int(s, "SELECT count(*) FROM outbox WHERE state = 'unknown'") <= 1);
	assert_int_equal(q_int(s, "SELECT count(*) FROM outbox WHERE state IN "
	                 "('sent', 'unknown')"), 6);
	assert_true(count_sub(log, "ID=") >= 5);
	free(log);
	store_close(s);
	smtp_stop(&smtp);
	ht_end(h);
}

/* Tracking shows the consent; 9 withdraws it: the queued message is
 * cancelled, nothing is sent any more, the withdrawal is audited. */
static void track_shows_and_withdraws(void **state)
{
	static struct smtp smtp;
	ht *h = ht_new(24, 80);
	struct request r;
	char path[700];
	int64_t id;
	store *s;

	(void)state;
	memset(&smtp, 0, sizeof smtp);
	smtp_start(h, &smtp);
	write_conf(h, &smtp);
	s = init_db(h);
	id = submit(s, "1000000008", "0551234567", NOTIFY_SMS);
	assert_int_equal(store_request_get(s, id, &r), ST_OK);
	assert_true(ht_spawn_khidma(h, NULL, NULL));
	kiosk_choose_lang(h, false);
	ht_keys(h, "2");                       /* track */
	HT_ASSERT_TEXT(h, "Reference number", KT);
	type_line(h, r.ref);
	type_line(h, "4567");
	HT_ASSERT_TEXT(h, "Messages: By SMS (since", KT);
	HT_ASSERT_TEXT(h, "press 9 to stop them", KT);
	ht_keys(h, "9");
	HT_ASSERT_TEXT(h, "The messages about this request are stopped.", KT);
	HT_ASSERT_TEXT(h, "Messages: No messages", KT);
	request_free(&r);
	assert_int_equal(store_request_get(s, id, &r), ST_OK);
	assert_int_equal(r.notify, NOTIFY_NONE);
	assert_int_equal(q_int(s, "SELECT count(*) FROM outbox WHERE state = 'cancelled'"), 1);
	assert_int_equal(q_int(s, "SELECT count(*) FROM request_events WHERE kind = "
	                 "'notify_off' AND who = 'kiosk'"), 1);
	step(s, id, RS_RECEIVED, RS_NEEDS_INFO, "a bill");
	assert_int_equal(notify_once(h, NULL, NULL), 0);
	snprintf(path, sizeof path, "%s/sms.log", ht_dir(h));
	assert_int_not_equal(access(path, F_OK), 0);          /* nothing sent */
	assert_int_equal(q_int(s, "SELECT count(*) FROM outbox"), 1);
	request_free(&r);
	store_close(s);
	smtp_stop(&smtp);
	ht_end(h);
}

/* --daemon: sends what comes in while it runs, stops on SIGTERM with
 * status 0 (the unit's way). */
static void daemon_sends_and_stops(void **state)
{
	static struct smtp smtp;
	ht *h = ht_new(24, 80);
	const char *bin = getenv("KHIDMA_BIN");
	char path[700], *log = NULL;
	pid_t pid;
	store *s;
	int st;

	(void)state;
	memset(&smtp, 0, sizeof smtp);
	smtp_start(h, &smtp);
	write_conf(h, &smtp);
	{
		char *conf = slurp(ht_path(h, "khidma.conf")), *more;

		more = xasprintf("%snotify_interval = 1;\n", conf);
		assert_true(ht_write_file(h, "khidma.conf", more));
		free(conf);
		free(more);
	}
	s = init_db(h);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		execl(bin ? bin : "khidma", "khidma", "--db", ht_db_path(h), "--config",
		      ht_path(h, "khidma.conf"), "notify", "--daemon", (char *)NULL);
		_exit(127);
	}
	usleep(300000);
	submit(s, "1000000008", "0551230000", NOTIFY_SMS);     /* while it runs */
	snprintf(path, sizeof path, "%s/sms.log", ht_dir(h));
	for (int i = 0; i < 60 && !(log = slurp(path)); i++)
		usleep(100000);
	assert_non_null(log);
	assert_int_equal(count_sub(log, "ID="), 1);
	free(log);
	kill(pid, SIGTERM);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_int_equal(q_int(s, "SELECT count(*) FROM outbox WHERE state = 'sent'"), 1);
	store_close(s);
	smtp_stop(&smtp);
	ht_end(h);
}

struct ask { const char *items, *text; };

static st_rc ask_fn(void *ctx, store *s, const struct request *cur,
                    const struct request_event *ev, int nev, time_t now,
                    struct st_act_out *out)
{
	const struct ask *a = ctx;

	(void)s; (void)cur; (void)ev; (void)nev; (void)now;
	out->to = RS_NEEDS_INFO;
	out->kind = "ask_info";
	out->set_info = true;
	out->info_items = a->items;
	out->info_text = a->text;
	return ST_OK;
}

static void needs_info_names_items(void **state)
{
	static struct smtp smtp;
	static const struct { const char *lang, *nid, *mob, *text, *id, *inc, *sep; } c[] = {
		{ "ar", "1000000008", "0551110001", "راجعنا يوم الأحد",
		  "صورة من الهوية الوطنية", "إثبات الدخل", "، " },
		{ "en", "1000000008", "0551110002", "Come on Sunday",
		  "A copy of the national ID", "Proof of income", "; " },
	};
	int64_t ids[3];
	char path[700], want[600], *msg, *log;
	ht *h = ht_new(24, 80);
	store *s;

	(void)state;
	memset(&smtp, 0, sizeof smtp);
	smtp_start(h, &smtp);
	write_conf(h, &smtp);
	s = init_db(h);
	for (int i = 0; i < 2; i++) {
		char sql[200];

		ids[i] = submit(s, c[i].nid, c[i].mob, NOTIFY_BOTH);
		snprintf(sql, sizeof sql, "UPDATE requests SET lang = '%s' WHERE id = %lld",
		         c[i].lang, (long long)ids[i]);
		assert_int_equal(sqlite3_exec((sqlite3 *)store_db(s), sql, NULL, NULL, NULL),
		                 SQLITE_OK);
	}
	ids[2] = submit(s, "1000000008", "0551110003", NOTIFY_EMAIL);
	assert_int_equal(notify_once(h, NULL, NULL), 0);       /* the "received" */
	for (int i = 0; i < 3; i++) {
		struct ask a = { "id_copy,income", i < 2 ? c[i].text : "" };
		struct request r;

		assert_int_equal(store_request_get(s, ids[i], &r), ST_OK);
		assert_int_equal(store_request_act(s, ids[i], r.version, RS_RECEIVED, "ali",
		                                   "", ask_fn, &a), ST_OK);
		request_free(&r);
		assert_int_equal(notify_once(h, NULL, NULL), 0);
	}
	assert_int_equal(q_int(s, "SELECT count(*) FROM outbox WHERE event = 'needs_info' "
	                 "AND state = 'sent'"), 5);
	/* e-mails 1-3 are "received"; 4 (ar), 5 (en), 6 (en, no text) */
	for (int i = 0; i < 3; i++) {
		int k = i < 2 ? i : 1;

		snprintf(path, sizeof path, "%s/msg-%d.txt", smtp.dir, 4 + i);
		msg = slurp(path);
		assert_non_null(msg);
		if (i < 2)
			snprintf(want, sizeof want, "%s%s%s. %s", c[k].id, c[k].sep, c[k].inc,
			         c[k].text);
		else
			snprintf(want, sizeof want, "%s%s%s", c[k].id, c[k].sep, c[k].inc);
		if (!strstr(msg, want))
			fail_msg("want \"%s\" in\n%s", want, msg);
		if (i == 2)          /* the labels alone: the line ends there */
			assert_true(strchr("\r\n", strstr(msg, want)[strlen(want)]));
		assert_null(strstr(msg, "id_copy"));
		assert_null(strstr(msg, "needed:"));
		free(msg);
	}
	snprintf(path, sizeof path, "%s/sms.log", ht_dir(h));
	log = slurp(path);
	assert_non_null(log);
	for (int i = 0; i < 2; i++) {
		snprintf(want, sizeof want, "information: %s", c[i].id);
		if (i == 0)
			snprintf(want, sizeof want, "يحتاج معلومات: %s", c[i].id);
		if (!strstr(log, want))
			fail_msg("want \"%s\" in the SMS log\n%s", want, log);
	}
	/* the English SMS fits whole: both labels and the text */
	snprintf(want, sizeof want, "%s; %s. %s", c[1].id, c[1].inc, c[1].text);
	assert_non_null(strstr(log, want));
	assert_null(strstr(log, "id_copy"));
	free(log);
	store_close(s);
	smtp_stop(&smtp);
	ht_end(h);
}

static int teardown(void **state)
{
	(void)state;
	if (running)
		smtp_stop(running);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(kiosk_consent_smtp_sms, teardown),
		cmocka_unit_test_teardown(retry_backoff, teardown),
		cmocka_unit_test_teardown(kill9_mid_batch, teardown),
		cmocka_unit_test_teardown(track_shows_and_withdraws, teardown),
		cmocka_unit_test_teardown(daemon_sends_and_stops, teardown),
		cmocka_unit_test_teardown(needs_info_names_items, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
