/*
 * `khidma init`, `check` and `officer add|passwd|disable|enable|unlock|list`,
 * run as the real binary; plus password.c's helpers (hash, verify, strength)
 * called directly.
 */
#include "test_cli_util.h"

#include <sqlite3.h>

#include "core/password.h"

static const char good_pw[] = "Qaswa-2024-mahal\nQaswa-2024-mahal\n";

static void test_init_and_check(void **state)
{
	struct cu *c = cu_new();
	(void)state;

	cu_run(c, NULL, "init", "--branch", "07");
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "schema version");
	CU_ASSERT_HAS(c->out, "branch 07");
	/* again: an upgrade is a no-op, the branch stays */
	cu_run(c, NULL, "init");
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "branch 07");
	cu_run(c, NULL, "init", "--branch", "7x");
	CU_ASSERT_STATUS(c, 2);
	cu_run(c, NULL, "check");
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "ok");
	/* a broken configuration is named by file:line */
	cu_write(c, "khidma.conf", "sla_days = \"x\";\n", 16);
	cu_run(c, NULL, "check");
	CU_ASSERT_STATUS(c, 1);
	CU_ASSERT_HAS(c->err, "khidma.conf:");
	cu_free(c);
}

static void test_help_and_usage(void **state)
{
	static const char *const cmds[] = {
		"init", "check", "officer", "members", "export", "backup", "report",
	};
	struct cu *c = cu_new();
	(void)state;

	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		cu_run(c, NULL, cmds[i], "--help");
		CU_ASSERT_STATUS(c, 0);
		CU_ASSERT_HAS(c->out, "usage: khidma ");
		CU_ASSERT_HAS(c->out, cmds[i]);
	}
	cu_run(c, NULL, "export", "nonsense", "--format", "csv");
	CU_ASSERT_STATUS(c, 2);
	CU_ASSERT_HAS(c->err, "usage:");
	cu_run(c, NULL, "frobnicate");
	CU_ASSERT_STATUS(c, 2);
	/* no database yet: a failure, not a usage error, and nothing created */
	cu_run(c, NULL, "officer", "list");
	CU_ASSERT_STATUS(c, 1);
	CU_ASSERT_HAS(c->err, "init");
	assert_int_not_equal(access(c->db, F_OK), 0);
	cu_free(c);
}

