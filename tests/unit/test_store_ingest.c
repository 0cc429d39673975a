/*
 * Store: the idempotent copy of a request (issue 13, store/ingest.c) — the
 * whole request with its history inserted once under its key, a replay a
 * no-op, the same reference under another key (or written here) refused
 * with nothing written; reserved reference blocks skipped by the
 * submission; the spool's marks. On both engines (FX_RUN_BOTH: SQLite,
 * then PostgreSQL when KHIDMA_TEST_PG is set).
 */
#include "store_fixture.h"

#include "core/refno.h"
#include "store/spool.h"

/* A request with 3 events in f's store, read back whole. */
static void history(struct fx *f, struct request_full *q)
{
	int64_t id = fx_submit(f->s, "محمد العتيبي", "1012345678", "0512345678");

	assert_int_equal(store_request_transition(f->s, id, 1, RS_RECEIVED,
	                 RS_VERIFIED, "amal", "checked"), ST_OK);
	assert_int_equal(store_request_transition(f->s, id, 2, RS_VERIFIED,
	                 RS_REJECTED, "amal", "not eligible"), ST_OK);
	assert_int_equal(store_request_read_full(f->s, id, q), ST_OK);
	assert_int_equal(q->nev, 3);
	assert_true(q->decided_at > 0);
}

static void ingest_once_replay_noop_conflict_refused(void **state)
{
	struct fx *f = *state, g;
	struct request_full q, back;
	enum ingest_outcome out;
	void *gs = NULL;

	history(f, &q);
	assert_int_equal(fx_setup(&gs), 0);
	g = *(struct fx *)gs;
	assert_int_equal(store_request_ingest(g.s, &q, "k:01:1:abc", true, &out), ST_OK);
	assert_int_equal(out, INGEST_ADDED);
	assert_int_equal(store_request_read_full(g.s, 1, &back), ST_OK);
	assert_string_equal(back.r.ref, q.r.ref);
	assert_int_equal(back.r.status, RS_REJECTED);
	assert_int_equal(back.r.version, q.r.version);
	assert_int_equal(back.decided_at, q.decided_at);
	assert_int_equal(back.nev, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(back.ev[i].at, q.ev[i].at);
		assert_string_equal(back.ev[i].who, q.ev[i].who);
		assert_string_equal(back.ev[i].note, q.ev[i].note);
		assert_int_equal(back.ev[i].to, q.ev[i].to);
	}
	assert_string_equal(back.idem, "k:01:1:abc");
	request_full_free(&back);
	/* the report's counters saw it like a request made here */
	assert_int_equal(fx_int(g.s, "SELECT coalesce(sum(n), 0) FROM request_days"), 1);
	/* replay: nothing written */
	assert_int_equal(store_request_ingest(g.s, &q, "k:01:1:abc", true, &out), ST_OK);
	assert_int_equal(out, INGEST_REPLAY);
	assert_int_equal(fx_int(g.s, "SELECT count(*) FROM requests"), 1);
	assert_int_equal(fx_int(g.s, "SELECT count(*) FROM request_events"), 3);
	/* the same reference under another key: refused, nothing written */
	assert_int_equal(store_request_ingest(g.s, &q, "k:01:1:other", true, &out),
	                 ST_DENIED);
	assert_int_equal(out, INGEST_CONFLICT);
	assert_int_equal(fx_int(g.s, "SELECT count(*) FROM requests"), 1);
	assert_int_equal(fx_int(g.s, "SELECT count(*) FROM request_events"), 3);
	/* the source's own row (no key) refuses a copy of itself */
	assert_int_equal(store_request_ingest(f->s, &q, "k:x", true, &out), ST_DENIED);
	assert_int_equal(out, INGEST_CONFLICT);
	/* no key: refused before anything */
	assert_int_equal(store_request_ingest(g.s, &q, "", true, &out), ST_INVALID);
	request_full_free(&q);
	fx_teardown(&gs);
}

