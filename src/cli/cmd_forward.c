/*
 * cli/cmd_forward — `khidma forward [--once]`: deliver the kiosk's spool
 * (requests taken while the server could not be reached) to the server,
 * each exactly once (store/spool.h); and `khidma status`: the spool, the
 * last successful forward, whether the server answers.
 *
 * Invariants:
 *  1. forward opens the spool (config_spool_path) and the server (the
 *     database of --db / KHIDMA_DB / db =). An unreachable server is not a
 *     failure of the loop: it says so once per change, waits
 *     `--interval` seconds (default 15) and tries again; --once makes one
 *     pass and exits 1 when something stays in the spool.
 *  2. SIGTERM/SIGINT end the loop between requests, never inside one
 *     (the store call finishes; the spool mark follows its commit).
 *  3. status never writes: the spool is opened read-only (absent = no
 *     spool), the server read-only without the opening check.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>

#include "cli/cli.h"
#include "core/log.h"
#include "core/util.h"
#include "store/spool.h"

static int cmd_forward_exec(struct app *, int, char **);
static int cmd_status_exec(struct app *, int, char **);

const struct cli_cmd cli_cmd_forward = {
	"forward", "forward [--once] [--interval SECONDS]",
	"Deliver the requests this kiosk took while the server could not be\n"
	"reached (its spool: `spool =` in the configuration, else spool.db beside\n"
	"a database file, else ./var/spool.db) to the server, each exactly once:\n"
	"a request is marked sent only after the server committed it, and a\n"
	"request sent twice (a forwarder killed in between) is a no-op the second\n"
	"time. Without --once it runs until SIGTERM, a pass every --interval\n"
	"seconds (15), waiting quietly while the server is unreachable (for a\n"
	"systemd unit). With --once: one pass; exit 0 when the spool is empty\n"
	"afterwards, 1 when requests remain.",
	cmd_forward_exec,
};

const struct cli_cmd cli_cmd_status = {
	"status", "status",
	"Show the kiosk's spool (requests waiting for the server, the oldest,\n"
	"refused ones, reserved references left), the last successful forward\n"
	"and whether the server answers now. Writes nothing. Exit 0 when the\n"
	"server answers, 1 when it does not.",
	cmd_status_exec,
};

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

/* A server URI as printed: a password in it ("user:secret@") shown as
 * "user:***@". Static buffer. */
static const char *shown(const char *uri)
{
	static char buf[1024];
	const char *p = strstr(uri, "://"), *at, *colon;

	strlcpy_k(buf, uri, sizeof buf);
	if (!p)
		return buf;
	p += 3;
	at = strchr(p, '@');
	colon = at ? memchr(p, ':', (size_t)(at - p)) : NULL;
	if (!colon || (size_t)(colon - uri) + 5 >= sizeof buf)
		return buf;
	snprintf(buf + (colon - uri), sizeof buf - (size_t)(colon - uri), ":***%s", at);
	return buf;
}

static char *spool_path(struct app *a)
{
	return config_spool_path(&a->cfg, a->db_path);
}

static st_rc open_server(struct app *a, bool readonly, char *err, size_t errsz)
{
	struct store_opts o = { .busy_ms = 10000, .readonly = readonly,
	                        .no_open_check = readonly,
	                        .check_in_background = !readonly,
	                        .check_normal_priority = true,
	                        .branch = config_branch(&a->cfg, NULL) };

	return store_open(a->db_path, &o, &a->db, err, errsz);
}

/* One pass: 0 when the spool is empty afterwards, 1 when requests remain
 * (the reason logged), -1 when the spool itself failed. */
static int one_pass(struct app *a, store *spool, int die_after, bool *was_up,
                    bool print)
{
	struct spool_pass p = { .die_after = die_after };
	struct spool_status ss;
	char err[512] = "";
	st_rc r;

	if (!a->db && (r = open_server(a, false, err, sizeof err)) != ST_OK) {
		if (*was_up)
			log_error("forward: the server %s cannot be reached: %s%s%s",
			          shown(a->db_path), st_rc_name(r), *err ? ": " : "", err);
		*was_up = false;
		return spool_status(spool, &ss) == ST_OK && ss.pending == 0 ? 0 : 1;
	}
	r = spool_forward(spool, a->db, 1 << 30, &p);
	if (print)
		printf("forward: %d delivered, %d already there, %d refused\n",
		       p.sent, p.replays, p.conflicts);
	if (p.sent || p.replays || p.conflicts)
		log_info("forward: %d delivered, %d already there, %d refused",
		         p.sent, p.replays, p.conflicts);
	if (p.conflicts)
		log_error("forward: reference %s exists on the server as another "
		          "request; kept in the spool, marked refused", p.conflict_ref);
	if (r != ST_OK) {
		if (*was_up)
			log_error("forward: stopped: %s (%s)", st_rc_name(r),
			          store_errmsg(a->db));
		*was_up = false;
		store_close(a->db);        /* reopened on the next pass */
		a->db = NULL;
		return 1;
	}
	if (!*was_up)
		log_info("forward: the server %s answers", shown(a->db_path));
	*was_up = true;
	if (spool_status(spool, &ss) != ST_OK)
		return -1;
	return ss.pending == 0 ? 0 : 1;
}

