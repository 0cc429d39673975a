/*
 * store/spool — a kiosk that outlives its link (issue 13). When the server
 * cannot be reached at submit (ST_OFFLINE), the kiosk writes the request
 * into its spool: a local SQLite file opened through the same store (so
 * the same durability: WAL, synchronous=FULL, one transaction), under a
 * reference from a block the server reserved for this kiosk while it was
 * online. The forwarder (`khidma forward`, and the kiosk between visitors)
 * delivers each spooled request once.
 *
 * Invariants:
 *  1. A spooled request carries an idempotency key made when it was
 *     spooled (its reference + 16 random hex digits) and kept in the
 *     spool's row (requests.idem); every delivery of it sends that key.
 *  2. The spool marks a request sent (spool_sent) only after the server's
 *     transaction committed (store_request_ingest returned): a forwarder
 *     killed between the two sends it again, and the server's answer is a
 *     replay (nothing written) — exactly once on the server.
 *  3. A reference in the spool comes from a block the server reserved for
 *     this kiosk (store_ref_block_reserve): unique without the server.
 *     spool_refill reserves another block while online once fewer than
 *     `low` numbers are left, and copies the server's catalog so a
 *     request taken offline names services the server knows, and its
 *     documents so the kiosk's guides are the server's while offline.
 *  4. Nothing here draws or logs: results and codes go to the caller.
 */
#ifndef KHIDMA_STORE_SPOOL_H
#define KHIDMA_STORE_SPOOL_H

#include "store/store.h"

/* Open (creating when missing) the spool file at path. */
st_rc spool_open(const char *path, store **out, char *err, size_t errsz);

/* Reserve a block of n numbers on server for kiosk when the spool has
 * fewer than low left, and copy the server's catalog and documents into
 * the spool.
 * *left: the numbers left afterwards (may be NULL). */
st_rc spool_refill(store *spool, store *server, const char *kiosk, int low,
                   int n, int64_t *left);

/* Write r into the spool (invariant 1): fills r->ref etc. as
 * store_request_submit does. ST_FULL when no reserved number is left. */
st_rc spool_submit(store *spool, struct request *r);

struct spool_pass {
	int   sent, replays, conflicts;    /* this pass */
	char  conflict_ref[16];            /* the last refused reference */
	/* Test hook, honoured by `khidma forward` in the source tree only:
	 * after this many server commits, before marking, die (0 = never). */
	int   die_after;
};
/*
 * Deliver up to max spooled requests to server, oldest first (invariant
 * 2). Stops at the first failure other than a refusal and returns its code
 * (ST_OFFLINE, ST_BUSY …): what was delivered stays marked. A refusal
 * (the reference exists on the server under another key) is marked
 * "conflict" and counted; it is never sent again. Records meta
 * forward_last_ok (unix seconds) after a pass that reached the server.
 */
st_rc spool_forward(store *spool, store *server, int max, struct spool_pass *p);

struct spool_status {
	int64_t pending, conflicts, refs_left;
	time_t  oldest;                    /* created_at of the oldest pending */
	time_t  last_ok;                   /* last pass that reached the server */
};
st_rc spool_status(store *spool, struct spool_status *st);

#endif
