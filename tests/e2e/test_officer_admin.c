/*
 * test_officer_admin — the admin's menu in the console (issue 12, "Admin
 * in the console"), on the real binary in a pty:
 *  - an admin adds an officer (password typed twice) who then logs in;
 *    the change is in syslog naming the admin;
 *  - a generated password is shown once and works;
 *  - an admin disables an officer whose console is open: that console ends
 *    ("Your access was ended"); enable lets them in again;
 *  - the last active admin can neither disable nor demote themselves;
 *  - "Backup now" writes a checked copy named by date and time into
 *    backup_dir (nothing else beside it), says where; a missing directory
 *    or no backup_dir is said, nothing written; the reports are in the
 *    same menu;
 *  - the catalog: a service type added (codes unique and well-formed, both
 *    names required) is offered at the kiosk and shown on its review;
 *    retired, it is kept (inactive) and no longer offered; the store
 *    refuses bidi controls and missing names from anyone;
 *  - the documents (issue 12, "the catalog … documents"): the first visit
 *    copies the configuration's three in; an added one (code checked, both
 *    titles required, each file chosen from docs/) is offered at the
 *    kiosk and opens its file; retired, the kiosk no longer offers it;
 *    every change in syslog; the store refuses "..", control characters
 *    and a ninth active document from anyone;
 *  - other roles never see the menu (F1, the A key), and the store refuses
 *    their account writes even without it.
 */
#include "e2e/test_officer_fixture.h"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/wait.h>

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

static struct officer officer_of(struct ofx *f, const char *login)
{
	store *s = ofx_open(f);
	struct officer o = { 0 };

	assert_int_equal(store_officer_get(s, login, &o), ST_OK);
	store_close(s);
	return o;
}

/* Log in as admin1 and open Administration → Officers. */
static ht *admin_officers(struct ofx *f, const char *env)
{
	ht *h = ofx_session_env(f, "admin1", "en", NULL, 24, 80, env);

	ofx_login(h, PW);
	ht_keys(h, "a");
	HT_ASSERT_TEXT(h, "Administration", T);
	HT_ASSERT(h, ofx_choose(h, "Officers"));
	HT_ASSERT_TEXT(h, "Add an officer", T);
	return h;
}

/* In the officers list, open the account whose row starts with login. */
static void open_account(ht *h, const char *login)
{
	char row[80];

	snprintf(row, sizeof row, "%s · ", login);
	HT_ASSERT(h, ofx_choose(h, row));
}

static char *read_log(struct ofx *f)
{
	static char buf[16384];
	FILE *p = fopen(ht_path(f->base, "khidma.log"), "r");
	size_t n;

	assert_non_null(p);
	n = fread(buf, 1, sizeof buf - 1, p);
	buf[n] = '\0';
	fclose(p);
	return buf;
}