static void blocks_are_skipped_and_spooled(void **state)
{
	struct fx *f = *state, g;
	int64_t first, last, next, left, n, pend, confl;
	struct request r;
	time_t oldest;
	void *gs = NULL;

	fx_submit(f->s, "أ", "1000000001", "0500000001");           /* seq 1 */
	assert_int_equal(store_ref_block_reserve(f->s, "lobby", 10, &first, &last),
	                 ST_OK);
	assert_int_equal(first, 2);
	assert_int_equal(last, 11);
	fx_request(&r, "ب", "1000000002", "0500000002");
	assert_int_equal(store_request_submit(f->s, &r, "kiosk"), ST_OK);
	assert_int_equal(fx_int(f->s, "SELECT max(seq) FROM requests"), 12);
	/* a spool with that block */
	assert_int_equal(fx_setup(&gs), 0);
	g = *(struct fx *)gs;
	assert_int_equal(store_ref_block_add(g.s, "01", first, last), ST_OK);
	assert_int_equal(store_ref_block_next(g.s, &next, &left), ST_OK);
	assert_int_equal(next, 2);
	assert_int_equal(left, 10);
	for (int i = 0; i < 2; i++) {
		char ref[16];

		fx_request(&r, "ج", "1000000003", "0500000003");
		assert_int_equal(store_request_spool(g.s, &r, i ? "k:a" : "k:b"), ST_OK);
		refno_make("01", 2 + i, ref, sizeof ref);
		assert_string_equal(r.ref, ref);
	}
	fx_request(&r, "د", "1000000004", "0500000004");
	assert_int_equal(store_request_spool(g.s, &r, "k:b"), ST_INVALID);
	/* keys are unique: the third with "k:b" again was refused, nothing
	 * written */
	assert_int_equal(fx_int(g.s, "SELECT count(*) FROM requests"), 2);
	assert_int_equal(store_spool_pending(g.s, &pend, &oldest, &confl), ST_OK);
	assert_int_equal(pend, 2);
	assert_true(oldest > 0);
	assert_int_equal(store_spool_mark(g.s, 1, "sent"), ST_OK);
	assert_int_equal(store_spool_mark(g.s, 1, "sent"), ST_OK);  /* once */
	assert_int_equal(store_spool_pending(g.s, &pend, &oldest, &confl), ST_OK);
	assert_int_equal(pend, 1);
	assert_int_equal(store_count(g.s, "requests", "k:", &n), ST_OK);
	assert_int_equal(n, 2);
	/* the last numbers of the block, then none */
	assert_int_equal(store_ref_block_next(g.s, &next, &left), ST_OK);
	assert_int_equal(next, 4);
	assert_int_equal(left, 8);
	fx_teardown(&gs);
}

/* spool_open makes the spool's missing directory (a PG kiosk's default
 * var/spool.db where var/ does not exist yet): failed before. */
static void spool_dir_is_made(void **state)
{
	struct fx *f = *state;
	char path[160], dir[96];
	store *sp = NULL;
	char err[256] = "";

	snprintf(dir, sizeof dir, "%s/var", f->dir);
	snprintf(path, sizeof path, "%s/spool.db", dir);
	assert_int_equal(spool_open(path, &sp, err, sizeof err), ST_OK);
	assert_int_equal(store_ref_block_add(sp, "01", 501, 600), ST_OK);
	store_close(sp);
	assert_int_equal(spool_open(path, &sp, err, sizeof err), ST_OK);
	store_close(sp);
	snprintf(path, sizeof path, "%s/no/such/spool.db", f->dir);
	assert_int_not_equal(spool_open(path, &sp, err, sizeof err), ST_OK);
	fx_rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(ingest_once_replay_noop_conflict_refused,
		                                fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(blocks_are_skipped_and_spooled,
		                                fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(spool_dir_is_made,
		                                fx_setup, fx_teardown),
	};

	return FX_RUN_BOTH(tests, NULL, NULL);
}
