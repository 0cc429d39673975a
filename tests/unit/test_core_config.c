/*
 * Unit tests for the configuration file and the screen definitions:
 * defaults, the shipped example and screens/ load, and every kind of error
 * names file:line without half-applying anything.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/config.h"
#include "core/screens.h"

static char tmpdir[] = "/tmp/khidma-cfg-XXXXXX";

static const char *
srcdir(void)
{
	const char *s = getenv("KHIDMA_SRCDIR");
	return s ? s : ".";
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
test_defaults(void **state)
{
	struct config c;
	(void)state;
	config_defaults(&c);
	assert_int_equal(c.idle_timeout, 90);
	assert_int_equal(c.idle_warning, 20);
	assert_int_equal(c.sla_days, 30);
	assert_int_equal(c.report_min_n, 30);
	assert_int_equal(c.lock_tries, 5);
	assert_int_equal(c.lock_minutes, 15);
	assert_string_equal(c.bidi, "app");
	assert_string_equal(c.language, "ar");
	assert_int_equal(c.ndocs, 3);
	config_free(&c);
}

static void
test_example_loads(void **state)
{
	struct config c;
	char path[4096], err[512];
	(void)state;
	snprintf(path, sizeof path, "%s/khidma.conf.example", srcdir());
	config_defaults(&c);
	assert_int_equal(config_load(&c, path, err, sizeof err), 0);
	assert_int_equal(c.idle_timeout, 90);
	assert_int_equal(c.ndocs, 3);
	assert_string_equal(c.docs[2].path_ar, "docs/faq.ar.txt");
	config_free(&c);
}

static void
expect_error(const char *text, const char *needle)
{
	struct config c;
	char path[4096], err[512];

	snprintf(path, sizeof path, "%s/bad.conf", tmpdir);
	write_file(path, text);
	config_defaults(&c);
	assert_int_equal(config_load(&c, path, err, sizeof err), -1);
	if (strstr(err, needle) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", err, needle);
	/* nothing half-applied */
	assert_int_equal(c.idle_timeout, 90);
	config_free(&c);
}

static void
test_errors_name_file_and_line(void **state)
{
	(void)state;
	expect_error("idle_timeout = 30;\n\nbogus = 1;\n", "bad.conf:3: unknown setting \"bogus\"");
	expect_error("idle_timeout = 30;\nsla_days = \"ten\";\n", "bad.conf:2: \"sla_days\" must be a whole number");
	expect_error("idle_timeout = 30;\nreport_min_n = 5;\n", "bad.conf:2: \"report_min_n\" must be between 30");
	expect_error("bidi = \"both\";\n", "bad.conf:1: \"bidi\" must be one of");
	expect_error("idle_timeout = 30\nx = ;\n", "bad.conf:2:");
}

static void
test_missing_explicit_file(void **state)
{
	struct config c;
	char err[512];
	(void)state;
	config_defaults(&c);
	assert_int_equal(config_load(&c, "/nonexistent/khidma.conf", err, sizeof err), -1);
	assert_non_null(strstr(err, "/nonexistent/khidma.conf:0:"));
	config_free(&c);
}

static void
test_screens_shipped(void **state)
{
	struct screens s;
	char dir[4096], err[512];
	const struct form_def *f;
	int channels = 0, questions = 0;
	(void)state;
	snprintf(dir, sizeof dir, "%s/screens", srcdir());
	if (screens_load(dir, &s, err, sizeof err) != 0)
		fail_msg("%s", err);
	assert_non_null(screens_menu(&s, "home"));
	assert_int_equal(screens_menu(&s, "home")->nitems, 5);   /* + call an officer */
	f = screens_form(&s, "request");
	assert_non_null(f);
	assert_non_null(form_field(f, "national_id"));
	assert_int_equal(form_field(f, "national_id")->type, FT_NATIONAL_ID);
	for (int i = 0; i < s.nseeds; i++) {
		channels += strcmp(s.seeds[i].kind, "channel") == 0;
		questions += strcmp(s.seeds[i].kind, "question") == 0;
	}
	assert_int_equal(channels, 8);       /* the policy's 8 channels */
	assert_true(questions >= 5);
	assert_true(s.declaration.version >= 1);
	screens_free(&s);
}

static void
screens_expect_error(const char *file, const char *text, const char *needle)
{
	char dir[1024], cmd[8192], path[1200], err[512];
	struct screens s;

	snprintf(dir, sizeof dir, "%s/scr", tmpdir);
	snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s' && cp '%s'/screens/*.conf '%s'/",
	    dir, dir, srcdir(), dir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof path, "%s/%s", dir, file);
	write_file(path, text);
	assert_int_equal(screens_load(dir, &s, err, sizeof err), -1);
	if (strstr(err, needle) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", err, needle);
}

static void
test_screens_errors(void **state)
{
	(void)state;
	screens_expect_error("menus.conf", "menus = ( { id = \"home\"; title = \"x\";\n"
	    "  items = ( { label = \"a\"; action = \"b\"; colour = 1; } ); } );\n",
	    "menus.conf:2: unknown setting \"colour\"");
	screens_expect_error("forms.conf", "forms = ( { id = \"f\"; title = \"t\"; fields = (\n"
	    " { id = \"a\"; label = \"A\"; type = \"number\"; } ); } );\n",
	    "forms.conf:2: unknown field type");
	screens_expect_error("catalog.conf", "catalog = (\n { kind = \"service\"; code = \"x\"; en = \"X\"; ar = \"س\"; },\n"
	    " { kind = \"service\"; code = \"x\"; en = \"Y\"; ar = \"ص\"; } );\n",
	    "catalog.conf:3: service \"x\" defined twice");
	screens_expect_error("declaration.conf", "declaration = { version = 0; en = \"a\"; ar = \"b\"; };\n",
	    "declaration.conf:1: the declaration needs a version");
	screens_expect_error("forms.conf", "forms = ( { id = \"f\"; title = \"t\"; fields = (\n"
	    " { id = \"a\"; label = \"A\"; type = \"text\"; show_if = \"b=c\"; } ); } );\n",
	    "forms.conf:2: show_if names \"b\"");
	screens_expect_error("catalog.conf", "catalog = ( { kind = \"service\" code = \"x\"; } );\n",
	    "catalog.conf:1:");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_example_loads),
		cmocka_unit_test(test_errors_name_file_and_line),
		cmocka_unit_test(test_missing_explicit_file),
		cmocka_unit_test(test_screens_shipped),
		cmocka_unit_test(test_screens_errors),
	};
	int rc;
	if (mkdtemp(tmpdir) == NULL)
		return 1;
	rc = cmocka_run_group_tests_name("core_config", tests, NULL, NULL);
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		rc = rc ? rc : 1;
	return rc;
}
