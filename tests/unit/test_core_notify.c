/*
 * core/notify_tpl and screens/notify.conf: placeholders, the one-segment
 * rule in GSM-7 and UCS-2, the cut of %(text)s at send time, and the
 * loader's file:line errors that `khidma check` prints.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/config.h"
#include "core/notify_tpl.h"
#include "core/screens.h"
#include "core/util.h"

static void test_units(void **state)
{
	int units, lim;
	bool ucs2;

	(void)state;
	lim = notify_sms_units("Hello @ 100%", &units, &ucs2);
	assert_int_equal(lim, 160);
	assert_false(ucs2);
	assert_int_equal(units, 12);
	lim = notify_sms_units("a{b}€", &units, &ucs2);     /* extension: 2 each */
	assert_int_equal(units, 8);
	assert_false(ucs2);
	lim = notify_sms_units("طلبك 12", &units, &ucs2);
	assert_int_equal(lim, 70);
	assert_true(ucs2);
	assert_int_equal(units, 7);
	notify_sms_units("a😀", &units, &ucs2);               /* outside the BMP: 2 */
	assert_int_equal(units, 3);
	assert_true(ucs2);
}

static void test_placeholders(void **state)
{
	char err[200];

	(void)state;
	assert_int_equal(notify_tpl_check("received", "Ref %(ref)s on %(date)s, 5%%", err,
	                 sizeof err), 0);
	assert_int_equal(notify_tpl_check("received", "%(text)s", err, sizeof err), -1);
	assert_non_null(strstr(err, "unknown placeholder %(text)s"));
	assert_int_equal(notify_tpl_check("delivered", "%(nme)s", err, sizeof err), -1);
	assert_int_equal(notify_tpl_check("delivered", "100% sure", err, sizeof err), -1);
	assert_int_equal(notify_tpl_check("delivered", "%(code", err, sizeof err), -1);
}

/* The text is cut so the SMS fits one segment, never the template. */
static void test_render_cut(void **state)
{
	struct notify_vals v = { "0100000123", NULL, NULL, NULL };
	char longtext[400];
	char *s;
	int units;
	bool ucs2;

	(void)state;
	memset(longtext, 'x', 300);
	longtext[300] = '\0';
	v.text = longtext;
	s = notify_render("Request %(ref)s needs: %(text)s", &v, true);
	assert_non_null(s);
	assert_int_equal(notify_sms_units(s, &units, &ucs2), 160);
	assert_true(units <= 160 && units >= 150);
	assert_non_null(strstr(s, "Request 0100000123 needs: xxx"));
	assert_null(strstr(s, "…"));                 /* "…" is not GSM-7 */
	assert_non_null(strstr(s, "xx..."));
	free(s);
	/* Arabic text in an Arabic template: UCS-2, 70 */
	v.text = "نرجو إحضار فاتورة الكهرباء الأخيرة وصورة الهوية الوطنية وعقد الإيجار الساري";
	s = notify_render("طلبك %(ref)s يحتاج معلومات: %(text)s", &v, true);
	assert_non_null(s);
	assert_int_equal(notify_sms_units(s, &units, &ucs2), 70);
	assert_true(units <= 70);
	assert_non_null(strstr(s, "…"));
	free(s);
	/* e-mail: whole */
	s = notify_render("%(text)s", &v, false);
	assert_string_equal(s, v.text);
	free(s);
}

/* A copy of screens/ with notify.conf replaced; the loader's error. */
static char *load_with(const char *notify_conf, int *rc)
{
	char dir[] = "/tmp/khidma-tpl-XXXXXX";
	static char err[512];
	struct screens scr;
	char cmd[512], path[256];
	FILE *fp;

	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof cmd, "cp screens/*.conf %s/", dir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof path, "%s/notify.conf", dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(notify_conf, fp);
	fclose(fp);
	err[0] = '\0';
	*rc = screens_load(dir, &scr, err, sizeof err);
	if (*rc == 0)
		screens_free(&scr);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	return err;
}

