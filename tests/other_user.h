/*
 * other_user — for tests that run the real binary as another user (we are
 * root; setpriv --reuid=nobody …): an "installed" copy of khidma that user
 * can read, and a temp directory that user can reach.
 *
 * Why: `make check` runs as root in a clean clone whose parent directories
 * may be closed to other users (the fresh-Debian check clones into a
 * `mktemp -d` directory, mode 0700; CI's checkout is "somewhere"). A khidma
 * started as nobody from the build tree then cannot stat the tree's
 * screens/, falls back to the compiled-in /usr/local/share/khidma and exits
 * 1 ("menus.conf: cannot read the file"); on a usual kernel it cannot even
 * be executed. The tests must pass whether or not others may read the
 * checkout, so the other user runs a copy laid out as `make install` does:
 *
 *   <prefix>/bin/khidma                       (0755, from $KHIDMA_BIN)
 *   <prefix>/share/khidma/screens/<name>.conf  (from $KHIDMA_SRCDIR)
 *   <prefix>/share/khidma/docs/<name>.txt
 *   <prefix>/share/khidma/khidma.conf.example
 *   <prefix>/share/locale/<lang>/LC_MESSAGES/khidma.mo  (beside $KHIDMA_BIN)
 *
 * <prefix> is a mkdtemp directory under ou_tmpdir(), every part 0755/0644;
 * an installed khidma finds <prefix>/share/khidma beside <prefix>/bin
 * (src/core/util.c paths_init), so the copy uses its own screens and
 * translations, never the source tree's nor /usr/local's.
 *
 * Invariant: everything a test gives the other user (the copy, the test's
 * own directory) lies under a directory every user may search
 * (ou_reachable), whatever $TMPDIR and the checkout's modes are.
 */
#ifndef KHIDMA_TEST_OTHER_USER_H
#define KHIDMA_TEST_OTHER_USER_H

#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define OU static __attribute__((unused))

/* True when every user may reach `path`: it and each directory above it
 * carry the others' search bit (x). */
OU bool ou_reachable(const char *path)
{
	char p[PATH_MAX];
	struct stat sb;

	if (!path || path[0] != '/' || strlen(path) >= sizeof p)
		return false;
	strcpy(p, path);
	for (;;) {
		if (stat(p[0] ? p : "/", &sb) != 0 || !(sb.st_mode & S_IXOTH))
			return false;
		char *slash = strrchr(p, '/');
		if (!slash || p[0] == '\0')
			return true;
		*slash = '\0';
	}
}

/* True when every user may reach the directory `path` lies in (the test
 * opens `path` itself to them when it wants to). */
OU bool ou_parent_reachable(const char *path)
{
	char p[PATH_MAX];
	char *slash;

	if (!path || strlen(path) >= sizeof p)
		return false;
	strcpy(p, path);
	if (!(slash = strrchr(p, '/')))
		return false;
	if (slash == p)
		slash[1] = '\0';
	else
		*slash = '\0';
	return ou_reachable(p);
}

/* A base for temp directories other users can reach: $TMPDIR when it is
 * reachable, else /tmp. */
OU const char *ou_tmpdir(void)
{
	const char *t = getenv("TMPDIR");

	return t && *t && ou_reachable(t) ? t : "/tmp";
}

/* Make the test's own temp directories (cu_new, ht_new, both under
 * $TMPDIR) reachable by the other user: point $TMPDIR at ou_tmpdir(). */
OU void ou_use_reachable_tmpdir(void)
{
	setenv("TMPDIR", ou_tmpdir(), 1);
}

/* snprintf into a PATH_MAX buffer; false when it does not fit. */
OU __attribute__((format(printf, 2, 3))) bool ou_fmt(char *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(p, PATH_MAX, fmt, ap);
	va_end(ap);
	return n >= 0 && n < PATH_MAX;
}

OU bool ou_copy(const char *from, const char *to, mode_t mode)
{
	FILE *in = fopen(from, "rb"), *out;
	char buf[65536];
	size_t n;
	bool ok = true;

	if (!in) {
		fprintf(stderr, "other_user: cannot read %s\n", from);
		return false;
	}
	if (!(out = fopen(to, "wb"))) {
		fclose(in);
		fprintf(stderr, "other_user: cannot create %s\n", to);
		return false;
	}
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			ok = false;
	if (ferror(in))
		ok = false;
	fclose(in);
	if (fclose(out) != 0)
		ok = false;
	return ok && chmod(to, mode) == 0;
}

/* Copy every regular file of `from` whose name ends in `suffix` to `to`
 * (which exists); the number copied, -1 on an error. */
