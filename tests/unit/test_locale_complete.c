/*
 * Every visitor- and officer-visible string has an Arabic translation:
 * each msgid that xgettext finds in src/ (build/khidma.pot) and each label in
 * screens/ must be translated in the compiled catalogue build/locale/ar.
 * gettext returns the msgid pointer itself when a string is untranslated,
 * so the check is exact.
 */
#include <libgen.h>
#include <libintl.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/screens.h"
#include "core/util.h"

static char builddir[4096];
static int missing;

static void
check_msgid(const char *msgid, void *ctx)
{
	const char *tr = dgettext("khidma", msgid);
	(void)ctx;
	if (tr == msgid || tr[0] == '\0') {
		/* strings without any letter (e.g. "%d/%d") need no translation */
		bool letters = false;
		for (const char *p = msgid; *p; p++)
			if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
				letters = true;
		if (letters) {
			fprintf(stderr, "untranslated: \"%s\"\n", msgid);
			missing++;
		}
	}
}

/* Parse the msgids of a .pot file (with continuation lines and escapes). */
static int
pot_each(const char *path, void (*fn)(const char *, void *))
{
	FILE *f = fopen(path, "r");
	char line[8192], id[16384];
	size_t idn = 0;
	bool in_id = false;
	int count = 0;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f)) {
		const char *q = NULL;
		if (strncmp(line, "msgid \"", 7) == 0) {
			in_id = true;
			idn = 0;
			q = line + 6;
		} else if (in_id && line[0] == '"') {
			q = line;
		} else if (strncmp(line, "msgstr", 6) == 0 || strncmp(line, "msgid_plural", 12) == 0) {
			if (in_id && idn > 0) {
				id[idn] = '\0';
				fn(id, NULL);
				count++;
			}
			in_id = false;
		}
		if (q == NULL)
			continue;
		for (const char *p = q + 1; *p && *p != '"' && idn + 2 < sizeof id; p++) {
			if (*p == '\\' && p[1]) {
				p++;
				id[idn++] = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
			} else {
				id[idn++] = *p;
			}
		}
	}
	fclose(f);
	return count;
}

static void
setup_catalogue(void)
{
	/* the build dir: $KHIDMA_BUILD_DIR (make faults, where KHIDMA_BIN is
	 * a valgrind wrapper elsewhere), else the directory of $KHIDMA_BIN */
	const char *bin = getenv("KHIDMA_BIN"), *bd = getenv("KHIDMA_BUILD_DIR");
	char tmp[4096], locdir[4200];

	if (bd && *bd) {
		strlcpy_k(builddir, bd, sizeof builddir);
	} else {
		assert_non_null(bin);
		strlcpy_k(tmp, bin, sizeof tmp);
		strlcpy_k(builddir, dirname(tmp), sizeof builddir);
	}
	snprintf(locdir, sizeof locdir, "%s/locale", builddir);
	setenv("LANGUAGE", "ar", 1);
	assert_non_null(setlocale(LC_ALL, "C.UTF-8"));
	bindtextdomain("khidma", locdir);
	bind_textdomain_codeset("khidma", "UTF-8");
	textdomain("khidma");
}

static void
test_catalogue_works(void **state)
{
	(void)state;
	setup_catalogue();
	/* a known string: proves the catalogue is found at all */
	assert_string_equal(dgettext("khidma", "text reversed? F3"), "النص معكوس؟ F3");
}

/* Arabic's six plural forms are in the catalogue and differ where Arabic
 * differs (0, 1, 2, 3–10, 11–99, 100–102): the countdowns read
 * "ثانية واحدة", "ثانيتين", "3 ثوانٍ", "11 ثانيةً" — no "4 ثانية", no "ث.". */
static void
test_plural_forms(void **state)
{
	static const char one[] = "This screen closes by itself in %d second.";
	static const char many[] = "This screen closes by itself in %d seconds.";
	static const unsigned long n[] = { 0, 1, 2, 3, 11, 100 };
	const char *form[6];

	(void)state;
	setup_catalogue();
	for (int i = 0; i < 6; i++) {
		form[i] = dngettext("khidma", one, many, n[i]);
		assert_true(form[i] != one && form[i] != many);
		assert_null(strstr(form[i], "ث."));
		for (int j = 0; j < i; j++)
			assert_string_not_equal(form[i], form[j]);
	}
	assert_non_null(strstr(form[1], "ثانية واحدة"));
	assert_non_null(strstr(form[2], "ثانيتين"));
	assert_non_null(strstr(form[3], "ثوانٍ"));
	assert_string_equal(dngettext("khidma", one, many, 4), form[3]);
	assert_string_equal(dngettext("khidma", one, many, 99), form[4]);
	assert_string_equal(dngettext("khidma", one, many, 102), form[5]);
}

static void
test_sources_translated(void **state)
{
	char pot[4200];
	int n;
	(void)state;
	setup_catalogue();
	snprintf(pot, sizeof pot, "%s/khidma.pot", builddir);
	missing = 0;
	n = pot_each(pot, (void (*)(const char *, void *))check_msgid);
	assert_true(n > 10);
	if (missing)
		fail_msg("%d source strings lack an Arabic translation (listed above)", missing);
}

static void
test_screens_translated(void **state)
{
	struct screens s;
	char dir[4200], err[512];
	const char *src = getenv("KHIDMA_SRCDIR");
	(void)state;
	setup_catalogue();
	snprintf(dir, sizeof dir, "%s/screens", src ? src : ".");
	if (screens_load(dir, &s, err, sizeof err) != 0)
		fail_msg("%s", err);
	missing = 0;
	screens_msgids(&s, check_msgid, NULL);
	screens_free(&s);
	if (missing)
		fail_msg("%d labels in screens/ lack an Arabic translation (listed above)", missing);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalogue_works),
		cmocka_unit_test(test_sources_translated),
		cmocka_unit_test(test_screens_translated),
		cmocka_unit_test(test_plural_forms),
	};
	return cmocka_run_group_tests_name("locale_complete", tests, NULL, NULL);
}