static void add_officer_who_logs_in(void **state)
{
	struct ofx *f = *state;
	char env[600];
	struct officer o;
	ht *h, *n;
	int st = -1;

	snprintf(env, sizeof env, "KHIDMA_LOG_FILE=%s", ht_path(f->base, "khidma.log"));
	h = admin_officers(f, env);
	HT_ASSERT(h, ofx_choose(h, "Add an officer"));
	HT_ASSERT_TEXT(h, "Login (the officer", T);
	/* a bad login is refused and stays in the field */
	ht_keys(h, "Noor Ali");
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "A login is 1 to 32", T);
	for (int i = 0; i < 8; i++)
		ht_key(h, HT_KEY_BACKSPACE);
	/* an existing login too */
	ht_keys(h, "ali");
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "exists already", T);
	for (int i = 0; i < 3; i++)
		ht_key(h, HT_KEY_BACKSPACE);
	ht_keys(h, "noor");
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "Full name", T);
	ht_keys(h, "Noor Officer");
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "Research committee", T);
	HT_ASSERT(h, ofx_choose(h, "Member-relations officer"));
	HT_ASSERT(h, ofx_choose(h, "Type a password (twice)"));
	HT_ASSERT_TEXT(h, "New password for noor", T);
	/* two different passwords, then a weak one: refused, asked again */
	ht_keys(h, PW);
	ht_key(h, HT_KEY_ENTER);
	ht_keys(h, "Other-Password-2026");
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "The two passwords differ", T);
	ht_keys(h, "noor12345678");
	ht_key(h, HT_KEY_ENTER);
	ht_keys(h, "noor12345678");
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_GONE(h, "The two passwords differ", T);
	HT_ASSERT_TEXT(h, "New password for noor", T);
	assert_null(strstr(ht_screen(h), "added"));
	ht_keys(h, PW);
	ht_key(h, HT_KEY_ENTER);
	ht_keys(h, PW);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "Officer noor added.", T);
	HT_ASSERT_TEXT(h, "noor · Noor Officer · Member-relations officer · active", T);
	o = officer_of(f, "noor");
	assert_int_equal(o.role, ROLE_OFFICER);
	assert_true(o.active);
	assert_null(strstr(o.pwhash, PW));
	officer_free(&o);
	ht_key(h, HT_KEY_F10);
	HT_ASSERT(h, ht_wait_exit(h, T, &st));
	ht_end(h);
	assert_non_null(strstr(read_log(f), "admin admin1: officer noor added (officer)"));

	n = ofx_session(f, "noor", "en", NULL, 24, 80);
	ofx_login(n, PW);
	HT_ASSERT_TEXT(n, "Noor Officer", T);
	ht_end(n);
}

/* The generated password: 4 groups of 4, on the screen once. */
static bool find_generated(ht *h, char out[20])
{
	for (int row = 0; row < ht_rows(h); row++) {
		const char *t = ht_screen_text(h, row);
		for (const char *p = t; strlen(p) >= 19; p++)
			if (p[4] == '-' && p[9] == '-' && p[14] == '-' &&
			    isalnum((unsigned char)p[0]) && isalnum((unsigned char)p[18]) &&
			    (p[19] == '\0' || p[19] == ' ')) {
				memcpy(out, p, 19);
				out[19] = '\0';
				return true;
			}
	}
	return false;
}

static void generated_password_shown_once(void **state)
{
	struct ofx *f = *state;
	char pw[20];
	ht *h = admin_officers(f, NULL), *n;

	open_account(h, "sara");
	HT_ASSERT(h, ofx_choose(h, "Reset the password"));
	HT_ASSERT(h, ofx_choose(h, "Generate a password (shown once)"));
	HT_ASSERT_TEXT(h, "not shown again", T);
	HT_ASSERT(h, find_generated(h, pw));
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "The password of sara was changed.", T);
	assert_false(find_generated(h, pw));
	ht_end(h);

	n = ofx_session(f, "sara", "en", NULL, 24, 80);
	HT_ASSERT_TEXT(n, "Password", T);
	ht_keys(n, PW);                     /* the old one no longer works */
	ht_key(n, HT_KEY_ENTER);
	HT_ASSERT_TEXT(n, "Login failed.", T);
	ofx_login(n, pw);
	ht_end(n);
}

static void disable_ends_open_console(void **state)
{
	struct ofx *f = *state;
	ht *a = ofx_session(f, "ali", "en", NULL, 24, 80), *h;

	ofx_login(a, PW);
	h = admin_officers(f, NULL);
	open_account(h, "ali");
	HT_ASSERT(h, ofx_choose(h, "Disable the account"));
	HT_ASSERT_TEXT(h, "Officer ali disabled.", T);
	HT_ASSERT_TEXT(h, "ali · Ali Officer · Member-relations officer · disabled", T);
	/* ali's open console ends by itself (the session watch) */
	HT_ASSERT_TEXT(a, "Your access was ended", T);
	HT_ASSERT_GONE(a, "Requests", T);
	ht_keys(a, PW);
	ht_key(a, HT_KEY_ENTER);
	HT_ASSERT_TEXT(a, "Login failed.", T);
	/* enabled again: ali gets in */
	open_account(h, "ali");
	HT_ASSERT(h, ofx_choose(h, "Enable the account"));
	HT_ASSERT_TEXT(h, "Officer ali enabled.", T);
	ofx_login(a, PW);
	ht_end(a);
	ht_end(h);
}

