/*
 * test_cli_docs — what the program accepts is what `khidma --help`, the
 * man page and khidma.conf.example say (the real binary, the real files of
 * the source tree, $KHIDMA_SRCDIR):
 *  - every form of every command, as the command's own `--help` prints it,
 *    is named in `khidma --help` and in khidma.1: the subcommand words
 *    (officer add|passwd|disable|enable|unlock|list), every --option
 *    (check --audit, report --until …) and the values of --format
 *    (report html);
 *  - every configuration key of the table in src/core/config.c is named in
 *    khidma.1 (as a word) and has a "key =" line in khidma.conf.example.
 * Nothing is listed here: the words come from the binary and config.c, so a
 * new command form or key without its documentation fails.
 */
#include "test_cli_util.h"

#include <ctype.h>
#include <stdbool.h>

static const char *const cmds[] = {
	"init", "check", "officer", "members", "export", "backup", "report",
};

static char *slurp(const char *rel)
{
	const char *dir = getenv("KHIDMA_SRCDIR");
	char path[1024];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof path, "%s/%s", dir ? dir : ".", rel);
	f = fopen(path, "r");
	if (f == NULL)
		fail_msg("cannot read %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The man page's text with roff's "\-" as "-" and "\e" as "\". */
static char *man_text(void)
{
	char *m = slurp("khidma.1"), *w = m;

	for (const char *r = m; *r; r++) {
		if (r[0] == '\\' && (r[1] == '-' || r[1] == 'e')) {
			*w++ = r[1] == '-' ? '-' : '\\';
			r++;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
	return m;
}

/* True when doc holds word with no letter, digit or _ either side. */
static bool has_word(const char *doc, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = strstr(doc, word); p; p = strstr(p + 1, word)) {
		bool l = p > doc && (isalnum((unsigned char)p[-1]) || p[-1] == '_');
		bool r = isalnum((unsigned char)p[n]) || p[n] == '_';

		if (!l && !r)
			return true;
	}
	return false;
}

static void must_name(const char *doc, const char *what, const char *cmd,
                      const char *word)
{
	if (!has_word(doc, word))
		fail_msg("%s does not name '%s' (from `khidma %s --help`)", what, word, cmd);
}

/* The words a usage line of `khidma cmd --help` names (see the top). */
static void check_usage_line(const char *cmd, char *line, const char *help,
                             const char *man)
{
	char *save = NULL, *tok, *prev = NULL;
	int pos = 0;

	for (tok = strtok_r(line, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		char *t = tok + strspn(tok, "[");
		bool sub = pos == 1 && islower((unsigned char)t[0]);
		bool fmt = prev && strcmp(prev, "--format") == 0;

		t[strcspn(t, "]")] = '\0';
		if (strncmp(t, "--", 2) == 0) {
			must_name(help, "khidma --help", cmd, t);
			must_name(man, "khidma.1", cmd, t);
		} else if (sub || fmt) {
			char *s2 = NULL;

			for (char *alt = strtok_r(t, "|", &s2); alt; alt = strtok_r(NULL, "|", &s2)) {
				must_name(help, "khidma --help", cmd, alt);
				must_name(man, "khidma.1", cmd, alt);
			}
		}
		if (pos > 0 || strcmp(t, cmd) == 0)
			pos++;
		prev = t;
	}
}

static void test_help_names_every_form(void **state)
{
	struct cu *c = cu_new();
	char *help, *man = man_text();
	int lines = 0;
	(void)state;

	cu_run(c, NULL, "--help");
	CU_ASSERT_STATUS(c, 0);
	help = strdup(c->out);
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		char *save = NULL;

		cu_run(c, NULL, cmds[i], "--help");
		CU_ASSERT_STATUS(c, 0);
		/* the usage lines: "usage: khidma …" and the "       khidma …"
		 * lines right after it */
		for (char *l = strtok_r(c->out, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			char *k = strstr(l, "khidma ");

			if (strncmp(l, "usage: ", 7) != 0 &&
			    !(k && k > l && strspn(l, " ") == (size_t)(k - l)))
				break;
			if (k == NULL)
				continue;
			check_usage_line(cmds[i], k + 7, help, man);
			lines++;
		}
	}
	assert_true(lines >= 12);      /* officer alone has six forms */
	free(help);
	free(man);
	cu_free(c);
}

static void test_every_config_key_documented(void **state)
{
	char *src = slurp("src/core/config.c"), *man = man_text();
	char *example = slurp("khidma.conf.example");
	const char *p = strstr(src, "keys[] = {");
	int n = 0;
	(void)state;

	assert_non_null(p);
	for (p = strstr(p, "{ \""); p && strncmp(p, "{ \"", 3) == 0 && strstr(p, "K_") <
	     strchr(p, '\n'); ) {
		char key[64], pat[80];
		size_t len = strcspn(p + 3, "\"");

		assert_true(len > 0 && len < sizeof key);
		memcpy(key, p + 3, len);
		key[len] = '\0';
		if (!has_word(man, key))
			fail_msg("khidma.1 does not name the key %s", key);
		snprintf(pat, sizeof pat, "%s =", key);
		if (strstr(example, pat) == NULL)
			fail_msg("khidma.conf.example has no line '%s ...'", pat);
		n++;
		p = strchr(p, '\n');
		p = p ? p + 1 + strspn(p + 1, " \t") : NULL;
	}
	assert_true(n >= 20);
	free(src);
	free(man);
	free(example);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_help_names_every_form),
		cmocka_unit_test(test_every_config_key_documented),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
