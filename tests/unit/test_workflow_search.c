/*
 * Exhaustive search of the workflow: every sequence of up to DEPTH (8)
 * actions, each action one of
 *   - every workflow action (wf_table, WF_INTAKE aside) by every actor,
 *     with a reason, and the reason-required ones also without;
 *   - the register check saved all matched / with the mobile unmatched
 *     (store_request_set_match, as the console saves it), by officer A;
 *   - the clock moved past the earliest-response date;
 * where the actors are the same or different officers of every role:
 *   A (officer), B (officer), R (researcher), C and D (committee), M (admin),
 *   and A again with the committee role (an officer moved to the committee
 *   keeps their login: the conflict rules must still hold),
 * from a kiosk request and from requests entered on someone's behalf by A
 * and by M (wf_submit; R and C are refused), with committee_quorum 1 and 2.
 * Each keeps the link (duplicate_of) to an open twin of the same national
 * ID, so "duplicate" (close as a duplicate) is a real move everywhere.
 * Every move the table allows for the actor's role in the current status
 * goes through the real workflow and store (wf_apply on a SQLite file in
 * /dev/shm), allowed or refused by the other rules; the moves outside the
 * table are asked of wf_refusal (wf_apply refuses them from the caller's
 * copy before any store call: test_workflow_table proves it for every
 * triple). After every move that changed the request wf_audit_request
 * checks the audit trail, and the test checks that a refused call changed
 * no row and an allowed one wrote exactly one event.
 *
 * The bound. A refused call changes nothing, and what every rule decides
 * (decide() in workflow.c) and what the checker judges depend on the
 * history only through the request's "abstract state" (state_key below:
 * status, all-matched or not, declared_by, who verified and forwarded and
 * how often, exception or not, the current committee round's votes, the
 * status a refer_back / reopen would return to, the clock before/after the
 * study date). Two sequences that reach the same abstract state therefore
 * have the same futures and the same verdicts, so a state reached again
 * with no more steps left than before is not expanded again. With that
 * pruning the search covers all sum_{k<=8} N^k sequences of N actions and
 * prints how many states and moves it took.
 */
#include "unit/store_fixture.h"
#include "workflow/workflow.h"

#include <sys/stat.h>

#define DEPTH 8

struct actor { const char *login; officer_role role; };

static const struct actor actors[] = {
	{ "A", ROLE_OFFICER }, { "B", ROLE_OFFICER }, { "R", ROLE_RESEARCHER },
	{ "C", ROLE_COMMITTEE }, { "D", ROLE_COMMITTEE }, { "M", ROLE_ADMIN },
	{ "A", ROLE_COMMITTEE },
};
#define NACTORS ((int)ARRAY_LEN(actors))

enum { X_MATCH_ALL = WF__COUNT, X_MATCH_PART, X_CLOCK, X__END };

struct move { int what; int actor; bool reason; };

static struct move moves[WF__COUNT * NACTORS * 2 + 3];
static int nmoves;

struct search {
	store   *s;
	sqlite3_stmt *clone_req, *clone_ev, *count_ev;
	int64_t  id;                 /* the request the next move acts on */
	int      quorum;
	time_t   created;
	bool     late;               /* the clock is past the study date */
	/* visited abstract states: key → the most steps left it was expanded with */
	char   **keys;
	int     *left;
	int      nkeys, capkeys;
	long     calls, allowed, refused, table_refused, expanded;
	int64_t  nev_before;         /* events of the database before the try */
};

static void build_moves(void)
{
	nmoves = 0;
	for (int a = 0; a < WF__COUNT; a++) {
		if (a == WF_INTAKE)
			continue;
		for (int p = 0; p < NACTORS; p++) {
			moves[nmoves++] = (struct move){ a, p, true };
			if (wf_table()[a].reason_required)
				moves[nmoves++] = (struct move){ a, p, false };
		}
	}
	moves[nmoves++] = (struct move){ X_MATCH_ALL, 0, false };
	moves[nmoves++] = (struct move){ X_MATCH_PART, 0, false };
	moves[nmoves++] = (struct move){ X_CLOCK, 0, false };
}

static void set_clock(struct search *S, bool late)
{
	char v[32];

	S->late = late;
	if (!late) {
		unsetenv("KHIDMA_FAKE_NOW");
		return;
	}
	snprintf(v, sizeof v, "%lld", (long long)(S->created + 15 * 86400LL));
	setenv("KHIDMA_FAKE_NOW", v, 1);
}

/* Going back to a state: the request and its events copied, as raw rows
 * (test set-up, not the workflow), into a new request that the next moves
 * act on — request_events is append-only, and restoring a database copy
 * makes SQLite parse the whole schema again (3× slower). */