static void test_officer_lifecycle(void **state)
{
	struct cu *c = cu_init();
	sqlite3 *db;
	sqlite3_stmt *st;
	(void)state;

	cu_run(c, good_pw, "officer", "add", "ahmad", "--name", "أحمد العتيبي",
	       "--role", "committee");
	CU_ASSERT_STATUS(c, 0);
	/* the same login again is refused */
	cu_run(c, good_pw, "officer", "add", "ahmad", "--name", "X Y",
	       "--role", "officer");
	CU_ASSERT_STATUS(c, 1);
	CU_ASSERT_HAS(c->err, "exists");
	/* bad role, missing name: usage errors */
	cu_run(c, good_pw, "officer", "add", "sara", "--name", "Sara", "--role", "boss");
	CU_ASSERT_STATUS(c, 2);
	cu_run(c, good_pw, "officer", "add", "sara", "--role", "admin");
	CU_ASSERT_STATUS(c, 2);
	/* "kiosk" is the lobby kiosk's name in the audit trail (declared_by,
	 * the submission's who): an officer of that name would write events
	 * that read as the kiosk's and could never verify or decide a kiosk
	 * request (workflow.c invariant 5) — refused, nothing stored */
	cu_run(c, good_pw, "officer", "add", "kiosk", "--name", "Kiosk", "--role", "committee");
	CU_ASSERT_STATUS(c, 2);
	CU_ASSERT_HAS(c->err, "reserved");

	cu_run(c, NULL, "officer", "list");
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "LOGIN");
	CU_ASSERT_HAS(c->out, "ahmad");
	CU_ASSERT_HAS(c->out, "أحمد العتيبي");
	CU_ASSERT_HAS(c->out, "committee");
	CU_ASSERT_HAS(c->out, "yes");
	CU_ASSERT_LACKS(c->out, "kiosk");

	/* the stored hash is argon2id and verifies the password given */
	assert_int_equal(sqlite3_open(c->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT pwhash FROM officers "
	                 "WHERE login = 'ahmad'", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_memory_equal(sqlite3_column_text(st, 0), "$argon2id$", 10);
	assert_true(password_verify((const char *)sqlite3_column_text(st, 0),
	                            "Qaswa-2024-mahal"));
	assert_false(password_verify((const char *)sqlite3_column_text(st, 0),
	                             "Qaswa-2024-mahaL"));
	sqlite3_finalize(st);

	/* disable, then a lock made by 5 failures, then unlock */
	cu_run(c, NULL, "officer", "disable", "ahmad");
	CU_ASSERT_STATUS(c, 0);
	cu_run(c, NULL, "officer", "list");
	CU_ASSERT_HAS(c->out, " no ");
	assert_int_equal(sqlite3_exec(db, "UPDATE officers SET failed = 5, "
	                 "locked_until = strftime('%s','now') + 900 WHERE login = "
	                 "'ahmad'", NULL, NULL, NULL), SQLITE_OK);
	cu_run(c, NULL, "officer", "list");
	CU_ASSERT_HAS(c->out, "20");          /* a locked-until date */
	cu_run(c, NULL, "officer", "unlock", "ahmad");
	CU_ASSERT_STATUS(c, 0);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT failed, locked_until FROM "
	                 "officers WHERE login = 'ahmad'", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 0);
	assert_int_equal(sqlite3_column_int64(st, 1), 0);
	sqlite3_finalize(st);
	sqlite3_close(db);

	cu_run(c, NULL, "officer", "unlock", "nobody");
	CU_ASSERT_STATUS(c, 1);
	CU_ASSERT_HAS(c->err, "no officer");
	cu_run(c, NULL, "officer", "disable");
	CU_ASSERT_STATUS(c, 2);

	/* passwd: the new password replaces the old */
	cu_run(c, "Another-Pass-77\nAnother-Pass-77\n", "officer", "passwd", "ahmad");
	CU_ASSERT_STATUS(c, 0);
	assert_int_equal(sqlite3_open(c->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT pwhash FROM officers "
	                 "WHERE login = 'ahmad'", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_true(password_verify((const char *)sqlite3_column_text(st, 0),
	                            "Another-Pass-77"));
	sqlite3_finalize(st);
	sqlite3_close(db);
	cu_free(c);
}

static void test_weak_passwords_refused(void **state)
{
	static const struct { const char *in, *why; } weak[] = {
		{ "short1!\nshort1!\n",                 "too short" },
		{ "abcdefghijkl\nabcdefghijkl\n",       "one kind" },
		{ "12345678901\n12345678901\n",         "one kind" },
		{ "password123\npassword123\n",         "commonest" },
		{ "Qaswa-2024-mahal\nQaswa-2024-mahaL\n", "differ" },
		{ "Qaswa-2024-mahal\n",                 "only once" },
		{ "",                                    "no password" },
	};
	struct cu *c = cu_init();
	(void)state;

	for (size_t i = 0; i < sizeof weak / sizeof weak[0]; i++) {
		cu_run(c, weak[i].in, "officer", "add", "omar", "--name", "Omar",
		       "--role", "officer");
		CU_ASSERT_STATUS(c, 1);
		CU_ASSERT_HAS(c->err, weak[i].why);
	}
	/* the login itself as the password */
	cu_run(c, "khalid.s-01\nkhalid.s-01\n", "officer", "add", "khalid.s-01",
	       "--name", "Khalid", "--role", "officer");
	CU_ASSERT_STATUS(c, 1);
	CU_ASSERT_HAS(c->err, "login or the name");
	cu_run(c, NULL, "officer", "list");
	CU_ASSERT_LACKS(c->out, "omar");
	CU_ASSERT_LACKS(c->out, "khalid");
	cu_free(c);
}

static void test_password_helpers(void **state)
{
	char h[PASSWORD_HASH_MAX];
	(void)state;

	assert_null(password_weak("Qaswa-2024-mahal", "ahmad", "Ahmad"));
	assert_null(password_weak("كلمة سر طويلة 2024", "ahmad", NULL));
	assert_non_null(password_weak("كلمةسرطويلةجدا", NULL, NULL)); /* one class */
	assert_non_null(password_weak("AHMAD-NASSER", "x", "ahmad-nasser"));
	assert_non_null(password_weak("\xff\xfe" "abcdefgh12", NULL, NULL));
	assert_int_equal(password_hash("Qaswa-2024-mahal", h, sizeof h), 0);
	assert_true(password_verify(h, "Qaswa-2024-mahal"));
	assert_false(password_verify(h, ""));
	assert_false(password_verify("", "Qaswa-2024-mahal"));
	assert_false(password_verify("$argon2id$garbage", "x"));
	assert_false(password_needs_rehash(h));
}

/* One column of `officer list` for login: "yes"/"no" of ACTIVE. */
static bool listed_active(struct cu *c, const char *login)
{
	const char *row;

	cu_run(c, NULL, "officer", "list");
	CU_ASSERT_STATUS(c, 0);
	row = strstr(c->out, login);
	assert_non_null(row);
	return strstr(row, " yes ") != NULL && (strchr(row, '\n') == NULL ||
	       strstr(row, " yes ") < strchr(row, '\n'));
}

/* Issue 10 finding 4 / issue 12: `enable` exists; `passwd` changes the
 * password only — it neither re-enables a disabled account nor unlocks a
 * locked one, and says so. */
static void test_enable_and_passwd_keeps_active(void **state)
{
	static const char pw2[] = "Lantern-orbit-fig-93\nLantern-orbit-fig-93\n";
	struct cu *c = cu_init();
	sqlite3 *db;
	(void)state;

	cu_run(c, good_pw, "officer", "add", "huda", "--name", "Huda", "--role", "officer");
	CU_ASSERT_STATUS(c, 0);
	assert_true(listed_active(c, "huda"));
	cu_run(c, NULL, "officer", "disable", "huda");
	CU_ASSERT_STATUS(c, 0);
	assert_false(listed_active(c, "huda"));
	/* passwd on a disabled account: changed, still disabled, told */
	cu_run(c, pw2, "officer", "passwd", "huda");
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "password of huda changed");
	CU_ASSERT_HAS(c->out, "still disabled");
	CU_ASSERT_HAS(c->out, "officer enable huda");
	assert_false(listed_active(c, "huda"));
	/* enable */
	cu_run(c, NULL, "officer", "enable", "huda");
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "officer huda enabled");
	assert_true(listed_active(c, "huda"));
	/* passwd on an active account keeps it active and says nothing more */
	cu_run(c, good_pw, "officer", "passwd", "huda");
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_LACKS(c->out, "note:");
	assert_true(listed_active(c, "huda"));
	/* a lock stays through passwd (unlock is its own verb), and is told */
	assert_int_equal(sqlite3_open(c->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE officers SET failed = 5, "
	                 "locked_until = strftime('%s','now') + 900 WHERE login = "
	                 "'huda'", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	cu_run(c, pw2, "officer", "passwd", "huda");
	CU_ASSERT_STATUS(c, 0);
	CU_ASSERT_HAS(c->out, "still locked out");
	cu_run(c, NULL, "officer", "list");
	CU_ASSERT_HAS(c->out, "20");          /* the locked-until date */
	/* errors */
	cu_run(c, NULL, "officer", "enable", "nobody");
	CU_ASSERT_STATUS(c, 1);
	CU_ASSERT_HAS(c->err, "no officer");
	cu_run(c, NULL, "officer", "enable");
	CU_ASSERT_STATUS(c, 2);
	cu_run(c, NULL, "officer", "--help");
	CU_ASSERT_HAS(c->out, "officer enable LOGIN");
	cu_free(c);
}

/* Issue 15 #12: zxcvbn refuses the easy-to-guess passwords the old rules
 * let through, with the reason in the officer's language; a passphrase
 * passes. */
static void test_zxcvbn_strength(void **state)
{
	static const struct { const char *pw, *why, *why_ar; } weak[] = {
		{ "aaaaaaaaaa1", "repeats characters", "تكرّر" },
		{ "P@ssw0rd!!",  "common password or word", "كلمة مرور أو كلمة شائعة" },
		{ "khidma2026!", "program's name", "اسم البرنامج" },
	};
	struct cu *c = cu_init();
	char in[128];
	(void)state;

	for (size_t i = 0; i < sizeof weak / sizeof weak[0]; i++) {
		const char *why = password_weak(weak[i].pw, "rami", "Rami");

		/* the old rules passed each of them */
		assert_true(strlen(weak[i].pw) >= 10);
		assert_non_null(why);
		assert_non_null(strstr(why, weak[i].why));
		snprintf(in, sizeof in, "%s\n%s\n", weak[i].pw, weak[i].pw);
		cu_run(c, in, "--lang", "en", "officer", "add", "rami", "--name", "Rami",
		       "--role", "officer");
		CU_ASSERT_STATUS(c, 1);
		CU_ASSERT_HAS(c->err, "password refused:");
		CU_ASSERT_HAS(c->err, weak[i].why);
		cu_run(c, in, "--lang", "ar", "officer", "add", "rami", "--name", "Rami",
		       "--role", "officer");
		CU_ASSERT_STATUS(c, 1);
		CU_ASSERT_HAS(c->err, "رُفضت كلمة المرور:");
		CU_ASSERT_HAS(c->err, weak[i].why_ar);
		cu_run(c, NULL, "officer", "list");
		CU_ASSERT_LACKS(c->out, "rami");
	}
	/* the login and the name are words of the user dictionary too */
	assert_non_null(password_weak("Zubaidah#2026", "zubaidah", "Zubaidah"));
	assert_non_null(password_weak("qwertyuiop[]1", NULL, NULL));      /* keyboard */
	/* a passphrase of unrelated words */
	assert_null(password_weak("Lantern-orbit-fig-93", "rami", "Rami"));
	assert_null(password_weak("correct horse battery staple", NULL, NULL));
	cu_run(c, "Lantern-orbit-fig-93\nLantern-orbit-fig-93\n", "officer", "add",
	       "rami", "--name", "Rami", "--role", "officer");
	CU_ASSERT_STATUS(c, 0);
	cu_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_and_check),
		cmocka_unit_test(test_help_and_usage),
		cmocka_unit_test(test_officer_lifecycle),
		cmocka_unit_test(test_weak_passwords_refused),
		cmocka_unit_test(test_password_helpers),
		cmocka_unit_test(test_enable_and_passwd_keeps_active),
		cmocka_unit_test(test_zxcvbn_strength),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
