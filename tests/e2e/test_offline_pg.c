/*
 * A kiosk that outlives its link, an officer console that keeps its screen
 * (issue 13), on a REAL PostgreSQL server that this test program takes
 * away and brings back: its own server (tests/pg/pg_server.sh start, halt,
 * restart in a directory of its own — never the suite's shared server),
 * one database per case, the real binary under the libvterm harness.
 *
 *  - kiosk_survives_the_server_going_away: the server stops while a
 *    visitor types; the submission still shows a reference (the spool);
 *    tracking it says, in English and in Arabic, that the office system
 *    cannot be reached; the server comes back and the kiosk's pass between
 *    visitors delivers it: on the server exactly once (by reference and by
 *    idempotency key), and the visitor's reference tracks.
 *  - officer_keeps_screen_and_text: the console on the queue, then in a
 *    note typed on a request: the server stops → "No connection to the
 *    server — retrying…" (English; Arabic after F2), the screen and the
 *    typed text stay (another view that cannot load says so); the server
 *    comes back → "Connected to the server again.", the queue reads its
 *    rows again by itself, F5 saves the note, once.
 *  - kiosk_started_while_server_down: with no reserved block the kiosk
 *    shows the out-of-service screen (both languages, "keeps trying") and
 *    comes back by itself when the server answers; with a block (reserved
 *    meanwhile) a kiosk started while the server is down takes a request
 *    into its spool. `khidma status` says so (1 waiting, NOT reachable,
 *    exit 1), and after the server is back and the kiosk forwarded it
 *    (0 waiting, reachable, a last forward, exit 0).
 *
 * Before issue 13's fixes: the kiosk started with the server down exited
 * (status 1), the console said "nothing was saved. Try again in a moment"
 * and never that it was retrying or back.
 */
#include "e2e/test_officer_fixture.h"
#include "e2e/test_kiosk_util.h"

#include <signal.h>
#include <libpq-fe.h>

#define TLONG 30000                    /* ms: a forward pass after a restart */

static char srvdir[64];
static char srvuri[512];               /* the superuser URI, database postgres */

static const char *script(void)
{
	static char p[1024];
	const char *src = getenv("KHIDMA_SRCDIR");

	snprintf(p, sizeof p, "%s/tests/pg/pg_server.sh", src && *src ? src : ".");
	return p;
}

/* pg_server.sh cmd srvdir; the URI it prints into out (may be NULL). */
static bool server(const char *cmd, char *out, size_t n)
{
	char line[1400];
	FILE *p;
	bool ok;

	snprintf(line, sizeof line, "'%s' %s '%s'", script(), cmd, srvdir);
	if (!(p = popen(line, "r")))
		return false;
	if (out && n) {
		out[0] = '\0';
		if (fgets(out, (int)n, p))
			out[strcspn(out, "\n")] = '\0';
	}
	while (fgets(line, sizeof line, p))
		;
	ok = pclose(p) == 0;
	return ok;
}

static void stop_at_exit(void)
{
	if (srvdir[0])
		server("stop", NULL, 0);
}