OU int ou_copy_dir(const char *from, const char *to, const char *suffix)
{
	DIR *d = opendir(from);
	struct dirent *e;
	char a[PATH_MAX], b[PATH_MAX];
	size_t ls = strlen(suffix);
	int k = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		size_t ln = strlen(e->d_name);
		if (ln <= ls || strcmp(e->d_name + ln - ls, suffix) != 0)
			continue;
		if (!ou_fmt(a, "%s/%s", from, e->d_name) ||
		    !ou_fmt(b, "%s/%s", to, e->d_name) || !ou_copy(a, b, 0644)) {
			k = -1;
			break;
		}
		k++;
	}
	closedir(d);
	return k;
}

/* mkdir prefix/sub, 0755 whatever the umask. */
OU bool ou_mkdir(const char *prefix, const char *sub)
{
	char p[PATH_MAX];

	return ou_fmt(p, "%s/%s", prefix, sub) && mkdir(p, 0755) == 0 &&
	       chmod(p, 0755) == 0;
}

/* Remove a tree (no symbolic links followed). */
OU void ou_rmtree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat sb;
	char p[PATH_MAX];

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (!ou_fmt(p, "%s/%s", dir, e->d_name))
			continue;
		if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
			ou_rmtree(p);
		else
			unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

/*
 * Lay out the installed copy (see the top). On success fills prefix and
 * bin (<prefix>/bin/khidma) and returns true; on failure says why on
 * stderr, removes what it made and returns false. The caller removes the
 * prefix with ou_rmtree when done.
 */
OU bool ou_install(char prefix[PATH_MAX], char bin[PATH_MAX])
{
	const char *kb = getenv("KHIDMA_BIN"), *src = getenv("KHIDMA_SRCDIR");
	char from[PATH_MAX], to[PATH_MAX], mo[PATH_MAX], bdir[PATH_MAX], lc[PATH_MAX];
	DIR *d;
	struct dirent *e;
	bool ok;

	if (!kb || !*kb) {
		fprintf(stderr, "other_user: KHIDMA_BIN is not set\n");
		return false;
	}
	if (!src || !*src)
		src = ".";
	if (!ou_fmt(prefix, "%s/khidma-prefix-XXXXXX", ou_tmpdir()) || !mkdtemp(prefix) ||
	    chmod(prefix, 0755) != 0) {
		fprintf(stderr, "other_user: cannot make %s\n", prefix);
		return false;
	}
	ok = ou_fmt(bin, "%s/bin/khidma", prefix) && ou_mkdir(prefix, "bin") &&
	     ou_copy(kb, bin, 0755) && ou_mkdir(prefix, "share") &&
	     ou_mkdir(prefix, "share/khidma") && ou_mkdir(prefix, "share/khidma/screens") &&
	     ou_mkdir(prefix, "share/khidma/docs") && ou_mkdir(prefix, "share/locale");
	ok = ok && ou_fmt(from, "%s/screens", src) &&
	     ou_fmt(to, "%s/share/khidma/screens", prefix) && ou_copy_dir(from, to, ".conf") > 0;
	ok = ok && ou_fmt(from, "%s/docs", src) &&
	     ou_fmt(to, "%s/share/khidma/docs", prefix) && ou_copy_dir(from, to, ".txt") >= 0;
	ok = ok && ou_fmt(from, "%s/khidma.conf.example", src) &&
	     ou_fmt(to, "%s/share/khidma/khidma.conf.example", prefix) && ou_copy(from, to, 0644);
	/* <dir of KHIDMA_BIN>/locale/<lang>/LC_MESSAGES/khidma.mo */
	ok = ok && ou_fmt(bdir, "%s", kb);
	if (ok && strrchr(bdir, '/'))
		*strrchr(bdir, '/') = '\0';
	else if (ok)
		strcpy(bdir, ".");
	ok = ok && ou_fmt(from, "%s/locale", bdir);
	if (ok && (d = opendir(from))) {
		while (ok && (e = readdir(d))) {
			struct stat sb;

			if (e->d_name[0] == '.')
				continue;
			if (!ou_fmt(mo, "%s/%s/LC_MESSAGES/khidma.mo", from, e->d_name) ||
			    stat(mo, &sb) != 0)
				continue;
			ok = ou_fmt(lc, "share/locale/%s", e->d_name) && ou_mkdir(prefix, lc) &&
			     ou_fmt(lc, "share/locale/%s/LC_MESSAGES", e->d_name) &&
			     ou_mkdir(prefix, lc) &&
			     ou_fmt(to, "%s/%s/khidma.mo", prefix, lc) && ou_copy(mo, to, 0644);
		}
		closedir(d);
	}
	if (!ok) {
		fprintf(stderr, "other_user: cannot lay out a copy in %s\n", prefix);
		ou_rmtree(prefix);
	}
	return ok;
}

#endif
