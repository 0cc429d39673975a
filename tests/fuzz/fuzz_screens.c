/*
 * libFuzzer target for the screen-definition parser (src/core/screens.c):
 * a copy of screens/ in a temp directory, with ONE of its four files
 * (chosen by the first input byte) replaced by the rest of the input, then
 * screens_load on that directory.
 *
 * Checked beyond "no crash, no sanitizer report":
 *  1. screens_load returns 0 or -1; on -1 err holds a message, on 0 every
 *     menu has items, every form has fields with an id and a label, and the
 *     lookups and the msgid walk work over everything loaded;
 *  2. the original file is put back after each input, so inputs never
 *     depend on each other.
 *
 * The seed corpus (tests/fuzz/corpus/screens) holds the real files with
 * their selector byte; tests/fuzz/regress/screens holds every input that
 * ever failed, replayed by tests/unit/test_faults_regress_screens.c.
 * The real screens/ directory is $KHIDMA_SRCDIR/screens (default ./screens).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/screens.h"

/*
 * libconfig 1.5 (Debian 12) leaks its scanner's string buffer on some parse
 * errors (strbuf_append, libconfig_yylex; reproduced with config_read_file alone, see
 * tests/fuzz/regress/screens/libconfig-leak-on-parse-error). A library leak,
 * not ours: suppressed by name for LeakSanitizer only.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libconfig.so\n";
}

static const char *const files[] = {
	"menus.conf", "forms.conf", "catalog.conf", "declaration.conf",
};
static char dir[64];
static char *orig[4];
static size_t orig_len[4];

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long len;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0) {
		rewind(f);
		buf = malloc((size_t)len + 1);
		if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
			free(buf);
			buf = NULL;
		}
		*n = (size_t)len;
	}
	fclose(f);
	return buf;
}

static void put(int which, const void *data, size_t n)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, files[which]);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, n, f) != n)
		abort();
	fclose(f);
}

static void setup_dir(void)
{
	const char *src = getenv("KHIDMA_SRCDIR");
	char path[4096];

	snprintf(dir, sizeof dir, "/tmp/khidma-fuzz-screens-%d", (int)getpid());
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		abort();
	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "%s/screens/%s", src && *src ? src : ".", files[i]);
		orig[i] = slurp(path, &orig_len[i]);
		if (!orig[i]) {
			fprintf(stderr, "fuzz_screens: cannot read %s (run from the "
			        "source tree or set KHIDMA_SRCDIR)\n", path);
			abort();
		}
		put(i, orig[i], orig_len[i]);
	}
}

static void count_msgid(const char *msgid, void *ctx)
{
	if (!msgid)
		abort();
	(*(size_t *)ctx) += strlen(msgid);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct screens s;
	char err[512];
	int which, rc;
	size_t total = 0;

	if (!dir[0])
		setup_dir();
	if (size < 1)
		return 0;
	which = data[0] % 4;
	put(which, data + 1, size - 1);
	memset(&s, 0, sizeof s);
	err[0] = '\0';
	rc = screens_load(dir, &s, err, sizeof err);
	if (rc != 0 && rc != -1)
		abort();
	if (rc == -1 && err[0] == '\0')
		abort();
	if (rc == 0) {
		for (int i = 0; i < s.nmenus; i++) {
			if (!s.menus[i].id || s.menus[i].nitems < 1)
				abort();
			if (screens_menu(&s, s.menus[i].id) == NULL)
				abort();
		}
		for (int i = 0; i < s.nforms; i++) {
			const struct form_def *f = &s.forms[i];

			if (!f->id || screens_form(&s, f->id) == NULL)
				abort();
			for (int j = 0; j < f->nfields; j++)
				if (!f->fields[j].id || !f->fields[j].label ||
				    form_field(f, f->fields[j].id) == NULL)
					abort();
		}
		screens_msgids(&s, count_msgid, &total);
		screens_free(&s);
	}
	put(which, orig[which], orig_len[which]);
	return 0;
}
