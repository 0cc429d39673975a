/*
 * cli/cmd_migrate — `khidma migrate --from FILE --to DB --branch NN`: a
 * branch joins the society's server. Copies the branch's catalog items,
 * members, officers, requests with their events, and survey responses
 * with their answers from its SQLite file into the server (any store: a
 * postgresql:// URI, or another khidma file), through the same idempotent
 * copy the forwarder uses (store/ingest.c).
 *
 * Invariants:
 *  1. Idempotent: every request is copied under the key "m:" + its
 *     reference and every response under "ms:NN:" + its id in FILE; a
 *     second run adds nothing (replays), and a run cut short is finished
 *     by running it again. Members (by number), officers (by login) and
 *     catalog items (by kind and code) already on the server are kept as
 *     they are there.
 *  2. Refusals come before anything is written: FILE's branch (meta) is
 *     not NN, a reference in FILE does not start with NN, or a reference
 *     of FILE is on the server as another request (another key, or none:
 *     written there) — "belongs to another branch" — with the first such
 *     reference and how many.
 *  3. The counts are checked at the end: the server holds, under this
 *     branch's keys, as many requests, events, responses and answers as
 *     FILE, and every member and officer of FILE is there; otherwise exit 1.
 *  4. FILE is opened read-only (with the opening quick_check); nothing in
 *     it changes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/util.h"
#include "store/store.h"

static int cmd_migrate_exec(struct app *, int, char **);

const struct cli_cmd cli_cmd_migrate = {
	"migrate", "migrate --from FILE --to DB --branch NN",
	"Copy a branch's database FILE (SQLite) into the society's server DB (a\n"
	"postgresql:// URI, or another khidma database): catalog items, members,\n"
	"officers, requests with their events, survey responses. Idempotent: a\n"
	"second run adds nothing, an interrupted run is finished by running it\n"
	"again. Refuses, before writing anything, when FILE is not branch NN, or\n"
	"a reference in FILE belongs to another branch or to another request on\n"
	"the server. Shows a progress bar on a terminal and checks the counts at\n"
	"the end (exit 1 when they differ).",
	cmd_migrate_exec,
};

struct bar { const char *what; int64_t total, done; bool tty; int shown; };

static void bar_step(struct bar *b, int64_t n)
{
	int pct;

	b->done += n;
	if (!b->tty || b->total <= 0)
		return;
	pct = (int)(b->done * 100 / b->total);
	if (pct == b->shown && b->done != b->total)
		return;
	b->shown = pct;
	fprintf(stderr, "\r  %-9s %9lld/%-9lld [%-30.*s] %3d%%", b->what,
	        (long long)b->done, (long long)b->total, pct * 30 / 100,
	        "##############################", pct);
	if (b->done >= b->total)
		fputc('\n', stderr);
	fflush(stderr);
}

static int fail_rc(const char *doing, st_rc r, store *db)
{
	return cli_store_fail("migrate", doing, r, db);
}

/* Invariant 2: every reference of src starts with branch and is free on
 * dst or already this migration's. */
static int prescan(store *src, store *dst, const char *branch, int64_t total)
{
	struct bar b = { "checking", total, 0, isatty(2), -1 };
	int64_t ids[256], after = 0, foreign = 0, taken = 0;
	char first_foreign[16] = "", first_taken[16] = "", key[64], idem[64];
	int n;
	st_rc r;

	for (;;) {
		if ((r = store_request_ids(src, after, 256, ids, &n)) != ST_OK)
			return fail_rc("reading FILE", r, src);
		if (n == 0)
			break;
		for (int i = 0; i < n; i++) {
			struct request q;
			bool exists;

			after = ids[i];
			if ((r = store_request_get(src, ids[i], &q)) != ST_OK)
				return fail_rc("reading FILE", r, src);
			if (strncmp(q.ref, branch, 2) != 0) {
				if (!foreign++)
					strlcpy_k(first_foreign, q.ref, sizeof first_foreign);
			} else {
				snprintf(key, sizeof key, "m:%s", q.ref);
				if ((r = store_ref_owner(dst, q.ref, &exists, idem,
				                         sizeof idem)) != ST_OK) {
					request_free(&q);
					return fail_rc("reading the server", r, dst);
				}
				if (exists && strcmp(idem, key) != 0 && !taken++)
					strlcpy_k(first_taken, q.ref, sizeof first_taken);
			}
			request_free(&q);
		}
		bar_step(&b, n);
	}
	if (foreign)
		return cli_fail("migrate", "refused, nothing written: reference %s "
		                "(and %lld more) belongs to branch %.2s, not %s",
		                first_foreign, (long long)foreign - 1, first_foreign,
		                branch);
	if (taken)
		return cli_fail("migrate", "refused, nothing written: reference %s "
		                "(and %lld more) is already on the server as another "
		                "request (another branch or kiosk wrote it)",
		                first_taken, (long long)taken - 1);
	return 0;
}