static int group_setup(void **state)
{
	(void)state;
	snprintf(srvdir, sizeof srvdir, "/tmp/khoff-%d", (int)getpid());
	atexit(stop_at_exit);
	if (!server("start", srvuri, sizeof srvuri) || strncmp(srvuri, "postgresql://", 13)) {
		fprintf(stderr, "the test's PostgreSQL server did not start\n");
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	server("stop", NULL, 0);
	srvdir[0] = '\0';
	return 0;
}

static void halt(void)
{
	if (!server("halt", NULL, 0))
		fail_msg("pg_server.sh halt failed");
}

static void bring_back(void)
{
	if (!server("restart", NULL, 0))
		fail_msg("pg_server.sh restart failed");
}

static void ensure_up(void)
{
	if (!server("status", NULL, 0))
		bring_back();
}

/* The URI of database db on the test's server. */
static void uri_of(const char *db, char *out, size_t n)
{
	const char *q = strchr(srvuri, '?');

	snprintf(out, n, "postgresql:///%s%s", db, q ? q : "");
}

static void admin_sql(const char *sql)
{
	PGconn *c = PQconnectdb(srvuri);
	PGresult *r;

	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("connect: %s", PQerrorMessage(c));
	r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
}

/* A fresh database on the test's server, made with `khidma init`, in f
 * (f->db its URI; f->conf with the spool in the test's directory). */
static void fresh(struct ofx *f, const char *db, bool officers)
{
	char sql[256], conf[1024];

	f->base = ht_new(24, 80);
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", db);
	admin_sql(sql);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", db);
	admin_sql(sql);
	uri_of(db, f->db, sizeof f->db);
	snprintf(f->conf, sizeof f->conf, "%s", ht_config_path(f->base));
	snprintf(conf, sizeof conf, "idle_timeout = 600;\nconfirm_timeout = 3;\n"
	         "kiosk_id = \"lobby-1\";\nspool = \"%s\";\n",
	         ht_path(f->base, "spool.db"));
	assert_true(ht_write_file(f->base, "khidma.conf", conf));
	ofx_sh("'%s' --db '%s' --config '%s' init >/dev/null", ofx_bin(), f->db, f->conf);
	if (officers)
		ofx_officer_add(f, "ali", "Ali Officer", "officer");
}

/* count(*) of sql with one text parameter on f's database; -1 when the
 * server cannot be reached. */
static long long pg_count(struct ofx *f, const char *sql, const char *arg)
{
	PGconn *c = PQconnectdb(f->db);
	const char *vals[1] = { arg };
	PGresult *r;
	long long n = -1;

	if (PQstatus(c) == CONNECTION_OK) {
		r = PQexecParams(c, sql, arg ? 1 : 0, NULL, arg ? vals : NULL, NULL, NULL, 0);
		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
			n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		PQclear(r);
	}
	PQfinish(c);
	return n;
}

/* The kiosk (English or Arabic start, 24×80) on f's server. */
static ht *kiosk_on(struct ofx *f)
{
	const char *argv[] = { ofx_bin(), "--db", f->db, "--config", f->conf, NULL };
	ht *h = ht_new(24, 80);

	assert_true(ht_spawn(h, argv, NULL));
	return h;
}

/* `khidma status` on f: its output in out, the exit status returned. */
static int status_of(struct ofx *f, char *out, size_t n)
{
	char cmd[2048];
	FILE *p;
	size_t len = 0, r;
	int st;

	snprintf(cmd, sizeof cmd, "'%s' --db '%s' --config '%s' status 2>&1",
	         ofx_bin(), f->db, f->conf);
	assert_non_null(p = popen(cmd, "r"));
	while (len + 1 < n && (r = fread(out + len, 1, n - 1 - len, p)) > 0)
		len += r;
	out[len] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* From the welcome (English): a member's request, submitted; the
 * reference read off the confirmation. The server may be stopped after
 * the description is typed (halt_mid). */
static void kiosk_submit(ht *h, const char *name, const char *nid, bool halt_mid,
                         char *ref, size_t n)
{
	kiosk_choose_lang(h, false);
	kiosk_to_description(h, name, nid, "0551234567");
	ht_keys(h, "The roof leaks over the kitchen.");
	if (halt_mid)
		halt();
	ht_key(h, HT_KEY_F(5));
	HT_ASSERT_TEXT(h, "Check your request", KT);
	ht_keys(h, "1");
	HT_ASSERT_TEXT(h, "Messages about this request", KT);
	ht_keys(h, "1");
	HT_ASSERT_TEXT(h, "I confirm that the information", KT);
	ht_keys(h, "1");
	ht_key(h, HT_KEY_ENTER);
	type_line(h, name);
	HT_ASSERT_TEXT(h, "Your reference number is", ht_timeout(15000));
	HT_ASSERT(h, kiosk_wait_ref(h, ref, n));
}

/* From the welcome: track ref with the mobile's last four digits, in
 * English ("2") or Arabic ("1"). */
static void kiosk_track_ref(ht *h, const char *ref, bool arabic)
{
	char *home = visual_of("طلب خدمة جديد", TEXT_RTL);

	HT_ASSERT_TEXT(h, "Welcome", ht_timeout(15000));
	ht_keys(h, arabic ? "1" : "2");
	HT_ASSERT_TEXT(h, arabic ? home : "Track my request", KT);
	free(home);
	ht_keys(h, "2");                            /* home: track my request */
	HT_ASSERT_GONE(h, arabic ? "Welcome" : "New service request", KT);
	ht_wait_quiet(h, 100);
	ht_keys(h, ref);
	ht_key(h, HT_KEY_ENTER);
	ht_keys(h, "4567");
	ht_key(h, HT_KEY_ENTER);
}

/* Back to the welcome from anywhere in the visitor's screens. */
static void kiosk_home(ht *h)
{
	for (int i = 0; i < 8 && !ht_wait_text(h, "Welcome", 700); i++) {
		char *ar = visual_of("تجاهل البيانات؟", TEXT_RTL);
		bool box = ofx_row_of(h, "Discard?") >= 0 || ofx_row_of(h, ar) >= 0;

		free(ar);
		if (box)
			ht_keys(h, "1");            /* yes: what was typed goes */
		else
			ht_key(h, HT_KEY_ESC);
	}
	HT_ASSERT_TEXT(h, "Welcome", KT);
}

static void kiosk_survives_the_server_going_away(void **state)
{
	struct ofx f = { 0 };
	char ref[32], idem[128] = "";
	ht *h;

	(void)state;
	ensure_up();                     /* after a failed case */
	fresh(&f, "off_kiosk", false);
	h = kiosk_on(&f);
	kiosk_wait_open(h);              /* online: its block is reserved */
	kiosk_submit(h, "Sara Ali", NID_OK, true, ref, sizeof ref);
	/* tracking while the server is away: both languages */
	kiosk_track_ref(h, ref, false);
	HT_ASSERT_TEXT(h, "The office system cannot be reached right now", ht_timeout(15000));
	kiosk_home(h);
	kiosk_track_ref(h, ref, true);
	{
		char *ar = visual_of("يتعذّر الوصول إلى نظام المكتب الآن", TEXT_RTL);

		HT_ASSERT_TEXT(h, ar, ht_timeout(15000));
		free(ar);
	}
	kiosk_home(h);
	assert_int_equal(pg_count(&f, "SELECT count(*) FROM requests", NULL), -1);
	bring_back();
	/* the pass between visitors delivers it (the welcome's ticks) */
	for (int i = 0; i < TLONG / 250 &&
	     pg_count(&f, "SELECT count(*) FROM requests WHERE ref = $1", ref) != 1; i++)
		ht_pump(h, 250);
	assert_int_equal(pg_count(&f, "SELECT count(*) FROM requests WHERE ref = $1", ref), 1);
	assert_int_equal(pg_count(&f, "SELECT count(*) FROM requests", NULL), 1);
	{
		PGconn *c = PQconnectdb(f.db);
		const char *vals[1] = { ref };
		PGresult *r = PQexecParams(c, "SELECT idem FROM requests WHERE ref = $1",
		                           1, NULL, vals, NULL, NULL, 0);

		assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
		assert_int_equal(PQntuples(r), 1);
		snprintf(idem, sizeof idem, "%s", PQgetvalue(r, 0, 0));
		PQclear(r);
		PQfinish(c);
	}
	assert_true(strlen(idem) > 16);
	assert_int_equal(pg_count(&f, "SELECT count(*) FROM requests WHERE idem = $1", idem), 1);
	assert_int_equal(pg_count(&f, "SELECT count(*) FROM request_events e JOIN requests r "
	                          "ON r.id = e.request_id WHERE r.ref = $1", ref), 1);
	/* the visitor's reference tracks now */
	kiosk_track_ref(h, ref, false);
	HT_ASSERT_TEXT(h, "Status:", ht_timeout(15000));
	ht_end(h);
	ht_end(f.base);
}

static void officer_keeps_screen_and_text(void **state)
{
	struct ofx f = { 0 };
	char ref[16];
	ht *h;
	static const char note[] = "Called the member: papers on Sunday";

	(void)state;
	ensure_up();                     /* after a failed case */
	fresh(&f, "off_officer", true);
	ofx_submit(&f, "Amal Alharthi", 44, false, ref);
	h = ofx_session(&f, "ali", "en", NULL, 24, 80);
	ofx_login(h, PW);
	HT_ASSERT_TEXT(h, ref, T);
	/* on the queue */
	halt();
	HT_ASSERT_TEXT(h, "No connection to the server — retrying", ht_timeout(15000));
	HT_ASSERT_TEXT(h, ref, T);                  /* the rows stay */
	HT_ASSERT_TEXT(h, "Requests", T);
	ht_key(h, HT_KEY_F(2));                     /* Arabic: the same, in Arabic */
	{
		char *ar = visual_of("لا يوجد اتصال بالخادم — تجري إعادة المحاولة…", TEXT_RTL);

		HT_ASSERT_TEXT(h, ar, ht_timeout(15000));
		free(ar);
	}
	ht_key(h, HT_KEY_F(2));
	HT_ASSERT_TEXT(h, "No connection to the server — retrying", ht_timeout(15000));
	/* another view cannot load now: the table says so, the rows go (a
	 * refresh of the same list would keep them: queue.c invariant 7) */
	ht_keys(h, "v");
	HT_ASSERT_TEXT(h, "The requests could not be loaded", ht_timeout(15000));
	HT_ASSERT_GONE(h, ref, T);
	bring_back();
	HT_ASSERT_TEXT(h, "Connected to the server again.", ht_timeout(15000));
	HT_ASSERT_TEXT(h, ref, ht_timeout(15000));  /* read again, no key pressed */
	HT_ASSERT_GONE(h, "The requests could not be loaded", T);
	/* a note typed on the request survives a failed save */
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "— Received", T);
	ht_key(h, HT_KEY_F1);
	HT_ASSERT(h, ofx_choose(h, "Add an internal note"));
	HT_ASSERT_TEXT(h, "the member never sees it", T);
	ht_keys(h, note);
	halt();
	ht_key(h, HT_KEY_F(5));
	HT_ASSERT_TEXT(h, "No connection to the server — retrying…", ht_timeout(15000));
	HT_ASSERT_TEXT(h, "what you typed is kept", T);
	HT_ASSERT_TEXT(h, note, T);
	HT_ASSERT_TEXT(h, "Add an internal note", T);
	bring_back();
	HT_ASSERT_TEXT(h, "Connected to the server again.", ht_timeout(15000));
	HT_ASSERT_TEXT(h, note, T);
	ht_key(h, HT_KEY_F(5));
	HT_ASSERT_TEXT(h, "Note added.", ht_timeout(15000));
	assert_int_equal(pg_count(&f, "SELECT count(*) FROM request_events WHERE note = $1",
	                          note), 1);
	ht_hangup(h);
	ht_wait_exit(h, ht_timeout(3000), NULL);
	ht_end(h);
	ht_end(f.base);
}

static void kiosk_started_while_server_down(void **state)
{
	struct ofx f = { 0 };
	char ref[32], out[4096];
	ht *h;

	(void)state;
	ensure_up();                     /* after a failed case */
	fresh(&f, "off_start", false);
	/* no block reserved yet: out of service, both languages */
	halt();
	h = kiosk_on(&f);
	HT_ASSERT_TEXT(h, "This kiosk is out of service.", ht_timeout(15000));
	HT_ASSERT_TEXT(h, "The office system cannot be reached.", T);
	HT_ASSERT_TEXT(h, "The kiosk keeps trying and comes back by itself.", T);
	{
		const char *ar[] = { "هذا الجهاز خارج الخدمة.", "يتعذّر الوصول إلى نظام المكتب.",
		                     "يواصل الجهاز المحاولة، وسيعود إلى الخدمة من تلقاء نفسه." };

		for (size_t i = 0; i < 3; i++) {
			char *v = visual_of(ar[i], TEXT_RTL);

			HT_ASSERT_TEXT(h, v, T);
			free(v);
		}
	}
	assert_false(ht_exited(h, NULL));
	bring_back();
	HT_ASSERT_TEXT(h, "Welcome", ht_timeout(20000));   /* back by itself */
	kiosk_wait_open(h);              /* and its block reserved (the welcome) */
	ht_end(h);
	/* with a block: started while the server is down, it takes requests */
	halt();
	h = kiosk_on(&f);
	HT_ASSERT_TEXT(h, "Welcome", ht_timeout(15000));
	kiosk_wait_open(h);
	HT_ASSERT_GONE(h, "out of service", 100);
	kiosk_submit(h, "Noura Saleh", "1000000016", false, ref, sizeof ref);
	assert_int_equal(status_of(&f, out, sizeof out), 1);
	if (!strstr(out, "waiting for the server: 1 (oldest received ") ||
	    !strstr(out, "NOT reachable"))
		fail_msg("khidma status, server down:\n%s", out);
	bring_back();
	kiosk_home(h);
	for (int i = 0; i < TLONG / 250 &&
	     pg_count(&f, "SELECT count(*) FROM requests WHERE ref = $1", ref) != 1; i++)
		ht_pump(h, 250);
	assert_int_equal(pg_count(&f, "SELECT count(*) FROM requests WHERE ref = $1", ref), 1);
	assert_int_equal(status_of(&f, out, sizeof out), 0);
	if (!strstr(out, "waiting for the server: 0\n") || !strstr(out, ": reachable") ||
	    strstr(out, "last successful forward: never"))
		fail_msg("khidma status, server back:\n%s", out);
	ht_end(h);
	ht_end(f.base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kiosk_survives_the_server_going_away),
		cmocka_unit_test(officer_keeps_screen_and_text),
		cmocka_unit_test(kiosk_started_while_server_down),
	};

	if (!ht_khidma_bin_set())
		return 1;
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
