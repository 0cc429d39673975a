/*
 * test_cli_util — shared by the tests/unit/test_cli_*.c tests: they run the
 * REAL built binary ($KHIDMA_BIN, set by tests/run.sh) as a subprocess, on a
 * database and an empty config file in a per-test mkdtemp directory, and
 * capture its exit status, stdout and stderr.
 */
#ifndef KHIDMA_TEST_CLI_UTIL_H
#define KHIDMA_TEST_CLI_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#define CU static __attribute__((unused))

struct cu {
	char dir[128];
	char db[192];
	char conf[192];
	char *out, *err;        /* of the last cu_run */
	size_t outlen, errlen;
	int status;             /* exit status of the last run, 128+sig if killed */
	/* When set, argv starts with these (NULL-terminated), e.g. setpriv
	 * --reuid=nobody … to run the binary as another user. */
	const char *const *wrap;
	/* When set, the binary run instead of cu_bin() (e.g. an installed copy
	 * another user may read, tests/other_user.h). */
	const char *bin;
};

CU const char *cu_bin(void)
{
	const char *b = getenv("KHIDMA_BIN");
	return b && *b ? b : "build/khidma";
}

/* Path of a file in tests/data (KHIDMA_SRCDIR, else the cwd). */
CU const char *cu_data(const char *name)
{
	static char p[4][512];
	static int k;
	const char *src = getenv("KHIDMA_SRCDIR");

	k = (k + 1) % 4;
	snprintf(p[k], sizeof p[k], "%s/tests/data/%s", src && *src ? src : ".", name);
	return p[k];
}

CU char *cu_path(struct cu *c, const char *name)
{
	static char p[4][512];
	static int k;

	k = (k + 1) % 4;
	snprintf(p[k], sizeof p[k], "%s/%s", c->dir, name);
	return p[k];
}

CU void cu_write(struct cu *c, const char *name, const void *data, size_t n)
{
	FILE *f = fopen(cu_path(c, name), "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

/* Read a whole file (NUL-terminated, malloc'd); NULL when missing. */
CU char *cu_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, r;

	if (!f)
		return NULL;
	do {
		if (n + 4096 + 1 > cap) {
			cap = (n + 4096 + 1) * 2;
			buf = realloc(buf, cap);
		}
		r = fread(buf + n, 1, 4096, f);
		n += r;
	} while (r > 0);
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

CU struct cu *cu_new(void)
{
	struct cu *c = calloc(1, sizeof *c);

	snprintf(c->dir, sizeof c->dir, "%s/khidma-cli-XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(c->dir));
	snprintf(c->db, sizeof c->db, "%s/khidma.db", c->dir);
	snprintf(c->conf, sizeof c->conf, "%s/khidma.conf", c->dir);
	cu_write(c, "khidma.conf", "", 0);
	return c;
}

CU void cu_rmtree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat sb;
	char p[1024];

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
			cu_rmtree(p);
		else
			unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

CU void cu_free(struct cu *c)
{
	if (!c)
		return;
	if (!getenv("CU_KEEP"))
		cu_rmtree(c->dir);
	free(c->out);
	free(c->err);
	free(c);
}

static void cu_append(char **buf, size_t *len, const char *data, size_t n)
{
	*buf = realloc(*buf, *len + n + 1);
	memcpy(*buf + *len, data, n);
	*len += n;
	(*buf)[*len] = '\0';
}

/*
 * Run `[wrap...] $KHIDMA_BIN --db <db> --config <conf> args...`
 * (NULL-terminated; c->bin instead of $KHIDMA_BIN when set) with `in` on
 * its stdin (NULL = /dev/null). Returns the exit status.
 */
CU int cu_runv(struct cu *c, const char *in, const char *const *args)
{
	const char *argv[64];
	int pin[2], pout[2], perr[2], n = 0, st;
	size_t inlen = in ? strlen(in) : 0, inoff = 0;
	struct pollfd pf[3];
	char buf[8192];
	pid_t pid;
	ssize_t r;

	for (const char *const *w = c->wrap; w && *w && n < 16; w++)
		argv[n++] = *w;
	argv[n++] = c->bin ? c->bin : cu_bin();
	argv[n++] = "--db";
	argv[n++] = c->db;
	argv[n++] = "--config";
	argv[n++] = c->conf;
	while (*args && n < 62)
		argv[n++] = *args++;
	argv[n] = NULL;
	free(c->out);
	free(c->err);
	c->out = c->err = NULL;
	c->outlen = c->errlen = 0;
	cu_append(&c->out, &c->outlen, "", 0);
	cu_append(&c->err, &c->errlen, "", 0);
	assert_int_equal(pipe(pin), 0);
	assert_int_equal(pipe(pout), 0);
	assert_int_equal(pipe(perr), 0);
	signal(SIGPIPE, SIG_IGN);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(pin[0], 0);
		dup2(pout[1], 1);
		dup2(perr[1], 2);
		close(pin[0]); close(pin[1]);
		close(pout[0]); close(pout[1]);
		close(perr[0]); close(perr[1]);
		execv(argv[0], (char *const *)argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	if (inlen == 0) {
		close(pin[1]);
		pin[1] = -1;
	}
	for (;;) {
		pf[0].fd = pout[0]; pf[0].events = POLLIN;
		pf[1].fd = perr[0]; pf[1].events = POLLIN;
		pf[2].fd = pin[1];  pf[2].events = POLLOUT;
		if (pf[0].fd < 0 && pf[1].fd < 0)
			break;
		if (poll(pf, 3, 60000) <= 0)
			break;
		if (pf[2].fd >= 0 && (pf[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
			r = write(pin[1], in + inoff, inlen - inoff);
			if (r > 0)
				inoff += (size_t)r;
			if (r < 0 || inoff == inlen) {
				close(pin[1]);
				pin[1] = -1;
			}
		}
		for (int i = 0; i < 2; i++) {
			if (pf[i].fd < 0 || !(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			r = read(pf[i].fd, buf, sizeof buf);
			if (r <= 0) {
				close(pf[i].fd);
				if (i == 0) pout[0] = -1; else perr[0] = -1;
			} else if (i == 0) {
				cu_append(&c->out, &c->outlen, buf, (size_t)r);
			} else {
				cu_append(&c->err, &c->errlen, buf, (size_t)r);
			}
		}
	}
	if (pin[1] >= 0)
		close(pin[1]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	c->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return c->status;
}

#define cu_run(c, in, ...) \
	cu_runv((c), (in), (const char *const[]){ __VA_ARGS__, NULL })

/* Assert with the captured output shown on failure. */
#define CU_ASSERT_STATUS(c, want) do { \
	if ((c)->status != (want)) \
		fail_msg("exit status %d, wanted %d\nstdout:\n%s\nstderr:\n%s", \
		         (c)->status, (want), (c)->out, (c)->err); \
} while (0)
#define CU_ASSERT_HAS(hay, needle) do { \
	if (strstr((hay), (needle)) == NULL) \
		fail_msg("\"%s\" not found in:\n%s", (needle), (hay)); \
} while (0)
#define CU_ASSERT_LACKS(hay, needle) do { \
	if (strstr((hay), (needle)) != NULL) \
		fail_msg("\"%s\" unexpectedly found in:\n%s", (needle), (hay)); \
} while (0)

/* A fresh database made by `khidma init`. */
CU struct cu *cu_init(void)
{
	struct cu *c = cu_new();

	cu_run(c, NULL, "init");
	CU_ASSERT_STATUS(c, 0);
	return c;
}

#endif