struct tally { int64_t src, added, there; };

static int copy_catalog(store *src, store *dst, struct tally *t)
{
	static const char *const kinds[] = { "service", "channel", "question" };

	for (size_t k = 0; k < ARRAY_LEN(kinds); k++) {
		struct catalog_item *it = NULL;
		int n = 0;
		st_rc r;

		if ((r = store_catalog_list(src, kinds[k], true, &it, &n)) != ST_OK)
			return fail_rc("reading the catalog", r, src);
		for (int i = 0; i < n; i++) {
			bool added;

			if ((r = store_catalog_ingest(dst, kinds[k], &it[i], &added)) != ST_OK) {
				catalog_items_free(it, n);
				return fail_rc("copying the catalog", r, dst);
			}
			t->src++;
			*(added ? &t->added : &t->there) += 1;
		}
		catalog_items_free(it, n);
	}
	return 0;
}

static int copy_members(store *src, store *dst, int64_t total, struct tally *t)
{
	struct bar b = { "members", total, 0, isatty(2), -1 };
	int64_t after = 0;
	struct member *m;
	int n;
	st_rc r;

	for (;;) {
		if ((r = store_members_page(src, after, 500, &m, &n)) != ST_OK)
			return fail_rc("reading the members", r, src);
		if (n == 0) {
			members_free(m, n);
			break;
		}
		for (int i = 0; i < n; i++) {
			bool added;

			after = m[i].id;
			if ((r = store_member_ingest(dst, &m[i], &added)) != ST_OK) {
				members_free(m, n);
				return fail_rc("copying a member", r, dst);
			}
			t->src++;
			*(added ? &t->added : &t->there) += 1;
		}
		members_free(m, n);
		bar_step(&b, n);
	}
	return 0;
}

static int copy_officers(store *src, store *dst, struct tally *t)
{
	struct officer *o = NULL;
	int n = 0;
	st_rc r;

	if ((r = store_officer_list(src, &o, &n)) != ST_OK)
		return fail_rc("reading the officers", r, src);
	for (int i = 0; i < n; i++) {
		bool added;

		if ((r = store_officer_ingest(dst, &o[i], &added)) != ST_OK) {
			officers_free(o, n);
			return fail_rc("copying an officer", r, dst);
		}
		t->src++;
		*(added ? &t->added : &t->there) += 1;
	}
	officers_free(o, n);
	return 0;
}

static int copy_requests(store *src, store *dst, int64_t total, struct tally *t)
{
	struct bar b = { "requests", total, 0, isatty(2), -1 };
	int64_t ids[256], after = 0;
	char key[64];
	int n;
	st_rc r;

	for (;;) {
		if ((r = store_request_ids(src, after, 256, ids, &n)) != ST_OK)
			return fail_rc("reading the requests", r, src);
		if (n == 0)
			break;
		for (int i = 0; i < n; i++) {
			struct request_full q;
			enum ingest_outcome out;

			after = ids[i];
			if ((r = store_request_read_full(src, ids[i], &q)) != ST_OK)
				return fail_rc("reading a request", r, src);
			snprintf(key, sizeof key, "m:%s", q.r.ref);
			r = store_request_ingest(dst, &q, key, false, &out);
			if (r != ST_OK) {
				int rc = out == INGEST_CONFLICT ?
				         cli_fail("migrate", "reference %s was written on the "
				                  "server meanwhile as another request; stopped "
				                  "(run again to check and continue)", q.r.ref) :
				         fail_rc("copying a request", r, dst);

				request_full_free(&q);
				return rc;
			}
			request_full_free(&q);
			t->src++;
			*(out == INGEST_ADDED ? &t->added : &t->there) += 1;
		}
		bar_step(&b, n);
	}
	return 0;
}

static int copy_surveys(store *src, store *dst, const char *branch,
                        int64_t total, struct tally *t)
{
	struct bar b = { "surveys", total, 0, isatty(2), -1 };
	struct survey_full *v;
	int64_t after = 0;
	char key[64];
	int n;
	st_rc r;

	for (;;) {
		if ((r = store_surveys_page(src, after, 500, &v, &n)) != ST_OK)
			return fail_rc("reading the survey responses", r, src);
		if (n == 0) {
			surveys_full_free(v, n);
			break;
		}
		for (int i = 0; i < n; i++) {
			bool added;

			after = v[i].id;
			snprintf(key, sizeof key, "ms:%s:%lld", branch, (long long)v[i].id);
			if ((r = store_survey_ingest(dst, &v[i], key, &added)) != ST_OK) {
				surveys_full_free(v, n);
				return fail_rc("copying a survey response", r, dst);
			}
			t->src++;
			*(added ? &t->added : &t->there) += 1;
		}
		surveys_full_free(v, n);
		bar_step(&b, n);
	}
	return 0;
}

static void report(const char *what, const struct tally *t)
{
	printf("  %-17s %8lld in FILE, %8lld added, %8lld already there\n", what,
	       (long long)t->src, (long long)t->added, (long long)t->there);
}