static void last_admin_is_refused(void **state)
{
	struct ofx *f = *state;
	struct officer o;
	ht *h = admin_officers(f, NULL);

	open_account(h, "admin1");
	HT_ASSERT(h, ofx_choose(h, "Disable the account"));
	HT_ASSERT_TEXT(h, "this is the last active admin", T);
	open_account(h, "admin1");
	HT_ASSERT(h, ofx_choose(h, "Change the role"));
	HT_ASSERT(h, ofx_choose(h, "Member-relations officer"));
	HT_ASSERT_TEXT(h, "this is the last active admin", T);
	o = officer_of(f, "admin1");
	assert_true(o.active);
	assert_int_equal(o.role, ROLE_ADMIN);
	officer_free(&o);
	/* with a second admin, demoting oneself works — and ends one's console */
	open_account(h, "omar");
	HT_ASSERT(h, ofx_choose(h, "Change the role"));
	HT_ASSERT(h, ofx_choose(h, "Administrator"));
	HT_ASSERT_TEXT(h, "The role of omar was changed.", T);
	open_account(h, "admin1");
	HT_ASSERT(h, ofx_choose(h, "Disable the account"));
	HT_ASSERT_TEXT(h, "Your access was ended", T);
	o = officer_of(f, "admin1");
	assert_false(o.active);
	officer_free(&o);
	ht_end(h);
	/* the CLI refuses the last admin too */
	char *cmd = xasprintf("'%s' --db '%s' --config '%s' officer disable omar "
	                      "2>/dev/null", ofx_bin(), f->db, f->conf);
	assert_int_not_equal(system(cmd), 0);
	free(cmd);
	o = officer_of(f, "omar");
	assert_true(o.active);
	officer_free(&o);
}

static void other_roles_never_see_it(void **state)
{
	struct ofx *f = *state;
	static const char *const logins[] = { "ali", "sara", "omar" };
	static const officer_role roles[] = { ROLE_OFFICER, ROLE_RESEARCHER, ROLE_COMMITTEE };

	for (int i = 0; i < 3; i++) {
		ht *h = ofx_session(f, logins[i], "en", NULL, 24, 80);

		ofx_login(h, PW);
		ht_key(h, HT_KEY_F1);
		HT_ASSERT_TEXT(h, "Reports", T);
		assert_null(strstr(ht_screen(h), "Administration"));
		ht_key(h, HT_KEY_ESC);
		HT_ASSERT_GONE(h, "Refresh", T);
		ht_keys(h, "a");
		ht_keys(h, "\xd8\xb4");            /* ش: the A key in Arabic */
		assert_false(ht_wait_text(h, "Administration", 500));
		ht_end(h);

		/* the store refuses their account writes anyway */
		store *s = ofx_open(f);
		char hash[] = "$argon2id$v=19$m=65536,t=2,p=1$x$y";
		assert_int_equal(store_session_begin(s, logins[i], roles[i]), ST_OK);
		assert_int_equal(store_officer_set_active(s, "admin1", false), ST_REVOKED);
		store_session_end(s);
		assert_int_equal(store_session_begin(s, logins[i], roles[i]), ST_OK);
		assert_int_equal(store_officer_set_role(s, logins[i], ROLE_ADMIN), ST_REVOKED);
		store_session_end(s);
		assert_int_equal(store_session_begin(s, logins[i], roles[i]), ST_OK);
		assert_int_equal(store_officer_set_password(s, "admin1", hash), ST_REVOKED);
		store_close(s);
	}
	struct officer o = officer_of(f, "admin1");
	assert_true(o.active);
	officer_free(&o);
	o = officer_of(f, "ali");
	assert_int_equal(o.role, ROLE_OFFICER);
	officer_free(&o);
}