static void prepare_clone(struct search *S)
{
	sqlite3 *db = store_db(S->s);
	sqlite3_stmt *st;
	char *cols, *sql;

	assert_int_equal(sqlite3_prepare_v2(db, "SELECT group_concat(name) FROM "
	                 "pragma_table_info('requests') WHERE name NOT IN "
	                 "('id', 'seq', 'ref')", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	cols = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sql = xasprintf("INSERT INTO requests(seq, ref, %s) SELECT (SELECT max(seq) + 1 "
	                "FROM requests), 'T' || (SELECT max(seq) + 1 FROM requests), %s "
	                "FROM requests WHERE id = ?", cols, cols);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &S->clone_req, NULL), SQLITE_OK);
	free(sql);
	free(cols);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO request_events(request_id, "
	                 "at, who, from_status, to_status, note, kind) SELECT ?1, at, who, "
	                 "from_status, to_status, note, kind FROM request_events WHERE "
	                 "request_id = ?2 ORDER BY id", -1, &S->clone_ev, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM request_events "
	                 "WHERE request_id = ?", -1, &S->count_ev, NULL), SQLITE_OK);
}

static int64_t clone_request(struct search *S, int64_t from)
{
	sqlite3 *db = store_db(S->s);
	int64_t id;

	sqlite3_bind_int64(S->clone_req, 1, from);
	assert_int_equal(sqlite3_step(S->clone_req), SQLITE_DONE);
	sqlite3_reset(S->clone_req);
	id = sqlite3_last_insert_rowid(db);
	sqlite3_bind_int64(S->clone_ev, 1, id);
	sqlite3_bind_int64(S->clone_ev, 2, from);
	assert_int_equal(sqlite3_step(S->clone_ev), SQLITE_DONE);
	sqlite3_reset(S->clone_ev);
	return id;
}

static int64_t count_events(struct search *S)
{
	int64_t n;

	sqlite3_bind_int64(S->count_ev, 1, S->id);
	assert_int_equal(sqlite3_step(S->count_ev), SQLITE_ROW);
	n = sqlite3_column_int64(S->count_ev, 0);
	sqlite3_reset(S->count_ev);
	return n;
}

static void add_set(char *buf, size_t n, const char *who)
{
	char tok[80];

	snprintf(tok, sizeof tok, "%s,", who);
	if (!strstr(buf, tok))
		strlcpy_k(buf + strlen(buf), tok, n - strlen(buf));
}

/* The abstract state (see the top comment), read from the database. */
static char *state_key(struct search *S, const struct request *r,
                       const struct request_event *ev, int nev)
{
	char ver[128] = "", fwd[128] = "", votes[256] = "", *key;
	int nver = 0, start = 0, back = -1;
	bool exc = false;

	for (int i = 0; i < nev; i++) {
		if (!strcmp(ev[i].kind, "verify")) {
			add_set(ver, sizeof ver, ev[i].who);
			nver++;
		}
		if (!strcmp(ev[i].kind, "forward"))
			add_set(fwd, sizeof fwd, ev[i].who);
		if (!strcmp(ev[i].kind, "exception"))
			exc = true;
		if (ev[i].to == RS_COMMITTEE && ev[i].from != RS_COMMITTEE)
			start = i;
		if (ev[i].to == r->status && ev[i].from != r->status &&
		    (ev[i].from == RS_RECEIVED || ev[i].from == RS_VERIFIED ||
		     r->status == RS_WITHDRAWN))
			back = (int)ev[i].from;
	}
	for (int i = start; r->status == RS_COMMITTEE && i < nev; i++)
		if (!strncmp(ev[i].kind, "vote_", 5)) {
			strlcpy_k(votes + strlen(votes), ev[i].who, sizeof votes - strlen(votes));
			strlcpy_k(votes + strlen(votes), ev[i].kind + 4, sizeof votes - strlen(votes));
		}
	key = xasprintf("%s|%d|%s|%s%d|%s|%d|%s|%d|%d", req_status_name(r->status),
	                wf_all_matched(r->field_match), r->declared_by, ver, nver,
	                fwd, exc, votes, back, S->late);
	return key;
}

/* True (and recorded) when the state needs expanding with `left` steps. */
static bool visit(struct search *S, char *key, int left)
{
	for (int i = 0; i < S->nkeys; i++)
		if (!strcmp(S->keys[i], key)) {
			free(key);
			if (S->left[i] >= left)
				return false;
			S->left[i] = left;
			return true;
		}
	if (S->nkeys == S->capkeys) {
		S->capkeys = S->capkeys ? S->capkeys * 2 : 256;
		S->keys = xrealloc(S->keys, (size_t)S->capkeys * sizeof *S->keys);
		S->left = xrealloc(S->left, (size_t)S->capkeys * sizeof *S->left);
	}
	S->keys[S->nkeys] = key;
	S->left[S->nkeys++] = left;
	return true;
}