/* Invariant 3. 0 when every count agrees. */
static int check_counts(store *src, store *dst, const char *branch,
                        const struct tally *mem, const struct tally *off)
{
	static const char *const what[] = { "requests", "request_events",
		"survey_responses", "survey_answers" };
	char rk[16], sk[16];
	int bad = 0;

	snprintf(rk, sizeof rk, "m:%s", branch);
	snprintf(sk, sizeof sk, "ms:%s:", branch);
	printf("counts (FILE = server):\n");
	for (size_t i = 0; i < ARRAY_LEN(what); i++) {
		int64_t a = -1, b = -1;
		st_rc r1 = store_count(src, what[i], NULL, &a);
		st_rc r2 = store_count(dst, what[i], i < 2 ? rk : sk, &b);
		bool ok = r1 == ST_OK && r2 == ST_OK && a == b;

		printf("  %-17s %8lld %s %8lld  %s\n", what[i], (long long)a,
		       ok ? "=" : "≠", (long long)b, ok ? "ok" : "DIFFERENT");
		bad += !ok;
	}
	if (mem->added + mem->there != mem->src || off->added + off->there != off->src) {
		printf("  members/officers: not all of FILE's are on the server\n");
		bad++;
	}
	return bad ? cli_fail("migrate", "the counts differ (above): run it again; "
	                      "if they still differ, keep FILE and report it") : 0;
}

static int cmd_migrate_exec(struct app *a, int argc, char **argv)
{
	struct store_opts ro = { .readonly = true, .busy_ms = 10000 };
	struct store_opts rw = { .busy_ms = 10000 };
	const char *from = NULL, *to = NULL, *branch = NULL;
	struct tally cat = { 0 }, mem = { 0 }, off = { 0 }, req = { 0 }, sur = { 0 };
	int64_t nreq = 0, nmem = 0, nsur = 0;
	char err[512] = "";
	store *src = NULL, *dst = NULL;
	st_rc r;
	int rc = 1;

	(void)a;
	for (int i = 1; i < argc; i++) {
		const char **slot = strcmp(argv[i], "--from") == 0 ? &from :
		                    strcmp(argv[i], "--to") == 0 ? &to :
		                    strcmp(argv[i], "--branch") == 0 ? &branch : NULL;

		if (!slot || i + 1 >= argc)
			return cli_usage_error(&cli_cmd_migrate, slot ? "%s needs a value"
			                       : "unknown argument %s", argv[i]);
		*slot = argv[++i];
	}
	if (!from || !to || !branch)
		return cli_usage_error(&cli_cmd_migrate, "--from, --to and --branch "
		                       "are all needed");
	if (strlen(branch) != 2 || branch[0] < '0' || branch[0] > '9' ||
	    branch[1] < '0' || branch[1] > '9')
		return cli_usage_error(&cli_cmd_migrate, "--branch: two digits, e.g. 02");
	if ((r = store_open(from, &ro, &src, err, sizeof err)) != ST_OK) {
		cli_fail("migrate", "%s: %s%s%s", from, st_rc_name(r), *err ? ": " : "",
		         err);
		goto out;
	}
	if (strcmp(store_branch(src), branch) != 0) {
		cli_fail("migrate", "refused, nothing written: %s is branch %s, not %s",
		         from, store_branch(src), branch);
		goto out;
	}
	err[0] = '\0';
	if ((r = store_open(to, &rw, &dst, err, sizeof err)) != ST_OK) {
		cli_fail("migrate", "the server: %s%s%s%s", st_rc_name(r),
		         *err ? ": " : "", err, r == ST_NOTFOUND ?
		         " (run `khidma --db DB init` first)" : "");
		goto out;
	}
	if ((r = store_count(src, "requests", NULL, &nreq)) != ST_OK ||
	    (r = store_count(src, "members", NULL, &nmem)) != ST_OK ||
	    (r = store_count(src, "survey_responses", NULL, &nsur)) != ST_OK) {
		fail_rc("counting FILE", r, src);
		goto out;
	}
	printf("migrate: %s (branch %s) into the server\n", from, branch);
	fflush(stdout);
	if (prescan(src, dst, branch, nreq) != 0 ||
	    copy_catalog(src, dst, &cat) != 0 ||
	    copy_members(src, dst, nmem, &mem) != 0 ||
	    copy_officers(src, dst, &off) != 0 ||
	    copy_requests(src, dst, nreq, &req) != 0 ||
	    copy_surveys(src, dst, branch, nsur, &sur) != 0)
		goto out;
	report("catalog items", &cat);
	report("members", &mem);
	report("officers", &off);
	report("requests", &req);
	report("survey responses", &sur);
	rc = check_counts(src, dst, branch, &mem, &off);
	if (rc == 0)
		printf("migrate: done\n");
out:
	store_close(src);
	store_close(dst);
	return rc;
}