/* Open Administration and press B (Backup now). */
static void backup_now(ht *h)
{
	ht_keys(h, "a");
	HT_ASSERT_TEXT(h, "Administration", T);
	HT_ASSERT(h, ofx_choose(h, "Backup now"));
}

static void backup_now_writes_checked_copy(void **state)
{
	struct ofx *f = *state;
	char ref[16], conf[700], dir[600], name[300] = "";
	struct store_opts o = { .readonly = true };
	struct request r = { 0 };
	struct dirent *e;
	store *s = NULL;
	int files = 0;
	DIR *d;
	ht *h;

	ofx_submit(f, "Fatima Alharbi", 31, true, ref);
	snprintf(dir, sizeof dir, "%s/backups", ht_dir(f->base));
	snprintf(conf, sizeof conf, "backup_dir = \"%s\";\n", dir);
	assert_true(ht_write_file(f->base, "khidma.conf", conf));
	h = ofx_session(f, "admin1", "en", NULL, 24, 80);
	ofx_login(h, PW);
	/* the directory is not there yet: said, nothing written */
	backup_now(h);
	HT_ASSERT_TEXT(h, "The backup directory does not exist. Nothing was written.", T);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "Officers", T);
	assert_int_equal(mkdir(dir, 0700), 0);
	HT_ASSERT(h, ofx_choose(h, "Backup now"));
	HT_ASSERT_TEXT(h, "Backup written and checked", T);
	HT_ASSERT_TEXT(h, "/backups/khidma-20", T);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_GONE(h, "Backup written", T);
	ht_end(h);

	/* one file, named by date and time; no temporary, -wal or -shm */
	d = opendir(dir);
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' && (e->d_name[1] == '\0' || strcmp(e->d_name, "..") == 0))
			continue;
		files++;
		snprintf(name, sizeof name, "%s", e->d_name);
	}
	closedir(d);
	assert_int_equal(files, 1);
	assert_int_equal(strncmp(name, "khidma-20", 9), 0);
	assert_int_equal(strlen(name), strlen("khidma-20261202-170000.db"));
	assert_string_equal(name + strlen(name) - 3, ".db");
	/* the copy opens with its check and holds the request */
	snprintf(dir + strlen(dir), sizeof dir - strlen(dir), "/%s", name);
	assert_int_equal(store_open(dir, &o, &s, conf, sizeof conf), ST_OK);
	assert_int_equal(store_request_by_ref(s, ref, &r), ST_OK);
	assert_string_equal(r.name, "Fatima Alharbi");
	request_free(&r);
	store_close(s);

	/* no backup_dir: the menu says so */
	assert_true(ht_write_file(f->base, "khidma.conf", ""));
	h = ofx_session(f, "admin1", "en", NULL, 24, 80);
	ofx_login(h, PW);
	backup_now(h);
	HT_ASSERT_TEXT(h, "No backup directory is configured", T);
	ht_key(h, HT_KEY_ENTER);
	/* the reports are in the same menu (R) */
	HT_ASSERT(h, ofx_choose(h, "Reports"));
	HT_ASSERT_TEXT(h, "Requests in the period", T);
	ht_key(h, HT_KEY_ESC);
	HT_ASSERT_TEXT(h, "Backup now", T);
	ht_end(h);
}

/* Clear a one-line prompt field (End, then Backspace n times). */
static void clear_field(ht *h, int n)
{
	ht_key(h, HT_KEY_END);
	for (int i = 0; i < n; i++)
		ht_key(h, HT_KEY_BACKSPACE);
}

static bool has_service(struct ofx *f, const char *code, bool all, bool *active)
{
	store *s = ofx_open(f);
	struct catalog_item *it = NULL;
	bool found = false;
	int n = 0;

	assert_int_equal(store_catalog_list(s, "service", all, &it, &n), ST_OK);
	for (int i = 0; i < n; i++)
		if (strcmp(it[i].code, code) == 0) {
			found = true;
			if (active)
				*active = it[i].active;
		}
	catalog_items_free(it, n);
	store_close(s);
	return found;
}