static void test_loader_errors(void **state)
{
	struct screens scr;
	char err[512];
	const struct notify_msg_def *m;
	int rc;
	const char *e;

	(void)state;
	/* the shipped file loads, every event in both languages */
	assert_int_equal(screens_load("screens", &scr, err, sizeof err), 0);
	for (const char *const *ev = notify_events; *ev; ev++) {
		m = screens_notify(&scr, *ev, "ar");
		assert_non_null(m);
		assert_string_equal(m->lang, "ar");
		m = screens_notify(&scr, *ev, "en");
		assert_non_null(m);
		assert_string_equal(m->lang, "en");
	}
	screens_free(&scr);

	e = load_with("messages = (\n"
	              "  { event = \"received\"; lang = \"ar\";\n"
	              "    sms = \"%(ref)s %(nme)s\"; subject = \"s\"; body = \"b\"; }\n"
	              ");\n", &rc);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(e, "notify.conf:3: unknown placeholder %(nme)s"));
	/* 70 UCS-2 units at the widest: one Arabic letter too many */
	e = load_with("messages = (\n"
	              "  { event = \"accepted\"; lang = \"ar\";\n"
	              "    subject = \"s\"; body = \"b\";\n"
	              "    sms = \"قبلت اللجنة طلبك %(ref)s. سنبلغك بالخطوة التالية بعد الدراسةةةة\"; }\n"
	              ");\n", &rc);
	assert_int_equal(rc, -1);
	if (!strstr(e, "notify.conf:4: the SMS is 71 UCS-2 units"))
		fail_msg("%s", e);
	e = load_with("messages = (\n"
	              "  { event = \"accepted\"; lang = \"en\"; subject = \"s\"; body = \"b\";\n"
	              "    sms = \"%(ref)s\"; }\n"
	              ");\n", &rc);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(e, "no received message in \"ar\""));
}

/* The notify_* keys: quiet hours, the time zone, SMTP's URL and sender,
 * as `khidma check` reports them (file:line). */
static void test_config_keys(void **state)
{
	struct config c;
	char path[] = "/tmp/khidma-notify-conf-XXXXXX", err[2048];
	int from, to, fd;
	FILE *f;

	(void)state;
	assert_true(config_quiet_parse("21:00-08:00", &from, &to));
	assert_int_equal(from, 21 * 60);
	assert_int_equal(to, 8 * 60);
	assert_true(config_quiet_parse("", &from, &to));
	assert_int_equal(from, to);
	assert_false(config_quiet_parse("21-08", NULL, NULL));
	assert_false(config_quiet_parse("25:00-08:00", NULL, NULL));
	assert_false(config_quiet_parse("21:00-08:00x", NULL, NULL));

	config_defaults(&c);
	assert_string_equal(c.notify_tz, "Asia/Riyadh");
	assert_string_equal(c.notify_quiet, "21:00-08:00");
	assert_int_equal(c.notify_per_day, 5);
	config_free(&c);

	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("notify_quiet = \"9pm\";\nnotify_tz = \"Mars/Olympus\";\n"
	      "smtp_url = \"http://mail\";\nnotify_per_day = 3;\n", f);
	fclose(f);
	config_defaults(&c);
	assert_int_equal(config_load(&c, path, err, sizeof err), 0);
	assert_int_equal(c.notify_per_day, 3);
	assert_true(config_check(&c, err, sizeof err) >= 4);
	assert_non_null(strstr(err, ":1: notify_quiet \"9pm\": not HH:MM-HH:MM"));
	assert_non_null(strstr(err, ":2: notify_tz \"Mars/Olympus\": no such time zone"));
	assert_non_null(strstr(err, ":3: smtp_url \"http://mail\": must start with smtp://"));
	assert_non_null(strstr(err, ":3: smtp_url is set but smtp_from is not"));
	config_free(&c);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_placeholders),
		cmocka_unit_test(test_render_cut),
		cmocka_unit_test(test_loader_errors),
		cmocka_unit_test(test_config_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