/* Load the request and its events and run the checker. */
static void audit(struct search *S, struct request *r, struct request_event **ev,
                  int *nev, const char *after)
{
	char msg[256];

	assert_int_equal(store_request_get(S->s, S->id, r), ST_OK);
	assert_int_equal(store_request_events(S->s, S->id, ev, nev), ST_OK);
	if (wf_audit_request(r, *ev, *nev, S->quorum, msg, sizeof msg) != 0)
		fail_msg("after %s: %s", after, msg);
}

static void describe(const struct move *m, char *buf, size_t n)
{
	if (m->what == X_MATCH_ALL)
		snprintf(buf, n, "match all");
	else if (m->what == X_MATCH_PART)
		snprintf(buf, n, "match part");
	else if (m->what == X_CLOCK)
		snprintf(buf, n, "clock");
	else
		snprintf(buf, n, "%s by %s/%s%s", wf_table()[m->what].code,
		         actors[m->actor].login, officer_role_name(actors[m->actor].role),
		         m->reason ? "" : " (no reason)");
}

/* A copy of r that owns its strings (wf_apply reloads into it). */
static void request_copy(struct request *to, const struct request *from)
{
	*to = *from;
	to->name = from->name ? xstrdup(from->name) : NULL;
	to->email = from->email ? xstrdup(from->email) : NULL;
	to->description = from->description ? xstrdup(from->description) : NULL;
	to->signature = from->signature ? xstrdup(from->signature) : NULL;
	to->decision_reason = from->decision_reason ? xstrdup(from->decision_reason) : NULL;
	to->info_items = from->info_items ? xstrdup(from->info_items) : NULL;
	to->info_text = from->info_text ? xstrdup(from->info_text) : NULL;
}

/* Try move m on the current state; true when it changed the request. A
 * refused call must have changed no row (sqlite3_total_changes counts every
 * row any statement of the connection wrote, rolled back or not). */
static bool try_move(struct search *S, const struct move *m, const struct request *before)
{
	struct request r;
	struct officer o;
	sqlite3_int64 ch0 = sqlite3_total_changes64(store_db(S->s));
	st_rc rc;

	S->calls++;
	if (m->what == X_CLOCK) {
		if (S->late)
			return false;
		set_clock(S, true);
		return true;
	}
	if (m->what == X_MATCH_ALL || m->what == X_MATCH_PART) {
		const char *fm = m->what == X_MATCH_ALL ?
			"name=1,national_id=1,mobile=1,category=1" :
			"name=1,national_id=1,mobile=0,category=1";

		if (before->status != RS_RECEIVED || !strcmp(before->field_match, fm))
			return false;      /* the console edits marks only before verify */
		assert_int_equal(store_request_set_match(S->s, S->id, before->version, "A",
		                 fm, 0), ST_OK);
		S->allowed++;
		return true;
	}
	memset(&o, 0, sizeof o);
	strlcpy_k(o.login, actors[m->actor].login, sizeof o.login);
	o.role = actors[m->actor].role;
	o.active = true;
	/* Not in the table for this role and status: wf_apply refuses it from
	 * the caller's copy before any store call (test_every_triple proves
	 * that for every triple, database untouched); ask wf_refusal, the same
	 * decision without the security log line that made syslog most of
	 * this test's time. */
	if (!wf_allowed((wf_action)m->what, before->status, o.role)) {
		assert_non_null(wf_refusal(before, (wf_action)m->what, &o,
		                           m->reason ? "a reason" : NULL));
		S->table_refused++;
		return false;
	}
	request_copy(&r, before);
	r.id = S->id;                /* the state's copy (clone_request) */
	rc = wf_apply(S->s, &r, (wf_action)m->what, &o, m->reason ? "a reason" : NULL);
	if (rc == ST_OK) {
		assert_int_equal(r.version, before->version + 1);
		assert_int_equal(count_events(S), S->nev_before + 1);
		S->allowed++;
	} else {
		if (rc != ST_DENIED) {
			char d[96];

			describe(m, d, sizeof d);
			fail_msg("%s: %s", d, st_rc_name(rc));
		}
		assert_int_equal(r.version, before->version);
		assert_int_equal((int)r.status, (int)before->status);
		assert_true(sqlite3_total_changes64(store_db(S->s)) == ch0);
		S->refused++;
	}
	request_free(&r);
	return rc == ST_OK;
}

/* Explore from the current state (reached by `after`) with `left` moves
 * to go; the checker runs first, so after every move. */