static void catalog_item_shows_at_kiosk(void **state)
{
	struct ofx *f = *state;
	ht *h = ofx_session(f, "admin1", "en", NULL, 24, 80), *k;
	const char *argv[] = { ofx_bin(), "--db", f->db, "--config", f->conf, NULL };
	bool active = true;

	ofx_login(h, PW);
	ht_keys(h, "a");
	HT_ASSERT_TEXT(h, "Administration", T);
	HT_ASSERT(h, ofx_choose(h, "Catalog"));
	HT_ASSERT(h, ofx_choose(h, "Service types"));
	HT_ASSERT_TEXT(h, "Home maintenance", T);
	HT_ASSERT(h, ofx_choose(h, "Add"));
	HT_ASSERT_TEXT(h, "Code (a-z", T);
	ht_keys(h, "Legal!");
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "A code is 1 to 31", T);
	clear_field(h, 6);
	ht_keys(h, "maintenance");          /* taken */
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "This code is taken", T);
	clear_field(h, 11);
	ht_keys(h, "legal_aid");
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "Name in English", T);
	ht_keys(h, "Legal advice");
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "Name in Arabic", T);
	ht_key(h, HT_KEY_ENTER);            /* empty: refused, the prompt stays */
	assert_false(ht_wait_text(h, "legal_aid added", 500));
	ht_keys(h, "استشارة قانونية");
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "legal_aid added.", T);
	HT_ASSERT_TEXT(h, "legal_aid · Legal advice", T);
	assert_true(has_service(f, "legal_aid", false, NULL));

	/* the kiosk offers it (the 9th service) and the review names it */
	k = ht_new(24, 80);
	assert_true(ht_spawn(k, argv, NULL));
	HT_ASSERT_TEXT(k, "Welcome", T);
	ht_keys(k, "2");
	HT_ASSERT_TEXT(k, "New service request", T);
	ht_keys(k, "1");
	ht_wait_quiet(k, 100);
	ht_keys(k, "1");
	ht_key(k, HT_KEY_ENTER);
	ht_keys(k, "Huda Alqahtani");
	ht_key(k, HT_KEY_ENTER);
	ht_keys(k, "1000000008");
	ht_key(k, HT_KEY_ENTER);
	ht_keys(k, "4711");
	ht_key(k, HT_KEY_ENTER);
	ht_keys(k, "0551234567");
	ht_key(k, HT_KEY_ENTER);
	ht_key(k, HT_KEY_ENTER);
	ht_keys(k, "9");
	HT_ASSERT_TEXT(k, "Legal advice", T);
	ht_key(k, HT_KEY_ENTER);
	ht_keys(k, "I need advice on a contract with a supplier.");
	ht_key(k, HT_KEY_F(5));
	HT_ASSERT_TEXT(k, "Legal advice", T);
	ht_end(k);

	/* retired: kept for old requests, no longer offered (ten rows: not
	 * numbered; the new one is the last) */
	ht_key(h, HT_KEY_END);
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT(h, ofx_choose(h, "Retire (keep for old requests)"));
	HT_ASSERT_TEXT(h, "legal_aid retired.", T);
	HT_ASSERT_TEXT(h, " · retired", T);     /* the Arabic name is drawn shaped */
	assert_true(ofx_row_of(h, " · retired") == ofx_row_of(h, "legal_aid · Legal advice · "));
	assert_false(has_service(f, "legal_aid", false, NULL));
	assert_true(has_service(f, "legal_aid", true, &active));
	assert_false(active);
	ht_end(h);

	/* the store refuses what the console would: from anyone */
	store *s = ofx_open(f);
	struct catalog_item it = { .name_en = "Tricky \u202Eevil", .name_ar = "خدمة",
	                           .sort = 1, .active = true };
	strcpy(it.code, "tricky");
	assert_int_equal(store_catalog_upsert(s, "service", &it), ST_INVALID);
	it.name_en = "Tricky";
	it.name_ar = "";
	assert_int_equal(store_catalog_upsert(s, "service", &it), ST_INVALID);
	strcpy(it.code, "Bad-Code");
	it.name_ar = "خدمة";
	assert_int_equal(store_catalog_upsert(s, "service", &it), ST_INVALID);
	store_close(s);
	assert_false(has_service(f, "tricky", true, NULL));
}