static int cmd_forward_exec(struct app *a, int argc, char **argv)
{
	char err[512] = "";
	char *path;
	store *spool = NULL;
	bool once = false, up = true;
	int interval = 15, die_after = 0, rc;
	const char *hook = getenv("KHIDMA_TEST_FORWARD_DIE_AFTER");
	st_rc r;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--once") == 0) {
			once = true;
		} else if (strcmp(argv[i], "--interval") == 0 && i + 1 < argc) {
			char *end;
			long v = strtol(argv[++i], &end, 10);

			if (*end || v < 1 || v > 3600)
				return cli_usage_error(&cli_cmd_forward,
				                       "--interval: 1 to 3600 seconds");
			interval = (int)v;
		} else {
			return cli_usage_error(&cli_cmd_forward, "unknown argument %s",
			                       argv[i]);
		}
	}
	if (!a->db_path)
		return cli_fail("forward", "no database path");
	/* the test hook (spool.h) only in the source tree */
	if (hook && khidma_in_source_tree())
		die_after = atoi(hook);
	if (sodium_init() < 0)
		return cli_fail("forward", "cannot initialise libsodium");
	path = spool_path(a);
	if ((r = spool_open(path, &spool, err, sizeof err)) != ST_OK) {
		rc = cli_fail("forward", "spool %s: %s%s%s", path, st_rc_name(r),
		              *err ? ": " : "", err);
		free(path);
		return rc;
	}
	if (once) {
		rc = one_pass(a, spool, die_after, &up, true);
	} else {
		struct sigaction sa = { .sa_handler = on_term };

		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
		log_info("forward: delivering %s to %s every %d s", path, shown(a->db_path),
		         interval);
		while (!stop) {
			if (one_pass(a, spool, die_after, &up, false) < 0)
				log_error("forward: the spool %s cannot be read", path);
			for (int i = 0; i < interval * 10 && !stop; i++)
				usleep(100000);
		}
		rc = 0;
	}
	{
		struct spool_status ss;

		if (spool_status(spool, &ss) == ST_OK)
			printf("forward: %lld waiting in %s\n", (long long)ss.pending, path);
	}
	store_close(spool);
	free(path);
	return rc < 0 ? 1 : rc;
}

static void fmt_time(time_t t, char *buf, size_t n)
{
	struct tm tm;

	if (!t) {
		strlcpy_k(buf, "never", n);
		return;
	}
	localtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%d %H:%M:%S", &tm);
}

static int cmd_status_exec(struct app *a, int argc, char **argv)
{
	struct store_opts ro = { .readonly = true, .no_open_check = true,
	                         .busy_ms = 10000 };
	struct spool_status ss;
	char err[512] = "", t1[32], t2[32];
	char *path;
	store *spool = NULL;
	struct stat sb;
	st_rc r;
	int rc = 0;

	(void)argv;
	if (argc != 1)
		return cli_usage_error(&cli_cmd_status, "no arguments expected");
	if (!a->db_path)
		return cli_fail("status", "no database path");
	path = spool_path(a);
	if (stat(path, &sb) != 0 && errno == ENOENT) {
		printf("spool: %s: none (no request was ever taken offline here)\n",
		       path);
	} else if ((r = store_open(path, &ro, &spool, err, sizeof err)) != ST_OK) {
		printf("spool: %s: cannot be read: %s%s%s\n", path, st_rc_name(r),
		       *err ? ": " : "", err);
		rc = 1;
	} else if ((r = spool_status(spool, &ss)) != ST_OK) {
		printf("spool: %s: cannot be read: %s\n", path, st_rc_name(r));
		rc = 1;
	} else {
		fmt_time(ss.oldest, t1, sizeof t1);
		fmt_time(ss.last_ok, t2, sizeof t2);
		printf("spool: %s\n", path);
		printf("  waiting for the server: %lld%s%s%s\n", (long long)ss.pending,
		       ss.pending ? " (oldest received " : "", ss.pending ? t1 : "",
		       ss.pending ? ")" : "");
		if (ss.conflicts)
			printf("  refused by the server (reference taken): %lld\n",
			       (long long)ss.conflicts);
		printf("  reserved references left: %lld\n", (long long)ss.refs_left);
		printf("last successful forward: %s\n", t2);
	}
	store_close(spool);
	free(path);
	err[0] = '\0';
	if ((r = open_server(a, true, err, sizeof err)) == ST_OK) {
		char b[8];

		r = store_meta_get(a->db, "branch", b, sizeof b);
		if (r == ST_NOTFOUND)
			r = ST_OK;
	}
	if (r == ST_OK) {
		printf("server: %s: reachable\n", shown(a->db_path));
	} else {
		printf("server: %s: NOT reachable: %s%s%s\n", shown(a->db_path),
		       st_rc_name(r), *err ? ": " : "", err);
		rc = 1;
	}
	return rc;
}