static void dfs(struct search *S, int left, const char *after)
{
	struct request r;
	struct request_event *ev;
	int nev;
	bool late = S->late;
	int64_t frozen;

	audit(S, &r, &ev, &nev, after);
	if (!visit(S, state_key(S, &r, ev, nev), left) || left == 0) {
		request_free(&r);
		request_events_free(ev, nev);
		return;
	}
	S->expanded++;
	frozen = clone_request(S, S->id);      /* this state, kept for going back */
	for (int i = 0; i < nmoves; i++) {
		S->nev_before = nev;
		char d[96];

		if (!try_move(S, &moves[i], &r))
			continue;
		describe(&moves[i], d, sizeof d);
		dfs(S, left - 1, d);
		S->id = clone_request(S, frozen);
		set_clock(S, late);
	}
	request_free(&r);
	request_events_free(ev, nev);
}

/* One search from a request entered by `by` (NULL: the kiosk). */
static void search_from(const struct actor *by, int quorum, long *states, long *calls)
{
	char dir[64] = "/dev/shm/khidma-search-XXXXXX", path[128], err[256];
	struct store_opts opts = { .create = true };
	struct search S = { .quorum = quorum };
	struct request r;
	struct officer o;
	struct stat sb;
	int64_t twin;

	if (stat("/dev/shm", &sb) != 0)
		strcpy(dir, "/tmp/khidma-search-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/khidma.db", dir);
	assert_int_equal(store_open(path, &opts, &S.s, err, sizeof err), ST_OK);
	fx_catalog(S.s);
	wf_configure(quorum);
	prepare_clone(&S);

	/* on-behalf intake: desk roles only, refused for the others */
	for (int p = 0; p < NACTORS; p++) {
		memset(&o, 0, sizeof o);
		strlcpy_k(o.login, actors[p].login, sizeof o.login);
		o.role = actors[p].role;
		o.active = true;
		fx_request(&r, "Search", "1000000099", "0500000099");
		if (!wf_may_intake(o.role)) {
			assert_int_equal(wf_submit(S.s, &r, &o), ST_DENIED);
			assert_int_equal(fx_int(S.s, "SELECT count(*) FROM requests"), 0);
		}
	}
	/* an open twin (same national ID and service, never moved): the
	 * searched request keeps the link to it, so "duplicate" can close it */
	twin = fx_submit(S.s, "Search", "1000000099", "0500000099");
	fx_request(&r, "Search", "1000000099", "0500000099");
	r.duplicate_of = twin;
	if (by) {
		memset(&o, 0, sizeof o);
		strlcpy_k(o.login, by->login, sizeof o.login);
		o.role = by->role;
		o.active = true;
	}
	assert_int_equal(wf_submit(S.s, &r, by ? &o : NULL), ST_OK);
	S.id = r.id;
	S.created = (time_t)fx_int(S.s, "SELECT max(created_at) FROM requests");
	/* a kiosk request's declaration is the member's; on behalf, the
	 * applicant's confirmation recorded by the officer */
	set_clock(&S, false);
	dfs(&S, DEPTH, "the submission");
	set_clock(&S, false);

	*states += S.expanded;
	*calls += S.calls;
	print_message("  from %s, quorum %d: %ld states expanded, %ld moves tried "
	              "(%ld allowed, %ld refused by wf_apply, %ld outside the table), "
	              "%d distinct states\n", by ? by->login : "the kiosk", quorum,
	              S.expanded, S.calls, S.allowed, S.refused, S.table_refused, S.nkeys);
	for (int i = 0; i < S.nkeys; i++)
		free(S.keys[i]);
	free(S.keys);
	free(S.left);
	sqlite3_finalize(S.clone_req);
	sqlite3_finalize(S.clone_ev);
	sqlite3_finalize(S.count_ev);
	store_close(S.s);
	fx_rmdir(dir);
	wf_configure(1);
}

static void test_every_sequence(void **state)
{
	static const struct actor officer_a = { "A", ROLE_OFFICER }, admin = { "M", ROLE_ADMIN };
	long states = 0, calls = 0;
	double covered = 0, p = 1;

	(void)state;
	build_moves();
	for (int q = 1; q <= 2; q++) {
		search_from(NULL, q, &states, &calls);
		search_from(&officer_a, q, &states, &calls);
		search_from(&admin, q, &states, &calls);
	}
	for (int k = 0; k <= DEPTH; k++, p *= nmoves)
		covered += p;
	print_message("workflow search: %d actions, sequences up to %d: %.4g sequences "
	              "per start covered (6 starts: kiosk, on behalf of A, of M; "
	              "quorum 1 and 2) by %ld expanded states and %ld moves tried, "
	              "the audit checker after each change\n", nmoves, DEPTH, covered, states, calls);
	assert_true(states > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_sequence),
	};
	return cmocka_run_group_tests_name("workflow_search", tests, NULL, NULL);
}
