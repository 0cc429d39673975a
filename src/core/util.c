/*
 * core/util — see util.h. Allocation wrappers in the style of tmux's
 * xmalloc.c: callers never check for NULL, exhaustion ends the program
 * after running the emergency hook (the ui registers its terminal restore
 * there: core never calls a higher layer by name).
 */
#include "core/util.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Set once, before any signal handler that reads it is armed; a pointer
 * store is atomic on every platform khidma builds on, and the handler only
 * reads it. */
static void (*volatile emergency_hook)(void);

void
core_set_emergency_hook(void (*fn)(void))
{
	emergency_hook = fn;
}

void
core_emergency(void)
{
	void (*fn)(void) = emergency_hook;

	if (fn != NULL)
		fn();
}

static void
oom(size_t n)
{
	core_emergency();
	fprintf(stderr, "khidma: out of memory (%zu bytes)\n", n);
	exit(70);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		oom(n);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (p == NULL)
		oom(nmemb * size);
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (q == NULL)
		oom(n);
	return q;
}

char *
xstrdup(const char *s)
{
	if (s == NULL)
		return NULL;
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom(strlen(fmt));
	return p;
}

size_t
strlcpy_k(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);
	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

time_t
khidma_now(void)
{
	const char *fake = getenv("KHIDMA_FAKE_NOW");
	time_t now = time(NULL);
	char *end;
	long long v;

	if (fake == NULL || *fake == '\0' || !khidma_in_source_tree())
		return now;
	errno = 0;
	v = strtoll(fake, &end, 10);
	if (errno != 0 || *end != '\0')
		return now;
	if (fake[0] == '+' || fake[0] == '-')
		return now + (time_t)v * 86400;
	return (time_t)v;
}

void
khidma_date(time_t t, char *buf, size_t n)
{
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%d", &tm);
}

void
khidma_datetime(time_t t, char *buf, size_t n)
{
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%d %H:%M", &tm);
}

bool
khidma_parse_date(const char *s, time_t *out)
{
	struct tm tm;
	int y, m, d;
	char extra;

	if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3)
		return false;
	if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_isdst = -1;
	*out = mktime(&tm);
	/* mktime normalises 2026-02-31 to March: refuse that. */
	return *out != (time_t)-1 && tm.tm_mday == d && tm.tm_mon == m - 1;
}

/* ---- paths ---------------------------------------------------------------- */

static char srcdir[PATH_MAX];
static char datadir[PATH_MAX];
static char localedir[PATH_MAX];
static int  paths_done;

static void
paths_init(void)
{
	char exe[PATH_MAX], probe[PATH_MAX + 32];
	const char *env = getenv("KHIDMA_SRCDIR");
	ssize_t n;
	char *slash;
	struct stat st;

	if (paths_done)
		return;
	paths_done = 1;
	strlcpy_k(datadir, KHIDMA_DATADIR, sizeof datadir);
	strlcpy_k(localedir, KHIDMA_LOCALEDIR, sizeof localedir);

	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return;
	exe[n] = '\0';
	/* <tree>/<build>/khidma → <tree> */
	if ((slash = strrchr(exe, '/')) == NULL)
		return;
	*slash = '\0';
	char builddir[PATH_MAX];
	strlcpy_k(builddir, exe, sizeof builddir);
	if ((slash = strrchr(exe, '/')) == NULL)
		return;
	*slash = '\0';
	snprintf(probe, sizeof probe, "%s/screens/menus.conf", exe);
	if (stat(probe, &st) != 0) {
		/* installed as <prefix>/bin/khidma beside <prefix>/share/khidma */
		snprintf(probe, sizeof probe, "%s/share/khidma/screens/menus.conf", exe);
		if (stat(probe, &st) == 0) {
			char d[sizeof datadir], l[sizeof localedir];
			int nd = snprintf(d, sizeof d, "%s/share/khidma", exe);
			int nl = snprintf(l, sizeof l, "%s/share/locale", exe);
			if (nd > 0 && (size_t)nd < sizeof d && nl > 0 && (size_t)nl < sizeof l) {
				memcpy(datadir, d, sizeof d);
				memcpy(localedir, l, sizeof l);
			}
			return;
		}
		/* Test binaries live deeper (build/tests/unit/x): use KHIDMA_SRCDIR,
		 * but only for a binary that is itself inside that tree, so the
		 * variable cannot turn an installed khidma into a "source tree" one. */
		size_t envlen = env ? strlen(env) : 0;
		while (envlen > 1 && env[envlen - 1] == '/')
			envlen--;
		if (env == NULL || envlen == 0 || strncmp(builddir, env, envlen) != 0 ||
		    builddir[envlen] != '/')
			return;
		snprintf(probe, sizeof probe, "%s/screens/menus.conf", env);
		if (stat(probe, &st) != 0)
			return;
		strlcpy_k(exe, env, sizeof exe);
		snprintf(builddir, sizeof builddir, "%s/build", env);
	}
	strlcpy_k(srcdir, exe, sizeof srcdir);
	strlcpy_k(datadir, exe, sizeof datadir);
	if (strlen(builddir) + sizeof "/locale" <= sizeof localedir) {
		strcpy(localedir, builddir);
		strcat(localedir, "/locale");
	}
}

bool
khidma_in_source_tree(void)
{
	paths_init();
	return srcdir[0] != '\0';
}

const char *
khidma_srcdir(void)
{
	paths_init();
	return srcdir[0] ? srcdir : NULL;
}

const char *
khidma_datadir(void)
{
	paths_init();
	return datadir;
}

const char *
khidma_localedir(void)
{
	paths_init();
	return localedir;
}

int
mkdir_parents(const char *path, unsigned mode)
{
	char buf[PATH_MAX];
	char *p;

	if (strlcpy_k(buf, path, sizeof buf) >= sizeof buf)
		return -1;
	if ((p = strrchr(buf, '/')) == NULL)
		return 0;
	*p = '\0';
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (buf[0] && mkdir(buf, mode) != 0 && errno != EEXIST)
		return -1;
	return 0;
}