static int doc_count(struct ofx *f, const char *code, bool *active)
{
	store *s = ofx_open(f);
	struct doc_item *d = NULL;
	int n = 0, found = 0;

	assert_int_equal(store_doc_list(s, true, &d, &n), ST_OK);
	for (int i = 0; i < n; i++)
		if (strcmp(d[i].code, code) == 0) {
			found++;
			if (active)
				*active = d[i].active;
		}
	doc_items_free(d, n);
	store_close(s);
	return found;
}

/* The kiosk's "Information and guides" in English. */
static ht *kiosk_info(struct ofx *f)
{
	const char *argv[] = { ofx_bin(), "--db", f->db, "--config", f->conf, NULL };
	ht *k = ht_new(24, 80);

	assert_true(ht_spawn(k, argv, NULL));
	HT_ASSERT_TEXT(k, "Welcome", T);
	ht_keys(k, "2");
	HT_ASSERT_TEXT(k, "4 Information and guides", T);
	ht_keys(k, "4");
	HT_ASSERT_TEXT(k, "Choose a document to read", T);
	return k;
}

static void documents_in_the_catalog(void **state)
{
	struct ofx *f = *state;
	ht *h, *k;
	bool active = true;
	char env[600];

	/* before any document is stored the kiosk shows the configuration's */
	k = kiosk_info(f);
	HT_ASSERT_TEXT(k, "3 Frequently asked questions", T);
	ht_end(k);
	assert_int_equal(doc_count(f, "faq", NULL), 0);

	snprintf(env, sizeof env, "KHIDMA_LOG_FILE=%s", ht_path(f->base, "khidma.log"));
	h = ofx_session_env(f, "admin1", "en", NULL, 24, 80, env);
	ofx_login(h, PW);
	ht_keys(h, "a");
	HT_ASSERT_TEXT(h, "Administration", T);
	HT_ASSERT(h, ofx_choose(h, "Catalog"));
	HT_ASSERT(h, ofx_choose(h, "Documents"));
	HT_ASSERT_TEXT(h, "The configuration's 3 documents were copied here", T);
	HT_ASSERT_TEXT(h, "faq · Frequently asked questions", T);
	HT_ASSERT_TEXT(h, "bylaws · The society's bylaws (summary)", T);
	assert_int_equal(doc_count(f, "support_guide", NULL), 1);

	HT_ASSERT(h, ofx_choose(h, "Add a document"));
	HT_ASSERT_TEXT(h, "Code (a-z", T);
	ht_keys(h, "Prices!");
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "A code is 1 to 31", T);
	clear_field(h, 7);
	ht_keys(h, "faq");                  /* taken */
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "This code is taken", T);
	clear_field(h, 3);
	ht_keys(h, "prices");
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "Title in English", T);
	ht_keys(h, "Price list");
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "Title in Arabic", T);
	ht_key(h, HT_KEY_ENTER);            /* empty: refused, the prompt stays */
	HT_ASSERT_TEXT(h, "Please fill this in", T);
	/* F2 shows the field's message in Arabic, and F2 again in English
	 * (issue 12: F2 left the old language's message) */
	ht_key(h, HT_KEY_F(2));
	HT_ASSERT_GONE(h, "Please fill this in", T);
	HT_ASSERT_GONE(h, "Title in Arabic", T);
	ht_key(h, HT_KEY_F(2));
	HT_ASSERT_TEXT(h, "Title in Arabic", T);
	HT_ASSERT_TEXT(h, "Please fill this in", T);
	ht_keys(h, "قائمة الأسعار");
	ht_key(h, HT_KEY_ENTER);
	HT_ASSERT_TEXT(h, "The file in English", T);
	HT_ASSERT(h, ofx_choose(h, "docs/support-guide.en.txt"));
	HT_ASSERT_TEXT(h, "The file in Arabic", T);
	HT_ASSERT(h, ofx_choose(h, "docs/support-guide.ar.txt"));
	HT_ASSERT_TEXT(h, "prices added.", T);
	HT_ASSERT_TEXT(h, "prices · Price list · ", T);
	/* the list's note is English text: F2 takes it away with the English */
	ht_key(h, HT_KEY_F(2));
	HT_ASSERT_GONE(h, "Add a document", T);
	HT_ASSERT_GONE(h, "prices added.", T);
	ht_key(h, HT_KEY_F(2));
	HT_ASSERT_TEXT(h, "Add a document", T);
	assert_int_equal(doc_count(f, "prices", &active), 1);
	assert_true(active);

	/* the kiosk offers it, fourth, and opens its file */
	k = kiosk_info(f);
	HT_ASSERT_TEXT(k, "4 Price list", T);
	ht_keys(k, "4");
	HT_ASSERT_TEXT(k, "MEMBER-SUPPORT POLICY GUIDE", T);
	ht_end(k);

	/* faq retired: kept, no longer offered */
	HT_ASSERT(h, ofx_choose(h, "faq · "));     /* five rows: numbered */
	HT_ASSERT(h, ofx_choose(h, "Retire (no longer shown at the kiosk)"));
	HT_ASSERT_TEXT(h, "faq retired.", T);
	HT_ASSERT_TEXT(h, "faq · retired · Frequently asked questions", T);
	assert_int_equal(doc_count(f, "faq", &active), 1);
	assert_false(active);
	ht_end(h);
	k = kiosk_info(f);
	HT_ASSERT_TEXT(k, "3 Price list", T);
	assert_false(ht_wait_text(k, "Frequently asked questions", 300));
	ht_end(k);
	assert_non_null(strstr(read_log(f), "admin admin1: document prices added"));
	assert_non_null(strstr(read_log(f), "admin admin1: document faq retired"));

	/* the store refuses what the console cannot produce, from anyone */
	store *s = ofx_open(f);
	struct doc_item d = { .code = "evil", .title_en = "Evil", .title_ar = "شر",
	                      .path_en = "docs/../../etc/passwd", .path_ar = "docs/faq.ar.txt",
	                      .sort = 1, .active = true };
	assert_int_equal(store_doc_upsert(s, &d), ST_INVALID);
	d.path_en = "docs/faq\x1b[2J.txt";
	assert_int_equal(store_doc_upsert(s, &d), ST_INVALID);
	d.path_en = "docs/faq.en.txt";
	d.title_ar = "\u202Eشر";
	assert_int_equal(store_doc_upsert(s, &d), ST_INVALID);
	d.title_ar = "شر";
	/* 3 active now: 5 more fit, the ninth is refused */
	for (int i = 0; i < 5; i++) {
		snprintf(d.code, sizeof d.code, "more%d", i);
		assert_int_equal(store_doc_upsert(s, &d), ST_OK);
	}
	strcpy(d.code, "ninth");
	assert_int_equal(store_doc_upsert(s, &d), ST_DENIED);
	store_close(s);
	assert_int_equal(doc_count(f, "evil", NULL), 0);
	assert_int_equal(doc_count(f, "ninth", NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(add_officer_who_logs_in, setup, teardown),
		cmocka_unit_test_setup_teardown(generated_password_shown_once, setup, teardown),
		cmocka_unit_test_setup_teardown(disable_ends_open_console, setup, teardown),
		cmocka_unit_test_setup_teardown(last_admin_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(other_roles_never_see_it, setup, teardown),
		cmocka_unit_test_setup_teardown(backup_now_writes_checked_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(catalog_item_shows_at_kiosk, setup, teardown),
		cmocka_unit_test_setup_teardown(documents_in_the_catalog, setup, teardown),
	};
	return cmocka_run_group_tests_name("officer_admin", tests, NULL, NULL);
}
