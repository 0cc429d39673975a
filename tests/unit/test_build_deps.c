/*
 * test_build_deps — the Makefile rebuilds a test when a header it includes
 * changes: every test program under tests/unit and tests/e2e lists, in
 * make's database (`make -pq`, the dependency files the compiler wrote
 * beside the binaries), each header of tests/ that its source #includes
 * ("e2e/harness.h", "e2e/test_officer_fixture.h", "unit/store_fixture.h",
 * "test_cli_util.h" ...). Before: a changed harness.h or fixture rebuilt
 * nothing, and a test ran stale code.
 *
 * Nothing is listed by hand: the sources and their #include lines are read
 * from $KHIDMA_SRCDIR; the build directory is the one of $KHIDMA_BIN.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *db;                /* make's database */
static size_t db_len;

/* The prerequisites line of target in the database ("target: a b c"), or
 * NULL. Points into db; ends at the newline. */
static const char *rule_of(const char *target)
{
	size_t n = strlen(target);

	for (const char *p = db; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, target, n) == 0 && p[n] == ':' && p[n + 1] != ':')
			return p;
	return NULL;
}

static bool lists(const char *rule, const char *header)
{
	const char *end = strchr(rule, '\n'), *p = rule;
	size_t n = strlen(header);

	if (!end)
		end = rule + strlen(rule);
	while ((p = strstr(p, header)) != NULL && p < end) {
		if (p[-1] == ' ' && (p[n] == ' ' || p[n] == '\n' || p[n] == '\0'))
			return true;
		p += n;
	}
	return false;
}

static int load_db(void **state)
{
	const char *src = getenv("KHIDMA_SRCDIR"), *bin = getenv("KHIDMA_BIN");
	char build[512], cmd[2048];
	const char *slash;
	FILE *p, *m;
	int c;

	(void)state;
	if (!src || !bin || !(slash = strrchr(bin, '/')))
		return -1;
	snprintf(build, sizeof build, "%.*s", (int)(slash - bin), bin);
	slash = strrchr(build, '/');
	snprintf(cmd, sizeof cmd, "make -C '%s' --no-print-directory -pq BUILD='%s' FORCE 2>/dev/null",
	         src, slash ? slash + 1 : build);
	if (!(p = popen(cmd, "r")))
		return -1;
	m = open_memstream(&db, &db_len);
	while ((c = fgetc(p)) != EOF)
		fputc(c, m);
	fclose(m);
	pclose(p);
	return db_len > 0 ? 0 : -1;
}

static int free_db(void **state)
{
	(void)state;
	free(db);
	return 0;
}

/* Check every test_*.c of tests/<sub>; returns how many headers it checked. */
static int check_dir(const char *sub)
{
	const char *src = getenv("KHIDMA_SRCDIR"), *bin = getenv("KHIDMA_BIN");
	char dir[1024], build[512], path[1400], line[512], target[1400], hdr[700];
	const char *slash = strrchr(bin, '/');
	struct dirent *e;
	int checked = 0;
	DIR *d;

	snprintf(build, sizeof build, "%.*s", (int)(slash - bin), bin);
	slash = strrchr(build, '/');
	memmove(build, slash + 1, strlen(slash + 1) + 1);
	snprintf(dir, sizeof dir, "%s/tests/%s", src, sub);
	d = opendir(dir);
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		const char *rule;
		FILE *f;

		if (strncmp(e->d_name, "test_", 5) != 0 || n < 3 || strcmp(e->d_name + n - 2, ".c") != 0)
			continue;
		snprintf(target, sizeof target, "%s/tests/%s/%.*s", build, sub, (int)n - 2, e->d_name);
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		{
			char abs[2900];
			snprintf(abs, sizeof abs, "%s/%s", src, target);
			if (access(abs, F_OK) != 0)
				continue;       /* not built here: nothing to rebuild */
		}
		rule = rule_of(target);
		if (rule == NULL)
			fail_msg("%s: no rule in make's database", target);
		f = fopen(path, "r");
		assert_non_null(f);
		while (fgets(line, sizeof line, f)) {
			char inc[512];

			if (sscanf(line, " #include \"%511[^\"]\"", inc) != 1)
				continue;
			/* resolved as the compiler does: beside the source, then -Itests */
			snprintf(hdr, sizeof hdr, "tests/%s/%s", sub, inc);
			snprintf(path, sizeof path, "%s/%s", src, hdr);
			if (access(path, F_OK) != 0) {
				snprintf(hdr, sizeof hdr, "tests/%s", inc);
				snprintf(path, sizeof path, "%s/%s", src, hdr);
				if (access(path, F_OK) != 0)
					continue;       /* src/…: the objects' own rules */
			}
			checked++;
			if (!lists(rule, hdr))
				fail_msg("%s does not depend on %s, which %s includes: "
				         "a change to it would not rebuild the test",
				         target, hdr, e->d_name);
		}
		fclose(f);
	}
	closedir(d);
	return checked;
}

static void unit_tests_depend_on_their_headers(void **state)
{
	(void)state;
	assert_true(check_dir("unit") > 0);
}

static void e2e_tests_depend_on_their_headers(void **state)
{
	(void)state;
	assert_true(check_dir("e2e") > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unit_tests_depend_on_their_headers),
		cmocka_unit_test(e2e_tests_depend_on_their_headers),
	};
	return cmocka_run_group_tests(tests, load_db, free_db);
}
