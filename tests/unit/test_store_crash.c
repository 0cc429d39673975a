/*
 * Store: kill -9 while submitting. Child processes submit requests in a
 * loop and print each reference (to their own file) after
 * store_request_submit returned ST_OK; the parent SIGKILLs them at random
 * moments (~30 kills, bounded time) and restarts them. Afterwards:
 * integrity_check is ok, every request has its first event, no event lacks
 * its request, the sequence has no holes, and every printed reference is
 * in the database (what a visitor was shown survived).
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "unit/store_fixture.h"

#define CHILDREN   2
#define KILLS      30
#define DEADLINE_S 20.0

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The child: never returns. */
static void submitter(const char *db, const char *out)
{
	struct store_opts o = { .busy_ms = 10000 };
	char err[256], line[32];
	struct request r;
	store *s;
	int fd, n;

	fd = open(out, O_WRONLY | O_CREAT | O_APPEND, 0600);
	if (fd < 0 || store_open(db, &o, &s, err, sizeof err) != ST_OK)
		_exit(3);
	for (;;) {
		fx_request(&r, "زائر المتجر", "1000000040", "0500000040");
		if (store_request_submit(s, &r, "kiosk") != ST_OK)
			_exit(4);
		n = snprintf(line, sizeof line, "%s\n", r.ref);
		if (write(fd, line, (size_t)n) != n)
			_exit(5);
	}
}

static pid_t spawn(const char *db, const char *dir, int gen)
{
	char out[160];
	pid_t pid;

	snprintf(out, sizeof out, "%s/refs-%d.txt", dir, gen);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		submitter(db, out);
	return pid;
}

static int check_printed(store *s, const char *dir, int gens)
{
	char path[160], line[64];
	struct request r;
	int seen = 0;

	for (int g = 0; g < gens; g++) {
		FILE *fp;

		snprintf(path, sizeof path, "%s/refs-%d.txt", dir, g);
		if (!(fp = fopen(path, "r")))
			continue;
		while (fgets(line, sizeof line, fp)) {
			size_t len = strlen(line);

			if (len == 0 || line[len - 1] != '\n')
				continue;          /* a line cut by the kill: not shown */
			line[len - 1] = '\0';
			if (store_request_by_ref(s, line, &r) != ST_OK)
				fail_msg("printed reference %s is not in the database", line);
			request_free(&r);
			seen++;
		}
		fclose(fp);
		unlink(path);
	}
	return seen;
}

static void test_kill9_while_submitting(void **state)
{
	struct fx *f = *state;
	struct store_opts o = { .create = false };
	pid_t kids[CHILDREN];
	unsigned seed = (unsigned)getpid() ^ (unsigned)time(NULL);
	char err[256];
	double t0 = now_s();
	const char *sc = getenv("HT_TIMEOUT_SCALE");    /* e.g. 10 under valgrind */
	long scale = sc && atol(sc) > 1 ? atol(sc) : 1;
	int gen = 0, kills = 0, printed, status;
	int64_t nreq;

	store_close(f->s);                 /* no connection across fork */
	f->s = NULL;
	for (int i = 0; i < CHILDREN; i++)
		kids[i] = spawn(f->path, f->dir, gen++);
	while (kills < KILLS && now_s() - t0 < DEADLINE_S * scale - 3) {
		long ms = (10 + rand_r(&seed) % 120) * scale;
		struct timespec ts = { ms / 1000, ms % 1000 * 1000000L };
		int k = rand_r(&seed) % CHILDREN;

		nanosleep(&ts, NULL);
		kill(kids[k], SIGKILL);
		assert_int_equal(waitpid(kids[k], &status, 0), kids[k]);
		if (!WIFSIGNALED(status))
			fail_msg("child exited by itself with %d", WEXITSTATUS(status));
		kills++;
		kids[k] = spawn(f->path, f->dir, gen++);
	}
	for (int i = 0; i < CHILDREN; i++) {
		kill(kids[i], SIGKILL);
		waitpid(kids[i], &status, 0);
	}
	assert_true(kills >= 20);

	assert_int_equal(store_open(f->path, &o, &f->s, err, sizeof err), ST_OK);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM pragma_integrity_check "
	                 "WHERE integrity_check <> 'ok'"), 0);
	nreq = fx_int(f->s, "SELECT count(*) FROM requests");
	assert_true(nreq > 10);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM requests r WHERE NOT "
	                 "EXISTS (SELECT 1 FROM request_events e WHERE e.request_id "
	                 "= r.id AND e.note = 'submitted')"), 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM request_events e WHERE "
	                 "NOT EXISTS (SELECT 1 FROM requests r WHERE r.id = "
	                 "e.request_id)"), 0);
	assert_int_equal(fx_int(f->s, "SELECT count(*) FROM request_events"), nreq);
	assert_int_equal(fx_int(f->s, "SELECT max(seq) FROM requests"), nreq);
	printed = check_printed(f->s, f->dir, gen);
	assert_true(printed > 0);
	assert_true(printed <= nreq);
	print_message("%d kills, %lld requests, %d references printed, %.1f s\n",
	              kills, (long long)nreq, printed, now_s() - t0);
	assert_true(now_s() - t0 < DEADLINE_S * scale);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kill9_while_submitting, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests_name("store_crash", tests, NULL, NULL);
}
